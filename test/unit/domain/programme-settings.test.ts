import { describe, expect, it, vi } from 'vitest';
import shipped from '../../../data/programme-2024.json';
import { parseProgramme } from '../../../shared/domain/programme';
import {
  checkProgrammeDraft,
  describeChange,
  type RecordedState,
  summariseChanges,
} from '../../../shared/domain/programme-settings';

/**
 * PUT /programme's checks, pure: the draft against the schema and against what is recorded. The oracle is the
 * shipped 2024 programme (data/programme-2024.json) and hand-written expectations: class 1 is 清华大学's, 2024-09-23
 * to 09-26, capacity 80; class 3 starts 2024-10-14; unit 440000 is 广东省.
 */
const current = parseProgramme(shipped);
const BEFORE_CLASSES = new Date('2024-08-24T09:00:00+08:00');
const CLASS_1_UNDER_WAY = new Date('2024-09-24T10:00:00+08:00');
const nothingRecorded: RecordedState = { quotaUsed: new Map(), classSeats: new Map() };

/** The shipped programme as a body, with edits. */
function draft(edit: (value: Draft) => void = () => {}) {
  const value = freshDraft();
  edit(value);
  return value;
}
type Draft = ReturnType<typeof freshDraft>;
function freshDraft() {
  return JSON.parse(JSON.stringify(shipped)) as {
    year: number;
    deadline: string;
    timeZone?: string;
    contactEmail: string;
    reviewTimeoutDays?: number;
    sessionsPerClass: number;
    completionRule: Record<string, unknown>;
    classes: Record<string, unknown>[];
    quotas: Record<string, unknown>;
    sampleData?: boolean;
  };
}
const classAt = (value: Draft, number: number) =>
  value.classes.find((c) => c.number === number) as Record<string, unknown>;

function check(value: unknown, state: RecordedState = nothingRecorded, now = BEFORE_CLASSES) {
  return checkProgrammeDraft({ body: value, year: 2024, current, state, now });
}
function problems(value: unknown, state?: RecordedState, now?: Date) {
  const result = check(value, state, now);
  return result.ok ? [] : result.problems.map((p) => `${p.code} ${p.path}`);
}

