// The second voice of the ranker: rules that are already tagged (the official Falco rules attack-cov
// embeds, and the ruleset's own tagged rules) and say much the same as this one. Their techniques get
// a vote weighed by how alike the rules are (cosine of the rules' weighted terms, IDF over the
// references). A detection engineer reads it as "Launch Privileged Container tags T1610". Pure.
import { compareText } from '../collections.js';
import type { FalcoRule } from '../falco/types.js';
import type { QueryTerm } from './types.js';

export interface ReferenceRule {
  name: string;
  file: string;
  /** Its Falco source: only rules of sources that observe a platform in common vote (nearestRules' `sources`). */
  source: string;
  techniques: string[];
  terms: QueryTerm[];
}

export interface Neighbour {
  rule: ReferenceRule;
  similarity: number;
  /** The terms the two rules share that weigh most. */
  shared: string[];
}

export interface NeighbourIndex {
  references: ReferenceRule[];
  idf: Map<string, number>;
  vectors: Map<ReferenceRule, Map<string, number>>;
}

/** How many neighbours vote. */
export const NEIGHBOURS = 5;
/** Neighbours less alike than this do not vote. */
export const MIN_SIMILARITY = 0.05;

function vectorOf(terms: QueryTerm[], idf: Map<string, number>): Map<string, number> {
  const vector = new Map(terms.map((t) => [t.term, t.weight * (idf.get(t.term) ?? 0)]));
  const norm = Math.sqrt([...vector.values()].reduce((sum, v) => sum + v * v, 0)) || 1;
  for (const [term, value] of vector) vector.set(term, value / norm);
  return vector;
}

export function buildNeighbourIndex(references: ReferenceRule[]): NeighbourIndex {
  const df = new Map<string, number>();
  for (const reference of references) for (const t of reference.terms) df.set(t.term, (df.get(t.term) ?? 0) + 1);
  const n = references.length;
  const idf = new Map([...df].map(([term, count]) => [term, Math.log(1 + n / count)]));
  return { references, idf, vectors: new Map(references.map((r) => [r, vectorOf(r.terms, idf)])) };
}

/**
 * The most alike reference rules with techniques, best first; a rule is never its own neighbour. Only references of
 * `sources` vote: a syscall rule about SSH keys says nothing about a CloudTrail rule, a syscall rule about privileged
 * containers something about a Kubernetes audit rule about privileged pods.
 */
export function nearestRules(rule: Pick<FalcoRule, 'name'>, terms: QueryTerm[], index: NeighbourIndex, sources: ReadonlySet<string>): Neighbour[] {
  const query = vectorOf(terms, index.idf);
  const found: Neighbour[] = [];
  for (const reference of index.references) {
    if (reference.name === rule.name || !sources.has(reference.source) || reference.techniques.length === 0) continue;
    const vector = index.vectors.get(reference)!;
    const products: [string, number][] = [];
    for (const [term, value] of query) {
      const other = vector.get(term);
      if (other) products.push([term, value * other]);
    }
    const similarity = products.reduce((sum, [, p]) => sum + p, 0);
    if (similarity < MIN_SIMILARITY) continue;
    const shared = products.sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).slice(0, 5).map(([term]) => term);
    found.push({ rule: reference, similarity: Math.round(similarity * 1000) / 1000, shared });
  }
  return found.sort((a, b) => b.similarity - a.similarity || compareText(a.rule.name, b.rule.name)).slice(0, NEIGHBOURS);
}

/** Each technique's share of the neighbours' similarity (0–1), scaled by how alike the best neighbour is. */
export function neighbourVotes(neighbours: Neighbour[]): Map<string, number> {
  const total = neighbours.reduce((sum, n) => sum + n.similarity, 0);
  const votes = new Map<string, number>();
  if (total === 0) return votes;
  const confidence = neighbours[0]!.similarity;
  for (const n of neighbours) for (const id of new Set(n.rule.techniques)) votes.set(id, (votes.get(id) ?? 0) + (n.similarity / total) * confidence);
  return votes;
}
