import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['tests/support/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'api', include: ['tests/db/**/*.test.ts', 'tests/unit/**/*.test.ts'] } },
      // A real browser on 2 shared cores: a click can land while a busy page re-renders, so a
      // failed browser test gets one more try; API tests get none.
      { extends: true, test: { name: 'browser', include: ['tests/e2e/**/*.test.ts'], retry: 1 } },
    ],
  },
});
