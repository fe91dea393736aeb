// Where attack-cov's own files live (data/, templates/), the same from src/ under vitest and from dist/.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root: the folder holding package.json, data/ and templates/. */
export const packageRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

export function dataPath(name: string): string {
  return path.join(packageRoot, 'data', name);
}

export function templatePath(name: string): string {
  return path.join(packageRoot, 'templates', name);
}

/** Pseudo-filesystems where attack-cov keeps no outputs or cache (writes there fail late or strangely, and
 * on Node 20 a recursive mkdir under /proc never returns). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/** The pseudo-filesystem (/proc, /sys or /dev) an absolute path lies in, if any. */
export function pseudoFilesystemOf(resolved: string): string | undefined {
  return PSEUDO_ROOTS.find((root) => resolved === root || resolved.startsWith(`${root}/`));
}
