import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ROUTES, type RouteDefinition } from '../routes';
import type { LocalLambdaRuntime } from './lambda-runtime';
import type { LocalAuth } from './local-auth';

interface CompiledRoute {
  readonly route: RouteDefinition;
  readonly pattern: RegExp;
  readonly names: string[];
}

export interface CapturedReply {
  readonly routeKey: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * The HTTP API as API Gateway would run it: the same route table, a JWT check on every route (401 without a valid
 * token, before any handler runs), and an APIGatewayProxyEventV2 with the token's claims for the handler.
 */
export class LocalHttpApi {
  private server?: Server;
  private readonly routes: CompiledRoute[] = ROUTES.map((route) => {
    const names: string[] = [];
    const escaped = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    const source = escaped.replace(/\{(\w+)\}/g, (_, name: string) => {
      names.push(name);
      return '([^/]+)';
    });
    return { route, pattern: new RegExp(`^${source}$`), names };
  });

  constructor(
    private readonly lambdas: LocalLambdaRuntime,
    private readonly auth: LocalAuth,
    /** Test-only: told of every reply a handler gave (the local cloud's opt-in capture). */
    private readonly onReply?: (reply: CapturedReply) => void,
  ) {}

  async listen(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error) => {
        console.error('local http api: unexpected failure', error);
        if (!response.headersSent) respond(response, 500, { message: 'Internal Server Error' });
      });
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, '127.0.0.1', resolve);
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://local');
    const method = (request.method ?? 'GET').toUpperCase();
    const candidates = this.routes.filter((r) => r.pattern.test(url.pathname));
    if (method === 'OPTIONS' && candidates.length > 0) {
      response.writeHead(204, {
        'access-control-allow-origin': String(request.headers.origin ?? '*'),
        'access-control-allow-methods': 'GET,POST,PUT',
        'access-control-allow-headers': 'authorization,content-type',
      });
      response.end();
      return;
    }
    const match = candidates.find((r) => r.route.method === method);
    if (!match) return respond(response, 404, { message: 'Not Found' });

    let claims: Record<string, unknown> | undefined;
    if (!match.route.public) {
      const token = /^Bearer\s+(.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
      claims = token ? await this.auth.verify(token) : undefined;
      if (!claims) return respond(response, 401, { message: 'Unauthorized' });
    }

    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return respond(response, 413, { message: 'Request Entity Too Large' });
      chunks.push(chunk as Buffer);
    }
    const values = match.pattern.exec(url.pathname)?.slice(1) ?? [];
    const event = buildEvent(request, url, match, values, claims, Buffer.concat(chunks));
    const result = (await this.lambdas.invoke(match.route.target, event)) as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
    };
    const body = result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
    this.onReply?.({
      routeKey: event.routeKey,
      status: result.statusCode ?? 200,
      headers: result.headers ?? {},
      body,
    });
    response.writeHead(result.statusCode ?? 200, { ...result.headers, 'content-length': String(body.length) });
    response.end(body);
  }
}

function buildEvent(
  request: IncomingMessage,
  url: URL,
  match: CompiledRoute,
  values: string[],
  claims: Record<string, unknown> | undefined,
  body: Buffer,
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] ? `${query[name]},${value}` : value;
  const textual = /json|text|x-www-form-urlencoded/.test(headers['content-type'] ?? 'application/json');
  const now = Date.now();
  // API Gateway passes array claims flattened to "[a b]"; reproduce that so handlers are tested against it.
  const flatClaims = Object.fromEntries(
    Object.entries(claims ?? {}).map(([name, value]) => [name, Array.isArray(value) ? `[${value.join(' ')}]` : value]),
  ) as Record<string, string | number | boolean | string[]>;
  return {
    version: '2.0',
    routeKey: `${match.route.method} ${match.route.path}`,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: match.names.length
      ? Object.fromEntries(match.names.map((name, index) => [name, values[index] ?? '']))
      : undefined,
    body: body.length ? (textual ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !textual,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: match.route.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: `${match.route.method} ${match.route.path}`,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      // A public route has no authorizer, as in API Gateway.
      authorizer: claims
        ? { principalId: '', integrationLatency: 0, jwt: { claims: flatClaims, scopes: [] } }
        : undefined,
    },
    stageVariables: undefined,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
