// The offline validator: every official rule passes; each bad draft fails for its own reasons.
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { readSourcePlatforms } from '../../../src/upstream.js';
import { validateRules } from '../../../src/validate/validate.js';
import { falcoValidate } from '../../../src/run/falco-binary.js';
import { runCli } from '../../helpers/cli.js';
import { miniCatalog } from '../../helpers/load.js';
import { embedded, fixture, OFFICIAL_RULES } from '../../helpers/paths.js';

const OFFICIAL = OFFICIAL_RULES;

async function validate(paths: string[], withAttack = false) {
  const files = await Promise.all(paths.map(async (p) => ({ info: { path: path.basename(p), sha256: '' }, items: parseRulesText(await readFile(p, 'utf8'), path.basename(p)) })));
  const ruleset = buildRuleset(files);
  const attack = withAttack ? { catalog: await miniCatalog(), sourcePlatforms: readSourcePlatforms() } : undefined;
  return validateRules({ items: files.flatMap((f) => f.items), ruleset, fields: readFieldCatalog(), extraSources: [], ...(attack ? { attack } : {}) });
}

/** A rules file `name` of `lines` in a new temporary folder (or `dir`); its path. */
async function rulesFile(name: string, lines: string[], dir?: string): Promise<string> {
  const file = path.join(dir ?? (await mkdtemp(path.join(os.tmpdir(), 'attack-cov-validate-'))), name);
  await writeFile(file, [...lines, ''].join('\n'));
  return file;
}

describe('the official rules', () => {
  it('all parse and use only known fields, macros, lists and events', async () => {
    expect(await validate(OFFICIAL)).toEqual([]);
  });
  it("and so do the Kubernetes audit plugin's, with the json plugin's jevt.* fields they require", async () => {
    expect(await validate([embedded('falco-plugins', 'k8s_audit_rules.yaml')])).toEqual([]);
  });
});

describe('bad drafts (with the official stable rules as their ruleset)', () => {
  const table: [string, string[]][] = [
    ['invented-field.yaml', ['unknown-field']],
    ['time-as-string.yaml', ['time-compared-as-string']],
    ['too-broad.yaml', ['no-event-type', 'prefer-ruleset-macro']],
    ['wrong-tags.yaml', ['tag/nonstandard-tag', 'tag/nonstandard-tag', 'tag/tactic-mismatch', 'tag/unjustified-tactic']],
    ['broken-syntax.yaml', ['condition-syntax']],
    ['unknown-references.yaml', ['missing-key', 'unknown-event', 'unknown-list', 'unknown-list', 'unknown-macro', 'unknown-macro', 'unknown-output-field', 'bad-priority']],
  ];
  for (const [file, codes] of table) {
    it(`${file} → ${codes.join(', ')}`, async () => {
      const issues = (await validate([OFFICIAL[0]!, fixture('drafts', file)], true)).filter((i) => i.file === file);
      expect(issues.map((i) => i.code).sort()).toEqual([...codes].sort());
    });
  }
  it('points into the condition with line and column', async () => {
    const [issue] = (await validate([OFFICIAL[0]!, fixture('drafts', 'invented-field.yaml')])).filter((i) => i.file === 'invented-field.yaml');
    expect(issue).toMatchObject({ line: 4, item: 'Shutdown with reboot flag', message: 'condition 1:21: unknown field evt.argv; did you mean evt.arg?' });
  });
  it('puts an issue in an appended or replacing condition where that part is written, with its place in that part', async () => {
    // base.yaml defines a rule and a macro; custom.yaml appends to both and replaces another rule's condition.
    const base = await rulesFile('base.yaml', [
      '- macro: m',
      '  condition: proc.name = a',
      '- rule: Appended',
      '  desc: d',
      '  condition: evt.type = execve and m and proc.bad_in_base = 1',
      '  output: o',
      '  priority: NOTICE',
      '- rule: Replaced',
      '  desc: d',
      '  condition: evt.type = execve and proc.gone = 1',
      '  output: o',
      '  priority: NOTICE',
    ]);
    const custom = await rulesFile('custom.yaml', [
      '- macro: m',
      '  condition: or proc.bad_in_macro = b',
      '  override:',
      '    condition: append',
      '- rule: Appended',
      '  condition: >',
      '    and not proc.name = x',
      '    and proc.bad_in_custom = 2',
      '  override:',
      '    condition: append',
      '- rule: Replaced',
      '  condition: evt.type = open and proc.bad_replacing = 1',
      '  override:',
      '    condition: replace',
    ], path.dirname(base));
    const issues = (await validate([base, custom])).filter((i) => i.code === 'unknown-field');
    expect(issues.map((i) => `${i.file}:${i.line} [${i.item}] ${i.message.split(': unknown')[0]} ${i.message.match(/proc\.\w+/)?.[0]}`)).toEqual([
      'base.yaml:5 [Appended] condition 1:29 proc.bad_in_base',
      'custom.yaml:2 [m] condition 1:4 proc.bad_in_macro',
      'custom.yaml:6 [Appended] condition 1:27 proc.bad_in_custom',
      'custom.yaml:12 [Replaced] condition 1:21 proc.bad_replacing',
    ]);
  });
  it('lists the issues of one condition in the order they stand in it (column 83 before 106, line 2 before 3), and says where in JSON', async () => {
    // Two unknown fields on one line past column 99 (1:106 sorts before 1:83 as text), then one per line.
    const file = await rulesFile('order.yaml', [
      '- rule: One line',
      '  desc: d',
      '  condition: evt.type = execve and proc.name = foo and proc.name = foo and proc.name = foo and fd.bogus_field = 1 and proc.nonexist = 2',
      '  output: o',
      '  priority: NOTICE',
      '- rule: Three lines',
      '  desc: d',
      '  condition: |',
      '    evt.type = execve and',
      '    proc.zzz = 1 and',
      '    proc.aaa = 2',
      '  output: o',
      '  priority: NOTICE',
    ]);
    const issues = await validate([file]);
    expect(issues.map((i) => [i.line, i.inCondition])).toEqual([
      [3, { line: 1, column: 83 }],
      [3, { line: 1, column: 106 }],
      [8, { line: 2, column: 1 }],
      [8, { line: 3, column: 1 }],
    ]);
    expect(issues.map((i) => i.message.split(':').slice(0, 2).join(':'))).toEqual(['condition 1:83', 'condition 1:106', 'condition 2:1', 'condition 3:1']);
  });
});

