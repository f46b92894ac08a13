import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Registration, RegistrationStatus } from '../domain/trainee-registration';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { type CursorBinding, decodeCursor, encodeCursor, invalidCursor, type Page } from './cursor';
import { indexKeys } from './keys';
import { toRegistration } from './registration-store';

const table = () => loadConfig().TABLE_NAME;

export interface ListQuery {
  readonly year: number;
  readonly unit?: string;
  readonly status?: RegistrationStatus;
  readonly classNumber?: number;
  /** Only registrations whose row raised this warning at validation (a code of `trainee.reviewNotes`). */
  readonly warning?: string;
  readonly cursor?: string;
  readonly limit: number;
  /** Who asked (the token's subject, or INTERNAL_CALLER): a cursor works only for the caller it was issued to. */
  readonly caller: string;
}

type IndexName = 'byUnit' | 'byClass' | 'byYear';

/** The key attributes of a base-table item and of each index: what a page resumes from. */
const INDEX_KEY: Record<IndexName, readonly string[]> = {
  byUnit: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
  byClass: ['pk', 'sk', 'gsi2pk', 'gsi2sk'],
  byYear: ['pk', 'sk', 'gsi3pk', 'gsi3sk'],
};

/**
 * How many Query calls a filtered page may make to fill itself. A warning is rare (a few percent of rows), so one
 * read of `limit` items may keep none; reading on fills most pages, and the bound keeps a request's cost and latency
 * fixed however rare the warning is. A page that reaches the bound comes back short with `next` set: the reply is
 * not the end of the list until `next` is null.
 */
export const MAX_FILTERED_READS = 5;

export async function listRegistrations(query: ListQuery): Promise<Page<Registration>> {
  const binding: CursorBinding = {
    caller: query.caller,
    query: {
      list: 'registrations',
      year: query.year,
      unit: query.unit,
      status: query.status,
      classNumber: query.classNumber,
      warning: query.warning,
    },
  };
  const input: QueryCommandInput = {
    TableName: table(),
    Limit: query.limit,
    ExclusiveStartKey: await decodeCursor(query.cursor, binding),
  };
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  let indexName: IndexName;
  if (query.classNumber !== undefined) {
    const { gsi2pk } = indexKeys.byClass(query.year, query.classNumber, '');
    indexName = 'byClass';
    input.KeyConditionExpression = 'gsi2pk = :pk';
    values[':pk'] = gsi2pk;
    if (query.unit) {
      filters.push('#unit = :unit');
      names['#unit'] = 'unit';
      values[':unit'] = query.unit;
    }
    if (query.status) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = query.status;
    }
  } else if (query.unit) {
    indexName = 'byUnit';
    input.KeyConditionExpression = query.status ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk';
    values[':pk'] = indexKeys.byUnit(query.year, query.unit, '', '').gsi1pk;
    if (query.status) values[':prefix'] = `${query.status}#`;
  } else {
    indexName = 'byYear';
    input.KeyConditionExpression = query.status ? 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)' : 'gsi3pk = :pk';
    values[':pk'] = indexKeys.byYear(query.year, '', '', '').gsi3pk;
    if (query.status) values[':prefix'] = `${query.status}#`;
  }
  if (query.warning) {
    // The codes live in the projected `trainee` map, so the index answers this without a read of the item.
    filters.push('contains(#trainee.#reviewNotes, :warning)');
    names['#trainee'] = 'trainee';
    names['#reviewNotes'] = 'reviewNotes';
    values[':warning'] = query.warning;
  }
  input.IndexName = indexName;
  if (filters.length > 0) {
    input.FilterExpression = filters.join(' AND ');
    input.ExpressionAttributeNames = names;
  }
  input.ExpressionAttributeValues = values;
  // A class list filtered by unit drops other units' registrations: its cursor must never hold one of their keys.
  const hidesOthers = query.classNumber !== undefined && query.unit !== undefined;
  const resumeAt = (item: Record<string, unknown>) =>
    Object.fromEntries(INDEX_KEY[indexName].map((name) => [name, item[name]]));
  try {
    const kept: Record<string, unknown>[] = [];
    for (let reads = 1; ; reads++) {
      const result = await dynamoClient().send(new QueryCommand(input));
      kept.push(...(result.Items ?? []));
      const more = result.LastEvaluatedKey;
      if (kept.length >= query.limit) {
        // A later read may keep more than the page has room for: the page ends at its last item, and the next
        // page resumes right after it (the items after it are read again, never skipped).
        const page = kept.slice(0, query.limit);
        const next = kept.length > query.limit || more ? resumeAt(page.at(-1) as Record<string, unknown>) : undefined;
        return { items: page.map(toRegistration), next: next ? await encodeCursor(next, binding) : null };
      }
      if (!more) return { items: kept.map(toRegistration), next: null };
      if (filters.length === 0) return { items: kept.map(toRegistration), next: await encodeCursor(more, binding) };
      if (hidesOthers) {
        // A filtered page's LastEvaluatedKey is whichever item was read last, often one the filter dropped: another
        // unit's registration in a class list. The cursor resumes from the last item returned instead, so it holds
        // only keys the caller was shown; with nothing of the caller's yet, read on rather than hand out a foreign key.
        const last = kept.at(-1);
        if (last) return { items: kept.map(toRegistration), next: await encodeCursor(resumeAt(last), binding) };
      } else if (reads >= MAX_FILTERED_READS) {
        // Every item of this query is one the caller may see, so resuming at the last one read (kept or not) is safe.
        return { items: kept.map(toRegistration), next: await encodeCursor(more, binding) };
      }
      input.ExclusiveStartKey = more;
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationException' && query.cursor) {
      throw invalidCursor();
    }
    throw error;
  }
}
