import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Registration, RegistrationStatus } from '../domain/trainee-registration';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { decodeCursor, encodeCursor, invalidCursor, type Page } from './cursor';
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
}

export async function listRegistrations(query: ListQuery): Promise<Page<Registration>> {
  const input: QueryCommandInput = {
    TableName: table(),
    Limit: query.limit,
    ExclusiveStartKey: decodeCursor(query.cursor),
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
    const result = await dynamoClient().send(new QueryCommand(input));
    return {
      items: (result.Items ?? []).map(toRegistration),
      next: result.LastEvaluatedKey ? encodeCursor(result.LastEvaluatedKey) : null,
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ValidationException' && query.cursor) {
      throw invalidCursor();
    }
    throw error;
  }
}
