import { type ConsumedCapacity, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Registration } from '../domain/trainee-registration';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys } from './keys';
import { statusCountsUpdate } from './quota-store';
import { registrationItem } from './registration-store';

/**
 * Ingest's writes: each accepted row's registration, enterprise lock, person lock, the unit's quota counter and its
 * status counts (`nominated`), together or not at all.
 */
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

/** New registrations enter `nominated`: one ADD for all of a transaction's rows (one item, touched once). */
function nominatedCount(year: number, unit: string, rows: number) {
  return statusCountsUpdate(year, unit, { nominated: rows }) as NonNullable<ReturnType<typeof statusCountsUpdate>>;
}

const consumedUnits = (consumed: ConsumedCapacity[] | undefined) =>
  // Stryker disable next-line ArrayDeclaration: a reply without ConsumedCapacity sums to 0 either way (a string element has no CapacityUnits)
  (consumed ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

/**
 * One row, one transaction: the registration, the enterprise lock, the person lock, the unit's quota counter and its
 * status counts are written together or not at all, so the store never holds a lock, a counted seat or a count
 * without its registration.
 */
async function recordOne(request: RecordRequest): Promise<{ outcome: RecordOutcome; writeUnits: number }> {
  const { registration, personHash, quota } = request;
  const { year, unit } = registration;
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await dynamoClient().send(
        new TransactWriteCommand({
          TransactItems: [
            ...rowItems(registration, personHash, true),
            counterItem(year, unit, quota, 1),
            nominatedCount(year, unit, 1),
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      return { outcome: { kind: 'recorded' }, writeUnits: consumedUnits(result.ConsumedCapacity) };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // Stryker disable next-line ArrayDeclaration: a string element has no Code, so it matches no reason, as an empty list
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

/** 3 items per row plus the quota counter and the status counts: 98, within the TransactWriteItems limit of 100. */
export const ROWS_PER_TRANSACTION = 32;

export interface RecordedRows {
  /** One outcome per request, in request order. */
  readonly outcomes: RecordOutcome[];
  /** The write capacity the successful transactions consumed, as DynamoDB reported it. */
  readonly writeUnits: number;
}

/**
 * Records one unit's rows in file order with the guarantees of {@link recordOne}, in fewer round trips:
 * up to 32 rows share one transaction that takes their seats together. Any cancellation (a duplicate, the quota
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
          nominatedCount(year, unit, group.length),
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
