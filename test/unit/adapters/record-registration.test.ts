import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useUnitTestEnvironment } from '../../support/unit-environment';
import {
  ROWS_PER_TRANSACTION,
  type RecordRequest,
  recordRegistrations,
} from '../../../shared/adapters/registration-recording';
import type { Registration } from '../../../shared/domain/trainee-registration';
import { recordWaits } from '../../support/recorded-waits';

const dynamo = mockClient(DynamoDBDocumentClient);

const registration: Registration = {
  registrationId: 'R2024-110000-ABC',
  year: 2024,
  unit: '110000',
  status: 'nominated',
  uploadId: 'u1',
  row: 2,
  createdAt: '2024-08-24T01:00:00.000Z',
  updatedAt: '2024-08-24T01:00:00.000Z',
  trainee: {
    name: '张三',
    gender: '男',
    ethnicity: '汉族',
    birthDate: '1949-12-31',
    idNumber: '11010519491231002X',
    politicalStatus: '群众',
    education: '本科',
    enterpriseName: '某公司',
    creditCode: '91350100M000100Y43',
    position: '董事长',
    isTopPerson: true,
    categories: ['高新技术企业'],
    industry: '制造业',
    employees: 10,
    revenue: 100,
    mobile: '13812341234',
    email: 'a@example.com',
    preferredClass: 1,
    remarks: '',
  },
};

const cancelled = (codes: string[], holder?: string) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code, Item: holder ? { unit: { S: holder } } : undefined })),
  });

/** One row on its own goes through the one-row transaction. */
const recordOne = async (request: RecordRequest) => (await recordRegistrations([request])).outcomes[0];

