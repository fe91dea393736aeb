// lint --fix and --fix-dry-run through the built binary, on a copy of a fixture and of the official rules.
import { chmod, copyFile, mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { replaceFileAtomically } from '../../src/output.js';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { fixture, BUNDLE_18, officialRules } from '../helpers/paths.js';

const MINI = 'test/fixtures/attack/mini-bundle-2.0.json';

async function copyOf(...files: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
  for (const file of files) await copyFile(file, path.join(dir, path.basename(file)));
  return dir;
}

describe('lint --fix-dry-run', () => {
  it('prints a unified diff and changes nothing', async () => {
    const dir = await copyOf(fixture('rules', 'fixable.yaml'));
    const before = await readFile(path.join(dir, 'fixable.yaml'), 'utf8');
    const result = await runCli(['lint', '--attack', MINI, '--rules', dir, '--fix-dry-run', '--fail-on', 'none']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^--- a\/.*fixable\.yaml/m);
    expect(result.stdout).toContain("-  tags: [mitre_execution, T1611]\n+  tags: [mitre_privilege_escalation, T1611]");
    expect(result.stderr).toMatch(/^would fix \d+ finding\(s\) in 1 file\(s\); 2 would remain/);
    // The one finding it counts beyond lint's "with an unambiguous fix" is named, with why it goes.
    expect(result.stderr).toContain('\n  would be resolved by another fix: fixable.yaml:10 unjustified-tactic (rule "Nonstandard and revoked")\n');
    expect(await readFile(path.join(dir, 'fixable.yaml'), 'utf8')).toBe(before);
    // A JSON or SARIF listing is not what --fix or --fix-dry-run print (QA: a plain diff came instead, exit 0).
    for (const [fix, format] of [['--fix-dry-run', 'json'], ['--fix', 'sarif']]) {
      expectOneLineError(await runCli(['lint', '--attack', MINI, '--rules', dir, fix!, '--format', format!]), new RegExp(`^error: ${fix} prints what it changes as text, not --format ${format}$`));
    }
    expect(await readFile(path.join(dir, 'fixable.yaml'), 'utf8')).toBe(before);
  });

  it('names what it leaves at its line in the file as it is, not as the fixes would make it (QA: a line of another rule)', async () => {
    // A fix that adds a line above (a tactic tag in a block list), and findings below it that no fix may touch (a tags
    // list two rules share through an anchor and an alias): they are on lines 13 (the anchor) and 19 (the alias) of the
    // file, 14 and 20 of the fixed text.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    const file = path.join(dir, 'shifted.yaml');
    const rule = (name: string, tags: string) => `- rule: ${name}\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  tags:${tags}\n`;
    await writeFile(file, rule('Block rule', '\n    - T1611') + rule('Anchor rule', ' &common [mitre_execution, T1611]') + rule('Alias rule', ' *common'));
    const dry = await runCli(['lint', '--attack', MINI, '--rules', file, '--fix-dry-run', '--fail-on', 'none']);
    expect(dry.stdout).toContain('   tags:\n+    - mitre_privilege_escalation\n     - T1611\n');
    const left = dry.stderr.split('\n').filter((line) => line.startsWith('  not fixed: '));
    expect(left).toHaveLength(4);
    expect(left.map((line) => /^ {2}not fixed: shifted\.yaml:(\d+) .*\(rule "(\w+) rule"\)/.exec(line)!.slice(1).join(' '))).toEqual(['13 Anchor', '13 Anchor', '19 Alias', '19 Alias']);
    const listed = (await runCli(['lint', '--attack', MINI, '--rules', file, '--fail-on', 'none'])).stdout;
    expect(listed).toMatch(/^shifted\.yaml:13 .*\(rule "Anchor rule"\)/m);
    expect(listed).toMatch(/^shifted\.yaml:19 .*\(rule "Alias rule"\)/m);
    // --fix names them where they are once it has written the file: one line on.
    const fixed = await runCli(['lint', '--attack', MINI, '--rules', file, '--fix', '--fail-on', 'none']);
    const leftAfter = fixed.stderr.split('\n').filter((l) => l.startsWith('  not fixed: '));
    expect(leftAfter.map((line) => /^ {2}not fixed: shifted\.yaml:(\d+) /.exec(line)![1])).toEqual(['14', '14', '20', '20']);
  });

  it('names a file whose name holds a newline on one escaped line: the name cannot add lines to the diff', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    const name = 'r.yaml\n+  FORGED LINE, not in the file';
    await writeFile(path.join(dir, name), await readFile(fixture('rules', 'fixable.yaml'), 'utf8'));
    const result = await runCli(['lint', '--attack', MINI, '--rules', path.join(dir, name), '--fix-dry-run', '--fail-on', 'none']);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(/^\+ {2}FORGED/m);
    expect(result.stdout).toMatch(/^--- a\/.*r\.yaml\\n\+ {2}FORGED LINE, not in the file\t?$/m);
    expect(result.stdout).toMatch(/^\+\+\+ b\/.*r\.yaml\\n\+ {2}FORGED LINE, not in the file\t?$/m);
  });

  it('reads the embedded official rules and never rewrites them: the dry run shows what --fix does, and says why they stay', async () => {
    const notFixed = /^ {2}not fixed: official:falco_rules\.yaml@c72713e:844 tactic-mismatch \(rule "Contact K8S API Server From Container"\): the embedded official rules are not rewritten: suppress the finding in \.attack-cov\.yaml, or change the rule's tags in a file of yours \(override: \{tags: replace\}\)$/m;
    const dry = await runCli(['lint', '--rules', 'official:all', '--fix-dry-run', '--fail-on', 'none']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe('');
    expect(dry.stderr).toMatch(/^would fix 0 finding\(s\) in 0 file\(s\)/);
    expect(dry.stderr).toMatch(notFixed);
    const fix = await runCli(['lint', '--rules', 'official', '--fix', '--fail-on', 'none']);
    expect(fix.code, fix.stderr).toBe(0);
    expect(fix.stderr).toMatch(notFixed);
  });

  it('fixes the user\'s file that loads after the official rules (it appends to their list), leaving theirs as they are', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    // Proves: a file that needs the official rules to load (override: items: append on their list) can be fixed with them.
    const mine = '- list: shell_binaries\n  items: [ash]\n  override: {items: append}\n- rule: ACME Miner\n  desc: miner started\n  condition: spawned_process and proc.name = xmrig\n  output: miner (cmd=%proc.cmdline)\n  priority: WARNING\n  tags: [mitre_impact, t1496]\n';
    await writeFile(path.join(dir, 'my.yaml'), mine);
    const dry = await runCli(['lint', '--rules', 'official', '--rules', path.join(dir, 'my.yaml'), '--fix-dry-run']);
    // The official rules' own error is not the user's to fix: not counted by --fail-on error (a note says so).
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).not.toMatch(/official:/);
    expect(dry.stdout).toContain('-  tags: [mitre_impact, t1496]\n+  tags: [mitre_impact, T1496]');
    expect(dry.stderr).toMatch(/^would fix 1 finding\(s\) in 1 file\(s\)/);
    const fix = await runCli(['lint', '--rules', 'official', '--rules', path.join(dir, 'my.yaml'), '--fix']);
    expect(fix.code, fix.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'my.yaml'), 'utf8')).toBe(mine.replace('t1496', 'T1496'));
    expect(fix.stderr).toMatch(/^note: 1 finding at or above error in the official rules is not counted by --fail-on: attack-cov does not rewrite them \(suppress them in \.attack-cov\.yaml to hide them\)$/m);
    // Counted when asked for a lower severity that a file of the user's meets: none left here, so still 0.
    const strict = await runCli(['lint', '--rules', 'official', '--rules', path.join(dir, 'my.yaml'), '--fail-on', 'info']);
    expect(strict.code).toBe(0);
  });
});

