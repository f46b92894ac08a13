import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../infra/local/cloud';
import { validTrainee } from '../fixtures/registration-data';
import { buildCsv, TRAINEE_HEADERS, traineeRow } from '../fixtures/spreadsheet-files';
import { api, eventually, outbox, postToPresigned, startTestCloud } from '../support/local-cloud';

/** The thin slice, through public surfaces only: HTTP API, presigned POST, SES outbox. */
describe('one registration end to end', () => {
  let endpoints: Endpoints;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ endpoints, stop } = await startTestCloud());
  });
  afterAll(async () => stop?.());

  it('refuses calls without a valid token (401) and with the wrong role or unit (403)', async () => {
    expect((await api(endpoints, '/registrations')).status).toBe(401);
    expect((await api(endpoints, '/registrations', { token: 'not.a.jwt' })).status).toBe(401);
    const staffUpload = await api(endpoints, '/uploads', {
      token: endpoints.tokens.staff,
      body: { form: 'trainee', fileName: 'a.csv' },
    });
    expect(staffUpload.status).toBe(403);
    expect(staffUpload.body.code).toBe('FORBIDDEN');
    const otherUnit = await api(endpoints, '/registrations?unit=110000', { token: endpoints.tokens['120000'] });
    expect(otherUnit.status).toBe(403);
  });

  it('serves the blank forms to anyone signed in: .xlsx workbooks and header-only UTF-8 CSVs with a BOM', async () => {
    for (const form of ['trainee', 'unit']) {
      const xlsx = await fetch(`${endpoints.api}/templates/${form}.xlsx`, {
        headers: { authorization: `Bearer ${endpoints.tokens['650000']}` },
      });
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
      const bytes = new Uint8Array(await xlsx.arrayBuffer());
      expect([...bytes.slice(0, 2)]).toEqual([0x50, 0x4b]); // a zip container
      const csv = await fetch(`${endpoints.api}/templates/${form}.csv`, {
        headers: { authorization: `Bearer ${endpoints.tokens.staff}` },
      });
      const text = new Uint8Array(await csv.arrayBuffer());
      expect([...text.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(new TextDecoder().decode(text).trim().split(/\r?\n/)).toHaveLength(1);
    }
    expect((await fetch(`${endpoints.api}/templates/trainee.xlsx`)).status).toBe(401);
    const unknown = await fetch(`${endpoints.api}/templates/other.xlsx`, {
      headers: { authorization: `Bearer ${endpoints.tokens.staff}` },
    });
    expect(unknown.status).toBe(404);
  });

  it('rejects a file type it cannot read before issuing an upload', async () => {
    const response = await api(endpoints, '/uploads', {
      token: endpoints.tokens['110000'],
      body: { form: 'trainee', fileName: 'old.xls' },
    });
    expect(response.status).toBe(415);
    expect(response.body.code).toBe('FILE_TYPE');
  });

  it('uploads a one-row CSV, records the registration, starts its workflow and sends the nominated email', async () => {
    const unitToken = endpoints.tokens['110000'] as string;
    const issued = await api(endpoints, '/uploads', {
      token: unitToken,
      body: { form: 'trainee', fileName: '报名表.csv' },
    });
    expect(issued.status).toBe(201);
    expect(issued.body.key).toBe(`incoming/2024/110000/${issued.body.uploadId}.csv`);
    expect(issued.body.fields.key).toBe(issued.body.key);
    expect(issued.body.fields['Content-Type']).toBe('text/csv');
    expect(Date.parse(issued.body.expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60 * 1000);

    const trainee = validTrainee(1);
    const csv = buildCsv(TRAINEE_HEADERS, [traineeRow(trainee)]);
    expect(await postToPresigned(issued.body, csv, '报名表.csv')).toBeLessThan(300);

    const report = await eventually(
      async () => {
        const response = await api(endpoints, `/uploads/${issued.body.uploadId}/report`, { token: unitToken });
        return ['pending', 'processing'].includes(response.body.status) ? undefined : response;
      },
      30_000,
      'the upload report',
    );
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ uploadId: issued.body.uploadId, status: 'done', rows: 1, accepted: 1 });
    expect(report.body.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);

    const mail = await eventually(
      async () => {
        const mails = await outbox(endpoints);
        return mails.find((m) => m.to === trainee.email && m.subject.includes('报名已受理'));
      },
      30_000,
      'the nominated email',
    );
    expect(mail.text ?? mail.html).toContain(String(trainee.name));

    const listed = await api(endpoints, '/registrations', { token: endpoints.tokens.staff });
    expect(listed.status).toBe(200);
    expect(listed.body.next).toBeNull();
    expect(listed.body.items).toHaveLength(1);
    const [item] = listed.body.items;
    expect(item).toMatchObject({ unit: '110000', status: 'nominated', name: trainee.name });
    expect(item.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
    expect(JSON.stringify(listed.body)).not.toContain(String(trainee.idNumber));

    const ownUnit = await api(endpoints, '/registrations', { token: unitToken });
    expect(ownUnit.body.items.map((i: { registrationId: string }) => i.registrationId)).toEqual([item.registrationId]);
    const otherUnit = await api(endpoints, '/registrations', { token: endpoints.tokens['120000'] });
    expect(otherUnit.body.items).toEqual([]);
    const otherReport = await api(endpoints, `/uploads/${issued.body.uploadId}/report`, {
      token: endpoints.tokens['120000'],
    });
    expect(otherReport.status).toBe(403);
  });
});
