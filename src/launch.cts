// Loads the bundle of attack-cov's modules (dist/bundle/, CommonJS chunks made by scripts/bundle.mjs) with V8's
// code cache (dist/code-cache/, made by scripts/code-cache.mjs). Every command starts by loading its modules, and
// loaded one by one from dist/ they cost a warm `report` a fifth of its time: Node resolves ~100 files and V8
// parses and compiles each function the first time it runs. Bundled, Node resolves a handful of chunks; with
// the code cache V8 reads the bytecode that a `report` and a `lint` of the build compiled instead of compiling
// it again (Node 22 does this itself, `module.enableCompileCache()`; Node 20 has only vm.Script's cachedData).
//
// A cache file is `key ‖ sha256(data) ‖ data`: the key is the sha256 of the Node release, architecture and V8
// version and of the chunk's source, and the data is given to V8 only when both match. V8 checks the data itself
// only so far: its version (which Node 20.18, 20.19 and 20.20 share, with bytecode that differs), its flags and the
// source's length, and in a release build not its checksum (damaged data can abort the process). A missing,
// stale, damaged or refused cache costs nothing but the compile it would have saved. The cache is part of the
// build, read-only at run time, as trusted as the chunks beside it. `ATTACK_COV_CODE_CACHE=off` runs without it;
// `=verbose` says on stderr which chunks came from it; `=write`, for the build only, writes the cache of every
// chunk this run compiled that has none yet.
import crypto = require('node:crypto');
import fs = require('node:fs');
import Module = require('node:module');
import path = require('node:path');
import vm = require('node:vm');

const bundleDir = path.join(__dirname, 'bundle');
const entry = path.join(bundleDir, 'program.cjs');
const cacheDir = path.join(__dirname, 'code-cache');
/** What a cache is made for besides the source: V8's own version check does not tell Node's patch releases apart. */
const RUNTIME = `${process.version} ${process.arch} v8 ${process.versions.v8}`;
const HASH = 32;

/** Module's own compile step (undocumented, stable since Node 0.x; v8-compile-cache and pirates hook it too); Node
 * 20.20 and 22 pass a third argument, the module's format, which is handed on untouched. */
type Compile = (this: Module, content: string, filename: string, ...rest: unknown[]) => unknown;
type ModuleWithCompile = Module & { _compile: Compile };

const sha256 = (...parts: (string | Buffer)[]) => parts.reduce((hash, part) => hash.update(part), crypto.createHash('sha256')).digest();
const keyOf = (source: string) => sha256(RUNTIME, '\0', source);
const cacheFileOf = (chunk: string) => path.join(cacheDir, `${path.basename(chunk)}.v8`);

/** The stored V8 data of a chunk, if it was made for this source on this runtime and is whole. */
function cachedDataOf(chunk: string, source: string): Buffer | undefined {
  let stored: Buffer;
  try {
    stored = fs.readFileSync(cacheFileOf(chunk));
  } catch {
    return undefined;
  }
  const data = stored.subarray(2 * HASH);
  const isWhole = data.length > 0 && stored.subarray(0, HASH).equals(keyOf(source)) && stored.subarray(HASH, 2 * HASH).equals(sha256(data));
  return isWhole ? data : undefined;
}

interface Compiled {
  chunk: string;
  source: string;
  script: vm.Script;
}

/** Writes each script's cache to a temporary name and renames it into place; a failure fails the build's run. */
function writeCaches(compiled: Compiled[]): void {
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    for (const { chunk, source, script } of compiled) {
      const file = cacheFileOf(chunk);
      const temporary = `${file}.${process.pid}.tmp`;
      const data = script.createCachedData();
      fs.writeFileSync(temporary, Buffer.concat([keyOf(source), sha256(data), data]));
      fs.renameSync(temporary, file);
    }
  } catch (error) {
    process.stderr.write(`error: writing the code cache in ${cacheDir}: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}

/** Stops with one line when there is no bundle (tsc alone builds dist/*.js, not dist/bundle/), and warns when the
 * bundle is older than what tsc last wrote (tsc -w while the command still runs the old bundle). */
function checkBuilt(): void {
  const bundled = fs.statSync(entry, { throwIfNoEntry: false });
  if (!bundled) {
    process.stderr.write(`error: attack-cov is not built: ${entry} is missing\nhint: run npm run build (tsc alone does not bundle)\n`);
    process.exit(2);
  }
  const compiled = fs.statSync(path.join(__dirname, 'program.js'), { throwIfNoEntry: false });
  // Two seconds' grace: a copy (cp -r) may write program.js just after the bundle.
  if (compiled && compiled.mtimeMs > bundled.mtimeMs + 2000) {
    process.stderr.write('warning: dist/bundle is older than dist/program.js (tsc without npm run build?): this runs the old bundle; run npm run build\n');
  }
}

/** Installs the compile step for the bundle's chunks, loads the bundle and returns its entry's exports. */
function launch(): typeof import('./program.js') {
  checkBuilt();
  const mode = process.env.ATTACK_COV_CODE_CACHE;
  if (mode !== undefined && !['off', 'write', 'verbose', ''].includes(mode)) {
    process.stderr.write(`warning: ATTACK_COV_CODE_CACHE=${JSON.stringify(mode)} is not off, verbose or write: the code cache is used\n`);
  }
  const compiled: Compiled[] = [];
  const fromCache: string[] = [];
  const prototype = Module.prototype as ModuleWithCompile;
  const compile = prototype._compile;
  prototype._compile = function (this: Module, content: string, filename: string, ...rest: unknown[]) {
    if (mode === 'off' || path.dirname(filename) !== bundleDir) return compile.call(this, content, filename, ...rest);
    const cachedData = cachedDataOf(filename, content);
    // No importModuleDynamically: scripts/bundle.mjs makes sure no chunk holds an import().
    const script = new vm.Script(Module.wrap(content), { filename, cachedData });
    // V8 sets cachedDataRejected (false: taken) only where it was given data.
    if (script.cachedDataRejected === false) {
      if (mode === 'verbose') fromCache.push(path.basename(filename));
    } else if (mode === 'write' || mode === 'verbose') {
      compiled.push({ chunk: filename, source: content, script });
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, Module.createRequire(filename), this, filename, bundleDir);
  };
  if (mode === 'write') process.once('exit', () => writeCaches(compiled));
  if (mode === 'verbose') {
    process.once('exit', () => {
      const names = compiled.map((c) => path.basename(c.chunk));
      process.stderr.write(`code cache: ${fromCache.length} chunk(s) from ${cacheDir}${fromCache.length ? ` (${fromCache.join(', ')})` : ''}; ${names.length} compiled${names.length ? ` (${names.join(', ')})` : ''}\n`);
    });
  }
  return require(entry) as typeof import('./program.js');
}

export = { launch, cachedDataOf, RUNTIME };
