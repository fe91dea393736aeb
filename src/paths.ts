// Where attack-cov's own files live (data/, templates/), the same from src/ under vitest and from dist/.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { realpathSync } from 'node:fs';

/** The package root from the folder of the module asking: src/ and dist/ lie just below it, the bundle's chunks
 * (dist/bundle/, src/launch.cts) two levels below. */
export function packageRootOf(moduleDir: string): string {
  return path.resolve(moduleDir, path.basename(moduleDir) === 'bundle' ? '../..' : '..');
}

/** The package root: the folder holding package.json, data/ and templates/. */
export const packageRoot = packageRootOf(path.dirname(fileURLToPath(import.meta.url)));

export function dataPath(name: string): string {
  return path.join(packageRoot, 'data', name);
}

export function templatePath(name: string): string {
  return path.join(packageRoot, 'templates', name);
}

/** Pseudo-filesystems where attack-cov keeps no outputs or cache (writes there fail late or strangely, and
 * on Node 20 a recursive mkdir under /proc never returns). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];
/** Folders under them that are ordinary file systems: /dev/shm is a tmpfs. */
const REAL_UNDER_PSEUDO = ['/dev/shm'];

const isUnder = (file: string, root: string) => file === root || file.startsWith(`${root}/`);

function lexicalPseudoRoot(file: string): string | undefined {
  // Stryker disable next-line MethodExpression: REAL_UNDER_PSEUDO has one entry, for which some and every agree
  if (REAL_UNDER_PSEUDO.some((root) => isUnder(file, root))) return undefined;
  return PSEUDO_ROOTS.find((root) => isUnder(file, root));
}

/** `file` with its nearest existing ancestor's symlinks resolved (the rest does not exist yet). The walk ends at
 * '/' at the latest: realpathSync('/') does not fail. */
function realPathOf(file: string): string {
  for (let dir = file; ; dir = path.dirname(dir)) {
    try {
      return path.join(realpathSync(dir), path.relative(dir, file));
    } catch {
      // Not there (yet): its parent next.
    }
  }
}

/** The pseudo-filesystem (/proc, /sys or /dev, not /dev/shm) an absolute path lies in, if any, also through a
 * symlink to one. */
export function pseudoFilesystemOf(resolved: string): string | undefined {
  return lexicalPseudoRoot(resolved) ?? lexicalPseudoRoot(realPathOf(resolved));
}

/** attack-cov's project config, which `init` writes and every command looks for from the working directory up. */
export const CONFIG_FILE_NAME = '.attack-cov.yaml';
