import type { z } from 'zod';
import { addDays, hasStarted } from './classes/class-sessions';
import { type Programme, programmeSchema, type TrainingClass, trainingClassSchema } from './programme';
import { findUnit, isUnitCode } from './units';

/**
 * Replacing a year's programme (PUT /programme): the schema's checks, then the checks against what is already
 * recorded (seats used, seats assigned, classes under way), all reported at once so staff fix a draft in one pass.
 * Pure: the caller reads the recorded state and hands it in.
 */
export interface SettingsProblem {
  readonly code: string;
  readonly message: string;
  /** Where in the body: `quotas.440300`, `classes[3].capacity` (the class number, not the array index). */
  readonly path: string;
  readonly [detail: string]: unknown;
}

/** What the table already records for the year, as far as a new programme must respect it. */
export interface RecordedState {
  /** Seats each unit has used (QUOTA#<unit> `used`). */
  readonly quotaUsed: ReadonlyMap<string, number>;
  /** Seats assigned in each class (CLASS#<nn> `used`). */
  readonly classSeats: ReadonlyMap<number, number>;
}

export interface ProgrammeDraftCheck {
  /** The body, as sent (without `version` and `reason`, which the route takes off). */
  readonly body: unknown;
  /** The year being edited: the path's or the current one. */
  readonly year: number;
  /** The programme in force, to tell which classes have started and what changed. */
  readonly current: Programme;
  readonly state: RecordedState;
  readonly now: Date;
}

export type DraftResult =
  | { readonly ok: true; readonly programme: Programme }
  | { readonly ok: false; readonly problems: readonly SettingsProblem[] };

/** Session times are built with a fixed +08:00 (class-sessions.ts); any other zone would misplace every session. */
export const PROGRAMME_TIME_ZONE = 'Asia/Shanghai';

export function checkProgrammeDraft(check: ProgrammeDraftCheck): DraftResult {
  const { body, year, current, state, now } = check;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, problems: [problem('BODY_INVALID', '', '请求内容须为一个培训计划对象（JSON）')] };
  }
  const problems: SettingsProblem[] = schemaProblems(body);
  const draft = body as Record<string, unknown>;

  if (typeof draft.year === 'number' && draft.year !== year) {
    problems.push(
      problem(
        'YEAR_MISMATCH',
        'year',
        `培训计划年度 ${draft.year} 与所编辑的 ${year} 年度不符；请保持 year 为 ${year}`,
        {
          expected: year,
          received: draft.year,
        },
      ),
    );
  }
  if (typeof draft.timeZone === 'string' && draft.timeZone !== PROGRAMME_TIME_ZONE) {
    problems.push(
      problem(
        'TIME_ZONE_UNSUPPORTED',
        'timeZone',
        `时区只能是 ${PROGRAMME_TIME_ZONE}（北京时间）：课程时段、截止时间均按北京时间计算；请删除该字段或填写 ${PROGRAMME_TIME_ZONE}`,
      ),
    );
  }

  const classes = wellFormedClasses(draft.classes);
  problems.push(...classProblems(classes, classNumbersIn(draft.classes), current, state, now, draft.sessionsPerClass));
  problems.push(...quotaProblems(draft.quotas, state));

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, programme: programmeSchema.parse(body) };
}

/**
 * The schema's own findings, one per problem, each with a code by field. Its cross-field checks (duplicate class
 * numbers, dates, unknown units) are done below instead, because zod skips refinements once any field fails and
 * staff should see every problem of a draft at once.
 */
function schemaProblems(body: object): SettingsProblem[] {
  const parsed = programmeSchema.safeParse(body);
  if (parsed.success) return [];
  const classes = (body as { classes?: unknown }).classes;
  return parsed.error.issues.filter((issue) => issue.code !== 'custom').map((issue) => fromIssue(issue, classes));
}

