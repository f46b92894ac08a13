import { defineConfig } from 'vitest/config';
import { STORE_TESTS } from './test/store/support/project';

/**
 * unit: pure and fast, no emulators. store: the adapters against one DynamoDB Local and s3rver for the run. infra: synthesizes the stack. integration and e2e: each file starts its own
 * local cloud (DynamoDB Local, s3rver, SES, Step Functions, HTTP API) and stops it, Java included.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
          // Handlers publish metrics to stdout as they run; the tests that read them switch them on themselves.
          env: { POWERTOOLS_METRICS_DISABLED: 'true' },
        },
      },
      { extends: true, test: STORE_TESTS },
      { extends: true, test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 } },
      {
        extends: true,
        test: {
          name: 'cloud',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          // The stack is synthesized once per run and handed to every file's local cloud.
          globalSetup: ['test/support/synthesized-system.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
