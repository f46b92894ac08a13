import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Registration, RegistrationStatus } from '../domain/trainee-registration';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { indexKeys, keys, WAITLIST_PREFIX } from './keys';
import {
  getItem,
  type TransactItem,
  TransactionRefused,
  type Transition,
  transitionItems,
  writeTransaction,
} from './registration-store';

const table = () => loadConfig().TABLE_NAME;

/** The class's own item: seats taken, and once closing starts, who closed it and when (attendance then freezes). */
export interface ClassState {
  readonly classNumber: number;
  readonly used: number;
  readonly closeState?: 'closing' | 'closed';
  readonly closingAt?: string;
  readonly closedAt?: string;
  readonly closedBy?: string;
}

/** A ConditionCheck that makes a transaction apply only while the class is open (not closing or closed). */
export function classOpenCheck(year: number, classNumber: number): TransactItem {
  return {
    ConditionCheck: {
      TableName: table(),
      Key: keys.classSeats(year, classNumber),
      ConditionExpression: 'attribute_not_exists(closeState)',
    },
  };
}

/**
 * Takes a seat in a class and records the assignment together; false when the class is full or closed. From the
 * waitlist, the waitlist entry goes in the same transaction.
 */
export async function assignSeat(
  registration: Registration,
  classNumber: number,
  capacity: number,
  now: Date,
  by: string,
  reason?: string,
): Promise<boolean> {
  const { year, registrationId } = registration;
  const seat: TransactItem = {
    Update: {
      TableName: table(),
      Key: keys.classSeats(year, classNumber),
      UpdateExpression: 'ADD used :one SET #capacity = :capacity, #type = :type, classNumber = :classNumber',
      ConditionExpression: '(attribute_not_exists(used) OR used < :capacity) AND attribute_not_exists(closeState)',
      ExpressionAttributeNames: { '#type': 'type', '#capacity': 'capacity' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':capacity': capacity,
        ':type': 'class-seats',
        ':classNumber': classNumber,
      },
    },
  };
  const transition: Transition = {
    to: 'assigned',
    by,
    reason,
    set: {
      classNumber,
      attendance: {},
      leave: {},
      ...indexKeys.byClass(year, classNumber, registrationId),
    },
    remove: ['waitingSince'],
    alongside: [seat, ...waitlistRemoval(registration)],
  };
  try {
    await writeTransaction(transitionItems(registration, now, transition));
    return true;
  } catch (error) {
    // Items: registration, history, seat, …
    if (error instanceof TransactionRefused && error.failedAt(2)) return false;
    throw error;
  }
}

/** No class has a seat: the trainee waits, in the order of joining, for one to be freed. */
export async function joinWaitlist(registration: Registration, now: Date): Promise<void> {
  const { year, registrationId, unit } = registration;
  const waitingSince = now.toISOString();
  await writeTransaction(
    transitionItems(registration, now, {
      to: 'waitlisted',
      by: 'system',
      reason: 'no class with a free seat',
      set: { waitingSince },
      alongside: [
        {
          Put: {
            TableName: table(),
            Item: {
              ...keys.waitlistEntry(year, waitingSince, registrationId),
              type: 'waitlist',
              registrationId,
              unit,
              preferredClass: registration.trainee.preferredClass ?? null,
              waitingSince,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ],
    }),
  );
}

export interface WaitlistEntry {
  readonly registrationId: string;
  readonly unit: string;
  readonly preferredClass: number | null;
  readonly waitingSince: string;
}

/** The whole waitlist, longest-waiting first. */
export async function listWaitlist(year: number): Promise<WaitlistEntry[]> {
  const entries: WaitlistEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.programme(year).pk, ':prefix': WAITLIST_PREFIX },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of result.Items ?? []) {
      entries.push({
        registrationId: String(item.registrationId),
        unit: String(item.unit),
        preferredClass: item.preferredClass === null ? null : Number(item.preferredClass),
        waitingSince: String(item.waitingSince),
      });
    }
    start = result.LastEvaluatedKey;
  } while (start);
  return entries;
}

/** Every class item of the year: seats taken and close state. */
export async function listClassStates(year: number): Promise<Map<number, ClassState>> {
  const states = new Map<number, ClassState>();
  const result = await dynamoClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.programme(year).pk, ':prefix': 'CLASS#' },
      ConsistentRead: true,
    }),
  );
  for (const item of result.Items ?? []) {
    const classNumber = Number(String(item.sk).slice('CLASS#'.length));
    states.set(classNumber, toClassState(classNumber, item));
  }
  return states;
}

export async function getClassState(year: number, classNumber: number): Promise<ClassState> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: keys.classSeats(year, classNumber), ConsistentRead: true }),
  );
  return toClassState(classNumber, result.Item ?? {});
}

