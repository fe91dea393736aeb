// scripts/nightly.sh, as the workflow and a person run it: first night without a baseline, then with one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
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
