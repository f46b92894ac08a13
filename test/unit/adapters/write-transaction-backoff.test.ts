import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetClients } from '../../../shared/adapters/aws-clients';
import { resetConfig } from '../../../shared/adapters/config';
import { writeTransaction } from '../../../shared/adapters/registration-store';
import { recordWaits } from '../../support/recorded-waits';

/**
 * A transaction cancelled only by a conflict is tried again after an exponential backoff with jitter (DynamoDB's
 * advice): up to 10 ms × 2^attempt, scaled by a random factor. With the factor fixed at ½ the waits are, by hand,
 * 10 × 2 × ½ = 10, then 20, 40 and 80 ms before the fifth and last attempt.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const conflict = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'TransactionConflict' }],
  });
const items = [{ Put: { TableName: 't', Item: { pk: 'A', sk: 'B' } } }];

beforeEach(() => {
  Object.assign(process.env, { TABLE_NAME: 't', AWS_REGION: 'cn-north-1' });
  resetConfig();
  resetClients();
  dynamo.reset();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('writeTransaction backoff', () => {
  it('waits twice as long before each retry, scaled by the jitter', async () => {
    const waits = recordWaits();
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(conflict())
      .rejectsOnce(conflict())
      .rejectsOnce(conflict())
      .rejectsOnce(conflict())
      .resolves({});
    await expect(writeTransaction(items)).resolves.toBeUndefined();
    expect(waits).toEqual([10, 20, 40, 80]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(5);
  });
});
