// Loads everything a command needs (ATT&CK catalog, ruleset) and analyzes it into a CoverageReport.
import { readFileSync } from 'node:fs';
import { loadAttack, type LoadedCatalog } from '../attack/load.js';
import { analyze, type AnalyzeInput } from '../analysis/analyze.js';
import type { Ruleset, RulesetOutline } from '../falco/types.js';
import type { CoverageReport } from '../coverage-report.js';
import { InputError, noValueError, UsageError } from '../errors.js';
import { splitCommaList } from '../collections.js';
import { loadRules, loadRulesOutline, type RulesLoadOptions } from '../falco/load.js';
import type { Catalog } from '../attack/types.js';
import type { DownloadOptions } from '../net/download.js';
import { packageRoot } from '../paths.js';
import { readLogSourceMap, readSourcePlatforms } from '../upstream.js';
import { misnamedSource } from '../falco/source-names.js';
import { findSourceRoot, rootInRepository, showPath } from '../source-root.js';
import type { SuppressionRule } from '../analysis/suppress.js';
import path from 'node:path';
import type { ParseCache } from '../parse-cache.js';
import type { ConfigAt } from '../config/apply-config.js';
import { resolveThreatRef } from '../analysis/threats.js';
import { own } from '../own.js';
import { firstNames } from '../report/words.js';

export interface CommonOptions {
  attack?: string;
  /** --attack-sha256 (lower case, checked): the sha256 the ATT&CK bundle must have. */
  attackSha256?: string;
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
  /** Its whole path: outputs name it, as a rules file, relative to the source root (never as typed: --config /tmp/…). */
  configPath?: string;
  /** Where the project config wrote the --platform and --threat values it gave. */
  configAt?: ConfigAt;
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
  /** Catalogs and parsed rules kept between runs (the warm path); absent = parse every time. */
  parseCache?: ParseCache;
}

let tool: { name: string; version: string } | undefined;
export function toolVersion(): { name: string; version: string } {
  if (!tool) {
    const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { name: string; version: string };
    tool = { name: pkg.name, version: pkg.version };
  }
  return tool;
}

/** `error`, a UsageError about a value the project config gave (`where` it is written; undefined: the command line
 * gave it), as an InputError at that place, its flag said as the config's key; anything else as it is. */
function atConfigPlace(error: unknown, where: string | undefined, flag: string): unknown {
  if (where === undefined || !(error instanceof UsageError)) return error;
  return new InputError(where, error.message.replace(new RegExp(`^${flag}\\b`), flag.replace(/^--/, '')), error.hint);
}

/**
 * Each value of a list option (repeated or comma-separated) through `read`. A value the project config gave and `read`
 * refuses is named at its line in the config (`at`, one place per value as given), not as a flag never given.
 */
function readEach<T>(values: string[] | undefined, flag: string, at: string[] | undefined, read: (name: string, label: string) => T): T[] {
  splitList(values, flag);
  return (values ?? []).flatMap((value, i) => splitCommaList([value]).map((name) => {
    const where = at?.[i];
    if (where === undefined) return read(name, flag);
    try {
      return read(name, flag.replace(/^--/, ''));
    } catch (error) {
      throw atConfigPlace(error, where, flag);
    }
  }));
}

/**
 * Matches --platform values to the catalog's spelling, case-insensitively; unknown names are a usage error. So is a
 * platform only revoked or deprecated techniques name (Office 365, PRE in 18.1): nothing would be in scope, and the
 * report would be all "—" with exit 0.
 */
export function resolvePlatforms(given: string[] | undefined, catalog: Catalog, at?: string[]): string[] | undefined {
  if (!given || given.length === 0) return undefined;
  const current = new Map<string, string>();
  const retired = new Map<string, string>();
  for (const t of catalog.techniques.values()) for (const p of t.platforms) (t.isRevoked || t.isDeprecated ? retired : current).set(p.toLowerCase(), p);
  const hint = `platforms in ATT&CK ${catalog.version}: ${[...new Set(current.values())].sort().join(', ')}`;
  return readEach(given, '--platform', at, (name) => {
    const match = current.get(name.toLowerCase());
    if (match) return match;
    const old = retired.get(name.toLowerCase());
    throw new UsageError(old ? `no technique of ATT&CK ${catalog.version} is on ${old} any more (only revoked or deprecated ones)` : `unknown platform: ${name}`, hint);
  });
}

