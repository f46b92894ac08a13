import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { useUnitTestEnvironment } from '../../support/unit-environment';
import { getTaskToken, saveTaskToken, tokenCondition } from '../../../shared/adapters/workflow-tokens';

const dynamo = mockClient(DynamoDBDocumentClient);

/** DynamoDB's refusal of a condition; with ALL_OLD it carries the stored item, in the raw attribute-value format. */
const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: item as never,
  });
const update = () => {
  const input = dynamo.commandCalls(UpdateCommand)[0]?.args[0].input;
  if (!input) throw new Error('no UpdateCommand sent');
  return input;
};

beforeEach(() => {
  useUnitTestEnvironment();
  dynamo.reset();
});

describe('saveTaskToken: one conditional write parks the workflow', () => {
  it('saves the token, the stage and until when it waits on a live registration, in one write', async () => {
    dynamo.on(UpdateCommand).resolves({});
    expect(await saveTaskToken('R-1', 'review', 'token', '2024-09-23T09:00:00.000Z')).toBe('saved');
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    const input = update();
    expect(input.Key).toEqual({ pk: 'REG#R-1', sk: 'REG' });
    expect(input.ConditionExpression).toBe('attribute_exists(pk) AND #status <> :withdrawn');
    expect(input.UpdateExpression).toContain('awaitingUntil = :due');
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':token': 'token',
      ':stage': 'review',
      ':withdrawn': 'withdrawn',
      ':due': '2024-09-23T09:00:00.000Z',
    });
    // The stored item is asked back on refusal, so a withdrawal can be told from a missing registration.
    expect(input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('clears an earlier wait’s due time when this wait has none', async () => {
    dynamo.on(UpdateCommand).resolves({});
    expect(await saveTaskToken('R-1', 'class-close', 'token', undefined)).toBe('saved');
    expect(update().UpdateExpression).toMatch(/REMOVE awaitingUntil$/);
    expect(update().ExpressionAttributeValues).not.toHaveProperty(':due');
  });

  it('with expectStatus, saves only while the registration is in that status', async () => {
    dynamo.on(UpdateCommand).resolves({});
    expect(await saveTaskToken('R-1', 'seat', 'token', undefined, 'waitlisted')).toBe('saved');
    expect(update().ConditionExpression).toBe('attribute_exists(pk) AND #status <> :withdrawn AND #status = :expected');
    expect(update().ExpressionAttributeValues).toMatchObject({ ':expected': 'waitlisted' });
  });

  it('reports the status a registration moved on to, when it is not the one expected', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed({ status: { S: 'assigned' } }));
    expect(await saveTaskToken('R-1', 'seat', 'token', undefined, 'waitlisted')).toEqual({ status: 'assigned' });
  });

  it('tells a withdrawn registration from a missing one, with or without an expected status', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed({ status: { S: 'withdrawn' } }));
    expect(await saveTaskToken('R-1', 'review', 'token', undefined)).toBe('withdrawn');
    dynamo.reset();
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed({ status: { S: 'withdrawn' } }));
    expect(await saveTaskToken('R-1', 'seat', 'token', undefined, 'waitlisted')).toBe('withdrawn');
    dynamo.reset();
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed());
    expect(await saveTaskToken('R-1', 'review', 'token', undefined)).toBe('missing');
    dynamo.reset();
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed());
    expect(await saveTaskToken('R-1', 'seat', 'token', undefined, 'waitlisted')).toBe('missing');
  });

  it('lets any other error through (the workflow retries the step)', async () => {
    const outage = Object.assign(new Error('DynamoDB unreachable'), { name: 'InternalServerError' });
    dynamo.on(UpdateCommand).rejectsOnce(outage);
    await expect(saveTaskToken('R-1', 'review', 'token', undefined)).rejects.toBe(outage);
  });
});

describe('getTaskToken and tokenCondition', () => {
  it('reads the stored token and stage consistently, and nothing when none is stored', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: { taskToken: 'tok', awaiting: 'seat' } })
      .resolvesOnce({ Item: {} });
    expect(await getTaskToken('R-1')).toEqual({ taskToken: 'tok', awaiting: 'seat' });
    expect(await getTaskToken('R-1')).toBeUndefined();
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
  });

  it('makes a transaction apply only while that very token and stage are stored', () => {
    expect(tokenCondition({ taskToken: 'tok', awaiting: 'seat' })).toEqual({
      expression: 'taskToken = :token AND awaiting = :stage',
      values: { ':token': 'tok', ':stage': 'seat' },
    });
  });
});
