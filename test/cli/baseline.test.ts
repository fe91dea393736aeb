// report --baseline with the gates, SARIF, and the comparison in every output, through the built binary.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/coverage-report.js';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

const MINI = 'test/fixtures/attack/mini-bundle-2.0.json';
const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-baseline-'));
let baselineFile: string;
let withoutEscape: string;

beforeAll(async () => {
  const out = await tempDir();
  const made = await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', out, '-q']);
  expect(made.code).toBe(0);
  baselineFile = path.join(out, 'report.json');
  // The same rules with the one rule that covers T1611 removed.
  const text = await readFile(fixture('rules', 'conventional.yaml'), 'utf8');
  withoutEscape = path.join(await tempDir(), 'conventional.yaml');
  await writeFile(withoutEscape, text.slice(0, text.indexOf('- rule: Escape attempt')));
});

describe('a run against a baseline where one covering rule was removed', () => {
  for (const gate of [['--fail-on', 'new'], ['--max-coverage-drop', '0']]) {
    it(`exits 1 under ${gate.join(' ')} and names the technique that was lost`, async () => {
      const out = await tempDir();
      const result = await runCli(['report', '--attack', MINI, '--rules', withoutEscape, '--out', out, '--baseline', baselineFile, ...gate]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`gate failed: ${gate[0]}: .*T1611 Escape to Host`));
      expect(result.stdout).toMatch(/- T1611 Escape to Host no longer covered \(was: Escape attempt\)/);
      const summary = await readFile(path.join(out, 'summary.md'), 'utf8');
      expect(summary).toMatch(/\*\*Gate failed\*\*/);
      expect(summary).toMatch(/no longer covered: \*\*T1611\*\* Escape to Host/);
      const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport;
      expect(report.comparison?.newlyUncovered).toEqual([{ id: 'T1611', name: 'Escape to Host', rules: ['Escape attempt'] }]);
      expect(report.comparison?.coverage.delta).toBeLessThan(0);
      expect(report.gates?.some((g) => !g.isPassed)).toBe(true);
      expect(await readFile(path.join(out, 'coverage.csv'), 'utf8')).toMatch(/^T1611,.*,newly uncovered,,$/m);
      expect(await readFile(path.join(out, 'heatmap.html'), 'utf8')).toContain('"newlyUncovered":[{"id":"T1611"');
    });
  }

  it('passes the same gates against itself', async () => {
    const result = await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', await tempDir(), '--baseline', baselineFile, '--fail-on', 'new', '--max-coverage-drop', '0']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/pass {2}--fail-on: nothing new since the baseline/);
  });
});

// Review finding: retagging a rule from a technique to its sub-technique left the technique partial, and no output said so.
describe('a run against a baseline where a rule was retagged to a sub-technique', () => {
  it('names the technique that went from covered to partial in every output', async () => {
    const dir = await tempDir();
    const rule = (tag: string) => `- rule: Shell\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  tags: [mitre_execution, ${tag}]\n`;
    await writeFile(path.join(dir, 'before.yaml'), rule('T1059'));
    await writeFile(path.join(dir, 'after.yaml'), rule('T1059.004'));
    expect((await runCli(['report', '--attack', MINI, '--rules', path.join(dir, 'before.yaml'), '--out', path.join(dir, 'before'), '-q', '--format', 'json'])).code).toBe(0);
    const out = path.join(dir, 'after');
    const result = await runCli(['report', '--attack', MINI, '--rules', path.join(dir, 'after.yaml'), '--out', out, '--baseline', path.join(dir, 'before', 'report.json')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('  - T1059 Command and Scripting Interpreter covered → partial (was: Shell)\n');
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport;
    expect(report.comparison?.statusChanges).toEqual([{ id: 'T1059', name: 'Command and Scripting Interpreter', before: 'covered', after: 'partial', rules: ['Shell'] }]);
    expect(await readFile(path.join(out, 'coverage.csv'), 'utf8')).toMatch(/^T1059,.*,covered → partial,,$/m);
    expect(await readFile(path.join(out, 'summary.md'), 'utf8')).toContain('- covered → partial: **T1059** Command and Scripting Interpreter (was: Shell)\n');
    expect(await readFile(path.join(out, 'layer.json'), 'utf8')).toContain('"comment": "Covered → partial since the baseline.');
    expect(await readFile(path.join(out, 'heatmap.html'), 'utf8')).toContain('"statusChanges":[{"id":"T1059"');
    // Coverage lost is something new: --fail-on new fails on it, naming it.
    const gated = await runCli(['report', '--attack', MINI, '--rules', path.join(dir, 'after.yaml'), '--out', out, '--baseline', path.join(dir, 'before', 'report.json'), '--fail-on', 'new']);
    expect(gated.code).toBe(1);
    expect(gated.stdout).toContain('T1059 Command and Scripting Interpreter is only partly covered now (was covered by: Shell)');
  });
});

describe('new findings', () => {
  it('fail --fail-on new, are marked new in findings.csv and SARIF', async () => {
    const out = await tempDir();
    const result = await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), fixture('rules', 'tactic-mismatch.yaml'), '--out', out, '--baseline', baselineFile, '--fail-on', 'new']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/new tactic-mismatch in "Escape under execution"/);
    expect(await readFile(path.join(out, 'findings.csv'), 'utf8')).toMatch(/tactic-mismatch,.*,new,$/m);
    const sarif = JSON.parse(await readFile(path.join(out, 'findings.sarif'), 'utf8')) as { runs: { results: { baselineState: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.baselineState)).toEqual(['new', 'new']);
  });
});

