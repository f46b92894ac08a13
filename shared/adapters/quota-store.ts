import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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

/** Who granted a unit its deadline extension, when and why, as kept on its counter. */
export interface DeadlineExtension {
  readonly until: string;
  readonly by: string;
  readonly at: string;
  readonly reason: string;
}

/**
 * Grants (or replaces) a unit's extension on its counter item, where upload-url and ingest already read it. The
 * counter may not exist yet (nothing uploaded): `used` is left alone, so ingest still creates it as before.
 * Returns the extension it replaced, if any.
 */
export async function setDeadlineExtension(
  year: number,
  unit: string,
  extension: DeadlineExtension,
): Promise<DeadlineExtension | undefined> {
  const result = await dynamoClient().send(
    new UpdateCommand({
      TableName: loadConfig().TABLE_NAME,
      Key: keys.unitQuota(year, unit),
      UpdateExpression:
        'SET deadlineExtendedUntil = :until, deadlineExtendedBy = :by, deadlineExtendedAt = :at, deadlineExtensionReason = :reason, #type = :type, #unit = :unit, #year = :year',
      ExpressionAttributeNames: { '#type': 'type', '#unit': 'unit', '#year': 'year' },
      ExpressionAttributeValues: {
        ':until': extension.until,
        ':by': extension.by,
        ':at': extension.at,
        ':reason': extension.reason,
        ':type': 'quota',
        ':unit': unit,
        ':year': year,
      },
      ReturnValues: 'ALL_OLD',
    }),
  );
  return extensionOf(result.Attributes);
}

/** Withdraws a unit's extension; undefined when it had none (nothing is written then). */
export async function removeDeadlineExtension(year: number, unit: string): Promise<DeadlineExtension | undefined> {
  try {
    const result = await dynamoClient().send(
      new UpdateCommand({
        TableName: loadConfig().TABLE_NAME,
        Key: keys.unitQuota(year, unit),
        UpdateExpression:
          'REMOVE deadlineExtendedUntil, deadlineExtendedBy, deadlineExtendedAt, deadlineExtensionReason',
        ConditionExpression: 'attribute_exists(deadlineExtendedUntil)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    return extensionOf(result.Attributes);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

function extensionOf(item: Record<string, unknown> | undefined): DeadlineExtension | undefined {
  if (typeof item?.deadlineExtendedUntil !== 'string') return undefined;
  return {
    until: item.deadlineExtendedUntil,
    by: String(item.deadlineExtendedBy ?? ''),
    at: String(item.deadlineExtendedAt ?? ''),
    reason: String(item.deadlineExtensionReason ?? ''),
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
