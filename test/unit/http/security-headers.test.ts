import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import { json, publicRouteHandler, routeHandler } from '../../../shared/http/http-handler';

/**
 * Every reply of the one HTTP stack carries the security headers — successes, coded errors, unexpected failures,
 * unknown routes — and a page's own Content-Security-Policy is the only policy it sends.
 */
const context = { awsRequestId: 'r', functionName: 'f', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
const event = (routeKey: string, claims: Record<string, unknown> | null = { sub: 's', 'cognito:groups': '[staff]' }) =>
  ({
    version: '2.0',
    routeKey,
    rawPath: routeKey.split(' ')[1],
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      http: { method: routeKey.split(' ')[0], path: routeKey.split(' ')[1] },
      authorizer: claims ? { jwt: { claims, scopes: [] } } : undefined,
    },
  }) as never;

const signedIn = routeHandler({
  'GET /ok': async () => json(200, { ok: true }),
  'GET /refused': async () => {
    throw new DomainError('NOPE', '不行', 409);
  },
  'GET /broken': async () => {
    throw new Error('boom');
  },
});
const publicPage = publicRouteHandler({
  'GET /page': async () => ({
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; form-action 'self'",
    },
    body: '<!doctype html>',
  }),
});

type Reply = { statusCode: number; headers: Record<string, string> };
const headerNames = (reply: Reply) => Object.keys(reply.headers).map((name) => name.toLowerCase());

describe('security headers on every reply', () => {
  it.each(['GET /ok', 'GET /refused', 'GET /broken', 'GET /unknown'])('%s', async (routeKey) => {
    const reply = (await signedIn(event(routeKey), context)) as Reply;
    const names = headerNames(reply);
    for (const header of [
      'strict-transport-security',
      'x-content-type-options',
      'content-security-policy',
      'referrer-policy',
    ]) {
      expect(names, `${routeKey}: ${header}`).toContain(header);
    }
  });

  it('a signed-in route without a principal is 401 and still carries them', async () => {
    const reply = (await signedIn(event('GET /ok', null), context)) as Reply;
    expect(reply.statusCode).toBe(401);
    expect(headerNames(reply)).toContain('x-content-type-options');
  });

  it('a page sends exactly one Content-Security-Policy: its own', async () => {
    const reply = (await publicPage(event('GET /page', null), context)) as Reply;
    const policies = Object.entries(reply.headers).filter(([name]) => name.toLowerCase() === 'content-security-policy');
    expect(policies).toEqual([['Content-Security-Policy', "default-src 'none'; form-action 'self'"]]);
  });
});
