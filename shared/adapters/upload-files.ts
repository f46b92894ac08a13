import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
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
  readonly eTag: string | undefined;
}

export async function headUpload(key: string, versionId?: string): Promise<StoredObjectHead | undefined> {
  try {
    const head = await s3Client().send(
      new HeadObjectCommand({ Bucket: loadConfig().UPLOADS_BUCKET, Key: key, VersionId: versionId }),
    );
    return {
      size: head.ContentLength ?? 0,
      contentType: head.ContentType,
      versionId: head.VersionId,
      eTag: head.ETag,
    };
  } catch (error) {
    if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey')) return undefined;
    throw error;
  }
}

/** The object an S3 event names: its version where the bucket keeps versions, else its ETag. */
export interface UploadedObject {
  readonly versionId?: string;
  readonly eTag?: string;
}

/** Reading found different bytes from those the event announced (the key was written again meanwhile). */
export class ObjectReplaced extends Error {
  constructor() {
    super('The object was replaced after the event that announced it');
    this.name = 'ObjectReplaced';
  }
}

/**
 * Reads exactly the announced object. With a version id S3 returns that version; without one (the local emulator
 * keeps no versions) the bytes are checked against the event's ETag, which for a single-part upload without KMS is
 * their MD5, so a file that replaced it is refused rather than read in its place.
 */
export async function readUpload(key: string, object: UploadedObject = {}): Promise<Uint8Array> {
  const result = await s3Client().send(
    new GetObjectCommand({ Bucket: loadConfig().UPLOADS_BUCKET, Key: key, VersionId: object.versionId }),
  );
  if (!result.Body) throw new Error('S3 returned an object without a body');
  const bytes = await result.Body.transformToByteArray();
  if (!object.versionId && object.eTag) {
    const md5 = createHash('md5').update(bytes).digest('hex');
    if (md5 !== object.eTag.replace(/"/g, '')) throw new ObjectReplaced();
  }
  return bytes;
}

/** Removes one version of an upload: a file sent again with a used link, which nobody will ever read. */
export async function deleteUploadVersion(key: string, versionId: string): Promise<void> {
  await s3Client().send(
    new DeleteObjectCommand({ Bucket: loadConfig().UPLOADS_BUCKET, Key: key, VersionId: versionId }),
  );
}

/** A report file (JSON or workbook) as stored, or undefined once it has expired. */
export async function readReportFile(key: string): Promise<Uint8Array | undefined> {
  try {
    const result = await s3Client().send(new GetObjectCommand({ Bucket: loadConfig().UPLOADS_BUCKET, Key: key }));
    return result.Body ? await result.Body.transformToByteArray() : undefined;
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
    throw error;
  }
}

export async function writeReportFile(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({ Bucket: loadConfig().UPLOADS_BUCKET, Key: key, Body: body, ContentType: contentType }),
  );
}
