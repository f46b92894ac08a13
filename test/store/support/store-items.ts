import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from '../../../shared/adapters/aws-clients';
import { STORE_TABLE } from './store-environment';

/** Writes an item as a writer elsewhere in the system would have left it, to set up a store test's state. */
export async function put(item: Record<string, unknown>): Promise<void> {
  await dynamoClient().send(new PutCommand({ TableName: STORE_TABLE, Item: item }));
}

/** Every item of one partition, as stored (one page is plenty for a test's items). */
export async function partition(pk: string): Promise<Record<string, unknown>[]> {
  const result = await dynamoClient().send(
    new QueryCommand({
      TableName: STORE_TABLE,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    }),
  );
  return result.Items ?? [];
}
