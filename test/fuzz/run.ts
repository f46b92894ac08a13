import { validateUpload } from '../../shared/forms/index';
import { CLASS_NUMBERS } from '../fixtures/registration-data';
import { buildBaseFiles, FUZZ_SEED, fuzzPlans, mutate, problemWith } from './upload-fuzz';

/**
 * `npm run fuzz [count] [seed]`: mutated uploads through validateUpload (default 10,000 files, seed FUZZ_SEED). Exits
 * non-zero if any throws or ends without a coded report, or if peak RSS passes 300 MB; prints each failing plan as
 * JSON so it can be replayed.
 */
const count = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? FUZZ_SEED);
const RSS_BUDGET_MB = 300;

const bases = await buildBaseFiles();
const plans = fuzzPlans(seed, count);
const outcomes = new Map<string, number>();
const failures: { index: number; problem: string; plan: unknown }[] = [];
for (const [index, plan] of plans.entries()) {
  const { data, fileName } = await mutate(bases, plan);
  let problem: string | undefined;
  try {
    const report = await validateUpload(data, fileName, { classNumbers: CLASS_NUMBERS });
    problem = problemWith(report);
    const outcome = report.unreadable
      ? `file: ${report.findings[0]?.code}`
      : report.valid
        ? 'valid'
        : `rows: ${[...new Set(report.findings.map((finding) => finding.code))].sort().join(',')}`.slice(0, 80);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  } catch (error) {
    problem = `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  }
  if (problem) failures.push({ index, problem, plan });
  if ((index + 1) % 1000 === 0) console.error(`${index + 1}/${count}`);
}
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(`fuzz: ${count} files, seed ${seed}, ${failures.length} failing, peak RSS ${peakRssMb.toFixed(0)} MB`);
for (const [outcome, n] of [...outcomes].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${n}\t${outcome}`);
for (const failure of failures.slice(0, 20))
  console.log(`FAIL #${failure.index}: ${failure.problem}\n  ${JSON.stringify(failure.plan)}`);
if (peakRssMb > RSS_BUDGET_MB) console.log(`FAIL: peak RSS ${peakRssMb.toFixed(0)} MB is over ${RSS_BUDGET_MB} MB`);
process.exitCode = failures.length > 0 || peakRssMb > RSS_BUDGET_MB ? 1 : 0;
