import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { s3Client } from './aws-clients';
import { loadConfig } from './config';

/** certificates/<year>/<number>.pdf: in the uploads bucket (KMS-encrypted, never public), read only through the API. */
export function certificateKey(year: number, number: string): string {
  return `certificates/${year}/${number}.pdf`;
}

export async function putCertificatePdf(key: string, bytes: Uint8Array): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({
      Bucket: loadConfig().UPLOADS_BUCKET,
      Key: key,
      Body: bytes,
      ContentType: 'application/pdf',
    }),
  );
}

export async function getCertificatePdf(key: string): Promise<Uint8Array | undefined> {
  try {
    const result = await s3Client().send(new GetObjectCommand({ Bucket: loadConfig().UPLOADS_BUCKET, Key: key }));
    return result.Body ? new Uint8Array(await result.Body.transformToByteArray()) : undefined;
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
    throw error;
  }
}

/** Streams a body (a zip being written) into S3 as a multipart upload: nothing is held whole in memory. */
export async function streamToBucket(key: string, body: Readable, contentType: string): Promise<void> {
  await new Upload({
    client: s3Client(),
    params: { Bucket: loadConfig().UPLOADS_BUCKET, Key: key, Body: body, ContentType: contentType },
  }).done();
}

/** A short-lived link to one object (the role's credentials bound it further in AWS). */
export async function presignDownload(key: string, expiresInSeconds: number, fileName: string): Promise<string> {
  return getSignedUrl(
    s3Client(),
    new GetObjectCommand({
      Bucket: loadConfig().UPLOADS_BUCKET,
      Key: key,
      ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    }),
    { expiresIn: expiresInSeconds },
  );
}
