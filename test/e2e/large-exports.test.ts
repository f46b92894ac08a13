import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../infra/local/cloud';
import { validTrainee } from '../fixtures/registration-data';
import { api, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';

/**
 * An export larger than the reply may carry is written under exports/ and served by a short-lived link, by the
 * function that made it (staff-api, class-api) under its own grants, which the local cloud enforces. The inline
 * limit is lowered for this file only, so a few rows are "large" and the test stays fast.
 */
const INLINE_LIMIT = 600;
const CLASS = 3;

describe('large exports go by link', () => {
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let journey: Journey;
  let ids: string[];
  const before = process.env.EXPORT_INLINE_MAX_BYTES;

  beforeAll(async () => {
    process.env.EXPORT_INLINE_MAX_BYTES = String(INLINE_LIMIT);
    ({ endpoints, stop } = await startTestCloud());
    journey = new Journey(endpoints);
    ids = await journey.nominate([validTrainee(401), validTrainee(402)]);
    for (const id of ids) await journey.review(id, 'approved');
    for (const id of ids) await journey.until(id, 'assigned');
  });
  afterAll(async () => {
    if (before === undefined) delete process.env.EXPORT_INLINE_MAX_BYTES;
    else process.env.EXPORT_INLINE_MAX_BYTES = before;
    await stop?.();
  });

  const viaLink = async (path: string, token: string) => {
    const reply = await api(endpoints, path, { token });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toMatchObject({ delivery: 'link', downloadUrl: expect.stringMatching(/^https?:\/\//) });
    expect(reply.body.bytes).toBeGreaterThan(INLINE_LIMIT);
    expect(reply.body.message).toMatch(/5 分钟/);
    expect(Date.parse(reply.body.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    // The link is presigned: it works without a token, for a few minutes.
    const file = await fetch(reply.body.downloadUrl);
    expect(file.status).toBe(200);
    return { fileName: reply.body.fileName as string, bytes: Buffer.from(await file.arrayBuffer()) };
  };

  it('registrations.xlsx from staff-api: a link to the whole workbook', async () => {
    const { fileName, bytes } = await viaLink('/exports/registrations.xlsx', journey.staff);
    expect(fileName).toMatch(/^报名名单-2024-.*\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as never);
    const text = JSON.stringify(workbook.worksheets[0]?.getSheetValues());
    for (const id of ids) expect(text).toContain(id);
  });

  it('roster.csv from class-api, asked by the class’s host: a link to the CSV with its BOM', async () => {
    const { fileName, bytes } = await viaLink(`/classes/${CLASS}/roster.csv`, journey.host(CLASS));
    expect(fileName).toBe('第3期学员名单.csv');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    for (const id of ids) expect(bytes.toString('utf8')).toContain(id);
  });
});
