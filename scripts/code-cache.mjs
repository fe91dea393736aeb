#!/usr/bin/env node
// Run by `npm run build` last: makes dist/code-cache/ (src/launch.cts), V8's code cache of the bundle's chunks,
// by running the built command as a user's first day does: `report` on the embedded data (what compiles is the warm
// path, dist/parsed being built), then `lint` and `validate` (which cache the chunks of their own that report
// did not load). Each run writes the cache of the chunks it compiled that have none yet, so a chunk's cache holds
// the functions its first run compiled. Outputs and the cache go to a temporary folder, removed after.
// Generated, never committed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
rmSync(path.join(root, 'dist', 'code-cache'), { recursive: true, force: true });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-code-cache-'));
try {
  // Nothing of the user's attack-cov settings (a mirror, SOURCE_DATE_EPOCH, …): only NODE_OPTIONS, whose V8 flags
  // the cache must have been made with for V8 to take it.
  const inherited = Object.entries(process.env).filter(([name, value]) => ['PATH', 'HOME', 'NODE_OPTIONS'].includes(name) && value !== undefined);
  const env = { ...Object.fromEntries(inherited), ATTACK_COV_CODE_CACHE: 'write', ATTACK_COV_CACHE: path.join(tmp, 'cache'), NO_COLOR: '1' };
  // The embedded rules named: by default report and lint read /etc/falco where Falco is installed, and the build
  // must not depend on what the machine holds there.
  const runs = [['report', '--rules', 'official', '--out', path.join(tmp, 'reports'), '--quiet'], ['lint', '--rules', 'official', '--quiet'], ['validate', 'official', '--quiet']];
  for (const args of runs) {
    const run = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], { cwd: tmp, env, encoding: 'utf8' });
    // lint's exit code 1 is a gate (the official rules have findings), not a failure of the run.
    if (run.status !== 0 && run.status !== 1) throw new Error(`attack-cov ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
