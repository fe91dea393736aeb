// scripts/pull-request.sh and .github/workflows/pull-request.yml, as the workflow and a person run them: validate or lint
// the rules of a repository with every issue or finding as a workflow command at its path from the repository root,
// RULES read as nightly.sh reads it, FAIL_ON as the gate.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { fixture, repoRoot } from '../helpers/paths.js';

const SCRIPT = path.join(repoRoot, 'scripts', 'pull-request.sh');

/** A PATH of what the script runs and nothing else (no falco, whose packages install it in /usr/bin: the offline
 * checks alone, whatever the machine has). */
const BIN = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-pr-bin-'));
for (const tool of ['bash', 'dirname', 'node']) symlinkSync(execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), path.join(BIN, tool));

function check(args: string[], cwd: string, env: Record<string, string> = {}, script = SCRIPT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(BIN, 'bash'), [script, ...args], { cwd, env: { PATH: BIN, HOME: process.env.HOME, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A git work tree with `my rules/`: the tag fixture of a tactic mismatch, and a rule whose condition names no field. */
async function repository(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-pr-'));
  execFileSync('git', ['init', '-q', dir]);
  await mkdir(path.join(dir, 'my rules'));
  await copyFile(fixture('rules', 'tactic-mismatch.yaml'), path.join(dir, 'my rules', 'tags.yaml'));
  await writeFile(path.join(dir, 'my rules', 'fields.yaml'), '- rule: Bad field\n  desc: x\n  condition: evt.type = open and proc.nam = x\n  output: x\n  priority: WARNING\n  tags: [mitre_execution, T1059]\n');
  return dir;
}

const commandsOf = (stdout: string) => stdout.split('\n').filter(Boolean).map((line) => line.split('::')[1]!.split(',')[0]);

describe('scripts/pull-request.sh', () => {
  it('validates and lints the rules of the pull request, each issue and finding an annotation at its path', async () => {
    const dir = await repository();
    // One path that holds a blank, as nightly.sh takes it.
    const validate = await check(['validate'], dir, { RULES: 'my rules' });
    expect(validate.code).toBe(1);
    expect(commandsOf(validate.stdout)).toEqual(['error file=my rules/fields.yaml']);
    const lint = await check(['lint'], dir, { RULES: 'my rules' });
    expect(lint.code).toBe(1);
    expect(commandsOf(lint.stdout)).toEqual(['warning file=my rules/tags.yaml', 'error file=my rules/tags.yaml']);
    // FAIL_ON chooses the gate; the annotations are the same.
    const ungated = await check(['lint'], dir, { RULES: 'my rules', FAIL_ON: 'none' });
    expect(ungated.code).toBe(0);
    expect(ungated.stdout).toBe(lint.stdout);
    // RULES one per line, as a YAML block in the workflow's env gives it.
    const lines = await check(['validate'], dir, { RULES: 'my rules/tags.yaml\nmy rules/fields.yaml\n' });
    expect(commandsOf(lines.stdout)).toEqual(['error file=my rules/fields.yaml']);
    // FAIL_ON is validate's gate too.
    const validateUngated = await check(['validate'], dir, { RULES: 'my rules', FAIL_ON: 'none' });
    expect(validateUngated).toMatchObject({ code: 0, stdout: validate.stdout });
  });

  it('finds its checkout when run by a relative path, as the workflow runs it, with CDPATH set (cd then prints where it went)', async () => {
    const dir = await repository();
    const relative = await check(['validate'], repoRoot, { RULES: path.join(dir, 'my rules'), CDPATH: `/nonexistent:${repoRoot}` }, 'scripts/pull-request.sh');
    expect(relative.stderr).toBe('');
    expect(relative.code).toBe(1);
    expect(commandsOf(relative.stdout)).toEqual(['error file=my rules/fields.yaml']);
  });

  it('takes a path that begins with - as a path', async () => {
    const dir = await repository();
    await mkdir(path.join(dir, '-rules'));
    await copyFile(path.join(dir, 'my rules', 'fields.yaml'), path.join(dir, '-rules', 'fields.yaml'));
    const validate = await check(['validate'], dir, { RULES: '-rules' });
    expect(validate.code, validate.stderr).toBe(1);
    expect(commandsOf(validate.stdout)).toEqual(['error file=-rules/fields.yaml']);
  });

  it('without RULES, checks what Falco reads here, else the official rules (no /etc/falco here): nothing to annotate', async () => {
    const dir = await repository();
    const lint = await check(['lint'], dir);
    expect(lint.code).toBe(0);
    expect(lint.stdout).toMatch(/^::notice title=attack-cov::\d+ findings about official:falco_rules\.yaml@\w+ are not annotated/);
    // validate reads the same rules; the official ones are valid.
    expect(await check(['validate'], dir)).toMatchObject({ code: 0, stdout: '' });
  });

  it('names its usage, and out of an attack-cov checkout says it needs one; both exit 2', async () => {
    const dir = await repository();
    for (const args of [[], ['report']]) {
      const usage = await check(args, dir);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toBe('pull-request: usage: scripts/pull-request.sh validate|lint (RULES, FAIL_ON in the environment)\n');
    }
    await mkdir(path.join(dir, 'scripts'));
    for (const name of ['pull-request.sh', 'split-rules.sh']) await copyFile(path.join(repoRoot, 'scripts', name), path.join(dir, 'scripts', name));
    const alone = await check(['lint'], dir, {}, path.join(dir, 'scripts', 'pull-request.sh'));
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/^pull-request: no attack-cov build at .*dist\/cli\.js: run this script from an attack-cov checkout after npm ci\n$/);
  });
});

describe('.github/workflows/pull-request.yml', () => {
  it('runs the script on pull requests, validate and lint in steps of their own, lint even when validate failed', async () => {
    const workflow = parse(await readFile(path.join(repoRoot, '.github', 'workflows', 'pull-request.yml'), 'utf8')) as { on: Record<string, unknown>; permissions: Record<string, string>; env: Record<string, string>; jobs: { rules: { steps: { run?: string; if?: string; id?: string }[] } } };
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.env.FAIL_ON).toBe('error');
    const runs = workflow.jobs.rules.steps.filter((s) => s.run);
    expect(runs.map((s) => s.run)).toEqual(['npm ci', 'scripts/pull-request.sh validate', 'scripts/pull-request.sh lint']);
    // lint also after a failed validate, but not when validate did not run (a failed npm ci: no build to run).
    expect(runs[1]).toMatchObject({ id: 'validate' });
    expect(runs[2]!.if).toBe("${{ !cancelled() && steps.validate.outcome != 'skipped' }}");
  });
});
