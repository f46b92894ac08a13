import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Finding } from '../domain/errors';
import type { UploadRecord } from '../domain/upload';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys } from './keys';

const table = () => loadConfig().TABLE_NAME;

export async function createUpload(upload: UploadRecord): Promise<void> {
  await dynamoClient().send(
    new PutCommand({
      TableName: table(),
      Item: { ...keys.upload(upload.uploadId), type: 'upload', ...upload },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getUpload(uploadId: string): Promise<UploadRecord | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: keys.upload(uploadId), ConsistentRead: true }),
  );
  if (!result.Item) return undefined;
  const { pk, sk, type, ...upload } = result.Item;
  return upload as UploadRecord;
}

export interface UploadOutcome {
  readonly status: 'done' | 'failed';
  readonly rows: number;
  readonly accepted: number;
  readonly findings: readonly Finding[];
  readonly reportKeys: { readonly json: string; readonly xlsx?: string };
  readonly completedAt: string;
}

export async function completeUpload(uploadId: string, outcome: UploadOutcome): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.upload(uploadId),
      UpdateExpression:
        'SET #status = :status, #rows = :rows, accepted = :accepted, findings = :findings, reportKeys = :reportKeys, completedAt = :completedAt',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status', '#rows': 'rows' },
      ExpressionAttributeValues: {
        ':status': outcome.status,
        ':rows': outcome.rows,
        ':accepted': outcome.accepted,
        ':findings': outcome.findings,
        ':reportKeys': outcome.reportKeys,
        ':completedAt': outcome.completedAt,
      },
    }),
  );
}
