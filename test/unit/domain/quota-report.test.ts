import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseProgramme, type Programme } from '../../../shared/domain/programme';
import {
  buildQuotaReport,
  NATIONAL_ROW_NAME,
  QUOTA_REPORT_COLUMNS,
  quotaReportLines,
  quotaReportNotes,
  type StoredUnitFigures,
  statusCountDeltas,
} from '../../../shared/domain/quota-report';
import type { RegistrationStatus } from '../../../shared/domain/trainee-registration';
import programme2024 from '../../../data/programme-2024.json';

const shipped = parseProgramme(programme2024);
const withQuotas = (quotas: Record<string, number>): Programme => ({ ...shipped, quotas });

/**
 * The status changes the system makes (docs/trainee-workflow.md): review, placement, the waitlist, the class's end,
 * a failed step and its retry (back to the status it failed in), withdrawal.
 */
const NEXT: Record<RegistrationStatus, readonly RegistrationStatus[]> = {
  nominated: ['assigned', 'waitlisted', 'not-placed', 'rejected', 'expired', 'withdrawn', 'failed'],
  waitlisted: ['assigned', 'not-placed', 'withdrawn', 'failed'],
  assigned: ['certified', 'incomplete', 'withdrawn', 'failed'],
  failed: [],
  certified: [],
  incomplete: [],
  rejected: [],
  expired: [],
  'not-placed': [],
  withdrawn: [],
};

