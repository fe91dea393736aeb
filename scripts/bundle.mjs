#!/usr/bin/env node
// Run by `npm run build` after tsc: bundles dist/program.js and the modules it imports into CommonJS chunks in
// dist/bundle/, which dist/cli.js loads (src/launch.cts says why). A module imported with `await import()`
// (a command's own code, the bundle reader, …) stays in a chunk of its own, loaded only when it runs. Packages with a
// CommonJS entry (commander, yaml, undici, minisearch, …) are not bundled: the chunks require them from node_modules.
// A package that is ES modules only (stemmer) is bundled: Node 20 before 20.19 cannot require it. tsc's dist/*.js
// stay, for the scripts and benchmarks that import a module of attack-cov directly. Generated, never committed.
import { readFileSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'dist', 'bundle');
const requireFromRoot = createRequire(path.join(root, 'package.json'));

/** The nearest package.json's `type` above a file. */
function packageTypeOf(file) {
  for (let at = path.dirname(file); at !== path.dirname(at); at = path.dirname(at)) {
    try {
      return JSON.parse(readFileSync(path.join(at, 'package.json'), 'utf8')).type;
    } catch {
      // No package.json here: look further up.
    }
  }
  return undefined;
}

/** Whether `require(id)` loads CommonJS (what every Node 20 can require), as the `require` condition resolves it. */
function isCommonJs(id) {
  const file = requireFromRoot.resolve(id);
  return !file.endsWith('.mjs') && (file.endsWith('.cjs') || packageTypeOf(file) !== 'module');
}

const bundledPackages = new Set();
rmSync(dir, { recursive: true, force: true });
const { output } = await build({
  input: { program: path.join(root, 'dist', 'program.js') },
  platform: 'node',
  // attack-cov's own files (relative imports) and ES-module-only packages are bundled; built-ins and CommonJS
  // packages are required at run time.
  external: (id) => {
    if (id.startsWith('.') || path.isAbsolute(id)) return false;
    if (isBuiltin(id) || isCommonJs(id)) return true;
    bundledPackages.add(id);
    return false;
  },
  logLevel: 'warn',
  output: { dir, format: 'cjs', entryFileNames: '[name].cjs', chunkFileNames: '[name]-[hash].cjs' },
});
// The chunks are compiled through vm.Script (src/launch.cts), where Node 20 runs an import() only with an
// experimental flag: attack-cov's own lazy imports become require() in the bundle, and a package must be loaded
// with lazyPackage (src/lazy-package.ts).
const importing = output.filter((chunk) => chunk.type === 'chunk' && /\bimport\(/.test(chunk.code)).map((chunk) => chunk.fileName);
if (importing.length > 0) {
  process.stderr.write(`scripts/bundle.mjs: ${importing.join(', ')} hold an import(), which the launcher cannot run: load packages with lazyPackage (src/lazy-package.ts)\n`);
  process.exit(1);
}
process.stdout.write(`bundled ES-module-only packages: ${[...bundledPackages].sort().join(', ') || 'none'}\n`);
