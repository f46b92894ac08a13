import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import { isAttendanceStatus } from '../../../shared/domain/attendance';
import { certificateNumber } from '../../../shared/domain/certificate';
import { programmeTitle } from '../../../shared/domain/certificate-record';
import { classPreferenceOrder } from '../../../shared/domain/class-assignment';
import { lastSessionEnded } from '../../../shared/domain/classes/class-sessions';
import { classStatus, rosterEntry, sessionViews } from '../../../shared/domain/classes/class-view';
import { DomainError, type Finding } from '../../../shared/domain/errors';
import {
  evaluationAlreadyAnswered,
  evaluationLinkExpired,
  evaluationLinkInvalid,
  linkExpiry,
  parseEvaluationAnswer,
  reminderCutoff,
} from '../../../shared/domain/evaluation';
import { effectiveDeadline, findClass, type Programme, parseProgramme } from '../../../shared/domain/programme';
import { isReviewWarningCode, reviewFacts } from '../../../shared/domain/review-facts';
import { maskedContacts, type Registration } from '../../../shared/domain/trainee-registration';
import {
  type ArchiveNote,
  type ArchiveTrainee,
  archiveTrainee,
  checkNote,
  groupArchive,
  newestNoteFirst,
} from '../../../shared/domain/unit-archive';
import { classUploadOwner, FINDINGS_ON_ITEM, summariseFindings } from '../../../shared/domain/upload';

// The 2024 sample programme: 8 sessions a class; class 3 runs 14–17 October 2024; 0 unexcused absences and 1 session
// of leave allowed.
const programme = parseProgramme(defaultProgramme);
const three = findClass(programme, 3) as NonNullable<ReturnType<typeof findClass>>;

const registration: Registration = {
  registrationId: 'r-1',
  year: 2024,
  unit: '310000',
  status: 'assigned',
  uploadId: 'u-1',
  row: 3,
  trainee: {
    name: '张三',
    gender: '男',
    ethnicity: '汉族',
    birthDate: '1980-01-01',
    idNumber: '11010519491231002X',
    politicalStatus: '中共党员',
    education: '硕士研究生',
    enterpriseName: '上海示例科技有限公司',
    creditCode: '91310000MA1FL0000X',
    position: '董事长',
    isTopPerson: true,
    categories: ['高新技术企业'],
    industry: '制造业',
    employees: 100,
    revenue: 5000,
    mobile: '13812341234',
    email: 'zhangsan@example.com',
    preferredClass: 3,
    remarks: '',
  },
  classNumber: 3,
  createdAt: '2024-08-01T00:00:00Z',
  updatedAt: '2024-08-02T00:00:00Z',
};

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('evaluation: messages and links', () => {
  const scores = { course: 5, faculty: 4, organisation: 3, effect: 2 };

  it('asks for all four scores when none were given, naming no dimension', () => {
    const error = refusal(() => parseEvaluationAnswer({}));
    expect(error.code).toBe('EVALUATION_SCORE_INVALID');
    expect(error.message).toBe('请为课程设置、师资力量、组织管理、实际效果四个方面分别打分（1–5 分的整数）');
    expect(error.details).toEqual({});
  });

  it('names the dimension whose score is wrong, in zh-CN', () => {
    const error = refusal(() => parseEvaluationAnswer({ scores: { ...scores, organisation: 0 } }));
    expect(error.message).toBe('“组织管理”的评分须为 1–5 分的整数');
    expect(error.details).toEqual({ dimension: 'organisation' });
  });

  it('says which comment is too long, and the limit', () => {
    expect(refusal(() => parseEvaluationAnswer({ scores, comments: { effect: 'x'.repeat(501) } })).message).toBe(
      '对“实际效果”的意见不能超过 500 字',
    );
    expect(refusal(() => parseEvaluationAnswer({ scores, overall: 'x'.repeat(1001) })).message).toBe(
      '总体意见不能超过 1000 字',
    );
    expect(refusal(() => parseEvaluationAnswer('5,4,3,2')).message).toContain('评价内容格式错误');
  });

  it('stores no empty comment and no overall key when there is none', () => {
    const answer = parseEvaluationAnswer({ scores, comments: { course: '好', faculty: ' ', effect: '' } });
    expect(Object.keys(answer.comments)).toEqual(['course']);
    expect('overall' in answer).toBe(false);
  });

  it('a link lasts 30 days from sending; a reminder may follow 3 days after the last contact', () => {
    expect(linkExpiry(new Date('2024-10-18T10:00:00Z')).toISOString()).toBe('2024-11-17T10:00:00.000Z');
    expect(reminderCutoff(new Date('2024-11-01T00:00:00Z')).toISOString()).toBe('2024-10-29T00:00:00.000Z');
  });

  it('refuses a bad link (404), an expired one (410) and a second answer (409) with their own codes', () => {
    expect(evaluationLinkInvalid()).toMatchObject({ code: 'EVALUATION_LINK_INVALID', status: 404 });
    expect(evaluationLinkInvalid().message).toContain('评价链接无效');
    expect(evaluationLinkExpired()).toMatchObject({ code: 'EVALUATION_LINK_EXPIRED', status: 410 });
    expect(evaluationLinkExpired().message).toContain('有效期 30 天');
    expect(evaluationAlreadyAnswered()).toMatchObject({ code: 'EVALUATION_ALREADY_ANSWERED', status: 409 });
    expect(evaluationAlreadyAnswered().message).toContain('只能提交一次');
  });

  it('a DomainError says so in its name', () => {
    expect(evaluationLinkInvalid().name).toBe('DomainError');
  });
});

