// scripts/nightly.sh, as the workflow and a person run it: first night without a baseline, then with one.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, repoRoot } from '../helpers/paths.js';

/** An empty cache of this test's own (as root, a made-up path such as /nonexistent would be created). */
const cache = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-nightly-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

function nightly(env: Record<string, string>, script = path.join(repoRoot, 'scripts', 'nightly.sh')): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [script], { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME, ATTACK_COV_CACHE: cache, ...env } });
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

  it('takes RULES one per line, so that a path may hold a blank', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-nightly-lines-'));
    await mkdir(path.join(dir, 'my rules'));
    await writeFile(path.join(dir, 'my rules', 'r.yaml'), await readFile(fixture('rules', 'tactic-mismatch.yaml'), 'utf8'));
    const rules = `${path.join(dir, 'my rules')}/\n\n${fixture('rules', 'conventional.yaml')}\n`;
    const run = await nightly({ ATTACK: 'test/fixtures/attack/mini-bundle-2.0.json', RULES: rules, OUT: path.join(dir, 'out') });
    // The tactic mismatch in the folder with a blank is found: an error, so the night's gate (fail-on error) fails.
    expect(run.code).toBe(1);
    const report = JSON.parse(await readFile(path.join(dir, 'out', 'report.json'), 'utf8')) as { inputs: { rules: { path: string }[] } };
    expect(report.inputs.rules.map((r) => path.basename(r.path))).toEqual(['r.yaml', 'conventional.yaml']);
    // A folded YAML value: space-separated, ending in a newline. And a single path with a blank, as it is.
    const folded = await nightly({ ATTACK: 'test/fixtures/attack/mini-bundle-2.0.json', RULES: `${fixture('rules', 'conventional.yaml')} ${fixture('rules', 'base.yaml')}\n`, OUT: path.join(dir, 'out2') });
    expect(folded.code, folded.stderr).toBe(0);
    const single = await nightly({ ATTACK: 'test/fixtures/attack/mini-bundle-2.0.json', RULES: `${path.join(dir, 'my rules')}/`, OUT: path.join(dir, 'out3') });
    expect(single.code).toBe(1);
    expect(single.stderr).toMatch(/tactic-mismatch|gate failed/);
  });

  it('copied out of an attack-cov checkout, says it needs one and exits 2 (1 would read as a failed gate)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-nightly-alone-'));
    await mkdir(path.join(dir, 'scripts'));
    await writeFile(path.join(dir, 'scripts', 'nightly.sh'), await readFile(path.join(repoRoot, 'scripts', 'nightly.sh'), 'utf8'));
    const alone = await nightly({ RULES: fixture('rules', 'conventional.yaml'), OUT: path.join(dir, 'out') }, path.join(dir, 'scripts', 'nightly.sh'));
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/^nightly: no attack-cov build at .*dist\/cli\.js: run this script from an attack-cov checkout after npm ci\n$/);
  });
});

