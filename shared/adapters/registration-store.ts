import {
  ConditionalCheckFailedException,
  type ConsumedCapacity,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../domain/errors';
import type { HistoryEvent } from '../domain/registration-history';
import type { Registration, RegistrationStatus } from '../domain/trainee-registration';
import { dynamoClient } from './aws-clients';
import { historyPut } from './history-store';
import { loadConfig } from './config';
import { indexKeys, keys } from './keys';

/** Why a registration could not be recorded; each becomes a row finding with a stable code. */
export type RecordOutcome =
  | { readonly kind: 'recorded' }
  | { readonly kind: 'already-recorded' }
  | { readonly kind: 'quota-exceeded'; readonly quota: number }
  | { readonly kind: 'duplicate-enterprise'; readonly heldByUnit: string }
  | { readonly kind: 'duplicate-person'; readonly heldByUnit: string };

export interface RecordRequest {
  readonly registration: Registration;
  readonly personHash: string;
  readonly quota: number;
}

const table = () => loadConfig().TABLE_NAME;
const MAX_CONFLICT_RETRIES = 8;

export function registrationItem(registration: Registration) {
  const { year, unit, status, registrationId } = registration;
  return {
    ...keys.registration(registrationId),
    ...indexKeys.byUnit(year, unit, status, registrationId),
    ...indexKeys.byYear(year, status, unit, registrationId),
    ...(registration.classNumber ? indexKeys.byClass(year, registration.classNumber, registrationId) : {}),
    type: 'registration',
    ...registration,
  };
}

function rowItems(registration: Registration, personHash: string, failureDetail: boolean) {
  const { year, unit, registrationId, trainee } = registration;
  const lockAttributes = { registrationId, unit, createdAt: registration.createdAt };
  const returnHolder = failureDetail ? ({ ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const) : {};
  return [
    {
      Put: {
        TableName: table(),
        Item: { ...registrationItem(registration), personHash },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: table(),
        Item: { ...keys.enterpriseLock(year, trainee.creditCode), type: 'enterprise-lock', ...lockAttributes },
        ConditionExpression: 'attribute_not_exists(pk)',
        ...returnHolder,
      },
    },
    {
      Put: {
        TableName: table(),
        Item: { ...keys.personLock(year, personHash), type: 'person-lock', ...lockAttributes },
        ConditionExpression: 'attribute_not_exists(pk)',
        ...returnHolder,
      },
    },
  ];
}

/** Takes `seats` seats of the unit's quota, or fails the transaction if fewer than that are left. */
function counterItem(year: number, unit: string, quota: number, seats: number) {
  return {
    Update: {
      TableName: table(),
      Key: keys.unitQuota(year, unit),
      UpdateExpression: 'ADD used :seats SET quota = :quota, #type = :type, #unit = :unit, #year = :year',
      // A quota smaller than the seats asked for must fail even before the counter exists.
      ConditionExpression: quota >= seats ? 'attribute_not_exists(used) OR used <= :limit' : 'used <= :limit',
      ExpressionAttributeNames: { '#type': 'type', '#year': 'year', '#unit': 'unit' },
      ExpressionAttributeValues: {
        ':seats': seats,
        ':limit': quota - seats,
        ':quota': quota,
        ':type': 'quota',
        ':unit': unit,
        ':year': year,
      },
    },
  };
}

const consumedUnits = (consumed: ConsumedCapacity[] | undefined) =>
  (consumed ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

/**
 * One row, one transaction: the registration, the enterprise lock, the person lock and the unit's quota counter
 * are written together or not at all, so the store never holds a lock or a counted seat without its registration.
 */
async function recordOne(request: RecordRequest): Promise<{ outcome: RecordOutcome; writeUnits: number }> {
  const { registration, personHash, quota } = request;
  const { year, unit } = registration;
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await dynamoClient().send(
        new TransactWriteCommand({
          TransactItems: [...rowItems(registration, personHash, true), counterItem(year, unit, quota, 1)],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return { outcome: { kind: 'recorded' }, writeUnits: consumedUnits(result.ConsumedCapacity) };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = (index: number) => reasons[index]?.Code === 'ConditionalCheckFailed';
      // DynamoDB reports no consumed capacity for a cancelled transaction.
      const done = (outcome: RecordOutcome) => ({ outcome, writeUnits: 0 });
      if (failed(0)) return done({ kind: 'already-recorded' });
      if (failed(1)) return done({ kind: 'duplicate-enterprise', heldByUnit: String(reasons[1]?.Item?.unit?.S ?? '') });
      if (failed(2)) return done({ kind: 'duplicate-person', heldByUnit: String(reasons[2]?.Item?.unit?.S ?? '') });
      if (failed(3)) return done({ kind: 'quota-exceeded', quota });
      // Two transactions touched the same counter at once; DynamoDB asks us to try again.
      if (reasons.some((reason) => reason.Code === 'TransactionConflict') && attempt < MAX_CONFLICT_RETRIES) {
        await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt * Math.random()));
        continue;
      }
      throw error;
    }
  }
}

/** 3 items per row plus the shared counter: 100, the TransactWriteItems limit. */
export const ROWS_PER_TRANSACTION = 33;

export interface RecordedRows {
  /** One outcome per request, in request order. */
  readonly outcomes: RecordOutcome[];
  /** The write capacity the successful transactions consumed, as DynamoDB reported it. */
  readonly writeUnits: number;
}

/**
 * Records one unit's rows in file order with the guarantees of {@link recordOne}, in fewer round trips:
 * up to 33 rows share one transaction that takes their seats together. Any cancellation (a duplicate, the quota
 * running out, a concurrent writer) replays that group row by row, so one conflicting row never costs its
 * neighbours their seats, and when a file overruns the quota it is still its last rows that are refused.
 */
export async function recordRegistrations(requests: readonly RecordRequest[]): Promise<RecordedRows> {
  const outcomes: RecordOutcome[] = [];
  let writeUnits = 0;
  // A group never asks for more seats than the quota holds, so a file that overruns it still shares transactions
  // up to the quota and only the overflow is replayed row by row.
  const size = Math.max(1, Math.min(ROWS_PER_TRANSACTION, requests[0]?.quota ?? 1));
  for (let first = 0; first < requests.length; first += size) {
    const group = requests.slice(first, first + size);
    const together = canShareTransaction(group) ? await recordTogether(group) : undefined;
    if (together !== undefined) {
      outcomes.push(...group.map((): RecordOutcome => ({ kind: 'recorded' })));
      writeUnits += together;
      continue;
    }
    for (const request of group) {
      const one = await recordOne(request);
      outcomes.push(one.outcome);
      writeUnits += one.writeUnits;
    }
  }
  return { outcomes, writeUnits };
}

/** One counter, at least two rows, room in the quota, and no item written twice (DynamoDB refuses that). */
function canShareTransaction(group: readonly RecordRequest[]): boolean {
  const [first] = group;
  if (!first || group.length < 2 || group.length > first.quota) return false;
  const { year, unit } = first.registration;
  const seen = new Set<string>();
  for (const { registration, personHash, quota } of group) {
    if (registration.year !== year || registration.unit !== unit || quota !== first.quota) return false;
    for (const key of [`R${registration.registrationId}`, `E${registration.trainee.creditCode}`, `P${personHash}`]) {
      if (seen.has(key)) return false;
      seen.add(key);
    }
  }
  return true;
}

/** The consumed write units, or undefined when DynamoDB cancelled the transaction. */
async function recordTogether(group: readonly RecordRequest[]): Promise<number | undefined> {
  const [first] = group as [RecordRequest, ...RecordRequest[]];
  const { year, unit } = first.registration;
  try {
    const result = await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [
          ...group.flatMap(({ registration, personHash }) => rowItems(registration, personHash, false)),
          counterItem(year, unit, first.quota, group.length),
        ],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return consumedUnits(result.ConsumedCapacity);
  } catch (error) {
    if (error instanceof TransactionCanceledException) return undefined;
    throw error;
  }
}

export async function getRegistration(registrationId: string): Promise<Registration | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: keys.registration(registrationId), ConsistentRead: true }),
  );
  return result.Item ? toRegistration(result.Item) : undefined;
}

