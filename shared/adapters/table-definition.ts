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
}

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const TABLE_INDEXES: readonly IndexDefinition[] = [
  {
    indexName: 'byUnit',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    serves: "a unit's registrations of a year, by status (unit operators, quota report)",
  },
  {
    indexName: 'byClass',
    partitionKey: 'gsi2pk',
    sortKey: 'gsi2sk',
    serves: 'the roster of one class (assignment, attendance, close, export)',
  },
  {
    indexName: 'byYear',
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    serves: 'all registrations of a year, by status (staff review queue)',
  },
];

/** Powertools idempotency records live in the same table under their own key prefix, expiring by TTL. */
export const TTL_ATTRIBUTE = 'expiresAt';
