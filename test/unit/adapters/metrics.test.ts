import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

// The unit project turns metrics off (vitest.config.ts); the shared instance reads that when it is built, so the
// module is loaded here with metrics on.
let adapter: typeof import('../../../shared/adapters/metrics');
beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  adapter = await import('../../../shared/adapters/metrics');
});
const countMetric: typeof adapter.countMetric = (...args) => adapter.countMetric(...args);
const countEach: typeof adapter.countEach = (...args) => adapter.countEach(...args);
const countStatusChanges: typeof adapter.countStatusChanges = (...args) => adapter.countStatusChanges(...args);
const flushMetrics: typeof adapter.flushMetrics = () => adapter.flushMetrics();

/** EMF lines as Lambda would ship them: read from stdout, where Powertools writes them. */
let lines: Record<string, unknown>[] = [];
let written = '';

beforeEach(() => {
  lines = [];
  written = '';
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'ingest-upload');
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      for (const line of String(chunk).split('\n')) if (line.includes('"_aws"')) lines.push(JSON.parse(line));
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const directive = (line: Record<string, unknown>) =>
  (line._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] })
    .CloudWatchMetrics[0];

describe('countMetric', () => {
  it('publishes one EMF line at once, under each of the dimension sets the catalogue gives the metric', () => {
    countMetric('RowsAccepted', { form: 'trainee', unit: '110000' }, 3);
    expect(lines).toHaveLength(1);
    const line = lines[0] as Record<string, unknown>;
    expect(directive(line)).toEqual({
      Namespace: 'LeadingTalentTraining',
      Dimensions: [
        ['service', 'form'],
        ['service', 'unit'],
      ],
      Metrics: [{ Name: 'RowsAccepted', Unit: 'Count' }],
    });
    expect(line).toMatchObject({ service: 'ingest-upload', form: 'trainee', unit: '110000', RowsAccepted: 3 });
  });

  it('publishes a value that is not shaped like an id or code as "invalid", never as given', () => {
    countMetric('RegistrationStatusChanged', { status: 'trainee1@example.com' });
    countMetric('RowsRefusedByCode', { code: '110105194912310021' });
    countMetric('RowsRefused', { form: 'trainee', unit: '张三' });
    expect(lines.map((line) => [line.status ?? line.code ?? line.unit])).toEqual([
      ['invalid'],
      ['invalid'],
      ['invalid'],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/example\.com|110105194912310021|张三/);
  });

  it('publishes zero (a check that found nothing is alive) but nothing for a negative count', () => {
    countMetric('UploadsStuckPending', {}, 0);
    countMetric('UploadsStuckPending', {}, -1);
    expect(lines.map((line) => line.UploadsStuckPending)).toEqual([0]);
    expect(directive(lines[0] as Record<string, unknown>)?.Dimensions).toEqual([['service']]);
  });

  it('publishes nothing when POWERTOOLS_METRICS_DISABLED is set, as read at the time of the count', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    countMetric('ClassesClosed');
    expect(lines).toEqual([]);
  });
});

describe('countEach and countStatusChanges', () => {
  it('publishes one line per distinct value, with its count', () => {
    countEach('RowsRefusedByCode', 'code', ['ID_CHECKSUM', 'MOBILE_FORMAT', 'ID_CHECKSUM']);
    expect(lines.map((line) => [line.code, line.RowsRefusedByCode])).toEqual([
      ['ID_CHECKSUM', 2],
      ['MOBILE_FORMAT', 1],
    ]);
  });

  it('counts the status history events of a transaction by the status entered, and nothing else', () => {
    countStatusChanges([
      { Put: { Item: { type: 'history', kind: 'status', from: 'nominated', to: 'assigned' } } },
      { Put: { Item: { type: 'history', kind: 'reviewed', to: 'approved' } } },
      { Put: { Item: { type: 'registration', status: 'assigned' } } },
      {},
    ]);
    expect(lines.map((line) => [line.status, line.RegistrationStatusChanged])).toEqual([['assigned', 1]]);
  });
});

describe('flushMetrics', () => {
  it('publishes what a handler stored in the shared buffer, after it returns and after it throws', async () => {
    const middleware = flushMetrics();
    adapter.metrics.addMetric('NoticesSent', 'Count', 1);
    await middleware.after?.({} as never);
    adapter.metrics.addMetric('NoticesBounced', 'Count', 1);
    await middleware.onError?.({} as never);
    expect(lines.map((line) => directive(line)?.Metrics.map((m) => m.Name))).toEqual([
      ['NoticesSent'],
      ['NoticesBounced'],
    ]);
  });

  it('publishes nothing, and warns of nothing, when nothing was stored', async () => {
    await flushMetrics().after?.({} as never);
    expect(lines).toEqual([]);
    // Powertools' logMetrics would warn "No application metrics to publish" here, on most invocations.
    expect(written).toBe('');
  });
});
