import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, LocalCloud } from '../../infra/local/cloud';
import { makeCreditCode, type TraineeCells, validTrainee } from '../fixtures/registration-data';
import { api, startTestCloud } from '../support/local-cloud';
import { putObject, requestUpload, scanTable, storedUpload, summarize, traineeCsv } from './support';

/**
 * Issue 10 items 1–4 and 7, against DynamoDB Local and s3rver: an upload with thousands of findings still
 * completes, its report is paged from S3, the report workbook is masked and served only to its unit, one upload
 * link takes one file, and a duplicate held by another unit is not named to the unit that hit it.
 */
describe('upload reports', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  /** Ingest events held back until a test releases them (keyed by the object's ETag). */
  const gates = new Map<string, Promise<unknown>>();

  beforeAll(async () => {
    ({ cloud, endpoints, stop } = await startTestCloud({
      invocationDelays: (fn, event) => {
        if (fn !== 'ingest-upload') return undefined;
        const eTag = (event as { Records?: { s3: { object: { eTag?: string } } }[] }).Records?.[0]?.s3.object.eTag;
        return eTag ? gates.get(eTag.replace(/"/g, '')) : undefined;
      },
    }));
  });
  afterAll(async () => stop?.());

  async function upload(unit: string, trainees: readonly TraineeCells[]) {
    const issued = await requestUpload(endpoints, unit);
    await putObject(issued.key, traineeCsv(trainees));
    await cloud.idle();
    return issued;
  }

  it('completes an upload whose every row is wrong: a bounded summary on the item, every finding in the report', async () => {
    // What Excel does to a text-less ID and mobile column, written back as CSV: scientific notation.
    const rows = Array.from({ length: 2_000 }, (_, index) => ({
      ...validTrainee(10_000 + index),
      idNumber: '1.10105E+17',
      mobile: '1.38123E+10',
      email: 'not-an-address',
    }));
    const issued = await upload('110000', rows);
    const stored = await storedUpload(issued.uploadId);
    expect(stored).toMatchObject({ status: 'done', rows: 2_000, accepted: 0 });
    expect(cloud.failedEvents()).toEqual([]);
    const item = stored as unknown as {
      findings: unknown[];
      findingTotal: number;
      findingCounts: Record<string, number>;
    };
    expect(item.findings.length).toBeLessThanOrEqual(50);
    expect(item.findingTotal).toBeGreaterThanOrEqual(6_000);
    expect(Object.values(item.findingCounts).reduce((a, b) => a + b, 0)).toBe(item.findingTotal);
    expect(Buffer.byteLength(JSON.stringify(stored))).toBeLessThan(100_000);

    const token = endpoints.tokens['110000'];
    const seen: { row?: number; code: string }[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page = await api(endpoints, `/uploads/${issued.uploadId}/report?limit=500&offset=${offset}`, { token });
      expect(page.status, JSON.stringify(page.body).slice(0, 300)).toBe(200);
      expect(page.body.findingTotal).toBe(item.findingTotal);
      seen.push(...page.body.findings);
      offset = page.body.next;
    }
    expect(seen).toHaveLength(item.findingTotal);
    expect(new Set(seen.map((finding) => finding.row)).size).toBe(2_000);

    const byCode = await api(endpoints, `/uploads/${issued.uploadId}/report?code=EMAIL_FORMAT&limit=5`, { token });
    expect(byCode.status).toBe(200);
    expect(byCode.body.findings.every((f: { code: string }) => f.code === 'EMAIL_FORMAT')).toBe(true);
  }, 120_000);

  it('masks personal values in the report, by column and wherever else a clerk typed them', async () => {
    const person = validTrainee(20_001);
    const stray = validTrainee(20_002);
    const issued = await upload('110000', [
      // An ID number typed into the birth-date column and a mobile into 性别: findings quote the cells, never raw.
      { ...person, birthDate: String(stray.idNumber), gender: String(stray.mobile) },
      // A mobile and an ID number in 备注 of a valid row.
      { ...validTrainee(20_003), remarks: `备用手机${stray.mobile}，身份证${stray.idNumber}` },
    ]);
    const token = endpoints.tokens['110000'];
    const report = await api(endpoints, `/uploads/${issued.uploadId}/report`, { token });
    expect(report.status).toBe(200);
    expect(report.body.findings.length).toBeGreaterThan(0);
    const secrets = [person.idNumber, stray.idNumber, stray.mobile, person.mobile].map(String);
    for (const secret of secrets) expect(JSON.stringify(report.body)).not.toContain(secret);

    const download = await fetch(`${endpoints.api}/uploads/${issued.uploadId}/report.xlsx`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await download.arrayBuffer()) as never);
    const cells: string[] = [];
    workbook.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value ?? '')))));
    const text = cells.join('\n');
    expect(text).toContain(String(validTrainee(20_003).enterpriseName)); // the rows are there
    for (const secret of [...secrets, String(validTrainee(20_003).idNumber), String(validTrainee(20_003).email)]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('备用手机138****'); // masked, not dropped

    // Another unit may not read it; staff may.
    const foreign = await fetch(`${endpoints.api}/uploads/${issued.uploadId}/report.xlsx`, {
      headers: { authorization: `Bearer ${endpoints.tokens['120000']}` },
    });
    expect(foreign.status).toBe(403);
    const staff = await fetch(`${endpoints.api}/uploads/${issued.uploadId}/report.xlsx`, {
      headers: { authorization: `Bearer ${endpoints.tokens.staff}` },
    });
    expect(staff.status).toBe(200);
  });

  it('tells a unit that someone holds a person, never who; staff see the holder', async () => {
    const person = validTrainee(30_001);
    await upload('440000', [person]);
    const issued = await upload('440300', [{ ...person, creditCode: makeCreditCode(30_555) }]);
    const unitView = await api(endpoints, `/uploads/${issued.uploadId}/report`, { token: endpoints.tokens['440300'] });
    const [duplicate] = unitView.body.findings.filter((f: { code: string }) => f.code === 'DUPLICATE_PERSON');
    expect(duplicate).toBeDefined();
    expect(JSON.stringify(unitView.body)).not.toMatch(/广东|440000/);
    expect(duplicate.heldBy).toBeUndefined();

    const staffView = await api(endpoints, `/uploads/${issued.uploadId}/report`, { token: endpoints.tokens.staff });
    const [held] = staffView.body.findings.filter((f: { code: string }) => f.code === 'DUPLICATE_PERSON');
    expect(held).toMatchObject({ heldBy: '440000', heldByName: '广东省' });
  });

  it('takes one file per upload link: a second file sent with it is refused and never read', async () => {
    const first = validTrainee(40_001);
    const second = validTrainee(40_002);
    const issued = await upload('110000', [first]);
    await putObject(issued.key, traineeCsv([second]));
    await cloud.idle();

    const stored = await storedUpload(issued.uploadId);
    expect(stored).toMatchObject({ status: 'done', accepted: 1 });
    const report = await api(endpoints, `/uploads/${issued.uploadId}/report`, { token: endpoints.tokens['110000'] });
    expect(report.body.refusedFiles).toBe(1);
    const registered = summarize(await scanTable()).registrations.map((r) => r.trainee.creditCode);
    expect(registered).toContain(first.creditCode);
    expect(registered).not.toContain(second.creditCode);
  });

  it('reads exactly the announced file: one replaced before it was read is refused, and so is its replacement', async () => {
    const first = validTrainee(50_001);
    const second = validTrainee(50_002);
    const firstCsv = traineeCsv([first]);
    const secondCsv = traineeCsv([second]);
    const md5 = async (bytes: Uint8Array) =>
      (await import('node:crypto')).createHash('md5').update(bytes).digest('hex');
    let releaseFirst: () => void = () => undefined;
    gates.set(await md5(firstCsv), new Promise<void>((resolve) => (releaseFirst = resolve)));
    const issued = await requestUpload(endpoints, '110000');
    // The second file waits until the first has been dealt with, so the order is fixed.
    gates.set(
      await md5(secondCsv),
      (async () => {
        for (;;) {
          const status = (await storedUpload(issued.uploadId))?.status;
          if (status === 'done' || status === 'failed') return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })(),
    );
    await putObject(issued.key, firstCsv);
    await putObject(issued.key, secondCsv);
    releaseFirst();
    await cloud.idle();

    const stored = await storedUpload(issued.uploadId);
    expect(stored).toMatchObject({ status: 'failed', accepted: 0 });
    expect(stored?.findings?.map((finding) => finding.code)).toEqual(['UPLOAD_REPLACED']);
    const report = await api(endpoints, `/uploads/${issued.uploadId}/report`, { token: endpoints.tokens['110000'] });
    expect(report.body.refusedFiles).toBe(1);
    const registered = summarize(await scanTable()).registrations.map((r) => r.trainee.creditCode);
    expect(registered).not.toContain(first.creditCode);
    expect(registered).not.toContain(second.creditCode);
  });
});
