import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPost } from '@aws-sdk/s3-presigned-post';
import { s3Client } from './aws-clients';
import { loadConfig } from './config';

export interface PresignRequest {
  readonly key: string;
  readonly contentType: string;
  readonly maxBytes: number;
  readonly expiresInSeconds: number;
}

/**
 * A presigned POST that only fits one object: the exact key, the exact Content-Type and a size range. S3 enforces
 * the policy in AWS; ingest re-checks all three because the local emulator does not.
 */
export async function presignUpload(request: PresignRequest): Promise<PresignedPost> {
  return createPresignedPost(s3Client(), {
    Bucket: loadConfig().UPLOADS_BUCKET,
    Key: request.key,
    Fields: { 'Content-Type': request.contentType },
    Conditions: [
      ['eq', '$key', request.key],
      ['eq', '$Content-Type', request.contentType],
      ['content-length-range', 1, request.maxBytes],
    ],
    Expires: request.expiresInSeconds,
  });
}

export interface StoredObjectHead {
  readonly size: number;
  readonly contentType: string | undefined;
  readonly versionId: string | undefined;
}

export async function headUpload(key: string): Promise<StoredObjectHead | undefined> {
  try {
    const head = await s3Client().send(new HeadObjectCommand({ Bucket: loadConfig().UPLOADS_BUCKET, Key: key }));
    return { size: head.ContentLength ?? 0, contentType: head.ContentType, versionId: head.VersionId };
  } catch (error) {
    if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey')) return undefined;
    throw error;
  }
}

export async function readUpload(key: string, versionId?: string): Promise<Uint8Array> {
  const object = await s3Client().send(
    new GetObjectCommand({ Bucket: loadConfig().UPLOADS_BUCKET, Key: key, VersionId: versionId }),
  );
  if (!object.Body) throw new Error('S3 returned an object without a body');
  return object.Body.transformToByteArray();
}

export async function writeReportFile(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({ Bucket: loadConfig().UPLOADS_BUCKET, Key: key, Body: body, ContentType: contentType }),
  );
}