describe('--min-coverage', () => {
  const run = async (...values: string[]) =>
    runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', await tempDir(), ...values.flatMap((v) => ['--min-coverage', v])]);
  it('fails below the overall minimum and says by how much', async () => {
    const result = await run('90');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/gate failed: --min-coverage: overall coverage 28\.6% is below 90%/);
  });
  it('checks one tactic by shortname or ID', async () => {
    expect((await run('privilege-escalation=100', 'TA0002=50')).code).toBe(0);
    const result = await run('impact=1');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/impact coverage 0\.0% is below 1%/);
  });
  it('refuses an unknown tactic, exit 2', async () => {
    const result = await run('lunch=5');
    expectOneLineError(result, /^error: --min-coverage: unknown tactic lunch/);
  });
});

describe('bad baselines', () => {
  it('another schema version is refused with a clear message', async () => {
    const file = path.join(await tempDir(), 'old.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(baselineFile, 'utf8')), schemaVersion: 0 }));
    const result = await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', await tempDir(), '--baseline', file]);
    expectOneLineError(result, /old\.json: report schema version 0 cannot be compared with this attack-cov's version 1/);
    expect(result.stderr).toMatch(/^hint: make a new baseline/m);
  });
  it('a file that is not a report is refused', async () => {
    const file = path.join(await tempDir(), 'x.json');
    await writeFile(file, '{"hello": 1}');
    const result = await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', await tempDir(), '--baseline', file]);
    expectOneLineError(result, /not an attack-cov report\.json/);
  });
  it('are named as given (relative to the working directory), not by an absolute path, missing or not JSON', async () => {
    const cwd = await tempDir();
    await writeFile(path.join(cwd, 'bad.json'), '{"x": [1,}');
    const run = (baseline: string) => runCli(['report', '--attack', path.resolve(MINI), '--rules', path.resolve(fixture('rules', 'conventional.yaml')), '--out', 'out', '--baseline', baseline], { cwd });
    expectOneLineError(await run('bad.json'), /^error: bad\.json:1:10: not JSON: unexpected "}"$/);
    expectOneLineError(await run('gone.json'), /^error: gone\.json: no such baseline file$/);
    // An empty value is refused, not taken as no baseline.
    expectOneLineError(await run(''), /^error: --baseline "": no value in it$/);
  });
  it('another ATT&CK version is compared, and says so', async () => {
    const file = path.join(await tempDir(), 'v17.json');
    const old = JSON.parse(await readFile(baselineFile, 'utf8')) as CoverageReport;
    // Its version holds one of attack-cov's own colours: the note says it escaped (QA).
    await writeFile(file, JSON.stringify({ ...old, inputs: { ...old.inputs, attack: { ...old.inputs.attack, version: '17.1\u001b[31m' } } }));
    const out = await tempDir();
    const result = await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', out, '--baseline', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/note: the baseline is from ATT&CK 17\.1\\u001b\[31m, this run 2\.0/);
    expect((JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport).comparison?.crossesAttackVersions).toBe(true);
  });
  it('another scope is compared, and says so: in a note, and in the coverage gate\'s message (QA: it failed unexplained)', async () => {
    const out = await tempDir();
    const result = await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', out, '--baseline', baselineFile, '--platform', 'IaaS', '--max-coverage-drop', '0']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("note: the baseline counted the techniques of Containers, Linux, this run those of IaaS; coverage changes are partly the scope's\n");
    expect(result.stderr).toMatch(/gate failed: --max-coverage-drop: coverage [\d.]+% → 0\.0% \([^)]*\); the baseline counted the techniques of Containers, Linux, this run those of IaaS\n/);
    expect(result.stdout).toMatch(/ — across scopes\n/);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport;
    expect(report.comparison).toMatchObject({ crossesScopes: true, baseline: { platforms: ['Containers', 'Linux'] } });
    expect(await readFile(path.join(out, 'summary.md'), 'utf8')).toContain("The baseline counted the techniques of Containers, Linux, this run those of IaaS: coverage changes are partly the scope's, not the rules'.");
    // The same scope chosen with --platform: no note.
    const same = await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', await tempDir(), '--baseline', baselineFile, '--platform', 'linux,Containers']);
    expect(same.stderr).not.toContain('note: the baseline counted');
  });
  it('a baseline without a scope is refused, naming the field', async () => {
    const file = path.join(await tempDir(), 'noscope.json');
    const { scope: _scope, ...old } = JSON.parse(await readFile(baselineFile, 'utf8')) as CoverageReport;
    await writeFile(file, JSON.stringify(old));
    expectOneLineError(await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', await tempDir(), '--baseline', file]), /scope is missing, expected an object/);
  });
  it('--fail-on new without a baseline is a usage error', async () => {
    const result = await runCli(['report', '--attack', MINI, '--rules', fixture('rules', 'conventional.yaml'), '--out', await tempDir(), '--fail-on', 'new']);
    expectOneLineError(result, /--fail-on new \(or gates.fail-on: new in .attack-cov.yaml\) needs --baseline/);
  });
});

describe('SARIF', () => {
  it('lint --format sarif gives SARIF 2.1.0 with a rule per code and regions', async () => {
    const result = await runCli(['lint', '--attack', MINI, '--rules', 'test/fixtures/rules/unknown-ids.yaml', '--format', 'sarif', '--fail-on', 'none']);
    const sarif = JSON.parse(result.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string; help: { text: string } }[] } }; results: Record<string, unknown>[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toContain('tactic-mismatch');
    for (const rule of run.tool.driver.rules) expect(rule.help.text.length).toBeGreaterThan(20);
    expect(run.results[0]).toMatchObject({
      ruleId: 'unknown-technique',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'test/fixtures/rules/unknown-ids.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 8, startColumn: 33 } } }],
    });
    const ids = run.tool.driver.rules.map((r) => r.id);
    for (const result of run.results) expect(ids[result.ruleIndex as number]).toBe(result.ruleId);
  });
});
