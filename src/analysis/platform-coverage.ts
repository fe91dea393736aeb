// Coverage per platform: a rule covers a technique only on the platforms its Falco source observes
// (data/source-platforms.json), so a syscall rule never covers a technique on IaaS. Pure.
import type { Technique } from '../attack/types.js';
import type { PlatformCoverage, TechniqueStatus } from '../coverage-report.js';
import type { MappedRule } from './mapping.js';
import { activeTechniques } from './mapping.js';
import { appendTo, compareText } from '../collections.js';
import { own } from '../own.js';

/** Enabled rules tagging each technique, with the platforms each rule's source observes. */
export type ClaimsByTechnique = Map<string, { rule: string; platforms?: Set<string> }[]>;

/** A source missing from the map (a custom plugin) observes what it claims: attack-cov cannot tell otherwise. */
export function enabledClaims(rules: MappedRule[], sourcePlatforms: Record<string, string[]>): ClaimsByTechnique {
  const collector = enabledClaimsCollector(sourcePlatforms);
  for (const mapped of rules) collector.add(mapped);
  return collector.claims();
}

/** enabledClaims one rule at a time: `add` each rule, then `claims()` once. */
export function enabledClaimsCollector(sourcePlatforms: Record<string, string[]>): { add: (mapped: MappedRule) => void; claims: () => ClaimsByTechnique } {
  const claims: ClaimsByTechnique = new Map();
  // One Set per source, shared by its rules (never changed): not one per rule.
  const observedBy = new Map<string, Set<string> | undefined>();
  return {
    add(mapped) {
      if (!mapped.runs) return;
      const { source } = mapped.rule;
      if (!observedBy.has(source)) {
        const observed = own(sourcePlatforms, source);
        observedBy.set(source, observed ? new Set(observed) : undefined);
      }
      const platforms = observedBy.get(source);
      for (const technique of activeTechniques(mapped)) appendTo(claims, technique.id, { rule: mapped.rule.name, platforms });
    },
    claims() {
      // Sorted by rule once here, so that each platform's list is a filter of it (sorting per platform was ~10% of a 10,000-rule analysis).
      for (const list of claims.values()) list.sort((a, b) => compareText(a.rule, b.rule));
      return claims;
    },
  };
}

/** The rules observing the technique there, sorted and without repeats (claims are sorted by rule). */
function rulesOn(claims: ClaimsByTechnique, techniqueId: string, platform: string): string[] {
  const names = (claims.get(techniqueId) ?? []).filter((c) => !c.platforms || c.platforms.has(platform)).map((c) => c.rule);
  return [...new Set(names)];
}

/** Whether any enabled rule observes the technique there (rulesOn's answer is non-empty), without listing them. */
function hasRulesOn(claims: ClaimsByTechnique, techniqueId: string, platform: string): boolean {
  return (claims.get(techniqueId) ?? []).some((c) => !c.platforms || c.platforms.has(platform));
}

/** One entry per platform of the technique: the rules that observe it there, and its status there. */
export function platformCoverage(technique: Technique, subtechniques: Technique[], claims: ClaimsByTechnique): PlatformCoverage[] {
  return technique.platforms.map((platform) => {
    const rules = rulesOn(claims, technique.id, platform);
    const subs = subtechniques.filter((s) => s.platforms.includes(platform) && hasRulesOn(claims, s.id, platform)).map((s) => s.id);
    const status: TechniqueStatus = rules.length > 0 ? 'covered' : subs.length > 0 ? 'partial' : 'gap';
    return { platform, status, rules, ...(subs.length > 0 ? { coveredSubtechniques: subs } : {}) };
  });
}

/** The status over the platforms that count: covered on one of them is covered. */
export function statusOver(coverage: PlatformCoverage[]): TechniqueStatus {
  if (coverage.some((c) => c.status === 'covered')) return 'covered';
  return coverage.some((c) => c.status === 'partial') ? 'partial' : 'gap';
}

/** The platforms that count for a technique: its in-scope ones, or all of them when it is out of scope. */
export function countedPlatforms(coverage: PlatformCoverage[], scope: Set<string>): PlatformCoverage[] {
  const inScope = coverage.filter((c) => scope.has(c.platform));
  return inScope.length > 0 ? inScope : coverage;
}
