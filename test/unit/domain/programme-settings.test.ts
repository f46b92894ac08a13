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

describe('what each state problem tells staff', () => {
  const message = (value: unknown, state: RecordedState = nothingRecorded, now = BEFORE_CLASSES) => {
    const result = check(value, state, now);
    return result.ok ? [] : result.problems.map((p) => p.message);
  };

  it('a class given twice, dates backwards, a class too short, a capacity below the assigned seats', () => {
    expect(message(draft((b) => b.classes.push({ ...classAt(b, 2) })))).toEqual([
      '第2期出现了不止一次；每个期次只能有一条',
    ]);
    expect(message(draft((b) => (classAt(b, 2).endDate = '2024-09-20')))).toEqual([
      '第2期结束日期 2024-09-20 早于开始日期 2024-09-24；请更正日期',
    ]);
    // 8 half-day sessions, two a day from 09-24: the last is on 09-27.
    expect(message(draft((b) => (classAt(b, 2).endDate = '2024-09-26')))).toEqual([
      '第2期共 8 个半天课次，需至 2024-09-27，而结束日期为 2024-09-26；请延长日期或减少每期课次',
    ]);
    // 7 sessions need four days as well (the seventh is the morning of the fourth day); 6 fit in three.
    const seven = draft((b) => {
      b.sessionsPerClass = 7;
      classAt(b, 2).endDate = '2024-09-26';
    });
    expect(message(seven)).toEqual([
      '第2期共 7 个半天课次，需至 2024-09-27，而结束日期为 2024-09-26；请延长日期或减少每期课次',
    ]);
    const six = draft((b) => {
      b.sessionsPerClass = 6;
      classAt(b, 2).endDate = '2024-09-26';
    });
    expect(message(six)).toEqual([]);
    const state: RecordedState = { quotaUsed: new Map(), classSeats: new Map([[3, 40]]) };
    const result = check(
      draft((b) => (classAt(b, 3).capacity = 39)),
      state,
    );
    expect(result.ok ? [] : result.problems).toEqual([
      {
        code: 'CAPACITY_BELOW_ASSIGNED',
        path: 'classes[3].capacity',
        message: '第3期容量 39 少于已分配的 40 人；容量至少须为 40，或先将学员调出该期',
        classNumber: 3,
        capacity: 39,
        assigned: 40,
      },
    ]);
  });

  it('a started class moved, a class with trainees removed, the sessions changed after the start', () => {
    expect(
      check(
        draft((b) => (classAt(b, 1).startDate = '2024-09-22')),
        nothingRecorded,
        CLASS_1_UNDER_WAY,
      ),
    ).toEqual({
      ok: false,
      problems: [
        {
          code: 'CLASS_STARTED',
          path: 'classes[1]',
          message: '第1期已于 2024-09-23 开班，日期不能再改（原为 2024-09-23–2024-09-26）；请恢复原日期',
          classNumber: 1,
        },
      ],
    });
    const state: RecordedState = { quotaUsed: new Map(), classSeats: new Map([[3, 40]]) };
    expect(
      check(
        draft((b) => (b.classes = b.classes.filter((c) => c.number !== 3))),
        state,
      ),
    ).toEqual({
      ok: false,
      problems: [
        {
          code: 'CLASS_IN_USE',
          path: 'classes[3]',
          message: '第3期已分配 40 名学员，不能删除；请先将学员调出该期，或保留该期',
          classNumber: 3,
          assigned: 40,
        },
      ],
    });
    expect(
      message(
        draft((b) => {
          b.sessionsPerClass = 6;
        }),
        nothingRecorded,
        CLASS_1_UNDER_WAY,
      ),
    ).toEqual(['已有班级开班，每期课次（8）不能再改：已记录的考勤按现有课次编号；请恢复为 8']);
  });

  it('one host on overlapping days, with the host named once even when typed with spaces', () => {
    const overlapping = draft((b) => {
      Object.assign(classAt(b, 3), { host: ' 清华大学 ', startDate: '2024-09-26', endDate: '2024-09-29' });
    });
    expect(message(overlapping)).toEqual([
      '清华大学 承办的第1期（2024-09-23–2024-09-26）与第3期（2024-09-26–2024-09-29）日期重叠；请错开日期或更换承办机构',
    ]);
    // Class 3 ending on the day class 1 starts overlaps as well.
    const before = draft((b) => {
      Object.assign(classAt(b, 3), { host: '清华大学', startDate: '2024-09-20', endDate: '2024-09-23' });
    });
    expect(check(before).ok).toBe(false);
    const dayBefore = draft((b) => {
      Object.assign(classAt(b, 3), { host: '清华大学', startDate: '2024-09-19', endDate: '2024-09-22' });
    });
    expect(check(dayBefore).ok).toBe(true);
  });

  it('an unknown unit, a quota below what is used, a unit with registrations removed from the table', () => {
    expect(message(draft((b) => (b.quotas['999999'] = 3)))).toEqual([
      '单位代码 999999 不是推荐单位（省级中小企业主管部门）；请更正或删除',
    ]);
    const state: RecordedState = { quotaUsed: new Map([['440000', 14]]), classSeats: new Map() };
    expect(
      message(
        draft((b) => (b.quotas['440000'] = 12)),
        state,
      ),
    ).toEqual(['广东省名额 12 少于已使用的 14 个；名额至少须为 14，或先撤回多出的报名']);
    expect(
      check(
        draft((b) => delete b.quotas['440000']),
        state,
      ),
    ).toEqual({
      ok: false,
      problems: [
        {
          code: 'QUOTA_BELOW_USED',
          path: 'quotas.440000',
          message: '广东省已报名 14 人，不能从名额表中删除；名额至少须为 14',
          unit: '440000',
          unitName: '广东省',
          quota: 0,
          used: 14,
        },
      ],
    });
  });
});

