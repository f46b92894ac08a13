import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../functions/upload-url/handler';
import { resetClients } from '../../../shared/adapters/aws-clients';
import { resetConfig } from '../../../shared/adapters/config';
import { clearProgrammeCache } from '../../../shared/adapters/programme-store';

/**
 * The upload-url handler's own reply, decoded as S3 will read it: the policy it signs pins one key, one content type
 * and at most 5 MB, for at most 15 minutes. (The local S3 emulator does not enforce policies, so this is the proof.)
 */
const dynamo = mockClient(DynamoDBDocumentClient);
const context = { awsRequestId: 'r', functionName: 'upload-url' } as unknown as Context;
const FIVE_MB = 5 * 1024 * 1024;

function request(body: unknown, claims: Record<string, unknown> = { sub: 'op', 'custom:unit': '440300' }) {
  return {
    version: '2.0',
    routeKey: 'POST /uploads',
    rawPath: '/uploads',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST', path: '/uploads' }, authorizer: { jwt: { claims, scopes: [] } } },
  };
}

interface Reply {
  statusCode: number;
  body: string;
}

beforeAll(() => {
  const env: Record<string, string> = {
    TABLE_NAME: 't',
    UPLOADS_BUCKET: 'uploads-test',
    PROGRAMME_YEAR: '2024',
    PUBLIC_BASE_URL: 'http://localhost',
    MAIL_FROM: 'x <a@b.cn>',
    MAIL_REPLY_TO: 'a@b.cn',
    AWS_REGION: 'cn-north-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEONLY',
    AWS_SECRET_ACCESS_KEY: 'example-secret-not-real',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // Programme time a week before the 2024 deadline.
    CLOCK_OFFSET_MS: String(Date.parse('2024-08-24T09:00:00+08:00') - Date.now()),
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  vi.stubEnv('AWS_ENDPOINT_URL_S3', undefined);
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  vi.stubEnv('UPLOAD_URL_TTL_SECONDS', undefined);
});
afterAll(() => vi.unstubAllEnvs());

beforeEach(() => {
  resetConfig();
  resetClients();
  clearProgrammeCache();
  dynamo.reset();
  dynamo.on(GetCommand).resolves({}); // the shipped 2024 programme, no deadline extension
  dynamo.on(PutCommand).resolves({});
});

describe('POST /uploads: the presigned POST the handler signs', () => {
  it('pins the key under the caller’s own unit, the content type and 1 B–5 MB, valid at most 15 minutes', async () => {
    const signedAt = Date.now();
    const reply = (await handler(request({ form: 'trainee', fileName: '附件4.xlsx' }) as never, context)) as Reply;
    expect(reply.statusCode).toBe(201);
    const body = JSON.parse(reply.body);
    expect(body.key).toMatch(/^incoming\/2024\/440300\/[0-9a-f-]{36}\.xlsx$/);
    const policy = JSON.parse(Buffer.from(body.fields.Policy, 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.conditions).toContainEqual(['eq', '$key', body.key]);
    expect(policy.conditions).toContainEqual([
      'eq',
      '$Content-Type',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
    const range = policy.conditions.find((c) => Array.isArray(c) && c[0] === 'content-length-range') as number[];
    expect(range).toEqual(['content-length-range', 1, FIVE_MB]);
    expect(Date.parse(policy.expiration) - signedAt).toBeLessThanOrEqual(15 * 60 * 1000 + 1000);
    // The upload record names the caller's unit and the very key signed.
    const put = dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(put).toMatchObject({ unit: '440300', key: body.key, status: 'pending', createdBy: 'op' });
  });

  it('refuses a unit operator asking for another form than its own, and anything but .xlsx/.csv', async () => {
    const xls = (await handler(request({ form: 'trainee', fileName: 'a.xls' }) as never, context)) as Reply;
    expect(xls.statusCode).toBe(415);
    expect(JSON.parse(xls.body).code).toBe('FILE_TYPE');
    const noRole = (await handler(
      request({ form: 'trainee', fileName: 'a.csv' }, { sub: 'x' }) as never,
      context,
    )) as Reply;
    expect(noRole.statusCode).toBe(403);
  });

  it('refuses after the deadline (2024-08-31 23:59:59 +08:00) and accepts at the last second', async () => {
    vi.stubEnv('CLOCK_OFFSET_MS', String(Date.parse('2024-08-31T23:59:58+08:00') - Date.now()));
    resetConfig();
    expect(
      ((await handler(request({ form: 'trainee', fileName: 'a.csv' }) as never, context)) as Reply).statusCode,
    ).toBe(201);
    vi.stubEnv('CLOCK_OFFSET_MS', String(Date.parse('2024-09-01T00:00:01+08:00') - Date.now()));
    resetConfig();
    const late = (await handler(request({ form: 'trainee', fileName: 'a.csv' }) as never, context)) as Reply;
    expect(late.statusCode).toBe(409);
    expect(JSON.parse(late.body).code).toBe('DEADLINE_PASSED');
  });
});
