import { describe, expect, it, vi } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';

/**
 * The module-level tables and patterns of shared/domain, read from a module evaluated inside the test. A test that
 * imports a module inside a test (the route table imports every handler) makes mutation testing treat these constants
 * as covered by tests; it can change them only in a module evaluated after the change, so each test here calls
 * `vi.resetModules()` and imports afresh (docs/mutation-testing.md, "Module tables that survive"). The expected values
 * come from outside the code: GB/T 2260, the notice, docs/trainee-workflow.md, the IANA media types.
 */
const fresh = async <T>(load: () => Promise<T>): Promise<T> => {
  vi.resetModules();
  return load();
};

describe('the 37 units (notice 二(二), codes per GB/T 2260)', () => {
  // 31 provinces, autonomous regions and municipalities, the Corps (660000 by convention) and the five cities with
  // separate plans.
  const provinces: [string, string][] = [
    ['110000', '北京市'],
    ['120000', '天津市'],
    ['130000', '河北省'],
    ['140000', '山西省'],
    ['150000', '内蒙古自治区'],
    ['210000', '辽宁省'],
    ['220000', '吉林省'],
    ['230000', '黑龙江省'],
    ['310000', '上海市'],
    ['320000', '江苏省'],
    ['330000', '浙江省'],
    ['340000', '安徽省'],
    ['350000', '福建省'],
    ['360000', '江西省'],
    ['370000', '山东省'],
    ['410000', '河南省'],
    ['420000', '湖北省'],
    ['430000', '湖南省'],
    ['440000', '广东省'],
    ['450000', '广西壮族自治区'],
    ['460000', '海南省'],
    ['500000', '重庆市'],
    ['510000', '四川省'],
    ['520000', '贵州省'],
    ['530000', '云南省'],
    ['540000', '西藏自治区'],
    ['610000', '陕西省'],
    ['620000', '甘肃省'],
    ['630000', '青海省'],
    ['640000', '宁夏回族自治区'],
    ['650000', '新疆维吾尔自治区'],
  ];
  const cities: [string, string][] = [
    ['210200', '大连市'],
    ['370200', '青岛市'],
    ['330200', '宁波市'],
    ['350200', '厦门市'],
    ['440300', '深圳市'],
  ];

  it('lists each unit with its code, name and kind, and finds each by its code', async () => {
    const { UNITS, findUnit, isUnitCode } = await fresh(() => import('../../../shared/domain/units'));
    const expected = [
      ...provinces.map(([code, name]) => ({ code, name, kind: 'province' })),
      { code: '660000', name: '新疆生产建设兵团', kind: 'corps' },
      ...cities.map(([code, name]) => ({ code, name, kind: 'separate-plan-city' })),
    ];
    expect(UNITS).toEqual(expected);
    for (const unit of expected) {
      expect(findUnit(unit.code), unit.code).toEqual(unit);
      expect(isUnitCode(unit.code), unit.code).toBe(true);
    }
    // A prefix shared by a province and its city is not a unit; neither is an ordinary prefecture.
    for (const code of ['210100', '440100', '100000', '']) {
      expect(findUnit(code), code).toBeUndefined();
      expect(isUnitCode(code), code).toBe(false);
    }
  });
});

