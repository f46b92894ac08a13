import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { EXPORT_CONTENT_TYPES, type ExportFormat } from '../exports/table-export';
import type { HttpResult } from '../http/http-handler';
import { json } from '../http/http-handler';
import { s3Client } from './aws-clients';
import { presignDownload } from './certificate-files';
import { loadConfig } from './config';

/**
 * Lambda returns at most 6 MB, and a file travels base64-encoded (4/3 larger): up to EXPORT_INLINE_MAX_BYTES (4 MB
 * by default) an export is the reply itself; a larger one is written to S3 under exports/ (expired by the bucket's
 * lifecycle) and the reply is a short-lived link to it.
 */
const LINK_SECONDS = 300;

export async function exportReply(
  bytes: Uint8Array,
  format: ExportFormat,
  fileName: string,
  options: { readonly inlineLimit?: number } = {},
): Promise<HttpResult> {
  const fullName = `${fileName}.${format}`;
  if (bytes.length <= (options.inlineLimit ?? loadConfig().EXPORT_INLINE_MAX_BYTES)) {
    return {
      statusCode: 200,
      headers: {
        'content-type': EXPORT_CONTENT_TYPES[format],
        'content-disposition': `attachment; filename="export.${format}"; filename*=UTF-8''${encodeURIComponent(fullName)}`,
        'cache-control': 'no-store',
      },
      body: Buffer.from(bytes).toString('base64'),
      isBase64Encoded: true,
    };
  }
  const key = `exports/${new Date().toISOString().slice(0, 10)}/${randomUUID()}.${format}`;
  await s3Client().send(
    new PutObjectCommand({
      Bucket: loadConfig().UPLOADS_BUCKET,
      Key: key,
      Body: bytes,
      ContentType: EXPORT_CONTENT_TYPES[format],
    }),
  );
  return json(200, {
    delivery: 'link',
    fileName: fullName,
    bytes: bytes.length,
    downloadUrl: await presignDownload(key, LINK_SECONDS, fullName),
    expiresAt: new Date(Date.now() + LINK_SECONDS * 1000).toISOString(),
    message: `导出文件较大（${(bytes.length / 1024 / 1024).toFixed(1)} MB），请在 5 分钟内通过链接下载`,
  });
}
