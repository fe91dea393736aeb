// Applies Falco's loading semantics to raw items from several files, in order: later definitions
// replace earlier ones (in their place), `append: true` and `override:` modify them, and `enabled:` items
// without condition, output, desc or priority toggle them. Pure: raw items in, Ruleset out.
// See https://falco.org/docs/concepts/rules/overriding/
import { InputError } from '../errors.js';
import { scalarText } from './yaml-cst.js';
import { tagsAsList } from './tags.js';
import type { FalcoList, FalcoMacro, FalcoRule, RawItem, RulesFileInfo, Ruleset, SourcePosition, TagRef } from './types.js';
import type { IgnoreComment } from './ignore-comments.js';
import { appendExceptions, decodeExceptions, type RuleException } from './exceptions.js';
import { overrideProblems } from './overrides.js';

type OverrideMode = 'append' | 'replace';

const LOAD_ORDER_HINT = 'load the file that defines it first (files load in the order given); for one of the official rules\' lists, macros or rules, name official first: --rules official my_rules.yaml';

function at(position: SourcePosition): string {
  return `${position.file}:${position.line}:${position.column}`;
}

function text(value: unknown): string {
  return scalarText(value).trim();
}

/** One part of a rule's or macro's condition as loaded: the `condition:` key that wrote it, and where its text
 * starts in the joined condition (an append is joined to what was there with one space). */
export interface ConditionPart {
  at: SourcePosition;
  start: number;
}

/** Where each part of a condition came from, for the validator to point into the right file. Kept beside the
 * rules and macros rather than in them: nothing else reads it, and the parse cache does not store it. */
const conditionParts = new WeakMap<FalcoRule | FalcoMacro, ConditionPart[]>();

/** The parts of `item`'s condition, first to last; undefined for one not built here (read from the parse cache). */
export function conditionPartsOf(item: FalcoRule | FalcoMacro): readonly ConditionPart[] | undefined {
  return conditionParts.get(item);
}

/** Records the condition `item` gave `target`: appended after `before` (the condition it had), or replacing it. */
function recordConditionPart(target: FalcoRule | FalcoMacro, item: RawItem, before: string | undefined): void {
  const at = item.keyPositions.condition;
  if (!at) return;
  const parts = before === undefined ? [] : (conditionParts.get(target) ?? []);
  conditionParts.set(target, [...parts, { at, start: before === undefined ? 0 : before.length + 1 }]);
}

/** Spellings yaml-cpp reads as a bool (and so Falco, for `enabled:` and `append:`), lower, UPPER or Capitalized. */
const FALCO_BOOLS: Record<string, boolean> = { y: true, yes: true, true: true, on: true, n: false, no: false, false: false, off: false };

/**
 * `enabled:` (and `append:`) as Falco reads it: yaml-cpp's bool from the scalar's text (as parse.ts gives every
 * scalar), so `no`, `off` and `N` turn a rule off as `false` does; undefined for a value Falco refuses to load (`maybe`).
 */
export function falcoBool(value: unknown): boolean | undefined {
  if (typeof value !== 'string' || !/^(?:[a-z]+|[A-Z]+|[A-Z][a-z]+)$/.test(value)) return undefined;
  return Object.hasOwn(FALCO_BOOLS, value.toLowerCase()) ? FALCO_BOOLS[value.toLowerCase()] : undefined;
}

function isFalse(value: unknown): boolean {
  return falcoBool(value) === false;
}

/**
 * A rule item that enables or disables an earlier rule. Falco's reader: "If the rule does *not* have any of
 * condition/output/desc/priority, it *must* have an enabled property. Use the enabled property to set the
 * enabled status of an earlier rule." Its other keys (tags …) are ignored (validate warns).
 */
export function isEnableItem(item: RawItem): boolean {
  const { fields } = item;
  return item.kind === 'rule' && fields.enabled !== undefined && fields.override === undefined && !isLegacyAppend(item)
    && fields.condition === undefined && fields.output === undefined && fields.desc === undefined && fields.priority === undefined;
}