describe('attack-cov validate', () => {
  it('passes the three official rules files, exit 0', async () => {
    const result = await runCli(['validate', ...OFFICIAL]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^valid$/m);
  });
  it('fails a bad draft, exit 1, eslint-style', async () => {
    const result = await runCli(['validate', OFFICIAL[0]!, fixture('drafts', 'time-as-string.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/time-as-string\.yaml:4 {2}error {2}time-compared-as-string {2}\[Reboot at night\]/);
  });
  it('names a YAML error in a file outside the source root as given, as report and lint name it', async () => {
    // The texts are named by the base name outputs show such a file by; the error must say which file the user meant.
    const file = await rulesFile('r.yaml', ['- rule: A', '  desc: d', '  condition: evt.type = open', '  output: o', '  priority: WARNING', '  tags: [', '    T1059,', '   - mitre_execution', '   ]']);
    for (const args of [['validate', file], ['lint', '--rules', file]]) {
      const result = await runCli(args);
      expect([result.code, result.stderr.split('\n')[0]], args[0]).toEqual([2, `error: ${file}:8:4: YAML syntax error: Block collections are not allowed within flow collections`]);
    }
  });
  it('adds the verdict of a falco binary on PATH', async () => {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-falco-'));
    // A stand-in for the falco binary: rejects any file whose name contains "broken".
    await writeFile(path.join(bin, 'falco'), '#!/bin/sh\ncase "$*" in *broken*) echo "LOAD_ERR_COMPILE_CONDITION"; exit 1;; esac\necho "Ok"\n');
    await chmod(path.join(bin, 'falco'), 0o755);
    const env = { PATH: `${bin}${path.delimiter}${process.env.PATH}` };
    const good = await runCli(['validate', OFFICIAL[0]!], { env });
    expect(good.stdout).toMatch(/falco -V: valid/);
    const bad = await runCli(['validate', OFFICIAL[0]!, fixture('drafts', 'broken-syntax.yaml'), '--format', 'json'], { env });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).falco).toEqual({ isValid: false, output: 'LOAD_ERR_COMPILE_CONDITION' });
  });
  it('a falco that cannot run, or does not answer in time, gives no verdict: a warning, and the offline checks decide', async () => {
    const bin = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-falco-'));
    // Not executable: spawning it fails (EACCES). QA: a hung falco was "INVALID", exit 1.
    await writeFile(path.join(bin, 'falco'), '#!/bin/sh\necho Ok\n');
    await chmod(path.join(bin, 'falco'), 0o644);
    const result = await runCli(['validate', OFFICIAL[0]!], { env: { PATH: `${bin}${path.delimiter}${process.env.PATH}` } });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('valid\n');
    expect(result.stderr).toMatch(/^warning: falco could not be run: spawnSync .*falco EACCES; only the offline checks count$/m);
    const hung = path.join(bin, 'hung');
    await writeFile(hung, '#!/bin/sh\nexec sleep 30\n');
    await chmod(hung, 0o755);
    expect(falcoValidate(hung, [OFFICIAL[0]!], 1)).toEqual({ isValid: null, output: 'falco -V did not answer within 1 s' });
  });
});

describe('validate on the embedded official rules', () => {
  it('reads official:all as the official files, without refusing them as a rewrite', async () => {
    const result = await runCli(['validate', 'official:all', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).files).toEqual(['official:falco_rules.yaml@c72713e', 'official:falco-incubating_rules.yaml@c72713e', 'official:falco-sandbox_rules.yaml@c72713e']);
  });
  it('passes the embedded k8saudit rules (official:k8saudit)', async () => {
    const result = await runCli(['validate', 'official:k8saudit']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^valid$/m);
  });
});