describe('programme settings: checking a draft', () => {
  it('accepts the shipped programme unchanged, and a draft that omits sampleData clears it', () => {
    const result = check(draft((b) => delete b.sampleData));
    expect(result.ok).toBe(true);
    expect(result.ok && result.programme.sampleData).toBe(false);
    expect(problems(draft())).toEqual([]);
  });

  it('refuses a quota below the seats a unit already uses, naming the unit, quota and used', () => {
    const state: RecordedState = { quotaUsed: new Map([['440000', 14]]), classSeats: new Map() };
    const result = check(
      draft((b) => {
        b.quotas['440000'] = 12;
      }),
      state,
    );
    expect(result.ok).toBe(false);
    const [found] = result.ok ? [] : result.problems;
    expect(found).toMatchObject({
      code: 'QUOTA_BELOW_USED',
      path: 'quotas.440000',
      unitName: '广东省',
      quota: 12,
      used: 14,
    });
    expect(found?.message).toContain('广东省');
    expect(found?.message).toContain('14');
    // One below what is used is refused, equal to it is fine; removing the unit is a quota of 0.
    expect(
      problems(
        draft((b) => (b.quotas['440000'] = 13)),
        state,
      ),
    ).toEqual(['QUOTA_BELOW_USED quotas.440000']);
    expect(
      problems(
        draft((b) => (b.quotas['440000'] = 14)),
        state,
      ),
    ).toEqual([]);
    expect(
      problems(
        draft((b) => delete b.quotas['440000']),
        state,
      ),
    ).toEqual(['QUOTA_BELOW_USED quotas.440000']);
  });

  it('refuses a capacity below the assigned seats, and removing a class with trainees', () => {
    const state: RecordedState = { quotaUsed: new Map(), classSeats: new Map([[3, 40]]) };
    expect(
      problems(
        draft((b) => (classAt(b, 3).capacity = 39)),
        state,
      ),
    ).toEqual(['CAPACITY_BELOW_ASSIGNED classes[3].capacity']);
    expect(
      problems(
        draft((b) => (classAt(b, 3).capacity = 40)),
        state,
      ),
    ).toEqual([]);
    expect(
      problems(
        draft((b) => (b.classes = b.classes.filter((c) => c.number !== 3))),
        state,
      ),
    ).toEqual(['CLASS_IN_USE classes[3]']);
    // A class without trainees may go.
    expect(
      problems(
        draft((b) => (b.classes = b.classes.filter((c) => c.number !== 4))),
        state,
      ),
    ).toEqual([]);
  });

  it('refuses two classes of one host on overlapping days, and accepts them back to back', () => {
    const overlapping = draft((b) => {
      Object.assign(classAt(b, 3), { host: '清华大学', startDate: '2024-09-26', endDate: '2024-09-29' });
    });
    const result = check(overlapping);
    expect(result.ok ? [] : result.problems).toEqual([
      expect.objectContaining({ code: 'HOST_OVERLAP', path: 'classes[3]', host: '清华大学', classes: [1, 3] }),
    ]);
    const afterwards = draft((b) => {
      Object.assign(classAt(b, 3), { host: '清华大学', startDate: '2024-09-27', endDate: '2024-09-30' });
    });
    expect(problems(afterwards)).toEqual([]);
  });

  it('refuses new dates for a class that has started, but not other edits of it', () => {
    const moved = draft((b) => (classAt(b, 1).endDate = '2024-09-27'));
    expect(problems(moved, nothingRecorded, CLASS_1_UNDER_WAY)).toEqual(['CLASS_STARTED classes[1]']);
    expect(problems(moved, nothingRecorded, BEFORE_CLASSES)).toEqual([]);
    expect(
      problems(
        draft((b) => (classAt(b, 1).venue = '新场地')),
        nothingRecorded,
        CLASS_1_UNDER_WAY,
      ),
    ).toEqual([]);
  });

  it('refuses another number of sessions once a class has started, and any before', () => {
    const six = draft((b) => {
      b.sessionsPerClass = 6;
    });
    expect(problems(six, nothingRecorded, CLASS_1_UNDER_WAY)).toEqual(['SESSIONS_FIXED sessionsPerClass']);
    expect(problems(six, nothingRecorded, BEFORE_CLASSES)).toEqual([]);
  });

  it('refuses a class number given twice, once (not also as an overlap with itself)', () => {
    const twice = draft((b) => b.classes.push({ ...classAt(b, 2) }));
    expect(problems(twice)).toEqual(['CLASS_NUMBER_DUPLICATE classes[2]']);
  });

  it('refuses a year other than the one edited', () => {
    expect(problems(draft((b) => (b.year = 2025)))).toEqual(['YEAR_MISMATCH year']);
  });

  it.each([
    ['a deadline without an offset', (b: Draft) => (b.deadline = '2024-08-31T23:59:59'), 'DEADLINE_INVALID deadline'],
    [
      'a negative absence limit',
      (b: Draft) => (b.completionRule.maxUnexcusedAbsences = -1),
      'COMPLETION_RULE_INVALID completionRule.maxUnexcusedAbsences',
    ],
    ['a review timeout of 0 days', (b: Draft) => (b.reviewTimeoutDays = 0), 'REVIEW_TIMEOUT_INVALID reviewTimeoutDays'],
    [
      'a review timeout of 181 days',
      (b: Draft) => (b.reviewTimeoutDays = 181),
      'REVIEW_TIMEOUT_INVALID reviewTimeoutDays',
    ],
    ['0 sessions per class', (b: Draft) => (b.sessionsPerClass = 0), 'SESSIONS_PER_CLASS_INVALID sessionsPerClass'],
    [
      'a contact address that is not one',
      (b: Draft) => (b.contactEmail = 'leader-at-miitec'),
      'CONTACT_EMAIL_INVALID contactEmail',
    ],
    ['an unknown unit', (b: Draft) => (b.quotas['999999'] = 3), 'UNIT_UNKNOWN quotas.999999'],
    [
      'a class ending before it starts',
      (b: Draft) => (classAt(b, 2).endDate = '2024-09-20'),
      'CLASS_DATES_INVALID classes[2].endDate',
    ],
    [
      'a class too short for its sessions',
      (b: Draft) => (classAt(b, 2).endDate = '2024-09-26'),
      'CLASS_TOO_SHORT classes[2].endDate',
    ],
    ['another time zone', (b: Draft) => (b.timeZone = 'Asia/Tokyo'), 'TIME_ZONE_UNSUPPORTED timeZone'],
  ])('refuses %s with its code and path', (_, edit, expected) => {
    expect(problems(draft(edit))).toEqual([expected]);
  });

  it('lists every problem of a draft at once, state checks beside schema errors', () => {
    const state: RecordedState = { quotaUsed: new Map([['110000', 5]]), classSeats: new Map([[2, 10]]) };
    const result = problems(
      draft((b) => {
        b.deadline = 'tomorrow';
        b.quotas['110000'] = 1;
        classAt(b, 2).capacity = 5;
        classAt(b, 4).theme = '';
      }),
      state,
    );
    expect(result.sort()).toEqual(
      [
        'DEADLINE_INVALID deadline',
        'QUOTA_BELOW_USED quotas.110000',
        'CAPACITY_BELOW_ASSIGNED classes[2].capacity',
        'CLASS_INVALID classes[4].theme',
      ].sort(),
    );
  });
});

