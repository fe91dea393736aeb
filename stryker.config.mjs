// StrykerJS: mutation testing of the modules that guard users and data (`npm run mutation`; not part of `npm test`).
// Run through scripts/mutation.mjs, which mutates one group of modules at a time with its own incremental file.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  checkers: ['typescript'],
  // Only our sources get Stryker's @ts-nocheck; templates/ are shipped (and pinned by goldens) byte for byte.
  disableTypeChecks: 'src/**/*.ts',
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  incremental: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
