import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Endpoints, type LocalCloud, PROGRAMME_YEAR, TABLE_NAME } from '../../infra/local/cloud';
import { dynamoClient } from '../../shared/adapters/aws-clients';
import { defaultProgramme } from '../../shared/adapters/programme-store';
import type { Programme } from '../../shared/domain/programme';
import { type TraineeCells, validTrainee } from '../fixtures/registration-data';
import { api, eventually, postToPresigned, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';
import { buildCsv, TRAINEE_HEADERS, traineeRow } from '../fixtures/spreadsheet-files';

/**
 * Issue 12, quotas at a glance: after a seeded random sequence of uploads (three units, some rows refused: a bad ID
 * number, an enterprise another unit holds, a quota overrun), reviews, the waitlist, withdrawals (one freeing a
 * seat for the waitlist), the review timeout, the end of the waitlist and a class close, every figure of GET /quotas
 * equals a recount from the stored registrations and their history. The oracle is the items (read by Scan here, in
 * the test), never the counters under test. QUOTA_SEED=<n> replays another sequence.
 */
const SEED = Number(process.env.QUOTA_SEED ?? 20241126);
const UNIT_A = '110000';
const UNIT_B = '120000';
/** Given a small quota here, so its upload overruns it. */
const UNIT_C = '440300';
const SMALL_QUOTA = 3;
const CLASS = 3;
/** The year has this one class, with two seats: further approvals wait, one is promoted, the rest are not placed. */
const SEATS = 2;
/** Notice 一(一): 不少于800名. */
const PLAN = 800;

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The statuses that give the unit's quota seat back (releaseRegistration); every other registration keeps one. */
const RELEASED = ['rejected', 'withdrawn', 'expired', 'not-placed'];
const FIGURES = [
  'nominated',
  'approved',
  'assigned',
  'waitlisted',
  'certified',
  'incomplete',
  'withdrawn',
  'rejected',
  'expired',
  'notPlaced',
  'failed',
] as const;
type Figures = Record<(typeof FIGURES)[number] | 'used', number>;
const zero = (): Figures => ({ used: 0, ...Object.fromEntries(FIGURES.map((figure) => [figure, 0])) }) as Figures;
const figureOf = (status: string) => (status === 'not-placed' ? 'notPlaced' : status) as keyof Figures;

// biome-ignore lint/suspicious/noExplicitAny: stored items are read field by field
async function scanAll(): Promise<Record<string, any>[]> {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoClient().send(
      new ScanCommand({ TableName: TABLE_NAME, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * The figures as the registrations themselves tell them: status counts from the registration items, seats used from
 * the registrations that were not released (a trainee who finished, certified or not, used a seat), and `approved`
 * from the history: a status event out of `nominated` into a place.
 */
async function recount(): Promise<Map<string, Figures>> {
  const items = await scanAll();
  const units = new Map<string, Figures>();
  const unitOf = new Map<string, string>();
  for (const item of items.filter((i) => i.type === 'registration' && i.year === PROGRAMME_YEAR)) {
    unitOf.set(item.registrationId, item.unit);
    const figures = units.get(item.unit) ?? zero();
    figures[figureOf(item.status)] += 1;
    if (!RELEASED.includes(item.status)) figures.used += 1;
    units.set(item.unit, figures);
  }
  for (const event of items.filter((i) => i.type === 'history' && i.kind === 'status')) {
    if (event.from !== 'nominated' || !['assigned', 'waitlisted', 'not-placed'].includes(event.to)) continue;
    const unit = unitOf.get(String(event.pk).slice('REG#'.length)) as string;
    (units.get(unit) as Figures).approved += 1;
  }
  return units;
}

describe('quotas at a glance: the counters kept by the writes equal a recount of the registrations', () => {
  let cloud: LocalCloud;
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let programme: Programme;
  const random = mulberry32(SEED);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const shuffle = <T>(values: readonly T[]): T[] => {
    const out = [...values];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  const journeys: Record<string, Journey> = {};
  /** Registration id → its unit, and what the sequence does with it. */
  const plan = new Map<string, { unit: string; review: 'approve' | 'reject' | 'none'; withdraw: boolean }>();
  let trainee = 7000;
  /** Withdrawn outside the plan (the failed step's). */
  const withdrawnEarlier: string[] = [];

  beforeAll(async () => {
    const shipped = defaultProgramme(PROGRAMME_YEAR) as Programme;
    const classThree = shipped.classes.find((c) => c.number === CLASS) as Programme['classes'][number];
    programme = {
      ...shipped,
      quotas: { ...shipped.quotas, [UNIT_C]: SMALL_QUOTA },
      classes: [{ ...classThree, capacity: SEATS }],
    };
    // Step retries a few milliseconds apart, so a failing step fails in seconds.
    ({ cloud, endpoints, stop } = await startTestCloud({ programme, retryIntervalMs: 5 }));
    for (const unit of [UNIT_A, UNIT_B, UNIT_C]) journeys[unit] = new Journey(endpoints, unit);
  });
  afterAll(async () => stop?.());

  /** The reply of GET /quotas against the recount, unit by unit (every unit of the programme) and in total. */
  async function expectFiguresEqualRecount(when: string) {
    const reply = await api(endpoints, '/quotas', { token: journeys[UNIT_A]?.staff });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const counted = await recount();
    const rows = new Map<string, Record<string, number>>(
      reply.body.units.map((row: { unit: string }) => [row.unit, row]),
    );
    expect([...rows.keys()].sort(), when).toEqual(Object.keys(programme.quotas).sort());
    const total = zero();
    for (const [unit, row] of rows) {
      const expected = counted.get(unit) ?? zero();
      for (const name of Object.keys(total) as (keyof Figures)[]) total[name] += expected[name];
      const quota = programme.quotas[unit] as number;
      expect(row, `${when}: unit ${unit} (seed ${SEED})`).toMatchObject({
        ...expected,
        quota,
        remaining: Math.max(0, quota - expected.used),
      });
    }
    const totalQuota = Object.values(programme.quotas).reduce((sum, quota) => sum + quota, 0);
    expect(reply.body.national, `${when}: national (seed ${SEED})`).toMatchObject({
      ...total,
      plannedMinimum: PLAN,
      totalQuota,
      quotaReachesPlan: totalQuota >= PLAN,
      quotaShortOfPlan: Math.max(0, PLAN - totalQuota),
    });
    expect(reply.body.sampleDataNotice).toMatch(/示例数据/);
    return counted;
  }

  /** Uploads the unit's file and returns the accepted registrations' ids once each waits for review. */
  async function upload(unit: string, rows: readonly TraineeCells[], accepted: number): Promise<string[]> {
    const journey = journeys[unit] as Journey;
    const issued = await api(endpoints, '/uploads', {
      token: journey.unitToken,
      body: { form: 'trainee', fileName: 'trainees.csv' },
    });
    expect(issued.status).toBe(201);
    const csv = buildCsv(
      TRAINEE_HEADERS,
      rows.map((row) => traineeRow(row)),
    );
    await postToPresigned(issued.body, csv, 'trainees.csv');
    const report = await eventually(async () => {
      const r = await api(endpoints, `/uploads/${issued.body.uploadId}/report`, { token: journey.unitToken });
      return ['pending', 'processing'].includes(r.body.status) ? undefined : r.body;
    });
    expect(report, `seed ${SEED}`).toMatchObject({ status: 'done', accepted });
    const listed = await api(endpoints, `/registrations?unit=${unit}&limit=200`, { token: journey.staff });
    const mine = listed.body.items.filter((item: { uploadId?: string; name: string }) =>
      rows.some((row) => row.name === item.name),
    );
    expect(mine).toHaveLength(accepted);
    const ids = mine.map((item: { registrationId: string }) => item.registrationId);
    for (const id of ids) await journey.until(id, 'nominated', 'review');
    return ids;
  }

  it('uploads: three units, some rows refused (bad ID, an enterprise held elsewhere, over the quota)', async () => {
    const valid = (count: number) => Array.from({ length: count }, () => validTrainee(trainee++));
    const withBadRow = (rows: TraineeCells[]) => {
      const bad = { ...validTrainee(trainee++), idNumber: '110105491231002' };
      const at = Math.floor(random() * (rows.length + 1));
      return [...rows.slice(0, at), bad, ...rows.slice(at)];
    };
    const a = valid(3 + Math.floor(random() * 2));
    const idsA = await upload(UNIT_A, withBadRow(a), a.length);
    const b = valid(3 + Math.floor(random() * 2));
    // Unit A holds this enterprise this year: refused for B.
    const heldByA = { ...validTrainee(trainee++), creditCode: a[0]?.creditCode as string };
    const idsB = await upload(UNIT_B, withBadRow([...b, heldByA]), b.length);
    // More valid rows than the small quota: the last ones are refused.
    const c = valid(SMALL_QUOTA + 1 + Math.floor(random() * 2));
    const idsC = await upload(UNIT_C, withBadRow(c), SMALL_QUOTA);
    const units = [...idsA.map(() => UNIT_A), ...idsB.map(() => UNIT_B), ...idsC.map(() => UNIT_C)];
    const all = [...idsA, ...idsB, ...idsC];
    // Each kind of path at least once, the rest at random. Approvals outnumber the seats by two at least: one waits
    // and is promoted when an assigned trainee withdraws, one is never placed.
    const forced = [
      ...Array.from({ length: SEATS + 2 }, () => ({ review: 'approve', withdraw: false }) as const),
      { review: 'reject', withdraw: false },
      { review: 'none', withdraw: false },
      { review: 'none', withdraw: true },
    ] as const;
    shuffle(all.map((_, index) => index)).forEach((index, position) => {
      const chosen = forced[position] ?? {
        review: pick(['approve', 'reject', 'none'] as const),
        withdraw: random() < 0.3,
      };
      plan.set(all[index] as string, {
        unit: units[index] as string,
        review: chosen.review,
        // Which approved trainee withdraws is chosen once the seats are given (see below).
        withdraw: chosen.review === 'none' && chosen.withdraw,
      });
    });
    const counted = await expectFiguresEqualRecount('after uploads');
    expect(counted.get(UNIT_C)?.nominated).toBe(SMALL_QUOTA);
  });

  /** Waits until every approved trainee still in the journey has a seat or waits for one; returns who has a seat. */
  async function placed(): Promise<{ assigned: string[]; waiting: string[] }> {
    const approved = [...plan].filter(([, p]) => p.review === 'approve' && !p.withdraw).map(([id]) => id);
    return eventually(
      async () => {
        const assigned: string[] = [];
        const waiting: string[] = [];
        for (const id of approved) {
          const { body } = await (journeys[UNIT_A] as Journey).registration(id);
          if (body.status === 'assigned' && body.awaiting?.stage === 'class-close') assigned.push(id);
          else if (body.status === 'waitlisted' && body.awaiting?.stage === 'seat') waiting.push(id);
          else return undefined;
        }
        return { assigned, waiting };
      },
      30_000,
      'approved trainees placed or waiting',
    );
  }

  it('a step failing after its retries: counted as failed, then retried by staff or withdrawn by the unit', async () => {
    const journey = journeys[UNIT_B] as Journey;
    const rows = [validTrainee(trainee++), validTrainee(trainee++)];
    await cloud.setMailOutage(true);
    const issued = await api(endpoints, '/uploads', {
      token: journey.unitToken,
      body: { form: 'trainee', fileName: 'more.csv' },
    });
    await postToPresigned(
      issued.body,
      buildCsv(
        TRAINEE_HEADERS,
        rows.map((row) => traineeRow(row)),
      ),
      'more.csv',
    );
    const failed: string[] = await eventually(
      async () => {
        const list = await api(endpoints, `/registrations?status=failed&unit=${UNIT_B}`, { token: journey.staff });
        return list.body.items.length === rows.length
          ? list.body.items.map((i: { registrationId: string }) => i.registrationId)
          : undefined;
      },
      60_000,
      'failed registrations',
    );
    for (const id of failed) await journey.until(id, 'failed', 'recovery');
    const counted = await expectFiguresEqualRecount('after a failed step');
    expect(counted.get(UNIT_B)?.failed).toBe(rows.length);
    await cloud.setMailOutage(false);
    const [retried, withdrawn] = shuffle(failed) as [string, string];
    expect((await api(endpoints, `/registrations/${retried}/retry`, { token: journey.staff, body: {} })).status).toBe(
      202,
    );
    expect(
      (await api(endpoints, `/registrations/${withdrawn}/withdraw`, { token: journey.unitToken, body: {} })).status,
    ).toBe(202);
    await journey.until(retried, 'nominated', 'review');
    await journey.until(withdrawn, 'withdrawn');
    withdrawnEarlier.push(withdrawn);
    // The retried registration waits for a review nobody makes.
    plan.set(retried, { unit: UNIT_B, review: 'none', withdraw: false });
    await expectFiguresEqualRecount('after the retry');
  });

  it('reviews: approvals take the seats and then wait; rejections release theirs', async () => {
    for (const [id, { unit, review }] of shuffle([...plan])) {
      if (review === 'approve') await journeys[unit]?.review(id, 'approved');
      if (review === 'reject') await journeys[unit]?.review(id, 'rejected', '企业不符合培训对象条件');
    }
    for (const [id, { unit, review }] of plan) if (review === 'reject') await journeys[unit]?.until(id, 'rejected');
    const approved = [...plan.values()].filter((p) => p.review === 'approve').length;
    const { assigned, waiting } = await placed();
    expect(assigned).toHaveLength(SEATS);
    expect(waiting).toHaveLength(approved - SEATS);
    const counted = await expectFiguresEqualRecount('after reviews');
    expect([...counted.values()].reduce((sum, f) => sum + f.approved, 0)).toBe(approved);
    expect([...counted.values()].reduce((sum, f) => sum + f.waitlisted, 0)).toBe(approved - SEATS);
  });

  it('withdrawals: by the unit or by staff, from review and from a class (its seat goes to the waitlist)', async () => {
    const before = await placed();
    const leaving = pick(before.assigned);
    (plan.get(leaving) as { withdraw: boolean }).withdraw = true;
    for (const [id, { unit, withdraw }] of shuffle([...plan])) {
      if (!withdraw) continue;
      const journey = journeys[unit] as Journey;
      const reply = await api(endpoints, `/registrations/${id}/withdraw`, {
        token: random() < 0.5 ? journey.unitToken : journey.staff,
        body: { reason: '企业经营安排变化' },
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(202);
    }
    const after = await placed();
    // The longest-waiting trainee took the freed seat.
    expect(after.assigned).toHaveLength(SEATS);
    expect(after.waiting).toHaveLength(before.waiting.length - 1);
    const counted = await expectFiguresEqualRecount('after withdrawals');
    const withdrawn = [...plan.values()].filter((p) => p.withdraw).length + withdrawnEarlier.length;
    expect([...counted.values()].reduce((sum, f) => sum + f.withdrawn, 0)).toBe(withdrawn);
  });

  it('the review timeout, the end of the waitlist and a class close: expired, not-placed, certified, incomplete', async () => {
    const journey = journeys[UNIT_A] as Journey;
    const { assigned, waiting } = await placed();
    // Past the 30-day review timeout, the start of the year's last class (the waitlist ends) and its last session.
    await journey.setClock('2024-10-17T18:00:00+08:00');
    for (const id of waiting) await journey.until(id, 'not-placed');
    const inClass = shuffle(assigned);
    const attending = inClass.filter((_, index) => index === 0 || (index > 1 && random() < 0.5));
    for (let session = 1; session <= 8; session++) {
      const records = attending.map((registrationId) => ({ registrationId, status: 'present' }));
      const reply = await journey.attendance(CLASS, journey.staff, session, records);
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    }
    for (const [id, p] of plan) if (p.review === 'none' && !p.withdraw) await journeys[p.unit]?.until(id, 'expired');
    const closed = await api(endpoints, `/classes/${CLASS}/close`, { token: journey.staff, body: {} });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    for (const id of inClass) await journey.until(id, attending.includes(id) ? 'certified' : 'incomplete');
    const counted = await expectFiguresEqualRecount('after the close');
    const sum = (figure: keyof Figures) => [...counted.values()].reduce((total, f) => total + f[figure], 0);
    expect(sum('certified')).toBe(attending.length);
    expect(sum('incomplete')).toBe(inClass.length - attending.length);
    expect(sum('notPlaced')).toBe(waiting.length);
    // Nobody is left in review or waiting: the seats still used are those of the trainees who took part.
    expect(sum('used')).toBe(sum('certified') + sum('incomplete'));
  });

  it('a unit reads its own row only; another unit’s is refused', async () => {
    const own = await api(endpoints, '/quotas', { token: journeys[UNIT_C]?.unitToken });
    expect(own.status).toBe(200);
    expect(own.body.units.map((row: { unit: string }) => row.unit)).toEqual([UNIT_C]);
    expect(own.body.units[0]).toMatchObject({
      unit: UNIT_C,
      name: '深圳市',
      quota: SMALL_QUOTA,
      deadline: '2024-08-31T15:59:59.000Z',
      deadlineText: '2024-08-31 23:59:59',
      deadlineExtended: false,
    });
    expect(own.body.national).toBeUndefined();
    const other = await api(endpoints, `/quotas?unit=${UNIT_A}`, { token: journeys[UNIT_C]?.unitToken });
    expect(other.status).toBe(403);
    // Staff may narrow the reply to one unit; a code that names no unit is the caller's mistake.
    const staff = journeys[UNIT_A]?.staff as string;
    const one = await api(endpoints, `/quotas?unit=${UNIT_C}`, { token: staff });
    expect(one.body.units).toEqual(own.body.units);
    const unknown = await api(endpoints, '/quotas?unit=999999', { token: staff });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('BAD_REQUEST');
  });

  it('exports: the .xlsx opens in ExcelJS and the .csv is UTF-8 with a BOM, with the figures of GET /quotas', async () => {
    const staff = journeys[UNIT_A]?.staff as string;
    const figures = (await api(endpoints, '/quotas', { token: staff })).body;
    const rowOf = (unit: string) => figures.units.find((row: { unit: string }) => row.unit === unit);
    const expectedLine = (row: Record<string, number | string>) => [
      row.unit,
      row.name,
      row.quota,
      row.used,
      row.remaining,
      row.nominated,
      row.approved,
      row.assigned,
      row.waitlisted,
      row.certified,
      row.incomplete,
      row.withdrawn,
      row.rejected,
      row.expired,
      row.notPlaced,
      row.failed,
    ];

    const xlsx = await fetch(`${endpoints.api}/exports/quotas.xlsx`, { headers: { authorization: `Bearer ${staff}` } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0] as ExcelJS.Worksheet;
    const values: unknown[][] = [];
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
    const header = values.findIndex((row) => row[0] === '单位代码');
    expect(header).toBeGreaterThan(0);
    const notes = values.slice(0, header).map((row) => String(row[0]));
    expect(notes.some((note) => note.includes('不少于800名'))).toBe(true);
    expect(notes.some((note) => note.includes('示例数据'))).toBe(true);
    const body = values.slice(header + 1);
    expect(body).toHaveLength(Object.keys(programme.quotas).length + 1);
    for (const unit of [UNIT_A, UNIT_B, UNIT_C]) {
      const line = body.find((row) => row[0] === unit);
      expect(line?.slice(0, 16), unit).toEqual(expectedLine(rowOf(unit)));
    }
    const national = body.at(-1) as unknown[];
    expect(national[1]).toBe('全国合计');
    expect(national.slice(2, 16)).toEqual([figures.national.totalQuota, ...expectedLine(figures.national).slice(3)]);

    const csv = await fetch(`${endpoints.api}/exports/quotas.csv`, { headers: { authorization: `Bearer ${staff}` } });
    expect(csv.status).toBe(200);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n');
    const csvHeader = lines.findIndex((line) => line.startsWith('单位代码,'));
    expect(csvHeader).toBeGreaterThan(0);
    const cLine = lines.find((line) => line.startsWith(`${UNIT_C},`));
    expect(cLine?.split(',').slice(0, 16)).toEqual(expectedLine(rowOf(UNIT_C)).map(String));
    expect(lines.filter((line) => line !== '')).toHaveLength(csvHeader + 1 + Object.keys(programme.quotas).length + 1);

    // Audited as a masked export, naming the report and its size, with no personal value.
    const audit = await api(endpoints, '/audit?action=export.masked', { token: staff });
    const events = audit.body.items.filter((event: { target: string }) => event.target === 'export:quotas');
    expect(events.map((event: { detail: { format: string } }) => event.detail.format).sort()).toEqual(['csv', 'xlsx']);
    expect(events[0].detail).toMatchObject({ year: PROGRAMME_YEAR, rows: Object.keys(programme.quotas).length });

    expect(
      (
        await fetch(`${endpoints.api}/exports/quotas.csv`, {
          headers: { authorization: `Bearer ${journeys[UNIT_A]?.unitToken}` },
        })
      ).status,
    ).toBe(403);
  });
});