describe('programme settings: what changed', () => {
  it('names each change by path, classes by their number, with before and after', () => {
    const after = parseProgramme(
      draft((b) => {
        b.quotas['440000'] = Number(b.quotas['440000']) + 3;
        classAt(b, 3).capacity = 60;
        b.classes = b.classes.filter((c) => c.number !== 10);
        b.sampleData = false;
        b.contactEmail = 'office@miitec.org.cn';
      }),
    );
    const changes = summariseChanges(current, after);
    expect(changes).toEqual([
      { path: 'sampleData', from: true, to: false },
      { path: 'contactEmail' },
      { path: 'classes[3].capacity', from: 80, to: 60 },
      { path: 'classes[10]', change: 'removed' },
      { path: 'quotas.440000', from: current.quotas['440000'], to: Number(current.quotas['440000']) + 3 },
    ]);
    expect(describeChange(changes[4] as never)).toBe(
      `quotas.440000 ${current.quotas['440000']}→${Number(current.quotas['440000']) + 3}`,
    );
    // The mailbox's address stays out of the summary (it goes into the audit trail).
    expect(JSON.stringify(changes)).not.toContain('@');
    expect(summariseChanges(current, current)).toEqual([]);
  });
});

/**
 * What staff are told for each field, from a freshly imported module: the rules per field are a module table, and
 * mutation testing can only change it in a module evaluated inside the test. Paths are written out by hand: a class
 * is named by its number, a quota by its unit code.
 */
