import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../../shared/adapters/logger';
import { DomainError } from '../../../shared/domain/errors';
import { httpHandler, json, publicRouteHandler, routeHandler } from '../../../shared/http/http-handler';
import type { AuthorizedEvent, Principal } from '../../../shared/http/principal';

const context = {
  awsRequestId: 'req-7f3a',
  functionName: 'admin-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:cn-north-1:000000000000:function:admin-api',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/admin-api',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

const request = (overrides: Partial<AuthorizedEvent> & { claims?: Record<string, unknown> } = {}) => {
  const { claims, ...rest } = overrides;
  // As API Gateway sends it: the matched route, and the method and path the router dispatches on.
  const [method, path] = (rest.routeKey ?? 'GET /things').split(' ') as [string, string];
  const rawPath = path.replace(/\{[^}]+\}/g, 'R2024-440300-0001');
  return {
    version: '2.0',
    routeKey: 'GET /things',
    rawPath,
    headers: {},
    requestContext: {
      http: { method, path: rawPath },
      authorizer: claims ? { jwt: { claims, scopes: [] } } : undefined,
    },
    ...rest,
  } as unknown as AuthorizedEvent;
};

type Reply = { statusCode: number; headers: Record<string, string>; body: string };
const invoke = async (handler: ReturnType<typeof httpHandler>, event: AuthorizedEvent) =>
  (await handler(event, context)) as unknown as Reply;

afterEach(() => vi.restoreAllMocks());

describe('json()', () => {
  it('masks an ID or mobile number wherever it sits in a reply, not only in the fields meant for one', () => {
    const reply = json(200, {
      items: [{ note: '学员手机 13912345678，证件 11010519491231002X' }],
      office: 'pxb@miit.gov.cn',
    });
    expect(JSON.parse(String(reply.body))).toEqual({
      items: [{ note: '学员手机 139****5678，证件 110105********002X' }],
      office: 'pxb@miit.gov.cn',
    });
  });

  it('is a JSON reply with a UTF-8 content type', () => {
    expect(json(201, { ok: true, 名称: '上海' })).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"ok":true,"名称":"上海"}',
    });
  });
});

describe('a JSON content type without a body', () => {
  it.each([
    ['a GET with no body', { routeKey: 'GET /things' }],
    ['a GET with an empty body', { routeKey: 'GET /things', body: '' }],
    ['a POST withdraw with no body', { routeKey: 'POST /registrations/{registrationId}/withdraw' }],
  ])('%s is answered normally, with no body for the route', async (_label, overrides) => {
    let seen: unknown = 'not called';
    const handler = httpHandler(async (event) => {
      seen = event.body;
      return json(200, { ok: true });
    });
    const reply = await invoke(
      handler,
      request({ ...overrides, headers: { 'content-type': 'application/json; charset=utf-8' } } as never),
    );
    expect(reply.statusCode).toBe(200);
    expect(seen).toBeUndefined();
  });

  it('still parses a JSON body that is there', async () => {
    let seen: unknown;
    const handler = httpHandler(async (event) => {
      seen = event.body;
      return json(200, {});
    });
    await invoke(handler, request({ body: '{"reason":"改期"}', headers: { 'content-type': 'application/json' } }));
    expect(seen).toEqual({ reason: '改期' });
  });
});

