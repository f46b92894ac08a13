import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import { flushMetrics } from './metrics';
import { annotateTrace, tracer } from './tracer';

/**
 * The cross-cutting part every handler shares: the invocation is a traced segment (its AWS SDK calls are
 * subsegments, see aws-clients.ts), an HTTP call is annotated with its route, and the business metrics a handler
 * stored are published when it ends. Responses are never recorded in the trace: they hold rosters and names.
 */
export function observability(): middy.MiddlewareObj[] {
  return [
    captureLambdaHandler(tracer, { captureResponse: false }) as middy.MiddlewareObj,
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