describe('registration statuses and history labels (docs/trainee-workflow.md, "Statuses")', () => {
  it('labels each status as the workflow document does', async () => {
    const { statusLabel } = await fresh(() => import('../../../shared/domain/registration-history'));
    expect(
      Object.fromEntries(
        (
          [
            'nominated',
            'waitlisted',
            'assigned',
            'certified',
            'incomplete',
            'rejected',
            'expired',
            'not-placed',
            'withdrawn',
            'failed',
          ] as const
        ).map((status) => [status, statusLabel(status)]),
      ),
    ).toEqual({
      nominated: '已推荐待审核',
      waitlisted: '候补中',
      assigned: '已分班',
      certified: '已结业',
      incomplete: '未达结业要求',
      rejected: '审核未通过',
      expired: '审核超时',
      'not-placed': '未能安排班级',
      withdrawn: '已撤回',
      failed: '处理失败',
    });
  });

  it('gives every history event kind its own zh-CN label, and the workflow acts as "system"', async () => {
    const { historyKindLabel, SYSTEM_ACTOR } = await fresh(() => import('../../../shared/domain/registration-history'));
    const kinds = [
      'status',
      'reviewed',
      'review-undone',
      'leave-granted',
      'leave-acknowledged',
      'attendance-corrected',
      'class-closed',
      'certificate-revoked',
      'certificate-reissued',
      'notice-skipped',
      'address-undeliverable',
      'address-corrected',
    ] as const;
    const labels = kinds.map((kind) => historyKindLabel(kind));
    for (const [index, label] of labels.entries()) expect(label, kinds[index]).toMatch(/^[\u4e00-\u9fa5（），]+$/);
    expect(new Set(labels).size).toBe(kinds.length);
    // What each one is about, in the words a reader looks for.
    expect(historyKindLabel('reviewed')).toContain('审核');
    expect(historyKindLabel('leave-granted')).toContain('假');
    expect(historyKindLabel('attendance-corrected')).toContain('考勤');
    expect(historyKindLabel('class-closed')).toContain('结班');
    expect(historyKindLabel('certificate-revoked')).toContain('撤销');
    expect(historyKindLabel('certificate-reissued')).toContain('补发');
    expect(historyKindLabel('address-undeliverable')).toContain('无法送达');
    expect(SYSTEM_ACTOR).toBe('system');
  });

  it('ends a journey at the six final statuses; the first three hold a seat (failed is neither)', async () => {
    const { FINAL_STATUSES, HOLDING_STATUSES, isRegistrationStatus } = await fresh(
      () => import('../../../shared/domain/trainee-registration'),
    );
    expect([...FINAL_STATUSES].sort()).toEqual(
      ['certified', 'incomplete', 'rejected', 'expired', 'not-placed', 'withdrawn'].sort(),
    );
    expect([...HOLDING_STATUSES].sort()).toEqual(['assigned', 'nominated', 'waitlisted']);
    expect(isRegistrationStatus('failed')).toBe(true);
    expect(isRegistrationStatus('approved')).toBe(false);
  });
});

describe('telemetry labels, from a fresh module', () => {
  it('keeps ids and codes, refuses what is shaped like a person’s number or is not an id at all', async () => {
    const { telemetryLabel } = await fresh(() => import('../../../shared/domain/telemetry-labels'));
    // Kept: unit codes (6 digits), ids with letters, a UUID made of digits only, 80 characters.
    for (const value of [
      'a',
      '110000',
      'class-03',
      'R1234567',
      '1234567a',
      '12345678-1234-1234-1234-123456789012',
      `a${'b'.repeat(79)}`,
    ]) {
      expect(telemetryLabel(value), value).toBe(value);
    }
    // Refused: not an id (leading or inner characters an id never has, 81 characters) or number-like (7 digits or
    // more, with the ID number's X), including digit strings cut like a UUID but not one.
    for (const value of [
      '@class-03',
      ' class-03',
      'class 03',
      'class-03 ',
      `a${'b'.repeat(80)}`,
      '1234567',
      '13800138000',
      '11010519491231002X',
      '11010519491231002x',
      '112345678-1234-1234-1234-123456789012',
      '12345678-1234-1234-1234-1234567890123',
      '1-1234-1234-1234-123456789012',
      '12345678-1-1234-1234-123456789012',
      '12345678-1234-1-1234-123456789012',
      '12345678-1234-1234-1-123456789012',
      '12345678-1234-1234-1234-1',
    ]) {
      expect(telemetryLabel(value), value).toBeUndefined();
    }
  });
});

