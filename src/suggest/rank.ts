// The offline ranker: a rule's weighted terms searched (BM25, MiniSearch) against the techniques its
// source can observe; techniques whose v18 analytics name a log source the rule's source maps to are
// preferred; each candidate carries the evidence that produced it. Deterministic: same inputs, same order.
import type { Technique } from '../attack/types.js';
import { compareText } from '../collections.js';
import { fieldsNaming, type TechniqueIndex } from './technique-index.js';
import type { Evidence, NamedValue, QueryTerm } from './types.js';

/** Multiplier for techniques with an analytic on a log source the rule's source maps to. */
export const LOG_SOURCE_BONUS = 1.25;
/** Text match per unit of query weight at which the text confidence is one half (see scoreOf). */
export const HALF_SCORE = 5;
/** How much the votes of similar tagged rules count against the text match. */
export const NEIGHBOUR_SHARE = 0.8;
/** How much the share of a rule's named values that a technique's text names counts in its text match, against the
 * words' BM25 (which then only tells apart two techniques naming the same values). */
export const NAMED_WEIGHT = 0.95;
const MAX_EVIDENCE = 8;

export interface RankedTechnique {
  technique: Technique;
  score: number;
  raw: number;
  logSources: string[];
  evidence: Evidence[];
  matchedIn: string[];
}

/** Maps a BM25 score per unit of query weight onto 0–1 (x / (x + HALF_SCORE)): monotone and comparable across rules. */
export function scoreOf(raw: number): number {
  return Math.round((raw / (raw + HALF_SCORE)) * 1000) / 1000;
}

/** Groups matched terms by where they came from in the rule, strongest origin first. */
export function evidenceOf(matched: string[], byTerm: Map<string, QueryTerm>): Evidence[] {
  const groups = new Map<string, Evidence & { weight: number }>();
  for (const term of [...matched].sort()) {
    const entry = byTerm.get(term);
    if (!entry) continue;
    for (const origin of entry.origins) {
      const key = `${origin.kind}\u0000${origin.value}`;
      const group = groups.get(key) ?? { ...origin, terms: [], weight: 0 };
      group.terms.push(term);
      group.weight += entry.weight;
      groups.set(key, group);
    }
  }
  return [...groups.values()]
    .sort((a, b) => b.weight - a.weight || compareText(a.kind, b.kind) || compareText(a.value, b.value))
    .slice(0, MAX_EVIDENCE)
    .map(({ weight: _weight, ...evidence }) => evidence);
}

/** A vote from similar tagged rules: the technique's share (0–1) and the rules that cast it. */
export interface Vote {
  share: number;
  rules: { name: string; file: string; similarity: number; shared: string[] }[];
}

/** What a value named only in a technique's detection text (its analytics' log source channels list many events
 * per analytic) counts against one its description names: the technique is about that API. */
export const DETECTION_ONLY_NAMING = 0.5;

interface NamedHit {
  /** The named values the description names, and those only the detection text names. */
  described: NamedValue[];
  detected: NamedValue[];
  /** Text fields naming them: description, detection. */
  fields: string[];
  /** Each value counts 1 (DETECTION_ONLY_NAMING when only the detection text names it), shared out among the
   * techniques naming it the same way: a name many techniques mention (AssumeRole) says little about each. */
  weight: number;
}

/** Per technique, the rule's named values its ATT&CK text names verbatim, where, and how much that counts. */
function namedHits(named: NamedValue[], index: TechniqueIndex): Map<string, NamedHit> {
  const hits = new Map<string, NamedHit>();
  for (const value of named) {
    const naming = [...index.techniques.keys()].map((id) => ({ id, fields: fieldsNaming(index, id, value.value) })).filter((t) => t.fields.length > 0);
    const describing = naming.filter((t) => t.fields.includes('description')).length;
    for (const { id, fields } of naming) {
      const isDescribed = fields.includes('description');
      const hit = hits.get(id) ?? { described: [], detected: [], fields: [], weight: 0 };
      (isDescribed ? hit.described : hit.detected).push(value);
      hit.fields.push(...fields);
      hit.weight += isDescribed ? 1 / describing : DETECTION_ONLY_NAMING / (naming.length - describing);
      hits.set(id, hit);
    }
  }
  return hits;
}

