import type { FunctionName } from './function-names';

/**
 * What each function may touch, declared once. The CDK stack turns it into each role's IAM statements, and the local
 * cloud enforces the same declaration on every DynamoDB and S3 call a function makes, so the whole test suite proves
 * that the policies are enough and nothing broader is needed (see infra/local/access-guard.ts).
 *
 * DynamoDB items are scoped by partition-key prefix (`dynamodb:LeadingKeys`); a Query on a secondary index is allowed
 * only on the indexes named. S3 access is by key prefix and by kind of use.
 */
export interface DataAccess {
  /** Partition-key prefixes whose items the function reads (GetItem, ConditionCheckItem in a transaction). */
  readonly reads: readonly string[];
  /** Partition-key prefixes the function queries on the table itself (a history, a waitlist, a class's answers). */
  readonly queries: readonly string[];
  /** Partition-key prefixes whose items the function writes (PutItem, UpdateItem, DeleteItem). */
  readonly writes: readonly string[];
  /** Secondary indexes the function queries. */
  readonly indexes: readonly IndexName[];
  /**
   * Reads the system's HMAC key (Secrets Manager): the person lock's hash, signed links, and paging cursors. The
   * infra test bundles each function and checks this against what its code imports.
   */
  readonly hmacKey?: true;
  /** Upload-bucket key prefixes (ending in /) by use. */
  readonly objects: {
    readonly read?: readonly string[];
    readonly write?: readonly string[];
    /** Deletes one version of an object: ingest removes a second file sent with a used upload link. */
    readonly deleteVersion?: readonly string[];
  };
}

export type IndexName = 'byUnit' | 'byClass' | 'byYear';

const PROGRAMME = 'PROGRAMME#';
const REGISTRATION = 'REG#';
const LOCK = 'LOCK#';
const UPLOAD = 'UPLOAD#';
const UNIT = 'UNIT#';
const CERTIFICATE = 'CERT#';
const EVALUATION = 'EVAL#';
const EVALUATION_TOKEN = 'EVALTOKEN#';
/** One claimed send of one notice (exactly once), and an address marked undeliverable (a hash, never the address). */
const NOTICE = 'NOTICE#';
const MAIL_MARK = 'MAILMARK#';
/** Audit events, by month. */
const AUDIT = 'AUDIT#';
/** Powertools idempotency records (ingest), under one static partition. */
const IDEMPOTENCY = 'IDEMPOTENCY';