/** --threat refs, each checked against the catalog (a group, software or campaign by ID, name or alias). */
export function checkedThreats(given: string[] | undefined, catalog: Catalog, at?: string[]): string[] {
  return readEach(given, '--threat', at, (ref, label) => {
    resolveThreatRef(ref, catalog, label);
    return ref;
  });
}

/** Refuses an argument that is no technique ID (T1529, T1070.003, in any case): `emulate` and `draft` alike. */
export function checkTechniqueIds(ids: string[]): void {
  const bad = ids.find((t) => !/^T\d{4}(\.\d{3})?$/i.test(t));
  // `!== undefined`: an empty argument ('') is no ID either, and ran every procedure of nothing (QA).
  if (bad !== undefined) throw new UsageError(`not a technique ID: ${JSON.stringify(bad)}`, 'technique IDs look like T1529 or T1070.003');
}

/** Repeated and comma-separated values as one list. `flag` given with nothing in it (--platform "", --kind ,)
 * is a usage error: taken as not given, it would quietly mean "none" or "all". */
export function splitList(values: string[] | undefined, flag: string): string[] {
  const list = splitCommaList(values ?? []);
  if (list.length === 0 && values !== undefined && values.length > 0) throw noValueError(flag, values.join(','), `give ${flag} a value, or leave it out`);
  return list;
}

/** The folder outputs name files relative to, for these options. */
export function sourceRootOf(options: CommonOptions, env: Environment): string {
  return findSourceRoot(options.sourceRoot, options.rules, env.cwd);
}

/** The version a catalog has when neither its bundle nor its file name says one (normalize.ts). */
const UNKNOWN_VERSION = 'unknown';

export async function loadCatalog(options: CommonOptions, env: Environment): Promise<LoadedCatalog> {
  const root = sourceRootOf(options, env);
  const pin = options.attackSha256 === undefined ? undefined : { sha256: options.attackSha256, by: options.configAt?.attackSha256 ? `attack-sha256 at ${options.configAt.attackSha256}` : '--attack-sha256' };
  const loaded = await loadAttack(options.attack, { cacheRoot: env.cacheRoot, download: env.download, parseCache: env.parseCache, pin }, (file) => showPath(file, root).path).catch((error: unknown) => {
    // A value the config gave (an unknown version, a URL that does not parse) is named at its place there (QA).
    throw atConfigPlace(error, options.configAt?.attack, '--attack');
  });
  if (loaded.requested === 'latest') {
    env.notify?.(`ATT&CK latest is ${loaded.catalog.version}${loaded.isIndexStale ? ` (from a cached index older than a day: the refresh failed: ${loaded.indexRefreshError})` : ''}`);
  }
  if (loaded.catalog.version === UNKNOWN_VERSION) {
    // mitre/cti's STIX 2.0 bundles carry no release number: only attack-stix-data's (2.1) collection object or the file name say it.
    env.notify?.(`the ATT&CK version of ${loaded.source} is unknown: the bundle has no x-mitre-collection and its file name no version; name the file enterprise-attack-<version>.json (e.g. enterprise-attack-18.1.json) so that reports, layers and baselines say which ATT&CK they measured`);
  }
  return loaded;
}

function rulesOptions(options: CommonOptions, env: Environment): RulesLoadOptions {
  return { cacheRoot: env.cacheRoot, cwd: env.cwd, sourceRoot: sourceRootOf(options, env), download: env.download, standardLocations: env.standardLocations, parseCache: env.parseCache };
}

