import { classOpenCheck, getClassState } from '../adapters/class-seats';
import { systemClock } from '../adapters/clock';
import { loadConfig } from '../adapters/config';
import { historyPut } from '../adapters/history-store';
import { keys } from '../adapters/keys';
import { getRegistration, TransactionRefused, writeTransaction } from '../adapters/registration-store';
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
  if ((await getClassState(registration.year, registration.classNumber)).closeState) {
    throw classClosed(registration.classNumber);
  }
  const grantedAt = now.toISOString();
  const grant: LeaveGrant = { reason, unit: request.unit, grantedBy: actor, grantedAt };
  const names: Record<string, string> = { '#status': 'status', '#leave': 'leave' };
  const values: Record<string, unknown> = { ':assigned': 'assigned' };
  const sets: string[] = [];
  const conditions = ['#status = :assigned'];
  if (registration.leave) {
    conditions.push('attribute_exists(#leave)');
    sessions.forEach((number, index) => {
      names[`#s${index}`] = String(number);
      values[`:g${index}`] = grant;
      sets.push(`#leave.#s${index} = :g${index}`);
      conditions.push(`attribute_not_exists(#leave.#s${index})`);
    });
  } else {
    conditions.push('attribute_not_exists(#leave)');
    values[':leave'] = Object.fromEntries(sessions.map((number) => [String(number), grant]));
    sets.push('#leave = :leave');
  }
  try {
    await writeTransaction([
      classOpenCheck(registration.year, registration.classNumber),
      {
        Update: {
          TableName: loadConfig().TABLE_NAME,
          Key: keys.registration(registration.registrationId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      historyPut(registration.registrationId, { at: grantedAt, kind: 'leave-granted', by: actor, sessions, reason }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused && error.failedAt(0)) throw classClosed(registration.classNumber);
    if (error instanceof TransactionRefused) {
      throw new DomainError('STATUS_CHANGED', '该学员的状态或请假记录刚刚发生变化，请刷新后重试', 409);
    }
    throw error;
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
    .map(([session]) => Number(session))
    .sort((a, b) => a - b);
  if (pending.length === 0) throw new DomainError('NO_LEAVE_TO_ACKNOWLEDGE', '该学员没有待确认的请假', 409);
  const acknowledgedAt = systemClock.now().toISOString();
  const names: Record<string, string> = { '#leave': 'leave' };
  const sets: string[] = [];
  const conditions: string[] = [];
  pending.forEach((session, index) => {
    names[`#s${index}`] = String(session);
    sets.push(`#leave.#s${index}.acknowledgedBy = :by, #leave.#s${index}.acknowledgedAt = :at`);
    conditions.push(`attribute_exists(#leave.#s${index}) AND attribute_not_exists(#leave.#s${index}.acknowledgedAt)`);
  });
  try {
    await writeTransaction([
      {
        Update: {
          TableName: loadConfig().TABLE_NAME,
          Key: keys.registration(registration.registrationId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':by': request.actor, ':at': acknowledgedAt },
        },
      },
      historyPut(registration.registrationId, {
        at: acknowledgedAt,
        kind: 'leave-acknowledged',
        by: request.actor,
        sessions: pending,
      }),
    ]);
  } catch (error) {
    if (error instanceof TransactionRefused) {
      throw new DomainError('STATUS_CHANGED', '请假记录刚刚发生变化，请刷新后重试', 409);
    }
    throw error;
  }
  return { sessions: pending, acknowledgedAt };
}