describe('a class as the console shows it', () => {
  it('is open before its first day, in session from midnight of it, or as closing says', () => {
    expect(classStatus(three, new Date('2024-10-13T15:59:59Z'))).toBe('open');
    expect(classStatus(three, new Date('2024-10-13T16:00:00Z'))).toBe('in-session');
    expect(classStatus(three, new Date('2024-10-13T00:00:00Z'), 'closing')).toBe('closing');
    expect(classStatus(three, new Date('2024-10-20T00:00:00Z'), 'closed')).toBe('closed');
  });

  it('lets a session be recorded from midnight of its own day (Beijing time)', () => {
    // Session 3 is on day 2, 15 October: recordable from 2024-10-14T16:00Z.
    const at = (iso: string) => sessionViews(programme, three, new Date(iso)).map((view) => view.recordable);
    expect(at('2024-10-14T15:59:59Z')).toEqual([true, true, false, false, false, false, false, false]);
    expect(at('2024-10-14T16:00:00Z')).toEqual([true, true, true, true, false, false, false, false]);
    expect(sessionViews(programme, three, new Date('2024-10-14T16:00:00Z'))[2]).toMatchObject({
      session: 3,
      date: '2024-10-15',
      half: 'am',
    });
  });

  it('a roster line: masked contacts, the unit’s name, every session with sign-in and leave, the completion', () => {
    const entry = rosterEntry(
      {
        ...registration,
        attendance: {
          '1': { status: 'present', recordedBy: 'host-1', recordedAt: '2024-10-14T09:00:00+08:00' },
          '2': { status: 'absent', recordedBy: 'host-1', recordedAt: '2024-10-14T14:05:00+08:00', note: '称已请假' },
        },
        leave: {
          '3': {
            reason: '出差',
            unit: '310000',
            grantedBy: 'op',
            grantedAt: '2024-10-10T00:00:00Z',
            acknowledgedBy: 'host-1',
            acknowledgedAt: '2024-10-11T00:00:00Z',
          },
          '4': { reason: '病假', unit: '310000', grantedBy: 'op', grantedAt: '2024-10-12T00:00:00Z' },
        },
      },
      programme,
    );
    expect(entry).toMatchObject({
      registrationId: 'r-1',
      name: '张三',
      unit: '310000',
      unitName: '上海市',
      enterpriseName: '上海示例科技有限公司',
      position: '董事长',
      idNumber: '110105********002X',
      mobile: '138****1234',
      status: 'assigned',
    });
    expect(entry.sessions).toHaveLength(8);
    expect(entry.sessions.slice(0, 5)).toEqual([
      {
        session: 1,
        status: 'present',
        recordedBy: 'host-1',
        recordedAt: '2024-10-14T09:00:00+08:00',
        note: null,
        leave: null,
      },
      {
        session: 2,
        status: 'absent',
        recordedBy: 'host-1',
        recordedAt: '2024-10-14T14:05:00+08:00',
        note: '称已请假',
        leave: null,
      },
      {
        session: 3,
        status: null,
        recordedBy: null,
        recordedAt: null,
        note: null,
        leave: {
          reason: '出差',
          grantedAt: '2024-10-10T00:00:00Z',
          acknowledged: true,
          acknowledgedAt: '2024-10-11T00:00:00Z',
        },
      },
      {
        session: 4,
        status: null,
        recordedBy: null,
        recordedAt: null,
        note: null,
        leave: { reason: '病假', grantedAt: '2024-10-12T00:00:00Z', acknowledged: false, acknowledgedAt: null },
      },
      { session: 5, status: null, recordedBy: null, recordedAt: null, note: null, leave: null },
    ]);
    // 1 present; sessions 3 and 4 on leave (limit 1); 2 and 5–8 unexcused (5).
    expect(entry.summary).toEqual({
      complete: false,
      present: 1,
      late: 0,
      leave: 2,
      unexcusedAbsences: 5,
      reasons: ['UNEXCUSED_ABSENCE', 'TOO_MUCH_LEAVE'],
    });
  });

  it('a roster line without any record, and for a unit code not in the list, shows the code', () => {
    const entry = rosterEntry({ ...registration, unit: '999999' }, programme);
    expect(entry.unitName).toBe('999999');
    expect(entry.sessions.every((session) => session.status === null && session.leave === null)).toBe(true);
    expect(entry.summary.unexcusedAbsences).toBe(8);
  });

  it('a class with no sessions has no last session to have ended', () => {
    expect(lastSessionEnded({ sessionsPerClass: 0 }, three, new Date('2030-01-01T00:00:00Z'))).toBe(false);
    expect(lastSessionEnded(programme, three, new Date('2024-10-17T09:30:00Z'))).toBe(true);
    expect(lastSessionEnded(programme, three, new Date('2024-10-17T09:29:59Z'))).toBe(false);
  });
});

