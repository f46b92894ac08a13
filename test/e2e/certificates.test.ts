import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defaultProgramme from '../../data/programme-2024.json';
import type { Endpoints } from '../../infra/local/cloud';
import { parseProgramme } from '../../shared/domain/programme';
import { validTrainee } from '../fixtures/registration-data';
import { api, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';

/**
 * Certificates through public surfaces: issued at the class's close, mailed with a verification link and a signed
 * download link, verified by anyone with number and code, revoked and re-issued by staff, archived per class.
 * A one-class programme (2024-09-09 … 09-12) keeps the journey short.
 */
const programme = parseProgramme({
  ...defaultProgramme,
  classes: [{ ...defaultProgramme.classes[0], number: 1, startDate: '2024-09-09', endDate: '2024-09-12' }],
});

describe('certificates: issue, mail, verify, download, revoke, re-issue, archive', () => {
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let journey: Journey;
  const trainees = [301, 302, 303].map((n) => ({ ...validTrainee(n), preferredClass: 1 }));
  let ids: string[] = [];
  let first: { number: string; code: string };

  beforeAll(async () => {
    ({ endpoints, stop } = await startTestCloud({ programme }));
    journey = new Journey(endpoints);
    ids = await journey.nominate(trainees);
    for (const id of ids) await journey.review(id, 'approved');
    for (const id of ids) await journey.until(id, 'assigned', 'class-close');
    await journey.setClock('2024-09-12T18:00:00+08:00');
    for (let session = 1; session <= 8; session++) {
      const reply = await journey.attendance(
        1,
        journey.host(1),
        session,
        ids.map((registrationId) => ({ registrationId, status: 'present' })),
      );
      expect(reply.status).toBe(200);
    }
    expect((await api(endpoints, '/classes/1/close', { token: journey.host(1), body: {} })).status).toBe(200);
    for (const id of ids) await journey.until(id, 'certified');
    first = (await journey.registration(ids[0] as string)).body.certificate;
  }, 180_000);
  afterAll(async () => stop?.());

  it('the registration shows the certificate; the mail carries number, code, verification and download links', async () => {
    // Three trainees certified at once: numbers 0001–0003 in whichever order their executions reached the step.
    expect(first).toMatchObject({ number: expect.stringMatching(/^LJRC-2024-01-000[1-3]$/), status: 'issued' });
    expect(first.code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
    const mail = await journey.mail(String(trainees[0]?.email), '结业证书');
    expect(mail.text).toContain(first.number);
    expect(mail.text).toContain(first.code);
    expect(mail.text).toContain(`${endpoints.api}/verify/${first.number}?code=${first.code}`);
    const download = /(http\S+\/certificates\/LJRC-2024-01-\d{4}\/certificate\.pdf\?expires=\d+&signature=[\w-]+)/.exec(
      mail.text ?? '',
    )?.[1];
    expect(download).toBeDefined();
    const pdf = await fetch(download as string);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeLessThanOrEqual(300 * 1024);
    // A tampered link is refused without revealing anything.
    const tampered = await fetch(String(download).replace(/signature=[\w-]+/, 'signature=AAAA'));
    expect(tampered.status).toBe(404);
  });

  it('verification: valid shows every field; wrong code and unknown number answer the same', async () => {
    const valid = await api(endpoints, `/verify/${first.number}?code=${first.code}`);
    expect(valid.status).toBe(200);
    expect(valid.body).toMatchObject({
      valid: true,
      status: 'issued',
      certificate: {
        number: first.number,
        name: trainees[0]?.name,
        enterpriseName: trainees[0]?.enterpriseName,
        class: { number: 1, theme: programme.classes[0]?.theme, startDate: '2024-09-09', endDate: '2024-09-12' },
      },
    });
    expect(JSON.stringify(valid.body)).not.toContain(String(trainees[0]?.idNumber));
    const wrongCode = await api(endpoints, `/verify/${first.number}?code=ABCDEFGH`);
    const unknown = await api(endpoints, `/verify/LJRC-2024-01-0999?code=${first.code}`);
    const noCode = await api(endpoints, `/verify/${first.number}`);
    expect(wrongCode.status).toBe(404);
    expect(unknown).toEqual(wrongCode);
    expect(noCode).toEqual(wrongCode);
    expect(wrongCode.body.code).toBe('CERTIFICATE_NOT_VERIFIED');
    // A valid answer and a refused one have the same shape: the same keys, only the values differ.
    expect(
      Object.keys(valid.body)
        .filter((key) => key !== 'sampleDataNotice')
        .sort(),
    ).toEqual(Object.keys(wrongCode.body).sort());
    const page = await fetch(`${endpoints.api}/verify/${first.number}?code=${first.code}`, {
      headers: { accept: 'text/html' },
    });
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('证书有效');
    expect(html).toContain(String(trainees[0]?.name));
    // The 2024 schedule is sample data: the verification says so, as the certificate does.
    expect(html).toContain('示例数据');
    expect(valid.body.sampleData).toBe(true);
  });

  it('staff and the unit download the PDF again; another unit and a host cannot', async () => {
    const path = `/registrations/${ids[0]}/certificate.pdf`;
    const own = await fetch(`${endpoints.api}${path}`, { headers: { authorization: `Bearer ${journey.unitToken}` } });
    expect(own.status).toBe(200);
    expect(
      Buffer.from(await own.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
    expect((await api(endpoints, path, { token: endpoints.tokens['120000'] as string })).status).toBe(403);
    expect((await api(endpoints, path, { token: journey.host(1) })).status).toBe(403);
  });

  it('revocation: staff only, with a reason; verification says revoked and when; downloads stop', async () => {
    const revoke = (token: string, body: unknown) =>
      api(endpoints, `/certificates/${first.number}/revoke`, { token, body });
    expect((await revoke(journey.unitToken, { reason: '信息有误' })).status).toBe(403);
    expect((await revoke(journey.staff, {})).status).toBe(400);
    const revoked = await revoke(journey.staff, { reason: '企业名称有误，需更正后补发' });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect((await revoke(journey.staff, { reason: '再次撤销' })).body.code).toBe('CERTIFICATE_REVOKED');
    const verify = await api(endpoints, `/verify/${first.number}?code=${first.code}`);
    expect(verify.status).toBe(410);
    expect(verify.body).toMatchObject({ valid: false, status: 'revoked', revokedAt: revoked.body.revokedAt });
    expect(
      (await api(endpoints, `/registrations/${ids[0]}/certificate.pdf`, { token: journey.unitToken })).body.code,
    ).toBe('CERTIFICATE_REVOKED');
    expect((await journey.registration(ids[0] as string)).body.certificate.status).toBe('revoked');
  });

  it('re-issue: a new number and code replace the revoked certificate', async () => {
    const reissued = await api(endpoints, `/certificates/${first.number}/reissue`, {
      token: journey.staff,
      body: { reason: '更正企业名称后补发' },
    });
    expect(reissued.status, JSON.stringify(reissued.body)).toBe(201);
    expect(reissued.body.number).not.toBe(first.number);
    expect((await api(endpoints, `/verify/${reissued.body.number}?code=${reissued.body.code}`)).body.valid).toBe(true);
    expect((await api(endpoints, `/verify/${first.number}?code=${first.code}`)).body.replacedBy).toBe(
      reissued.body.number,
    );
    expect((await journey.registration(ids[0] as string)).body.certificate).toMatchObject({
      number: reissued.body.number,
      status: 'issued',
    });
    const history = await api(endpoints, `/registrations/${ids[0]}/history`, { token: journey.staff });
    expect(history.body.items.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['certificate-revoked', 'certificate-reissued']),
    );
  });

  it('a class archive: one zip of every valid certificate, streamed to S3, served by a short-lived link', async () => {
    expect((await api(endpoints, '/classes/1/certificates.zip', { token: journey.host(1) })).status).toBe(403);
    const archive = await api(endpoints, '/classes/1/certificates.zip', { token: journey.staff });
    expect(archive.status, JSON.stringify(archive.body)).toBe(201);
    expect(archive.body.files).toBe(3);
    const zip = Buffer.from(await (await fetch(archive.body.url)).arrayBuffer());
    const names = await new Promise<string[]>((resolve, reject) =>
      yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
        if (error || !file) return reject(error);
        const found: string[] = [];
        file.on('entry', (entry: yauzl.Entry) => {
          found.push(entry.fileName);
          file.readEntry();
        });
        file.on('end', () => resolve(found));
        file.readEntry();
      }),
    );
    expect(names).toHaveLength(3);
    expect(names.every((name) => /^LJRC-2024-01-\d{4}-学员30\d\.pdf$/.test(name))).toBe(true);
  });
});
