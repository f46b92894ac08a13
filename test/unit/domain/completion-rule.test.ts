import { describe, expect, it } from 'vitest';
import {
  type AttendanceRecord,
  type AttendanceStatus,
  type CompletionRule,
  evaluateCompletion,
  type LeaveGrant,
  type LeaveGrants,
  type SessionRecords,
} from '../../../shared/domain/attendance';

/**
 * DOMAIN.md "Attendance and completion": a host records present, late or absent; leave is granted by the unit
 * only; an absence covered by granted leave is excused, any other is not; no sign-in counts as absent. Default rule:
 * no unexcused absence, at most 1 session of leave, lateness without limit (maxLateSessions null).
 */
const DEFAULT_RULE: CompletionRule = { maxUnexcusedAbsences: 0, maxApprovedLeaveSessions: 1, maxLateSessions: null };
const programmeWith = (rule: Partial<CompletionRule> = {}) => ({
  sessionsPerClass: 8,
  completionRule: { ...DEFAULT_RULE, ...rule },
});

const record = (status: AttendanceStatus): AttendanceRecord => ({
  status,
  recordedBy: 'host-1',
  recordedAt: '2024-09-23T09:00:00+08:00',
});
const grant: LeaveGrant = {
  reason: '因公出差',
  unit: '110000',
  grantedBy: 'op-110000',
  grantedAt: '2024-09-22T10:00:00+08:00',
};
/** Eight sign-ins, session 1 first; null leaves that session without a record. */
const sheet = (...statuses: (AttendanceStatus | null)[]): SessionRecords =>
  Object.fromEntries(statuses.flatMap((status, i) => (status ? [[String(i + 1), record(status)]] : [])));
const leaveOn = (...sessions: number[]): LeaveGrants => Object.fromEntries(sessions.map((s) => [String(s), grant]));
const P = 'present';
const L = 'late';
const A = 'absent';

describe('completion: absences', () => {
  it('all present completes, with nothing to report', () => {
    expect(evaluateCompletion(sheet(P, P, P, P, P, P, P, P), {}, programmeWith())).toEqual({
      complete: true,
      present: 8,
      late: 0,
      leave: 0,
      unexcusedAbsences: 0,
      reasons: [],
    });
  });

  it('one absence without leave is unexcused and fails completion', () => {
    expect(evaluateCompletion(sheet(P, P, P, A, P, P, P, P), {}, programmeWith())).toEqual({
      complete: false,
      present: 7,
      late: 0,
      leave: 0,
      unexcusedAbsences: 1,
      reasons: ['UNEXCUSED_ABSENCE'],
    });
  });

  it('a session nobody signed counts as absent', () => {
    const result = evaluateCompletion(sheet(P, P, P, P, P, P, P, null), {}, programmeWith());
    expect(result).toMatchObject({ complete: false, present: 7, unexcusedAbsences: 1, reasons: ['UNEXCUSED_ABSENCE'] });
    expect(evaluateCompletion({}, {}, programmeWith())).toMatchObject({ present: 0, unexcusedAbsences: 8 });
  });

  it('counts sessionsPerClass sessions, no more', () => {
    const extra = { ...sheet(P, P, P, P, P, P, P, P), '9': record(A) };
    expect(evaluateCompletion(extra, {}, programmeWith())).toMatchObject({ complete: true, unexcusedAbsences: 0 });
  });

  it('allows unexcused absences up to maxUnexcusedAbsences', () => {
    const twoAbsent = sheet(A, P, P, P, P, P, P, A);
    expect(evaluateCompletion(twoAbsent, {}, programmeWith({ maxUnexcusedAbsences: 2 })).complete).toBe(true);
    expect(evaluateCompletion(twoAbsent, {}, programmeWith({ maxUnexcusedAbsences: 1 })).complete).toBe(false);
  });
});

