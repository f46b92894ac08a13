import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys } from './keys';

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

/** Seats used by every unit with a counter this year (one Query over the programme's partition). */
export async function listUnitQuotaUsed(year: number): Promise<Map<string, number>> {
  const used = new Map<string, number>();
  let start: Record<string, unknown> | undefined;
  do {
    const result = await dynamoClient().send(
      new QueryCommand({
        TableName: loadConfig().TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.programme(year).pk, ':prefix': 'QUOTA#' },
        ProjectionExpression: 'sk, used',
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of result.Items ?? []) used.set(String(item.sk).slice('QUOTA#'.length), Number(item.used ?? 0));
    start = result.LastEvaluatedKey;
  } while (start);
  return used;
}
