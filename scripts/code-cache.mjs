#!/usr/bin/env node
// Run by `npm run build` last: makes dist/code-cache/ (src/launch.cts), V8's code cache of the bundle's chunks,
// by running the built command as a user's first day does: `report` on the embedded data (what compiles is the warm
// path, dist/parsed being built), then `lint` and `validate` (which cache the chunks of their own that report
// did not load). Each run writes the cache of the chunks it compiled that have none yet, so a chunk's cache holds
// the functions its first run compiled. Then every cache written is read back as the launcher reads it and must be
// one V8 takes. Outputs and the cache go to a temporary folder, removed after. Generated, never committed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
rmSync(path.join(dist, 'code-cache'), { recursive: true, force: true });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-code-cache-'));
const fail = (message) => {
  process.stderr.write(`scripts/code-cache.mjs: ${message}\n`);
  process.exit(1);
};
try {
  // Nothing of the machine's: no NODE_OPTIONS (V8 flags in it would be baked into the cache, which V8 then refuses
  // in every run without them), no attack-cov settings, no falco on PATH for validate to run, no project config
  // (--no-config: one in the temporary folder's parents would be read), the embedded rules named (report and lint
  // read /etc/falco where Falco is installed).
  const env = { PATH: path.dirname(process.execPath), HOME: tmp, ATTACK_COV_CODE_CACHE: 'write', ATTACK_COV_CACHE: path.join(tmp, 'cache'), NO_COLOR: '1' };
  const runs = [
    ['report', '--rules', 'official', '--no-config', '--out', path.join(tmp, 'reports'), '--quiet'],
    ['lint', '--rules', 'official', '--no-config', '--fail-on', 'none', '--quiet'],
    ['validate', 'official', '--quiet'],
  ];
  for (const args of runs) {
    const run = spawnSync(process.execPath, [path.join(dist, 'cli.js'), ...args], { cwd: tmp, env, encoding: 'utf8' });
    if (run.status !== 0 || run.stderr !== '') fail(`attack-cov ${args[0]} exited ${run.status}${run.stderr ? `: ${run.stderr.trim()}` : ''}`);
  }
  const { cachedDataOf } = createRequire(import.meta.url)(path.join(dist, 'launch.cjs'));
  const caches = readdirSync(path.join(dist, 'code-cache'));
  if (!caches.includes('program.cjs.v8')) fail('no cache was written for program.cjs');
  for (const name of caches) {
    const chunk = path.join(dist, 'bundle', name.replace(/\.v8$/, ''));
    const source = readFileSync(chunk, 'utf8');
    const cachedData = cachedDataOf(chunk, source);
    if (!cachedData || new vm.Script(Module.wrap(source), { filename: chunk, cachedData }).cachedDataRejected) fail(`the cache of ${name} is not one V8 takes`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
