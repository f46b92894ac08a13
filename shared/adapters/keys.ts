/**
 * Every DynamoDB key the system writes is built here, so the item layout can be read in one place.
 * Keys hold ids, codes and keyed hashes only: never a raw ID number, phone or email.
 */
export const keys = {
  programme: (year: number) => ({ pk: `PROGRAMME#${year}`, sk: 'PROGRAMME' }),
  unitQuota: (year: number, unit: string) => ({ pk: `PROGRAMME#${year}`, sk: `QUOTA#${unit}` }),
  unitContact: (unit: string) => ({ pk: `UNIT#${unit}`, sk: 'CONTACT' }),
  classSeats: (year: number, classNumber: number) => ({ pk: `PROGRAMME#${year}`, sk: `CLASS#${pad2(classNumber)}` }),
  registration: (registrationId: string) => ({ pk: `REG#${registrationId}`, sk: 'REG' }),
  enterpriseLock: (year: number, creditCode: string) => ({ pk: `LOCK#ENT#${year}#${creditCode}`, sk: 'LOCK' }),
  personLock: (year: number, personHash: string) => ({ pk: `LOCK#PERSON#${year}#${personHash}`, sk: 'LOCK' }),
  upload: (uploadId: string) => ({ pk: `UPLOAD#${uploadId}`, sk: 'UPLOAD' }),
  /** Append-only history of a registration, in its own partition so one Query reads it in order. */
  historyEvent: (registrationId: string, at: string, suffix: string) => ({
    pk: `REG#${registrationId}`,
    sk: `EVENT#${at}#${suffix}`,
  }),
  /** The programme's waitlist, ordered by when each trainee joined it: a freed seat goes to the first. */
  waitlistEntry: (year: number, waitingSince: string, registrationId: string) => ({
    pk: `PROGRAMME#${year}`,
    sk: `WAITLIST#${waitingSince}#${registrationId}`,
  }),
  certificateSequence: (year: number, classNumber: number) => ({
    pk: `PROGRAMME#${year}`,
    sk: `CERTSEQ#${pad2(classNumber)}`,
  }),
} as const;

export const HISTORY_PREFIX = 'EVENT#';
export const WAITLIST_PREFIX = 'WAITLIST#';

export const indexKeys = {
  byUnit: (year: number, unit: string, status: string, registrationId: string) => ({
    gsi1pk: `UNIT#${year}#${unit}`,
    gsi1sk: `${status}#${registrationId}`,
  }),
  byClass: (year: number, classNumber: number, registrationId: string) => ({
    gsi2pk: `CLASS#${year}#${pad2(classNumber)}`,
    gsi2sk: registrationId,
  }),
  byYear: (year: number, status: string, unit: string, registrationId: string) => ({
    gsi3pk: `YEAR#${year}`,
    gsi3sk: `${status}#${unit}#${registrationId}`,
  }),
} as const;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