describe('what changed, field by field (from a fresh module: the field lists are module tables)', () => {
  it('every scalar and class field, classes and quotas added and removed, each described in one line', async () => {
    vi.resetModules();
    const fresh = await import('../../../shared/domain/programme-settings');
    const before = parseProgramme(draft((b) => delete b.quotas['440000']));
    const after = parseProgramme(
      draft((b) => {
        (b as Record<string, unknown>).notice = '工信厅企业函〔2024〕400号';
        b.deadline = '2024-09-07T23:59:59+08:00';
        b.reviewTimeoutDays = 20;
        b.sessionsPerClass = 6;
        b.completionRule.maxApprovedLeaveSessions = 2;
        Object.assign(classAt(b, 2), {
          theme: '数字化转型',
          host: '复旦大学',
          city: '上海',
          venue: '复旦大学光华楼',
          startDate: '2024-09-25',
          endDate: '2024-09-28',
          capacity: 60,
        });
        b.classes = b.classes.filter((c) => c.number !== 10);
        b.classes.push({ ...classAt(b, 9), number: 11, startDate: '2024-12-30', endDate: '2025-01-02' });
        delete b.quotas['110000'];
      }),
    );
    const changes = fresh.summariseChanges(before, after);
    expect(changes).toEqual([
      { path: 'notice', from: '工信厅企业函〔2024〕333号', to: '工信厅企业函〔2024〕400号' },
      { path: 'deadline', from: '2024-08-31T23:59:59+08:00', to: '2024-09-07T23:59:59+08:00' },
      { path: 'reviewTimeoutDays', from: before.reviewTimeoutDays, to: 20 },
      { path: 'sessionsPerClass', from: 8, to: 6 },
      { path: 'completionRule.maxApprovedLeaveSessions', from: 1, to: 2 },
      { path: 'classes[2].theme', from: '引导中小企业专精特新发展', to: '数字化转型' },
      { path: 'classes[2].host', from: '浙江大学', to: '复旦大学' },
      { path: 'classes[2].city', from: '杭州', to: '上海' },
      { path: 'classes[2].venue', from: '浙江大学（示例场地）', to: '复旦大学光华楼' },
      { path: 'classes[2].startDate', from: '2024-09-24', to: '2024-09-25' },
      { path: 'classes[2].endDate', from: '2024-09-27', to: '2024-09-28' },
      { path: 'classes[2].capacity', from: 80, to: 60 },
      { path: 'classes[10]', change: 'removed' },
      { path: 'classes[11]', change: 'added' },
      { path: 'quotas.110000', change: 'removed', from: before.quotas['110000'] },
      { path: 'quotas.440000', change: 'added', to: current.quotas['440000'] },
    ]);
    expect(changes.map(fresh.describeChange)).toEqual([
      'notice 工信厅企业函〔2024〕333号→工信厅企业函〔2024〕400号',
      'deadline 2024-08-31T23:59:59+08:00→2024-09-07T23:59:59+08:00',
      `reviewTimeoutDays ${before.reviewTimeoutDays}→20`,
      'sessionsPerClass 8→6',
      'completionRule.maxApprovedLeaveSessions 1→2',
      'classes[2].theme 引导中小企业专精特新发展→数字化转型',
      'classes[2].host 浙江大学→复旦大学',
      'classes[2].city 杭州→上海',
      'classes[2].venue 浙江大学（示例场地）→复旦大学光华楼',
      'classes[2].startDate 2024-09-24→2024-09-25',
      'classes[2].endDate 2024-09-27→2024-09-28',
      'classes[2].capacity 80→60',
      'classes[10] removed',
      'classes[11] added',
      'quotas.110000 removed',
      `quotas.440000 added (${current.quotas['440000']})`,
    ]);
    expect(fresh.describeChange({ path: 'contactEmail' })).toBe('contactEmail changed');
    const mailbox = fresh.summariseChanges(before, { ...before, contactEmail: 'office@miitec.org.cn' });
    expect(mailbox).toEqual([{ path: 'contactEmail' }]);
    const year = fresh.summariseChanges(before, { ...before, year: 2025, timeZone: undefined as never });
    expect(year).toEqual([
      { path: 'year', from: 2024, to: 2025 },
      { path: 'timeZone', from: 'Asia/Shanghai', to: null },
    ]);
  });
});

