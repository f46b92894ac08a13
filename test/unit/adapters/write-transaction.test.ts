import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetClients } from '../../../shared/adapters/aws-clients';
import { resetConfig } from '../../../shared/adapters/config';
import { TransactionRefused, writeTransaction } from '../../../shared/adapters/registration-store';

/** A transaction cancelled only because another one held an item is tried again; a refused condition is not. */
const dynamo = mockClient(DynamoDBDocumentClient);
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const items = [
  { ConditionCheck: { TableName: 't', Key: { pk: 'CLASS', sk: 'X' }, ConditionExpression: 'attribute_exists(pk)' } },
  { Put: { TableName: 't', Item: { pk: 'A', sk: 'B' } } },
];

beforeEach(() => {
  Object.assign(process.env, { TABLE_NAME: 't', AWS_REGION: 'cn-north-1' });
  resetConfig();
  resetClients();
  dynamo.reset();
});

describe('writeTransaction', () => {
  it('retries a TransactionConflict and succeeds when the other writer is done', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});
    await expect(writeTransaction(items)).resolves.toBeUndefined();
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('gives up after a few conflicts, reporting them', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('TransactionConflict', 'None'));
    const error = await writeTransaction(items).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionRefused);
    expect((error as TransactionRefused).conflict).toBe(true);
    expect(dynamo.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
    expect(dynamo.commandCalls(TransactWriteCommand).length).toBeLessThanOrEqual(5);
  });

  it('never retries a refused condition', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'TransactionConflict'));
    const error = await writeTransaction(items).catch((e: unknown) => e);
    expect((error as TransactionRefused).failedAt(0)).toBe(true);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});