/** Loads the rules the options name (or the defaults), naming files relative to the source root. */
export function loadRulesFor(options: CommonOptions, env: Environment) {
  return loadRules(options.rules, rulesOptions(options, env));
}

/** loadRulesFor, for what the analysis reads only (no rule text, macro or list). */
export function loadRulesOutlineFor(options: CommonOptions, env: Environment) {
  return loadRulesOutline(options.rules, rulesOptions(options, env));
}

/**
 * The enabled rules Falco drops at load (skip-if-unknown-filter: true over a field or event it does not know), with
 * why; undefined when no enabled rule sets the key, which the outline tells without loading or reading more. Only
 * then is the whole ruleset read (an outline has no conditions) and the field catalog loaded.
 */
export async function rulesFalcoDrops(ruleset: RulesetOutline, options: CommonOptions, env: Environment): Promise<Map<string, string> | undefined> {
  if (!ruleset.rules.some((r) => r.isEnabled && r.skipsUnknownFilter === true)) return undefined;
  const whole = 'macros' in ruleset ? (ruleset as Ruleset) : (await loadRulesFor(options, env)).ruleset;
  return (await falcoSkipsReader())(whole);
}

/** rulesFalcoSkips with the modules it needs loaded (on first use: the field catalog is large, and most runs need none). */
export async function falcoSkipsReader(): Promise<(ruleset: Ruleset) => Map<string, string>> {
  const [{ rulesFalcoSkips }, { readFieldCatalog }] = await Promise.all([import('../validate/skipped.js'), import('../falco/field-catalog.js')]);
  return (ruleset) => rulesFalcoSkips(ruleset, readFieldCatalog);
}

/** Analyzes a ruleset against a loaded catalog; `extra` reaches the checks (e.g. tactic renames). */
export function analyzeRuleset(attack: LoadedCatalog, ruleset: RulesetOutline, rulesOrigin: string, options: CommonOptions, env: Environment, extra: Partial<AnalyzeInput> = {}): CoverageReport {
  return analyze({
    catalog: attack.catalog,
    attack: { source: attack.source, sha256: attack.sha256, ...(attack.requested ? { requested: attack.requested } : {}) },
    ruleset,
    rulesOrigin,
    rootInRepository: rootInRepository(sourceRootOf(options, env)),
    sourcePlatforms: readSourcePlatforms(),
    misnamedSource,
    platforms: resolvePlatforms(options.platform, attack.catalog, options.configAt?.platform),
    logSources: readLogSourceMap(),
    threats: checkedThreats(options.threat, attack.catalog, options.configAt?.threat),
    generatedAt: env.now(),
    tool: toolVersion(),
    suppressions: suppressionsAsShown(options, env),
    ...extra,
  });
}

/** The config's suppressions, each naming the config as outputs name files: relative to the source root. */
function suppressionsAsShown(options: CommonOptions, env: Environment): SuppressionRule[] | undefined {
  if (!options.suppressions || options.configPath === undefined) return options.suppressions;
  const file = showPath(options.configPath, sourceRootOf(options, env)).path;
  return options.suppressions.map((s) => ({ ...s, file }));
}

/** `report`, after the unknown-source note and the frozen-date note (if any) went to stderr. */
export function notedSources(report: CoverageReport, env: Environment): CoverageReport {
  for (const note of [noRulesNote(report), unknownSourceNote(report), frozenDateNote(report, new Date().toISOString().slice(0, 10))]) if (note) env.notify?.(note);
  return report;
}

/** A note when the rules files hold no rule at all (QA: an empty or comment-only file passed every gate but
 * --min-coverage with nothing said but "0 rules"): a truncated file or a wrong path in CI looks like this. */
export function noRulesNote(report: Pick<CoverageReport, 'summary' | 'inputs'>): string | undefined {
  if (report.summary.rules.total > 0) return undefined;
  const files = report.inputs.rules.map((r) => r.path);
  return `${files.length === 1 ? `the rules file ${files[0]} holds` : `the ${files.length} rules files (${firstNames(files)}) hold`} no rule: nothing is covered and nothing is found (an empty or cut-off file?)`;
}

