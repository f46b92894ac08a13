import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import defaultProgramme2024 from '../../data/programme-2024.json';
import { type Programme, parseProgramme } from '../domain/programme';
import type { AuditEvent } from '../domain/audit';
import type { ProgrammeChange } from '../domain/programme-settings';
import { auditPut } from './audit-store';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { decodeCursor, encodeCursor, type Page } from './cursor';
import { keys, PROGRAMME_VERSION_PREFIX } from './keys';
import { getItem, type TransactItem, TransactionRefused, writeTransaction } from './registration-store';

/** Shipped defaults, by year; staff-edited programmes stored in the table take precedence. */
const DEFAULTS: Record<number, unknown> = { 2024: defaultProgramme2024 };
/**
 * How long a warm function keeps the programme it read. Every upload request, ingest, workflow step and verification
 * reads it, so it is cached; but a save must reach the other functions soon, because until then they apply the old
 * deadline, quotas and capacities (a lowered quota could be overrun by what arrives in that window). Ten seconds
 * costs one read per warm container per ten seconds and bounds that window; the saving function sees a save at once.
 */
export const PROGRAMME_CACHE_MS = 10_000;
const cache = new Map<number, { record: ProgrammeRecord; at: number }>();

/** The programme in force and its version: 0 until staff first save one (the shipped or seeded programme). */
export interface ProgrammeRecord {
  readonly programme: Programme;
  readonly version: number;
  readonly savedAt?: string;
  readonly savedBy?: string;
}

export async function loadProgramme(year: number): Promise<Programme | undefined> {
  return (await loadProgrammeRecord(year))?.programme;
}

/** The programme as the cache holds it (at most PROGRAMME_CACHE_MS old). */
export async function loadProgrammeRecord(year: number): Promise<ProgrammeRecord | undefined> {
  const hit = cache.get(year);
  if (hit && Date.now() - hit.at < PROGRAMME_CACHE_MS) return hit.record;
  return readProgramme(year);
}

/** The programme as stored now (a consistent read, no cache): what an editor must start from. */
export async function readProgramme(year: number): Promise<ProgrammeRecord | undefined> {
  const stored = await getItem(keys.programme(year));
  const source = stored?.programme ?? DEFAULTS[year];
  if (!source) return undefined;
  const record: ProgrammeRecord = {
    programme: parseProgramme(source),
    version: Number(stored?.version ?? 0),
    ...(stored?.savedAt ? { savedAt: String(stored.savedAt), savedBy: String(stored.savedBy) } : {}),
  };
  cache.set(year, { record, at: Date.now() });
  return record;
}

/**
 * Seeds a programme without a version (the local cloud's start, benchmarks, tests): it replaces the schedule but
 * keeps the version counter, so versions saved through the API stay in sequence. Staff edits go through
 * saveProgrammeVersion.
 */
export async function saveProgramme(programme: Programme): Promise<void> {
  await dynamoClient().send(
    new UpdateCommand({
      TableName: loadConfig().TABLE_NAME,
      Key: keys.programme(programme.year),
      UpdateExpression: 'SET programme = :programme, #type = :type',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':programme': programme, ':type': 'programme' },
    }),
  );
  cache.delete(programme.year);
}

/** One saved version: the whole programme, who saved it, when, why, and what changed from the one before. */
export interface ProgrammeVersion {
  readonly year: number;
  readonly version: number;
  readonly programme: Programme;
  readonly by: string;
  readonly at: string;
  readonly reason: string;
  readonly changes: readonly ProgrammeChange[];
}

/**
 * Limits the save re-checks inside its transaction, so nothing recorded between the validation's reads and the write
 * can make it wrong: a unit's used seats at most its new quota, a class's assigned seats at most its new capacity.
 */
export interface SaveGuards {
  readonly quotaAtMost: ReadonlyMap<string, number>;
  readonly classSeatsAtMost: ReadonlyMap<number, number>;
}

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly record: ProgrammeRecord }
  /** Someone saved another version since `expectedVersion`. */
  | { readonly kind: 'version-changed' }
  /** A guarded count moved past its new limit while saving: validate again. */
  | { readonly kind: 'state-changed' };

/** A transaction holds at most 100 items: the three puts, then as many guards as fit. */
const MAX_GUARDS = 97;

