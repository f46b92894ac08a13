/**
 * When a pending upload needs someone. An upload is created when the unit asks for a presigned POST, and stays
 * pending until ingest completes it, which takes seconds to a few minutes (and Lambda retries twice). So a pending
 * upload whose file has arrived and whose request is older than the limit is stuck: ingest never finished it (its
 * event is on the failure queue, or ingest keeps failing). One with no file after the presigned POST can no longer
 * be used was abandoned by the unit: nothing is wrong.
 */
export type PendingUploadState = 'waiting' | 'stuck' | 'abandoned';

/** The longest a presigned POST lives (config: UPLOAD_URL_TTL_SECONDS ≤ 900), plus S3's clock tolerance. */
const PRESIGNED_POST_LIFETIME_MS = (15 + 5) * 60_000;

export function pendingUploadState(
  upload: { readonly createdAt: string },
  fileArrived: boolean,
  now: Date,
  stuckAfterMinutes: number,
): PendingUploadState {
  const age = now.getTime() - Date.parse(upload.createdAt);
  if (fileArrived) return age >= stuckAfterMinutes * 60_000 ? 'stuck' : 'waiting';
  return age >= PRESIGNED_POST_LIFETIME_MS ? 'abandoned' : 'waiting';
}