/**
 * A note when config suppressions past their `until` day by the real date still suppress: the run's date decides
 * expiry (so that the same inputs give the same bytes), and SOURCE_DATE_EPOCH sets it; pinned to a constant, it kept
 * expired suppressions in force for ever, unsaid (QA). Without SOURCE_DATE_EPOCH the run's date is `today`, and no
 * suppression in force is past it.
 */
export function frozenDateNote(report: Pick<CoverageReport, 'generatedAt' | 'suppressed'>, today: string): string | undefined {
  const past = new Map<string, string>();
  for (const { suppression } of report.suppressed ?? []) {
    if (suppression.until !== undefined && suppression.until < today) past.set(`${suppression.file}:${suppression.line}`, suppression.until);
  }
  if (past.size === 0) return undefined;
  const which = [...past].map(([where, until]) => `${where} (until ${until})`);
  return `SOURCE_DATE_EPOCH sets this run's date to ${report.generatedAt.slice(0, 10)}, so ${past.size === 1 ? 'a config suppression' : `${past.size} config suppressions`} past ${past.size === 1 ? 'its' : 'their'} \`until\` day still ${past.size === 1 ? 'suppresses' : 'suppress'}: ${firstNames(which)}; set it to the last commit's time (git log -1 --format=%ct), or unset it`;
}

/** A note when the scope comes from the rules' sources and some source is not in data/source-platforms.json: its
 * rules count on the platforms in scope but put none there, so a ruleset of such sources alone has no scope. */
export function unknownSourceNote(report: Pick<CoverageReport, 'scope'>, sourcePlatforms: Record<string, string[]> = readSourcePlatforms()): string | undefined {
  if (report.scope.from !== 'sources') return undefined;
  const unknown = report.scope.sources.filter((s) => own(sourcePlatforms, s) === undefined);
  if (unknown.length === 0) return undefined;
  const which = `${unknown.length === 1 ? 'source' : 'sources'} ${firstNames(unknown)}`;
  const effect = report.scope.platforms.length === 0 ? 'so no platform is in scope' : 'so their rules count only on the platforms the other sources bring';
  return `attack-cov does not know which ATT&CK platforms the ${which} observe${unknown.length === 1 ? 's' : ''} (data/source-platforms.json), ${effect}: choose them with --platform (e.g. --platform Linux)`;
}

/** The report of the rules' outline (no emulation), and the outline: lint counts what --fix would fix from its tags. */
export async function buildOutlineReport(options: CommonOptions, env: Environment): Promise<{ report: CoverageReport; ruleset: RulesetOutline }> {
  // One after the other, rules first: both are CPU-bound on one thread, and interleaving them only adds their memory peaks.
  const rules = await loadRulesOutlineFor(options, env);
  const skipped = await rulesFalcoDrops(rules.ruleset, options, env);
  return { report: notedSources(analyzeRuleset(await loadCatalog(options, env), rules.ruleset, rules.origin, options, env, skipped ? { skipped } : {}), env), ruleset: rules.ruleset };
}

export async function buildReport(options: CommonOptions, env: Environment, withEmulation = false): Promise<CoverageReport> {
  if (!withEmulation) return (await buildOutlineReport(options, env)).report;
  // Emulation runs the rules' conditions: the whole ruleset.
  const rules = await loadRulesFor(options, env);
  const skipped = await rulesFalcoDrops(rules.ruleset, options, env);
  const attack = await loadCatalog(options, env);
  const report = analyzeRuleset(attack, rules.ruleset, rules.origin, options, env, skipped ? { skipped } : {});
  const [{ emulateRuleset, loadEmulationInputs }, { hasCurrentTechnique }] = await Promise.all([import('./emulation.js'), import('../emulate/renumbering.js')]);
  report.emulation = emulateRuleset(report, rules.ruleset, await loadEmulationInputs(hasCurrentTechnique(attack.catalog), undefined, env.cwd));
  return notedSources(report, env);
}