export async function putItem(item: Record<string, unknown>): Promise<void> {
  await dynamoClient().send(new PutCommand({ TableName: table(), Item: item }));
}

export async function getItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  const result = await dynamoClient().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
  return result.Item;
}

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
export type TransactItem = TransactItems[number];

/** A status change: what else changes with it, and why. The history event is written in the same transaction. */
export interface Transition {
  readonly to: RegistrationStatus;
  readonly by: string;
  readonly reason?: string;
  /** Top-level attributes set with the change. */
  readonly set?: Readonly<Record<string, unknown>>;
  readonly remove?: readonly string[];
  /** Other items that change in the same transaction (seats, locks, the waitlist). */
  readonly alongside?: readonly TransactItem[];
  /** Extra fields of the status event (the failed step, say). */
  readonly event?: Partial<HistoryEvent>;
  /** A further condition on the registration, ANDed with its status (a stored task token, say). */
  readonly when?: { readonly expression: string; readonly values: Readonly<Record<string, unknown>> };
}

/**
 * The items of one status change: the registration (only if it is still in the status the caller read, so two
 * racing changes never both apply), its history event, and whatever else moves with it.
 */
export function transitionItems(registration: Registration, now: Date, transition: Transition): TransactItem[] {
  const { year, unit, registrationId } = registration;
  const at = now.toISOString();
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':to': transition.to,
    ':from': registration.status,
    ':updatedAt': at,
    ...statusSortKeys(year, unit, transition.to, registrationId),
    ...transition.when?.values,
  };
  const sets = ['#status = :to', 'updatedAt = :updatedAt', 'gsi1sk = :gsi1sk', 'gsi3sk = :gsi3sk'];
  for (const [name, value] of Object.entries(transition.set ?? {})) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  const removes = (transition.remove ?? []).map((name) => {
    names[`#${name}`] = name;
    return `#${name}`;
  });
  return [
    {
      Update: {
        TableName: table(),
        Key: keys.registration(registrationId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: transition.when
          ? `#status = :from AND (${transition.when.expression})`
          : '#status = :from',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    historyPut(registrationId, {
      at,
      kind: 'status',
      by: transition.by,
      from: registration.status,
      to: transition.to,
      reason: transition.reason,
      ...transition.event,
    }),
    ...(transition.alongside ?? []),
  ];
}

/** Sets attributes without a status change, while the registration is still in the status read. */
export async function updateRegistration(
  registration: Registration,
  attributes: Readonly<Record<string, unknown>>,
): Promise<void> {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':from': registration.status };
  const sets = Object.entries(attributes).map(([name, value]) => {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    return `#${name} = :${name}`;
  });
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.registration(registration.registrationId),
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw statusChanged();
    throw error;
  }
}

