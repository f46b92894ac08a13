import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { HistoryEvent } from '../domain/registration-history';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { decodeCursor, encodeCursor, type Page } from './cursor';
import { HISTORY_PREFIX, keys } from './keys';

/** A Put for a transaction: the event is written with the change it records, or not at all. */
export function historyPut(registrationId: string, event: HistoryEvent) {
  return {
    Put: {
      TableName: loadConfig().TABLE_NAME,
      Item: {
        ...keys.historyEvent(registrationId, event.at, randomBytes(4).toString('hex')),
        type: 'history',
        registrationId,
        ...withoutUndefined(event),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function listHistory(
  registrationId: string,
  options: { cursor?: string; limit: number; caller: string },
): Promise<Page<HistoryEvent>> {
  // Stryker disable next-line StringLiteral: the list name only has to differ from other lists', and no other list binds a registrationId
  const binding = { caller: options.caller, query: { list: 'history', registrationId } };
  const result = await dynamoClient().send(
    new QueryCommand({
      TableName: loadConfig().TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.registration(registrationId).pk, ':prefix': HISTORY_PREFIX },
      ExclusiveStartKey: await decodeCursor(options.cursor, binding),
      Limit: options.limit,
      // Stryker disable next-line BooleanLiteral: DynamoDB Local reads are always consistent
      ConsistentRead: true,
    }),
  );
  return {
    // Stryker disable next-line ArrayDeclaration: a Query reply always has Items
    items: (result.Items ?? []).map(({ pk, sk, type, registrationId: _id, ...event }) => event as HistoryEvent),
    next: result.LastEvaluatedKey ? await encodeCursor(result.LastEvaluatedKey, binding) : null,
  };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
