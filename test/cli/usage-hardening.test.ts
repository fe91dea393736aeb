// Malformed baselines and bad option values are usage errors (issue 8, item 4): exit 2, one line,
// nothing written. And -q on every command prints nothing but errors (item 7).
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, startCli } from '../helpers/cli.js';
import { BUNDLE_18, fixture } from '../helpers/paths.js';

const MINI = 'test/fixtures/attack/mini-bundle-2.0.json';
const RULES = fixture('rules', 'conventional.yaml');
const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-usage-'));
let baseline: Record<string, unknown>;

beforeAll(async () => {
  const out = await tempDir();
  expect((await runCli(['report', '--attack', MINI, '--rules', RULES, '--out', out, '--format', 'json', '-q'])).code).toBe(0);
  baseline = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as Record<string, unknown>;
});

describe('malformed baselines (schemaVersion 1, wrong shapes inside)', () => {
  const damage: [string, (b: Record<string, unknown>) => void, RegExp][] = [
    ['techniques is a string', (b) => (b.techniques = 'all of them'), /techniques is a string, expected a list$/],
    ['a technique without rules', (b) => delete (b.techniques as Record<string, unknown>[])[2]!.rules, /techniques\[2\]\.rules is missing, expected a list of strings$/],
    ['a finding whose line is text', (b) => (b.findings = [{ code: 'x', severity: 'error', rule: 'r', file: 'f', line: 'twelve', message: 'm' }]), /findings\[0\]\.line is a string, expected a number$/],
    ['summary.techniques.percent missing', (b) => ((b.summary as { techniques: Record<string, unknown> }).techniques = {}), /summary\.techniques\.percent is missing, expected a number$/],
    ['inputs is null', (b) => (b.inputs = null), /inputs is null, expected an object$/],
    ['a tactic without its counts', (b) => delete (b.tactics as Record<string, unknown>[])[0]!.covered, /tactics\[0\]\.covered is missing, expected a number$/],
    ['a schemaVersion that is text', (b) => (b.schemaVersion = '0.9'), /: not an attack-cov report\.json \(schemaVersion "0\.9" is no number\)$/],
    ['no schemaVersion at all', (b) => delete b.schemaVersion, /: not an attack-cov report\.json \(no schemaVersion\)$/],
  ];
  for (const [what, change, pattern] of damage) {
    it(what, async () => {
      const dir = await tempDir();
      const broken = structuredClone(baseline);
      change(broken);
      await writeFile(path.join(dir, 'baseline.json'), JSON.stringify(broken));
      const out = path.join(dir, 'out');
      expectOneLineError(await runCli(['report', '--attack', MINI, '--rules', RULES, '--out', out, '--baseline', path.join(dir, 'baseline.json')]), pattern);
      expect(await readdir(dir)).toEqual(['baseline.json']);
    });
  }
});