describe('lint --fix on tags shared through a YAML anchor and alias', () => {
  it('leaves the shared list unfixed for both rules, says why, and fixes a rule of its own list', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    const rule = (name: string, tags: string) => `- rule: ${name}\n  desc: miner started\n  condition: spawned_process and proc.name = ${name.toLowerCase()}\n  output: miner (cmd=%proc.cmdline)\n  priority: WARNING\n  tags: ${tags}\n`;
    const text = rule('A', '&t [mitre_impact, t1496]') + rule('B', '*t') + rule('C', '[mitre_impact, t1496]');
    const file = path.join(dir, 's.yaml');
    await writeFile(file, text);
    const fix = await runCli(['lint', '--attack', MINI, '--rules', file, '--fix', '--fail-on', 'none']);
    expect(fix.code, fix.stderr).toBe(0);
    // Before, the anchored list was edited once for each rule that reads it.
    expect(await readFile(file, 'utf8')).toBe(text.replace('tags: [mitre_impact, t1496]', 'tags: [mitre_impact, T1496]'));
    expect(fix.stderr).toMatch(/^fixed \d+ finding\(s\) in 1 file\(s\)/);
    // Each where its rule reads the list: A at the anchored list (line 6), B at its alias (line 12).
    for (const [line, name] of [[6, 'A'], [12, 'B']]) {
      expect(fix.stderr).toContain(`  not fixed: s.yaml:${line} nonstandard-tag (rule "${name}"): the tag is shared with other places through a YAML anchor and alias (&name, *name): one edit would change them all; fix it by hand\n`);
    }
  });
});