const FIELD_RULES: Record<string, { code: string; rule: string }> = {
  year: { code: 'YEAR_INVALID', rule: '年度须为 2000–2100 的整数' },
  notice: { code: 'NOTICE_INVALID', rule: '通知文号不能为空' },
  sampleData: { code: 'SAMPLE_DATA_INVALID', rule: 'sampleData 须为 true 或 false' },
  deadline: {
    code: 'DEADLINE_INVALID',
    rule: '报名截止时间须为带时区的 ISO 8601 时间，如 2024-08-31T23:59:59+08:00（截止当秒仍可上传）',
  },
  timeZone: { code: 'TIME_ZONE_UNSUPPORTED', rule: `时区只能是 ${PROGRAMME_TIME_ZONE}` },
  contactEmail: { code: 'CONTACT_EMAIL_INVALID', rule: '联系邮箱须为有效的电子邮件地址' },
  completionRule: {
    code: 'COMPLETION_RULE_INVALID',
    rule: '结业条件须包含 maxUnexcusedAbsences、maxApprovedLeaveSessions（不小于 0 的整数），maxLateSessions 为不小于 0 的整数或 null（不限）',
  },
  reviewTimeoutDays: { code: 'REVIEW_TIMEOUT_INVALID', rule: '审核时限须为 1–180 的整数（天）' },
  sessionsPerClass: { code: 'SESSIONS_PER_CLASS_INVALID', rule: '每期课次须为正整数' },
  classes: {
    code: 'CLASS_INVALID',
    rule: '每期须有期次（1–99）、主题、承办机构、城市、地点、开始和结束日期（YYYY-MM-DD）及正整数的容量，且至少一期',
  },
  quotas: { code: 'QUOTA_INVALID', rule: '名额须为不小于 0 的整数' },
};

function fromIssue(issue: z.core.$ZodIssue, classes: unknown): SettingsProblem {
  const [head, index] = issue.path;
  const field = typeof head === 'string' ? FIELD_RULES[head] : undefined;
  // A class is named by its number everywhere else (`classes[3]` is class 3), so an index becomes its number.
  const number =
    head === 'classes' && typeof index === 'number' && Array.isArray(classes) ? classes[index]?.number : undefined;
  const parts = issue.path.map((part, at) =>
    typeof part === 'number'
      ? `[${at === 1 && typeof number === 'number' ? number : part}]`
      : `${at ? '.' : ''}${String(part)}`,
  );
  const path = parts.join('');
  // Stryker disable next-line OptionalChaining: every field of the schema has a rule (unknown keys are dropped, not reported), so `field` is always found.
  return problem(field?.code ?? 'FIELD_INVALID', path, `${path || '请求'}：${field?.rule ?? '不符合培训计划格式'}`);
}

