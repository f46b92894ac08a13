import { createHash, createHmac, randomUUID } from 'node:crypto';

/**
 * A registration's id follows from the upload and the enterprise in it (one person per enterprise per year): a
 * re-delivered event or a retried ingest of the same upload maps to the same id and the same execution name, which
 * makes ingest idempotent end to end. A later upload (say, after a withdrawal) gets a new id; the enterprise and
 * person locks still allow only one live registration. The id carries no personal data.
 */
export function registrationIdFor(year: number, unit: string, uploadId: string, creditCode: string): string {
  const digest = createHash('sha256').update(`${year}|${unit}|${uploadId}|${creditCode}`).digest('hex').slice(0, 16);
  return `R${year}-${unit}-${digest.toUpperCase()}`;
}

/** Keyed hash of an ID number: lets the person lock work without storing or exposing the number in a key. */
export function personHash(key: string, idNumber: string): string {
  return createHmac('sha256', key).update(idNumber.toUpperCase()).digest('hex');
}

export function newUploadId(): string {
  return randomUUID();
}