describe('lint --fix on a tag written twice', () => {
  it('reports the repeats once each, finds every other problem once, and --fix leaves one of each tag', async () => {
    const dir = await copyOf(fixture('rules', 'repeated-tags.yaml'));
    const lint = await runCli(['lint', '--attack', MINI, '--rules', dir, '--format', 'json', '--fail-on', 'none', '--no-config']);
    const codes = (JSON.parse(lint.stdout) as { findings: { code: string; tag?: string; column: number }[] }).findings.map((f) => `${f.code} ${f.tag} ${f.column}`);
    expect(codes).toEqual(['unknown-technique T9999 27', 'repeated-tag T9999 41', 'repeated-tag mitre_execution 48', 'repeated-tag T1059 65']);
    const fix = await runCli(['lint', '--attack', MINI, '--rules', dir, '--fix', '--fail-on', 'none', '--no-config']);
    expect(fix.code, fix.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'repeated-tags.yaml'), 'utf8')).toContain('  tags: [mitre_execution, T9999, T1059]\n');
  });
});

describe('lint --fix on several tags written as one', () => {
  it('splits them into separate tags in a flow list and in a block list (one that runs on over two lines too), after which the rules count for their technique', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-joined-'));
    const rule = (name: string, tags: string) => `- rule: ${name}\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n  tags:${tags}\n`;
    await writeFile(path.join(dir, 'joined.yaml'), rule('flow', ' [host, "T1059,mitre_execution"]') + rule('block', '\n    - host\n    - mitre_execution T1059') + rule('wrapped', '\n    - T1059 mitre_execution\n      T1059.004'));
    const args = ['lint', '--attack', MINI, '--rules', dir, '--format', 'json', '--fail-on', 'none', '--no-config'];
    const before = JSON.parse((await runCli(args)).stdout) as { findings: { code: string; tag?: string }[] };
    expect(before.findings.filter((f) => f.code === 'nonstandard-tag').map((f) => f.tag)).toEqual(['T1059,mitre_execution', 'mitre_execution T1059', 'T1059 mitre_execution T1059.004']);
    expect((await runCli(['lint', '--attack', MINI, '--rules', dir, '--fix', '--fail-on', 'none', '--no-config'])).code).toBe(0);
    expect(await readFile(path.join(dir, 'joined.yaml'), 'utf8')).toBe(rule('flow', ' [host, "T1059", mitre_execution]') + rule('block', '\n    - host\n    - mitre_execution\n    - T1059') + rule('wrapped', '\n    - T1059\n    - mitre_execution\n    - T1059.004'));
    expect((JSON.parse((await runCli(args)).stdout) as { findings: unknown[] }).findings).toEqual([]);
  });
});

