// Suggestions for a ruleset: which rules to look at (untagged ones; with `all`, every rule), their
// terms, the ranked techniques, and the tags each would add, checked like lint checks them. Pure.
import type { Catalog } from '../attack/types.js';
import type { LogSourceMapping } from '../upstream.js';
import type { FalcoRule, Ruleset } from '../falco/types.js';
import { own } from '../own.js';
import { procedureText } from './procedures.js';
import { hasCurrentTechnique, renumberedIdOf, type Renumbering } from '../emulate/renumbering.js';
import { buildNeighbourIndex, nearestRules, neighbourVotes, type NeighbourIndex, type ReferenceRule } from './neighbours.js';
import { rankTechniques, type Vote } from './rank.js';
import { namedValues, ruleTerms } from './rule-terms.js';
import { tagProblems, taggedTechniques, tagsFor } from './tags.js';
import { buildTechniqueIndex, type TechniqueIndex } from './technique-index.js';
import type { Candidate, QueryTerm, RuleSuggestion } from './types.js';

/** A term in more than this share of a source's rules starts to count less. */
const COMMON_SHARE = 0.3;

export interface SuggestOptions {
  /** Tagged rules too (to find techniques they miss), not only the untagged. */
  isAll?: boolean;
  /** Candidates per rule. */
  top: number;
  /** Only these rules (by name), when given. */
  ruleNames?: Set<string>;
  /** Disabled rules too. */
  isDisabledIncluded?: boolean;
}

export interface SuggestContext {
  catalog: Catalog;
  ruleset: Ruleset;
  sourcePlatforms: Record<string, string[]>;
  /** Atomic Red Team files (YAML text), whose tests add procedure text to the techniques. */
  atomics?: string[];
  /** The IDs a later ATT&CK gave techniques (data/attack-renumbering.json): an atomic filed under one of them adds its
   * text to the catalog's technique. */
  renumbering?: Renumbering;
  /** Tagged rules to learn from (the embedded official rules); the ruleset's own tagged rules are added. */
  references?: ReferenceRule[];
  /** data/log-sources.json: which ATT&CK log source each Falco source observes (for the log-source preference). */
  logSources?: LogSourceMapping[];
}

/** Indexes are per source (their candidate techniques and analytics differ): built once, on first use. */
export function indexCache({
  catalog,
  sourcePlatforms,
  // Stryker disable next-line ArrayDeclaration: a default of ['Stryker was here'] adds nothing, as that text is not an atomics file
  atomics = [],
  logSources = [],
  renumbering,
}: Omit<SuggestContext, 'ruleset'>): (source: string) => TechniqueIndex | undefined {
  const cache = new Map<string, TechniqueIndex | undefined>();
  return (source) => {
    if (!cache.has(source)) {
      const observable = sourcePlatforms[source];
      cache.set(source, observable ? buildTechniqueIndex(catalog, source, observable, proceduresFor(atomics, observable, techniqueIdIn(catalog, renumbering)), logSources) : undefined);
    }
    return cache.get(source);
  };
}

/** The catalog's ID for an atomic's technique: its own, or the one `renumbering` maps it to where the catalog lacks it. */
function techniqueIdIn(catalog: Catalog, renumbering: Renumbering | undefined): (id: string) => string {
  if (!renumbering) return (id) => id;
  const has = hasCurrentTechnique(catalog);
  return (id) => renumberedIdOf(id, has, renumbering)?.to ?? id;
}

function proceduresFor(atomics: string[], platforms: string[], idOf: (id: string) => string): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const yamlText of atomics) {
    const found = procedureText(yamlText, platforms);
    if (!found?.text) continue;
    const id = idOf(found.technique);
    result.set(id, [...(result.get(id) ?? []), found.text]);
  }
  return result;
}

export function isSuggestedFor(rule: FalcoRule, options: SuggestOptions): boolean {
  if (options.ruleNames && !options.ruleNames.has(rule.name)) return false;
  if (!rule.isEnabled && !options.isDisabledIncluded) return false;
  return options.isAll === true || taggedTechniques(rule).length === 0;
}

/**
 * Rule terms weighed by how rare they are among the ruleset's rules of the same source (a query-side
 * IDF): `container`, `spawned` and `proc` are in nearly every syscall rule and say little about any one.
 */
