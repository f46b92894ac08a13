import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpRouterHandler, { type Method } from '@middy/http-router';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { logger } from '../adapters/logger';
import { observability } from '../adapters/observability';
import { DomainError } from '../domain/errors';
import { scrubDeep } from '../domain/personal-data-scrub';
import { type AuthorizedEvent, type Principal, principalOf } from './principal';

export type HttpResult = {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
};

/**
 * The one HTTP middleware stack: normalised headers, optional JSON body, security headers, and errors as
 * `{ code, message }`. Known failures (DomainError) keep their status; anything else is a 500 whose body says
 * only the correlation id, while the log keeps the details. CORS is API Gateway's job (the stack's corsPreflight):
 * HTTP APIs answer preflights and add the headers themselves.
 */
export function httpHandler(fn: (event: AuthorizedEvent, context: Context) => Promise<HttpResult>) {
  return (
    middy<AuthorizedEvent, APIGatewayProxyResultV2>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(observability())
      .use(httpHeaderNormalizer())
      // Registered before the security headers so its `after` runs after theirs (middy runs `after` in reverse).
      .use(routePolicyWins())
      .use(httpSecurityHeaders())
      .use(errorsAsJson())
      .use(optionalJsonBody())
      .handler(fn as never)
  );
}

/**
 * The JSON body when there is one. The parser alone answers 422 to a request that says `application/json` but
 * sends nothing, which clients do on a GET and on a body-less POST such as a withdrawal; no body is simply none.
 */
function optionalJsonBody(): middy.MiddlewareObj<AuthorizedEvent, APIGatewayProxyResultV2> {
  const parser = httpJsonBodyParser({ disableContentTypeError: true });
  return {
    before: async (request) => {
      const body = request.event.body as string | null | undefined;
      if (body === undefined || body === null || body === '') {
        request.event.body = undefined;
        return;
      }
      // Stryker disable next-line OptionalChaining: middy's JSON body parser always has a `before`; `?.` is for the type only
      return parser.before?.(request as never);
    },
  };
}

/**
 * Every JSON reply is scrubbed by pattern on its way out: masking by field trusts that an ID or mobile number is
 * where it belongs, and a note or a name typed in the wrong place would otherwise come back raw.
 *
 * The one exception is a full record (`GET /registrations/{id}?full=true`: staff only, audited), which must carry
 * the trainee's own ID number, mobile and email. The route declares those three values in `fullPersonalValues`;
 * the body is scrubbed as always, and only then are exactly these three top-level fields set from the declaration.
 * Nothing else in the reply, and no other field of the declaration, escapes the scrub.
 */
export function json(statusCode: number, body: unknown, options: JsonOptions = {}): HttpResult {
  const scrubbed = scrubDeep(body);
  const declared = options.fullPersonalValues;
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(declared ? withDeclaredValues(scrubbed, declared) : scrubbed),
  };
}

/** The personal values a reply may carry unscrubbed, and where: its top-level fields of the same names. */
export interface FullPersonalValues {
  readonly idNumber: string;
  readonly mobile: string;
  readonly email: string;
}

export interface JsonOptions {
  /** Only for the audited full record: these three values, as given, in the reply's top-level fields. */
  readonly fullPersonalValues?: FullPersonalValues;
}

const DECLARED_FIELDS = ['idNumber', 'mobile', 'email'] as const satisfies readonly (keyof FullPersonalValues)[];

function withDeclaredValues(scrubbed: unknown, declared: FullPersonalValues): unknown {
  if (!scrubbed || typeof scrubbed !== 'object' || Array.isArray(scrubbed)) {
    throw new Error('A reply with full personal values must be a JSON object');
  }
  const reply: Record<string, unknown> = { ...scrubbed };
  // Named one by one (not spread): a declaration that carries anything else lets nothing else through.
  for (const field of DECLARED_FIELDS) {
    const value = declared[field];
    if (typeof value !== 'string') throw new Error(`Full personal value ${field} must be text`);
    reply[field] = value;
  }
  return reply;
}

/**
 * The security headers' default policy suits JSON (nothing may load, nothing may be posted). A route that serves a
 * page sets its own `content-security-policy`; that one must be the only policy, since browsers enforce every
 * policy they receive and two would forbid the page's form and style.
 */
function routePolicyWins(): middy.MiddlewareObj<AuthorizedEvent, APIGatewayProxyResultV2> {
  return {
    after: async (request) => {
      const response = request.response as HttpResult | undefined;
      // The security headers' `after` runs first and always leaves a response with headers (normalizeHttpResponse), so
      // no test can reach an absent response or headers here; the guards only keep a reordering from crashing.
      // Stryker disable next-line OptionalChaining: see above, response and headers always exist at this point
      const own = response?.headers?.['content-security-policy'];
      // Stryker disable next-line OptionalChaining: see above
      if (!response?.headers || !own) return;
      delete response.headers['content-security-policy'];
      response.headers['Content-Security-Policy'] = own;
    },
  };
}

function errorsAsJson(): middy.MiddlewareObj<AuthorizedEvent, APIGatewayProxyResultV2> {
  return {
    onError: async (request) => {
      const error = request.error as (Error & { statusCode?: number; expose?: boolean }) | null;
      if (error instanceof DomainError) {
        request.response = json(error.status, { code: error.code, message: error.message, ...error.details });
        return;
      }
      if (error?.statusCode && error.statusCode < 500 && error.expose) {
        request.response = json(error.statusCode, { code: 'BAD_REQUEST', message: `请求格式错误：${error.message}` });
        return;
      }
      const correlationId = request.context.awsRequestId;
      logger.error('Unhandled error', { correlationId, error: error as Error });
      request.response = json(500, { code: 'INTERNAL', message: '服务器内部错误，请稍后重试', correlationId });
    },
  };
}

export type Route = (event: AuthorizedEvent, principal: Principal) => Promise<HttpResult>;

/**
 * One function serving several routes of the shared route table (infra/routes.ts), keyed `METHOD /path` as the
 * table writes them. Dispatch is middy's http-router (method and path, path parameters included), so no function
 * keeps its own matching code; the caller's principal comes from the authorizer's claims.
 */
export function routeHandler(routes: Readonly<Record<string, Route>>) {
  const router = routerOf(routes, (route) => async (event: AuthorizedEvent) => route(event, principalOf(event)));
  return Object.assign(
    httpHandler(
      async (event, context) => (await router(event as never, context as never, undefined as never)) as HttpResult,
    ),
    { routeKeys: Object.keys(routes) },
  );
}

export type PublicRoute = (event: AuthorizedEvent) => Promise<HttpResult>;

/** Routes with no sign-in (verification, evaluation by personal link): no principal, nothing but what the path holds. */
export function publicRouteHandler(routes: Readonly<Record<string, PublicRoute>>) {
  const router = routerOf(routes, (route) => (event: AuthorizedEvent) => route(event));
  return Object.assign(
    httpHandler(
      async (event, context) => (await router(event as never, context as never, undefined as never)) as HttpResult,
    ),
    { routeKeys: Object.keys(routes) },
  );
}

function routerOf<R>(
  routes: Readonly<Record<string, R>>,
  wrap: (route: R) => (event: AuthorizedEvent) => Promise<HttpResult>,
) {
  return httpRouterHandler({
    routes: Object.entries(routes).map(([routeKey, route]) => {
      const [method, path] = routeKey.split(' ') as [Method, string];
      return { method, path, handler: wrap(route) as never };
    }),
    notFoundResponse: () => {
      throw new DomainError('NOT_FOUND', '接口不存在', 404);
    },
  });
}