describe('lint --fix on files that are not plain UTF-8', () => {
  const lower = (name: string) => `- rule: ${name}\n  desc: x\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  tags: [mitre_execution, t1059]\n`;

  it('fixes a file that starts with a byte-order mark, and keeps the mark', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    const file = path.join(dir, 'bom.yaml');
    await writeFile(file, `\uFEFF${lower('A')}`);
    const dry = await runCli(['lint', '--attack', BUNDLE_18, '--rules', file, '--fix-dry-run', '--no-config']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('-  tags: [mitre_execution, t1059]\n+  tags: [mitre_execution, T1059]');
    const fixed = await runCli(['lint', '--attack', BUNDLE_18, '--rules', file, '--fix', '--no-config']);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(`\uFEFF${lower('A').replace('t1059', 'T1059')}`);
  });

  it('refuses to rewrite a file that is not UTF-8, naming where, and leaves it byte for byte', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    const file = path.join(dir, 'latin1.yaml');
    const bytes = Buffer.from(lower('Caf\xe9'), 'latin1');
    await writeFile(file, bytes);
    const result = await runCli(['lint', '--attack', BUNDLE_18, '--rules', file, '--fix', '--no-config']);
    expectOneLineError(result, /^error: latin1\.yaml:1:12: not UTF-8; attack-cov rewrites only UTF-8 rules files/);
    expect(await readFile(file)).toEqual(bytes);
    // The dry run says what --fix says (QA: it printed a diff of U+FFFDs, "would fix 1" and exit 0).
    const dry = await runCli(['lint', '--attack', BUNDLE_18, '--rules', file, '--fix-dry-run', '--no-config']);
    expectOneLineError(dry, /^error: latin1\.yaml:1:12: not UTF-8; attack-cov rewrites only UTF-8 rules files/);
    expect(dry.stdout).toBe('');
    // lint counts its fix as one to make by hand, not as one --fix makes (QA: "1 with an unambiguous fix", then exit 2).
    const lint = await runCli(['lint', '--attack', BUNDLE_18, '--rules', file, '--no-config', '--fail-on', 'none']);
    expect(lint.stdout).toMatch(/, 0 with an unambiguous fix, 1 to fix by hand\n$/);
    // Beside a UTF-8 file with the same finding, only that one's fix counts.
    await writeFile(path.join(dir, 'utf8.yaml'), lower('Cafe'));
    expect((await runCli(['lint', '--attack', BUNDLE_18, '--rules', dir, '--no-config', '--fail-on', 'none'])).stdout).toMatch(/, 1 with an unambiguous fix, 1 to fix by hand\n$/);
  });

  it('fixes the UTF-8 files of a folder when a file it need not change is not UTF-8, and leaves that one alone', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    await writeFile(path.join(dir, 'a.yaml'), lower('A'));
    const latin1 = Buffer.from(`# caf\xe9\n${lower('B').replace('t1059', 'T1059')}`, 'latin1');
    await writeFile(path.join(dir, 'b.yaml'), latin1);
    const result = await runCli(['lint', '--attack', BUNDLE_18, '--rules', dir, '--fix', '--no-config']);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'a.yaml'), 'utf8')).toBe(lower('A').replace('t1059', 'T1059'));
    expect(await readFile(path.join(dir, 'b.yaml'))).toEqual(latin1);
  });
});