describe('upload constants and keys, from a fresh module', () => {
  const id = '0846c009-fdb3-4ec3-a21d-ccbb41ec4b85';

  it('accepts files up to 5 MB (5 × 1024 × 1024 bytes) with the IANA media types of .xlsx and .csv', async () => {
    const { MAX_UPLOAD_BYTES, CONTENT_TYPES } = await fresh(() => import('../../../shared/domain/upload'));
    expect(MAX_UPLOAD_BYTES).toBe(5_242_880);
    expect(CONTENT_TYPES).toEqual({
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      csv: 'text/csv',
    });
  });

  it('parses incoming/<year>/<unit or class-nn>/<uuid>.<xlsx|csv> and nothing else', async () => {
    const { parseUploadKey } = await fresh(() => import('../../../shared/domain/upload'));
    expect(parseUploadKey(`incoming/2024/440300/${id}.csv`)).toEqual({
      year: 2024,
      unit: '440300',
      uploadId: id,
      extension: 'csv',
    });
    expect(parseUploadKey(`incoming/2024/class-10/${id}.xlsx`)).toEqual({
      year: 2024,
      unit: 'class-10',
      classNumber: 10,
      uploadId: id,
      extension: 'xlsx',
    });
    for (const key of [
      `x/incoming/2024/110000/${id}.xlsx`,
      `incoming/2024/110000/${id}.xlsx.bak`,
      `incoming/24/110000/${id}.xlsx`,
      `incoming/abcd/110000/${id}.xlsx`,
      `incoming/2024/1/${id}.xlsx`,
      `incoming/2024/abcdef/${id}.xlsx`,
      `incoming/2024/class-3/${id}.xlsx`,
      `incoming/2024/class-ab/${id}.xlsx`,
      `incoming/2024/110000/0-fdb3-4ec3-a21d-ccbb41ec4b85.xlsx`,
      `incoming/2024/110000/0846c00z-fdb3-4ec3-a21d-ccbb41ec4b85.xlsx`,
      `incoming/2024/110000/0846c009-f-4ec3-a21d-ccbb41ec4b85.xlsx`,
      `incoming/2024/110000/0846c009-fdbz-4ec3-a21d-ccbb41ec4b85.xlsx`,
      `incoming/2024/110000/0846c009-fdb3-4-a21d-ccbb41ec4b85.xlsx`,
      `incoming/2024/110000/0846c009-fdb3-4ecz-a21d-ccbb41ec4b85.xlsx`,
      `incoming/2024/110000/0846c009-fdb3-4ec3-a-ccbb41ec4b85.xlsx`,
      `incoming/2024/110000/0846c009-fdb3-4ec3-a21z-ccbb41ec4b85.xlsx`,
      `incoming/2024/110000/0846c009-fdb3-4ec3-a21d-c.xlsx`,
      `incoming/2024/110000/0846c009-fdb3-4ec3-a21d-ccbb41ec4b8z.xlsx`,
      `incoming/2024/110000/${id}.xls`,
      `incoming/2024/110000/${id}.pdf`,
    ]) {
      expect(parseUploadKey(key), key).toBeUndefined();
    }
  });
});

describe('the programme schema, from a fresh module', () => {
  const programmeWith = (patch: Record<string, unknown>, omit: readonly string[] = []) => {
    const data: Record<string, unknown> = { ...structuredClone(defaultProgramme), ...patch };
    for (const key of omit) delete data[key];
    return data;
  };
  const classes = () => structuredClone(defaultProgramme.classes) as Record<string, unknown>[];

  it('reads the shipped 2024 programme, with the defaults it leaves out', async () => {
    const { parseProgramme } = await fresh(() => import('../../../shared/domain/programme'));
    const minimal = programmeWith({}, ['sampleData', 'timeZone']);
    const programme = parseProgramme(minimal);
    expect(programme.sampleData).toBe(false);
    expect(programme.timeZone).toBe('Asia/Shanghai');
    expect(programme.reviewTimeoutDays).toBe(30);
    expect(programme.completionRule.maxLateSessions).toBeNull();
    expect(programme.classes).toHaveLength(10);
    expect(parseProgramme(defaultProgramme).sampleData).toBe(true);
  });

  it('takes the limits at their edges: class 1–99, year 2000–2100, leave and late counts ≥ 0, review 1–180 days', async () => {
    const { parseProgramme, programmeSchema } = await fresh(() => import('../../../shared/domain/programme'));
    const ok = (data: unknown) => programmeSchema.safeParse(data).success;
    for (const number of [1, 2, 99]) {
      const list = classes();
      (list[0] as Record<string, unknown>).number = number;
      if (number !== 1) (list[1] as Record<string, unknown>).number = 1;
      expect(ok(programmeWith({ classes: list })), `class ${number}`).toBe(true);
    }
    for (const number of [0, 100]) {
      const list = classes();
      (list[0] as Record<string, unknown>).number = number;
      expect(ok(programmeWith({ classes: list })), `class ${number}`).toBe(false);
    }
    for (const year of [2000, 2100]) expect(ok(programmeWith({ year: year }))).toBe(true);
    for (const year of [1999, 2101]) expect(ok(programmeWith({ year: year }))).toBe(false);
    const rule = (maxApprovedLeaveSessions: number, maxLateSessions: number | null) =>
      programmeWith({ completionRule: { maxUnexcusedAbsences: 0, maxApprovedLeaveSessions, maxLateSessions } });
    expect(parseProgramme(rule(2, 3)).completionRule).toEqual({
      maxUnexcusedAbsences: 0,
      maxApprovedLeaveSessions: 2,
      maxLateSessions: 3,
    });
    expect(ok(rule(-1, null))).toBe(false);
    expect(ok(rule(0, -1))).toBe(false);
    for (const days of [1, 180]) {
      expect(parseProgramme(programmeWith({ reviewTimeoutDays: days })).reviewTimeoutDays).toBe(days);
    }
    for (const days of [0, 181]) expect(ok(programmeWith({ reviewTimeoutDays: days }))).toBe(false);
  });

  it('wants dates as YYYY-MM-DD, a deadline with its offset, and non-empty class texts', async () => {
    const { programmeSchema } = await fresh(() => import('../../../shared/domain/programme'));
    const withFirstClass = (field: string, value: unknown) => {
      const list = classes();
      (list[0] as Record<string, unknown>)[field] = value;
      return programmeWith({ classes: list });
    };
    const issue = (data: unknown) => {
      const result = programmeSchema.safeParse(data);
      return result.success ? undefined : result.error.issues[0];
    };
    for (const date of [
      '2024-9-23',
      '2024-09-2',
      '24-09-23',
      'abcd-09-23',
      '2024-ab-23',
      '2024-09-ab',
      'x2024-09-23',
      '2024-09-23x',
    ]) {
      expect(issue(withFirstClass('startDate', date)), date).toMatchObject({
        message: 'expected YYYY-MM-DD',
        path: ['classes', 0, 'startDate'],
      });
    }
    for (const field of ['theme', 'host', 'city', 'venue']) {
      expect(issue(withFirstClass(field, '')), field).toMatchObject({ path: ['classes', 0, field] });
    }
    expect(issue(programmeWith({ deadline: '2024-08-31T23:59:59+08:00' }))).toBeUndefined();
    expect(issue(programmeWith({ deadline: '2024-08-31T23:59:59' }))).toMatchObject({
      path: ['deadline'],
    });
  });

  it('names a duplicate class number, a class ending before it starts and an unknown unit', async () => {
    const { programmeSchema } = await fresh(() => import('../../../shared/domain/programme'));
    const list = classes();
    (list[1] as Record<string, unknown>).number = 1;
    (list[2] as Record<string, unknown>).endDate = '2024-10-13';
    const result = programmeSchema.safeParse(
      programmeWith({ classes: list, quotas: { ...defaultProgramme.quotas, '440100': 5 } }),
    );
    expect(result.success).toBe(false);
    expect(result.error?.issues.map(({ code, message, path }) => ({ code, message, path }))).toEqual([
      { code: 'custom', message: 'duplicate class number 1', path: ['classes'] },
      { code: 'custom', message: 'class 3 ends before it starts', path: ['classes'] },
      { code: 'custom', message: 'unknown unit 440100', path: ['quotas', '440100'] },
    ]);
  });
});

