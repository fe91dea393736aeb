// src/run/lint-fix.ts beside `lint` (src/run/lint.ts), run in-process as the CLI runs them: what lint says --fix
// would fix is what --fix fixes, and both name a rules file the same way. Each file below lies outside the source
// root (a temporary folder, with the repository as the working directory), where outputs name it by its base name.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLint, type LintOptions } from '../../../src/run/lint.js';
import type { Environment } from '../../../src/run/inputs.js';
import { MINI_BUNDLE, repoRoot } from '../../helpers/paths.js';

const rule = (name: string, tags: string): string => `- rule: ${name}\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: ${tags}\n`;

async function rulesFile(text: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-lint-fix-')), 'rules.yaml');
  await writeFile(file, text);
  return file;
}

/** `lint` with `extra` options on `file`: its exit code, stdout and stderr, or the error it stopped with. */
async function lint(file: string, extra: Partial<LintOptions> = {}): Promise<{ code?: number; stdout: string; stderr: string; error?: Error }> {
  const out = { stdout: '', stderr: '' };
  const io = { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t), style: { isColor: false } };
  const env: Environment = { cacheRoot: path.dirname(file), cwd: repoRoot, now: () => new Date(0), download: {} };
  try {
    return { code: await runLint({ attack: MINI_BUNDLE, rules: [file], failOn: 'none', ...extra }, env, io), ...out };
  } catch (error) {
    return { ...out, error: error as Error };
  }
}

const summaryOf = (stdout: string): string => stdout.trimEnd().split('\n').at(-1)!;

describe('lint counts as having an unambiguous fix what lint --fix fixes', () => {
  // A and B share one list through an alias, D an anchored tag that E reads: --fix leaves both alone ("fix it by
  // hand"); C's list is its own. QA: lint said 7 had an unambiguous fix (or, on the list alone, 4), --fix fixed 2 (0).
  const text = [
    rule('A', '&t [T1059, mitre_privilege_escalation]'),
    rule('B', '*t'),
    rule('C', '[T1059, mitre_privilege_escalation]'),
    rule('D', '[T1059, mitre_execution, &x T1027]'),
    rule('E', '[mitre_defense_evasion, *x]'),
  ].join('\n');

  it('leaves a tag shared through an anchor and alias out of the count, and counts it as to fix by hand', async () => {
    const file = await rulesFile(text);
    const before = await lint(file);
    expect(summaryOf(before.stdout)).toBe('7 problems (4 errors, 3 warnings, 0 info), 2 with an unambiguous fix, 5 to fix by hand');
    const fix = await lint(file, { fix: true });
    expect(fix.stderr.split('\n')[0]).toBe('fixed 2 finding(s) in 1 file(s); 5 remain');
    expect(summaryOf(fix.stdout)).toBe('5 problems (3 errors, 2 warnings, 0 info), 0 with an unambiguous fix, 5 to fix by hand');
    expect(summaryOf((await lint(file)).stdout)).toBe(summaryOf(fix.stdout));
  });

  it('says what --fix-dry-run would fix, for a list only an alias shares too', async () => {
    for (const rules of [text, `${rule('A', '&t [T1059, mitre_privilege_escalation]')}${rule('B', '*t')}`]) {
      const file = await rulesFile(rules);
      const counted = Number(/, (\d+) with an unambiguous fix/.exec((await lint(file)).stdout)![1]);
      const fixed = Number(/^would fix (\d+) finding/.exec((await lint(file, { fixDryRun: true })).stderr)![1]);
      expect(counted).toBe(fixed);
    }
  });

  it('names each finding --fix resolves without a fix of its own, so that its count and lint\'s add up', async () => {
    // T1500 (revoked for T1027) → T1027 makes the rule's mitre_defense_evasion justified (T1529 is impact only):
    // unjustified-tactic goes with it, though it has no fix and lint did not count it. Before, --fix-dry-run said
    // "would fix 2" beside lint's "1 with an unambiguous fix", and nothing said why.
    const file = await rulesFile(rule('R', '[mitre_impact, mitre_defense_evasion, T1529, T1500]'));
    expect(summaryOf((await lint(file)).stdout)).toMatch(/, 1 with an unambiguous fix$/);
    const lines = (await lint(file, { fixDryRun: true })).stderr.trimEnd().split('\n');
    expect(lines).toEqual(['would fix 2 finding(s) in 1 file(s); 0 would remain', '  would be resolved by another fix: rules.yaml:6 unjustified-tactic (rule "R")']);
    const fixed = (await lint(file, { fix: true })).stderr.trimEnd().split('\n');
    expect(fixed).toEqual(['fixed 2 finding(s) in 1 file(s); 0 remain', '  resolved by another fix: rules.yaml:6 unjustified-tactic (rule "R")']);
    expect(await readFile(file, 'utf8')).toBe(rule('R', '[mitre_impact, mitre_defense_evasion, T1529, T1027]'));
  });

  it('without --rules (which --fix needs) counts the fixes in files one can edit: none in the official rules (QA)', async () => {
    // QA: `lint` (the official rules by default) said "2 with an unambiguous fix", `lint --rules official` 0.
    const { fixableByLintFix } = await import('../../../src/run/lint-fix.js');
    const finding = { code: 'c', severity: 'error' as const, rule: 'r', file: 'f.yaml', line: 1, column: 1, message: 'm', fix: { tag: 'x', with: ['y'] } };
    const official = { ...finding, file: 'official:falco_rules.yaml@c72713e' };
    const isFixable = await fixableByLintFix([finding, official], { rules: [] }, {}, { cacheRoot: os.tmpdir(), cwd: repoRoot, now: () => new Date(0), download: {} });
    expect([finding, official, { ...finding, fix: undefined }].map(isFixable)).toEqual([true, false, false]);
    const { renderLintFindings } = await import('../../../src/report/terminal.js');
    const summary = renderLintFindings([finding, official], { isColor: false }, undefined, isFixable).trimEnd().split('\n').at(-1);
    expect(summary).toBe('2 problems (2 errors, 0 warnings, 0 info), 1 with an unambiguous fix');
  });

  it('the default rules (no --rules: the official ones here) count as --rules official does', async () => {
    const env: Environment = { cacheRoot: os.tmpdir(), cwd: repoRoot, now: () => new Date(0), download: {}, standardLocations: [] };
    const counts: string[] = [];
    for (const rules of [undefined, ['official']]) {
      const out = { stdout: '' };
      const io = { stdout: (t: string) => void (out.stdout += t), stderr: () => undefined, style: { isColor: false } };
      await runLint({ rules, failOn: 'none' }, env, io);
      counts.push(/, (\d+) with an unambiguous fix/.exec(summaryOf(out.stdout))![1]!);
    }
    expect(counts).toEqual(['0', '0']);
  });
});