describe('one row, one transaction: cancellations become outcomes', () => {
  beforeEach(() => {
    useUnitTestEnvironment();
    dynamo.reset();
  });

  it('writes registration, enterprise lock, person lock, quota counter and status count together, with no raw ID in keys', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    expect(await recordOne({ registration, personHash: 'h'.repeat(64), quota: 23 })).toEqual({
      kind: 'recorded',
    });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(5);
    expect(items[1]?.Put?.Item?.pk).toBe('LOCK#ENT#2024#91350100M000100Y43');
    expect(items[2]?.Put?.Item?.pk).toBe(`LOCK#PERSON#2024#${'h'.repeat(64)}`);
    expect(items[3]?.Update?.ConditionExpression).toBe('attribute_not_exists(used) OR used <= :limit');
    expect(items[3]?.Update?.ExpressionAttributeValues).toMatchObject({ ':seats': 1, ':limit': 22 });
    // The unit's status counts: one more nominated, no condition that could refuse the row.
    expect(items[4]?.Update?.Key).toEqual({ pk: 'PROGRAMME#2024', sk: 'STATUS#110000' });
    expect(items[4]?.Update?.ConditionExpression).toBeUndefined();
    expect(items[4]?.Update?.UpdateExpression).toContain('ADD #f0 :f0');
    expect(items[4]?.Update?.ExpressionAttributeNames?.['#f0']).toBe('nominated');
    expect(items[4]?.Update?.ExpressionAttributeValues?.[':f0']).toBe(1);
    const keys = items.map((item) => JSON.stringify(item.Put?.Item?.pk ?? item.Update?.Key));
    expect(keys.join()).not.toContain(registration.trainee.idNumber);
  });

  it.each([
    [['ConditionalCheckFailed', 'None', 'None', 'None', 'None'], { kind: 'already-recorded' }],
    [
      ['None', 'ConditionalCheckFailed', 'None', 'None', 'None'],
      { kind: 'duplicate-enterprise', heldByUnit: '120000' },
    ],
    [['None', 'None', 'ConditionalCheckFailed', 'None', 'None'], { kind: 'duplicate-person', heldByUnit: '120000' }],
    [['None', 'None', 'None', 'ConditionalCheckFailed', 'None'], { kind: 'quota-exceeded', quota: 23 }],
  ])('cancellation %j → %j', async (codes, outcome) => {
    dynamo.on(TransactWriteCommand).rejects(cancelled(codes, '120000'));
    expect(await recordOne({ registration, personHash: 'h', quota: 23 })).toEqual(outcome);
    // A row on its own is one transaction, asked to return the lock holder, and not replayed.
    const calls = dynamo.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((item) => item.Put?.ReturnValuesOnConditionCheckFailure)).toEqual([
      undefined,
      'ALL_OLD',
      'ALL_OLD',
      undefined,
      undefined,
    ]);
  });

  it.each([
    [['None', 'ConditionalCheckFailed', 'None', 'None', 'None'], { kind: 'duplicate-enterprise', heldByUnit: '' }],
    [['None', 'None', 'ConditionalCheckFailed', 'None', 'None'], { kind: 'duplicate-person', heldByUnit: '' }],
  ])('a lock refused without its holder (%j) still names the duplicate, with no unit', async (codes, outcome) => {
    dynamo.on(TransactWriteCommand).rejects(cancelled(codes));
    expect(await recordOne({ registration, personHash: 'h', quota: 23 })).toEqual(outcome);
  });

  it('passes on a cancellation it cannot explain (no reasons, or another reason) without retrying', async () => {
    const bare = new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {} });
    dynamo.on(TransactWriteCommand).rejects(bare);
    await expect(recordOne({ registration, personHash: 'h', quota: 23 })).rejects.toBe(bare);
    dynamo.reset();
    const throttled = cancelled(['None', 'None', 'None', 'None', 'ThrottlingError']);
    dynamo.on(TransactWriteCommand).rejects(throttled);
    await expect(recordOne({ registration, personHash: 'h', quota: 23 })).rejects.toBe(throttled);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('retries transaction conflicts, then succeeds', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'None', 'None', 'TransactionConflict', 'None']))
      .resolves({});
    expect(await recordOne({ registration, personHash: 'h', quota: 23 })).toEqual({ kind: 'recorded' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  describe('conflict back-off', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    /**
     * DynamoDB's advice: exponential back-off with jitter, up to 20 ms × 2^attempt here, scaled by a random factor.
     * With the factor fixed at ½ the waits are, by hand, 10, 20, 40, 80, 160, 320, 640 and 1280 ms: eight retries,
     * nine attempts, then the conflict is passed on.
     */
    it('waits twice as long before each of its eight retries, then passes the conflict on', async () => {
      const waits = recordWaits();
      const conflict = cancelled(['None', 'None', 'None', 'TransactionConflict', 'None']);
      dynamo.on(TransactWriteCommand).rejects(conflict);
      await expect(recordOne({ registration, personHash: 'h', quota: 23 })).rejects.toBe(conflict);
      expect(waits).toEqual([10, 20, 40, 80, 160, 320, 640, 1280]);
      expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(9);
    });
  });

  it('refuses every row when the quota is zero, even before the counter exists', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await recordOne({ registration, personHash: 'h', quota: 0 });
    const counter = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[3]?.Update;
    expect(counter?.ConditionExpression).toBe('used <= :limit');
    expect(counter?.ExpressionAttributeValues?.[':limit']).toBe(-1);
  });
});

