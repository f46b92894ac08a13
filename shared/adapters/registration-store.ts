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
import type { Registration, RegistrationStatus } from '../domain/trainee-registration';
import { dynamoClient } from './aws-clients';
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

function registrationItem(registration: Registration) {
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

export interface ListQuery {
  readonly year: number;
  readonly unit?: string;
  readonly status?: RegistrationStatus;
  readonly classNumber?: number;
  readonly cursor?: string;
  readonly limit: number;
}

export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

export async function listRegistrations(query: ListQuery): Promise<Page<Registration>> {
  const input: QueryCommandInput = {
    TableName: table(),
    Limit: query.limit,
    ExclusiveStartKey: decodeCursor(query.cursor),
  };
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  if (query.classNumber !== undefined) {
    const { gsi2pk } = indexKeys.byClass(query.year, query.classNumber, '');
    input.IndexName = 'byClass';
    input.KeyConditionExpression = 'gsi2pk = :pk';
    values[':pk'] = gsi2pk;
    if (query.unit) {
      filters.push('#unit = :unit');
      values[':unit'] = query.unit;
    }
    if (query.status) {
      filters.push('#status = :status');
      values[':status'] = query.status;
    }
  } else if (query.unit) {
    input.IndexName = 'byUnit';
    input.KeyConditionExpression = query.status ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk';
    values[':pk'] = indexKeys.byUnit(query.year, query.unit, '', '').gsi1pk;
    if (query.status) values[':prefix'] = `${query.status}#`;
  } else {
    input.IndexName = 'byYear';
    input.KeyConditionExpression = query.status ? 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)' : 'gsi3pk = :pk';
    values[':pk'] = indexKeys.byYear(query.year, '', '', '').gsi3pk;
    if (query.status) values[':prefix'] = `${query.status}#`;
  }
  if (filters.length > 0) {
    input.FilterExpression = filters.join(' AND ');
    input.ExpressionAttributeNames = {
      ...(query.unit ? { '#unit': 'unit' } : {}),
      ...(query.status ? { '#status': 'status' } : {}),
    };
  }
  input.ExpressionAttributeValues = values;
  try {
    const result = await dynamoClient().send(new QueryCommand(input));
    return {
      items: (result.Items ?? []).map(toRegistration),
      next: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : null,
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationException' && query.cursor) {
      throw new DomainError('INVALID_CURSOR', '分页游标无效，请从第一页重新查询', 400);
    }
    throw error;
  }
}

/** Moves a registration to a new status, keeping the status-bearing index keys in step. */
export async function updateRegistrationStatus(
  registration: Registration,
  status: RegistrationStatus,
  now: Date,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const { year, unit, registrationId } = registration;
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':status': status,
    ':from': registration.status,
    ':updatedAt': now.toISOString(),
    ...statusSortKeys(year, unit, status, registrationId),
  };
  const sets = ['#status = :status', 'updatedAt = :updatedAt', 'gsi1sk = :gsi1sk', 'gsi3sk = :gsi3sk'];
  for (const [name, value] of Object.entries(extra)) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.registration(registrationId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: '#status = :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/**
 * Parks a workflow on the registration: stores the task token a person's answer will resume it with (the token
 * never leaves the store). One conditional write, so a withdrawal can never slip in between a check and the save.
 */
export async function saveTaskToken(
  registrationId: string,
  stage: string,
  taskToken: string,
): Promise<'saved' | 'missing' | 'withdrawn'> {
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.registration(registrationId),
        UpdateExpression: 'SET taskToken = :token, awaiting = :stage',
        ConditionExpression: 'attribute_exists(pk) AND #status <> :withdrawn',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':token': taskToken, ':stage': stage, ':withdrawn': 'withdrawn' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'saved';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return error.Item ? 'withdrawn' : 'missing';
  }
}

export async function getTaskToken(
  registrationId: string,
): Promise<{ taskToken: string; awaiting: string } | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({
      TableName: table(),
      Key: keys.registration(registrationId),
      ProjectionExpression: 'taskToken, awaiting',
      ConsistentRead: true,
    }),
  );
  const item = result.Item;
  return item?.taskToken ? { taskToken: String(item.taskToken), awaiting: String(item.awaiting) } : undefined;
}

export async function putItem(item: Record<string, unknown>): Promise<void> {
  await dynamoClient().send(new PutCommand({ TableName: table(), Item: item }));
}

