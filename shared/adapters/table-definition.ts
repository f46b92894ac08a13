/**
 * The single table's key schema and indexes, declared once: the CDK storage construct and the local cloud both
 * create the table from this, so local tests exercise the same indexes that deploy.
 */
export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  /** Why the index exists: the access pattern it serves. */
  readonly serves: string;
  /** The non-key attributes the index copies: what lists and rosters read, never the personal details. */
  readonly projects: readonly string[];
}

/**
 * What a list, a roster or a close reads of a registration. The ID number, mobile and email live in the item's
 * `personal` attribute, which no index copies: a query can never return them, only the masked forms. Reading one
 * registration by key (GetItem) still has everything.
 */
export const REGISTRATION_SUMMARY_ATTRIBUTES = [
  'type',
  'registrationId',
  'year',
  'unit',
  'status',
  'uploadId',
  'row',
  'trainee',
  'masked',
  'classNumber',
  'createdAt',
  'updatedAt',
  'review',
  'waitingSince',
  'attendance',
  'leave',
  'completion',
  'certificate',
  'failure',
  'awaiting',
  'awaitingUntil',
  'closeResumedAt',
  // Uploads while pending sit in byYear too (a sparse partition): what the stuck-upload check reads of them
  // (uploadId, unit, createdAt and status are listed above).
  'key',
  'form',
] as const;

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const TABLE_INDEXES: readonly IndexDefinition[] = [
  {
    indexName: 'byUnit',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    serves: "a unit's registrations of a year, by status (unit operators, quota report)",
    projects: REGISTRATION_SUMMARY_ATTRIBUTES,
  },
  {
    indexName: 'byClass',
    partitionKey: 'gsi2pk',
    sortKey: 'gsi2sk',
    serves: 'the roster of one class (assignment, attendance, close, export)',
    projects: REGISTRATION_SUMMARY_ATTRIBUTES,
  },
  {
    indexName: 'byYear',
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    serves: 'all registrations of a year, by status (staff review queue)',
    projects: REGISTRATION_SUMMARY_ATTRIBUTES,
  },
];

/** Powertools idempotency records live in the same table under their own key prefix, expiring by TTL. */
export const TTL_ATTRIBUTE = 'expiresAt';
