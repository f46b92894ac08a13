import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import { DomainError } from '../domain/errors';
import { flushMetrics } from './metrics';
import { annotateTrace, tracer } from './tracer';

/**
 * The cross-cutting part every handler shares: the invocation is a traced segment (its AWS SDK calls are
 * subsegments, see aws-clients.ts), an HTTP call is annotated with its route, and the business metrics a handler
 * stored are published when it ends. Responses are never recorded in the trace: they hold rosters and names.
 */
export function observability(): middy.MiddlewareObj[] {
  return [
    traceInvocation(),
    {
      before: async (request) => {
        const routeKey = (request.event as { routeKey?: unknown } | undefined)?.routeKey;
        // The route key names the route template ("POST /registrations/{id}/retry"), never the path's values.
        if (typeof routeKey === 'string') annotateTrace({ route: routeKey.replace(/[ {}]/g, '') });
      },
    },
    flushMetrics(),
  ];
}

/**
 * Powertools' handler segment, except that a refusal by the rules (a DomainError, answered 4xx) marks it as a
 * client error rather than a fault: X-Ray counts faults as this function failing, and the alarms and the service
 * map should not see a wrong upload or a late withdrawal as one.
 */
function traceInvocation(): middy.MiddlewareObj {
  const traced = captureLambdaHandler(tracer, { captureResponse: false }) as middy.MiddlewareObj;
  return {
    before: traced.before,
    after: traced.after,
    onError: async (request) => {
      if (!isClientError(request.error)) return traced.onError?.(request);
      if (tracer.isTracingEnabled()) tracer.getSegment()?.addErrorFlag();
      return traced.after?.(request);
    },
  };
}

/** Refused by the rules, or a request the HTTP middlewares could not read (middy's 4xx errors carry `expose`). */
function isClientError(error: unknown): boolean {
  if (error instanceof DomainError) return true;
  const { statusCode, expose } = (error ?? {}) as { statusCode?: number; expose?: boolean };
  return typeof statusCode === 'number' && statusCode < 500 && expose === true;
}
