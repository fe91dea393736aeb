// The bundle and its V8 code cache (src/launch.cts): the build makes a cache V8 takes for every chunk it made
// one for, and a run uses it; a cache is never given to V8 for a source other than the one it was made from (V8
// checks only the source's length: a chunk changed in place, same length, runs as changed), nor for another Node
// release (V8's version check lets Node 20.18 take 20.20's bytecode, and crash), nor damaged (V8 does not check its
// checksum in a release build). Without a bundle the command says so in one line. Each test runs a copy of the
// built package (dist/cli.js, launch.cjs, the bundle and the cache copied; data, templates and node_modules
// linked), so the checkout's dist/ is never touched.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const dist = path.join(repoRoot, 'dist');
const sha256 = (...parts: (string | Buffer)[]) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();
const launcher = createRequire(import.meta.url)(path.join(dist, 'launch.cjs')) as typeof import('../../src/launch.cjs');
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
  for (const name of ['cli.js', 'launch.cjs', 'program.js']) cpSync(path.join(dist, name), path.join(root, 'dist', name), { preserveTimestamps: true });
  for (const name of ['bundle', 'code-cache']) cpSync(path.join(dist, name), path.join(root, 'dist', name), { recursive: true, preserveTimestamps: true });
  symlinkSync(path.join(dist, 'parsed'), path.join(root, 'dist', 'parsed'));
  return root;
}

function run(root: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', SOURCE_DATE_EPOCH: '1767225600', ATTACK_COV_CACHE: path.join(root, 'cache'), ...env },
  });
}

/** The chunks the verbose line says came from the cache, and those compiled. */
function cacheUse(stderr: string): { read: string[]; compiled: string[] } {
  const match = /^code cache: \d+ chunk\(s\) from [^\n(;]*(?: \(([^)]*)\))?; \d+ compiled(?: \(([^)]*)\))?$/m.exec(stderr);
  expect(match, stderr).not.toBeNull();
  return { read: match![1]?.split(', ') ?? [], compiled: match![2]?.split(', ') ?? [] };
}

describe('the code cache of the bundle', () => {
  it('holds, for the entry and the chunks report loads, data V8 takes, keyed to the chunk and this Node', () => {
    const caches = readdirSync(path.join(dist, 'code-cache'));
    expect(caches).toContain('program.cjs.v8');
    // The chunk holding the analysis (rolldown names a chunk after one of its modules, which one may change).
    const analysis = readdirSync(path.join(dist, 'bundle')).filter((name) => readFileSync(path.join(dist, 'bundle', name), 'utf8').includes('function analyze('));
    expect(analysis).toHaveLength(1);
    expect(caches).toContain(`${analysis[0]}.v8`);
    for (const name of caches) {
      const chunk = path.join(dist, 'bundle', name.replace(/\.v8$/, ''));
      const source = readFileSync(chunk, 'utf8');
      const stored = readFileSync(path.join(dist, 'code-cache', name));
      expect(stored.subarray(0, 32).equals(sha256(`${process.version} ${process.arch} v8 ${process.versions.v8}`, '\0', source)), name).toBe(true);
      expect(stored.subarray(32, 64).equals(sha256(stored.subarray(64))), name).toBe(true);
      // Compiled as the launcher compiles it (the same wrapper and file name), V8 accepts it.
      const script = new vm.Script(Module.wrap(source), { filename: chunk, cachedData: launcher.cachedDataOf(chunk, source) });
      expect(script.cachedDataRejected, name).toBe(false);
    }
  });

  it('is what a run reads: every chunk of --version from the cache, none compiled', () => {
    const root = packageCopy();
    const used = cacheUse(run(root, ['--version'], { ATTACK_COV_CODE_CACHE: 'verbose' }).stderr);
    expect(used.read).toContain('program.cjs');
    expect(used.compiled).toEqual([]);
    const off = run(root, ['--version'], { ATTACK_COV_CODE_CACHE: 'off' });
    expect([off.status, off.stdout, off.stderr]).toEqual([0, `${JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}\n`, '']);
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

  it('is not used when made by another Node release, which V8 itself would take', () => {
    const root = packageCopy();
    const chunk = path.join(root, 'dist', 'bundle', 'program.cjs');
    const source = readFileSync(chunk, 'utf8');
    const file = path.join(root, 'dist', 'code-cache', 'program.cjs.v8');
    const data = readFileSync(file).subarray(64);
    // This Node's own data, V8 would accept it; keyed as a build on another release of Node 20 would key it.
    writeFileSync(file, Buffer.concat([sha256(`v20.18.1 ${process.arch} v8 ${process.versions.v8}`, '\0', source), sha256(data), data]));
    const result = run(root, ['--version'], { ATTACK_COV_CODE_CACHE: 'verbose' });
    expect(result.status).toBe(0);
    expect(cacheUse(result.stderr).compiled).toEqual(['program.cjs']);
  });

  it('is refused, and the command runs as without it, when its data is damaged, inside or at its header', () => {
    const root = packageCopy();
    const cacheDir = path.join(root, 'dist', 'code-cache');
    const names = readdirSync(cacheDir);
    for (const [i, name] of names.entries()) {
      const stored = readFileSync(path.join(cacheDir, name));
      // Every other file flipped inside V8's data (which a release V8 does not checksum: it aborts on some), the
      // others cut after V8's header.
      if (i % 2 === 0) {
        for (let at = 64 + 96; at < stored.length; at += 97) stored[at]! ^= 0xff;
        writeFileSync(path.join(cacheDir, name), stored);
      } else {
        writeFileSync(path.join(cacheDir, name), stored.subarray(0, 64 + 40));
      }
    }
    const out = path.join(root, 'out');
    const damaged = run(root, ['report', '--out', out], { ATTACK_COV_CODE_CACHE: 'verbose' });
    expect(damaged.status).toBe(0);
    expect(cacheUse(damaged.stderr).read).toEqual([]);
    const without = run(root, ['report', '--out', path.join(root, 'out-off'), '--quiet'], { ATTACK_COV_CODE_CACHE: 'off' });
    expect(without.status).toBe(0);
    for (const name of readdirSync(out)) expect(readFileSync(path.join(out, name)).equals(readFileSync(path.join(root, 'out-off', name))), name).toBe(true);
  });

  it('a package without its bundle says so in one line, exit 2; a bundle older than tsc\'s output, with a warning', () => {
    const root = packageCopy();
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'dist', 'program.js'), later, later);
    const stale = run(root, ['--version']);
    expect([stale.status, stale.stderr]).toEqual([0, 'warning: dist/bundle is older than dist/program.js (tsc without npm run build?): this runs the old bundle; run npm run build\n']);
    rmSync(path.join(root, 'dist', 'bundle'), { recursive: true });
    const missing = run(root, ['--version']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(`error: attack-cov is not built: ${path.join(root, 'dist', 'bundle', 'program.cjs')} is missing\nhint: run npm run build (tsc alone does not bundle)\n`);
    expect(missing.stdout).toBe('');
  });

  it('says so when ATTACK_COV_CODE_CACHE holds a value it does not know, and uses the cache', () => {
    const root = packageCopy();
    const result = run(root, ['--version'], { ATTACK_COV_CODE_CACHE: 'OFF' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('warning: ATTACK_COV_CODE_CACHE="OFF" is not off, verbose or write: the code cache is used\n');
  });
});