export const DATA_ACCESS: Readonly<Record<FunctionName, DataAccess>> = {
  // Reads the programme (classes, deadline, a unit's extension) and records the upload request. Nothing else.
  'upload-url': {
    hmacKey: true,
    reads: [PROGRAMME],
    queries: [],
    writes: [UPLOAD],
    indexes: [],
    objects: { write: ['incoming/'] },
  },
  'ingest-upload': {
    hmacKey: true,
    reads: [PROGRAMME, UPLOAD, REGISTRATION, LOCK, UNIT, IDEMPOTENCY, NOTICE, MAIL_MARK],
    queries: [REGISTRATION, PROGRAMME],
    writes: [PROGRAMME, UPLOAD, REGISTRATION, LOCK, UNIT, IDEMPOTENCY, NOTICE, MAIL_MARK],
    indexes: ['byClass'],
    objects: { read: ['incoming/'], write: ['reports/'], deleteVersion: ['incoming/'] },
  },
  'admin-api': {
    hmacKey: true,
    reads: [PROGRAMME, UPLOAD, REGISTRATION, LOCK],
    queries: [REGISTRATION, PROGRAMME],
    writes: [PROGRAMME, REGISTRATION, LOCK, NOTICE, AUDIT],
    indexes: ['byUnit', 'byClass', 'byYear'],
    objects: { read: ['reports/'] },
  },
  // The programme office's operations: audit trail, quotas, exports, settings, archives. An export pages through the
  // list's indexes, reads each registration by key for full values, and writes a large file under exports/ (read
  // back by its presigned link).
  'staff-api': {
    hmacKey: true,
    reads: [PROGRAMME, REGISTRATION],
    // UNIT#: a unit's archive notes (its partition also holds the unit's contact, which this function never reads).
    queries: [AUDIT, PROGRAMME, UNIT],
    // The programme, its versions and a unit's deadline extension (on its quota counter); archive notes; audit.
    writes: [AUDIT, PROGRAMME, UNIT],
    indexes: ['byUnit', 'byClass', 'byYear'],
    objects: { read: ['exports/'], write: ['exports/'] },
  },
  'class-api': {
    hmacKey: true,
    reads: [PROGRAMME, REGISTRATION],
    queries: [REGISTRATION, PROGRAMME],
    writes: [PROGRAMME, REGISTRATION, AUDIT],
    indexes: ['byClass'],
    objects: { read: ['exports/'], write: ['exports/'] },
  },
  'certificate-api': {
    hmacKey: true,
    reads: [PROGRAMME, REGISTRATION, CERTIFICATE],
    queries: [REGISTRATION, PROGRAMME],
    writes: [PROGRAMME, REGISTRATION, CERTIFICATE, AUDIT],
    indexes: ['byClass'],
    objects: { read: ['certificates/', 'archives/'], write: ['certificates/', 'archives/'] },
  },
  // Internet-facing: never a registration, never an upload.
  'public-api': {
    hmacKey: true,
    reads: [PROGRAMME, CERTIFICATE, EVALUATION, EVALUATION_TOKEN],
    queries: [],
    writes: [EVALUATION, EVALUATION_TOKEN],
    indexes: [],
    objects: { read: ['certificates/'] },
  },
  'evaluation-api': {
    hmacKey: true,
    reads: [PROGRAMME, REGISTRATION, EVALUATION, EVALUATION_TOKEN, NOTICE, MAIL_MARK],
    queries: [EVALUATION, REGISTRATION],
    writes: [REGISTRATION, EVALUATION, EVALUATION_TOKEN, NOTICE, MAIL_MARK, AUDIT],
    indexes: [],
    // An export too large to be a reply goes out by a short-lived link to exports/.
    objects: { read: ['exports/'], write: ['exports/'] },
  },
  'workflow-task': {
    hmacKey: true,
    reads: [PROGRAMME, REGISTRATION, LOCK, CERTIFICATE],
    queries: [REGISTRATION, PROGRAMME],
    writes: [PROGRAMME, REGISTRATION, LOCK, CERTIFICATE],
    indexes: [],
    objects: { write: ['certificates/'] },
  },
  // Lists pending uploads from the sparse index, asks S3 whether each file arrived (HeadObject is s3:GetObject),
  // and takes abandoned ones out of the index.
  'stuck-uploads': {
    reads: [],
    queries: [],
    writes: [UPLOAD],
    indexes: ['byYear'],
    objects: { read: ['incoming/'] },
  },
  // SES bounce and complaint events (or an SMTP relay's DSNs): marks the address, records it in the registration's
  // history, and tells the unit contact once.
  'mail-events': {
    hmacKey: true,
    reads: [PROGRAMME, REGISTRATION, UNIT, NOTICE, MAIL_MARK],
    queries: [REGISTRATION],
    writes: [REGISTRATION, NOTICE, MAIL_MARK],
    indexes: [],
    objects: {},
  },
  'send-notice': {
    hmacKey: true,
    reads: [PROGRAMME, REGISTRATION, UNIT, EVALUATION, EVALUATION_TOKEN, NOTICE, MAIL_MARK],
    queries: [REGISTRATION, EVALUATION],
    writes: [REGISTRATION, EVALUATION, EVALUATION_TOKEN, NOTICE, MAIL_MARK],
    indexes: ['byClass'],
    objects: {},
  },
};

/** The `dynamodb:LeadingKeys` patterns for a list of prefixes (an exact static partition stays exact). */
export function leadingKeyPatterns(prefixes: readonly string[]): string[] {
  return prefixes.map((prefix) => (prefix.endsWith('#') ? `${prefix}*` : prefix));
}

/** True when the partition key is one of the declared prefixes (or the exact static partition). */
export function partitionAllowed(prefixes: readonly string[], partitionKey: string): boolean {
  return prefixes.some((prefix) => (prefix.endsWith('#') ? partitionKey.startsWith(prefix) : partitionKey === prefix));
}

/** True when the object key lies under one of the prefixes. */
export function objectAllowed(prefixes: readonly string[] | undefined, key: string): boolean {
  return (prefixes ?? []).some((prefix) => key.startsWith(prefix));
}