describe('notice wording, from a fresh module', () => {
  it('the assigned notice carries the notice’s discipline, what to bring, and names the sender office', async () => {
    const { composeNotice, noticeFooter, SENDER_OFFICE } = await fresh(() => import('../../../shared/domain/notices'));
    const { parseProgramme, findClass } = await import('../../../shared/domain/programme');
    const programme = parseProgramme(defaultProgramme);
    const notice = composeNotice({
      kind: 'assigned',
      traineeName: '张三',
      enterpriseName: '某科技有限公司',
      unitName: '北京市',
      programme,
      trainingClass: findClass(programme, 3),
    });
    const text = notice.paragraphs.join('\n');
    // Notice 二(三), in its own words.
    for (const words of [
      '签到考勤管理制度',
      '不参加聚餐、饮酒等活动',
      '不迟到旷课',
      '原则上不得请假',
      '向所在班级报备后方可外出',
    ]) {
      expect(text, words).toContain(words);
    }
    expect(text).toContain('身份证件');
    expect(text).toContain('名片');
    // Notice 二(一): the training is organised by the MIIT talent exchange centre.
    expect(SENDER_OFFICE).toBe('工业和信息化部人才交流中心');
    expect(noticeFooter(programme)).toContain('工业和信息化部人才交流中心');
  });

  it('the incomplete notice gives each reason in words, joined by 、', async () => {
    const { composeNotice } = await fresh(() => import('../../../shared/domain/notices'));
    const { parseProgramme } = await import('../../../shared/domain/programme');
    const notice = composeNotice({
      kind: 'incomplete',
      traineeName: '张三',
      enterpriseName: '某科技有限公司',
      unitName: '北京市',
      programme: parseProgramme(defaultProgramme),
      reasons: ['UNEXCUSED_ABSENCE', 'TOO_MUCH_LEAVE', 'TOO_LATE'],
    });
    expect(notice.paragraphs[1]).toContain('（存在未经批准的缺勤、请假场次超过规定、迟到次数超过规定）');
  });
});

