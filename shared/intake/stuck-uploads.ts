import { logger } from '../adapters/logger';
import { STUCK_UPLOAD_MINUTES } from '../adapters/metric-names';
import { countMetric } from '../adapters/metrics';
import { headUpload } from '../adapters/upload-files';
import { forgetPendingUpload, listPendingUploads } from '../adapters/upload-store';
import { pendingUploadState } from '../domain/stuck-uploads';

export interface PendingUploadCheck {
  readonly stuck: readonly string[];
  readonly abandoned: number;
  readonly waiting: number;
}

/**
 * The scheduled check (every 5 minutes): counts pending uploads that are stuck (the alarm watches the count, the
 * log names their upload ids) and takes abandoned ones out of the pending index so they are not checked again.
 */
export async function checkPendingUploads(now: Date): Promise<PendingUploadCheck> {
  // One page (100, oldest first) per run is enough: one stuck upload fires the alarm, and abandoned ones leave
  // the index, so the next run reads further.
  const candidates = await listPendingUploads(new Date(now.getTime() - STUCK_UPLOAD_MINUTES * 60_000).toISOString());
  const stuck: string[] = [];
  let abandoned = 0;
  let waiting = 0;
  for (const upload of candidates) {
    const state = pendingUploadState(upload, (await headUpload(upload.key)) !== undefined, now, STUCK_UPLOAD_MINUTES);
    if (state === 'stuck') {
      stuck.push(upload.uploadId);
      logger.warn('Upload stuck pending', {
        uploadId: upload.uploadId,
        unit: upload.unit,
        createdAt: upload.createdAt,
      });
    } else if (state === 'abandoned') {
      await forgetPendingUpload(upload.uploadId);
      abandoned++;
    } else waiting++;
  }
  // Published every run, zero included, so the dashboard shows the check is alive.
  countMetric('UploadsStuckPending', {}, stuck.length);
  return { stuck, abandoned, waiting };
}