describe('small rules', () => {
  it('attendance statuses are present, late and absent, nothing else (leave is granted, not recorded)', () => {
    for (const status of ['present', 'late', 'absent']) expect(isAttendanceStatus(status), status).toBe(true);
    for (const value of ['leave', '', 'PRESENT', 1, null, undefined, ['present']]) {
      expect(isAttendanceStatus(value), String(value)).toBe(false);
    }
  });

  it('certificate numbers LJRC-<year>-<class>-<sequence 0001–9999> (DOMAIN.md)', () => {
    expect(certificateNumber(2024, 3, 1)).toBe('LJRC-2024-03-0001');
    expect(certificateNumber(2024, 10, 9999)).toBe('LJRC-2024-10-9999');
    for (const sequence of [0, 10_000]) {
      expect(() => certificateNumber(2024, 3, sequence), String(sequence)).toThrow(
        `certificate sequence out of range: ${sequence}`,
      );
    }
    expect(programmeTitle(2025)).toBe('2025年度中小企业经营管理领军人才培训');
  });

  it('a class number outside 1–99 has no upload owner, and says which', () => {
    expect(() => classUploadOwner(100)).toThrow('class number 100 is outside 1–99');
  });

  it('the upload item keeps the first 50 findings and counts every finding per code', () => {
    const finding = (code: string): Finding => ({ code, severity: 'error', message: 'm' });
    const findings = [...Array.from({ length: 49 }, () => finding('A')), finding('B'), finding('A'), finding('C')];
    const summary = summariseFindings(findings);
    expect(FINDINGS_ON_ITEM).toBe(50);
    expect(summary.first).toHaveLength(50);
    expect(summary.first[49]?.code).toBe('B');
    expect(summary.total).toBe(52);
    expect(summary.counts).toEqual({ A: 50, B: 1, C: 1 });
  });

  it('an extension later than the deadline replaces it; an earlier one or a bad date does not', () => {
    const deadline = Date.parse('2024-08-31T23:59:59+08:00');
    expect(effectiveDeadline(programme, '2024-09-07T23:59:59+08:00').getTime()).toBe(
      Date.parse('2024-09-07T23:59:59+08:00'),
    );
    expect(effectiveDeadline(programme, '2024-08-30T00:00:00+08:00').getTime()).toBe(deadline);
    expect(effectiveDeadline(programme, 'soon').getTime()).toBe(deadline);
    expect(effectiveDeadline(programme).getTime()).toBe(deadline);
  });

  it('contacts missing from an old item are masked as four stars, not shown', () => {
    const { idNumber: _id, mobile: _mobile, ...trainee } = registration.trainee;
    expect(maskedContacts({ ...registration, trainee } as unknown as Registration)).toEqual({
      idNumber: '****',
      mobile: '****',
    });
  });
});

