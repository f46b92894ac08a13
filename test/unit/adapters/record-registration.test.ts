import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetClients } from '../../../shared/adapters/aws-clients';
import { resetConfig } from '../../../shared/adapters/config';
import { recordRegistration } from '../../../shared/adapters/registration-store';
import type { Registration } from '../../../shared/domain/trainee-registration';

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

describe('recordRegistration: one transaction per row, cancellations become outcomes', () => {
  beforeEach(() => {
    Object.assign(process.env, {
      TABLE_NAME: 't',
      UPLOADS_BUCKET: 'b',
      PROGRAMME_YEAR: '2024',
      PUBLIC_BASE_URL: 'http://localhost',
      MAIL_FROM: 'x <a@b.cn>',
      MAIL_REPLY_TO: 'a@b.cn',
      AWS_REGION: 'cn-north-1',
    });
    resetConfig();
    resetClients();
    dynamo.reset();
  });

  it('writes registration, enterprise lock, person lock and quota counter together, with no raw ID in keys', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    expect(await recordRegistration({ registration, personHash: 'h'.repeat(64), quota: 23 })).toEqual({
      kind: 'recorded',
    });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(4);
    expect(items[1]?.Put?.Item?.pk).toBe('LOCK#ENT#2024#91350100M000100Y43');
    expect(items[2]?.Put?.Item?.pk).toBe(`LOCK#PERSON#2024#${'h'.repeat(64)}`);
    expect(items[3]?.Update?.ConditionExpression).toContain('used < :quota');
    const keys = items.map((item) => JSON.stringify(item.Put?.Item?.pk ?? item.Update?.Key));
    expect(keys.join()).not.toContain(registration.trainee.idNumber);
  });

  it.each([
    [['ConditionalCheckFailed', 'None', 'None', 'None'], { kind: 'already-recorded' }],
    [['None', 'ConditionalCheckFailed', 'None', 'None'], { kind: 'duplicate-enterprise', heldByUnit: '120000' }],
    [['None', 'None', 'ConditionalCheckFailed', 'None'], { kind: 'duplicate-person', heldByUnit: '120000' }],
    [['None', 'None', 'None', 'ConditionalCheckFailed'], { kind: 'quota-exceeded', quota: 23 }],
  ])('cancellation %j → %j', async (codes, outcome) => {
    dynamo.on(TransactWriteCommand).rejects(cancelled(codes, '120000'));
    expect(await recordRegistration({ registration, personHash: 'h', quota: 23 })).toEqual(outcome);
  });

  it('retries transaction conflicts, then succeeds', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(['None', 'None', 'None', 'TransactionConflict']))
      .resolves({});
    expect(await recordRegistration({ registration, personHash: 'h', quota: 23 })).toEqual({ kind: 'recorded' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });
});
