// The bundle and its V8 code cache (src/launch.cts): the build makes a cache V8 takes for every chunk it made
// one for, and a cache is never given to V8 for a source other than the one it was made from, since V8 checks
// only the source's length: a chunk changed in place, same length, runs as changed. Each test runs a copy of the
// built package (dist/cli.js, launch.cjs, the bundle and the cache copied; data, templates and node_modules
// linked), so the checkout's dist/ is never touched.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const dist = path.join(repoRoot, 'dist');
const sha256 = (text: string) => createHash('sha256').update(text).digest();
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the built package in a temporary folder; returns its root. */
function packageCopy(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-code-cache-'));
  made.push(root);
  for (const name of ['data', 'templates', 'node_modules', 'package.json']) symlinkSync(path.join(repoRoot, name), path.join(root, name));
  mkdirSync(path.join(root, 'dist'));
  for (const name of ['cli.js', 'launch.cjs']) cpSync(path.join(dist, name), path.join(root, 'dist', name));
  for (const name of ['bundle', 'code-cache']) cpSync(path.join(dist, name), path.join(root, 'dist', name), { recursive: true });
  symlinkSync(path.join(dist, 'parsed'), path.join(root, 'dist', 'parsed'));
  return root;
}

function run(root: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', SOURCE_DATE_EPOCH: '1767225600', ATTACK_COV_CACHE: path.join(root, 'cache'), ...env },
  });
}

describe('the code cache of the bundle', () => {
  it('holds, for the entry and the chunks report loads, data V8 takes for the chunk its hash names', () => {
    const caches = readdirSync(path.join(dist, 'code-cache'));
    expect(caches).toContain('program.cjs.v8');
    expect(caches.some((name) => name.startsWith('analyze-'))).toBe(true);
    for (const name of caches) {
      const chunk = path.join(dist, 'bundle', name.replace(/\.v8$/, ''));
      const source = readFileSync(chunk, 'utf8');
      const stored = readFileSync(path.join(dist, 'code-cache', name));
      expect(stored.subarray(0, 32).equals(sha256(source)), name).toBe(true);
      // Compiled as the launcher compiles it (the same wrapper and file name), V8 accepts it.
      const script = new vm.Script(Module.wrap(source), { filename: chunk, cachedData: stored.subarray(32) });
      expect(script.cachedDataRejected, name).toBe(false);
    }
  });

  it('is not used for a chunk changed in place to a source of the same length', () => {
    const root = packageCopy();
    const entry = path.join(root, 'dist', 'bundle', 'program.cjs');
    const source = readFileSync(entry, 'utf8');
    const example = 'cache list --format json | jq';
    expect(source).toContain(example);
    // Same length, so V8's own check (the source's length) would take the cache made for the old text, and
    // the help would print the old example from the cached bytecode.
    writeFileSync(entry, source.replace(example, 'cache list --format JSON | jq'));
    const changed = run(root, ['cache', 'list', '--help']);
    expect(changed.stderr).toBe('');
    expect(changed.stdout).toContain('cache list --format JSON | jq');
    expect(changed.status).toBe(0);
  });

  it('is refused, and the command runs as without it, when its data is damaged or from another build', () => {
    const root = packageCopy();
    const cacheDir = path.join(root, 'dist', 'code-cache');
    for (const name of readdirSync(cacheDir)) {
      const stored = readFileSync(path.join(cacheDir, name));
      // The hash still names the chunk; V8's part is garbage after its first bytes.
      writeFileSync(path.join(cacheDir, name), Buffer.concat([stored.subarray(0, 40), Buffer.alloc(stored.length - 40, 0x5a)]));
    }
    const out = path.join(root, 'out');
    const damaged = run(root, ['report', '--out', out, '--quiet']);
    expect(damaged.stderr).toBe('');
    expect(damaged.status).toBe(0);
    const without = run(root, ['report', '--out', path.join(root, 'out-off'), '--quiet'], { ATTACK_COV_CODE_CACHE: 'off' });
    expect(without.status).toBe(0);
    for (const name of readdirSync(out)) expect(readFileSync(path.join(out, name)).equals(readFileSync(path.join(root, 'out-off', name))), name).toBe(true);
  });
});
