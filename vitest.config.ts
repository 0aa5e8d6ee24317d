import { defineConfig } from 'vitest/config';

/**
 * One test run for the whole repository. Integration tests talk to a real SecantusDB
 * (or MONGODB_URL) and a real Redis (or REDIS_URL) started once by the global setup;
 * each test file takes its own database name and queue prefix (test/helpers/env.ts).
 * Two cores here, so two forks.
 */
export default defineConfig({
  test: {
    include: [
      'test/**/*.test.ts',
      'server/src/**/*.test.ts',
      'metadata/src/**/*.test.ts',
      'plugins/*/src/**/*.test.ts',
      'designer/src/**/*.test.ts',
    ],
    globalSetup: ['test/setup/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
