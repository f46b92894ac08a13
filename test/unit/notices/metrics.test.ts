import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

// Unit tests run with metrics off (vitest.config.ts); this one reads them, so it switches them on first.
let countNotice: typeof import('../../../shared/notices/delivery').countNotice;
beforeAll(async () => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  ({ countNotice } = await import('../../../shared/notices/delivery'));
});

/** What Powertools writes: one EMF document per count, which CloudWatch turns into a metric with its dimensions. */
function emitted(write: { mock: { calls: unknown[][] } }): Record<string, unknown>[] {
  return write.mock.calls
    .map(([chunk]) => String(chunk))
    .flatMap((text: string) => text.split('\n'))
    .filter((line: string) => line.includes('_aws'))
    .map((line: string) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => vi.restoreAllMocks());

describe('notice metrics (EMF)', () => {
  it.each([
    ['NoticesSent', 'assigned'],
    ['NoticesSkipped', 'class-reminder'],
    ['NoticesBounced', 'nominated'],
    ['NoticesComplained', 'upload-report'],
  ] as const)('%s counts one %s notice, by kind, in the programme namespace', (metric, kind) => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    countNotice(metric, kind);
    const [document] = emitted(write);
    expect(document).toMatchObject({ [metric]: 1, kind });
    const directive = (
      (document?._aws ?? { CloudWatchMetrics: [] }) as {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
      }
    ).CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('LeadingTalentTraining');
    expect(directive?.Dimensions.flat()).toContain('kind');
    expect(directive?.Metrics).toEqual([{ Name: metric, Unit: 'Count' }]);
  });
});