/** The classes of the draft that are well formed, so their state can be checked even when a sibling is not. */
function wellFormedClasses(value: unknown): TrainingClass[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = trainingClassSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * Every class number the draft names, well formed or not: a class sent with a typo is not a class removed. No list
 * at all (a schema problem of its own) removes nothing either.
 */
function classNumbersIn(value: unknown): Set<number> | undefined {
  if (!Array.isArray(value)) return undefined;
  return new Set(
    value.flatMap((item) => {
      const number = (item as { number?: unknown } | null)?.number;
      return typeof number === 'number' ? [number] : [];
    }),
  );
}

function classProblems(
  classes: readonly TrainingClass[],
  present: ReadonlySet<number> | undefined,
  current: Programme,
  state: RecordedState,
  now: Date,
  sessionsPerClass: unknown,
): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const seen = new Set<number>();
  for (const trainingClass of classes) {
    const at = `classes[${trainingClass.number}]`;
    const label = `第${trainingClass.number}期`;
    if (seen.has(trainingClass.number)) {
      problems.push(problem('CLASS_NUMBER_DUPLICATE', at, `${label}出现了不止一次；每个期次只能有一条`));
    }
    seen.add(trainingClass.number);
    if (trainingClass.endDate < trainingClass.startDate) {
      problems.push(
        problem(
          'CLASS_DATES_INVALID',
          `${at}.endDate`,
          `${label}结束日期 ${trainingClass.endDate} 早于开始日期 ${trainingClass.startDate}；请更正日期`,
        ),
      );
    } else if (typeof sessionsPerClass === 'number' && Number.isInteger(sessionsPerClass) && sessionsPerClass > 0) {
      // Two half-day sessions a day from the start date (class-sessions.ts): the last must fall inside the class.
      const lastSessionDate = addDays(trainingClass.startDate, Math.ceil(sessionsPerClass / 2) - 1);
      if (lastSessionDate > trainingClass.endDate) {
        problems.push(
          problem(
            'CLASS_TOO_SHORT',
            `${at}.endDate`,
            `${label}共 ${sessionsPerClass} 个半天课次，需至 ${lastSessionDate}，而结束日期为 ${trainingClass.endDate}；请延长日期或减少每期课次`,
          ),
        );
      }
    }
    const assigned = state.classSeats.get(trainingClass.number) ?? 0;
    if (trainingClass.capacity < assigned) {
      problems.push(
        problem(
          'CAPACITY_BELOW_ASSIGNED',
          `${at}.capacity`,
          `${label}容量 ${trainingClass.capacity} 少于已分配的 ${assigned} 人；容量至少须为 ${assigned}，或先将学员调出该期`,
          { classNumber: trainingClass.number, capacity: trainingClass.capacity, assigned },
        ),
      );
    }
    const before = current.classes.find((c) => c.number === trainingClass.number);
    if (before && hasStarted(before, now) && datesDiffer(before, trainingClass)) {
      problems.push(
        problem(
          'CLASS_STARTED',
          at,
          `${label}已于 ${before.startDate} 开班，日期不能再改（原为 ${before.startDate}–${before.endDate}）；请恢复原日期`,
          { classNumber: trainingClass.number },
        ),
      );
    }
  }
  for (const before of current.classes) {
    if (!present || present.has(before.number)) continue;
    const assigned = state.classSeats.get(before.number) ?? 0;
    if (assigned > 0) {
      problems.push(
        problem(
          'CLASS_IN_USE',
          `classes[${before.number}]`,
          `第${before.number}期已分配 ${assigned} 名学员，不能删除；请先将学员调出该期，或保留该期`,
          { classNumber: before.number, assigned },
        ),
      );
    }
  }
  problems.push(...hostOverlaps(classes));
  if (
    typeof sessionsPerClass === 'number' &&
    sessionsPerClass !== current.sessionsPerClass &&
    current.classes.some((c) => hasStarted(c, now))
  ) {
    problems.push(
      problem(
        'SESSIONS_FIXED',
        'sessionsPerClass',
        `已有班级开班，每期课次（${current.sessionsPerClass}）不能再改：已记录的考勤按现有课次编号；请恢复为 ${current.sessionsPerClass}`,
      ),
    );
  }
  return problems;
}

function datesDiffer(a: TrainingClass, b: TrainingClass): boolean {
  return a.startDate !== b.startDate || a.endDate !== b.endDate;
}

/** One host cannot teach two classes at once: every pair of its classes whose days overlap is refused. */
function hostOverlaps(classes: readonly TrainingClass[]): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const sorted = [...classes].sort((a, b) => a.number - b.number);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i] as TrainingClass;
      const b = sorted[j] as TrainingClass;
      if (a.number === b.number || a.host.trim() !== b.host.trim()) continue;
      if (a.startDate <= b.endDate && b.startDate <= a.endDate) {
        problems.push(
          problem(
            'HOST_OVERLAP',
            `classes[${b.number}]`,
            `${a.host.trim()} 承办的第${a.number}期（${a.startDate}–${a.endDate}）与第${b.number}期（${b.startDate}–${b.endDate}）日期重叠；请错开日期或更换承办机构`,
            { host: a.host.trim(), classes: [a.number, b.number] },
          ),
        );
      }
    }
  }
  return problems;
}

