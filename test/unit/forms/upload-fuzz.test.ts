import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BaseFiles, buildBaseFiles, FUZZ_SEED, fuzzPlan, mutate, runFuzzCase } from '../../fuzz/upload-fuzz';

/** 300 of `npm run fuzz`'s mutated files, same seed: none may throw, each ends in a coded report. */
describe('fuzzed uploads', () => {
  let bases: BaseFiles;
  beforeAll(async () => {
    bases = await buildBaseFiles();
  });

  it('mutates: a plan changes its file, and the same plan gives the same bytes', async () => {
    const plans = fc.sample(fuzzPlan, { seed: FUZZ_SEED, numRuns: 20 });
    let changed = 0;
    for (const plan of plans) {
      const once = await mutate(bases, plan);
      const again = await mutate(bases, plan);
      expect(Buffer.from(again.data).equals(Buffer.from(once.data))).toBe(true);
      if (!Buffer.from(once.data).equals(Buffer.from(bases[plan.base]))) changed++;
    }
    expect(changed).toBeGreaterThan(15);
  });

  it('300 mutated workbooks and CSVs: no throw, every one a report with coded findings or a file-level code', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzPlan, async (plan) => {
        const problem = await runFuzzCase(bases, plan);
        expect(problem).toBeUndefined();
      }),
      { seed: FUZZ_SEED, numRuns: 300 },
    );
  });
});
