// Reads every rule's tags against the catalog: which techniques and tactics each rule claims. Pure.
import type { Catalog, Tactic, Technique } from '../attack/types.js';
import { parseTag, type ParsedTag } from '../falco/tags.js';
import type { FalcoRuleOutline, TagRef } from '../falco/types.js';

export interface ReadTag {
  ref: TagRef;
  parsed: ParsedTag;
}

export interface MappedRule {
  rule: FalcoRuleOutline;
  /** The rule's tags as Falco keeps them: a set, so a value written again within one list is here once (the first). */
  tags: ReadTag[];
  /** The later writings of a tag the list already has (Falco keeps one); NO_REPEATS, shared, when there are none. */
  repeated: readonly ReadTag[];
  /** Techniques the rule tags that exist in the catalog (revoked and deprecated ones included). */
  knownTechniques: { tag: ReadTag; technique: Technique }[];
  /** Tactic tags that name a tactic of the catalog, by shortname or ID. */
  knownTactics: { tag: ReadTag; tactic: Tactic; via: 'name' | 'id' }[];
  /** The first maturity_ tag's level; undefined when there is none. */
  maturity?: string;
  /** Why Falco drops the rule though it is enabled (skip-if-unknown-filter over what it does not know), or undefined. */
  skipped: string | undefined;
  /** Whether Falco runs the rule: enabled and not skipped. Only such rules cover techniques. */
  runs: boolean;
  /** activeTechniques, claimedTactics and justifiedTactics, worked out once by mapRule (the checks and coverage ask again and again). */
  active?: Technique[];
  claimed?: Set<string>;
  justified?: Set<string>;
}

export interface TacticIndex {
  byShortname: Map<string, Tactic>;
  byId: Map<string, Tactic>;
}

export function indexTactics(catalog: Catalog): TacticIndex {
  return {
    byShortname: new Map(catalog.tactics.map((t) => [t.shortname, t])),
    byId: new Map(catalog.tactics.map((t) => [t.id, t])),
  };
}

export function tacticOfTag(parsed: ParsedTag, index: TacticIndex): Tactic | undefined {
  if (parsed.kind !== 'tactic') return undefined;
  // Stryker disable next-line StringLiteral: parseTag gives every tactic tag an ID or a shortname, so the fallback only satisfies the type
  return parsed.tacticId ? index.byId.get(parsed.tacticId) : index.byShortname.get(parsed.shortname ?? '');
}

/** parseTag remembering each tag it has read: 10,000 rules write a few hundred distinct tags, and an
 * unusual one runs a dozen regular expressions. The ParsedTag objects are shared: they are never changed. */
export function tagReader(): (tag: string) => ParsedTag {
  const read = new Map<string, ParsedTag>();
  return (tag) => {
    let parsed = read.get(tag);
    if (!parsed) read.set(tag, (parsed = parseTag(tag)));
    return parsed;
  };
}

/** What most rules repeat: nothing. Shared and frozen, so that 10,000 rules allocate nothing for it. */
const NO_REPEATS: readonly ReadTag[] = Object.freeze([]);

/** Whether `value` is among the tags read so far: a scan (rules write a handful of tags) up to 16, a set beyond. */
function seenBefore(value: string, tags: readonly ReadTag[], seen: Set<string> | undefined): boolean {
  if (seen) return seen.has(value);
  for (const tag of tags) if (tag.ref.value === value) return true;
  return false;
}

/**
 * What the rules of one analysis share once mapped, made once each: 10,000 rules claim a few hundred combinations
 * of tactics and techniques, and a Set or list per rule was ~40% of the memory mapping kept (and the garbage
 * collector copied). The shared values are never changed (activeTechniques and the others say so).
 */
export interface SharedMapping {
  /** Active techniques (with the tactics they justify) by their IDs in order. */
  byActive: Map<string, { active: Technique[]; justified: Set<string> }>;
  /** Claimed tactic shortnames by the same, in order. */
  claimed: Map<string, Set<string>>;
}

export function sharedMapping(): SharedMapping {
  return { byActive: new Map(), claimed: new Map() };
}

/** A key for `values` in order: IDs and shortnames hold no newline. */
function keyOf<T>(values: readonly T[], name: (value: T) => string): string {
  // Stryker disable next-line StringLiteral: every key starts with the same text either way, so two keys are equal exactly when their lists are
  let key = '';
  for (const value of values) key += `${name(value)}\n`;
  return key;
}