describe('bad option values', () => {
  const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['--concurrency abc', ['draft', 'T1529', '--concurrency', 'abc'], {}, /^error: option '--concurrency <n>' argument 'abc' is invalid\. expected a whole number from 1 to 64\.$/],
    ['--concurrency 0', ['draft', 'T1529', '--concurrency', '0'], {}, /argument '0' is invalid\. expected a whole number from 1 to 64\.$/],
    ['--top -3', ['report', '--top', '-3'], {}, /^error: option '--top <n>' argument '-3' is invalid\. expected a whole number of at least 0\.$/],
    ['--top 2.5', ['draft', '--gaps', '--top', '2.5'], {}, /option '--top <n>' argument '2\.5' is invalid/],
    // A whole number past what is exact in a double is no "whole number of at least 0" to refuse: the bound is said (QA).
    ['--top 99999999999999999999', ['report', '--top', '99999999999999999999'], {}, /^error: option '--top <n>' argument '99999999999999999999' is invalid\. expected a whole number from 0 to 9007199254740991\.$/],
    ['--min-coverage ""', ['report', '--attack', MINI, '--rules', RULES, '--min-coverage', ''], {}, /^error: --min-coverage takes a percentage from 0 to 100, not ""$/],
    // The two share one value, the last winning: given both, which was meant cannot be told (QA).
    ['--no-config --config', ['lint', '--no-config', '--config', 'x.yaml'], {}, /^error: --config and --no-config together: read this config, or none\?$/],
    ['--config --no-config', ['report', '--config', 'x.yaml', '--no-config'], {}, /^error: --config and --no-config together: read this config, or none\?$/],
    ['draft T1059x', ['draft', 'T1059x', '--attack', MINI, '--skeleton'], {}, /^error: not a technique ID: "T1059x"$/],
    // An unknown ID is said as given, not upper-cased (QA).
    ['draft t9999', ['draft', 't9999', '--attack', MINI, '--skeleton'], {}, /^error: unknown technique t9999 in ATT&CK /],
    ['--llm-timeout x', ['draft', 'T1529', '--llm-timeout', 'x'], {}, /^error: option '--llm-timeout <seconds>' argument 'x' is invalid/],
    ['SOURCE_DATE_EPOCH=yesterday', ['report', '--attack', MINI, '--rules', RULES], { SOURCE_DATE_EPOCH: 'yesterday' }, /^error: SOURCE_DATE_EPOCH must be whole seconds since 1970 \(0 to 8640000000000\), not "yesterday"$/],
    ['SOURCE_DATE_EPOCH out of range', ['report', '--attack', MINI, '--rules', RULES], { SOURCE_DATE_EPOCH: '99999999999999999' }, /^error: SOURCE_DATE_EPOCH must be whole seconds/],
    ['--format constructor', ['report', '--attack', MINI, '--rules', RULES, '--format', 'constructor'], {}, /^error: unknown format: constructor$/],
    ['--format __proto__', ['report', '--attack', MINI, '--rules', RULES, '--format', '__proto__,toString'], {}, /^error: unknown format: __proto__, toString$/],
    ['ATTACK_COV_MAX_BUNDLE_BYTES=-1', ['report', '--attack', MINI, '--rules', RULES], { ATTACK_COV_MAX_BUNDLE_BYTES: '-1' }, /^error: ATTACK_COV_MAX_BUNDLE_BYTES must be a size/],
  ];
  for (const [what, args, env, pattern] of cases) {
    it(`${what}: exit 2 with one error line`, async () => {
      const dir = await tempDir();
      const result = await runCli([...args, ...(args[0] === 'report' || args[0] === 'draft' ? ['--out', path.join(dir, 'out')] : [])], { env });
      expect(result.code).toBe(2);
      expect(result.stderr.split('\n')[0]).toMatch(pattern);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await readdir(dir)).toEqual([]);
    });
  }
});

