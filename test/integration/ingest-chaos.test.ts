import { describe, expect, inject, it } from 'vitest';
import { chaosPlan, runChaos } from '../chaos/ingest-chaos';

/**
 * One fixed-seed run of `npm run chaos` (issue 10): seed 1 kills s3rver a quarter of the way through a unit's file,
 * so ingest records its rows, cannot write the report, and exhausts its retries. After s3rver is back and the queue
 * is re-driven, the table equals the clean run's. 100 rows: enough to be killed mid-file, short enough for npm test.
 */
describe('a fault in the middle of an ingest', () => {
  it('s3rver killed mid-file, restarted, re-driven: nothing lost, nothing counted twice', async () => {
    const outcome = await runChaos(chaosPlan(1), 100, inject('localSystem'));
    expect(outcome.plan).toMatchObject({ target: 's3' });
    expect(outcome.killedAfter).toBeGreaterThan(0);
    expect(outcome.killedAfter).toBeLessThan(outcome.quota);
    expect(outcome.queued).toBe(1);
    expect(outcome.redrive).toEqual({ replayed: 1, stillFailing: 0 });
    expect(outcome.differences).toEqual([]);
  });
});
