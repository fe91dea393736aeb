// Sequences map → check → coverage into the CoverageReport. Pure: the clock and versions come in as data.
import type { Catalog } from '../attack/types.js';
import { SCHEMA_VERSION, SEVERITIES, type CoverageReport, type Finding, type RuleEntry, type SuppressedFinding } from '../coverage-report.js';
import type { FalcoRuleOutline, RulesetOutline } from '../falco/types.js';
import { withMessage } from '../report/messages.js';
import { CHECKS, type CheckContext } from './checks/index.js';
import type { LogSourceMapping } from '../upstream.js';
import { computePlatformCounts, computeTacticEntries, countCoverage, ruleClaims, techniqueEntriesOf } from './coverage.js';
import { analyzeGaps } from './gap-analysis.js';
import { applySuppressions, type SuppressionRule } from './suppress.js';
import { activeTechniques, claimedTactics, indexTactics, isAttackTag, mapRule, sharedMapping, tagReader, type MappedRule } from './mapping.js';
import { own } from '../own.js';
import { compareText } from '../collections.js';

export interface AnalyzeInput {
  catalog: Catalog;
  attack: { source: string; sha256: string; requested?: string };
  ruleset: RulesetOutline;
  rulesOrigin: string;
  /** See CoverageReport's inputs.rootInRepository. */
  rootInRepository?: string;
  sourcePlatforms: Record<string, string[]>;
  /** Tactic shortnames renamed by an ATT&CK upgrade (old → new); unknown-tactic then offers the new name. */
  tacticRenames?: Record<string, string>;
  /** The config's suppressions (inline ones come with the ruleset). */
  suppressions?: SuppressionRule[];
  /** Platforms from --platform, already matched to the catalog's spelling; undefined = from the sources. */
  platforms?: string[];
  generatedAt: Date;
  tool: { name: string; version: string };
  /** data/log-sources.json: which Falco source observes which ATT&CK log source. */
  logSources?: LogSourceMapping[];
  /** --threat refs (ATT&CK ID, name or alias of a group, software or campaign). */
  threats?: string[];
  /** Enabled rules Falco drops, with why (skip-if-unknown-filter: true over a field or event it does not know). */
  skipped?: ReadonlyMap<string, string>;
  /** Why Falco skips every rule of a source, when one can tell (a plugin's name, src/falco/source-names.ts): such
   * enabled rules are dropped as the skipped ones are, and their source brings no platform and counts as not loaded. */
  misnamedSource?: (source: string) => string | undefined;
}

// Stryker disable next-line StringLiteral: only untagged-rule and the suppression codes have findings without a tag, and never one with a tag, so findings of one place and code either all have a tag or none has
const tagOf = (f: Finding): string => f.tag ?? '';

function compareFindings(a: Finding, b: Finding): number {
  return compareText(a.file, b.file) || a.line - b.line || a.column - b.column || compareText(a.code, b.code) || compareText(tagOf(a), tagOf(b));
}

export function checkRules(rules: MappedRule[], context: CheckContext): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) checkRule(rule, context, findings);
  return findings.sort(compareFindings);
}

/** The findings of every check on `rule`, added to `findings` (unsorted). */
function checkRule(rule: MappedRule, context: CheckContext, findings: Finding[]): void {
  // Loops, not flatMap, and indexed (no iterator per call): 10,000 rules × 12 checks, most of which find nothing.
  for (const check of CHECKS) {
    const drafts = check.run(rule, context);
    for (let i = 0; i < drafts.length; i++) findings.push(withMessage(drafts[i]!));
  }
}

/** Counted findings (with the findings about suppressions) and the suppressed ones. */
function suppressFindings(checked: Finding[], input: AnalyzeInput): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  const result = applySuppressions({
    findings: checked,
    rules: input.ruleset.rules,
    comments: input.ruleset.ignoreComments ?? [],
    config: input.suppressions ?? [],
    knownCodes: new Set(CHECKS.map((c) => c.code)),
    today: input.generatedAt,
  });
  return { findings: [...result.findings, ...result.problems.map(withMessage)].sort(compareFindings), suppressed: result.suppressed };
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** The rule's entry; its finding count is set once the findings are counted. */
function ruleEntry(mapped: MappedRule): RuleEntry {
  const { rule } = mapped;
  return {
    name: rule.name,
    file: rule.position.file,
    line: rule.position.line,
    source: rule.source,
    isEnabled: rule.isEnabled,
    ...(mapped.skipped !== undefined ? { skippedByFalco: mapped.skipped } : {}),
    ...(mapped.maturity ? { maturity: mapped.maturity } : {}),
    priority: rule.priority,
    techniques: activeTechniques(mapped).map((t) => t.id),
    tactics: [...claimedTactics(mapped)],
    tags: rule.tags.map((t) => t.value),
    findings: 0,
  };
}

