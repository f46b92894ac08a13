import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
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
    new GetCommand({
      TableName: table(),
      Key: keys.upload(uploadId),
      // Stryker disable next-line BooleanLiteral: DynamoDB Local reads are always consistent
      ConsistentRead: true,
    }),
  );
  if (!result.Item) return undefined;
  return uploadFromItem(result.Item);
}

export type UploadClaim =
  /** This object is the upload's file: process it (first time, or again after a crash mid-way). */
  | { readonly kind: 'claimed' }
  /** This object was processed already (a repeated event). */
  | { readonly kind: 'finished' }
  /** The upload is bound to another object: this one was sent with the same link again and must not be read. */
  | { readonly kind: 'other-object' };

/**
 * One upload, one file: the first object version to claim a pending upload owns it (pending → processing, with
 * the version). The same version may claim again while processing, which is how a retry after a crash resumes.
 */
export async function claimUpload(uploadId: string, object: string, now: Date): Promise<UploadClaim> {
  try {
    await dynamoClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.upload(uploadId),
        UpdateExpression:
          'SET #status = :processing, processedObject = :object, claimedAt = if_not_exists(claimedAt, :now)',
        ConditionExpression:
          'attribute_exists(pk) AND (#status = :pending OR (#status = :processing AND processedObject = :object))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':processing': 'processing',
          ':pending': 'pending',
          ':object': object,
          ':now': now.toISOString(),
        },
      }),
    );
    return { kind: 'claimed' };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const upload = await getUpload(uploadId);
    return upload?.processedObject === object ? { kind: 'finished' } : { kind: 'other-object' };
  }
}

/** Counts a file refused because its upload link had been used already. */
export async function recordRefusedObject(uploadId: string): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.upload(uploadId),
      UpdateExpression: 'ADD refusedObjects :one',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
}

export interface UploadOutcome {
  readonly status: 'done' | 'failed';
  readonly rows: number;
  readonly accepted: number;
  /** The bounded summary (see summariseFindings); the full list is in the report JSON. */
  readonly findings: readonly Finding[];
  readonly findingTotal: number;
  readonly findingCounts: Readonly<Record<string, number>>;
  readonly reportKeys: { readonly json: string; readonly xlsx?: string };
  readonly completedAt: string;
}

/** Finishes the claimed upload; only the object that claimed it can. */
export async function completeUpload(uploadId: string, object: string, outcome: UploadOutcome): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.upload(uploadId),
      UpdateExpression:
        'SET #status = :status, #rows = :rows, accepted = :accepted, findings = :findings, findingTotal = :total, findingCounts = :counts, reportKeys = :reportKeys, completedAt = :completedAt REMOVE gsi3pk, gsi3sk',
      ConditionExpression: '#status = :processing AND processedObject = :object',
      ExpressionAttributeNames: { '#status': 'status', '#rows': 'rows' },
      ExpressionAttributeValues: {
        ':status': outcome.status,
        ':rows': outcome.rows,
        ':accepted': outcome.accepted,
        ':findings': outcome.findings,
        ':total': outcome.findingTotal,
        ':counts': outcome.findingCounts,
        ':processing': 'processing',
        ':object': object,
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
  // Stryker disable next-line ArrayDeclaration: a Query's reply always has Items (an empty list when nothing matches)
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
