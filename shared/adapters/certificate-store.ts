import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CertificateRecord } from '../domain/certificate-record';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys } from './keys';
import type { TransactItem } from './registration-store';

const table = () => loadConfig().TABLE_NAME;

/** Certificate numbers run per class, unique and increasing under concurrent issuers (a failed issue may skip one). */
export async function nextCertificateSequence(year: number, classNumber: number): Promise<number> {
  const result = await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.certificateSequence(year, classNumber),
      UpdateExpression: 'ADD #sequence :one',
      ExpressionAttributeNames: { '#sequence': 'sequence' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  // Stryker disable next-line OptionalChaining: an ADD with ReturnValues UPDATED_NEW always returns the attribute it set
  return Number(result.Attributes?.sequence);
}

/** The certificate item, written once (a number is never reused), in the transaction that certifies. */
export function certificatePut(record: CertificateRecord): TransactItem {
  return {
    Put: {
      TableName: table(),
      Item: { ...keys.certificate(record.number), type: 'certificate', ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Revokes an issued certificate; with `replacedBy`, as part of its re-issue. */
export function certificateRevocation(
  number: string,
  revocation: { at: string; by: string; reason: string; replacedBy?: string },
): TransactItem {
  return {
    Update: {
      TableName: table(),
      Key: keys.certificate(number),
      UpdateExpression: `SET #status = :revoked, revokedAt = if_not_exists(revokedAt, :at), revokedBy = if_not_exists(revokedBy, :by), revokedReason = if_not_exists(revokedReason, :reason)${revocation.replacedBy ? ', replacedBy = :replacedBy' : ''}`,
      ConditionExpression: revocation.replacedBy
        ? 'attribute_exists(pk) AND attribute_not_exists(replacedBy)'
        : 'attribute_exists(pk) AND #status = :issued',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':revoked': 'revoked',
        ':at': revocation.at,
        ':by': revocation.by,
        ':reason': revocation.reason,
        ...(revocation.replacedBy ? { ':replacedBy': revocation.replacedBy } : { ':issued': 'issued' }),
      },
    },
  };
}

export async function getCertificate(number: string): Promise<CertificateRecord | undefined> {
  const result = await dynamoClient().send(
    // Stryker disable next-line BooleanLiteral: DynamoDB Local reads are always consistent
    new GetCommand({ TableName: table(), Key: keys.certificate(number), ConsistentRead: true }),
  );
  if (!result.Item) return undefined;
  const { pk, sk, type, ...record } = result.Item;
  return record as CertificateRecord;
}
