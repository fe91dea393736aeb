// Suppressions: inline comments (test/fixtures/rules/suppressed.yaml says what each proves) and config entries
// by code, rule, tag and file glob, with expiry; the findings about suppressions themselves.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/analyze.js';
import { suppressionGlob, type SuppressionRule } from '../../../src/analysis/suppress.js';
import { loadRules } from '../../../src/falco/load.js';
import { readIgnoreComments } from '../../../src/falco/ignore-comments.js';
import { readSourcePlatforms } from '../../../src/upstream.js';
import { miniCatalog } from '../../helpers/load.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

async function run(rules: string[], suppressions: SuppressionRule[] = [], today = '2026-06-01') {
  const { ruleset, origin } = await loadRules(rules, { cacheRoot: '/nonexistent', cwd: repoRoot, sourceRoot: repoRoot });
  return analyze({
    catalog: await miniCatalog(), attack: { source: 'mini', sha256: '0' }, ruleset, rulesOrigin: origin, sourcePlatforms: readSourcePlatforms(),
    generatedAt: new Date(`${today}T12:00:00Z`), tool: { name: 'attack-cov', version: 'test' }, suppressions,
  });
}
const codes = (findings: { code: string; line: number }[]) => findings.map((f) => `${f.line} ${f.code}`);
const at = { file: '.attack-cov.yaml', line: 3, column: 5 };

describe('inline suppressions', () => {
  it('suppress the tag or the rule they are written on, and report the ones that do not work', async () => {
    const report = await run([fixture('rules', 'suppressed.yaml')]);
    expect(codes(report.suppressed!)).toEqual(['14 tactic-mismatch', '22 platform-mismatch']);
    expect(report.suppressed!.map((f) => f.suppression)).toEqual([
      { kind: 'inSource', justification: 'the escape is run by the execution stage here', file: 'test/fixtures/rules/suppressed.yaml', line: 14 },
      { kind: 'inSource', justification: 'reads cloud storage through a mounted bucket', file: 'test/fixtures/rules/suppressed.yaml', line: 16 },
    ]);
    expect(codes(report.findings)).toEqual(['13 unjustified-tactic', '29 tactic-mismatch', '29 invalid-suppression', '36 invalid-suppression', '39 unused-suppression']);
    expect(report.findings.find((f) => f.line === 36)!.message).toContain('did you mean tactic-mismatch?');
    expect(report.findings.find((f) => f.line === 29 && f.code === 'invalid-suppression')!.message).toContain('has no reason');
    expect(report.summary.findings).toMatchObject({ suppressed: 2, warning: 4, error: 1 });
  });

  it('are read from comments only, on their own line or after a value (a longer word, or a # in a string, is no marker)', () => {
    const text = ['- rule: a  # attack-cov-ignore x-y: why', '  # attack-cov-ignore a, b: two', '', '  # other comment', '  tags: [T1]', '  output: "no # attack-cov-ignore-here"', '  desc: "not # attack-cov-ignore x: a comment"', '  # attack-cov-ignorex: no'].join('\n');
    expect(readIgnoreComments(text, 'f.yaml')).toEqual([
      { file: 'f.yaml', line: 1, column: 12, targetLine: 1, codes: ['x-y'], reason: 'why' },
      { file: 'f.yaml', line: 2, column: 3, targetLine: 5, codes: ['a', 'b'], reason: 'two' },
    ]);
  });
});

describe('config suppressions', () => {
  const rules = [fixture('rules', 'tactic-mismatch.yaml')];

  it.each([
    ['code', { codes: ['tactic-mismatch'] }, ['tactic-mismatch']],
    ['rule name with a wildcard', { rules: ['escape under *'] }, ['tactic-mismatch', 'unjustified-tactic']],
    ['tag', { tags: ['T1611'] }, ['tactic-mismatch']],
    ['file glob', { files: ['test/**/tactic-*.yaml'] }, ['tactic-mismatch', 'unjustified-tactic']],
    ['code and file together', { codes: ['unjustified-tactic'], files: ['**/*.yaml'] }, ['unjustified-tactic']],
  ])('match by %s', async (_name, criteria, suppressed) => {
    const report = await run(rules, [{ ...criteria, reason: 'deliberate', ...at }]);
    expect(report.suppressed!.map((f) => f.code).sort()).toEqual(suppressed);
    expect(report.suppressed![0]!.suppression).toEqual({ kind: 'external', justification: 'deliberate', file: '.attack-cov.yaml', line: 3 });
    expect(report.findings.map((f) => f.code)).not.toContain('unused-suppression');
  });

  it('stop at their expiry date and say so; until that day they apply', async () => {
    const entry = { codes: ['tactic-mismatch'], reason: 'until upstream fixes it', until: '2026-05-31', ...at };
    const before = await run(rules, [entry], '2026-05-31');
    expect(before.suppressed!.map((f) => f.code)).toEqual(['tactic-mismatch']);
    const after = await run(rules, [entry], '2026-06-01');
    expect(after.suppressed).toEqual([]);
    expect(after.findings.map((f) => f.code).sort()).toEqual(['expired-suppression', 'tactic-mismatch', 'unjustified-tactic']);
    expect(after.findings.find((f) => f.code === 'expired-suppression')).toMatchObject({ file: '.attack-cov.yaml', line: 3, severity: 'warning' });
  });

  it('naming no finding code are invalid, with the message said of the config entry and the nearest code', async () => {
    const report = await run(rules, [{ codes: ['tactic-mismatsh'], reason: 'typo', ...at }]);
    expect(report.suppressed).toEqual([]);
    expect(report.findings.filter((f) => f.file === '.attack-cov.yaml')).toMatchObject([
      { code: 'invalid-suppression', line: 3, column: 5, message: 'this suppression in the config names tactic-mismatsh, which is no finding code (did you mean tactic-mismatch?); it suppresses nothing' },
    ]);
  });

  it('that match nothing are reported as unused', async () => {
    const report = await run(rules, [{ codes: ['platform-mismatch'], reason: 'old', ...at }]);
    expect(report.findings.find((f) => f.code === 'unused-suppression')).toMatchObject({ file: '.attack-cov.yaml', line: 3, column: 5 });
  });

  it('globs: * stays in a folder, ** crosses folders, rule names ignore case', () => {
    expect(suppressionGlob('rules/*.yaml')('rules/a.yaml')).toBe(true);
    expect(suppressionGlob('rules/*.yaml')('rules/x/a.yaml')).toBe(false);
    expect(suppressionGlob('**/a.yaml')('rules/x/a.yaml')).toBe(true);
    expect(suppressionGlob('Drop * binary', false)('drop and execute new binary')).toBe(true);
  });
});
