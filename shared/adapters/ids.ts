import { createHash, createHmac, randomUUID } from 'node:crypto';

/**
 * A registration's id follows from what makes it unique: the year, the unit and the enterprise (one person per
 * enterprise per year). Re-delivered events and re-uploads therefore map to the same id and the same execution
 * name, which is what makes ingest idempotent end to end. The id carries no personal data.
 */
export function registrationIdFor(year: number, unit: string, creditCode: string): string {
  const digest = createHash('sha256').update(`${year}|${unit}|${creditCode}`).digest('hex').slice(0, 16);
  return `R${year}-${unit}-${digest.toUpperCase()}`;
}

/** Keyed hash of an ID number: lets the person lock work without storing or exposing the number in a key. */
export function personHash(key: string, idNumber: string): string {
  return createHmac('sha256', key).update(idNumber.toUpperCase()).digest('hex');
}

export function newUploadId(): string {
  return randomUUID();
}