describe('classes in the order they are tried', () => {
  const at = new Date('2024-09-01T00:00:00Z');
  const shuffled: Programme = {
    ...programme,
    classes: [
      { ...three, number: 12, startDate: '2024-10-14' },
      { ...three, number: 11, startDate: '2024-10-14' },
      { ...three, number: 13, startDate: '2024-09-30' },
    ],
  };

  it('by start date, then by number for classes starting the same day, whatever the list’s order', () => {
    expect(classPreferenceOrder(shuffled, null, at).map((c) => c.number)).toEqual([13, 11, 12]);
    expect(classPreferenceOrder(shuffled, 12, at).map((c) => c.number)).toEqual([12, 13, 11]);
  });
});

describe('review facts from an item an earlier version stored', () => {
  // Built inside each test: a value computed while the file is collected would hide the code from mutation testing.
  const olderFacts = () => {
    const { remarks: _r, categories: _c, position: _p, ...older } = registration.trainee;
    return reviewFacts({
      ...registration,
      trainee: { ...older, isTopPerson: false } as unknown as Registration['trainee'],
    });
  };

  it('reads missing remarks, categories and position as empty', () => {
    const facts = olderFacts();
    expect(facts.remarks).toBe('');
    expect(facts.topPerson).toEqual({
      title: '企业一把手',
      isTopPerson: false,
      label: '否',
      position: '',
      reason: null,
    });
    expect(facts.enterprise.categories).toEqual([]);
    expect(facts.enterprise.categoryReason).toBeNull();
  });

  it('titles each group for the page', () => {
    const facts = olderFacts();
    expect([facts.topPerson.title, facts.enterprise.title, facts.declarations.title, facts.upload.title]).toEqual([
      '企业一把手',
      '企业情况',
      '参训声明',
      '报名来源',
    ]);
  });

  it('lets a list filter by a warning code, not by an error code or an unknown one', () => {
    expect(isReviewWarningCode('NOT_TOP_PERSON')).toBe(true);
    expect(isReviewWarningCode('ID_CHECKSUM')).toBe(false);
    expect(isReviewWarningCode('NO_SUCH_CODE')).toBe(false);
  });

  it('asks 备注 for the kind of enterprise only when 其他 is the one category', () => {
    const withCategories = (categories: Registration['trainee']['categories']) =>
      reviewFacts({ ...registration, trainee: { ...registration.trainee, categories, remarks: '村办企业' } }).enterprise
        .categoryReason;
    expect(withCategories(['其他'])).toBe('村办企业');
    expect(withCategories(['其他', '高新技术企业'])).toBeNull();
    expect(withCategories(['高新技术企业', '其他'])).toBeNull();
    expect(withCategories(['高新技术企业'])).toBeNull();
  });
});

