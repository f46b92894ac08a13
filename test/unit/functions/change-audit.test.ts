import { SFNClient, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/admin-api/handler';
import { clearProgrammeCache } from '../../../shared/adapters/programme-store';
import { useUnitTestEnvironment } from '../../support/unit-environment';

/**
 * Audit events of registration changes where the local cloud cannot show them. A retry is the one change whose audit event can join the change's own transaction cheaply (admin-api builds the
 * status change itself): the status, its history and the audit event are written together or not at all. The local
 * cloud cannot show "together"; the transaction's items can.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const context = { awsRequestId: 'r', functionName: 'admin-api' } as unknown as Context;
const ID = 'R2024-110000-AAAA';
const NOW = Date.parse('2024-09-10T10:00:00+08:00');

const call = (verb: 'retry' | 'review', body?: unknown) =>
  handler(
    {
      version: '2.0',
      routeKey: `POST /registrations/{registrationId}/${verb}`,
      rawPath: `/registrations/${ID}/${verb}`,
      headers: { 'user-agent': 'console/1.0', ...(body ? { 'content-type': 'application/json' } : {}) },
      pathParameters: { registrationId: ID },
      ...(body ? { body: JSON.stringify(body) } : {}),
      requestContext: {
        requestId: 'api-req-1',
        http: { method: 'POST', path: `/registrations/${ID}/${verb}`, sourceIp: '10.1.2.3', userAgent: 'console/1.0' },
        authorizer: { jwt: { claims: { sub: 'staff-1', 'cognito:groups': '[staff]' }, scopes: [] } },
      },
    } as never,
    context,
  ) as Promise<{ statusCode: number; body: string }>;
const retry = () => call('retry');

beforeEach(() => {
  useUnitTestEnvironment({ CLOCK_OFFSET_MS: String(NOW - Date.now()), POWERTOOLS_LOG_LEVEL: 'SILENT' });
  clearProgrammeCache();
  dynamo.reset();
  sfn.reset();
  dynamo.on(GetCommand).resolves({
    Item: {
      pk: `REG#${ID}`,
      sk: 'REG',
      registrationId: ID,
      year: 2024,
      unit: '110000',
      status: 'failed',
      failure: { step: 'AssignClass', error: 'Lambda.ServiceException', from: 'nominated', at: '2024-09-09T02:00:00Z' },
      taskToken: 'token-1',
      awaiting: 'recovery',
      awaitingUntil: '2025-03-01T00:00:00Z',
      trainee: { name: '张三', enterpriseName: '某科技有限公司' },
      personal: { idNumber: '11010519491231002X', mobile: '13812345678', email: 'zhang@example.com' },
    },
  });
  dynamo.on(TransactWriteCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('retry', () => {
  it('writes the status change, its history and its audit event in one transaction', async () => {
    const reply = await retry();
    expect(reply.statusCode, reply.body).toBe(202);
    const transactions = dynamo.commandCalls(TransactWriteCommand);
    expect(transactions).toHaveLength(1);
    const items = transactions[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Update?.Key).toEqual({ pk: `REG#${ID}`, sk: 'REG' });
    const audits = items.filter((item) => item.Put?.Item?.type === 'audit');
    expect(audits).toHaveLength(1);
    expect(audits[0]?.Put?.Item).toMatchObject({
      action: 'registration.change',
      actor: 'staff-1',
      role: 'staff',
      target: `registration:${ID}`,
      sourceIp: '10.1.2.3',
      requestId: 'api-req-1',
      detail: { route: 'POST /registrations/{registrationId}/retry', step: 'AssignClass', to: 'nominated' },
    });
    expect(String(audits[0]?.Put?.Item?.pk)).toMatch(/^AUDIT#2024-09/);
    expect(JSON.stringify(audits)).not.toMatch(/11010519491231002X|13812345678|zhang@example\.com/);
    // No second write of the event outside the transaction.
    expect(dynamo.calls().filter((call) => call.args[0].constructor.name === 'PutCommand')).toHaveLength(0);
  });
});

describe('review', () => {
  const awaitingReview = () =>
    dynamo.on(GetCommand).resolves({
      Item: {
        pk: `REG#${ID}`,
        sk: 'REG',
        registrationId: ID,
        year: 2024,
        unit: '110000',
        status: 'nominated',
        taskToken: 'token-1',
        awaiting: 'review',
        trainee: { name: '张三', enterpriseName: '某科技有限公司' },
      },
    });
  const audited = () =>
    dynamo
      .commandCalls(PutCommand)
      .map((put) => put.args[0].input.Item ?? {})
      .filter((item) => item.type === 'audit');

  it('is audited once the decision has reached the workflow', async () => {
    awaitingReview();
    const reply = await call('review', { decision: 'approved' });
    expect(reply.statusCode, reply.body).toBe(202);
    expect(audited()).toEqual([
      expect.objectContaining({
        action: 'registration.change',
        target: `registration:${ID}`,
        detail: { route: 'POST /registrations/{registrationId}/review', decision: 'approved' },
      }),
    ]);
  });

  it('a decision the workflow could not receive is undone, and audited as undone', async () => {
    awaitingReview();
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('unavailable'), { name: 'ServiceUnavailable' }));
    const reply = await call('review', { decision: 'approved' });
    expect(reply.statusCode, reply.body).toBe(503);
    expect(audited()).toEqual([
      expect.objectContaining({
        action: 'registration.change',
        detail: { route: 'POST /registrations/{registrationId}/review', decision: 'approved', undone: true },
      }),
    ]);
  });
});
