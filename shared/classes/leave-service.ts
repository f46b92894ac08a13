import { writeLeaveAcknowledgement, writeLeaveGrants } from '../adapters/attendance-store';
import { getClassState } from '../adapters/class-seats';
import { systemClock } from '../adapters/clock';
import { getRegistration } from '../adapters/registration-store';
import type { LeaveGrant } from '../domain/attendance';
import { findSession, hasBegun } from '../domain/classes/class-sessions';
import { DomainError } from '../domain/errors';
import type { Registration } from '../domain/trainee-registration';
import { classClosed } from './attendance-service';
import { requireClass } from './programme-context';

/**
 * Leave (notice 二(三)): only the trainee's local SME authority grants it, for named sessions that have not begun,
 * with a reason; the class sees it on its roster and acknowledges it (向所在班级报备). Only this leave excuses an
 * absence.
 */
export async function grantLeave(request: {
  readonly registration: Registration;
  readonly sessions: readonly number[];
  readonly reason: string;
  readonly unit: string;
  readonly actor: string;
}): Promise<{ sessions: number[]; grantedAt: string }> {
  const { registration, reason, actor } = request;
  if (registration.status !== 'assigned' || !registration.classNumber) {
    throw new DomainError('NOT_ASSIGNED', `该学员当前状态为 ${registration.status}，仅已分班的学员可以请假`, 409);
  }
  const { programme, trainingClass } = await requireClass(registration.year, registration.classNumber);
  const now = systemClock.now();
  const sessions = [...new Set(request.sessions)].sort((a, b) => a - b);
  for (const number of sessions) {
    const session = findSession(programme, trainingClass, number);
    if (!session) {
      throw new DomainError(
        'SESSION_OUT_OF_RANGE',
        `场次须为 1–${programme.sessionsPerClass} 之间的整数，收到 ${number}`,
        400,
      );
    }
    if (hasBegun(session, now)) {
      throw new DomainError('LEAVE_SESSION_PAST', `第${number}场（${session.label}）已开始，不能补请假`, 409);
    }
    if (registration.leave?.[String(number)]) {
      throw new DomainError('LEAVE_ALREADY_GRANTED', `第${number}场已准假，无需重复办理`, 409);
    }
  }
  // Stryker disable next-line BlockStatement: the grant's transaction re-checks that the class is open and reports the same CLASS_CLOSED
  if ((await getClassState(registration.year, registration.classNumber)).closeState) {
    throw classClosed(registration.classNumber);
  }
  const grantedAt = now.toISOString();
  const grant: LeaveGrant = { reason, unit: request.unit, grantedBy: actor, grantedAt };
  const outcome = await writeLeaveGrants(registration, sessions, grant);
  if (outcome === 'class-closed') throw classClosed(registration.classNumber);
  if (outcome === 'conflict') {
    throw new DomainError('STATUS_CHANGED', '该学员的状态或请假记录刚刚发生变化，请刷新后重试', 409);
  }
  return { sessions, grantedAt };
}

/** The class notes the leave the unit granted (报备). Acknowledges every session not yet acknowledged. */
export async function acknowledgeLeave(request: {
  readonly year: number;
  readonly classNumber: number;
  readonly registrationId: string;
  readonly actor: string;
}): Promise<{ sessions: number[]; acknowledgedAt: string }> {
  const registration = await getRegistration(request.registrationId);
  if (!registration || registration.classNumber !== request.classNumber || registration.year !== request.year) {
    throw new DomainError('NOT_ON_ROSTER', `该报名不在第${request.classNumber}期名单中`, 404);
  }
  const pending = Object.entries(registration.leave ?? {})
    .filter(([, grant]) => grant && !grant.acknowledgedAt)
    .map(([session]) => Number(session));
  // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: Object.entries already lists integer keys (session numbers) in ascending order
  pending.sort((a, b) => a - b);
  if (pending.length === 0) throw new DomainError('NO_LEAVE_TO_ACKNOWLEDGE', '该学员没有待确认的请假', 409);
  const acknowledgedAt = systemClock.now().toISOString();
  if ((await writeLeaveAcknowledgement(registration, pending, request.actor, acknowledgedAt)) !== 'written') {
    throw new DomainError('STATUS_CHANGED', '请假记录刚刚发生变化，请刷新后重试', 409);
  }
  return { sessions: pending, acknowledgedAt };
}