/**
 * The `top` techniques for a rule's terms, best first; ties broken by technique ID. The order mixes the
 * text match and the votes of similar tagged rules: score = (1 − NEIGHBOUR_SHARE) × text + NEIGHBOUR_SHARE × vote.
 * The text match is BM25 relative to the rule's best, times how well the rule's words match at all; for a
 * technique whose ATT&CK text names verbatim some of the rule's named values (API and event names its condition
 * tests: `CreateAccessKey` in T1098.001's text says more than shared words), NAMED_WEIGHT × the share it names
 * (see NamedHit: shared among the techniques naming a value) + (1 − NAMED_WEIGHT) × the words' match, never less
 * than the words' match alone.
 */
export function rankTechniques(terms: QueryTerm[], index: TechniqueIndex, top: number, exclude: Set<string> = new Set(), votes: Map<string, Vote> = new Map(), named: NamedValue[] = []): RankedTechnique[] {
  const byTerm = new Map(terms.map((t) => [t.term, t]));
  const totalWeight = terms.reduce((sum, t) => sum + t.weight, 0) || 1;
  const results = index.search.search(terms.map((t) => t.term).join(' '), { boostTerm: (term) => byTerm.get(term)?.weight ?? 1 });
  const text = new Map<string, { raw: number; match: Record<string, string[]> }>();
  for (const r of results) {
    const id = r.id as string;
    const raw = r.score * (index.logSources.get(id)!.length > 0 ? LOG_SOURCE_BONUS : 1);
    text.set(id, { raw, match: r.match });
  }
  const best = Math.max(0, ...[...text.values()].map((t) => t.raw));
  const confidence = scoreOf(best / totalWeight);
  const hits = namedHits(named, index);
  const ids = [...new Set([...text.keys(), ...hits.keys(), ...[...votes.keys()].filter((id) => index.techniques.has(id))])].filter((id) => !exclude.has(id));
  const scored = ids.map((id) => {
    const textScore = best > 0 ? ((text.get(id)?.raw ?? 0) / best) * confidence : 0;
    const namedShare = (hits.get(id)?.weight ?? 0) / (named.length || 1);
    const match = Math.max(textScore, NAMED_WEIGHT * namedShare + (1 - NAMED_WEIGHT) * textScore);
    return { id, raw: (1 - NEIGHBOUR_SHARE) * match + NEIGHBOUR_SHARE * (votes.get(id)?.share ?? 0) };
  });
  // Evidence only for the few that are shown: it is the costly part.
  return scored
    .sort((a, b) => b.raw - a.raw || compareText(a.id, b.id))
    .slice(0, top)
    .map(({ id, raw }) => {
      const match = text.get(id)?.match ?? {};
      const vote = votes.get(id);
      const hit = hits.get(id);
      const namedEvidence = [
        ...(hit?.described ?? []).map((v) => ({ kind: 'named-value' as const, value: v.value, terms: v.fields })),
        ...(hit?.detected ?? []).map((v) => ({ kind: 'named-in-detection' as const, value: v.value, terms: v.fields })),
      ];
      const evidence: Evidence[] = [...namedEvidence, ...(vote?.rules ?? []).map((r) => ({ kind: 'similar-rule' as const, value: r.name, terms: r.shared })), ...evidenceOf(Object.keys(match), byTerm)].slice(0, MAX_EVIDENCE);
      const matchedIn = [...new Set([...Object.values(match).flat(), ...(hit?.fields ?? [])]), ...(vote ? ['similar rules'] : [])].sort();
      return { technique: index.techniques.get(id)!, raw, score: Math.round(raw * 1000) / 1000, logSources: index.logSources.get(id)!, evidence, matchedIn };
    });
}