/** An item that defines its rule, macro or list anew: no `override:`, no `append: true`, no enabled-only toggle. */
export function isDefinitionItem(item: RawItem): boolean {
  return item.fields.override === undefined && !isLegacyAppend(item) && !isEnableItem(item);
}

/** The deprecated `append: true`, read as Falco reads it (a yaml-cpp bool: `yes`, `on` … too). */
export function isLegacyAppend(item: RawItem): boolean {
  return falcoBool(item.fields.append) === true;
}

/** Tags as Falco's reader takes them (decode_seq): none when the key is missing; a list of scalars when it is there,
 * else the file is refused, "Value is not a sequence" for an empty `tags:` as for a string, "sequence value is not
 * scalar" for an empty, list or map element. */
function tagsOf(item: RawItem): TagRef[] {
  const tags = item.fields.tags;
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) {
    const [message, list] = tags === null ? ['tags is empty', '[] or leave tags out'] : ['tags must be a list', tagsAsList(tags) ?? '[mitre_execution, T1059]'];
    throw new InputError(at(item.keyPositions.tags ?? item.position), `rule "${item.name}": ${message}`, `Falco refuses the file too; write a list: tags: ${list}`);
  }
  return tags.map((value, i) => {
    // Written out, not spread: spreading a position into each of 60,000 tags was a fifth of building the ruleset.
    const { file, line, column, endColumn } = item.tagPositions[i] ?? item.keyPositions.tags ?? item.position;
    // typeof null is 'object': an empty element, a list and a map alike.
    if (typeof value === 'object') {
      // An empty element has no place of its own in the fast readers (they put it where the list starts): named by its number.
      const where = value === null ? at(item.keyPositions.tags ?? item.position) : at({ file, line, column });
      const what = value === null ? 'is empty' : Array.isArray(value) ? 'is a list' : 'is a map';
      throw new InputError(where, `rule "${item.name}": tag ${i + 1} of ${tags.length} ${what}`, 'Falco refuses the file too; each tag is one word (quote it if it is meant as text: "~")');
    }
    return { value: scalarText(value), file, line, column, endColumn };
  });
}

/**
 * `tags` and then those of `added` it does not have yet: Falco keeps a rule's tags as a set (its collector:
 * `prev->tags.insert(tag)`), so a tag appended again is one tag, and one finding. Repeats within one item stay,
 * where lint --fix finds and removes them.
 */
function appendTags(tags: TagRef[], added: TagRef[]): TagRef[] {
  const have = new Set(tags.map((t) => t.value));
  const kept = [...tags];
  for (const tag of added) {
    if (have.has(tag.value)) continue;
    have.add(tag.value);
    kept.push(tag);
  }
  return kept;
}

export function overridesOf(item: RawItem): Record<string, OverrideMode> | undefined {
  const override = item.fields.override;
  if (override === undefined) return undefined;
  const where = at(item.keyPositions.override ?? item.position);
  if (typeof override !== 'object' || override === null || Array.isArray(override)) {
    throw new InputError(where, `${item.kind} "${item.name}": override must map keys to append or replace`);
  }
  for (const [key, mode] of Object.entries(override)) {
    if (mode !== 'append' && mode !== 'replace') throw new InputError(where, `${item.kind} "${item.name}": override of ${key} must be append or replace, not ${scalarText(mode)}`);
  }
  // Falco refuses the file for these as well (QA: enabled: append was applied as a disable, exit 0).
  const [problem] = overrideProblems(item, override as Record<string, unknown>, isLegacyAppend(item));
  if (problem) throw new InputError(at(item.keyPositions[problem.key] ?? item.position), `${item.kind} "${item.name}": ${problem.message}`);
  return override as Record<string, OverrideMode>;
}

/**
 * The item's exceptions as Falco reads them (appended to `existing` when given). A shape Falco refuses is one
 * rule's problem, not the file's: `validate` reports it (bad-exception) from the raw item, and the rule keeps the
 * exceptions it had.
 */
