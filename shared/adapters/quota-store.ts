import { GetCommand, QueryCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { COUNTED_FIGURES, type CountedFigure, type StoredUnitFigures } from '../domain/quota-report';
import { isUnitCode } from '../domain/units';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys, QUOTA_PREFIX, STATUS_COUNTS_PREFIX } from './keys';

/** A unit's counter for one year: seats used, and a deadline extension staff may have granted. */
export interface UnitQuotaState {
  readonly used: number;
  readonly deadlineExtendedUntil?: string;
}

export async function getUnitQuotaState(year: number, unit: string): Promise<UnitQuotaState> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: loadConfig().TABLE_NAME, Key: keys.unitQuota(year, unit), ConsistentRead: true }),
  );
  return {
    used: Number(result.Item?.used ?? 0),
    deadlineExtendedUntil: result.Item?.deadlineExtendedUntil as string | undefined,
  };
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * The transaction item that moves a unit's status counts: ADD (no condition), so it never refuses the change it
 * travels with, and the item is created by the first change. Undefined when nothing moves. A transaction may touch
 * an item only once: a caller with several changes of one unit sums their deltas into one call.
 */
export function statusCountsUpdate(
  year: number,
  unit: string,
  deltas: Readonly<Partial<Record<CountedFigure, number>>>,
): TransactItem | undefined {
  const moved = Object.entries(deltas).filter(([, delta]) => delta !== undefined && delta !== 0);
  if (moved.length === 0) return undefined;
  const names: Record<string, string> = { '#type': 'type', '#unit': 'unit', '#year': 'year' };
  const values: Record<string, unknown> = { ':type': 'status-counts', ':unit': unit, ':year': year };
  // Figures are aliased: `not-placed` is no valid name in an expression.
  const adds = moved.map(([figure, delta], index) => {
    names[`#f${index}`] = figure;
    values[`:f${index}`] = delta;
    return `#f${index} :f${index}`;
  });
  return {
    Update: {
      TableName: loadConfig().TABLE_NAME,
      Key: keys.unitStatusCounts(year, unit),
      UpdateExpression: `SET #type = :type, #unit = :unit, #year = :year ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * Every unit's quota counter and status counts of a year, by unit, in one Query: both kinds of item sit in the
 * programme's partition under adjacent sort keys (`QUOTA#<unit>` then `STATUS#<unit>`; nothing else sorts between
 * them), so the range reads those and no class, waitlist or certificate item. A page holds far more than the 37
 * units' 74 items; the loop only guards against a table that grew other items into the range.
 */
export async function listUnitFigures(year: number): Promise<Map<string, StoredUnitFigures>> {
  const figures = new Map<string, { used: number; deadlineExtendedUntil?: string; counts: Record<string, number> }>();
  const entry = (unit: string) => {
    let found = figures.get(unit);
    if (!found) {
      found = { used: 0, counts: {} };
      figures.set(unit, found);
    }
    return found;
  };
  let start: Record<string, unknown> | undefined;
  do {
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: loadConfig().TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
        ExpressionAttributeValues: {
          ':pk': keys.programme(year).pk,
          ':first': QUOTA_PREFIX,
          // '~' sorts after every unit code.
          ':last': `${STATUS_COUNTS_PREFIX}~`,
        },
        ExclusiveStartKey: start,
        // Stryker disable next-line BooleanLiteral: DynamoDB Local reads are always consistent
        ConsistentRead: true,
      }),
    );
    // Stryker disable next-line ArrayDeclaration: a Query reply always has Items
    for (const item of result.Items ?? []) {
      const sk = String(item.sk);
      const unit = sk.slice(sk.indexOf('#') + 1);
      if (!isUnitCode(unit)) continue;
      if (sk.startsWith(QUOTA_PREFIX)) {
        const unitFigures = entry(unit);
        unitFigures.used = Number(item.used ?? 0);
        if (typeof item.deadlineExtendedUntil === 'string')
          unitFigures.deadlineExtendedUntil = item.deadlineExtendedUntil;
      } else if (sk.startsWith(STATUS_COUNTS_PREFIX)) {
        const { counts } = entry(unit);
        for (const figure of COUNTED_FIGURES) if (item[figure] !== undefined) counts[figure] = Number(item[figure]);
      }
    }
    start = result.LastEvaluatedKey;
  } while (start);
  return figures;
}

/** Seats used by every unit with a counter this year, from the same one Query. */
export async function listUnitQuotaUsed(year: number): Promise<Map<string, number>> {
  const figures = await listUnitFigures(year);
  return new Map([...figures].map(([unit, unitFigures]) => [unit, unitFigures.used]));
}
