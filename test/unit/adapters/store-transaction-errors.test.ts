import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import shipped from '../../../data/programme-2024.json';
import { clearProgrammeCache, saveProgrammeVersion } from '../../../shared/adapters/programme-store';
import { TransactionRefused, writeTransaction } from '../../../shared/adapters/registration-store';
import { parseProgramme } from '../../../shared/domain/programme';
import { useUnitTestEnvironment } from '../../support/unit-environment';

/**
 * What the stores pass on when DynamoDB fails in a way DynamoDB Local cannot be made to (a cancellation without
 * reasons, a transaction that keeps conflicting, the service unreachable): a save of the programme answers
 * "version changed" or "state changed" only for refused conditions, and hands every other failure to its caller.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.length ? codes.map((Code) => ({ Code })) : undefined,
  });
const programme = { ...parseProgramme(shipped), year: 2030 };
const version = { year: 2030, programme, by: 'staff:s1', at: '2030-08-01T00:00:00.000Z', reason: 'r', changes: [] };
const guards = { quotaAtMost: new Map([['110000', 3]]), classSeatsAtMost: new Map<number, number>() };

beforeEach(() => {
  useUnitTestEnvironment();
  clearProgrammeCache();
  dynamo.reset();
});

describe('store transactions that fail without a refused condition', () => {
  it('reports a cancellation without reasons as refused, with no reasons', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled());
    const error = await writeTransaction([{ Put: { TableName: 't', Item: { pk: 'A', sk: 'B' } } }]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransactionRefused);
    expect((error as TransactionRefused).reasons).toEqual([]);
  });

  it('hands a programme save’s other failures to the caller instead of answering changed', async () => {
    const unreachable = new Error('connect ECONNREFUSED');
    dynamo.on(TransactWriteCommand).rejects(unreachable);
    await expect(saveProgrammeVersion(version, 0, guards)).rejects.toBe(unreachable);
    // A guard's item that keeps conflicting is no refused limit: after the retries the refusal itself is passed on.
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'None', 'TransactionConflict'));
    const error = await saveProgrammeVersion(version, 0, guards).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionRefused);
    expect((error as TransactionRefused).conflict).toBe(true);
  });
});