describe('errors as { code, message }', () => {
  it('keeps a DomainError’s status, code, message and details', async () => {
    const handler = httpHandler(async () => {
      throw new DomainError('QUOTA_EXCEEDED', '名额已满', 409, { quota: 3 });
    });
    const reply = await invoke(handler, request());
    expect(reply.statusCode).toBe(409);
    expect(reply.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(reply.body)).toEqual({ code: 'QUOTA_EXCEEDED', message: '名额已满', quota: 3 });
  });

  it('answers malformed JSON from the body parser as a 4xx BAD_REQUEST with the parser’s status', async () => {
    const handler = httpHandler(async () => json(200, {}));
    const reply = await invoke(
      handler,
      request({ headers: { 'Content-Type': 'application/json' }, body: '{"broken":' } as Partial<AuthorizedEvent>),
    );
    expect(reply.statusCode).toBe(422);
    expect(JSON.parse(reply.body)).toEqual({
      code: 'BAD_REQUEST',
      message: '请求格式错误：Invalid or malformed JSON was provided',
    });
  });

  it.each([
    ['an exposed 499', 499, 'BAD_REQUEST', Object.assign(new Error('edge'), { statusCode: 499, expose: true })],
    ['an exposed 500', 500, 'INTERNAL', Object.assign(new Error('db down'), { statusCode: 500, expose: true })],
    ['an unexposed 400', 500, 'INTERNAL', Object.assign(new Error('secret'), { statusCode: 400, expose: false })],
    ['a plain error', 500, 'INTERNAL', new Error('secret detail')],
    ['a thrown string', 500, 'INTERNAL', 'boom'],
  ])('%s → %i %s', async (_label, status, code, thrown) => {
    vi.spyOn(logger, 'error').mockImplementation(() => {});
    const handler = httpHandler(async () => {
      throw thrown;
    });
    const reply = await invoke(handler, request());
    expect(reply.statusCode).toBe(status);
    expect(JSON.parse(reply.body).code).toBe(code);
  });

  it('hides an unexpected error behind a generic 500 naming only the correlation id, and logs the details', async () => {
    const logged = vi.spyOn(logger, 'error').mockImplementation(() => {});
    const failure = new Error('ConditionalCheckFailed on table registrations');
    const handler = httpHandler(async () => {
      throw failure;
    });
    const reply = await invoke(handler, request());
    expect(reply.statusCode).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({
      code: 'INTERNAL',
      message: '服务器内部错误，请稍后重试',
      correlationId: 'req-7f3a',
    });
    expect(reply.body).not.toContain('registrations');
    expect(logged).toHaveBeenCalledWith('Unhandled error', { correlationId: 'req-7f3a', error: failure });
  });
});

describe('headers', () => {
  it('parses a JSON body for the handler, whatever the header case', async () => {
    const seen: unknown[] = [];
    const handler = httpHandler(async (event) => {
      seen.push(event.body);
      return json(200, {});
    });
    await invoke(handler, request({ headers: { 'CONTENT-TYPE': 'application/json' }, body: '{"a":1}' }));
    expect(seen).toEqual([{ a: 1 }]);
  });

  it('leaves a non-JSON body alone instead of refusing it (forms post urlencoded)', async () => {
    const handler = httpHandler(async (event) => json(200, { body: event.body }));
    const reply = await invoke(
      handler,
      request({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }),
    );
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ body: 'a=1' });
  });

  it('adds the default security policy to a JSON reply', async () => {
    const reply = await invoke(
      httpHandler(async () => json(200, {})),
      request(),
    );
    // middy's default: nothing may be framed or posted.
    expect(reply.headers['Content-Security-Policy']).toContain("form-action 'none'");
    expect(reply.headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
  });

  it('lets a page’s own content-security-policy be the only policy', async () => {
    const own = "default-src 'none'; style-src 'sha256-abc'; form-action 'self'";
    const reply = await invoke(
      httpHandler(async () => ({
        statusCode: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': own },
        body: '<p>ok</p>',
      })),
      request(),
    );
    expect(reply.headers['Content-Security-Policy']).toBe(own);
    expect(Object.keys(reply.headers).filter((name) => name.toLowerCase() === 'content-security-policy')).toEqual([
      'Content-Security-Policy',
    ]);
  });
});

