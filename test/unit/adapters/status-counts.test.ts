import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { assignSeat } from '../../../shared/adapters/class-seats';
import { listUnitFigures } from '../../../shared/adapters/quota-store';
import { transitionItems } from '../../../shared/adapters/registration-store';
import type { Registration } from '../../../shared/domain/trainee-registration';
import { useUnitTestEnvironment } from '../../support/unit-environment';

const dynamo = mockClient(DynamoDBDocumentClient);

const registration = {
  registrationId: 'R2024-440300-AAAA',
  year: 2024,
  unit: '440300',
  status: 'nominated',
  uploadId: 'u',
  row: 2,
  trainee: { name: '学员', creditCode: 'C', preferredClass: 3 },
  createdAt: '2024-08-24T00:00:00.000Z',
  updatedAt: '2024-08-24T00:00:00.000Z',
} as unknown as Registration;

/** The status-count change a transaction makes, read back as figure → delta. */
function countChange(items: ReturnType<typeof transitionItems>) {
  const counters = items.filter((item) => item.Update?.Key?.sk?.startsWith('STATUS#'));
  expect(counters).toHaveLength(1);
  const update = counters[0]?.Update;
  const names = update?.ExpressionAttributeNames ?? {};
  const values = update?.ExpressionAttributeValues ?? {};
  const adds = /ADD (.*)$/.exec(String(update?.UpdateExpression))?.[1]?.split(', ') ?? [];
  return {
    key: update?.Key,
    condition: update?.ConditionExpression,
    deltas: Object.fromEntries(
      adds.map((add) => {
        const [name, value] = add.split(' ') as [string, string];
        return [names[name], values[value]];
      }),
    ),
  };
}

beforeEach(() => {
  useUnitTestEnvironment();
  dynamo.reset();
});

describe('every status change moves the unit’s status counts in its own transaction', () => {
  it('out of the old status, into the new, and approved when review sends it to a place', () => {
    const items = transitionItems(registration, new Date('2024-09-01T00:00:00Z'), { to: 'assigned', by: 'system' });
    expect(countChange(items)).toEqual({
      key: { pk: 'PROGRAMME#2024', sk: 'STATUS#440300' },
      // No condition: a count never refuses the change it records.
      condition: undefined,
      deltas: { nominated: -1, assigned: 1, approved: 1 },
    });
  });

  it('a later change is no approval; not-placed is named in full', () => {
    const waitlisted = { ...registration, status: 'waitlisted' } as Registration;
    const items = transitionItems(waitlisted, new Date(), { to: 'not-placed', by: 'system' });
    expect(countChange(items).deltas).toEqual({ waitlisted: -1, 'not-placed': 1 });
  });

  it('comes after the items that move with the change, so their positions (and refusals) stay as they were', () => {
    const seat = {
      ConditionCheck: { TableName: 't', Key: { pk: 'PROGRAMME#2024', sk: 'CLASS#03' }, ConditionExpression: 'x' },
    };
    const items = transitionItems(registration, new Date(), { to: 'rejected', by: 'staff', alongside: [seat] });
    expect(items[0]?.Update?.Key).toEqual({ pk: 'REG#R2024-440300-AAAA', sk: 'REG' });
    expect(items[1]?.Put?.Item?.type).toBe('history');
    expect(items[2]).toBe(seat);
    expect(items.at(-1)?.Update?.Key?.sk).toBe('STATUS#440300');
  });

  it('a full class still refuses the assignment (the seat stays the third item)', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'None' }, { Code: 'None' }, { Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    expect(await assignSeat(registration, 3, 80, new Date(), 'system')).toBe(false);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[2]?.Update?.Key?.sk).toBe('CLASS#03');
    expect(countChange(items as never).deltas).toEqual({ nominated: -1, assigned: 1, approved: 1 });
  });
});

describe('listUnitFigures: every unit’s quota counter and status counts in one Query', () => {
  it('reads the QUOTA# to STATUS# range of the programme partition and pairs the items by unit', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        { pk: 'PROGRAMME#2024', sk: 'QUOTA#110000', used: 3, quota: 23 },
        { pk: 'PROGRAMME#2024', sk: 'QUOTA#440300', used: 2, deadlineExtendedUntil: '2024-09-07T23:59:59+08:00' },
        { pk: 'PROGRAMME#2024', sk: 'STATUS#110000', nominated: 2, assigned: 1, approved: 1, type: 'status-counts' },
        { pk: 'PROGRAMME#2024', sk: 'STATUS#440300', 'not-placed': 1, withdrawn: 4 },
        // Anything else that might sort into the range is not a unit's figure.
        { pk: 'PROGRAMME#2024', sk: 'QUOTA#110000#v2', used: 99 },
      ],
    });
    const figures = await listUnitFigures(2024);
    const [call, ...more] = dynamo.commandCalls(QueryCommand);
    expect(more).toEqual([]);
    expect(call?.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
      ExpressionAttributeValues: { ':pk': 'PROGRAMME#2024', ':first': 'QUOTA#', ':last': 'STATUS#~' },
    });
    expect(call?.args[0].input.IndexName).toBeUndefined();
    expect(Object.fromEntries(figures)).toEqual({
      '110000': { used: 3, counts: { nominated: 2, assigned: 1, approved: 1 } },
      '440300': {
        used: 2,
        deadlineExtendedUntil: '2024-09-07T23:59:59+08:00',
        counts: { 'not-placed': 1, withdrawn: 4 },
      },
    });
  });

  it('follows a second page if the range ever outgrows one', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ sk: 'QUOTA#110000', used: 1 }], LastEvaluatedKey: { pk: 'p', sk: 'QUOTA#110000' } })
      .resolvesOnce({ Items: [{ sk: 'STATUS#110000', nominated: 1 }] });
    expect(Object.fromEntries(await listUnitFigures(2024))).toEqual({
      '110000': { used: 1, counts: { nominated: 1 } },
    });
    expect(dynamo.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({
      pk: 'p',
      sk: 'QUOTA#110000',
    });
  });
});
