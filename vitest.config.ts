import { defineConfig } from 'vitest/config';

// Two projects: fast unit tests next to the code, and the integration / end-to-end suite in
// test/, which shares one private Redis (started in globalSetup) and runs files one at a time.
export default defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