describe('malformed drafts: one problem each, never a crash or a second, misleading problem', () => {
  it.each([
    ['a year given as text', (b: Draft) => (b.year = '2024' as never), ['YEAR_INVALID year']],
    ['a time zone that is not text', (b: Draft) => (b.timeZone = 5 as never), ['TIME_ZONE_UNSUPPORTED timeZone']],
    ['classes that are not a list', (b: Draft) => (b.classes = 'x' as never), ['CLASS_INVALID classes']],
    ['classes left out', (b: Draft) => delete (b as Partial<Draft>).classes, ['CLASS_INVALID classes']],
    ['classes that are null', (b: Draft) => (b.classes = null as never), ['CLASS_INVALID classes']],
    ['a class that is null', (b: Draft) => b.classes.push(null as never), ['CLASS_INVALID classes[10]']],
    [
      'a class without its number (named by its position)',
      (b: Draft) => b.classes.push({ ...classAt(b, 9), number: undefined }),
      ['CLASS_INVALID classes[10].number'],
    ],
    ['quotas that are null', (b: Draft) => (b.quotas = null as never), ['QUOTA_INVALID quotas']],
    ['quotas that are text', (b: Draft) => (b.quotas = 'ab' as never), ['QUOTA_INVALID quotas']],
    ['quotas that are a list', (b: Draft) => (b.quotas = [5] as never), ['QUOTA_INVALID quotas']],
    [
      'a fractional number of sessions',
      (b: Draft) => (b.sessionsPerClass = 9.5),
      ['SESSIONS_PER_CLASS_INVALID sessionsPerClass'],
    ],
    [
      'a number of sessions as text',
      (b: Draft) => (b.sessionsPerClass = 'x' as never),
      ['SESSIONS_PER_CLASS_INVALID sessionsPerClass'],
    ],
  ])('%s', (_label, edit, expected) => {
    expect(problems(draft(edit))).toEqual(expected);
  });

  it('a number of sessions as text after the start is not also “sessions fixed”', () => {
    expect(
      problems(
        draft((b) => (b.sessionsPerClass = 'x' as never)),
        nothingRecorded,
        CLASS_1_UNDER_WAY,
      ),
    ).toEqual(['SESSIONS_PER_CLASS_INVALID sessionsPerClass']);
  });

  it('the year mismatch carries the expected and received year', () => {
    const result = check(draft((b) => (b.year = 2025)));
    expect(result.ok ? [] : result.problems).toEqual([expect.objectContaining({ expected: 2024, received: 2025 })]);
  });

  it('a one-day class is too short for 8 sessions, not backwards, and long enough for 2', () => {
    const oneDay = (sessions: number) =>
      draft((b) => {
        b.sessionsPerClass = sessions;
        classAt(b, 2).endDate = '2024-09-24';
      });
    expect(problems(oneDay(8))).toEqual(['CLASS_TOO_SHORT classes[2].endDate']);
    expect(problems(oneDay(2))).toEqual([]);
  });

  it('names an overlap by the lower class number first, in whatever order the draft lists them', () => {
    const overlapping = draft((b) => {
      Object.assign(classAt(b, 3), { host: '清华大学', startDate: '2024-09-26', endDate: '2024-09-29' });
      Object.assign(classAt(b, 1), { host: '清华大学 ' });
      b.classes.reverse();
    });
    const result = check(overlapping);
    expect(result.ok ? [] : result.problems).toEqual([
      {
        code: 'HOST_OVERLAP',
        path: 'classes[3]',
        message:
          '清华大学 承办的第1期（2024-09-23–2024-09-26）与第3期（2024-09-26–2024-09-29）日期重叠；请错开日期或更换承办机构',
        host: '清华大学',
        classes: [1, 3],
      },
    ]);
  });

  it('a quota the schema refuses is not also compared with the seats used; a quota of 0 is', () => {
    const state: RecordedState = { quotaUsed: new Map([['440000', 14]]), classSeats: new Map() };
    for (const quota of ['x', 1.5, -1]) {
      expect(
        problems(
          draft((b) => (b.quotas['440000'] = quota)),
          state,
        ),
      ).toEqual(['QUOTA_INVALID quotas.440000']);
    }
    expect(
      problems(
        draft((b) => (b.quotas['440000'] = 0)),
        state,
      ),
    ).toEqual(['QUOTA_BELOW_USED quotas.440000']);
  });

  it('seats used by a code outside the unit list are named by the code', () => {
    const state: RecordedState = { quotaUsed: new Map([['999999', 3]]), classSeats: new Map() };
    const result = check(draft(), state);
    expect(result.ok ? [] : result.problems).toEqual([
      expect.objectContaining({
        code: 'QUOTA_BELOW_USED',
        unitName: '999999',
        message: '999999已报名 3 人，不能从名额表中删除；名额至少须为 3',
      }),
    ]);
  });

  it('lists changed classes and quotas in number and code order', () => {
    const before = parseProgramme(
      draft((b) => {
        b.classes = b.classes.filter((c) => c.number !== 5);
        delete b.quotas['110000'];
      }),
    );
    const after = parseProgramme(
      draft((b) => {
        b.classes = b.classes.filter((c) => c.number !== 10);
        delete b.quotas['440000'];
      }),
    );
    expect(summariseChanges(before, after).map(describeChange)).toEqual([
      'classes[5] added',
      'classes[10] removed',
      `quotas.110000 added (${current.quotas['110000']})`,
      'quotas.440000 removed',
    ]);
  });
});
