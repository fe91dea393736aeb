#!/usr/bin/env node
// Run by `npm run build` after tsc: bundles dist/program.js and the modules it imports into CommonJS chunks in
// dist/bundle/, which dist/cli.js loads (src/launch.cts says why). A module imported with `await import()`
// (a command's own code, the bundle reader, …) stays in a chunk of its own, loaded only when it runs. Packages
// (commander, yaml, undici, d3, …) are not bundled: they are loaded from node_modules as before. tsc's dist/*.js
// stay, for the scripts and benchmarks that import a module of attack-cov directly. Generated, never committed.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'dist', 'bundle');
rmSync(dir, { recursive: true, force: true });
const { output } = await build({
  input: { program: path.join(root, 'dist', 'program.js') },
  platform: 'node',
  // Only attack-cov's own files (relative imports) are bundled.
  external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
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
