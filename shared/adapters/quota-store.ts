import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient } from './aws-clients';
import { loadConfig } from './config';
import { keys } from './keys';

/** A unit's counter for one year: seats used, and a deadline extension staff may have granted. */
export interface UnitQuotaState {
  readonly used: number;
  readonly deadlineExtendedUntil?: string;
}

export async function getUnitQuotaState(year: number, unit: string): Promise<UnitQuotaState> {
  const result = await dynamoClient().send(
    new GetCommand({ TableName: loadConfig().TABLE_NAME, Key: keys.unitQuota(year, unit), ConsistentRead: true }),
  );
  return {
    used: Number(result.Item?.used ?? 0),
    deadlineExtendedUntil: result.Item?.deadlineExtendedUntil as string | undefined,
  };
}
