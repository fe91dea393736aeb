// Loads the bundle of attack-cov's modules (dist/bundle/, CommonJS chunks made by scripts/bundle.mjs) with V8's
// code cache (dist/code-cache/, made by scripts/code-cache.mjs). Every command starts by loading its modules, and
// loaded one by one from dist/ they cost a warm `report` a fifth of its time: Node resolves ~100 files and V8
// parses and compiles each function the first time it runs. Bundled, Node resolves a handful of chunks; with
// the code cache V8 reads the bytecode that a `report` and a `lint` of the build compiled instead of compiling
// it again (Node 22 does this itself, `module.enableCompileCache()`; Node 20 has only vm.Script's cachedData).
//
// A cache file is `sha256(chunk source) ‖ V8's cached data`, and is given to V8 only when the hash is that of the
// chunk being loaded: V8 itself checks its version and flags, but of the source only its length. A missing,
// stale or refused cache costs nothing but the compile it would have saved. The cache is part of the build,
// read-only at run time, as trusted as the chunks beside it. `ATTACK_COV_CODE_CACHE=off` runs without it;
// `=write`, for the build only, writes the cache of every chunk this run compiled that has none yet.
import crypto = require('node:crypto');
import fs = require('node:fs');
import Module = require('node:module');
import path = require('node:path');
import vm = require('node:vm');

const bundleDir = path.join(__dirname, 'bundle');
const cacheDir = path.join(__dirname, 'code-cache');

/** Module's own compile step (undocumented, stable since Node 0.x; v8-compile-cache and pirates hook it too). */
type Compile = (this: Module, content: string, filename: string) => unknown;
type ModuleWithCompile = Module & { _compile: Compile };

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest();
const cacheFileOf = (chunk: string) => path.join(cacheDir, `${path.basename(chunk)}.v8`);

/** The stored cache of a chunk, if it was made from this very source. */
function storedCache(chunk: string, hash: Buffer): Buffer | undefined {
  let stored: Buffer;
  try {
    stored = fs.readFileSync(cacheFileOf(chunk));
  } catch {
    return undefined;
  }
  return stored.length > hash.length && stored.subarray(0, hash.length).equals(hash) ? stored.subarray(hash.length) : undefined;
}

/** Writes each script's cache (hash, then V8's data) to a temporary name and renames it into place. */
function writeCaches(uncached: { chunk: string; hash: Buffer; script: vm.Script }[]): void {
  fs.mkdirSync(cacheDir, { recursive: true });
  for (const { chunk, hash, script } of uncached) {
    const file = cacheFileOf(chunk);
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, Buffer.concat([hash, script.createCachedData()]));
    fs.renameSync(temporary, file);
  }
}

/** Installs the compile step for the bundle's chunks, loads the bundle and returns its entry's exports. */
function launch(): typeof import('./program.js') {
  const mode = process.env.ATTACK_COV_CODE_CACHE;
  const uncached: { chunk: string; hash: Buffer; script: vm.Script }[] = [];
  const prototype = Module.prototype as ModuleWithCompile;
  const compile = prototype._compile;
  prototype._compile = function (this: Module, content: string, filename: string) {
    if (mode === 'off' || path.dirname(filename) !== bundleDir) return compile.call(this, content, filename);
    const hash = sha256(content);
    const cachedData = storedCache(filename, hash);
    // No importModuleDynamically: scripts/bundle.mjs makes sure no chunk holds an import().
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) uncached.push({ chunk: filename, hash, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, Module.createRequire(filename), this, filename, bundleDir);
  };
  if (mode === 'write') process.once('exit', () => writeCaches(uncached));
  return require(path.join(bundleDir, 'program.cjs')) as typeof import('./program.js');
}

export = launch;
