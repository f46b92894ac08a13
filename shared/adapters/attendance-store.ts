import type { AttendanceRecord, LeaveGrant } from '../domain/attendance';
import { DomainError } from '../domain/errors';
import type { Registration } from '../domain/trainee-registration';
import { classOpenCheck } from './class-seats';
import { loadConfig } from './config';
import { historyPut } from './history-store';
import { keys } from './keys';
import { type TransactItem, TransactionRefused, writeTransaction } from './registration-store';

/**
 * Sign-ins and leave live on the registration item (a class's roster is then one index query), keyed by session
 * number. Every write re-checks, in its transaction, that the class is open and that the value it replaces is the
 * one the caller read; a correction's earlier value goes to the history in the same transaction.
 */
export type StoreOutcome = 'written' | 'class-closed' | 'conflict';

/** DynamoDB's limit per transaction; one slot is the class's open check. */
const ITEMS_PER_TRANSACTION = 100;

export interface SessionWrite {
  readonly registration: Registration;
  readonly value: AttendanceRecord;
  /** The record being replaced, as read: the write applies only if it is still the stored one. */
  readonly previous?: AttendanceRecord;
}

export async function writeSessionRecords(
  year: number,
  classNumber: number,
  session: number,
  writes: readonly SessionWrite[],
): Promise<StoreOutcome> {
  const groups = writes.map(({ registration, value, previous }) => [
    sessionUpdate(registration, session, value, previous),
    ...(previous
      ? [
          historyPut(registration.registrationId, {
            at: value.recordedAt,
            kind: 'attendance-corrected',
            by: value.recordedBy,
            session,
            previous: { status: previous.status, recordedBy: previous.recordedBy, recordedAt: previous.recordedAt },
            value: value.status,
            reason: value.note,
          }),
        ]
      : []),
  ]);
  for (const chunk of chunksOf(groups, ITEMS_PER_TRANSACTION - 1)) {
    const outcome = await guarded([classOpenCheck(year, classNumber), ...chunk]);
    if (outcome !== 'written') return outcome;
  }
  return 'written';
}

function sessionUpdate(
  registration: Registration,
  session: number,
  value: AttendanceRecord,
  previous: AttendanceRecord | undefined,
): TransactItem {
  const hasMap = registration.attendance !== undefined;
  return {
    Update: {
      TableName: loadConfig().TABLE_NAME,
      Key: keys.registration(registration.registrationId),
      UpdateExpression: hasMap ? 'SET attendance.#session = :value' : 'SET attendance = :map',
      ConditionExpression: [
        'attribute_exists(pk)',
        hasMap ? 'attribute_exists(attendance)' : 'attribute_not_exists(attendance)',
        previous
          ? 'attendance.#session.recordedAt = :previousAt'
          : hasMap
            ? 'attribute_not_exists(attendance.#session)'
            : '',
      ]
        .filter(Boolean)
        .join(' AND '),
      ExpressionAttributeNames: hasMap ? { '#session': String(session) } : undefined,
      ExpressionAttributeValues: {
        ...(hasMap ? { ':value': value } : { ':map': { [String(session)]: value } }),
        ...(previous ? { ':previousAt': previous.recordedAt } : {}),
      },
    },
  };
}

/** Leave for sessions none of which holds leave yet, on an assigned registration of an open class. */
export async function writeLeaveGrants(
  registration: Registration,
  sessions: readonly number[],
  grant: LeaveGrant,
): Promise<StoreOutcome> {
  const classNumber = registration.classNumber as number;
  // `leave` is a DynamoDB reserved word: always by name.
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
  return guarded([
    classOpenCheck(registration.year, classNumber),
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
    historyPut(registration.registrationId, {
      at: grant.grantedAt,
      kind: 'leave-granted',
      by: grant.grantedBy,
      sessions,
      reason: grant.reason,
    }),
  ]);
}

/** The class's acknowledgement of leave it had not acknowledged yet. */
export async function writeLeaveAcknowledgement(
  registration: Registration,
  sessions: readonly number[],
  by: string,
  at: string,
): Promise<StoreOutcome> {
  const names: Record<string, string> = { '#leave': 'leave' };
  const sets: string[] = [];
  const conditions: string[] = [];
  sessions.forEach((session, index) => {
    names[`#s${index}`] = String(session);
    sets.push(`#leave.#s${index}.acknowledgedBy = :by, #leave.#s${index}.acknowledgedAt = :at`);
    conditions.push(`attribute_exists(#leave.#s${index}) AND attribute_not_exists(#leave.#s${index}.acknowledgedAt)`);
  });
  return guarded([
    {
      Update: {
        TableName: loadConfig().TABLE_NAME,
        Key: keys.registration(registration.registrationId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':by': by, ':at': at },
      },
    },
    historyPut(registration.registrationId, { at, kind: 'leave-acknowledged', by, sessions }),
  ]);
}

/** Records that closing the class reached this trainee; 'conflict' when a racing close already did. */
export async function markCloseResumed(
  registration: Registration,
  at: string,
  by: string,
  complete: boolean,
): Promise<StoreOutcome> {
  return guarded([
    {
      Update: {
        TableName: loadConfig().TABLE_NAME,
        Key: keys.registration(registration.registrationId),
        UpdateExpression: 'SET closeResumedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(closeResumedAt)',
        ExpressionAttributeValues: { ':at': at },
      },
    },
    historyPut(registration.registrationId, {
      at,
      kind: 'class-closed',
      by,
      reason: complete ? '达到结业要求' : '未达到结业要求',
    }),
  ]);
}

/** A transaction whose first item, when it is the class's open check, tells a closed class from a lost race. */
async function guarded(items: readonly TransactItem[]): Promise<StoreOutcome> {
  try {
    await writeTransaction(items);
    return 'written';
  } catch (error) {
    if (error instanceof TransactionRefused) {
      // Stryker disable next-line OptionalChaining: every transaction here has at least one item
      return items[0]?.ConditionCheck && error.failedAt(0) ? 'class-closed' : 'conflict';
    }
    // Stryker disable next-line LogicalOperator: writeTransaction throws no DomainError other than STATUS_CHANGED, and other errors have no such code
    if (error instanceof DomainError && error.code === 'STATUS_CHANGED') return 'conflict';
    throw error;
  }
}

function* chunksOf<T>(groups: readonly T[][], size: number): Generator<T[]> {
  let current: T[] = [];
  for (const group of groups) {
    if (current.length + group.length > size) {
      yield current;
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) yield current;
}