describe('lint --fix names a YAML error as lint does', () => {
  it('by the path as given for a file outside the source root (QA: --fix said rules.yaml:8:4)', async () => {
    const file = await rulesFile('- rule: A\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: [\n    T1059,\n   - mitre_execution, T1070\n   ]\n');
    const plain = await lint(file);
    expect(plain.error?.message).toBe(`${file}:8:4: YAML syntax error: Block collections are not allowed within flow collections`);
    for (const extra of [{ fix: true }, { fixDryRun: true }]) {
      const fix = await lint(file, extra);
      expect(fix.error?.constructor).toBe(plain.error!.constructor);
      expect(fix.error?.message).toBe(plain.error!.message);
    }
  });
});

describe('lint --fix inserts a tag before the properties of the tag it goes in front of', () => {
  it('!!str and &anchor in a flow list, and in a block list', async () => {
    // QA: `!!str mitre_defense_evasion, T1070`.
    const cases: [string, string][] = [
      ['[T1059, mitre_execution, !!str T1027]', '[T1059, mitre_execution, mitre_defense_evasion, !!str T1027]'],
      ['[T1059, mitre_execution, &a T1027]', '[T1059, mitre_execution, mitre_defense_evasion, &a T1027]'],
      ['\n    - T1059\n    - mitre_execution\n    - !!str T1027', '\n    - T1059\n    - mitre_execution\n    - mitre_defense_evasion\n    - !!str T1027'],
    ];
    for (const [tags, fixed] of cases) {
      const file = await rulesFile(rule('A', tags));
      expect(summaryOf((await lint(file)).stdout)).toBe('1 problem (1 error, 0 warnings, 0 info), 1 with an unambiguous fix');
      const fix = await lint(file, { fix: true });
      expect(fix.stderr).toBe('fixed 1 finding(s) in 1 file(s); 0 remain\n');
      expect(await readFile(file, 'utf8')).toBe(rule('A', fixed));
    }
  });
});

describe('lint on tags read through a YAML alias (test/fixtures/rules/aliases.yaml)', () => {
  it('places the findings of the rule that reads the list at its alias, where its own ignore comment applies', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-aliases-')), 'aliases.yaml');
    await writeFile(file, await readFile(path.join(repoRoot, 'test', 'fixtures', 'rules', 'aliases.yaml'), 'utf8'));
    // ATT&CK 18.1 (the embedded bundle): the mini bundle has no persistence tactic.
    const { stdout } = await lint(file, { format: 'json', attack: undefined });
    const report = JSON.parse(stdout) as { findings: { rule: string; code: string; line: number; column: number; endColumn?: number }[]; suppressed: { rule: string; code: string; line: number }[] };
    expect(report.findings.map((f) => `${f.rule} ${f.code} ${f.line}:${f.column}-${f.endColumn}`)).toEqual([
      'Anchor holder unjustified-tactic 12:18-33',
      'Anchor holder tactic-mismatch 12:42-47',
      // Not at line 12 beside the anchor's: at `*shared` on line 18.
      'Alias reader unjustified-tactic 18:9-16',
      'Tag alias reader unjustified-tactic 24:10-27',
      'Tag alias reader tactic-mismatch 24:29-35',
    ]);
    // The comment on line 18 suppresses the reading rule's tactic-mismatch, not the anchor holder's on line 12.
    expect(report.suppressed.map((s) => `${s.rule} ${s.code} ${s.line}`)).toEqual(['Alias reader tactic-mismatch 18']);
  });
});
