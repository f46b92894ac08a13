import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { UploadOrigin } from '../domain/review-facts';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys } from './keys';

/**
 * The file name and time of the uploads a page of registrations came from. Both are written once when the upload
 * is requested and never change, so they are cached for the life of the container: a review list of 50 rows from
 * one file costs one GetItem the first time and none after. Only the two attributes are read: the upload item
 * also holds the first findings, which a list does not need.
 */
const MAX_CACHED = 2000;
const cache = new Map<string, UploadOrigin>();

export async function uploadOrigins(uploadIds: Iterable<string>): Promise<ReadonlyMap<string, UploadOrigin>> {
  const wanted = [...new Set(uploadIds)];
  await Promise.all(wanted.filter((id) => !cache.has(id)).map(readOrigin));
  const found = new Map<string, UploadOrigin>();
  for (const id of wanted) {
    const origin = cache.get(id);
    if (origin) found.set(id, origin);
  }
  return found;
}

export async function uploadOrigin(uploadId: string): Promise<UploadOrigin | undefined> {
  return (await uploadOrigins([uploadId])).get(uploadId);
}

async function readOrigin(uploadId: string): Promise<void> {
  const result = await dynamoClient().send(
    new GetCommand({
      TableName: loadConfig().TABLE_NAME,
      Key: keys.upload(uploadId),
      ProjectionExpression: 'fileName, createdAt',
    }),
  );
  const item = result.Item;
  const origin =
    typeof item?.fileName === 'string' && typeof item.createdAt === 'string'
      ? { fileName: item.fileName, createdAt: item.createdAt }
      : null;
  // A missing upload is not cached: a registration never precedes its upload item, so a miss is a seeded row or a
  // read that raced the write, and the next request may find it.
  if (!origin) return;
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(uploadId, origin);
}
