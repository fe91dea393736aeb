// Paths the tests share: fixtures, the data the repository embeds (data/embedded), the test-only real
// data (test/data), the built CLI. Nothing here points outside the checkout: the suite runs on a fresh
// clone with nothing beside it.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const fixture = (...parts: string[]): string => path.join(repoRoot, 'test', 'fixtures', ...parts);
/** Real upstream data kept for tests only (see test/data/README.md). */
export const testData = (...parts: string[]): string => path.join(repoRoot, 'test', 'data', ...parts);
/** The data attack-cov ships (see data/embedded.json). */
export const embedded = (...parts: string[]): string => path.join(repoRoot, 'data', 'embedded', ...parts);
export const cliPath = path.join(repoRoot, 'dist', 'cli.js');
export const MINI_BUNDLE = fixture('attack', 'mini-bundle-2.0.json');

/** ATT&CK 18.1 as embedded (gzip). */
export const BUNDLE_18 = embedded('attack', 'enterprise-attack-18.1.json.gz');
/** ATT&CK 17.1 (gzip), for the diff tests. */
export const BUNDLE_17 = testData('enterprise-attack-17.1.json.gz');
/** The three official Falco rules files as embedded. */
export const OFFICIAL_RULES = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((f) => embedded('falco-rules', f));
export const officialRules = (name: string): string => embedded('falco-rules', name);
/** Falco 0.44.0's field and event references (test/data/falco-reference). */
export const falcoReference = (...parts: string[]): string => testData('falco-reference', ...parts);