function exceptionsOf(item: RawItem, existing?: RuleException[]): RuleException[] {
  try {
    const read = decodeExceptions(item.fields.exceptions, item.keyPositions.exceptions ?? item.position);
    return existing ? appendExceptions(existing, read) : read;
  } catch {
    // decodeExceptions and appendExceptions throw only ExceptionError: a shape Falco refuses.
    return existing ?? [];
  }
}

/** `exceptions` as a rule holds it: absent when there are none (so a ruleset read back from the cache is the same). */
function withExceptions(exceptions: RuleException[]): { exceptions?: RuleException[] } {
  return exceptions.length > 0 ? { exceptions } : {};
}

function newRule(item: RawItem): FalcoRule {
  if (item.fields.condition === undefined) {
    throw new InputError(at(item.position), `rule "${item.name}" has no condition`, 'a new rule needs condition, output, desc and priority; to change an existing rule use override:');
  }
  return {
    name: item.name,
    position: item.position,
    condition: text(item.fields.condition),
    output: text(item.fields.output),
    desc: text(item.fields.desc),
    priority: text(item.fields.priority),
    source: text(item.fields.source) || 'syscall',
    isEnabled: !isFalse(item.fields.enabled),
    tags: tagsOf(item),
    modifiedAt: [],
    ...(item.keyPositions.condition ? { conditionAt: item.keyPositions.condition } : {}),
    ...(item.keyPositions.output ? { outputAt: item.keyPositions.output } : {}),
    ...withExceptions(exceptionsOf(item)),
    ...(falcoBool(item.fields['skip-if-unknown-filter']) === true ? { skipsUnknownFilter: true } : {}),
  };
}

function modifyRule(rule: FalcoRule, item: RawItem, modes: Record<string, OverrideMode>): void {
  rule.modifiedAt.push(item.position);
  for (const [key, mode] of Object.entries(modes)) {
    const value = item.fields[key];
    if (value === undefined) throw new InputError(at(item.position), `rule "${item.name}": override names ${key} but the item has no ${key}`);
    if (key === 'tags') rule.tags = mode === 'append' ? appendTags(rule.tags, tagsOf(item)) : tagsOf(item);
    else if (key === 'enabled') rule.isEnabled = !isFalse(value);
    else if (key === 'condition' || key === 'output' || key === 'desc') {
      if (key === 'condition') recordConditionPart(rule, item, mode === 'append' ? rule.condition : undefined);
      rule[key] = mode === 'append' ? `${rule[key]} ${text(value)}` : text(value);
    } else if (key === 'priority') rule.priority = text(value);
    else if (key === 'exceptions') {
      const next = exceptionsOf(item, mode === 'append' ? (rule.exceptions ?? []) : undefined);
      if (next.length > 0) rule.exceptions = next;
      else delete rule.exceptions;
    }
    else if (key === 'skip-if-unknown-filter') {
      // Absent when false, as the stored ruleset reads it back.
      if (falcoBool(value) === true) rule.skipsUnknownFilter = true;
      else delete rule.skipsUnknownFilter;
    }
  }
}

function applyRule(rules: Map<string, FalcoRule>, item: RawItem): void {
  const existing = rules.get(item.name);
  const modes = overridesOf(item);
  const isAppend = isLegacyAppend(item);
  const isEnableOnly = isEnableItem(item);
  if (!modes && !isAppend && !isEnableOnly) {
    const rule = newRule(item);
    recordConditionPart(rule, item, undefined);
    if (existing && existing.source !== rule.source) {
      throw new InputError(at(item.position), `rule "${item.name}" is defined again with source ${rule.source}; its definition at ${at(existing.position)} has source ${existing.source}`, 'Falco refuses this ("Rule has been re-defined with a different source"): give one of them another name');
    }
    // Falco's define_info keeps the first definition's place in the rule order (info.index = prev->index).
    rules.set(item.name, rule);
    return;
  }
  if (!existing) {
    throw new InputError(at(item.position), `rule "${item.name}" is ${modes ? 'overridden' : isAppend ? 'appended to' : 'enabled or disabled'} before it is defined`, LOAD_ORDER_HINT);
  }
  if (modes) modifyRule(existing, item, modes);
  else if (isEnableOnly) modifyRule(existing, item, { enabled: 'replace' });
  else appendToRule(existing, item);
}

