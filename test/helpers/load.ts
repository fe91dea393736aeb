// Loads fixtures through the real loaders, for tests that start from files.
import { readBundleFile } from '../../src/attack/load.js';
import { analyze } from '../../src/analysis/analyze.js';
import type { Catalog } from '../../src/attack/types.js';
import type { CoverageReport } from '../../src/coverage-report.js';
import { loadRules } from '../../src/falco/load.js';
import { readSourcePlatforms } from '../../src/upstream.js';
import { MINI_BUNDLE, repoRoot } from './paths.js';

let mini: Catalog | undefined;
export async function miniCatalog(): Promise<Catalog> {
  mini ??= (await readBundleFile(MINI_BUNDLE, 'mini-bundle.json', 'mini')).catalog;
  return mini;
}

export async function reportFor(rules: string[], platforms?: string[], sourceRoot?: string): Promise<CoverageReport> {
  const catalog = await miniCatalog();
  const { ruleset, origin } = await loadRules(rules, { cacheRoot: '/nonexistent', cwd: repoRoot, ...(sourceRoot ? { sourceRoot } : {}) });
  return analyze({
    catalog,
    attack: { source: 'mini-bundle.json', sha256: '0' },
    ruleset,
    rulesOrigin: origin,
    sourcePlatforms: readSourcePlatforms(),
    platforms,
    generatedAt: new Date(0),
    tool: { name: 'attack-cov', version: 'test' },
  });
}