describe('-q on every command: nothing but errors', () => {
  it('report -q: no summary, no "wrote" lines', async () => {
    const result = await runCli(['report', '--attack', MINI, '--rules', RULES, '--out', await tempDir(), '-q']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('report -q still prints a failed gate, the reason for exit 1', async () => {
    const result = await runCli(['report', '--attack', MINI, '--rules', RULES, '--out', await tempDir(), '-q', '--min-coverage', '100']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^gate failed: --min-coverage: /);
  });

  it('report names the outputs an earlier run left in --out that this one did not write, and removes none', async () => {
    const out = path.join(await tempDir(), 'reports');
    const all = await runCli(['report', '--attack', MINI, '--rules', RULES, '--out', out]);
    expect(all.stderr).not.toMatch(/also holds/);
    await writeFile(path.join(out, 'notes.txt'), 'mine\n');
    const json = await runCli(['report', '--attack', MINI, '--rules', RULES, '--out', out, '--format', 'json']);
    expect(json.code).toBe(0);
    expect(json.stderr).toMatch(/^note: .*reports also holds coverage\.csv, findings\.csv, findings\.sarif, heatmap\.html, layer-priority-gaps\.json, layer\.json, summary\.md, which this run did not write \(an earlier run's, with other rules or options\?\); remove them, or use an empty --out, before publishing the folder$/m);
    expect((await readdir(out)).sort()).toEqual(['coverage.csv', 'findings.csv', 'findings.sarif', 'heatmap.html', 'layer-priority-gaps.json', 'layer.json', 'notes.txt', 'report.json', 'summary.md']);
  });

  it('lint -q lists error findings only, like eslint --quiet', async () => {
    const loud = await runCli(['lint', '--attack', MINI, '--rules', fixture('rules', 'nonstandard.yaml'), '--fail-on', 'none']);
    const quiet = await runCli(['lint', '--attack', MINI, '--rules', fixture('rules', 'nonstandard.yaml'), '--fail-on', 'none', '-q']);
    expect(loud.stdout).toMatch(/  warning  /);
    expect(quiet.stdout).not.toMatch(/  (warning|info)  /);
    expect(quiet.stdout.split('\n').filter((l) => /  error  /.test(l))).toEqual(loud.stdout.split('\n').filter((l) => /  error  /.test(l)));
    expect(quiet.stderr).toBe('');
  });

  it('lint -q and validate -q with --fail-on warning say why they exit 1 when only warnings fail (QA: exit 1, no output)', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'warn.yaml');
    // One warning each: a lower-case technique ID (lint), a key Falco ignores (validate).
    await writeFile(file, '- rule: Shell\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  author: me\n  tags: [mitre_execution, t1059]\n');
    const lint = await runCli(['lint', '--attack', MINI, '--rules', file, '-q', '--fail-on', 'warning']);
    expect(lint).toMatchObject({ code: 1, stdout: '1 warning at or above --fail-on warning (not listed with -q)\n' });
    const validate = await runCli(['validate', file, '-q', '--fail-on', 'warning']);
    expect(validate).toMatchObject({ code: 1, stdout: '1 warning at or above --fail-on warning (not listed with -q)\n' });
    // Nothing is said when nothing is hidden or the gate is errors.
    expect((await runCli(['validate', file, '-q'])).stdout).toBe('');
  });

  it('lint -q with no errors prints nothing', async () => {
    const result = await runCli(['lint', '--attack', MINI, '--rules', RULES, '-q', '--fail-on', 'none']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('validate -q: no "valid" and no falco line', async () => {
    const file = path.join(await tempDir(), 'valid.yaml');
    await writeFile(file, '- rule: Shell\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n');
    expect((await runCli(['validate', file])).stdout).toMatch(/^valid$/m);
    const result = await runCli(['validate', file, '-q']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('draft -q: no progress, no skeleton note, no table when every draft succeeded', async () => {
    const out = await tempDir();
    const result = await runCli(['draft', 'T1529', '--attack', MINI, '--rules', RULES, '--out', out, '-q']);
    expect(result).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await readdir(out)).toEqual(['T1529.yaml', 'summary.json']);
  });

  it('attack diff with an empty argument names that argument, not --attack (QA)', async () => {
    expectOneLineError(await runCli(['attack', 'diff', '', MINI]), /^error: attack diff: the first \(from\) ATT&CK is empty$/);
    expectOneLineError(await runCli(['attack', 'diff', MINI, ' ']), /^error: attack diff: the second \(to\) ATT&CK is empty$/);
  });

  it('attack diff names a missing rules path before it downloads anything (QA: offline, the download error hid it)', async () => {
    // 17.1 is not embedded: with an empty cache and this mirror, a download would be tried first and fail.
    const env = { ATTACK_COV_CACHE: await tempDir(), ATTACK_COV_ATTACK_MIRROR: 'http://127.0.0.1:9/{version}.json' };
    expectOneLineError(await runCli(['attack', 'diff', '17.1', '18.1', '--rules', '/nonexistent/rules.d/'], { env }), /^error: \/nonexistent\/rules\.d\/?: no such file or directory$/);
    // Paths that exist leave the download to fail as it does.
    expectOneLineError(await runCli(['attack', 'diff', '17.1', '18.1', '--rules', RULES], { env }), /download/);
  });

  it('attack diff -q: no text (json is still printed when asked for)', async () => {
    const quiet = await runCli(['attack', 'diff', MINI, fixture('attack', 'v19-like.json'), '-q']);
    expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
    const json = await runCli(['attack', 'diff', MINI, fixture('attack', 'v19-like.json'), '-q', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toHaveProperty('techniques');
  });

  it('errors are still printed with -q', async () => {
    expectOneLineError(await runCli(['lint', '--attack', MINI, '--rules', '/nonexistent.yaml', '-q']), /nonexistent\.yaml: no such file or directory/);
  });
});

describe('a reader that goes away', () => {
  it('stderr closed before the first note (`report 2>&1 | head -1`): the run writes every output and exits 0, not 1', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-epipe-'));
    const { child, done } = startCli(['report', '--rules', 'official:all', '--out', out]);
    // Closed at once, so that every note and progress line meets a pipe nobody reads (EPIPE).
    child.stderr!.destroy();
    const result = await done;
    expect(result.code).toBe(0);
    expect((await readdir(out)).filter((n) => !n.endsWith('.tmp')).sort()).toEqual(
      ['coverage.csv', 'findings.csv', 'findings.sarif', 'heatmap.html', 'layer-priority-gaps.json', 'layer.json', 'report.json', 'summary.md'],
    );
    expect((await readdir(out)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a stdout that cannot be written', () => {
  it('/dev/full: one line naming the reason, exit 2, not a stack trace and the gate\'s exit 1 (QA)', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [['lint', '--rules', 'official', '--fail-on', 'none'], ['threats']]) {
        const result = await runCli(args, { stdout: full });
        expectOneLineError(result, /^error: cannot write to stdout: no space left on the device$/);
      }
    } finally {
      closeSync(full);
    }
  });
});

describe('files outside the source root', () => {
  const rule = (name: string) => `- rule: ${name}\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  tags: [mitre_initial_access, T1611]\n`;

  it('two of one base name get names that tell them apart, in lint and in report.json', async () => {
    const top = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-names-'));
    for (const dir of ['cwd', 'a', 'b']) await mkdir(path.join(top, dir));
    await writeFile(path.join(top, 'a', 'rules.yaml'), rule('A rule'));
    await writeFile(path.join(top, 'b', 'rules.yaml'), rule('B rule'));
    const cwd = path.join(top, 'cwd');
    const lint = await runCli(['lint', '--rules', '../a/rules.yaml', '../b/rules.yaml', '--fail-on', 'none', '--no-config'], { cwd });
    expect(lint.stdout).toContain('a/rules.yaml:6  error  tactic-mismatch');
    expect(lint.stdout).toContain('b/rules.yaml:6  error  tactic-mismatch');
    const out = path.join(top, 'out');
    expect((await runCli(['report', '--rules', '../a/rules.yaml', '../b/rules.yaml', '--out', out, '-q', '--no-config'], { cwd })).code).toBe(0);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { inputs: { rules: { path: string; note?: string }[] } };
    expect(report.inputs.rules.map((r) => [r.path, r.note])).toEqual([['a/rules.yaml', 'outside the source root: named by its base name, with the folders above it that tell it from another file of that name'], ['b/rules.yaml', 'outside the source root: named by its base name, with the folders above it that tell it from another file of that name']]);
  });

  it('an error names such a file as it was given (outputs keep the base name), with a hint for a tab in the indentation', async () => {
    const top = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-names-'));
    await mkdir(path.join(top, 'cwd'));
    await mkdir(path.join(top, 'd'));
    await writeFile(path.join(top, 'd', 'tab.yaml'), '- rule: x\n\tdesc: y\n');
    const cwd = path.join(top, 'cwd');
    expectOneLineError(await runCli(['lint', '--rules', '/dev/zero', '--no-config'], { cwd }), /^error: \/dev\/zero: cannot read: a character device, not a rules file$/);
    const tab = await runCli(['lint', '--rules', '../d/', '--no-config'], { cwd });
    expectOneLineError(tab, /^error: \.\.\/d\/tab\.yaml:2:2: YAML syntax error: /);
    expect(tab.stderr).toContain('\nhint: YAML indents with spaces: line 2 starts with a tab\n');
  });
});

describe('an ATT&CK bundle that does not say its version', () => {
  it('is read, and a note says how to name the file so that outputs say which ATT&CK they measured', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-unnamed-'));
    // mitre/cti publishes enterprise-attack/enterprise-attack.json: a STIX 2.0 bundle without a release number.
    const bundle = path.join(dir, 'enterprise-attack.json.gz');
    await writeFile(bundle, await readFile(BUNDLE_18));
    const result = await runCli(['report', '--attack', bundle, '--rules', 'official', '--out', path.join(dir, 'out'), '--no-config']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('note: the ATT&CK version of enterprise-attack.json.gz is unknown: the bundle has no x-mitre-collection and its file name no version; name the file enterprise-attack-<version>.json');
    // The same bytes under their versioned name, with the same (default) cache: 18.1, not the catalog the unnamed
    // copy left in the cache (the version a name gives is part of the cache key).
    const named = await runCli(['report', '--attack', BUNDLE_18, '--rules', 'official', '--out', path.join(dir, 'out2'), '--no-config']);
    expect(named.stderr).not.toContain('is unknown');
    expect(named.stdout).toMatch(/^ATT&CK enterprise-attack 18\.1 /);
  });
});
