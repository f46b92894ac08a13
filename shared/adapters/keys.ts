/**
 * Every DynamoDB key the system writes is built here, so the item layout can be read in one place.
 * Keys hold ids, codes and keyed hashes only: never a raw ID number, phone or email.
 */
export const keys = {
  programme: (year: number) => ({ pk: `PROGRAMME#${year}`, sk: 'PROGRAMME' }),
  /** One saved version of the year's programme, immutable; the padding keeps them in order up to 9999. */
  programmeVersion: (year: number, version: number) => ({
    pk: `PROGRAMME#${year}`,
    sk: `${PROGRAMME_VERSION_PREFIX}${String(version).padStart(4, '0')}`,
  }),
  unitQuota: (year: number, unit: string) => ({ pk: `PROGRAMME#${year}`, sk: `${QUOTA_PREFIX}${unit}` }),
  /**
   * A unit's registrations per status (and how many passed review), kept by every status change in its transaction.
   * Beside the unit's quota counter in the programme's partition, so one Query reads both for every unit.
   */
  unitStatusCounts: (year: number, unit: string) => ({ pk: `PROGRAMME#${year}`, sk: `${STATUS_COUNTS_PREFIX}${unit}` }),
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
  /** A certificate by its public number: what verification compares, and its status. */
  certificate: (number: string) => ({ pk: `CERT#${number}`, sk: 'CERT' }),
  certificateSequence: (year: number, classNumber: number) => ({
    pk: `PROGRAMME#${year}`,
    sk: `CERTSEQ#${pad2(classNumber)}`,
  }),
  /** A trainee's evaluation invitation, in its class's evaluation partition (one Query lists a class). */
  evaluationInvitation: (year: number, classNumber: number, registrationId: string) => ({
    pk: evaluationPartition(year, classNumber),
    sk: `${EVALUATION_INVITE_PREFIX}${registrationId}`,
  }),
  /** An anonymous answer: a random id, nothing that names the trainee, the link or the time. */
  evaluationResponse: (year: number, classNumber: number, responseId: string) => ({
    pk: evaluationPartition(year, classNumber),
    sk: `${EVALUATION_RESPONSE_PREFIX}${responseId}`,
  }),
  /** A personal evaluation link, found by the SHA-256 of its token only: the token itself is never stored. */
  evaluationToken: (tokenHash: string) => ({ pk: `EVALTOKEN#${tokenHash}`, sk: 'TOKEN' }),
  /** One send of one notice: the registration (or upload) it is about, its kind, attempt and recipient. */
  noticeSend: (subject: string, kind: string, attempt: number, recipient: string) => ({
    pk: `NOTICE#${subject}`,
    sk: `${kind}#${attempt}#${recipient}`,
  }),
  /** An address that bounced or complained, by whose address it is (a registration's trainee, a unit's contact). */
  undeliverableMark: (owner: string) => ({ pk: `MAILMARK#${owner}`, sk: 'MARK' }),
  /**
   * A follow-up note on an enterprise in a unit's archive, in the unit's own partition: one Query lists a unit's notes,
   * a key prefix one enterprise's, in the order they were written.
   */
  archiveNote: (unit: string, creditCode: string, at: string, noteId: string) => ({
    pk: `UNIT#${unit}`,
    sk: `${ARCHIVE_NOTE_PREFIX}${creditCode}#${at}#${noteId}`,
  }),
  /** An audit event, in its month's partition (UTC), ordered by time. */
  auditEvent: (at: string, suffix: string) => ({ pk: `AUDIT#${at.slice(0, 7)}`, sk: `${at}#${suffix}` }),
} as const;

export const HISTORY_PREFIX = 'EVENT#';
export const ARCHIVE_NOTE_PREFIX = 'NOTE#';
export const PROGRAMME_VERSION_PREFIX = 'VERSION#';
export const QUOTA_PREFIX = 'QUOTA#';
export const STATUS_COUNTS_PREFIX = 'STATUS#';
export const WAITLIST_PREFIX = 'WAITLIST#';
export const EVALUATION_INVITE_PREFIX = 'INVITE#';
export const EVALUATION_RESPONSE_PREFIX = 'RESPONSE#';

export function evaluationPartition(year: number, classNumber: number): string {
  return `EVAL#${year}#${pad2(classNumber)}`;
}

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
  /**
   * An upload while it is pending, oldest first, in the byYear index (sparse: removed when ingest completes it), so
   * the stuck-upload check reads only pending uploads instead of scanning.
   */
  pendingUpload: (createdAt: string, uploadId: string) => ({
    gsi3pk: PENDING_UPLOADS,
    gsi3sk: `${createdAt}#${uploadId}`,
  }),
} as const;

export const PENDING_UPLOADS = 'UPLOADS#pending';

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
