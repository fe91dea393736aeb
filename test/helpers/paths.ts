// Paths the tests share: fixtures, the real data in ../shared/data, the built CLI.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const fixture = (...parts: string[]): string => path.join(repoRoot, 'test', 'fixtures', ...parts);
export const sharedData = (...parts: string[]): string => path.resolve(repoRoot, '..', 'shared', 'data', ...parts);
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
export const MINI_BUNDLE = fixture('attack', 'mini-bundle-2.0.json');