describe('the evaluation scale, from a fresh module (docs/trainee-workflow.md: 1–5, 很不满意 … 很满意)', () => {
  it('labels the five points and keys the four dimensions of notice 二(四)', async () => {
    const { SCORE_LABELS, DIMENSION_KEYS } = await fresh(() => import('../../../shared/domain/evaluation'));
    expect(SCORE_LABELS).toEqual({ 1: '很不满意', 2: '不满意', 3: '一般', 4: '满意', 5: '很满意' });
    expect(DIMENSION_KEYS).toEqual(['course', 'faculty', 'organisation', 'effect']);
  });

  it('counts a link’s 30 days and the reminder’s 3 days in whole days of 86,400,000 ms', async () => {
    const { linkExpiry, reminderCutoff } = await fresh(() => import('../../../shared/domain/evaluation'));
    expect(linkExpiry(new Date('2024-10-18T10:00:00Z')).toISOString()).toBe('2024-11-17T10:00:00.000Z');
    expect(reminderCutoff(new Date('2024-11-01T00:00:00Z')).toISOString()).toBe('2024-10-29T00:00:00.000Z');
  });

  it('checks an answer: scores 1–5, comments trimmed and at most 500 characters, overall at most 1,000', async () => {
    const { parseEvaluationAnswer } = await fresh(() => import('../../../shared/domain/evaluation'));
    const scores = { course: 1, faculty: 5, organisation: 3, effect: 4 };
    expect(
      parseEvaluationAnswer({ scores, comments: { course: ` ${'课'.repeat(500)} `, faculty: '  ' }, overall: '好' }),
    ).toStrictEqual({ scores, comments: { course: '课'.repeat(500) }, overall: '好' });
    for (const bad of [0, 6, 2.5]) {
      expect(() => parseEvaluationAnswer({ scores: { ...scores, effect: bad } }), String(bad)).toThrow(
        expect.objectContaining({ code: 'EVALUATION_SCORE_INVALID' }),
      );
    }
    expect(() => parseEvaluationAnswer({ scores, comments: { faculty: 'x'.repeat(501) } })).toThrow(
      expect.objectContaining({ code: 'EVALUATION_COMMENT_TOO_LONG', details: { field: 'faculty' } }),
    );
    expect(() => parseEvaluationAnswer({ scores, overall: 'x'.repeat(1001) })).toThrow(
      expect.objectContaining({ code: 'EVALUATION_COMMENT_TOO_LONG', details: { field: 'overall' } }),
    );
    expect(() => parseEvaluationAnswer({ scores: { ...scores, course: undefined } })).toThrow(
      '“课程设置”的评分须为 1–5 分的整数',
    );
  });
});

describe('class session hours, certificate alphabet and the sample-data warning, from a fresh module', () => {
  it('runs sessions 08:30–12:00 and 14:00–17:30, Beijing time (docs/trainee-workflow.md)', async () => {
    const { classSessions } = await fresh(() => import('../../../shared/domain/classes/class-sessions'));
    const [morning, afternoon] = classSessions(defaultProgramme.classes[2] as never, 2);
    expect(morning).toMatchObject({ startsAt: '2024-10-14T08:30:00+08:00', endsAt: '2024-10-14T12:00:00+08:00' });
    expect(afternoon).toMatchObject({ startsAt: '2024-10-14T14:00:00+08:00', endsAt: '2024-10-14T17:30:00+08:00' });
  });

  it('writes verification codes with 2–9 and the letters but I, L and O', async () => {
    const { VERIFICATION_ALPHABET } = await fresh(() => import('../../../shared/domain/certificate'));
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.replace(/[ILO]/g, '');
    expect(VERIFICATION_ALPHABET).toBe(`23456789${letters}`);
  });

  it('says that attachments 1–4 of the notice were not published and the schedule is sample data', async () => {
    const { SAMPLE_DATA_NOTICE } = await fresh(() => import('../../../shared/domain/classes/class-view'));
    expect(SAMPLE_DATA_NOTICE).toContain('附件1–4');
    expect(SAMPLE_DATA_NOTICE).toContain('示例数据');
  });

  it('derives the reviewer’s warning codes from the catalogue: its warnings, none of its errors', async () => {
    const { REVIEW_WARNING_CODES } = await fresh(() => import('../../../shared/domain/review-facts'));
    const { FORM_FINDING_CODES } = await import('../../../shared/domain/registration/finding-codes');
    // docs/domain-rules.md names these warnings among others; FILE_TOO_LARGE and ID_CHECKSUM are errors.
    expect(REVIEW_WARNING_CODES).toEqual(expect.arrayContaining(['NOT_TOP_PERSON', 'USCC_NOT_ENTERPRISE']));
    expect(REVIEW_WARNING_CODES).not.toContain('FILE_TOO_LARGE');
    for (const code of REVIEW_WARNING_CODES) expect(FORM_FINDING_CODES[code][0], code).toBe('warning');
  });
});