export function mapRule(rule: FalcoRuleOutline, catalog: Catalog, index: TacticIndex, readTag: (tag: string) => ParsedTag = parseTag, skipped?: string, shared?: SharedMapping): MappedRule {
  // Loops, and one object literal with every field: 10,000 rules go through here, and MappedRules of one shape
  // keep the checks and coverage that read them fast (building it field by field cost ~12% of the analysis).
  const tags: ReadTag[] = [];
  const knownTechniques: MappedRule['knownTechniques'] = [];
  const knownTactics: MappedRule['knownTactics'] = [];
  let maturity: string | undefined;
  let repeated: ReadTag[] | undefined;
  // Falco keeps a rule's tags in a std::set: a value written twice is one tag, so it counts, and is checked, once.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the set and the scan give the same answer for any list; the bound only picks the faster one
  const seen = rule.tags.length > 16 ? new Set<string>() : undefined;
  for (const ref of rule.tags) {
    const parsed = readTag(ref.value);
    const tag = { ref, parsed };
    if (seenBefore(ref.value, tags, seen)) {
      (repeated ??= []).push(tag);
      continue;
    }
    seen?.add(ref.value);
    tags.push(tag);
    if (parsed.kind === 'technique') {
      const technique = catalog.techniques.get(parsed.id);
      if (technique) knownTechniques.push({ tag, technique });
    } else if (parsed.kind === 'tactic') {
      const tactic = tacticOfTag(parsed, index);
      if (tactic) knownTactics.push({ tag, tactic, via: parsed.tacticId ? 'id' : 'name' });
    } else if (parsed.kind === 'maturity') maturity ??= parsed.level;
  }
  const { active, justified } = activeOf(knownTechniques, shared);
  return { rule, tags, repeated: repeated ?? NO_REPEATS, knownTechniques, knownTactics, maturity, skipped, runs: rule.isEnabled && skipped === undefined, active, claimed: claimedOf(knownTactics, shared), justified };
}

/** The active techniques of `known` and the tactics they justify: `shared`'s when another rule had the same. */
function activeOf(known: MappedRule['knownTechniques'], shared: SharedMapping | undefined): { active: Technique[]; justified: Set<string> } {
  const active = findActive(known);
  if (!shared) return { active, justified: findJustified(active) };
  const key = keyOf(active, (t) => t.id);
  let found = shared.byActive.get(key);
  if (!found) shared.byActive.set(key, (found = { active, justified: findJustified(active) }));
  return found;
}

/** The tactic shortnames `known` claims: `shared`'s set when another rule claimed the same, in the same order. */
function claimedOf(known: MappedRule['knownTactics'], shared: SharedMapping | undefined): Set<string> {
  if (!shared) return findClaimed(known);
  const key = keyOf(known, (k) => k.tactic.shortname);
  let claimed = shared.claimed.get(key);
  if (!claimed) shared.claimed.set(key, (claimed = findClaimed(known)));
  return claimed;
}

function findJustified(active: Technique[]): Set<string> {
  const justified = new Set<string>();
  for (const technique of active) for (const tactic of technique.tactics) justified.add(tactic);
  return justified;
}

/** The catalog holds one Technique per ID, so a technique tagged twice is the same object. */
function findActive(known: MappedRule['knownTechniques']): Technique[] {
  const active: Technique[] = [];
  for (const { technique } of known) if (!technique.isRevoked && !technique.isDeprecated && !active.includes(technique)) active.push(technique);
  return active;
}

function findClaimed(known: MappedRule['knownTactics']): Set<string> {
  const claimed = new Set<string>();
  for (const { tactic } of known) claimed.add(tactic.shortname);
  return claimed;
}

/** Techniques that count for coverage: in the catalog, neither revoked nor deprecated. Shared: never change it. */
export function activeTechniques(mapped: MappedRule): Technique[] {
  return mapped.active ?? findActive(mapped.knownTechniques);
}

/** Tactic shortnames the rule claims, by name or ID. Shared: never change it. */
export function claimedTactics(mapped: MappedRule): Set<string> {
  return mapped.claimed ?? findClaimed(mapped.knownTactics);
}

/** Tactic shortnames the rule's active techniques belong to, in the order of the techniques. Shared: never change it. */
export function justifiedTactics(mapped: MappedRule): Set<string> {
  return mapped.justified ?? findJustified(activeTechniques(mapped));
}

export function isAttackTag(tag: ReadTag): boolean {
  return tag.parsed.kind === 'technique' || tag.parsed.kind === 'tactic';
}
