import { describe, expect, it } from 'vitest';
import defaultProgramme from '../../../data/programme-2024.json';
import { parseProgramme } from '../../../shared/domain/programme';
import { registrationDetail } from '../../../shared/domain/registration-view';
import type { Registration } from '../../../shared/domain/trainee-registration';

// The 2024 sample programme: 8 sessions a class, class 3 at 上海交通大学 from Monday 14 October 2024;
// completion allows 0 unexcused absences and 1 session of leave.
const programme = parseProgramme(defaultProgramme);

const base: Registration = {
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
    categories: [],
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

const recorded = (status: 'present' | 'late' | 'absent') => ({
  status,
  recordedBy: 'host-1',
  recordedAt: '2024-10-14T09:00:00+08:00',
});

describe('registration detail', () => {
  it('shows the masked summary, the class and every session, unrecorded ones as null', () => {
    const detail = registrationDetail(base, programme);
    expect(detail).toMatchObject({
      registrationId: 'r-1',
      status: 'assigned',
      idNumber: '110105********002X',
      mobile: '138****1234',
      classNumber: 3,
      class: {
        number: 3,
        theme: '促进大中小企业融通创新',
        host: '上海交通大学',
        city: '上海',
        venue: '上海交通大学（示例场地）',
        startDate: '2024-10-14',
        endDate: '2024-10-17',
        differsFromPreferred: false,
      },
      certificate: null,
      review: null,
      waitingSince: null,
      awaiting: null,
      failure: null,
    });
    expect(detail.attendance?.sessions).toHaveLength(8);
    expect(detail.attendance?.sessions[0]).toEqual({
      session: 1,
      date: '2024-10-14',
      half: 'am',
      label: '第1天上午（10月14日）',
      status: null,
      recordedAt: null,
      leave: null,
    });
    expect(detail.attendance?.sessions[7]).toMatchObject({ session: 8, date: '2024-10-17', half: 'pm' });
    // Nothing signed: 8 unexcused absences, computed since no completion is stored yet.
    expect(detail.attendance?.summary).toEqual({
      complete: false,
      present: 0,
      late: 0,
      leave: 0,
      unexcusedAbsences: 8,
      reasons: ['UNEXCUSED_ABSENCE'],
    });
  });

  it('puts each sign-in and leave grant on its own session', () => {
    const detail = registrationDetail(
      {
        ...base,
        attendance: { '1': recorded('present'), '2': recorded('late') },
        leave: {
          '3': { reason: '出差', unit: '310000', grantedBy: 'op', grantedAt: '2024-10-10T00:00:00Z' },
          '4': {
            reason: '病假',
            unit: '310000',
            grantedBy: 'op',
            grantedAt: '2024-10-11T00:00:00Z',
            acknowledgedBy: 'host-1',
            acknowledgedAt: '2024-10-12T00:00:00Z',
          },
        },
      },
      programme,
    );
    const [one, two, three, four, five] = detail.attendance?.sessions ?? [];
    expect(one).toMatchObject({ session: 1, status: 'present', recordedAt: '2024-10-14T09:00:00+08:00', leave: null });
    expect(two).toMatchObject({ session: 2, half: 'pm', status: 'late' });
    expect(three).toMatchObject({
      session: 3,
      status: null,
      leave: { reason: '出差', grantedAt: '2024-10-10T00:00:00Z', acknowledged: false },
    });
    expect(four?.leave).toEqual({ reason: '病假', grantedAt: '2024-10-11T00:00:00Z', acknowledged: true });
    expect(five).toMatchObject({ session: 5, status: null, leave: null });
    // 2 present (1 late), 2 on leave (limit 1), 4 unexcused.
    expect(detail.attendance?.summary).toEqual({
      complete: false,
      present: 2,
      late: 1,
      leave: 2,
      unexcusedAbsences: 4,
      reasons: ['UNEXCUSED_ABSENCE', 'TOO_MUCH_LEAVE'],
    });
  });

  it('prefers the completion stored at closing over a recomputation', () => {
    const stored = { complete: true, present: 8, late: 0, leave: 0, unexcusedAbsences: 0, reasons: [] };
    expect(registrationDetail({ ...base, completion: stored }, programme).attendance?.summary).toBe(stored);
  });

  it('flags a class other than the preferred one, but not a free choice', () => {
    expect(registrationDetail({ ...base, classNumber: 4 }, programme).class).toMatchObject({
      number: 4,
      differsFromPreferred: true,
    });
    const noPreference = { ...base, trainee: { ...base.trainee, preferredClass: null } };
    expect(registrationDetail(noPreference, programme).class?.differsFromPreferred).toBe(false);
  });

  it('has no class or attendance without a class, a known class or a programme', () => {
    const { classNumber: _none, ...unassigned } = base;
    for (const [registration, withProgramme] of [
      [{ ...unassigned, status: 'nominated' } as Registration, programme],
      [{ ...base, classNumber: 42 }, programme],
      [base, undefined],
    ] as const) {
      const detail = registrationDetail(registration, withProgramme);
      expect(detail.class).toBeNull();
      expect(detail.attendance).toBeNull();
    }
  });

  it('shows the certificate, the review and the waitlist position', () => {
    const detail = registrationDetail(
      {
        ...base,
        status: 'certified',
        certificate: {
          number: '2024-03-0001',
          code: 'ABCD2345',
          issuedAt: '2024-10-18T10:00:00Z',
          status: 'issued',
          revokedAt: undefined,
        },
        review: { decision: 'approved', by: 'staff-1', at: '2024-09-01T00:00:00Z' },
        waitingSince: '2024-08-15T00:00:00Z',
      },
      programme,
    );
    expect(detail.certificate).toEqual({
      number: '2024-03-0001',
      code: 'ABCD2345',
      issuedAt: '2024-10-18T10:00:00Z',
      status: 'issued',
    });
    expect(detail.review).toEqual({ decision: 'approved', by: 'staff-1', at: '2024-09-01T00:00:00Z' });
    expect(detail.waitingSince).toBe('2024-08-15T00:00:00Z');
  });

  it('says what the workflow waits for, only while the journey is not over', () => {
    const waiting = { ...base, awaiting: 'class-close', awaitingUntil: '2024-11-01T00:00:00Z' };
    expect(registrationDetail(waiting, programme).awaiting).toEqual({
      stage: 'class-close',
      until: '2024-11-01T00:00:00Z',
    });
    expect(registrationDetail({ ...base, awaiting: 'review' }, programme).awaiting).toEqual({
      stage: 'review',
      until: null,
    });
    expect(registrationDetail({ ...waiting, status: 'certified' }, programme).awaiting).toBeNull();
    expect(registrationDetail({ ...waiting, status: 'withdrawn' }, programme).awaiting).toBeNull();
    // failed is not final: staff retry it, so the wait still shows.
    expect(registrationDetail({ ...waiting, status: 'failed' }, programme).awaiting).not.toBeNull();
  });

  it('shows the failure only while the registration is failed', () => {
    const failure = { step: 'assign-class', error: 'Timeout', from: 'nominated' as const, at: '2024-09-02T00:00:00Z' };
    expect(registrationDetail({ ...base, status: 'failed', failure }, programme).failure).toEqual(failure);
    expect(registrationDetail({ ...base, status: 'failed', failure }, programme).failedStep).toBe('assign-class');
    expect(registrationDetail({ ...base, status: 'failed' }, programme).failure).toBeNull();
    expect(registrationDetail({ ...base, status: 'assigned', failure }, programme).failure).toBeNull();
    expect(registrationDetail({ ...base, status: 'assigned', failure }, programme).failedStep).toBeNull();
  });
});

describe('review notes', () => {
  it('the upload’s warning codes reach the reviewer with the registration; none recorded reads as none', () => {
    const noted = { ...base, trainee: { ...base.trainee, reviewNotes: ['NOT_TOP_PERSON', 'USCC_NOT_ENTERPRISE'] } };
    expect(registrationDetail(noted as Registration, programme).reviewNotes).toEqual([
      'NOT_TOP_PERSON',
      'USCC_NOT_ENTERPRISE',
    ]);
    expect(registrationDetail(base, programme).reviewNotes).toEqual([]);
  });
});
