// The tags a suggested technique would add to a rule, and the check that they pass lint: the same tag
// checks (tactic fits technique, platform fits source, known and current IDs) on the rule as it would
// be. A suggestion that fails is rejected, never written. Pure.
import type { Catalog, Technique } from '../attack/types.js';
import { CHECKS } from '../analysis/checks/index.js';
import { tacticTag } from '../analysis/checks/findings.js';
import { claimedTactics, indexTactics, mapRule } from '../analysis/mapping.js';
import { joinedTags, parseTag } from '../falco/tags.js';
import type { FalcoRule, TagRef } from '../falco/types.js';
import { describeFinding } from '../report/messages.js';

/**
 * The technique tag and, unless the rule (or an earlier suggestion) already names one of its tactics, a
 * tactic tag: `tactic` when given and the technique's, else its first tactic in matrix order.
 */
export function tagsFor(technique: Technique, rule: FalcoRule, catalog: Catalog, tactic?: string): string[] {
  const index = indexTactics(catalog);
  const claimed = claimedTactics(mapRule(rule, catalog, index));
  const tags: string[] = [];
  if (!technique.tactics.some((t) => claimed.has(t))) {
    const chosen = tactic && technique.tactics.includes(tactic) ? tactic : technique.tactics[0];
    if (chosen) tags.push(tacticTag(chosen));
  }
  if (!rule.tags.some((t) => t.value.toUpperCase() === technique.id)) tags.push(technique.id);
  return tags;
}

/** The rule with `added` tags appended (positions point nowhere: they are not written yet). */
export function withTags(rule: FalcoRule, added: string[]): FalcoRule {
  const refs: TagRef[] = added.map((value, i) => ({ value, file: rule.position.file, line: 0, column: i + 1 }));
  return { ...rule, tags: [...rule.tags, ...refs] };
}

/** Why lint would refuse `added` on `rule` (empty when it would not): every finding on an added tag. */
export function tagProblems(rule: FalcoRule, added: string[], catalog: Catalog, sourcePlatforms: Record<string, string[]>): string[] {
  const tactics = indexTactics(catalog);
  const mapped = mapRule(withTags(rule, added), catalog, tactics);
  const context = { catalog, tactics, sourcePlatforms };
  const addedSet = new Set<string | undefined>(added);
  return CHECKS.flatMap((check) => check.run(mapped, context))
    .filter((f) => addedSet.has(f.tag) && f.line === 0)
    .map((f) => `${f.code}: ${describeFinding(f)}`);
}

/** Technique IDs the rule tags already, those of several tags written as one (`T1059,mitre_execution`) included:
 * they say what the rule's author meant, and lint's nonstandard-tag fix writes them apart; suggesting other
 * techniques beside them would leave that tag as it is. */
export function taggedTechniques(rule: FalcoRule): string[] {
  return rule.tags.flatMap((t) => {
    const parsed = parseTag(t.value);
    if (parsed.kind === 'technique') return [parsed.id];
    // Only a tag parseTag reads as 'other' joins tags (joinedTags is undefined for the rest).
    return joinedTags(t.value)?.map(parseTag).flatMap((p) => (p.kind === 'technique' ? [p.id] : [])) ?? [];
  });
}