describe('statusCountDeltas: how one status change moves the counts', () => {
  it('moves one registration out of its status and into the next', () => {
    expect(statusCountDeltas('assigned', 'certified')).toEqual({ assigned: -1, certified: 1 });
    expect(statusCountDeltas('waitlisted', 'withdrawn')).toEqual({ waitlisted: -1, withdrawn: 1 });
    expect(statusCountDeltas('failed', 'assigned')).toEqual({ failed: -1, assigned: 1 });
  });

  it('counts a pass of review only on leaving nominated for a place', () => {
    for (const to of ['assigned', 'waitlisted', 'not-placed'] as const) {
      expect(statusCountDeltas('nominated', to)).toEqual({ nominated: -1, [to]: 1, approved: 1 });
    }
    for (const to of ['rejected', 'expired', 'withdrawn', 'failed'] as const) {
      expect(statusCountDeltas('nominated', to)).not.toHaveProperty('approved');
    }
    // A retry back into a place, or a promotion from the waitlist, is not a second approval.
    expect(statusCountDeltas('failed', 'assigned')).not.toHaveProperty('approved');
    expect(statusCountDeltas('waitlisted', 'assigned')).not.toHaveProperty('approved');
  });

  it('moves nothing when nothing changes', () => {
    expect(statusCountDeltas('assigned', 'assigned')).toEqual({});
  });

  it('over any journeys, the counts equal the registrations per final status, and approved those ever placed', () => {
    const journey = fc.array(fc.nat(), { maxLength: 8 });
    fc.assert(
      fc.property(fc.array(journey, { minLength: 1, maxLength: 30 }), (journeys) => {
        const counts: Record<string, number> = {};
        const add = (deltas: Record<string, number | undefined>) => {
          for (const [name, delta] of Object.entries(deltas)) counts[name] = (counts[name] ?? 0) + (delta ?? 0);
        };
        const finals: Record<string, number> = {};
        let placed = 0;
        for (const choices of journeys) {
          let status: RegistrationStatus = 'nominated';
          let failedFrom: RegistrationStatus | undefined;
          let everPlaced = false;
          add({ nominated: 1 });
          for (const choice of choices) {
            const options: readonly RegistrationStatus[] =
              status === 'failed' ? [failedFrom as RegistrationStatus, 'withdrawn'] : NEXT[status];
            if (options.length === 0) break;
            const to = options[choice % options.length] as RegistrationStatus;
            if (to === 'failed') failedFrom = status;
            add(statusCountDeltas(status, to));
            status = to;
            if (['assigned', 'waitlisted', 'not-placed'].includes(status)) everPlaced = true;
          }
          finals[status] = (finals[status] ?? 0) + 1;
          if (everPlaced) placed++;
        }
        const { approved = 0, ...statuses } = counts;
        expect(Object.fromEntries(Object.entries(statuses).filter(([, n]) => n !== 0))).toEqual(finals);
        expect(approved).toBe(placed);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('buildQuotaReport', () => {
  const stored = new Map<string, StoredUnitFigures>([
    [
      '440300',
      {
        used: 4,
        deadlineExtendedUntil: '2024-09-07T23:59:59+08:00',
        counts: { nominated: 1, approved: 3, assigned: 2, certified: 1, withdrawn: 2, 'not-placed': 1 },
      },
    ],
    ['110000', { used: 25, counts: { nominated: 25 } }],
    // An extension earlier than the programme's deadline changes nothing.
    ['120000', { used: 0, deadlineExtendedUntil: '2024-08-01T00:00:00+08:00', counts: {} }],
  ]);

  it('a row per unit of the programme, in the order of the unit list, with its name, quota and figures', () => {
    const report = buildQuotaReport(shipped, stored);
    expect(report.units).toHaveLength(37);
    expect(report.units.slice(0, 2).map((row) => row.unit)).toEqual(['110000', '120000']);
    expect(report.units.at(-1)?.unit).toBe('440300');
    const shenzhen = report.units.find((row) => row.unit === '440300');
    expect(shenzhen).toEqual({
      unit: '440300',
      name: '深圳市',
      quota: 15,
      used: 4,
      remaining: 11,
      nominated: 1,
      approved: 3,
      assigned: 2,
      waitlisted: 0,
      certified: 1,
      incomplete: 0,
      withdrawn: 2,
      rejected: 0,
      expired: 0,
      notPlaced: 1,
      failed: 0,
      deadline: '2024-09-07T15:59:59.000Z',
      deadlineText: '2024-09-07 23:59:59',
      deadlineExtended: true,
    });
  });

  it('the programme deadline where there is no later extension; nothing left when the quota is used up or over', () => {
    const report = buildQuotaReport(shipped, stored);
    const beijing = report.units.find((row) => row.unit === '110000');
    expect(beijing).toMatchObject({ quota: 23, used: 25, remaining: 0, deadlineExtended: false });
    expect(beijing?.deadlineText).toBe('2024-08-31 23:59:59');
    expect(report.units.find((row) => row.unit === '120000')).toMatchObject({
      deadline: '2024-08-31T15:59:59.000Z',
      deadlineExtended: false,
    });
  });

  it('a unit with counts but no quota in the programme still has its row, with quota 0', () => {
    const report = buildQuotaReport(withQuotas({ '110000': 10 }), stored);
    expect(report.units.map((row) => row.unit)).toEqual(['110000', '120000', '440300']);
    expect(report.units[2]).toMatchObject({ quota: 0, used: 4, remaining: 0 });
  });

  it('national totals: the sum of the rows, against the plan of at least 800 (notice 一(一))', () => {
    const report = buildQuotaReport(shipped, stored);
    expect(report.national).toMatchObject({
      plannedMinimum: 800,
      totalQuota: 800,
      used: 29,
      remaining: 800 - 4 - 23,
      quotaReachesPlan: true,
      quotaShortOfPlan: 0,
      units: 37,
      nominated: 26,
      approved: 3,
      assigned: 2,
      certified: 1,
      withdrawn: 2,
      notPlaced: 1,
    });
    const short = buildQuotaReport(withQuotas({ ...shipped.quotas, '110000': 22 }), new Map());
    expect(short.national).toMatchObject({ totalQuota: 799, quotaReachesPlan: false, quotaShortOfPlan: 1 });
  });

  it('shows a negative count as it is stored: a missed change must not look like zero', () => {
    const report = buildQuotaReport(shipped, new Map([['110000', { used: 0, counts: { nominated: -1 } }]]));
    expect(report.units[0]?.nominated).toBe(-1);
  });
});

describe('the report as a table', () => {
  it('a line per unit and the national totals last, under the headers of the export', () => {
    const report = buildQuotaReport(withQuotas({ '110000': 23, '440300': 15 }), new Map());
    const lines = quotaReportLines(report);
    expect(lines.map((line) => line.name)).toEqual(['北京市', '深圳市', NATIONAL_ROW_NAME]);
    const values = (line: (typeof lines)[number]) => QUOTA_REPORT_COLUMNS.map((column) => column.value(line));
    expect(QUOTA_REPORT_COLUMNS.map((column) => column.header).slice(0, 5)).toEqual([
      '单位代码',
      '单位名称',
      '名额',
      '已用名额',
      '剩余名额',
    ]);
    expect(values(lines[1] as never).slice(0, 5)).toEqual(['440300', '深圳市', 15, 0, 15]);
    expect(values(lines[2] as never).slice(0, 5)).toEqual(['', NATIONAL_ROW_NAME, 38, 0, 38]);
    expect(quotaReportNotes(report)[0]).toContain('不少于800名');
    expect(quotaReportNotes(report)[0]).toContain('比计划少 762 名');
  });
});

/**
 * The export's table, rows and notes from a freshly imported module: the columns, the plan and the empty figures are
 * module constants, and mutation testing can only change them in a module evaluated inside the test. Each status has
 * its own count (1…11) so a column reading the wrong figure shows.
 */
describe('every column of the export, from a fresh module', () => {
  it('headers and values for a unit, a unit with nothing stored, a code not in the unit list, and the totals', async () => {
    vi.resetModules();
    const q = await import('../../../shared/domain/quota-report');
    const stored = new Map<string, StoredUnitFigures>([
      [
        '440300',
        {
          used: 14,
          deadlineExtendedUntil: '2024-09-07T23:59:59+08:00',
          counts: {
            nominated: 1,
            approved: 2,
            assigned: 3,
            waitlisted: 4,
            certified: 5,
            incomplete: 6,
            withdrawn: 7,
            rejected: 8,
            expired: 9,
            'not-placed': 10,
            failed: 11,
          },
        },
      ],
      ['999999', { used: 1, counts: {} }],
    ]);
    const report = q.buildQuotaReport(withQuotas({ '440300': 15, '110000': 23 }), stored);
    expect(q.QUOTA_REPORT_COLUMNS.map((column) => column.header)).toEqual([
      '单位代码',
      '单位名称',
      '名额',
      '已用名额',
      '剩余名额',
      '待审核',
      '审核通过（累计）',
      '已分班',
      '候补',
      '已结业',
      '未结业',
      '已撤回',
      '审核未通过',
      '审核超时',
      '未获名额',
      '流程异常',
      '报名截止（北京时间）',
    ]);
    const table = q.quotaReportLines(report).map((line) => q.QUOTA_REPORT_COLUMNS.map((column) => column.value(line)));
    const nothing = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(table).toEqual([
      ['110000', '北京市', 23, 0, 23, ...nothing, '2024-08-31 23:59:59'],
      ['440300', '深圳市', 15, 14, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, '2024-09-07 23:59:59'],
      ['999999', '999999', 0, 1, 0, ...nothing, '2024-08-31 23:59:59'],
      ['', '全国合计', 38, 15, 24, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ''],
    ]);
    expect(q.unitQuotaRow(report, '440300')).toMatchObject({ unit: '440300', used: 14, remaining: 1 });
    expect(q.unitQuotaRow(report, '120000')).toBeUndefined();
    expect(q.quotaReportNotes(report)).toEqual([
      '计划培训不少于800名（通知一（一））；各单位名额合计 38 名，比计划少 762 名',
      '已用名额：已录入且未释放名额的报名（审核未通过、撤回、审核超时、未获名额时释放；参训学员无论是否结业均占用名额）；审核通过为累计数，此后撤回或结业不减少',
    ]);
    expect(q.quotaReportNotes(q.buildQuotaReport(shipped, new Map()))[0]).toBe(
      '计划培训不少于800名（通知一（一））；各单位名额合计 800 名，已达到计划',
    );
    for (const to of ['assigned', 'waitlisted', 'not-placed'] as const) {
      expect(q.statusCountDeltas('nominated', to)).toEqual({ nominated: -1, [to]: 1, approved: 1 });
    }
  });
});
