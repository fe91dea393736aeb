// Coverage: which in-scope techniques enabled rules cover, per technique, per tactic and overall. Pure.
import type { Catalog, Technique } from '../attack/types.js';
import type { CoverageCounts, PlatformCounts, TacticEntry, TechniqueEntry, TechniqueStatus } from '../coverage-report.js';
import { activeTechniques, type MappedRule } from './mapping.js';
import { countedPlatforms, enabledClaimsCollector, platformCoverage, statusOver, type ClaimsByTechnique } from './platform-coverage.js';
import { appendTo, compareText } from '../collections.js';

/** What technique entries read of the rules, gathered one rule at a time (`add`), so that an analysis need not
 * keep every MappedRule: the rules Falco runs and those it does not (disabled, or skipped for what it does not
 * know) per technique, and the running ones with the platforms their source observes. */
export interface RuleClaims {
  add: (mapped: MappedRule) => void;
  /** Once every rule is added. */
  done: () => { enabled: Map<string, string[]>; disabled: Map<string, string[]>; platforms: ClaimsByTechnique };
}

export function ruleClaims(sourcePlatforms: Record<string, string[]> = {}): RuleClaims {
  const enabled = new Map<string, string[]>();
  const disabled = new Map<string, string[]>();
  const platforms = enabledClaimsCollector(sourcePlatforms);
  return {
    add(mapped) {
      const claims = mapped.runs ? enabled : disabled;
      for (const technique of activeTechniques(mapped)) appendTo(claims, technique.id, mapped.rule.name);
      platforms.add(mapped);
    },
    done: () => ({ enabled, disabled, platforms: platforms.claims() }),
  };
}

export function isInScope(technique: Technique, platforms: Set<string>): boolean {
  return technique.platforms.some((p) => platforms.has(p));
}

/**
 * One entry per current (not revoked, not deprecated) technique, sorted by ID. A rule covers a technique
 * only on the platforms its source observes; a parent tag does not cover its sub-techniques, and a
 * covered sub-technique covers its parent in part.
 */
export function computeTechniqueEntries(catalog: Catalog, rules: MappedRule[], platforms: Set<string>, findingsByTechnique: Map<string, number>, sourcePlatforms: Record<string, string[]> = {}): TechniqueEntry[] {
  const claims = ruleClaims(sourcePlatforms);
  for (const mapped of rules) claims.add(mapped);
  return techniqueEntriesOf(catalog, claims, platforms, findingsByTechnique);
}

/** computeTechniqueEntries from the claims of every rule. */
export function techniqueEntriesOf(catalog: Catalog, ruleClaims: RuleClaims, platforms: Set<string>, findingsByTechnique: Map<string, number>): TechniqueEntry[] {
  const { enabled, disabled, platforms: claims } = ruleClaims.done();
  const current = [...catalog.techniques.values()].filter((t) => !t.isRevoked && !t.isDeprecated);
  const subsOf = new Map<string, Technique[]>();
  // Stryker disable next-line MethodExpression: without the filter, top-level techniques would be filed under `undefined`, which no lookup by ID reaches
  for (const t of current.filter((t) => t.parent)) appendTo(subsOf, t.parent!, t);
  return current
    .map((t): TechniqueEntry => {
      const perPlatform = platformCoverage(t, subsOf.get(t.id) ?? [], claims);
      const counted = countedPlatforms(perPlatform, platforms);
      const status: TechniqueStatus = t.platforms.length === 0 ? (enabled.has(t.id) ? 'covered' : 'gap') : statusOver(counted);
      const subs = [...new Set(counted.flatMap((c) => c.coveredSubtechniques ?? []))].sort();
      return {
        id: t.id,
        name: t.name,
        url: t.url,
        tactics: t.tactics,
        platforms: t.platforms,
        isSubtechnique: t.isSubtechnique,
        ...(t.parent ? { parent: t.parent } : {}),
        inScope: isInScope(t, platforms),
        status,
        rules: [...new Set(enabled.get(t.id) ?? [])].sort(),
        observingRules: [...new Set(t.platforms.length === 0 ? (enabled.get(t.id) ?? []) : counted.flatMap((c) => c.rules))].sort(),
        platformCoverage: perPlatform,
        disabledRules: [...new Set(disabled.get(t.id) ?? [])].sort(),
        coveredSubtechniques: subs,
        usedBy: t.usedBy,
        findings: findingsByTechnique.get(t.id) ?? 0,
      };
    })
    .sort((a, b) => compareText(a.id, b.id));
}

export function countCoverage(entries: TechniqueEntry[]): CoverageCounts {
  const covered = entries.filter((e) => e.status === 'covered').length;
  const partial = entries.filter((e) => e.status === 'partial').length;
  const total = entries.length;
  return { total, covered, partial, gap: total - covered - partial, percent: percentOf(covered + partial, total) };
}

export function percentOf(part: number, total: number): number {
  return total === 0 ? 0 : Math.round((1000 * part) / total) / 10;
}

/** The share the counts give, in percent, not rounded: what gates compare and deltas are made from (4.4304, not
 * 4.4), so that a gate at 4.43 passes at 7 of 158 and 13.3% → 6.7% is a drop of 6.7 points, not 6.6. */
export function exactPercent(counts: Pick<CoverageCounts, 'covered' | 'partial' | 'total'>): number {
  return counts.total === 0 ? 0 : (100 * (counts.covered + counts.partial)) / counts.total;
}

export function computeTacticEntries(catalog: Catalog, techniques: TechniqueEntry[]): TacticEntry[] {
  const counted = techniques.filter((t) => t.inScope && !t.isSubtechnique);
  return catalog.tactics.map((tactic) => ({
    id: tactic.id,
    name: tactic.name,
    shortname: tactic.shortname,
    url: tactic.url,
    ...countCoverage(counted.filter((t) => t.tactics.includes(tactic.shortname))),
  }));
}

/** Top-level coverage on each in-scope platform, counting only the rules that observe it there. */
export function computePlatformCounts(techniques: TechniqueEntry[], scope: string[]): PlatformCounts[] {
  const topLevel = techniques.filter((t) => t.inScope && !t.isSubtechnique);
  return [...scope].sort().map((platform) => {
    const here = topLevel.flatMap((t) => t.platformCoverage.filter((c) => c.platform === platform));
    const covered = here.filter((c) => c.status === 'covered').length;
    const partial = here.filter((c) => c.status === 'partial').length;
    return { platform, total: here.length, covered, partial, gap: here.length - covered - partial, percent: percentOf(covered + partial, here.length) };
  });
}