export function analyze(input: AnalyzeInput): CoverageReport {
  const { catalog, ruleset } = input;
  const tactics = indexTactics(catalog);
  const readTag = tagReader();
  // Once per source, not per rule.
  const allSources = [...new Set(ruleset.rules.map((r) => r.source))].sort();
  const misnamed = new Map(allSources.map((s) => [s, input.misnamedSource?.(s)]));
  const skippedWhy = (rule: FalcoRuleOutline): string | undefined => input.skipped?.get(rule.name) ?? (rule.isEnabled ? misnamed.get(rule.source) : undefined);
  // One pass over the rules, each mapped, checked, counted and claimed in turn: its MappedRule is dropped before the
  // next is made (kept for all 10,000 rules, they were ~11 MB that every scavenge of the analysis copied).
  const shared = sharedMapping();
  const context: CheckContext = { catalog, tactics, sourcePlatforms: input.sourcePlatforms, tacticRenames: input.tacticRenames };
  const checked: Finding[] = [];
  const claims = ruleClaims(input.sourcePlatforms);
  const rules: RuleEntry[] = [];
  // The sources of the rules that run (enabled, not dropped by Falco): a source only disabled rules use is observed by
  // nothing. A ruleset none of whose rules runs keeps every source it names, so that it still has a scope.
  const running = new Set<string>();
  let tagged = 0;
  let skipped = 0;
  for (const rule of ruleset.rules) {
    const mapped = mapRule(rule, catalog, tactics, readTag, skippedWhy(rule), shared);
    checkRule(mapped, context, checked);
    claims.add(mapped);
    rules.push(ruleEntry(mapped));
    if (mapped.runs) running.add(rule.source);
    if (mapped.tags.some(isAttackTag)) tagged++;
    if (mapped.skipped !== undefined) skipped++;
  }
  const { findings, suppressed } = suppressFindings(checked.sort(compareFindings), input);
  const findingsByRule = countBy(findings, (f) => f.rule);
  for (const entry of rules) entry.findings = findingsByRule.get(entry.name) ?? 0;
  const named = allSources.filter((s) => misnamed.get(s) === undefined);
  const sources = running.size > 0 ? named.filter((s) => running.has(s)) : named;
  const platforms = input.platforms ?? [...new Set(sources.flatMap((s) => own(input.sourcePlatforms, s) ?? []))];
  const scope = new Set(platforms);
  // Stryker disable next-line MethodExpression: findings without a technique would be counted under `undefined`, and the counts are looked up by technique ID
  const techniques = techniqueEntriesOf(catalog, claims, scope, countBy(findings.filter((f) => f.technique), (f) => f.technique!));
  const { gaps, threats, gapDetectability } = analyzeGaps(catalog, techniques, scope, sources, input.logSources ?? [], input.threats ?? []);
  const inScope = techniques.filter((t) => t.inScope);
  const bySeverity = countBy(findings, (f) => f.severity);
  const enabled = ruleset.rules.filter((r) => r.isEnabled).length;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: input.tool,
    generatedAt: input.generatedAt.toISOString(),
    inputs: {
      attack: { version: catalog.version, domain: catalog.domain, stixVersion: catalog.stixVersion, source: input.attack.source, sha256: input.attack.sha256, ...(input.attack.requested ? { requested: input.attack.requested } : {}) },
      rules: ruleset.files.map((f) => ({ ...f })),
      rulesOrigin: input.rulesOrigin,
      ...(input.rootInRepository !== undefined ? { rootInRepository: input.rootInRepository } : {}),
    },
    scope: { platforms: [...scope].sort(), from: input.platforms ? 'option' : 'sources', sources },
    summary: {
      rules: { total: ruleset.rules.length, enabled, disabled: ruleset.rules.length - enabled, ...(skipped > 0 ? { skippedByFalco: skipped } : {}), tagged, untagged: ruleset.rules.length - tagged },
      techniques: countCoverage(inScope.filter((t) => !t.isSubtechnique)),
      subtechniques: countCoverage(inScope.filter((t) => t.isSubtechnique)),
      platforms: computePlatformCounts(techniques, [...scope]),
      gapDetectability,
      findings: {
        ...(Object.fromEntries(SEVERITIES.map((s) => [s, bySeverity.get(s) ?? 0])) as Record<'error' | 'warning' | 'info', number>),
        byCode: Object.fromEntries([...countBy(findings, (f) => f.code)].sort(([a], [b]) => compareText(a, b))),
        suppressed: suppressed.length,
      },
    },
    tactics: computeTacticEntries(catalog, techniques),
    techniques,
    rules,
    findings,
    suppressed,
    gaps,
    threats,
  };
}
