import { effectiveDeadline, formatDeadline, type Programme } from './programme';
import { REGISTRATION_STATUSES, type RegistrationStatus } from './trainee-registration';
import { findUnit, UNITS } from './units';

/** Notice 一(一): the programme trains no fewer than 800 people a year. */
export const PLANNED_MINIMUM_TRAINEES = 800;

/**
 * What the writes count per unit: one figure per registration status (how many registrations are in it now), and
 * `approved`, how many have passed review. A registration has passed review when it leaves `nominated` for a place
 * (`assigned`, `waitlisted` or `not-placed`): the workflow only takes that step after staff approved it. A
 * registration passes review at most once (none of those statuses leads back to `nominated`), so `approved` only
 * grows: a later withdrawal, failure or completion does not take it back.
 */
export const COUNTED_FIGURES = [...REGISTRATION_STATUSES, 'approved'] as const;
export type CountedFigure = (typeof COUNTED_FIGURES)[number];

/** The statuses a registration passes review into (from `nominated`). */
export const APPROVED_INTO: readonly RegistrationStatus[] = ['assigned', 'waitlisted', 'not-placed'];

/** How one status change moves a unit's figures: out of one status, into another, and maybe through review. */
export function statusCountDeltas(
  from: RegistrationStatus,
  to: RegistrationStatus,
): Partial<Record<CountedFigure, number>> {
  if (from === to) return {};
  return {
    [from]: -1,
    [to]: 1,
    ...(from === 'nominated' && APPROVED_INTO.includes(to) ? { approved: 1 } : {}),
  };
}

/** What the table holds for one unit and year: its quota counter and its status counts (either may be missing). */
export interface StoredUnitFigures {
  /**
   * Seats of the quota taken (the unit's quota counter): every registration recorded and not released. A rejection,
   * withdrawal, review timeout or not-placed gives its seat back; a trainee who took part (certified or not) keeps it.
   */
  readonly used: number;
  readonly deadlineExtendedUntil?: string;
  readonly counts: Readonly<Partial<Record<CountedFigure, number>>>;
}

export interface StatusFigures {
  readonly nominated: number;
  readonly approved: number;
  readonly assigned: number;
  readonly waitlisted: number;
  readonly certified: number;
  readonly incomplete: number;
  readonly withdrawn: number;
  readonly rejected: number;
  readonly expired: number;
  readonly notPlaced: number;
  readonly failed: number;
}

export interface UnitQuotaRow extends StatusFigures {
  readonly unit: string;
  readonly name: string;
  readonly quota: number;
  readonly used: number;
  /** Seats the unit may still fill: quota − used, never below 0. */
  readonly remaining: number;
  /** The last instant the unit may upload: the programme's deadline or its own later extension. */
  readonly deadline: string;
  /** The same instant as people read it, Beijing time. */
  readonly deadlineText: string;
  readonly deadlineExtended: boolean;
}

export interface NationalQuotaFigures extends StatusFigures {
  /** Notice 一(一): 不少于800名. */
  readonly plannedMinimum: number;
  readonly totalQuota: number;
  readonly used: number;
  readonly remaining: number;
  /** Whether the units' quotas together reach the planned minimum. */
  readonly quotaReachesPlan: boolean;
  /** How many seats the quotas fall short of the plan (0 when they reach it). */
  readonly quotaShortOfPlan: number;
  readonly units: number;
}

export interface QuotaReport {
  readonly year: number;
  readonly units: readonly UnitQuotaRow[];
  readonly national: NationalQuotaFigures;
}

/**
 * A stored figure as it is. Not clamped at 0: a negative count can only come from a change the counters missed, and
 * hiding it would hide that.
 */
const count = (value: number | undefined) => (Number.isFinite(value) ? Number(value) : 0);

function statusFigures(counts: StoredUnitFigures['counts']): StatusFigures {
  return {
    nominated: count(counts.nominated),
    approved: count(counts.approved),
    assigned: count(counts.assigned),
    waitlisted: count(counts.waitlisted),
    certified: count(counts.certified),
    incomplete: count(counts.incomplete),
    withdrawn: count(counts.withdrawn),
    rejected: count(counts.rejected),
    expired: count(counts.expired),
    notPlaced: count(counts['not-placed']),
    failed: count(counts.failed),
  };
}

const STATUS_FIGURE_NAMES = Object.keys(statusFigures({})) as (keyof StatusFigures)[];
const EMPTY: StoredUnitFigures = { used: 0, counts: {} };

/**
 * The quota report of a year: a row per unit that has a quota in the programme or anything counted (in the order of
 * the unit list, GB/T 2260), and the national totals against the plan. Pure: the figures come from the counters the
 * writes keep (see COUNTED_FIGURES), the quotas and deadline from the programme.
 */
