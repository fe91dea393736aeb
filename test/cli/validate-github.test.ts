// validate --format github through the built binary, as a GitHub Actions step runs it: one workflow command per issue at
// the file's path from the repository root, files that are none of the repository's counted in a notice, -q keeping the
// errors (and counting the warnings it left out that fail the gate), and Falco's own verdict as an annotation of its own.
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

// An unknown field (an error, line 2) and a rule of no event type (a warning, line 10).
const BAD = ['- macro: m', '  condition: proc.nam = x', '- rule: r', '  desc: d', '  condition: m and evt.type = open', '  output: o', '  priority: WARNING', '- rule: w', '  desc: d', '  condition: proc.name = x', '  output: o', '  priority: WARNING', ''].join('\n');

/** A git work tree with rules/bad.yaml; its path. */
async function repository(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-vgh-'));
  execFileSync('git', ['init', '-q', dir]);
  await mkdir(path.join(dir, 'rules'));
  await writeFile(path.join(dir, 'rules', 'bad.yaml'), BAD);
  return dir;
}

const lines = (stdout: string) => stdout.split('\n').filter(Boolean);
/** No falco on PATH: the offline checks alone (a machine with Falco would add its verdict). */
const NO_FALCO = { PATH: path.dirname(process.execPath) };

describe('validate --format github', () => {
  it('writes one command per issue at its path from the repository root, [item] and sentence as the listing says them', async () => {
    const dir = await repository();
    const result = await runCli(['validate', 'rules', '--format', 'github'], { cwd: dir, env: NO_FALCO });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual([
      '::error file=rules/bad.yaml,line=2,col=3,title=attack-cov unknown-field::[m] condition 1:1: unknown field proc.nam; did you mean proc.name?',
      expect.stringMatching(/^::warning file=rules\/bad\.yaml,line=10,col=3,title=attack-cov no-event-type::\[w\] the condition matches every event type/),
    ]);
    // -q: the error, and a first notice counting the warning it left out when the gate counts warnings.
    const quiet = await runCli(['validate', 'rules', '--format', 'github', '-q', '--fail-on', 'warning'], { cwd: dir, env: NO_FALCO });
    expect(quiet.code).toBe(1);
    expect(lines(quiet.stdout)).toEqual(['::notice title=attack-cov::1 warning at or above --fail-on warning (not listed with -q)', lines(result.stdout)[0]]);
    // A valid file prints nothing at all: no "valid" line among the commands.
    await writeFile(path.join(dir, 'rules', 'bad.yaml'), '- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n');
    expect(await runCli(['validate', 'rules', '--format', 'github'], { cwd: dir, env: NO_FALCO })).toMatchObject({ code: 0, stdout: '' });
  });

  it('counts in a notice the issues of files that are none of the repository\'s: a file outside the source root', async () => {
    const dir = await repository();
    const outside = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-vgh-out-')), 'other.yaml');
    // Other names than bad.yaml's: one ruleset, where a name defined again replaces the first.
    await writeFile(outside, '- rule: x\n  desc: d\n  condition: proc.name = a and proc.nam = b\n  output: o\n  priority: WARNING\n');
    const result = await runCli(['validate', 'rules', outside, '--format', 'github'], { cwd: dir, env: NO_FALCO });
    expect(result.code).toBe(1);
    const commands = lines(result.stdout);
    // Named as every output names a file outside the source root: by its base name.
    expect(commands[0]).toBe('::notice title=attack-cov::2 issues about other.yaml are not annotated: no file of the repository (--format stylish or json lists them)');
    expect(commands.slice(1).map((c) => c.split(',')[0])).toEqual(['::error file=rules/bad.yaml', '::warning file=rules/bad.yaml']);
  });

  it('says Falco\'s refusal as one error annotation, its output on the lines of one message', async () => {
    const dir = await repository();
    const bin = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-falco-'));
    // A stand-in for the falco binary: refuses every file, on two lines, the second one trying to start a command.
    await writeFile(path.join(bin, 'falco'), '#!/bin/sh\necho "LOAD_ERR_COMPILE_CONDITION"\necho "::error::forged 100%"\nexit 1\n');
    await chmod(path.join(bin, 'falco'), 0o755);
    const result = await runCli(['validate', 'rules', '--format', 'github'], { cwd: dir, env: { PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}` } });
    expect(result.code).toBe(1);
    const commands = lines(result.stdout);
    expect(commands).toHaveLength(3);
    // First: GitHub annotates the first 10 errors of a step, and Falco's must be among them.
    expect(commands[0]).toBe('::error title=attack-cov falco -V::falco -V: INVALID%0ALOAD_ERR_COMPILE_CONDITION%0A::error::forged 100%25');
  });

  it('says a Falco that gave no verdict as a warning annotation, -q or not: the check then stands on the offline checks', async () => {
    const dir = await repository();
    const bin = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-falco-'));
    // Not executable: spawning it fails.
    await writeFile(path.join(bin, 'falco'), '#!/bin/sh\necho Ok\n');
    await chmod(path.join(bin, 'falco'), 0o644);
    await writeFile(path.join(dir, 'rules', 'bad.yaml'), '- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n');
    const result = await runCli(['validate', 'rules', '--format', 'github', '-q'], { cwd: dir, env: { PATH: `${bin}${path.delimiter}${path.dirname(process.execPath)}` } });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^::warning title=attack-cov falco -V::falco could not be run: spawnSync .*falco EACCES; only the offline checks count$/)]);
  });

  it('puts a file it cannot read on its line as an error annotation too (a YAML syntax error), and exits 2 as always', async () => {
    const dir = await repository();
    await writeFile(path.join(dir, 'rules', 'bad.yaml'), '- rule: r\n  desc: [unclosed\n  condition: evt.type = open\n');
    for (const args of [['validate', 'rules'], ['lint', '--rules', 'rules']]) {
      const result = await runCli([...args, '--format', 'github'], { cwd: dir, env: NO_FALCO });
      expect(result.code, args[0]).toBe(2);
      expect(result.stderr, args[0]).toMatch(/^error: rules\/bad\.yaml:\d+:\d+: YAML syntax error/);
      expect(lines(result.stdout), args[0]).toEqual([expect.stringMatching(/^::error file=rules\/bad\.yaml,line=\d+,col=\d+,title=attack-cov cannot read::YAML syntax error/)]);
    }
  });

  it('annotates a symlink\'s issues at the file of the repository it points to, and counts a link out of it in the notice', async () => {
    const dir = await repository();
    await mkdir(path.join(dir, 'other'));
    await symlink('../rules/bad.yaml', path.join(dir, 'other', 'link.yaml'));
    const inside = await runCli(['validate', 'other', '--format', 'github'], { cwd: dir, env: NO_FALCO });
    expect(lines(inside.stdout).map((c) => c.split(',')[0])).toEqual(['::error file=rules/bad.yaml', '::warning file=rules/bad.yaml']);
    const outsideDir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-vgh-far-'));
    await writeFile(path.join(outsideDir, 'far.yaml'), '- rule: x\n  desc: d\n  condition: proc.name = a and proc.nam = b\n  output: o\n  priority: WARNING\n');
    await symlink(path.join(outsideDir, 'far.yaml'), path.join(dir, 'other', 'far.yaml'));
    await rm(path.join(dir, 'other', 'link.yaml'));
    const out = await runCli(['validate', 'other', '--format', 'github'], { cwd: dir, env: NO_FALCO });
    expect(lines(out.stdout)).toEqual(['::notice title=attack-cov::2 issues about other/far.yaml are not annotated: no file of the repository (--format stylish or json lists them)']);
  });

  it('without paths, validates what lint reads: the rules Falco reads here, else the official ones (no /etc/falco here)', async () => {
    const result = await runCli(['validate', '--format', 'json'], { cwd: await mkdtemp(path.join(os.tmpdir(), 'attack-cov-vgh-')), env: NO_FALCO });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).files).toEqual(['official:falco_rules.yaml@c72713e']);
  });
});
