// The tests StrykerJS runs against each mutant: those that import the sources in-process (unit and integration).
// CLI and browser tests drive the built dist/ in a child process or Chromium, so they cannot see a mutant.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // ATTACK_COV_MUTATION_TESTS: a module's own tests only (scripts/mutation.mjs's OWN_TESTS).
    include: process.env.ATTACK_COV_MUTATION_TESTS?.split(',') ?? ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // The run's temporary folders under one root, removed at its end (test/global-setup.ts): a mutation run runs
    // the tests thousands of times.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
