import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateUpload } from '../../../shared/forms/index';
import { CLASS_NUMBERS } from '../../fixtures/registration-data';
import { unzipEntries } from '../../fixtures/spreadsheet-files';
import {
  BASE_TIMESTAMP,
  type BaseFiles,
  buildBaseFiles,
  FUZZ_SEED,
  fuzzPlan,
  mutate,
  runFuzzCase,
} from '../../fuzz/upload-fuzz';

/** 300 of `npm run fuzz`'s mutated files, same seed: none may throw, each ends in a coded report. */
describe('fuzzed uploads', () => {
  let bases: BaseFiles;
  beforeAll(async () => {
    bases = await buildBaseFiles();
  });

  it('starts from the same bytes on any day: no timestamp in the base workbooks', async () => {
    for (const name of ['trainee.xlsx', 'unit.xlsx'] as const) {
      const core = (await unzipEntries(bases[name])).find((entry) => entry.name === 'docProps/core.xml');
      const dates = core?.data.toString('utf8').match(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g) ?? [];
      expect(dates.length).toBeGreaterThan(0);
      expect(new Set(dates)).toEqual(new Set([BASE_TIMESTAMP]));
    }
    // Unmutated, every base file is a valid form: the mutations, not the bases, make the findings.
    for (const base of Object.keys(bases) as (keyof BaseFiles)[]) {
      expect(await runFuzzCase(bases, { base, mutations: [] })).toBeUndefined();
      const report = await validateUpload(bases[base], base, { classNumbers: CLASS_NUMBERS });
      expect([base, report.valid, report.findings]).toEqual([base, true, []]);
    }
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
