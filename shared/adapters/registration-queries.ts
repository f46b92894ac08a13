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
  readonly cursor?: string;
  readonly limit: number;
  /** Who asked (the token's subject, or INTERNAL_CALLER): a cursor works only for the caller it was issued to. */
  readonly caller: string;
}

/** The key attributes of a base-table item and of the byClass index, which a filtered page resumes from. */
const CLASS_INDEX_KEY = ['pk', 'sk', 'gsi2pk', 'gsi2sk'] as const;

export async function listRegistrations(query: ListQuery): Promise<Page<Registration>> {
  const binding: CursorBinding = {
    caller: query.caller,
    query: {
      list: 'registrations',
      year: query.year,
      unit: query.unit,
      status: query.status,
      classNumber: query.classNumber,
    },
  };
  const input: QueryCommandInput = {
    TableName: table(),
    Limit: query.limit,
    ExclusiveStartKey: await decodeCursor(query.cursor, binding),
  };
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  if (query.classNumber !== undefined) {
    const { gsi2pk } = indexKeys.byClass(query.year, query.classNumber, '');
    input.IndexName = 'byClass';
    input.KeyConditionExpression = 'gsi2pk = :pk';
    values[':pk'] = gsi2pk;
    if (query.unit) {
      filters.push('#unit = :unit');
      values[':unit'] = query.unit;
    }
    if (query.status) {
      filters.push('#status = :status');
      values[':status'] = query.status;
    }
  } else if (query.unit) {
    input.IndexName = 'byUnit';
    input.KeyConditionExpression = query.status ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk';
    values[':pk'] = indexKeys.byUnit(query.year, query.unit, '', '').gsi1pk;
    if (query.status) values[':prefix'] = `${query.status}#`;
  } else {
    input.IndexName = 'byYear';
    input.KeyConditionExpression = query.status ? 'gsi3pk = :pk AND begins_with(gsi3sk, :prefix)' : 'gsi3pk = :pk';
    values[':pk'] = indexKeys.byYear(query.year, '', '', '').gsi3pk;
    if (query.status) values[':prefix'] = `${query.status}#`;
  }
  if (filters.length > 0) {
    input.FilterExpression = filters.join(' AND ');
    input.ExpressionAttributeNames = {
      ...(query.unit ? { '#unit': 'unit' } : {}),
      ...(query.status ? { '#status': 'status' } : {}),
    };
  }
  input.ExpressionAttributeValues = values;
  try {
    for (;;) {
      const result = await dynamoClient().send(new QueryCommand(input));
      const items = result.Items ?? [];
      const last = items.at(-1);
      if (!result.LastEvaluatedKey) return { items: items.map(toRegistration), next: null };
      if (filters.length === 0) {
        return { items: items.map(toRegistration), next: await encodeCursor(result.LastEvaluatedKey, binding) };
      }
      // A filtered page's LastEvaluatedKey is whichever item was read last, often one the filter dropped: another
      // unit's registration in a class list. The cursor resumes from the last item returned instead, so it holds
      // only keys the caller was shown; the items between are read again and dropped again.
      if (last) {
        const resumeAt = Object.fromEntries(CLASS_INDEX_KEY.map((name) => [name, last[name]]));
        return { items: items.map(toRegistration), next: await encodeCursor(resumeAt, binding) };
      }
      // Nothing of the caller's on this page and more to read: read on rather than hand out a foreign key.
      input.ExclusiveStartKey = result.LastEvaluatedKey;
    }
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationException' && query.cursor) {
      throw invalidCursor();
    }
    throw error;
  }
}