export function buildQuotaReport(programme: Programme, stored: ReadonlyMap<string, StoredUnitFigures>): QuotaReport {
  const codes = new Set([...Object.keys(programme.quotas), ...stored.keys()]);
  const order = new Map(UNITS.map((unit, index) => [unit.code, index]));
  const sorted = [...codes].sort(
    (a, b) => (order.get(a) ?? UNITS.length) - (order.get(b) ?? UNITS.length) || a.localeCompare(b),
  );
  const units = sorted.map((code) => unitRow(programme, code, stored.get(code) ?? EMPTY));
  const totalQuota = units.reduce((sum, row) => sum + row.quota, 0);
  const used = units.reduce((sum, row) => sum + row.used, 0);
  const totals = Object.fromEntries(
    STATUS_FIGURE_NAMES.map((name) => [name, units.reduce((sum, row) => sum + row[name], 0)]),
  ) as unknown as StatusFigures;
  return {
    year: programme.year,
    units,
    national: {
      plannedMinimum: PLANNED_MINIMUM_TRAINEES,
      totalQuota,
      used,
      remaining: units.reduce((sum, row) => sum + row.remaining, 0),
      quotaReachesPlan: totalQuota >= PLANNED_MINIMUM_TRAINEES,
      quotaShortOfPlan: Math.max(0, PLANNED_MINIMUM_TRAINEES - totalQuota),
      units: units.length,
      ...totals,
    },
  };
}

function unitRow(programme: Programme, code: string, figures: StoredUnitFigures): UnitQuotaRow {
  const quota = programme.quotas[code] ?? 0;
  const used = count(figures.used);
  const deadline = effectiveDeadline(programme, figures.deadlineExtendedUntil);
  return {
    unit: code,
    name: findUnit(code)?.name ?? code,
    quota,
    used,
    remaining: Math.max(0, quota - used),
    ...statusFigures(figures.counts),
    deadline: deadline.toISOString(),
    deadlineText: formatDeadline(deadline),
    deadlineExtended: deadline.getTime() > Date.parse(programme.deadline),
  };
}

/** One unit's row alone, with nothing of other units (what a unit's operator sees). */
export function unitQuotaRow(report: QuotaReport, unit: string): UnitQuotaRow | undefined {
  return report.units.find((row) => row.unit === unit);
}

type ReportLine = UnitQuotaRow | (NationalQuotaFigures & { readonly unit: ''; readonly name: string });

/**
 * The report as a table (header and value per column), for the .xlsx and .csv exports: the same figures as
 * `GET /quotas`, a row per unit and a last row of national totals. Shaped like shared/exports' ExportColumn.
 */
export const QUOTA_REPORT_COLUMNS: readonly {
  readonly header: string;
  readonly value: (line: ReportLine) => string | number;
  readonly width?: number;
}[] = [
  { header: '单位代码', value: (line) => line.unit, width: 10 },
  { header: '单位名称', value: (line) => line.name, width: 22 },
  { header: '名额', value: (line) => ('quota' in line ? line.quota : line.totalQuota) },
  { header: '已用名额', value: (line) => line.used },
  { header: '剩余名额', value: (line) => line.remaining },
  { header: '待审核', value: (line) => line.nominated },
  { header: '审核通过（累计）', value: (line) => line.approved, width: 16 },
  { header: '已分班', value: (line) => line.assigned },
  { header: '候补', value: (line) => line.waitlisted },
  { header: '已结业', value: (line) => line.certified },
  { header: '未结业', value: (line) => line.incomplete },
  { header: '已撤回', value: (line) => line.withdrawn },
  { header: '审核未通过', value: (line) => line.rejected, width: 12 },
  { header: '审核超时', value: (line) => line.expired },
  { header: '未获名额', value: (line) => line.notPlaced },
  { header: '流程异常', value: (line) => line.failed },
  { header: '报名截止（北京时间）', value: (line) => ('deadlineText' in line ? line.deadlineText : ''), width: 22 },
];

export const NATIONAL_ROW_NAME = '全国合计';

/** The unit rows, then the national totals as a last row. */
export function quotaReportLines(report: QuotaReport): ReportLine[] {
  return [...report.units, { ...report.national, unit: '', name: NATIONAL_ROW_NAME }];
}

/** The lines above the export's header row: the plan and whether the quotas reach it. */
export function quotaReportNotes(report: QuotaReport): string[] {
  const { plannedMinimum, totalQuota, quotaReachesPlan, quotaShortOfPlan } = report.national;
  return [
    `计划培训不少于${plannedMinimum}名（通知一（一））；各单位名额合计 ${totalQuota} 名，${
      quotaReachesPlan ? '已达到计划' : `比计划少 ${quotaShortOfPlan} 名`
    }`,
    '已用名额：已录入且未释放名额的报名（审核未通过、撤回、审核超时、未获名额时释放；参训学员无论是否结业均占用名额）；审核通过为累计数，此后撤回或结业不减少',
  ];
}
