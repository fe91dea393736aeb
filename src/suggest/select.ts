// Which suggestions to write: the best candidate of each rule at or above a score, or the entries a
// person kept in a reviewed suggestions file (`suggest --format json` output, edited). Pure.
import type { Catalog } from '../attack/types.js';
import type { FalcoRule, Ruleset } from '../falco/types.js';
import type { TagAddition } from './patch.js';
import { tagProblems, tagsFor } from './tags.js';
import type { RuleSuggestion } from './types.js';

/** The top candidate of every rule whose score reaches `minScore`. */
export function selectByScore(suggestions: RuleSuggestion[], ruleset: Ruleset, minScore: number): TagAddition[] {
  return suggestions.flatMap((s) => {
    const best = s.candidates[0];
    const rule = ruleset.rules.find((r) => r.name === s.rule);
    return best && rule && best.score >= minScore ? [{ rule, tags: best.tags }] : [];
  });
}

interface ReviewedCandidate {
  technique?: unknown;
  tags?: unknown;
  accept?: unknown;
}

export interface ReviewedSelection {
  additions: TagAddition[];
  /** Entries not applied, with why (unknown rule, technique that no longer passes the checks …). */
  refused: { rule: string; technique: string; reason: string }[];
}

function tacticOf(tags: unknown): string | undefined {
  const tactic = Array.isArray(tags) ? tags.find((t): t is string => typeof t === 'string' && t.startsWith('mitre_')) : undefined;
  return tactic?.slice('mitre_'.length).replace(/_/g, '-');
}

/**
 * A reviewed file: when any candidate carries `"accept"`, the ones with `"accept": true` are applied;
 * otherwise the first candidate left for each rule (a person deletes what is wrong). Every entry is
 * checked again against the rules and ATT&CK as they are now: nothing in the file is trusted.
 */
export function selectFromReviewed(reviewed: unknown, ruleset: Ruleset, catalog: Catalog, sourcePlatforms: Record<string, string[]>): ReviewedSelection {
  const entries = Array.isArray((reviewed as { suggestions?: unknown })?.suggestions) ? ((reviewed as { suggestions: unknown[] }).suggestions as { rule?: unknown; candidates?: unknown }[]) : [];
  const isMarked = entries.some((e) => Array.isArray(e?.candidates) && (e.candidates as ReviewedCandidate[]).some((c) => c && 'accept' in c));
  const selection: ReviewedSelection = { additions: [], refused: [] };
  for (const entry of entries) {
    const name = typeof entry?.rule === 'string' ? entry.rule : '';
    const candidates = (Array.isArray(entry?.candidates) ? entry.candidates : []) as ReviewedCandidate[];
    const chosen = isMarked ? candidates.filter((c) => c?.accept === true) : candidates.slice(0, 1);
    const rule = ruleset.rules.find((r) => r.name === name);
    for (const candidate of chosen) {
      const id = typeof candidate?.technique === 'string' ? candidate.technique.toUpperCase() : '';
      const refuse = (reason: string) => selection.refused.push({ rule: name, technique: id, reason });
      const technique = catalog.techniques.get(id);
      if (!rule) refuse('no such rule in the --rules files');
      else if (!technique) refuse(`no technique ${id || '(none given)'} in ATT&CK ${catalog.version}`);
      else addChecked(rule, tagsFor(technique, withAdded(rule, selection), catalog, tacticOf(candidate.tags)), selection, catalog, sourcePlatforms, refuse);
    }
  }
  return selection;
}

/** The rule with the tags already selected for it, so a second technique does not repeat a tactic. */
function withAdded(rule: FalcoRule, selection: ReviewedSelection): FalcoRule {
  const added = selection.additions.filter((a) => a.rule === rule).flatMap((a) => a.tags);
  return { ...rule, tags: [...rule.tags, ...added.map((value) => ({ value, file: rule.position.file, line: 0, column: 0 }))] };
}

function addChecked(rule: FalcoRule, tags: string[], selection: ReviewedSelection, catalog: Catalog, sourcePlatforms: Record<string, string[]>, refuse: (reason: string) => void): void {
  const problems = tagProblems(withAdded(rule, selection), tags, catalog, sourcePlatforms);
  if (problems.length > 0) return refuse(problems.join('; '));
  if (tags.length === 0) return refuse('the rule already has these tags');
  const existing = selection.additions.find((a) => a.rule === rule);
  if (existing) existing.tags.push(...tags);
  else selection.additions.push({ rule, tags: [...tags] });
}