describe('the unit archive', () => {
  const trainee = (year: number, creditCode: string, enterpriseName: string, id: string): ArchiveTrainee => ({
    registrationId: id,
    year,
    name: '学员',
    idNumber: '',
    position: '',
    enterpriseName,
    creditCode,
    classNumber: null,
    status: 'certified',
    outcome: '已结业',
    certificate: null,
  });

  it('orders enterprises by their latest year, then name (zh-CN collation), then code', () => {
    const groups = groupArchive(
      [
        trainee(2023, 'C4', '乙公司', 'a'),
        trainee(2024, 'C3', '乙公司', 'b'),
        trainee(2024, 'C2', '甲公司', 'c'),
        trainee(2024, 'C1', '乙公司', 'd'),
      ],
      [],
    );
    // 甲 (jiǎ) sorts before 乙 (yǐ) in pinyin order.
    expect(groups.map((group) => group.creditCode)).toEqual(['C2', 'C1', 'C3', 'C4']);
  });

  it('puts an enterprise known only by its notes (no year) after those with trainees', () => {
    const note: ArchiveNote = {
      noteId: 'n',
      unit: '110000',
      creditCode: 'C0',
      date: '2024-01-01',
      text: 't',
      by: 'u',
      at: '2024-01-01T00:00:00Z',
    };
    const groups = groupArchive([trainee(2020, 'C9', '丙公司', 'a')], [note]);
    expect(groups.map((group) => group.creditCode)).toEqual(['C9', 'C0']);
    expect(groups[1]).toMatchObject({ enterpriseName: '', years: [] });
  });

  it('orders notes of the same day by when they were written, newest first', () => {
    const note = (date: string, at: string) =>
      ({ noteId: at, unit: '1', creditCode: 'C', date, text: 't', by: 'u', at }) as ArchiveNote;
    const morning = note('2024-05-01', '2024-05-01T01:00:00Z');
    const evening = note('2024-05-01', '2024-05-01T11:00:00Z');
    expect(newestNoteFirst(morning, evening)).toBeGreaterThan(0);
    expect(newestNoteFirst(evening, morning)).toBeLessThan(0);
  });

  it('shows an empty ID number and position when the index has none', () => {
    const shown = archiveTrainee({
      registrationId: 'r',
      year: 2024,
      unit: '110000',
      status: 'withdrawn',
      trainee: { name: '甲', enterpriseName: '甲公司', creditCode: 'C' } as never,
    });
    expect(shown).toMatchObject({
      idNumber: '',
      position: '',
      outcome: '已撤回',
      classNumber: null,
      certificate: null,
    });
  });

  it('explains each refused note, naming today where it helps', () => {
    const today = '2024-06-30';
    expect(refusal(() => checkNote({ date: '2024-02-30', text: 'x' }, today)).message).toBe(
      '跟进日期须为有效日期，格式 YYYY-MM-DD（如 2024-06-30）',
    );
    expect(refusal(() => checkNote({ date: '2024-07-01', text: 'x' }, today)).message).toBe(
      '跟进日期不能晚于今天（2024-06-30）：请在跟进之后记录',
    );
    expect(refusal(() => checkNote({ date: today, text: '  ' }, today)).message).toBe('请填写跟进记录内容');
    expect(refusal(() => checkNote({ date: today, text: 'x'.repeat(1001) }, today)).message).toBe(
      '跟进记录不能超过 1000 字，请精简或分条记录',
    );
  });
});
