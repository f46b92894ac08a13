import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../infra/local/cloud';
import { type TraineeCells, validTrainee } from '../fixtures/registration-data';
import { api, startTestCloud } from '../support/local-cloud';
import { Journey } from './support/journey';

/**
 * Issue 12 item 1: a reviewer works the review queue filtered by "not top person" through the API alone, sees
 * every fact the notice asks them to weigh (一(二)), and decides from it. Unit A (110000) sends 20 rows, two of them
 * not the top person; unit B (120000) sends 4, one not the top person. With 2 matches among 20 (and 3 among 24),
 * some run of at least 6 non-matching rows lies between or around the matches, so a one-item page walk must meet a
 * page that the bounded filtered read leaves short.
 */
const UNIT_A = '110000';
const UNIT_B = '120000';

const REASON_A1 = '董事长年内出国考察，由分管生产的总经理参训';
const REASON_A2 = '创始人已退居二线，现任执行总裁主持全面工作';
const REASON_B = '一把手为外籍人士，由常务副总经理参训';
const OTHER_REASON = '企业为省级专精特新中小企业（2023 年认定）';

function row(n: number, patch: Partial<TraineeCells> = {}): TraineeCells {
  return { ...validTrainee(n), ...patch };
}

const notTop = (n: number, position: string, reason: string, patch: Partial<TraineeCells> = {}) =>
  row(n, { isTopPerson: '否', position, remarks: reason, ...patch });

const rowsA: TraineeCells[] = Array.from({ length: 20 }, (_, i) => {
  const n = 1200 + i;
  if (i === 4) return notTop(n, '总经理', REASON_A1, { employees: 320, revenue: 45000, industry: '专用设备制造业' });
  if (i === 13) return notTop(n, '执行总裁', REASON_A2, { categories: '制造业单项冠军、高新技术企业' });
  // A top person whose only category is 其他, with its reason: not in the not-top-person queue.
  if (i === 9) return row(n, { categories: '其他', remarks: OTHER_REASON });
  return row(n);
});
const rowsB: TraineeCells[] = Array.from({ length: 4 }, (_, i) =>
  i === 2 ? notTop(1300 + i, '常务副总经理', REASON_B) : row(1300 + i),
);

// biome-ignore lint/suspicious/noExplicitAny: tests assert response bodies field by field
type Item = Record<string, any>;

