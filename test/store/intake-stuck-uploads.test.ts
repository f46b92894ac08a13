import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { s3Client } from '../../shared/adapters/aws-clients';
import { logger } from '../../shared/adapters/logger';
import { countMetric } from '../../shared/adapters/metrics';
import { createUpload, getUpload, listPendingUploads } from '../../shared/adapters/upload-store';
import type { UploadRecord } from '../../shared/domain/upload';
import { checkPendingUploads } from '../../shared/intake/stuck-uploads';
import { STORE_BUCKET } from './support/store-environment';

/**
 * The scheduled stuck-upload check against DynamoDB Local (the sparse pending index) and s3rver (whether the file
 * arrived). Rules (shared/domain/stuck-uploads.ts): only uploads requested more than 15 minutes ago are read; one
 * whose file arrived is stuck, one without a file is abandoned once its presigned POST (≤ 15 min + 5 min tolerance)
 * can no longer be used, and waiting until then. Only the metrics adapter is observed.
 */
vi.mock('../../shared/adapters/metrics', async (original) => ({
  ...(await original<object>()),
  countMetric: vi.fn(),
}));
afterEach(() => vi.restoreAllMocks());

const NOW = new Date('2026-03-02T12:00:00.000Z');
const minutesBefore = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

async function pending(uploadId: string, minutesAgo: number, withFile: boolean): Promise<UploadRecord> {
  const upload: UploadRecord = {
    uploadId,
    year: 2026,
    unit: '110000',
    form: 'trainee',
    fileName: `${uploadId}.xlsx`,
    key: `incoming/2026/110000/${uploadId}.xlsx`,
    status: 'pending',
    createdAt: minutesBefore(minutesAgo),
  } as UploadRecord;
  await createUpload(upload);
  if (withFile) {
    await (s3Client() as S3Client).send(
      new PutObjectCommand({ Bucket: STORE_BUCKET, Key: upload.key, Body: 'x', ContentType: 'text/csv' }),
    );
  }
  return upload;
}

describe('checkPendingUploads', () => {
  it('names stuck uploads, forgets abandoned ones and leaves the rest waiting', async () => {
    await pending('up-stuck', 16, true);
    await pending('up-waiting', 19, false);
    await pending('up-abandoned', 21, false);
    await pending('up-recent', 14, true); // requested less than 15 minutes ago: not read at all
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => {});

    expect(await checkPendingUploads(NOW)).toEqual({ stuck: ['up-stuck'], abandoned: 1, waiting: 1 });

    expect(warn).toHaveBeenCalledWith('Upload stuck pending', {
      uploadId: 'up-stuck',
      unit: '110000',
      createdAt: minutesBefore(16),
    });
    expect(vi.mocked(countMetric)).toHaveBeenLastCalledWith('UploadsStuckPending', {}, 1);
    // The abandoned upload left the pending index but kept its status.
    const stillPending = (await listPendingUploads(NOW.toISOString())).map((upload) => upload.uploadId);
    expect(stillPending.sort()).toEqual(['up-recent', 'up-stuck', 'up-waiting']);
    expect((await getUpload('up-abandoned'))?.status).toBe('pending');

    // The next run reads it no more; a zero is still published when nothing is stuck.
    expect(await checkPendingUploads(new Date(NOW.getTime()))).toEqual({
      stuck: ['up-stuck'],
      abandoned: 0,
      waiting: 1,
    });
    expect(await checkPendingUploads(new Date('2026-03-02T11:00:00.000Z'))).toEqual({
      stuck: [],
      abandoned: 0,
      waiting: 0,
    });
    expect(vi.mocked(countMetric)).toHaveBeenLastCalledWith('UploadsStuckPending', {}, 0);
  });
});