describe('scripts/rules-cache-key.sh (the nightly workflow keys its cache by the rules)', () => {
  /** The script's output for RULES (as the workflow passes it: the env, split by the script), run in `cwd`. */
  const key = (rules: string | undefined, cwd = repoRoot) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn('bash', [path.join(repoRoot, 'scripts', 'rules-cache-key.sh')], { cwd, env: { PATH: process.env.PATH, ...(rules === undefined ? {} : { RULES: rules }) } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
    });

  it('changes when a rules file RULES names changes, is added or renamed, and only then', async () => {
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
    // attack-cov (as Falco) lists *.yaml and *.yml in that case: EXTRA.YAML is not loaded, and does not count.
    await writeFile(path.join(dir, 'EXTRA.YAML'), '- rule: X\n');
    expect(await key(dir)).toBe(changed);
    await writeFile(path.join(dir, 'b.yml'), '- rule: B\n');
    const added = await key(dir);
    expect(added).not.toBe(changed);
    await rename(path.join(dir, 'b.yml'), path.join(dir, 'c.yaml'));
    expect(await key(dir)).not.toBe(added);
    // A file named directly counts too, and so does the order files are given in (it is the load order).
    const a = path.join(dir, 'a.yaml');
    const c = path.join(dir, 'c.yaml');
    expect(await key(`${a} ${c}`)).not.toBe(await key(`${c} ${a}`));
    expect(await key(`  ${a}\t${c} `)).toBe(await key(`${a} ${c}`));
    expect(await key(undefined)).toBe(await key(''));
  });

  it('splits RULES as nightly.sh does: one path per line, or one path that holds a blank (QA: only the first line counted)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-rules-key-'));
    for (const folder of ['rules', 'other', 'more rules']) {
      await mkdir(path.join(dir, folder));
      await writeFile(path.join(dir, folder, 'a.yaml'), `- rule: ${folder}\n`);
    }
    const lines = 'rules/\nother/\n';
    const before = await key(lines, dir);
    expect(before).not.toBe(await key('rules/', dir));
    await writeFile(path.join(dir, 'other', 'a.yaml'), '- rule: other changed\n');
    expect(await key(lines, dir)).not.toBe(before);
    expect(await key('rules/ other/', dir)).toBe(await key(lines, dir));
    const blank = await key('more rules/', dir);
    await writeFile(path.join(dir, 'more rules', 'a.yaml'), '- rule: more changed\n');
    expect(await key('more rules/', dir)).not.toBe(blank);
  });

  it('reads a directory given as a symlink through it, takes no word as a glob or an option', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-rules-key-'));
    await mkdir(path.join(dir, 'rules'));
    await writeFile(path.join(dir, 'rules', 'a.yaml'), '- rule: A\n');
    await symlink('rules', path.join(dir, 'linked'));
    const before = await key('linked', dir);
    await writeFile(path.join(dir, 'rules', 'a.yaml'), '- rule: A changed\n');
    expect(await key('linked', dir)).not.toBe(before);
    // nightly.sh passes "*.yaml" to attack-cov as it is; so does the key (the digest of a word, not of files).
    await writeFile(path.join(dir, 'b.yaml'), '- rule: B\n');
    const glob = await key('*.yaml', dir);
    expect(glob).not.toBe(await key('b.yaml', dir));
    await writeFile(path.join(dir, 'b.yaml'), '- rule: B changed\n');
    expect(await key('*.yaml', dir)).toBe(glob);
    // A name starting with "-" is a file or a directory, not an option of sha256sum or find.
    await writeFile(path.join(dir, '-r.yaml'), '- rule: R\n');
    await mkdir(path.join(dir, '-d'));
    await writeFile(path.join(dir, '-d', 'd.yaml'), '- rule: D\n');
    const dashed = await key('-r.yaml -d', dir);
    await writeFile(path.join(dir, '-r.yaml'), '- rule: R changed\n');
    const fileChanged = await key('-r.yaml -d', dir);
    expect(fileChanged).not.toBe(dashed);
    await writeFile(path.join(dir, '-d', 'd.yaml'), '- rule: D changed\n');
    expect(await key('-r.yaml -d', dir)).not.toBe(fileChanged);
  });

  it('is what the workflow keys its cache by: a cache per run, restored from the same rules, else from any', async () => {
    const { parse } = await import('yaml');
    const workflow = parse(await readFile(path.join(repoRoot, '.github', 'workflows', 'nightly.yml'), 'utf8')) as { jobs: { coverage: { steps: { id?: string; uses?: string; run?: string; with?: Record<string, string> }[] } } };
    const steps = workflow.jobs.coverage.steps;
    const keyStep = steps.findIndex((s) => s.id === 'rules-key');
    const cacheStep = steps.findIndex((s) => s.uses?.startsWith('actions/cache@'));
    expect(steps[keyStep]!.run).toBe('scripts/rules-cache-key.sh >> "$GITHUB_OUTPUT"');
    expect(keyStep).toBeLessThan(cacheStep);
    const { key: cacheKey, 'restore-keys': restore } = steps[cacheStep]!.with!;
    const rules = '${{ steps.rules-key.outputs.rules }}';
    expect(cacheKey!.endsWith(`-${rules}-\${{ github.run_id }}`)).toBe(true);
    const prefix = cacheKey!.slice(0, cacheKey!.indexOf(rules));
    expect(restore!.trim().split('\n')).toEqual([`${prefix}${rules}-`, prefix]);
    expect(cacheStep).toBeLessThan(steps.findIndex((s) => s.run === 'scripts/nightly.sh'));
  });
});
