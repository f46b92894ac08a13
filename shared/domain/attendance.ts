import type { Programme } from './programme';

/** One half-day session's record. Late counts as present but is reported; leave carries who approved it. */
export type SessionStatus = 'present' | 'late' | 'absent' | 'leave';

export interface SessionRecord {
  readonly status: SessionStatus;
  readonly approvedBy?: string;
  readonly reason?: string;
}

export interface CompletionResult {
  readonly complete: boolean;
  readonly present: number;
  readonly late: number;
  readonly leave: number;
  readonly unexcusedAbsences: number;
}

/**
 * The completion rule (notice 二(三)/(四)): no more unexcused absences and approved leave than the programme allows.
 * A session with no record counts as an unexcused absence: sign-in is how presence is proven.
 */
export function evaluateCompletion(
  sessions: Readonly<Record<string, SessionRecord>>,
  programme: Pick<Programme, 'sessionsPerClass' | 'completionRule'>,
): CompletionResult {
  let present = 0;
  let late = 0;
  let leave = 0;
  let unexcusedAbsences = 0;
  for (let session = 1; session <= programme.sessionsPerClass; session++) {
    const record = sessions[String(session)];
    switch (record?.status) {
      case 'present':
        present++;
        break;
      case 'late':
        present++;
        late++;
        break;
      case 'leave':
        leave++;
        break;
      default:
        unexcusedAbsences++;
    }
  }
  const rule = programme.completionRule;
  return {
    complete: unexcusedAbsences <= rule.maxUnexcusedAbsences && leave <= rule.maxApprovedLeaveSessions,
    present,
    late,
    leave,
    unexcusedAbsences,
  };
}