describe('route tables', () => {
  it('dispatches on routeKey and passes the caller’s principal', async () => {
    const calls: Principal[] = [];
    const handler = routeHandler({
      'GET /things': async (_event, principal) => {
        calls.push(principal);
        return json(200, { route: 'things' });
      },
      'GET /other': async () => json(200, { route: 'other' }),
    });
    const reply = await invoke(handler, request({ claims: { sub: 's', 'cognito:groups': '[staff]' } }));
    expect(JSON.parse(reply.body)).toEqual({ route: 'things' });
    expect(calls).toEqual([{ role: 'staff', subject: 's' }]);
  });

  it('an unknown route is a 404 NOT_FOUND, signed in or public', async () => {
    const signedIn = routeHandler({ 'GET /other': async () => json(200, {}) });
    const publicOnes = publicRouteHandler({ 'GET /other': async () => json(200, {}) });
    for (const handler of [signedIn, publicOnes]) {
      const reply = await invoke(handler, request({ claims: { sub: 's', 'cognito:groups': '[staff]' } }));
      expect(reply.statusCode).toBe(404);
      expect(JSON.parse(reply.body)).toEqual({ code: 'NOT_FOUND', message: '接口不存在' });
    }
  });

  it('a signed-in route without claims is a 401; a public route needs none', async () => {
    const signedIn = routeHandler({ 'GET /things': async () => json(200, {}) });
    expect((await invoke(signedIn, request())).statusCode).toBe(401);
    const seen: unknown[] = [];
    const publicOnes = publicRouteHandler({
      'GET /things': async (...args) => {
        seen.push(args.length);
        return json(200, { route: 'public' });
      },
    });
    const reply = await invoke(publicOnes, request());
    expect(reply.statusCode).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ route: 'public' });
    expect(seen).toEqual([1]);
  });
});

describe('edges of the middleware stack', () => {
  it('a null body (as API Gateway sends a body-less request) reaches the route as no body, even when typed JSON', async () => {
    let seen: unknown = 'not called';
    const handler = httpHandler(async (event) => {
      seen = event.body;
      return json(200, { ok: true });
    });
    const reply = await invoke(
      handler,
      request({ body: null, headers: { 'content-type': 'application/json' } } as unknown as Partial<AuthorizedEvent>),
    );
    expect(reply.statusCode).toBe(200);
    expect(seen).toBeUndefined();
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
  ])('a thrown %s is still the generic 500 with the correlation id', async (_label, thrown) => {
    vi.spyOn(logger, 'error').mockImplementation(() => {});
    const handler = httpHandler(async () => {
      throw thrown;
    });
    const reply = await invoke(handler, request());
    expect(reply.statusCode).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({
      code: 'INTERNAL',
      message: '服务器内部错误，请稍后重试',
      correlationId: 'req-7f3a',
    });
  });

  it('a log key added while serving one request is gone from the next request’s logs', async () => {
    const written = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    let calls = 0;
    const handler = httpHandler(async () => {
      calls += 1;
      if (calls === 1) logger.appendKeys({ registrationId: 'R2024-440300-0001' });
      logger.info(`request ${calls}`);
      return json(200, {});
    });
    await invoke(handler, request());
    await invoke(handler, request());
    const lines = written.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.includes('"request '));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('R2024-440300-0001');
    expect(lines[1]).not.toContain('R2024-440300-0001');
  });
});

describe('json() refuses a full-values reply it cannot build', () => {
  const declared = { idNumber: '11010519491231002X', mobile: '13912345678', email: 'zhangsan@example.com' };

  it.each([
    ['null', null],
    ['a string', 'R1'],
    ['an array', [1]],
    ['a number', 7],
  ])('a body that is %s is not a JSON object', (_label, body) => {
    expect(() => json(200, body, { fullPersonalValues: declared })).toThrow(
      'A reply with full personal values must be a JSON object',
    );
  });

  it('names the declared value that is not text', () => {
    expect(() => json(200, {}, { fullPersonalValues: { ...declared, email: 42 as never } })).toThrow(
      'Full personal value email must be text',
    );
  });
});
