// What a rule says, as weighted index terms: its name, description and output words, and its condition
// expanded — macros and lists followed to their definitions (shell_procs says more than its name),
// the fields, event types, process names and values it tests. Negated parts (exceptions, allow-lists)
// describe what is not the attack and are left out. Pure.
import { isApiName } from '../attack/api-names.js';
import { compareText } from '../collections.js';
import { tryParseCondition } from '../falco/condition/parse.js';
import { walk, type ConditionNode, type Operand } from '../falco/condition/ast.js';
import type { FalcoRule, Ruleset } from '../falco/types.js';
import { stemOf, wordsOf } from './terms.js';
import type { NamedValue, Origin, OriginKind, QueryTerm } from './types.js';

/** How much a word counts by where it came from: a rule's name and description say most. */
export const ORIGIN_WEIGHTS: Record<OriginKind, number> = { name: 3, desc: 1, macro: 1.5, output: 0.5, list: 1, event: 1.5, process: 1.5, field: 0.3, value: 0.5 };
const MAX_DEPTH = 6;
/** A word found one macro or list further from the rule counts this much less. */
const DEPTH_DECAY = 0.8;
const MAX_LIST_ITEMS = 40;
const EVENT_FIELDS = new Set(['evt.type', 'evt.asynctype']);
const PROCESS_FIELD = /^proc\.(p|a)?name$|^proc\.exe$|^proc\.pexe$|^proc\.aexe$/;

class TermBag {
  readonly terms = new Map<string, QueryTerm>();
  /** API and event names the condition tests (not negated, by equality), each with the fields it is compared with. */
  readonly named = new Map<string, Set<string>>();
  addNamed(value: string, field: string): void {
    if (isApiName(value)) this.named.set(value, (this.named.get(value) ?? new Set()).add(field));
  }
  add(text: string, origin: Origin, kind: OriginKind = origin.kind, depth = 0): void {
    for (const word of wordsOf(text)) {
      const term = stemOf(word);
      const entry = this.terms.get(term) ?? { term, weight: 0, origins: [] };
      entry.weight = Math.max(entry.weight, ORIGIN_WEIGHTS[kind] * DEPTH_DECAY ** depth);
      const value = origin.kind === 'name' || origin.kind === 'desc' || origin.kind === 'output' ? word : origin.value;
      if (!entry.origins.some((o) => o.kind === origin.kind && o.value === value)) entry.origins.push({ kind: origin.kind, value });
      this.terms.set(term, entry);
    }
  }
}

/** An origin whose value TermBag.add sets to the word itself. */
// Stryker disable next-line StringLiteral: TermBag.add replaces the value of a name, desc or output origin with the word
const wordOrigin = (kind: 'name' | 'desc' | 'output'): Origin => ({ kind, value: '' });

interface Walk {
  ruleset: Ruleset;
  bag: TermBag;
  seen: Set<string>;
}

/** `field`: the field the list is compared with, when it is by equality (a source of named values), else undefined. */
function addList(name: string, field: string | undefined, state: Walk, depth: number): boolean {
  const list = state.ruleset.lists.get(name);
  if (!list) return false;
  state.bag.add(name, { kind: 'list', value: name }, 'list', depth);
  if (state.seen.has(`list:${name}`) || depth > MAX_DEPTH) return true;
  state.seen.add(`list:${name}`);
  for (const item of list.items.slice(0, MAX_LIST_ITEMS)) {
    if (addList(item, field, state, depth + 1)) continue;
    state.bag.add(item, { kind: 'list', value: name }, 'value', depth + 1);
    if (field !== undefined) state.bag.addNamed(item, field);
  }
  return true;
}

/** Comparisons that say which event it is: only their values are named values (`ct.name = "CreateAccessKey"`);
 * `ct.user.identitytype != "AssumedRole"` or `ct.useragent contains "PowerShell"` say what it is not, or where from. */
const NAMING_OPERATORS = new Set(['=', '==', 'in', 'intersects']);

function addOperand(field: string, operator: string, operand: Operand | undefined, state: Walk, depth: number): void {
  if (!operand || operand.kind === 'field') return;
  const items = operand.kind === 'list' ? operand.items : [operand];
  const kind: OriginKind = EVENT_FIELDS.has(field) ? 'event' : PROCESS_FIELD.test(field) ? 'process' : 'value';
  const namingField = NAMING_OPERATORS.has(operator) ? field : undefined;
  for (const item of items) {
    if (addList(item.text, namingField, state, depth)) continue;
    state.bag.add(item.text, { kind, value: kind === 'value' ? field : item.text }, kind, depth);
    if (namingField !== undefined) state.bag.addNamed(item.text, namingField);
  }
}

function addCondition(node: ConditionNode, state: Walk, depth: number): void {
  for (const { node: n, isNegated } of walk(node)) {
    if (isNegated) continue;
    if (n.kind === 'macro') addMacro(n.name, state, depth + 1);
    else if (n.kind === 'check') {
      state.bag.add(n.field.name, { kind: 'field', value: n.field.name }, 'field', depth);
      addOperand(n.field.name, n.operator, n.value, state, depth);
    }
  }
}

function addMacro(name: string, state: Walk, depth: number): void {
  const macro = state.ruleset.macros.get(name);
  if (!macro) return;
  state.bag.add(name, { kind: 'macro', value: name }, 'macro', depth - 1);
  if (state.seen.has(`macro:${name}`) || depth > MAX_DEPTH) return;
  state.seen.add(`macro:${name}`);
  const tree = tryParseCondition(macro.condition); // one that does not parse adds no terms
  if (tree) addCondition(tree, state, depth);
}

/** What the rule says: its name, description, output and condition, macros and lists followed. */
function readRule(rule: FalcoRule, ruleset: Ruleset): TermBag {
  const state: Walk = { ruleset, bag: new TermBag(), seen: new Set() };
  state.bag.add(rule.name, wordOrigin('name'));
  state.bag.add(rule.desc, wordOrigin('desc'));
  // Output fields (%proc.cmdline, %user.name) are the same in every rule: only the output's words count.
  // Stryker disable next-line StringLiteral: '' for ' ' joins no words: what is cut out is bounded by characters that wordsOf splits on
  const outputWords = rule.output.replace(/%[\w.[\]/-]+/g, ' ').replace(/\b[\w.]+=/g, ' ');
  state.bag.add(outputWords, wordOrigin('output'));
  const tree = tryParseCondition(rule.condition);
  if (tree) addCondition(tree, state, 0);
  return state.bag;
}

/** The rule's query terms, sorted by term so that the same rule always asks the same question. */
export function ruleTerms(rule: FalcoRule, ruleset: Ruleset): QueryTerm[] {
  return [...readRule(rule, ruleset).terms.values()].sort((a, b) => compareText(a.term, b.term));
}

/** The API and event names the rule's condition tests (ct.name="CreateAccessKey"), by value, each with the fields
 * compared with it: ATT&CK names many of them verbatim, a stronger sign than shared words. */
export function namedValues(rule: FalcoRule, ruleset: Ruleset): NamedValue[] {
  return [...readRule(rule, ruleset).named].map(([value, fields]) => ({ value, fields: [...fields].sort(compareText) })).sort((a, b) => compareText(a.value, b.value));
}
