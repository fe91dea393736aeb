import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every temporary folder of a run under one root, removed at its end (test/global-setup.ts).
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests load 45 MB bundles; two cores, so keep the pool small.
    maxWorkers: 2,
    reporters: ['default', './test/count-reporter.ts'],
    // A missing golden fails the run, with or without CI set (vitest's default writes it when CI is unset);
    // `npx vitest run <file> --update` still writes and rewrites goldens on purpose (test/unit/goldens-never-write.test.ts).
    update: 'none',
  },
});
