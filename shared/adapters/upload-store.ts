import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Finding } from '../domain/errors';
import type { UploadRecord } from '../domain/upload';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { indexKeys, keys, PENDING_UPLOADS } from './keys';

const table = () => loadConfig().TABLE_NAME;

export async function createUpload(upload: UploadRecord): Promise<void> {
  await dynamoClient().send(
    new PutCommand({
      TableName: table(),
      Item: {
        ...keys.upload(upload.uploadId),
        ...(upload.status === 'pending' ? indexKeys.pendingUpload(upload.createdAt, upload.uploadId) : {}),
        type: 'upload',
        ...upload,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getUpload(uploadId: string): Promise<UploadRecord | undefined> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: table(), Key: keys.upload(uploadId), ConsistentRead: true }),
  );
  if (!result.Item) return undefined;
  return uploadFromItem(result.Item);
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
        'SET #status = :status, #rows = :rows, accepted = :accepted, findings = :findings, reportKeys = :reportKeys, completedAt = :completedAt REMOVE gsi3pk, gsi3sk',
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

/** Pending uploads requested before `createdBefore` (ISO time), oldest first, from the sparse pending index. */
export async function listPendingUploads(createdBefore: string, limit = 100): Promise<UploadRecord[]> {
  const result = await dynamoClient().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byYear',
      KeyConditionExpression: 'gsi3pk = :pending AND gsi3sk < :before',
      ExpressionAttributeValues: { ':pending': PENDING_UPLOADS, ':before': createdBefore },
      Limit: limit,
    }),
  );
  return (result.Items ?? []).map(uploadFromItem);
}

/** Takes an upload out of the pending index (its presigned POST expired unused); its status stays as it was. */
export async function forgetPendingUpload(uploadId: string): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.upload(uploadId),
      UpdateExpression: 'REMOVE gsi3pk, gsi3sk',
      ConditionExpression: 'attribute_exists(pk)',
    }),
  );
}

function uploadFromItem(item: Record<string, unknown>): UploadRecord {
  const { pk, sk, type, gsi3pk, gsi3sk, ...upload } = item;
  return upload as unknown as UploadRecord;
}
