// Loads everything a command needs (ATT&CK catalog, ruleset) and analyzes it into a CoverageReport.
import { readFileSync } from 'node:fs';
import { loadAttack, type LoadedCatalog } from '../attack/load.js';
import { analyze, type AnalyzeInput } from '../analysis/analyze.js';
import type { Ruleset } from '../falco/types.js';
import type { CoverageReport } from '../coverage-report.js';
import { UsageError } from '../errors.js';
import { loadRules } from '../falco/load.js';
import type { Catalog } from '../attack/types.js';
import type { DownloadOptions } from '../net/download.js';
import { packageRoot } from '../paths.js';
import { readSourcePlatforms, readUpstream } from '../upstream.js';
import path from 'node:path';

export interface CommonOptions {
  attack?: string;
  rules?: string[];
  platform?: string[];
}

export interface Environment {
  cacheRoot: string;
  cwd: string;
  now: () => Date;
  download: DownloadOptions;
  /** Falco's standard rules locations (tests point this elsewhere). */
  standardLocations?: string[];
}

let tool: { name: string; version: string } | undefined;
export function toolVersion(): { name: string; version: string } {
  if (!tool) {
    const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };
    tool = { name: pkg.name, version: pkg.version };
  }
  return tool;
}

/** Matches --platform values to the catalog's spelling, case-insensitively; unknown names are a usage error. */
export function resolvePlatforms(given: string[] | undefined, catalog: Catalog): string[] | undefined {
  if (!given || given.length === 0) return undefined;
  const known = new Map<string, string>();
  for (const t of catalog.techniques.values()) for (const p of t.platforms) known.set(p.toLowerCase(), p);
  const names = given.flatMap((g) => g.split(',')).map((g) => g.trim()).filter(Boolean);
  return names.map((name) => {
    const match = known.get(name.toLowerCase());
    if (!match) throw new UsageError(`unknown platform: ${name}`, `platforms in ATT&CK ${catalog.version}: ${[...new Set(known.values())].sort().join(', ')}`);
    return match;
  });
}

export async function loadCatalog(options: CommonOptions, env: Environment, withDetections = false): Promise<LoadedCatalog> {
  return loadAttack(options.attack ?? readUpstream().attack.default, { cacheRoot: env.cacheRoot, download: env.download, withDetections });
}

/** Analyzes a ruleset against a loaded catalog; `extra` reaches the checks (e.g. tactic renames). */
export function analyzeRuleset(attack: LoadedCatalog, ruleset: Ruleset, rulesOrigin: string, options: CommonOptions, env: Environment, extra: Partial<AnalyzeInput> = {}): CoverageReport {
  return analyze({
    catalog: attack.catalog,
    attack: { source: attack.source, sha256: attack.sha256 },
    ruleset,
    rulesOrigin,
    sourcePlatforms: readSourcePlatforms(),
    platforms: resolvePlatforms(options.platform, attack.catalog),
    generatedAt: env.now(),
    tool: toolVersion(),
    ...extra,
  });
}

export async function buildReport(options: CommonOptions, env: Environment, withEmulation = false): Promise<CoverageReport> {
  // One after the other, rules first: both are CPU-bound on one thread, and interleaving them only adds their memory peaks.
  const rules = await loadRules(options.rules, { cacheRoot: env.cacheRoot, cwd: env.cwd, download: env.download, standardLocations: env.standardLocations });
  const attack = await loadCatalog(options, env);
  const report = analyzeRuleset(attack, rules.ruleset, rules.origin, options, env);
  if (withEmulation) {
    const { emulateRuleset, loadEmulationInputs } = await import('./emulation.js');
    report.emulation = emulateRuleset(report, rules.ruleset, await loadEmulationInputs(undefined, env.cwd));
  }
  return report;
}
