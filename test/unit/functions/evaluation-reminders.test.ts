import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { simpleParser } from 'mailparser';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/evaluation-api/handler';
import { resetClients } from '../../../shared/adapters/aws-clients';
import { resetConfig } from '../../../shared/adapters/config';
import { hashToken } from '../../../shared/adapters/evaluation-store';
import { clearProgrammeCache } from '../../../shared/adapters/programme-store';

/**
 * What the local cloud cannot make happen: SES refusing a reminder. The reminder's time is taken back, so staff
 * can press again at once instead of waiting 3 days for a link nobody received.
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESv2Client);
const context = { awsRequestId: 'r', functionName: 'evaluation-api' } as unknown as Context;
const NOW = Date.parse('2024-10-30T10:00:00+08:00');

const invitation = (extra: Record<string, unknown> = {}) => ({
  pk: 'EVAL#2024#03',
  sk: 'INVITE#R2024-110000-AAAA',
  tokenHash: 'a'.repeat(64),
  expiresAt: '2024-11-24T02:00:00.000Z',
  invitedAt: '2024-10-25T02:00:00.000Z',
  answered: false,
  ...extra,
});

const remind = () =>
  handler(
    {
      version: '2.0',
      routeKey: 'POST /classes/{classNumber}/evaluation/reminders',
      rawPath: '/classes/3/evaluation/reminders',
      headers: {},
      pathParameters: { classNumber: '3' },
      requestContext: {
        http: { method: 'POST', path: '/classes/3/evaluation/reminders' },
        authorizer: { jwt: { claims: { sub: 'staff-1', 'cognito:groups': '[staff]' }, scopes: [] } },
      },
    } as never,
    context,
  ) as Promise<{ statusCode: number; body: string }>;

beforeEach(() => {
  Object.assign(process.env, {
    TABLE_NAME: 't',
    UPLOADS_BUCKET: 'b',
    PROGRAMME_YEAR: '2024',
    PUBLIC_BASE_URL: 'https://api.example.cn/',
    MAIL_FROM: 'x <a@b.cn>',
    MAIL_REPLY_TO: 'a@b.cn',
    AWS_REGION: 'cn-north-1',
    CLOCK_OFFSET_MS: String(NOW - Date.now()),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  resetConfig();
  resetClients();
  clearProgrammeCache();
  dynamo.reset();
  ses.reset();
  dynamo.on(GetCommand).callsFake((input) =>
    input.Key.pk === 'REG#R2024-110000-AAAA'
      ? {
          Item: {
            pk: 'REG#R2024-110000-AAAA',
            sk: 'REG',
            registrationId: 'R2024-110000-AAAA',
            year: 2024,
            unit: '110000',
            status: 'certified',
            classNumber: 3,
            trainee: { name: '张三', enterpriseName: '某科技有限公司', email: 'zhang@example.com' },
          },
        }
      : {},
  );
  dynamo.on(TransactWriteCommand).resolves({});
});

function newTokenHash(): string {
  const put = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[2]?.Put;
  return String(put?.Item?.pk).replace('EVALTOKEN#', '');
}

describe('reminders', () => {
  it('mail a fresh link whose token is the one stored by hash, and the old link’s item is deleted', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [invitation()] });
    ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
    const reply = await remind();
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ reminded: 1, skipped: 0, answered: 0, failed: 0 });
    const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Update?.ConditionExpression).toContain('remindedAt <= :cutoff');
    expect(items[1]?.Delete?.Key).toEqual({ pk: `EVALTOKEN#${'a'.repeat(64)}`, sk: 'TOKEN' });
    // Sent raw (nodemailer's MIME): read the text part back as a mail client would.
    const raw = ses.commandCalls(SendEmailCommand)[0]?.args[0].input.Content?.Raw?.Data;
    const text = raw ? ((await simpleParser(Buffer.from(raw))).text ?? '') : '';
    const token = /https:\/\/api\.example\.cn\/evaluation\/([A-Za-z0-9_-]{43})/.exec(text)?.[1] ?? '';
    expect(hashToken(token)).toBe(newTokenHash());
    expect(text).toContain('此前邮件中的评价链接已失效');
  });

  it('skip those answered or contacted in the last 3 days without writing anything', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        invitation({ sk: 'INVITE#A', answered: true }),
        invitation({ sk: 'INVITE#B', invitedAt: '2024-10-27T03:00:00.000Z' }),
        invitation({ sk: 'INVITE#C', remindedAt: '2024-10-28T02:00:00.000Z' }),
        { pk: 'EVAL#2024#03', sk: 'RESPONSE#x', scores: { course: 1, faculty: 1, organisation: 1, effect: 1 } },
      ],
    });
    expect(JSON.parse((await remind()).body)).toMatchObject({ reminded: 0, skipped: 2, answered: 1 });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('take the reminder back when SES refuses the mail, so staff may try again at once', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [invitation({ remindedAt: '2024-10-26T02:00:00.000Z' })] });
    ses.on(SendEmailCommand).rejects(new Error('Throttling'));
    const reply = await remind();
    expect(JSON.parse(reply.body)).toMatchObject({ reminded: 0, failed: 1 });
    const undo = dynamo.commandCalls(TransactWriteCommand)[1]?.args[0].input.TransactItems?.[0]?.Update;
    expect(undo).toMatchObject({
      UpdateExpression: 'SET remindedAt = :previous',
      ConditionExpression: 'tokenHash = :hash',
      ExpressionAttributeValues: { ':previous': '2024-10-26T02:00:00.000Z', ':hash': newTokenHash() },
    });
  });
});