function toClassState(classNumber: number, item: Record<string, unknown>): ClassState {
  return {
    classNumber,
    used: Number(item.used ?? 0),
    closeState: item.closeState as ClassState['closeState'],
    closingAt: item.closingAt as string | undefined,
    closedAt: item.closedAt as string | undefined,
    closedBy: item.closedBy as string | undefined,
  };
}

/**
 * Starts closing a class (attendance freezes from here), or finds a close interrupted half-way and lets it go on.
 * 'closed' means a close already finished.
 */
export async function beginClose(
  year: number,
  classNumber: number,
  by: string,
  now: Date,
): Promise<'started' | 'resumed' | 'closed'> {
  try {
    const result = await dynamoClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.classSeats(year, classNumber),
        UpdateExpression:
          'SET closeState = :closing, closingAt = if_not_exists(closingAt, :now), closingBy = if_not_exists(closingBy, :by), #type = :type, classNumber = :classNumber',
        ConditionExpression: 'attribute_not_exists(closeState) OR closeState = :closing',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: {
          ':closing': 'closing',
          ':now': now.toISOString(),
          ':by': by,
          ':type': 'class-seats',
          ':classNumber': classNumber,
        },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return result.Attributes?.closeState === 'closing' ? 'resumed' : 'started';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'closed';
    throw error;
  }
}

export async function finishClose(year: number, classNumber: number, by: string, now: Date): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.classSeats(year, classNumber),
      UpdateExpression: 'SET closeState = :closed, closedAt = :now, closedBy = :by',
      ConditionExpression: 'closeState = :closing',
      ExpressionAttributeValues: { ':closed': 'closed', ':closing': 'closing', ':now': now.toISOString(), ':by': by },
    }),
  );
}

/** What a registration in this status holds besides its quota seat and locks. */
function holdings(registration: Registration): { classSeat: boolean; waitlist: boolean } {
  const status: RegistrationStatus =
    registration.status === 'failed' ? (registration.failure?.from ?? 'failed') : registration.status;
  return {
    classSeat: status === 'assigned' && registration.classNumber !== undefined,
    waitlist: status === 'waitlisted' && registration.waitingSince !== undefined,
  };
}

function waitlistRemoval(registration: Registration): TransactItem[] {
  if (!holdings(registration).waitlist || !registration.waitingSince) return [];
  return [
    {
      Delete: {
        TableName: table(),
        Key: keys.waitlistEntry(registration.year, registration.waitingSince, registration.registrationId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
  ];
}

/**
 * Gives everything back: the unit's quota seat, both locks (so the enterprise and the person can be registered
 * again), the class seat or waitlist place — in one transaction with the status change and its history event.
 * Returns the class whose seat was freed, if any, so the caller can offer it to the waitlist.
 */
export async function releaseRegistration(
  registration: Registration,
  to: Extract<RegistrationStatus, 'rejected' | 'withdrawn' | 'expired' | 'not-placed'>,
  now: Date,
  by: string,
  reason?: string,
): Promise<{ freedClass?: number }> {
  const { year, unit, registrationId, trainee } = registration;
  const stored = await getItem(keys.registration(registrationId));
  const hash = String(stored?.personHash ?? '');
  const held = holdings(registration);
  const alongside: TransactItem[] = [
    {
      Update: {
        TableName: table(),
        Key: keys.unitQuota(year, unit),
        UpdateExpression: 'ADD used :minusOne',
        ConditionExpression: 'used > :zero',
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      },
    },
    {
      Delete: {
        TableName: table(),
        Key: keys.enterpriseLock(year, trainee.creditCode),
        ConditionExpression: 'registrationId = :id',
        ExpressionAttributeValues: { ':id': registrationId },
      },
    },
    {
      Delete: {
        TableName: table(),
        Key: keys.personLock(year, hash),
        ConditionExpression: 'registrationId = :id',
        ExpressionAttributeValues: { ':id': registrationId },
      },
    },
    ...waitlistRemoval(registration),
  ];
  if (held.classSeat && registration.classNumber) {
    alongside.push({
      Update: {
        TableName: table(),
        Key: keys.classSeats(year, registration.classNumber),
        UpdateExpression: 'ADD used :minusOne',
        ConditionExpression: 'used > :zero',
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      },
    });
  }
  await writeTransaction(
    transitionItems(registration, now, {
      to,
      by,
      reason,
      // The task token stays: a withdrawal hands it to the waiting workflow after this commits, and once the status
      // is final no later wait can store another (saveTaskToken refuses a withdrawn registration).
      remove: ['gsi2pk', 'gsi2sk', 'waitingSince', 'failure'],
      alongside,
    }),
  );
  return held.classSeat ? { freedClass: registration.classNumber } : {};
}
