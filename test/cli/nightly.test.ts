// scripts/nightly.sh, as the workflow and a person run it: first night without a baseline, then with one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, repoRoot } from '../helpers/paths.js';

/** An empty cache of this test's own (as root, a made-up path such as /nonexistent would be created). */
const cache = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-nightly-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

function nightly(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [path.join(repoRoot, 'scripts', 'nightly.sh')], { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME, ATTACK_COV_CACHE: cache, ...env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('scripts/nightly.sh', () => {
  it('writes the reports and the job summary, then gates against the previous night', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-nightly-'));
    const summary = path.join(dir, 'step-summary.md');
    await writeFile(summary, '');
    const common = { ATTACK: 'test/fixtures/attack/mini-bundle-2.0.json', GITHUB_STEP_SUMMARY: summary };
    const first = await nightly({ ...common, RULES: fixture('rules', 'conventional.yaml'), OUT: path.join(dir, 'night1'), BASELINE: path.join(dir, 'none.json') });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/no baseline at .*none\.json/);
    expect(await readFile(summary, 'utf8')).toMatch(/## ATT&CK coverage of the Falco rules/);

    const second = await nightly({ ...common, RULES: `${fixture('rules', 'conventional.yaml')} ${fixture('rules', 'tactic-mismatch.yaml')}`, OUT: path.join(dir, 'night2'), BASELINE: path.join(dir, 'night1', 'report.json') });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/gate failed: --fail-on: .*new tactic-mismatch/);
    expect(await readFile(path.join(dir, 'night2', 'findings.sarif'), 'utf8')).toMatch(/"baselineState": "new"/);
    expect(await readFile(summary, 'utf8')).toMatch(/\*\*Gate failed\*\*/);
  });
});

describe('scripts/rules-cache-key.sh (the nightly workflow keys its cache by the rules)', () => {
  const key = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn('bash', [path.join(repoRoot, 'scripts', 'rules-cache-key.sh'), ...args]);
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
    });

  it('changes when a rules file the arguments name changes, is added or renamed, and only then', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-rules-key-'));
    await writeFile(path.join(dir, 'a.yaml'), '- rule: A\n');
    const first = await key(dir);
    expect(first).toMatch(/^rules=[0-9a-f]{16}\n$/);
    expect(await key(dir)).toBe(first);
    await writeFile(path.join(dir, 'notes.md'), 'not a rules file');
    expect(await key(dir)).toBe(first);
    await writeFile(path.join(dir, 'a.yaml'), '- rule: A changed\n');
    const changed = await key(dir);
    expect(changed).not.toBe(first);
    await writeFile(path.join(dir, 'B.YML'), '- rule: B\n');
    const added = await key(dir);
    expect(added).not.toBe(changed);
    await rename(path.join(dir, 'B.YML'), path.join(dir, 'c.yaml'));
    expect(await key(dir)).not.toBe(added);
    // A file named directly counts too, and so does the order files are given in (it is the load order).
    const a = path.join(dir, 'a.yaml');
    const c = path.join(dir, 'c.yaml');
    expect(await key(a, c)).not.toBe(await key(c, a));
    expect(await key()).toMatch(/^rules=[0-9a-f]{16}\n$/);
  });

  it('is what the workflow keys its cache by, with the older caches of the same ATT&CK as the fallback', async () => {
    const { parse } = await import('yaml');
    const workflow = parse(await readFile(path.join(repoRoot, '.github', 'workflows', 'nightly.yml'), 'utf8')) as { jobs: { coverage: { steps: { id?: string; uses?: string; run?: string; with?: Record<string, string> }[] } } };
    const steps = workflow.jobs.coverage.steps;
    const keyStep = steps.findIndex((s) => s.id === 'rules-key');
    const cacheStep = steps.findIndex((s) => s.uses?.startsWith('actions/cache@'));
    expect(steps[keyStep]!.run).toContain('scripts/rules-cache-key.sh ${RULES:-}');
    expect(keyStep).toBeLessThan(cacheStep);
    const { key: cacheKey, 'restore-keys': restore } = steps[cacheStep]!.with!;
    expect(cacheKey!.endsWith('-${{ steps.rules-key.outputs.rules }}')).toBe(true);
    expect(`${restore!.trim()}\${{ steps.rules-key.outputs.rules }}`).toBe(cacheKey);
    expect(cacheStep).toBeLessThan(steps.findIndex((s) => s.run === 'scripts/nightly.sh'));
  });
});
