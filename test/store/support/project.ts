/** The store project, the same in `npm test` (vitest.config.ts) and in the mutation runs (vitest.mutation.config.ts). */
export const STORE_TESTS = {
  name: 'store',
  include: ['test/store/**/*.test.ts'],
  globalSetup: ['test/store/support/global-setup.ts'],
  setupFiles: ['test/store/support/store-environment.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};