describe('recordRegistrations: rows share transactions, a cancelled group is replayed row by row', () => {
  const rows = (count: number, quota = 100): RecordRequest[] =>
    Array.from({ length: count }, (_, i) => ({
      registration: {
        ...registration,
        registrationId: `R-${i}`,
        trainee: { ...registration.trainee, creditCode: `CODE${i}` },
      },
      personHash: `hash-${i}`,
      quota,
    }));
  const transactions = () => dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input);

  beforeEach(() => dynamo.reset());

  it('writes 40 rows in two transactions of 32 and 8 rows, each taking its seats and counting them at once', async () => {
    dynamo.on(TransactWriteCommand).resolves({ ConsumedCapacity: [{ CapacityUnits: 10 }] });
    const { outcomes, writeUnits } = await recordRegistrations(rows(40));
    expect(outcomes).toEqual(Array.from({ length: 40 }, () => ({ kind: 'recorded' })));
    expect(writeUnits).toBe(20);
    const [first, second, ...more] = transactions();
    expect(more).toEqual([]);
    expect(first?.TransactItems).toHaveLength(3 * ROWS_PER_TRANSACTION + 2);
    expect(first?.TransactItems?.length).toBeLessThanOrEqual(100);
    expect(first?.TransactItems?.at(-2)?.Update?.ExpressionAttributeValues).toMatchObject({
      ':seats': 32,
      ':limit': 68,
    });
    // One status-count item per transaction, however many rows: a transaction may touch an item only once.
    expect(first?.TransactItems?.at(-1)?.Update?.ExpressionAttributeValues).toMatchObject({ ':f0': 32 });
    expect(second?.TransactItems).toHaveLength(3 * 8 + 2);
    expect(second?.TransactItems?.at(-2)?.Update?.ExpressionAttributeValues).toMatchObject({
      ':seats': 8,
      ':limit': 92,
    });
    expect(second?.TransactItems?.at(-1)?.Update?.ExpressionAttributeValues).toMatchObject({ ':f0': 8 });
  });

  it('replays a cancelled group row by row, so only the conflicting row is refused', async () => {
    const duplicate = cancelled(['None', 'ConditionalCheckFailed', 'None', 'None', 'None'], '120000');
    dynamo.on(TransactWriteCommand).callsFake((input: { TransactItems: { Put?: { Item?: { pk?: string } } }[] }) => {
      if (input.TransactItems.length > 5) throw cancelled(['None', 'ConditionalCheckFailed'], '120000');
      if (input.TransactItems[1]?.Put?.Item?.pk === 'LOCK#ENT#2024#CODE2') throw duplicate;
      return {};
    });
    const { outcomes } = await recordRegistrations(rows(5));
    expect(outcomes).toEqual([
      { kind: 'recorded' },
      { kind: 'recorded' },
      { kind: 'duplicate-enterprise', heldByUnit: '120000' },
      { kind: 'recorded' },
      { kind: 'recorded' },
    ]);
    expect(transactions().map((t) => t.TransactItems?.length)).toEqual([17, 5, 5, 5, 5, 5]);
  });

  it('never asks for more seats than the quota in one transaction, so only the overflow is replayed', async () => {
    dynamo.on(TransactWriteCommand).callsFake((input: { TransactItems: unknown[] }) => {
      // The second group finds the quota taken, and so does each of its rows on replay.
      if (dynamo.commandCalls(TransactWriteCommand).length > 1) {
        const codes = input.TransactItems.map(() => 'None');
        codes[codes.length - 2] = 'ConditionalCheckFailed';
        throw cancelled(codes);
      }
      return {};
    });
    const { outcomes } = await recordRegistrations(rows(12, 10));
    expect(outcomes.map((outcome) => outcome.kind)).toEqual([
      ...Array.from({ length: 10 }, () => 'recorded'),
      'quota-exceeded',
      'quota-exceeded',
    ]);
    expect(transactions().map((t) => t.TransactItems?.length)).toEqual([32, 8, 5, 5]);
  });

  it('writes rows of different units, years or quotas one by one, each against its own counter', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    for (const other of [{ unit: '120000' }, { year: 2025 }]) {
      dynamo.reset();
      dynamo.on(TransactWriteCommand).resolves({});
      const mixed = rows(3);
      const second = mixed[1] as { registration: Registration };
      second.registration = { ...second.registration, ...other };
      await recordRegistrations(mixed);
      expect(transactions().map((t) => t.TransactItems?.length)).toEqual([5, 5, 5]);
    }
    dynamo.reset();
    dynamo.on(TransactWriteCommand).resolves({});
    const quotas = rows(3);
    (quotas[2] as { quota: number }).quota = 50;
    await recordRegistrations(quotas);
    expect(transactions().map((t) => t.TransactItems?.length)).toEqual([5, 5, 5]);
    expect(transactions()[2]?.TransactItems?.[3]?.Update?.ExpressionAttributeValues).toMatchObject({ ':limit': 49 });
  });

  it('writes rows one by one when the same enterprise or person appears twice in a group', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const twice = rows(3);
    (twice[2] as { personHash: string }).personHash = 'hash-0';
    await recordRegistrations(twice);
    expect(transactions().map((t) => t.TransactItems?.length)).toEqual([5, 5, 5]);
  });
});