function quotaProblems(value: unknown, state: RecordedState): SettingsProblem[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  const quotas = value as Record<string, unknown>;
  const problems: SettingsProblem[] = [];
  for (const code of Object.keys(quotas)) {
    if (!isUnitCode(code)) {
      problems.push(
        problem(
          'UNIT_UNKNOWN',
          `quotas.${code}`,
          `单位代码 ${code} 不是推荐单位（省级中小企业主管部门）；请更正或删除`,
        ),
      );
    }
  }
  for (const [unit, used] of state.quotaUsed) {
    if (used <= 0) continue;
    const quota = quotas[unit];
    if (quota !== undefined && (typeof quota !== 'number' || !Number.isInteger(quota) || quota < 0)) continue;
    const seats = quota === undefined ? 0 : quota;
    if (seats >= used) continue;
    const name = findUnit(unit)?.name ?? unit;
    problems.push(
      problem(
        'QUOTA_BELOW_USED',
        `quotas.${unit}`,
        quota === undefined
          ? `${name}已报名 ${used} 人，不能从名额表中删除；名额至少须为 ${used}`
          : `${name}名额 ${quota} 少于已使用的 ${used} 个；名额至少须为 ${used}，或先撤回多出的报名`,
        { unit, unitName: name, quota: seats, used },
      ),
    );
  }
  return problems;
}

function problem(code: string, path: string, message: string, details: Record<string, unknown> = {}): SettingsProblem {
  return { code, path, message, ...details };
}

/** One difference between two programmes, by field path. */
export interface ProgrammeChange {
  readonly path: string;
  readonly from?: unknown;
  readonly to?: unknown;
  /** A class or a unit's quota that was added or removed, rather than edited. */
  readonly change?: 'added' | 'removed';
}

/**
 * Fields whose values are kept out of the summary (which goes into the audit trail): the office mailbox is an email
 * address, and audit events never hold one.
 */
const VALUE_FREE_FIELDS = new Set(['contactEmail']);

const SCALAR_FIELDS = [
  'year',
  'notice',
  'sampleData',
  'deadline',
  'timeZone',
  'contactEmail',
  'reviewTimeoutDays',
  'sessionsPerClass',
] as const;
const CLASS_FIELDS = ['theme', 'host', 'city', 'venue', 'startDate', 'endDate', 'capacity'] as const;

/** What changed from one programme to the next: paths like `quotas.440300` (12→15) or `classes[3].capacity`. */
export function summariseChanges(before: Programme, after: Programme): ProgrammeChange[] {
  const changes: ProgrammeChange[] = [];
  const field = (path: string, from: unknown, to: unknown) => {
    if (from === to) return;
    changes.push(VALUE_FREE_FIELDS.has(path) ? { path } : { path, from: from ?? null, to: to ?? null });
  };
  for (const key of SCALAR_FIELDS) field(key, before[key], after[key]);
  for (const key of Object.keys({
    ...before.completionRule,
    ...after.completionRule,
  }) as (keyof Programme['completionRule'])[]) {
    field(`completionRule.${key}`, before.completionRule[key], after.completionRule[key]);
  }
  const numbers = [...new Set([...before.classes, ...after.classes].map((c) => c.number))].sort((a, b) => a - b);
  for (const number of numbers) {
    const from = before.classes.find((c) => c.number === number);
    const to = after.classes.find((c) => c.number === number);
    if (!from) changes.push({ path: `classes[${number}]`, change: 'added' });
    else if (!to) changes.push({ path: `classes[${number}]`, change: 'removed' });
    else for (const key of CLASS_FIELDS) field(`classes[${number}].${key}`, from[key], to[key]);
  }
  const units = [...new Set([...Object.keys(before.quotas), ...Object.keys(after.quotas)])].sort();
  for (const unit of units) {
    const from = before.quotas[unit];
    const to = after.quotas[unit];
    if (from === undefined) changes.push({ path: `quotas.${unit}`, change: 'added', to });
    else if (to === undefined) changes.push({ path: `quotas.${unit}`, change: 'removed', from });
    else field(`quotas.${unit}`, from, to);
  }
  return changes;
}

/** A change as one line for a person: `quotas.440300 12→15`, `classes[7] added`. */
export function describeChange(change: ProgrammeChange): string {
  if (change.change === 'added') return `${change.path} added${change.to === undefined ? '' : ` (${change.to})`}`;
  if (change.change === 'removed') return `${change.path} removed`;
  if (!('from' in change)) return `${change.path} changed`;
  return `${change.path} ${String(change.from)}→${String(change.to)}`;
}
