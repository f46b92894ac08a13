import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys } from './keys';

/** Certificate numbers run per class, unique and increasing under concurrent issuers (a failed issue may skip one). */
export async function nextCertificateSequence(year: number, classNumber: number): Promise<number> {
  const result = await dynamoClient().send(
    new UpdateCommand({
      TableName: loadConfig().TABLE_NAME,
      Key: keys.certificateSequence(year, classNumber),
      UpdateExpression: 'ADD #sequence :one',
      ExpressionAttributeNames: { '#sequence': 'sequence' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(result.Attributes?.sequence);
}
