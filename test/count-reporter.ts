// Prints the plain closing line "N passed, N failed, N skipped" after vitest's own summary, so CI logs
// state the count in a form any reader (human or script) understands.
import type { Reporter, TestModule } from 'vitest/node';

export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
    }
    // A test file that failed to load (a syntax error, a throw at import) has no tests to count: say so, or the
    // closing line would read "0 failed" over a file that never ran.
    const broken = testModules.filter((m) => m.state() === 'failed' && [...m.children.allTests()].length === 0).length;
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped${broken > 0 ? `, ${broken} test file(s) failed to load` : ''}\n`);
  }
}
