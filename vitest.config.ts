import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup/no-network.ts'],
    reporters: ['default', './tests/setup/summary-reporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file gets its own process state (nock, env); the suite is small enough that this is cheap.
    pool: 'forks',
  },
});
