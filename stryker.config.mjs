// @ts-check
/**
 * Why mutation testing: coverage proves the tests run the code; mutation testing proves they would fail if it
 * were wrong. Stryker changes the code under test one small edit at a time (a `<` becomes `<=`, a string becomes
 * "", a branch is forced) and re-runs the unit tests; a mutant that no test notices ("survived") is a line the
 * tests execute without checking. See docs/mutation-testing.md.
 *
 * Narrow a run with `npm run mutate -- --mutate 'shared/domain/**\/*.ts'` (the flag replaces the list below).
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: 'vitest',
  // Unit tests only: the normal vitest config also has projects that start emulators.
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // Mutants that do not type-check are discarded instead of being counted as killed by luck.
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: [
    'shared/domain/**/*.ts',
    'shared/http/**/*.ts',
    'shared/forms/**/*.ts',
    'shared/intake/**/*.ts',
    'shared/adapters/*-store.ts',
    'shared/adapters/registration-recording.ts',
    'shared/classes/**/*.ts',
    // Barrels and type-only files: nothing to mutate.
    '!shared/**/index.ts',
    '!shared/domain/registration/registration-records.ts',
    '!shared/domain/unit-contact.ts',
    '!shared/forms/validation-report.ts',
  ],
  // Only mutants whose code or covering tests changed since the last run are re-tested. The file is committed: a clean
  // clone starts from the last full run, so `npm run mutate` takes minutes, not hours. Commit it with your change.
  incremental: true,
  incrementalFile: 'test/mutation/stryker-incremental.json',
  reporters: ['html', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  concurrency: 2,
  // Each mutant runs only the tests that covered it in the dry run.
  // @stryker-mutator/vitest-runner 9.6.1 on vitest 5 selects no test at all (stryker-mutator/stryker-js#6210);
  // vitest.mutation.config.ts carries the workaround. Check "Ran N tests per mutant" (> 0) before trusting a score.
  coverageAnalysis: 'perTest',
  // Static mutants (module-level tables and constants) re-run every unit test for each mutant: over half the
  // mutants of shared/domain and nearly all the time on 2 cores. They are reported as "ignored".
  ignoreStatic: true,
  // Some unit tests (zip bombs, PDF rendering) take seconds; give mutants headroom before calling them timeouts.
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};

export default config;