describe('lint --fix', () => {
  it('rewrites the file, lists what remains, and leaves no temporary file', async () => {
    const dir = await copyOf(fixture('rules', 'fixable.yaml'));
    const result = await runCli(['lint', '--attack', MINI, '--rules', dir, '--fix']);
    expect(result.code).toBe(1); // the ambiguous T1610 tactic-mismatch is an error that stays
    expect(result.stdout).toMatch(/tactic-mismatch {2}T1610 belongs to execution, defense-evasion/);
    expect(await readFile(path.join(dir, 'fixable.yaml'), 'utf8')).toBe(await readFile(path.join('test', 'golden', 'fixable.fixed.yaml'), 'utf8'));
    expect(await readdir(dir)).toEqual(['fixable.yaml']);
  });

  it('needs --rules', async () => {
    const result = await runCli(['lint', '--attack', MINI, '--fix']);
    expectOneLineError(result, /^error: --fix needs --rules/);
  });

  it('on a copy of the official rules clears every fixable finding, touching only tag lines', async () => {
    const names = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'];
    const dir = await copyOf(...names.map((n) => officialRules(n)));
    const attack = BUNDLE_18;
    const before = JSON.parse((await runCli(['lint', '--attack', attack, '--rules', dir, '--format', 'json', '--fail-on', 'none'])).stdout) as { findings: { fix?: unknown; code: string }[] };
    expect(before.findings.filter((f) => f.fix).length).toBeGreaterThan(5);
    const fixed = await runCli(['lint', '--attack', attack, '--rules', dir, '--fix', '--fail-on', 'none']);
    expect(fixed.code).toBe(0);
    const after = JSON.parse((await runCli(['lint', '--attack', attack, '--rules', dir, '--format', 'json', '--fail-on', 'none'])).stdout) as { findings: { fix?: unknown }[] };
    expect(after.findings.filter((f) => f.fix)).toEqual([]);
    expect(after.findings.length).toBeLessThan(before.findings.length);
    for (const name of names) {
      const original = (await readFile(officialRules(name), 'utf8')).split('\n');
      const now = (await readFile(path.join(dir, name), 'utf8')).split('\n');
      expect(now).toHaveLength(original.length);
      const changed = original.map((line, i) => [line, now[i]!]).filter(([a, b]) => a !== b);
      for (const [a, b] of changed) {
        expect(a).toMatch(/^ {2}tags: \[/);
        expect(b).toMatch(/^ {2}tags: \[/);
      }
      const comments = (lines: string[]) => lines.filter((l) => l.trimStart().startsWith('#'));
      expect(comments(now)).toEqual(comments(original));
    }
  });
});

describe('lint --fix and suggest --apply across several files: all or none', () => {
  // A tag lint --fix rewrites, and a rule suggest --apply tags.
  const MINER = '- rule: ACME Miner\n  desc: miner started\n  condition: spawned_process and proc.name = xmrig\n  output: miner (cmd=%proc.cmdline)\n  priority: WARNING\n  tags: [mitre_impact, t1496]\n';
  const SHADOW = '- rule: Read shadow file\n  desc: a process read /etc/shadow\n  condition: open_read and fd.name = /etc/shadow\n  output: o\n  priority: WARNING\n  tags: [host]\n';
  const COMMANDS: [string[], string][] = [[['lint', '--attack', path.resolve(MINI), '--fix', '--fail-on', 'none'], MINER], [['suggest', '--attack', path.resolve(BUNDLE_18), '--apply', '--min-score', '0'], SHADOW]];

  it('rewrites a file named twice (again by another spelling, or through a symlink) once, and says it did', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    await symlink('x.yaml', path.join(dir, 'y.yaml'));
    const file = path.join(dir, 'x.yaml');
    // Before: x.yaml was rewritten, then "changed on disk after attack-cov read it; not overwritten", exit 2.
    for (const [args, text] of COMMANDS) {
      for (const twice of [['x.yaml', './x.yaml'], ['x.yaml', 'y.yaml']]) {
        await writeFile(file, text);
        const result = await runCli([...args, '--rules', ...twice], { cwd: dir });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/^(fixed \d+ finding\(s\)|added tags to 1 rule\(s\)) in 1 file\(s\)/m);
        if (text === MINER) expect(await readFile(file, 'utf8')).toBe(MINER.replace('t1496', 'T1496'));
        // The tags once, not the suggestion written twice.
        else expect(await readFile(file, 'utf8')).toMatch(/^ {2}tags: \[host, mitre_[a-z_]+, T\d{4}(\.\d{3})?\]\n$/m);
      }
    }
  }, 60_000);

  it('changes no file when a later one lies in a folder this user may not write (the temporary is made there), and says so', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    const [first, second] = [path.join(dir, 'open', 'first.yaml'), path.join(dir, 'locked', 'second.yaml')];
    for (const file of [first, second]) await mkdir(path.dirname(file));
    try {
      for (const [args, text] of COMMANDS) {
        await chmod(path.dirname(second), 0o755);
        for (const file of [first, second]) await writeFile(file, text);
        await chmod(path.dirname(second), 0o555);
        // Before: the first was rewritten, then "cannot write: EACCES" with no hint.
        const result = await runCli([...args, '--rules', first, second], { isPermissionChecked: true });
        expectOneLineError(result, new RegExp(`^error: ${second}: cannot write: permission denied$`));
        expect(result.stderr).toMatch(/^hint: the new text is written beside the file, then renamed over it: this user must be able to write the file and its folder$/m);
        expect(await readFile(first, 'utf8')).toBe(text);
        expect(await readdir(path.dirname(first))).toEqual(['first.yaml']);
      }
    } finally {
      await chmod(path.dirname(second), 0o755);
    }
  }, 60_000);
});

describe('replaceFileAtomically', () => {
  it('refuses a file that changed after it was read', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-fix-'));
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, 'original\n');
    const sha = createHash('sha256').update('original\n').digest('hex');
    await writeFile(file, 'someone else edited this\n');
    await expect(replaceFileAtomically(file, 'fixed\n', sha)).rejects.toBeInstanceOf(InputError);
    expect(await readFile(file, 'utf8')).toBe('someone else edited this\n');
    expect(await readdir(dir)).toEqual(['rules.yaml']);
  });
});
