// Coverage: which in-scope techniques enabled rules cover, per technique, per tactic and overall. Pure.
import type { Catalog, Technique } from '../attack/types.js';
import type { CoverageCounts, GapEntry, TacticEntry, TechniqueEntry, TechniqueStatus } from '../coverage-report.js';
import { activeTechniques, type MappedRule } from './mapping.js';

interface RuleClaims {
  enabled: Map<string, string[]>;
  disabled: Map<string, string[]>;
}

function claimsByTechnique(rules: MappedRule[]): RuleClaims {
  const claims: RuleClaims = { enabled: new Map(), disabled: new Map() };
  for (const mapped of rules) {
    const target = mapped.rule.isEnabled ? claims.enabled : claims.disabled;
    for (const technique of activeTechniques(mapped)) appendTo(target, technique.id, mapped.rule.name);
  }
  return claims;
}

/** Appends in place: copying the list per rule made 80,000 rules on one technique quadratic. */
function appendTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function isInScope(technique: Technique, platforms: Set<string>): boolean {
  return technique.platforms.some((p) => platforms.has(p));
}

/** One entry per current (not revoked, not deprecated) technique, sorted by ID. */
export function computeTechniqueEntries(catalog: Catalog, rules: MappedRule[], platforms: Set<string>, findingsByTechnique: Map<string, number>): TechniqueEntry[] {
  const claims = claimsByTechnique(rules);
  const current = [...catalog.techniques.values()].filter((t) => !t.isRevoked && !t.isDeprecated);
  const coveredSubs = new Map<string, string[]>();
  for (const t of current) {
    if (t.parent && claims.enabled.has(t.id)) appendTo(coveredSubs, t.parent, t.id);
  }
  return current
    .map((t): TechniqueEntry => {
      const ruleNames = [...new Set(claims.enabled.get(t.id) ?? [])].sort();
      const subs = (coveredSubs.get(t.id) ?? []).sort();
      // A parent tag does not cover its sub-techniques; a covered sub-technique covers its parent in part.
      const status: TechniqueStatus = ruleNames.length > 0 ? 'covered' : subs.length > 0 ? 'partial' : 'gap';
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
        rules: ruleNames,
        disabledRules: [...new Set(claims.disabled.get(t.id) ?? [])].sort(),
        coveredSubtechniques: subs,
        usedBy: t.usedBy,
        findings: findingsByTechnique.get(t.id) ?? 0,
      };
    })
    .sort((a, b) => compareText(a.id, b.id));
}

/** Code-point order: the same on every machine, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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

/** In-scope techniques no enabled rule covers, most used by adversaries first. */
export function computeGaps(techniques: TechniqueEntry[]): GapEntry[] {
  return techniques
    .filter((t) => t.inScope && t.status === 'gap')
    .sort((a, b) => b.usedBy - a.usedBy || compareText(a.id, b.id))
    .map((t) => ({ id: t.id, name: t.name, tactics: t.tactics, isSubtechnique: t.isSubtechnique, usedBy: t.usedBy }));
}
