import middy from '@middy/core';
import { Segment } from 'aws-xray-sdk-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { observability } from '../../../shared/adapters/observability';
import { tracer } from '../../../shared/adapters/tracer';
import { DomainError } from '../../../shared/domain/errors';

/**
 * The handler segment as X-Ray would receive it. Outside Lambda the tracer is off and has no segment, so the test
 * turns it on and gives it a real X-Ray SDK segment as the invocation's own; the middleware then opens its handler
 * subsegment under it, as in Lambda.
 */
let lambdaSegment: Segment;
const annotations: Record<string, unknown> = {};
let metadata: [string, unknown][] = [];

beforeEach(() => {
  metadata = [];
  lambdaSegment = new Segment('leading-talent-test');
  let current: unknown = lambdaSegment;
  vi.spyOn(tracer, 'isTracingEnabled').mockReturnValue(true);
  vi.spyOn(tracer, 'getSegment').mockImplementation(() => current as Segment);
  vi.spyOn(tracer, 'setSegment').mockImplementation((segment) => {
    current = segment;
  });
  vi.spyOn(tracer, 'putAnnotation').mockImplementation((key, value) => {
    annotations[key] = value;
  });
  vi.spyOn(tracer, 'putMetadata').mockImplementation((key, value) => {
    metadata.push([key, value]);
  });
  vi.spyOn(tracer, 'annotateColdStart').mockImplementation(() => undefined);
  vi.spyOn(tracer, 'addServiceNameAnnotation').mockImplementation(() => undefined);
  // In Lambda the tracer records responses unless told not to (POWERTOOLS_TRACER_CAPTURE_RESPONSE defaults to true).
  tracerSwitches.captureResponse = true;
});
afterEach(() => {
  vi.restoreAllMocks();
  tracerSwitches.captureResponse = false;
});
const tracerSwitches = tracer as unknown as { captureResponse: boolean };

function handlerSegment() {
  const [segment] = lambdaSegment.subsegments ?? [];
  expect(segment, 'the handler subsegment').toBeDefined();
  return segment as unknown as {
    error?: boolean;
    fault?: boolean;
    metadata?: unknown;
    closed?: boolean;
    end_time?: number;
  };
}

async function invoke(fails?: Error, response: unknown = { roster: ['学员1'] }) {
  const handler = middy()
    .use(observability())
    .handler(async () => {
      if (fails) throw fails;
      return response;
    });
  return handler({ routeKey: 'POST /registrations/{registrationId}/review' }, {} as never).catch(() => undefined);
}

describe('observability(): the handler segment', () => {
  it('is closed after a success, without the response (it holds rosters and names)', async () => {
    await invoke();
    expect(handlerSegment().end_time).toBeDefined();
    expect(JSON.stringify([handlerSegment(), metadata])).not.toContain('学员1');
    expect(handlerSegment().fault).toBeUndefined();
  });

  it('marks a refusal by the rules (DomainError, 4xx) as a client error, not a fault', async () => {
    await invoke(new DomainError('QUOTA_EXCEEDED', '名额已满', 409));
    expect(handlerSegment()).toMatchObject({ error: true });
    expect(handlerSegment().fault).toBeUndefined();
    expect(handlerSegment().end_time).toBeDefined();
  });

  it('marks an unexpected error as a fault', async () => {
    await invoke(new Error('DynamoDB unreachable'));
    expect(handlerSegment()).toMatchObject({ fault: true });
  });

  it('annotates the route template, never the path', async () => {
    await invoke();
    expect(annotations.route).toBe('POST/registrations/registrationId/review');
  });
});
