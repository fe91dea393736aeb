import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
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