export async function getItem(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  const result = await dynamoClient().send(new GetCommand({ TableName: table(), Key: key, ConsistentRead: true }));
  return result.Item;
}

/** The status-bearing sort keys of the byUnit and byYear indexes (their partition keys never change). */
function statusSortKeys(year: number, unit: string, status: RegistrationStatus, registrationId: string) {
  return {
    ':gsi1sk': indexKeys.byUnit(year, unit, status, registrationId).gsi1sk,
    ':gsi3sk': indexKeys.byYear(year, status, unit, registrationId).gsi3sk,
  };
}

function indexValues(keyValues: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(keyValues).map(([name, value]) => [`:${name}`, value]));
}

function toRegistration(item: Record<string, unknown>): Registration {
  const { pk, sk, gsi1pk, gsi1sk, gsi2pk, gsi2sk, gsi3pk, gsi3sk, type, taskToken, awaiting, personHash, ...rest } =
    item;
  return rest as unknown as Registration;
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw new DomainError('INVALID_CURSOR', '分页游标无效，请从第一页重新查询', 400);
}

/**
 * Gives the seat back: the registration leaves the unit's count and both locks are removed, in one transaction
 * with the status change, so the enterprise and the person can be registered again (by this or another unit).
 */
export async function releaseRegistration(
  registration: Registration,
  status: Extract<RegistrationStatus, 'rejected' | 'withdrawn'>,
  now: Date,
): Promise<void> {
  const { year, unit, registrationId, trainee } = registration;
  const stored = await getItem(keys.registration(registrationId));
  const hash = String(stored?.personHash ?? '');
  const transactItems: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
    {
      Update: {
        TableName: table(),
        Key: keys.registration(registrationId),
        UpdateExpression:
          'SET #status = :status, updatedAt = :now, gsi1sk = :gsi1sk, gsi3sk = :gsi3sk REMOVE taskToken, awaiting, gsi2pk, gsi2sk',
        ConditionExpression: '#status = :from',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status,
          ':from': registration.status,
          ':now': now.toISOString(),
          ...statusSortKeys(year, unit, status, registrationId),
        },
      },
    },
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
  ];
  if (registration.classNumber) {
    transactItems.push({
      Update: {
        TableName: table(),
        Key: keys.classSeats(year, registration.classNumber),
        UpdateExpression: 'ADD used :minusOne',
        ConditionExpression: 'used > :zero',
        ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
      },
    });
  }
  await dynamoClient().send(new TransactWriteCommand({ TransactItems: transactItems }));
}

/**
 * Takes a seat in a class and records the assignment together; false when the class is full.
 */
export async function assignSeat(
  registration: Registration,
  classNumber: number,
  capacity: number,
  now: Date,
): Promise<boolean> {
  const { year, unit, registrationId } = registration;
  try {
    await dynamoClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: keys.classSeats(year, classNumber),
              UpdateExpression: 'ADD used :one SET #capacity = :capacity, #type = :type',
              ConditionExpression: 'attribute_not_exists(used) OR used < :capacity',
              ExpressionAttributeNames: { '#type': 'type', '#capacity': 'capacity' },
              ExpressionAttributeValues: { ':one': 1, ':capacity': capacity, ':type': 'class-seats' },
            },
          },
          {
            Update: {
              TableName: table(),
              Key: keys.registration(registrationId),
              UpdateExpression:
                'SET #status = :status, classNumber = :classNumber, updatedAt = :now, gsi1sk = :gsi1sk, gsi3sk = :gsi3sk, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk',
              ConditionExpression: '#status = :from',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':status': 'assigned',
                ':from': 'approved',
                ':classNumber': classNumber,
                ':now': now.toISOString(),
                ...statusSortKeys(year, unit, 'assigned', registrationId),
                ...indexValues(indexKeys.byClass(year, classNumber, registrationId)),
              },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    if (
      error instanceof TransactionCanceledException &&
      error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
    ) {
      return false;
    }
    throw error;
  }
}

/** Certificate numbers run per class without gaps from concurrent issuers. */
export async function nextCertificateSequence(year: number, classNumber: number): Promise<number> {
  const result = await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: keys.classSeats(year, classNumber).pk, sk: `CERTSEQ#${String(classNumber).padStart(2, '0')}` },
      UpdateExpression: 'ADD #sequence :one',
      ExpressionAttributeNames: { '#sequence': 'sequence' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(result.Attributes?.sequence);
}
