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
import { readLogSourceMap, readSourcePlatforms } from '../upstream.js';
import { findSourceRoot, showPath } from '../source-root.js';
import type { SuppressionRule } from '../analysis/suppress.js';
import path from 'node:path';

export interface CommonOptions {
  attack?: string;
  rules?: string[];
  platform?: string[];
  /** --threat refs: groups, software or campaigns whose techniques get a profile and weigh in gap priority. */
  threat?: string[];
  /** Outputs name files relative to it; default: the git work tree holding the rules, else cwd. */
  sourceRoot?: string;
  /** From the project config (.attack-cov.yaml). */
  suppressions?: SuppressionRule[];
  /** The project config in use, as shown. */
  configFile?: string;
}

export interface Environment {
  cacheRoot: string;
  cwd: string;
  now: () => Date;
  download: DownloadOptions;
  /** Falco's standard rules locations (tests point this elsewhere). */
  standardLocations?: string[];
  /** A one-line note for the user on stderr (e.g. which version `latest` resolved to); absent = silent. */
  notify?: (message: string) => void;
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

/** Repeated and comma-separated values as one list. */
export function splitList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** The folder outputs name files relative to, for these options. */
export function sourceRootOf(options: CommonOptions, env: Environment): string {
  return findSourceRoot(options.sourceRoot, options.rules, env.cwd);
}

export async function loadCatalog(options: CommonOptions, env: Environment): Promise<LoadedCatalog> {
  const root = sourceRootOf(options, env);
  const loaded = await loadAttack(options.attack, { cacheRoot: env.cacheRoot, download: env.download }, (file) => showPath(file, root).path);
  if (loaded.requested === 'latest') {
    env.notify?.(`ATT&CK latest is ${loaded.catalog.version}${loaded.isIndexStale ? ' (from a cached index older than a day: the refresh failed)' : ''}`);
  }
  return loaded;
}

/** Loads the rules the options name (or the defaults), naming files relative to the source root. */
export function loadRulesFor(options: CommonOptions, env: Environment) {
  return loadRules(options.rules, { cacheRoot: env.cacheRoot, cwd: env.cwd, sourceRoot: sourceRootOf(options, env), download: env.download, standardLocations: env.standardLocations });
}

/** Analyzes a ruleset against a loaded catalog; `extra` reaches the checks (e.g. tactic renames). */
export function analyzeRuleset(attack: LoadedCatalog, ruleset: Ruleset, rulesOrigin: string, options: CommonOptions, env: Environment, extra: Partial<AnalyzeInput> = {}): CoverageReport {
  return analyze({
    catalog: attack.catalog,
    attack: { source: attack.source, sha256: attack.sha256, ...(attack.requested ? { requested: attack.requested } : {}) },
    ruleset,
    rulesOrigin,
    sourcePlatforms: readSourcePlatforms(),
    platforms: resolvePlatforms(options.platform, attack.catalog),
    logSources: readLogSourceMap(),
    threats: splitList(options.threat),
    generatedAt: env.now(),
    tool: toolVersion(),
    suppressions: options.suppressions,
    ...extra,
  });
}

export async function buildReport(options: CommonOptions, env: Environment, withEmulation = false): Promise<CoverageReport> {
  // One after the other, rules first: both are CPU-bound on one thread, and interleaving them only adds their memory peaks.
  const rules = await loadRulesFor(options, env);
  const attack = await loadCatalog(options, env);
  const report = analyzeRuleset(attack, rules.ruleset, rules.origin, options, env);
  if (withEmulation) {
    const { emulateRuleset, loadEmulationInputs } = await import('./emulation.js');
    report.emulation = emulateRuleset(report, rules.ruleset, await loadEmulationInputs(undefined, env.cwd));
  }
  return report;
}
