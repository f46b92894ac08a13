import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useUnitTestEnvironment } from '../../support/unit-environment';
import { handler } from '../../../functions/workflow-task/handler';
import { clearProgrammeCache } from '../../../shared/adapters/programme-store';

/**
 * Steps the local cloud cannot easily reach through public surfaces: the end of a waitlist wait whose promotion
 * reached the registration but whose resumption was lost.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const context = { awsRequestId: 'r', functionName: 'workflow-task' } as unknown as Context;
const stored = (status: string, extra: Record<string, unknown> = {}) => ({
  pk: 'REG#R1',
  sk: 'REG',
  registrationId: 'R1',
  year: 2024,
  unit: '110000',
  status,
  uploadId: 'u',
  row: 2,
  createdAt: '2024-08-24T01:00:00.000Z',
  updatedAt: '2024-08-24T01:00:00.000Z',
  personHash: 'h',
  trainee: { creditCode: '91350100M000100Y43', preferredClass: 1 },
  ...extra,
});
const endWaitlist = () =>
  handler({ action: 'endWaitlist', registrationId: 'R1', unit: '110000', year: 2024 } as never, context);

beforeEach(() => {
  useUnitTestEnvironment({
    CLOCK_OFFSET_MS: String(Date.parse('2024-09-23T00:00:00+08:00') - Date.now()),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  clearProgrammeCache();
  dynamo.reset();
});

describe('EndWaitlist', () => {
  it('finds a promotion whose resumption was lost and carries on as assigned, releasing nothing', async () => {
    dynamo
      .on(GetCommand)
      .callsFake((input) => (input.Key.pk === 'REG#R1' ? { Item: stored('assigned', { classNumber: 3 }) } : {}));
    const result = await endWaitlist();
    expect(result).toMatchObject({ outcome: 'assigned', classNumber: 3 });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('ends a trainee still waitlisted as not placed, releasing quota, locks and the waitlist place at once', async () => {
    dynamo
      .on(GetCommand)
      .callsFake((input) =>
        input.Key.pk === 'REG#R1' ? { Item: stored('waitlisted', { waitingSince: '2024-09-01T00:00:00.000Z' }) } : {},
      );
    dynamo.on(TransactWriteCommand).resolves({});
    expect(await endWaitlist()).toEqual({ outcome: 'not-placed' });
    const [call] = dynamo.commandCalls(TransactWriteCommand);
    const items = call?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Update?.ExpressionAttributeValues).toMatchObject({ ':to': 'not-placed', ':from': 'waitlisted' });
    expect(items.some((item) => item.Delete?.Key?.sk?.startsWith('WAITLIST#'))).toBe(true);
    expect(items.filter((item) => item.Delete?.Key?.pk?.startsWith('LOCK#'))).toHaveLength(2);
  });
});