/**
 * The new current programme, its immutable version item and (when given) the audit event of the change, in one
 * transaction, only over `expectedVersion`: a change is never saved without its version and its audit event.
 */
export async function saveProgrammeVersion(
  version: Omit<ProgrammeVersion, 'version'>,
  expectedVersion: number,
  guards: SaveGuards,
  audit?: AuditEvent,
): Promise<SaveOutcome> {
  const table = loadConfig().TABLE_NAME;
  const next = expectedVersion + 1;
  const { year, programme, by, at } = version;
  const checks: TransactItem[] = [
    ...[...guards.quotaAtMost].map(([unit, quota]) => atMost(table, keys.unitQuota(year, unit), quota)),
    ...[...guards.classSeatsAtMost].map(([number, capacity]) => atMost(table, keys.classSeats(year, number), capacity)),
  ].slice(0, MAX_GUARDS);
  try {
    await writeTransaction([
      {
        Put: {
          TableName: table,
          Item: { ...keys.programme(year), type: 'programme', programme, version: next, savedAt: at, savedBy: by },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(#version)' }
            : {
                ConditionExpression: '#version = :expected',
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
          ExpressionAttributeNames: { '#version': 'version' },
        },
      },
      {
        Put: {
          TableName: table,
          Item: { ...keys.programmeVersion(year, next), type: 'programme-version', ...version, version: next },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(audit ? [auditPut(audit)] : []),
      ...checks,
    ]);
  } catch (error) {
    if (!(error instanceof TransactionRefused)) throw error;
    if (error.failedAt(0) || error.failedAt(1)) return { kind: 'version-changed' };
    if (error.reasons.includes('ConditionalCheckFailed')) return { kind: 'state-changed' };
    throw error;
  }
  const record: ProgrammeRecord = { programme, version: next, savedAt: at, savedBy: by };
  // The saving function serves the new programme at once; others within PROGRAMME_CACHE_MS.
  cache.set(year, { record, at: Date.now() });
  return { kind: 'saved', record };
}

function atMost(table: string, key: { pk: string; sk: string }, limit: number): TransactItem {
  return {
    ConditionCheck: {
      TableName: table,
      Key: key,
      ConditionExpression: 'attribute_not_exists(used) OR used <= :limit',
      ExpressionAttributeValues: { ':limit': limit },
    },
  };
}

export type ProgrammeVersionSummary = Omit<ProgrammeVersion, 'programme'>;

/** Saved versions, newest first, without the programmes themselves (one is read with getProgrammeVersion). */
export async function listProgrammeVersions(
  year: number,
  page: { readonly cursor?: string; readonly limit: number; readonly caller: string },
): Promise<Page<ProgrammeVersionSummary>> {
  // Stryker disable next-line StringLiteral: the name need only differ from other lists' names, and no other list binds a year alone
  const binding = { caller: page.caller, query: { list: 'programme-versions', year } };
  const start = await decodeCursor(page.cursor, binding);
  const result = await dynamoClient().send(
    new QueryCommand({
      TableName: loadConfig().TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.programme(year).pk, ':prefix': PROGRAMME_VERSION_PREFIX },
      ProjectionExpression: '#year, version, #by, #at, reason, changes',
      ExpressionAttributeNames: { '#year': 'year', '#by': 'by', '#at': 'at' },
      ScanIndexForward: false,
      Limit: page.limit,
      ExclusiveStartKey: start,
    }),
  );
  const last = result.LastEvaluatedKey;
  return {
    // Stryker disable next-line ArrayDeclaration: a Query's reply always has Items (an empty list when nothing matches)
    items: (result.Items ?? []).map((item) => item as ProgrammeVersionSummary),
    next: last ? await encodeCursor(last, binding) : null,
  };
}

export async function getProgrammeVersion(year: number, version: number): Promise<ProgrammeVersion | undefined> {
  const item = await getItem(keys.programmeVersion(year, version));
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, type: _type, ...stored } = item;
  return stored as unknown as ProgrammeVersion;
}

export function defaultProgramme(year: number): Programme | undefined {
  const source = DEFAULTS[year];
  return source ? parseProgramme(source) : undefined;
}

export function clearProgrammeCache(): void {
  cache.clear();
}
