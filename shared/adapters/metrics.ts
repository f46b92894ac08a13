import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import { telemetryLabel } from '../domain/telemetry-labels';
import { BUSINESS_METRICS, type BusinessMetric, METRICS_NAMESPACE, type MetricDimension } from './metric-names';
import { logger } from './logger';

export { METRICS_NAMESPACE } from './metric-names';

/** The namespace every function's business metrics go to (EMF through the logs); the stack's alarms watch it. */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE });

export type DimensionValues = Partial<Record<MetricDimension, string | number>>;

/**
 * Counts `value` of `name` at once, as one EMF line, under each of the metric's dimension sets (see
 * BUSINESS_METRICS). Its own line rather than the shared buffer: a dimension value belongs to this count only,
 * and the local cloud runs every function in one process, where a shared buffer would mix invocations. A new
 * instance per count also reads the service name and POWERTOOLS_METRICS_DISABLED as they are now (the local cloud
 * sets them after this module may have loaded). A value that is not shaped like an id or code (telemetryLabel)
 * is published as `invalid`, never as given.
 */
export function countMetric(name: BusinessMetric, dimensions: DimensionValues = {}, value = 1): void {
  if (value < 0) return;
  const single = new Metrics({ namespace: METRICS_NAMESPACE, singleMetric: true });
  for (const set of BUSINESS_METRICS[name] as readonly (readonly MetricDimension[])[]) {
    if (set.length === 0) continue;
    single.addDimensions(
      Object.fromEntries(set.map((dimension) => [dimension, labelFor(name, dimension, dimensions)])),
    );
  }
  single.addMetric(name, MetricUnit.Count, value);
}

function labelFor(name: BusinessMetric, dimension: MetricDimension, dimensions: DimensionValues): string {
  const given = dimensions[dimension];
  const label = given === undefined ? undefined : telemetryLabel(given);
  if (label === undefined) logger.warn('Metric dimension refused', { metric: name, dimension });
  return label ?? 'invalid';
}

/** Counts how many of each value, so a batch publishes one line per value rather than one per item. */
export function countEach(name: BusinessMetric, dimension: MetricDimension, values: Iterable<string>): void {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  for (const [value, count] of counts) countMetric(name, { [dimension]: value }, count);
}

/**
 * Counts the status changes a committed transaction recorded: every status change writes a `status` history
 * event in the same transaction (history-store.ts), so counting those counts every change, whichever path made it.
 */
export function countStatusChanges(items: readonly { readonly Put?: { readonly Item?: Record<string, unknown> } }[]) {
  const entered = items
    .map((item) => item.Put?.Item)
    .filter((item) => item?.type === 'history' && item.kind === 'status' && typeof item.to === 'string')
    .map((item) => String(item?.to));
  countEach('RegistrationStatusChanged', 'status', entered);
}

/**
 * Publishes what a handler stored in the shared buffer (`metrics.addMetric`), after it returns or throws. Only
 * when something is stored: Powertools' logMetrics warns on every empty flush, which is most invocations here.
 */
export function flushMetrics(): middy.MiddlewareObj {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}
