// validate --format github through the built binary, as a GitHub Actions step runs it: one workflow command per issue at
// the file's path from the repository root, files that are none of the repository's counted in a notice, -q keeping the
// errors (and counting the warnings it left out that fail the gate), and Falco's own verdict as an annotation of its own.
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
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
    expect(commands[2]).toBe('::error title=attack-cov falco -V::falco -V: INVALID%0ALOAD_ERR_COMPILE_CONDITION%0A::error::forged 100%25');
  });
});