export function rulesetTerms(ruleset: Ruleset): Map<FalcoRule, QueryTerm[]> {
  const all = new Map(ruleset.rules.map((rule) => [rule, ruleTerms(rule, ruleset)]));
  const bySource = new Map<string, FalcoRule[]>();
  for (const rule of ruleset.rules) bySource.set(rule.source, [...(bySource.get(rule.source) ?? []), rule]);
  for (const rules of bySource.values()) {
    const df = new Map<string, number>();
    for (const rule of rules) for (const t of all.get(rule)!) df.set(t.term, (df.get(t.term) ?? 0) + 1);
    const n = rules.length;
    // Full weight up to COMMON_SHARE of the rules; beyond, the weight falls with the log of how common it is.
    const full = Math.log(1 + 1 / COMMON_SHARE);
    for (const rule of rules) {
      all.set(rule, all.get(rule)!.map((t) => ({ ...t, weight: t.weight * Math.min(1, Math.log(1 + n / df.get(t.term)!) / full) })));
    }
  }
  return all;
}

/** The tagged rules of a ruleset as references for the neighbour vote. */
export function referenceRules(ruleset: Ruleset, terms: Map<FalcoRule, QueryTerm[]> = rulesetTerms(ruleset)): ReferenceRule[] {
  return ruleset.rules
    .map((rule) => ({ name: rule.name, file: rule.position.file, source: rule.source, techniques: [...new Set(taggedTechniques(rule))].sort(), terms: terms.get(rule)! }))
    .filter((r) => r.techniques.length > 0);
}

/** `source` and the sources that observe a platform it observes: whose rules may vote for a rule of `source`. */
export function alikeSources(source: string, sourcePlatforms: Record<string, string[]>): Set<string> {
  // Stryker disable next-line ArrayDeclaration: for a source without platforms, a default no source observes matches none, as [] does
  const platforms = new Set(own(sourcePlatforms, source) ?? []);
  return new Set([source, ...Object.keys(sourcePlatforms).filter((s) => sourcePlatforms[s]!.some((p) => platforms.has(p)))]);
}

function votesFor(rule: FalcoRule, terms: QueryTerm[], neighbours: NeighbourIndex, sourcePlatforms: Record<string, string[]>): Map<string, Vote> {
  const near = nearestRules(rule, terms, neighbours, alikeSources(rule.source, sourcePlatforms));
  const votes = new Map<string, Vote>();
  for (const [id, share] of neighbourVotes(near)) {
    const rules = near.filter((n) => n.rule.techniques.includes(id)).map((n) => ({ name: n.rule.name, file: n.rule.file, similarity: n.similarity, shared: n.shared }));
    votes.set(id, { share, rules });
  }
  return votes;
}

/** Ranked candidates for one rule, each with the tags it would add; candidates lint would refuse are dropped. */
export function suggestForRule(rule: FalcoRule, terms: QueryTerm[], context: SuggestContext, index: TechniqueIndex, top: number, neighbours?: NeighbourIndex): RuleSuggestion {
  const existing = taggedTechniques(rule);
  const votes = neighbours ? votesFor(rule, terms, neighbours, context.sourcePlatforms) : new Map<string, Vote>();
  const ranked = rankTechniques(terms, index, top * 2, new Set(existing), votes, namedValues(rule, context.ruleset));
  const candidates: Candidate[] = [];
  for (const r of ranked) {
    const tags = tagsFor(r.technique, rule, context.catalog);
    if (tagProblems(rule, tags, context.catalog, context.sourcePlatforms).length > 0) continue;
    candidates.push({ technique: r.technique.id, name: r.technique.name, score: r.score, tags, logSources: r.logSources, evidence: r.evidence, matchedIn: r.matchedIn, by: 'ranker' });
    if (candidates.length === top) break;
  }
  return { rule: rule.name, file: rule.position.file, line: rule.position.line, source: rule.source, existing, candidates, rejected: [] };
}

/** Suggestions for every selected rule, in ruleset order; rules of a source with no known platforms are skipped. */
export function suggestTags(context: SuggestContext, options: SuggestOptions): RuleSuggestion[] {
  const indexFor = indexCache(context);
  const terms = rulesetTerms(context.ruleset);
  const own = referenceRules(context.ruleset, terms);
  const ownNames = new Set(own.map((r) => r.name));
  const neighbours = buildNeighbourIndex([...own, ...(context.references ?? []).filter((r) => !ownNames.has(r.name))]);
  return context.ruleset.rules.flatMap((rule) => {
    if (!isSuggestedFor(rule, options)) return [];
    const index = indexFor(rule.source);
    return index ? [suggestForRule(rule, terms.get(rule)!, context, index, options.top, neighbours)] : [];
  });
}
