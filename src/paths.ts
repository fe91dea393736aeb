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