/** The registration's status changed since it was read: the caller lost a race and says so (409). */
export function statusChanged(): DomainError {
  return new DomainError('STATUS_CHANGED', '该报名的状态刚刚发生变化，请刷新后重试', 409);
}

/**
 * Applies a status change. If the registration is no longer in the status read, nothing is written and the call
 * fails with STATUS_CHANGED; other cancellations are returned to the caller by index (see cancelledAt).
 */
export async function transitionRegistration(
  registration: Registration,
  now: Date,
  transition: Transition,
): Promise<void> {
  await writeTransaction(transitionItems(registration, now, transition));
}

export class TransactionRefused extends Error {
  constructor(readonly reasons: readonly (string | undefined)[]) {
    super(`transaction refused: ${reasons.join(',')}`);
    this.name = 'TransactionRefused';
  }
  failedAt(index: number): boolean {
    return this.reasons[index] === 'ConditionalCheckFailed';
  }
  get conflict(): boolean {
    return this.reasons.includes('TransactionConflict');
  }
}

/**
 * One transaction. A failed condition on the first item (the registration, by convention) is STATUS_CHANGED;
 * any other cancellation is a TransactionRefused carrying DynamoDB's reason per item.
 */
export async function writeTransaction(items: readonly TransactItem[]): Promise<void> {
  try {
    await dynamoClient().send(new TransactWriteCommand({ TransactItems: [...items] }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = (error.CancellationReasons ?? []).map((reason) => reason.Code);
    if (reasons[0] === 'ConditionalCheckFailed' && items[0]?.Update?.Key?.sk === 'REG') throw statusChanged();
    throw new TransactionRefused(reasons);
  }
}

/** The status-bearing sort keys of the byUnit and byYear indexes (their partition keys never change). */
export function statusSortKeys(year: number, unit: string, status: RegistrationStatus, registrationId: string) {
  return {
    ':gsi1sk': indexKeys.byUnit(year, unit, status, registrationId).gsi1sk,
    ':gsi3sk': indexKeys.byYear(year, status, unit, registrationId).gsi3sk,
  };
}

export function indexValues(keyValues: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(keyValues).map(([name, value]) => [`:${name}`, value]));
}

export function toRegistration(item: Record<string, unknown>): Registration {
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, type, taskToken, personHash, ...rest } = item;
  return rest as unknown as Registration;
}