describe('review queue filtered by warning: every fact to decide, and only those registrations', () => {
  let endpoints: Endpoints;
  let stop: () => Promise<void>;
  let a: Journey;
  let b: Journey;
  const idsByName = new Map<string, string>();

  beforeAll(async () => {
    ({ endpoints, stop } = await startTestCloud());
    a = new Journey(endpoints, UNIT_A);
    b = new Journey(endpoints, UNIT_B);
    for (const [journey, rows] of [
      [a, rowsA],
      [b, rowsB],
    ] as const) {
      const ids = await journey.nominate(rows);
      for (const [i, r] of rows.entries()) idsByName.set(String(r.name), ids[i] as string);
    }
  }, 240_000);
  afterAll(async () => stop?.());

  /** Follows `next` to the end; returns every item and each page's size and partial flag. */
  async function walk(query: string, token: string) {
    const items: Item[] = [];
    const pages: { size: number; partial: boolean }[] = [];
    let cursor: string | undefined;
    do {
      const reply = await api(
        endpoints,
        `/registrations?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token },
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      items.push(...reply.body.items);
      pages.push({ size: reply.body.items.length, partial: reply.body.partialPage === true });
      cursor = reply.body.next ?? undefined;
      expect(pages.length).toBeLessThan(100);
    } while (cursor);
    return { items, pages };
  }

  const namesOf = (items: readonly Item[]) => items.map((item) => item.name as string).sort();
  const notTopNames = [rowsA[4], rowsA[13], rowsB[2]].map((r) => String(r?.name)).sort();

  it('lists exactly the not-top-person nominations, one page or one item at a time (short pages say so)', async () => {
    const whole = await walk('status=nominated&warning=NOT_TOP_PERSON&limit=50', a.staff);
    expect(namesOf(whole.items)).toEqual(notTopNames);
    expect(whole.pages).toEqual([{ size: 3, partial: false }]);

    const oneByOne = await walk('status=nominated&warning=NOT_TOP_PERSON&limit=1', a.staff);
    expect(namesOf(oneByOne.items)).toEqual(notTopNames);
    expect(new Set(oneByOne.items.map((item) => item.registrationId)).size).toBe(3);
    expect(oneByOne.pages.some((page) => page.partial && page.size === 0)).toBe(true);
  });

  it('combines the warning with the unit, for staff and for the unit itself', async () => {
    const staffOnB = await walk(`unit=${UNIT_B}&warning=NOT_TOP_PERSON&limit=2`, a.staff);
    expect(namesOf(staffOnB.items)).toEqual([String(rowsB[2]?.name)]);
    const unitA = await walk('warning=NOT_TOP_PERSON&limit=1', a.unitToken);
    expect(namesOf(unitA.items)).toEqual([String(rowsA[4]?.name), String(rowsA[13]?.name)].sort());
    expect(unitA.pages.some((page) => page.partial)).toBe(true);
    const otherCategory = await walk('warning=NOT_TOP_PERSON&limit=50', b.unitToken);
    expect(otherCategory.items.every((item) => item.unit === UNIT_B)).toBe(true);
  });

  it('refuses a warning that is not a warning code (400), naming the codes', async () => {
    for (const code of ['NOT_A_CODE', 'REQUIRED', 'not_top_person']) {
      const reply = await api(endpoints, `/registrations?warning=${code}`, { token: a.staff });
      expect(reply.status).toBe(400);
      expect(JSON.stringify(reply.body)).toContain('NOT_TOP_PERSON');
    }
  });

  it('gives the reviewer every fact on the queue page and in the detail, with no personal value', async () => {
    const { items } = await walk('status=nominated&warning=NOT_TOP_PERSON&limit=50', a.staff);
    const first = items.find((item) => item.name === rowsA[4]?.name) as Item;
    const source = rowsA[4] as TraineeCells;
    const expectedFacts = {
      topPerson: { isTopPerson: false, label: '否', position: '总经理', reason: REASON_A1 },
      enterprise: {
        name: source.enterpriseName,
        creditCode: source.creditCode,
        categories: ['专精特新中小企业', '高新技术企业'],
        categoryReason: null,
        industry: '专用设备制造业',
        employees: 320,
        revenue: 45000,
        revenueUnit: '万元',
      },
      declarations: {
        voluntary: { declared: true, label: '自愿参训声明' },
        goodStanding: { declared: true, label: '无违法违规记录声明' },
        declaredIn: { uploadId: expect.any(String), row: 6 },
      },
      upload: { fileName: 'trainees.csv', row: 6, uploadedAt: expect.any(String), recordedAt: expect.any(String) },
      warnings: [{ code: 'NOT_TOP_PERSON', message: '非企业一把手，已说明理由，待审核' }],
      remarks: REASON_A1,
    };
    expect(first.reviewFacts).toMatchObject(expectedFacts);
    expect(first.reviewNotes).toEqual(['NOT_TOP_PERSON']);
    expect(first.reviewFacts.upload.uploadId).toBe(first.reviewFacts.declarations.declaredIn.uploadId);

    const detail = await a.registration(first.registrationId);
    expect(detail.status).toBe(200);
    expect(detail.body.reviewFacts).toMatchObject(expectedFacts);

    const page = JSON.stringify(items);
    for (const r of [...rowsA, ...rowsB]) {
      expect(page).not.toContain(String(r.idNumber));
      expect(page).not.toContain(String(r.mobile));
      expect(page).not.toContain(String(r.email));
    }
  });

  it('shows a 其他-only enterprise its reason, outside the not-top-person queue', async () => {
    const id = idsByName.get(String(rowsA[9]?.name)) as string;
    const detail = await a.registration(id);
    expect(detail.body.reviewFacts.enterprise).toMatchObject({ categories: ['其他'], categoryReason: OTHER_REASON });
    expect(detail.body.reviewFacts.topPerson).toMatchObject({ isTopPerson: true, reason: null });
    expect(detail.body.reviewFacts.warnings).toEqual([]);
  });

  it('approves and rejects from the queue; decided nominations leave it', async () => {
    const approveId = idsByName.get(String(rowsA[4]?.name)) as string;
    const rejectId = idsByName.get(String(rowsB[2]?.name)) as string;
    await a.review(approveId, 'approved');
    await a.review(rejectId, 'rejected', '非一把手理由不充分，请推荐企业主要负责人');
    await a.until(approveId, 'assigned');
    const rejected = await a.until(rejectId, 'rejected');
    expect(rejected.review).toMatchObject({ decision: 'rejected', reason: '非一把手理由不充分，请推荐企业主要负责人' });

    const queue = await walk('status=nominated&warning=NOT_TOP_PERSON&limit=50', a.staff);
    expect(namesOf(queue.items)).toEqual([String(rowsA[13]?.name)]);
    // The warning stays with the registration after the decision: the assigned list still shows it.
    const assigned = await walk('status=assigned&warning=NOT_TOP_PERSON&limit=50', a.staff);
    expect(namesOf(assigned.items)).toEqual([String(rowsA[4]?.name)]);
  });
});
