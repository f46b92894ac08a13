import type { Programme } from './programme';

/**
 * Sign-in at every session (notice 二(三)). A host records present, late or absent; leave is not something a host
 * can give: only the trainee's unit (the local SME authority) grants it, before the session, and the class is told.
 */
export const ATTENDANCE_STATUSES = ['present', 'late', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export function isAttendanceStatus(value: unknown): value is AttendanceStatus {
  return typeof value === 'string' && (ATTENDANCE_STATUSES as readonly string[]).includes(value);
}

export interface AttendanceRecord {
  readonly status: AttendanceStatus;
  readonly recordedBy: string;
  readonly recordedAt: string;
  /** A host's remark, e.g. that the trainee said they had leave (which does not excuse them). */
  readonly note?: string;
}

export interface LeaveGrant {
  readonly reason: string;
  /** The unit that granted it and the operator who entered it. */
  readonly unit: string;
  readonly grantedBy: string;
  readonly grantedAt: string;
  readonly acknowledgedBy?: string;
  readonly acknowledgedAt?: string;
}

/** Keyed by session number ("1".."8"). */
export type SessionRecords = Readonly<Record<string, AttendanceRecord | undefined>>;
export type LeaveGrants = Readonly<Record<string, LeaveGrant | undefined>>;

export interface CompletionRule {
  readonly maxUnexcusedAbsences: number;
  readonly maxApprovedLeaveSessions: number;
  /** null: lateness is recorded and reported, without a limit (the default). */
  readonly maxLateSessions: number | null;
}

export interface CompletionResult {
  readonly complete: boolean;
  readonly present: number;
  readonly late: number;
  /** Sessions missed under leave the unit granted. */
  readonly leave: number;
  readonly unexcusedAbsences: number;
  /** Why not complete, as stable codes: UNEXCUSED_ABSENCE, TOO_MUCH_LEAVE, TOO_LATE. */
  readonly reasons: readonly string[];
}

/**
 * The completion rule (notice 二(三)/(四)). A session with no sign-in counts as absent: signing in is how presence
 * is proven. An absence is excused only by leave the unit granted for that session.
 */
export function evaluateCompletion(
  attendance: SessionRecords,
  leaveGrants: LeaveGrants,
  programme: Pick<Programme, 'sessionsPerClass'> & { completionRule: CompletionRule },
): CompletionResult {
  let present = 0;
  let late = 0;
  let leave = 0;
  let unexcusedAbsences = 0;
  for (let session = 1; session <= programme.sessionsPerClass; session++) {
    const record = attendance[String(session)];
    if (record?.status === 'present' || record?.status === 'late') {
      present++;
      if (record.status === 'late') late++;
    } else if (leaveGrants[String(session)]) {
      leave++;
    } else {
      unexcusedAbsences++;
    }
  }
  const rule = programme.completionRule;
  const reasons: string[] = [];
  if (unexcusedAbsences > rule.maxUnexcusedAbsences) reasons.push('UNEXCUSED_ABSENCE');
  if (leave > rule.maxApprovedLeaveSessions) reasons.push('TOO_MUCH_LEAVE');
  if (rule.maxLateSessions !== null && late > rule.maxLateSessions) reasons.push('TOO_LATE');
  return { complete: reasons.length === 0, present, late, leave, unexcusedAbsences, reasons };
}