describe('completion: leave granted by the unit', () => {
  it('excuses a recorded absence', () => {
    expect(evaluateCompletion(sheet(P, P, P, P, P, P, P, A), leaveOn(8), programmeWith())).toEqual({
      complete: true,
      present: 7,
      late: 0,
      leave: 1,
      unexcusedAbsences: 0,
      reasons: [],
    });
  });

  it('excuses a session nobody signed', () => {
    expect(evaluateCompletion(sheet(P, P, P, P, P, P, P, null), leaveOn(8), programmeWith())).toMatchObject({
      complete: true,
      leave: 1,
      unexcusedAbsences: 0,
    });
  });

  it('excuses only the session it was granted for', () => {
    expect(evaluateCompletion(sheet(P, P, P, P, P, P, P, A), leaveOn(7), programmeWith())).toMatchObject({
      complete: false,
      leave: 0,
      unexcusedAbsences: 1,
      reasons: ['UNEXCUSED_ABSENCE'],
    });
  });

  it('a trainee who came anyway counts as present, and the leave is not counted', () => {
    expect(evaluateCompletion(sheet(P, P, P, P, P, P, P, P), leaveOn(8), programmeWith())).toMatchObject({
      complete: true,
      present: 8,
      leave: 0,
    });
    expect(evaluateCompletion(sheet(P, P, P, P, P, P, P, L), leaveOn(8), programmeWith())).toMatchObject({
      complete: true,
      present: 8,
      late: 1,
      leave: 0,
    });
    // Leave used on sessions attended does not use up the allowance.
    expect(evaluateCompletion(sheet(P, P, P, P, P, P, P, A), leaveOn(1, 2, 3, 8), programmeWith())).toMatchObject({
      complete: true,
      leave: 1,
    });
  });

  it('more leave than maxApprovedLeaveSessions fails completion with TOO_MUCH_LEAVE, not as absence', () => {
    expect(evaluateCompletion(sheet(A, A, P, P, P, P, P, P), leaveOn(1, 2), programmeWith())).toEqual({
      complete: false,
      present: 6,
      late: 0,
      leave: 2,
      unexcusedAbsences: 0,
      reasons: ['TOO_MUCH_LEAVE'],
    });
    expect(
      evaluateCompletion(sheet(A, A, P, P, P, P, P, P), leaveOn(1, 2), programmeWith({ maxApprovedLeaveSessions: 2 }))
        .complete,
    ).toBe(true);
    expect(
      evaluateCompletion(sheet(A, P, P, P, P, P, P, P), leaveOn(1), programmeWith({ maxApprovedLeaveSessions: 0 })),
    ).toMatchObject({ complete: false, reasons: ['TOO_MUCH_LEAVE'] });
  });
});

describe('completion: lateness', () => {
  const allLate = sheet(L, L, L, L, L, L, L, L);

  it('late counts as present; with maxLateSessions null it is reported, never held against the trainee', () => {
    expect(evaluateCompletion(allLate, {}, programmeWith({ maxLateSessions: null }))).toEqual({
      complete: true,
      present: 8,
      late: 8,
      leave: 0,
      unexcusedAbsences: 0,
      reasons: [],
    });
  });

  it('with maxLateSessions 1, one late session completes and two fail with TOO_LATE', () => {
    expect(evaluateCompletion(sheet(L, P, P, P, P, P, P, P), {}, programmeWith({ maxLateSessions: 1 }))).toMatchObject({
      complete: true,
      late: 1,
      reasons: [],
    });
    expect(evaluateCompletion(sheet(L, P, P, L, P, P, P, P), {}, programmeWith({ maxLateSessions: 1 }))).toEqual({
      complete: false,
      present: 8,
      late: 2,
      leave: 0,
      unexcusedAbsences: 0,
      reasons: ['TOO_LATE'],
    });
  });

  it('with maxLateSessions 0, a single late session fails (0 is a limit, not "no limit")', () => {
    expect(
      evaluateCompletion(sheet(L, P, P, P, P, P, P, P), {}, programmeWith({ maxLateSessions: 0 })).reasons,
    ).toEqual(['TOO_LATE']);
  });
});

describe('completion: reasons', () => {
  it('names every rule broken, each once, as stable codes', () => {
    const result = evaluateCompletion(
      sheet(L, L, A, A, A, null, P, P),
      leaveOn(3, 4),
      programmeWith({ maxLateSessions: 1 }),
    );
    expect(result).toMatchObject({ complete: false, present: 4, late: 2, leave: 2, unexcusedAbsences: 2 });
    expect([...result.reasons].sort()).toEqual(['TOO_LATE', 'TOO_MUCH_LEAVE', 'UNEXCUSED_ABSENCE']);
  });

  it('is complete exactly when there is no reason', () => {
    for (const [attendance, leave] of [
      [sheet(P, P, P, P, P, P, P, P), {}],
      [sheet(A, P, P, P, P, P, P, P), {}],
      [sheet(A, A, P, P, P, P, P, P), leaveOn(1, 2)],
      [sheet(A, P, P, P, P, P, P, P), leaveOn(1)],
    ] as const) {
      const result = evaluateCompletion(attendance, leave, programmeWith());
      expect(result.complete).toBe(result.reasons.length === 0);
    }
  });
});