describe('each field’s problem code and message', () => {
  it('names the field, its code and the rule, for every field of a draft at once', async () => {
    vi.resetModules();
    const { checkProgrammeDraft: checkFresh } = await import('../../../shared/domain/programme-settings');
    const body = draft((b) => {
      const all = b as Record<string, unknown>;
      all.year = 1999;
      all.notice = '';
      b.sampleData = 'yes' as never;
      b.deadline = '2024-08-31';
      b.timeZone = 5 as never;
      b.contactEmail = 'pxb-at-miit';
      b.completionRule = { ...b.completionRule, maxUnexcusedAbsences: -1 };
      b.reviewTimeoutDays = 0;
      classAt(b, 3).capacity = 0;
      b.quotas['440000'] = -1;
    });
    const result = checkFresh({ body, year: 2024, current, state: nothingRecorded, now: BEFORE_CLASSES });
    const found = result.ok ? [] : result.problems.map(({ code, path, message }) => ({ code, path, message }));
    const expected = [
      ['YEAR_INVALID', 'year', '年度须为 2000–2100 的整数'],
      ['NOTICE_INVALID', 'notice', '通知文号不能为空'],
      ['SAMPLE_DATA_INVALID', 'sampleData', 'sampleData 须为 true 或 false'],
      [
        'DEADLINE_INVALID',
        'deadline',
        '报名截止时间须为带时区的 ISO 8601 时间，如 2024-08-31T23:59:59+08:00（截止当秒仍可上传）',
      ],
      ['TIME_ZONE_UNSUPPORTED', 'timeZone', '时区只能是 Asia/Shanghai'],
      ['CONTACT_EMAIL_INVALID', 'contactEmail', '联系邮箱须为有效的电子邮件地址'],
      [
        'COMPLETION_RULE_INVALID',
        'completionRule.maxUnexcusedAbsences',
        '结业条件须包含 maxUnexcusedAbsences、maxApprovedLeaveSessions（不小于 0 的整数），maxLateSessions 为不小于 0 的整数或 null（不限）',
      ],
      ['REVIEW_TIMEOUT_INVALID', 'reviewTimeoutDays', '审核时限须为 1–180 的整数（天）'],
      [
        'CLASS_INVALID',
        'classes[3].capacity',
        '每期须有期次（1–99）、主题、承办机构、城市、地点、开始和结束日期（YYYY-MM-DD）及正整数的容量，且至少一期',
      ],
      ['QUOTA_INVALID', 'quotas.440000', '名额须为不小于 0 的整数'],
    ] as const;
    for (const [code, path, rule] of expected) {
      expect(found).toContainEqual({ code, path, message: `${path}：${rule}` });
    }
    expect(found).toContainEqual({
      code: 'YEAR_MISMATCH',
      path: 'year',
      message: '培训计划年度 1999 与所编辑的 2024 年度不符；请保持 year 为 2024',
    });
  });

  it('the number of sessions per class', async () => {
    vi.resetModules();
    const { checkProgrammeDraft: checkFresh } = await import('../../../shared/domain/programme-settings');
    const result = checkFresh({
      body: draft((b) => {
        b.sessionsPerClass = 0;
      }),
      year: 2024,
      current,
      state: nothingRecorded,
      now: BEFORE_CLASSES,
    });
    expect(result.ok ? [] : result.problems).toContainEqual(
      expect.objectContaining({
        code: 'SESSIONS_PER_CLASS_INVALID',
        path: 'sessionsPerClass',
        message: 'sessionsPerClass：每期课次须为正整数',
      }),
    );
  });

  it.each([
    ['null', null],
    ['an array', [draft()]],
    ['text', '{"year":2024}'],
  ])('a body that is %s is one BODY_INVALID problem', (_label, body) => {
    expect(check(body)).toEqual({
      ok: false,
      problems: [{ code: 'BODY_INVALID', path: '', message: '请求内容须为一个培训计划对象（JSON）' }],
    });
  });

  it('a time zone other than Beijing time says why', () => {
    const result = check(draft((b) => (b.timeZone = 'UTC')));
    expect(result.ok ? [] : result.problems).toContainEqual(
      expect.objectContaining({
        code: 'TIME_ZONE_UNSUPPORTED',
        path: 'timeZone',
        message:
          '时区只能是 Asia/Shanghai（北京时间）：课程时段、截止时间均按北京时间计算；请删除该字段或填写 Asia/Shanghai',
      }),
    );
  });
});