/**
 * The deprecated `append: true`: Falco's reader takes the condition and the exceptions of the item (either may be
 * missing) and ignores its other keys, tags too (validate warns); its collector refuses an item with neither:
 * "Appended rule must have exceptions or condition property". Exceptions add values to the rule's exception of
 * the same name, or add the exception.
 */
function appendToRule(rule: FalcoRule, item: RawItem): void {
  const keys = ['condition', 'exceptions'].filter((key) => item.fields[key] !== undefined);
  if (keys.length === 0) {
    throw new InputError(at(item.position), `rule "${item.name}": append: true needs a condition or exceptions to append`, 'Falco refuses it ("Appended rule must have exceptions or condition property")');
  }
  modifyRule(rule, item, Object.fromEntries(keys.map((key) => [key, 'append'])));
}

function applyMacro(macros: Map<string, FalcoMacro>, item: RawItem): void {
  const existing = macros.get(item.name);
  // Falco's reader appends for append (override or legacy) and defines otherwise: `override: {condition:
  // replace}` is a definition, with or without an earlier one.
  if (!isAppendTo(item, 'condition')) {
    const macro: FalcoMacro = {
      name: item.name,
      position: item.position,
      condition: text(item.fields.condition),
      source: text(item.fields.source) || undefined,
      ...(item.keyPositions.condition ? { conditionAt: item.keyPositions.condition } : {}),
    };
    recordConditionPart(macro, item, undefined);
    macros.set(item.name, macro);
    return;
  }
  if (!existing) throw new InputError(at(item.position), `macro "${item.name}" is appended to before it is defined`, LOAD_ORDER_HINT);
  recordConditionPart(existing, item, existing.condition);
  existing.condition = `${existing.condition} ${text(item.fields.condition)}`;
}

function listItems(item: RawItem): string[] {
  const items = item.fields.items ?? [];
  if (!Array.isArray(items)) throw new InputError(at(item.keyPositions.items ?? item.position), `list "${item.name}": items must be a list`);
  return items.map((v) => scalarText(v));
}

function applyList(lists: Map<string, FalcoList>, item: RawItem): void {
  const existing = lists.get(item.name);
  if (!isAppendTo(item, 'items')) {
    lists.set(item.name, { name: item.name, position: item.position, items: listItems(item) });
    return;
  }
  if (!existing) throw new InputError(at(item.position), `list "${item.name}" is appended to before it is defined`, LOAD_ORDER_HINT);
  existing.items = [...existing.items, ...listItems(item)];
}

/** Whether a macro or list item appends to its `key` (Falco: `append |= override_append.find(key) != end`). */
function isAppendTo(item: RawItem, key: 'condition' | 'items'): boolean {
  return overridesOf(item)?.[key] === 'append' || isLegacyAppend(item);
}

/** Builds the ruleset Falco would load from these files' items, in order. */
export function buildRuleset(files: { info: RulesFileInfo; items: RawItem[]; ignores?: IgnoreComment[] }[]): Ruleset {
  const rules = new Map<string, FalcoRule>();
  const macros = new Map<string, FalcoMacro>();
  const lists = new Map<string, FalcoList>();
  for (const { items } of files) {
    for (const item of items) {
      if (item.kind === 'rule') applyRule(rules, item);
      else if (item.kind === 'macro') applyMacro(macros, item);
      else if (item.kind === 'list') applyList(lists, item);
    }
  }
  return { files: files.map((f) => f.info), rules: [...rules.values()], macros, lists, ignoreComments: files.flatMap((f) => f.ignores ?? []) };
}
