import { Tracer } from '@aws-lambda-powertools/tracer';
import { telemetryLabel } from '../domain/telemetry-labels';

/** One tracer per function (X-Ray is on for every Lambda); outside Lambda it records nothing. */
export const tracer = new Tracer();

/** The annotations a trace may carry, so a slow ingest or step can be found by the id in a log or a ticket. */
export type TraceId = 'registrationId' | 'uploadId' | 'unit' | 'form' | 'action' | 'classNumber' | 'route';

/**
 * Annotates the current trace with ids. Annotations are indexed and shown to whoever reads traces: a value not
 * shaped like an id or code (telemetryLabel) is left out rather than recorded.
 */
export function annotateTrace(ids: Partial<Record<TraceId, string | number | undefined>>): void {
  for (const [key, value] of Object.entries(ids)) {
    if (value === undefined) continue;
    const label = telemetryLabel(value);
    if (label !== undefined) tracer.putAnnotation(key, label);
  }
}
