// The warm path for a whole ruleset: the Ruleset built from a list of rules files (each named as outputs
// name it, with its sha256), stored in the parse cache under that list. A run on the same files reads one
// compact entry instead of expanding every file's items and applying overrides again (at 10,000 rules ~190
// instead of ~330 ms CPU). A changed file misses here and falls back to the per-file entries
// (rules-cache.ts), so one edit re-parses one file. An entry is written only for files that all came from
// their own entries, i.e. a ruleset seen before file by file: a first run, or a pull request's run after an
// edit, does not pay for an entry (~160 ms and 12 MB at 10,000 rules) that only a repeat would read.
// The stored form is JSON of arrays: positions as [file index, line, column], 1 array per rule instead of
// ~12 objects. Every value is checked as it is expanded; anything unexpected is a miss, never trusted.
// Beside each ruleset entry lies its outline (RulesetOutline: no rule text, macro or list): all that `report`
// (without --emulate or --suggest), `lint` and `threats` read. It is stored as columns: every string once in a
// table, every number (indexes into it, positions, counts) in one Float64Array, in V8's serialization: reading
// 10,000 rules' outline takes ~6 ms where JSON.parse of the rows took ~75 (and made ~200,000 short-lived arrays).
import { readEntryAs, writeEntry, type EntryKind, type ParseCache } from '../parse-cache.js';
import { isStoredEndColumn, RULES_FORMAT } from './rules-cache.js';
import type { IgnoreComment } from './ignore-comments.js';
import type { ExceptionEntry } from './exceptions.js';
import type { FalcoList, FalcoMacro, FalcoRule, FalcoRuleOutline, RulesFileInfo, Ruleset, RulesetOutline, SourcePosition, TagRef } from './types.js';

/**
 * Bump whenever buildRuleset's or readIgnoreComments' result changes shape or content for the same files (a new
 * FalcoRule field, other override semantics …), or the stored form below changes. The golden in
 * test/unit/cache/ruleset-cache.test.ts fails until you do (3: `enabled: no`/`off`/`n` now disable a rule, as in
 * Falco, where 2 read them as enabled; 4: as in Falco, the tags of a legacy `append: true` are ignored, `append:
 * yes` appends, a tag appended again is kept once, a rule defined again keeps its place; 6: the outline keeps
 * skip-if-unknown-filter, which `report` now reads: an outline of 5 says false for every rule; 8: an empty `tags:`
 * and an empty, list or map tag are refused, as Falco refuses them, where 7 read no tags or a tag ""; 9: a tag's
 * position has its end column, TagRef.endColumn, 0 stored when it has none). A change of the parser
 * bumps RULES_FORMAT, which is part of the key: stored rulesets built from the old parser's items miss as well.
 */
export const RULESET_FORMAT = 9;

/** 7: the outline is stored as columns (StoredOutline) rather than as the ruleset's rows with their text left empty. */
export const RULESET_KIND: EntryKind = { name: 'ruleset', format: RULESET_FORMAT, keep: 8, codec: 'json' };
export const OUTLINE_KIND: EntryKind = { name: 'ruleset-outline', format: RULESET_FORMAT, keep: 8, codec: 'v8' };

/** [name, file, line, column, condition, output, desc, priority, source, isEnabled, tags as [value, file, line,
 * column, end column (0: none)]…, modifiedAt as [file, line, column]…, conditionAt, outputAt ([] when absent), exceptions as [name,
 * fields (null when absent), comps (null when absent), values, file, line, column]…, skipsUnknownFilter]. */
type StoredRule = [string, number, number, number, string, string, string, string, string, boolean, (string | number)[], number[], number[], number[], StoredException[], boolean];
type StoredException = [string, ExceptionEntry | null, ExceptionEntry | null, ExceptionEntry[], number, number, number];
/** [name, file, line, column, condition, source (null when absent), conditionAt ([] when absent)]. */
type StoredMacro = [string, number, number, number, string, string | null, number[]];
/** [name, file, line, column, items]. */
type StoredList = [string, number, number, number, string[]];

interface StoredRuleset {
  /** The file names positions point into. */
  names: string[];
  rules: StoredRule[];
  macros: StoredMacro[];
  lists: StoredList[];
  ignores: IgnoreComment[];
}

/**
 * An outline as columns. `numbers` holds, per rule in order: its name, then its position (file index into `names`,
 * line, column), priority and source (indexes into `strings`), flags (1: enabled, 2: skip-if-unknown-filter), the
 * number of its tags and of its modifiedAt positions; then each tag's value (into `strings`), position and end column
 * (0: none), and each modifiedAt position. Doubles hold every count, line and column exactly; nothing is cut to fit
 * (expandOutline takes int32 values only, as no rules file V8 can hold as a string has 2^31 lines or columns).
 */
interface StoredOutline {
  names: string[];
  strings: string[];
  numbers: Float64Array;
  ignores: IgnoreComment[];
  /** Keeps the outline's kind from being read as a ruleset, and any other value from being read as an outline. */
  isOutline: true;
}

const ENABLED = 1;
const SKIPS_UNKNOWN_FILTER = 2;

/** The key: the parser's format, and every file as outputs name it, with its sha256 (and where a download
 * came from), in load order. */
export function rulesetKey(files: RulesFileInfo[]): string {
  return `${RULES_FORMAT}\0${JSON.stringify(files)}`;
}

/** Indexes of strings in a table, each string stored once. */
function tableOf(): { values: string[]; indexOf: (value: string) => number } {
  const values: string[] = [];
  const index = new Map<string, number>();
  return {
    values,
    indexOf: (value) => {
      let i = index.get(value);
      if (i === undefined) index.set(value, (i = values.push(value) - 1));
      return i;
    },
  };
}

/** The stored form of `ruleset`. */
export function compactRuleset(ruleset: Ruleset): StoredRuleset {
  const { values: names, indexOf: fileOf } = tableOf();
  const at = (p: SourcePosition | undefined): number[] => (p ? [fileOf(p.file), p.line, p.column] : []);
  const rules = ruleset.rules.map((rule): StoredRule => {
    const tags: (string | number)[] = [];
    for (const tag of rule.tags) tags.push(tag.value, fileOf(tag.file), tag.line, tag.column, tag.endColumn ?? 0);
    const exceptions = (rule.exceptions ?? []).map((e): StoredException => [e.name, e.fields ?? null, e.comps ?? null, e.values, ...(at(e.position) as [number, number, number])]);
    return [rule.name, ...(at(rule.position) as [number, number, number]), rule.condition, rule.output, rule.desc, rule.priority, rule.source, rule.isEnabled, tags, rule.modifiedAt.flatMap(at), at(rule.conditionAt), at(rule.outputAt), exceptions, rule.skipsUnknownFilter === true];
  });
  const macros = [...ruleset.macros.values()].map((m): StoredMacro => [m.name, ...(at(m.position) as [number, number, number]), m.condition, m.source ?? null, at(m.conditionAt)]);
  const lists = [...ruleset.lists.values()].map((l): StoredList => [l.name, ...(at(l.position) as [number, number, number]), l.items]);
  return { names, rules, macros, lists, ignores: ruleset.ignoreComments ?? [] };
}

/** The stored form of the outline of `ruleset` (StoredOutline). */
export function compactOutline(ruleset: RulesetOutline): StoredOutline {
  const names = tableOf();
  const strings = tableOf();
  const numbers: number[] = [];
  const at = (p: SourcePosition) => numbers.push(names.indexOf(p.file), p.line, p.column);
  for (const rule of ruleset.rules) {
    const flags = (rule.isEnabled ? ENABLED : 0) | (rule.skipsUnknownFilter === true ? SKIPS_UNKNOWN_FILTER : 0);
    numbers.push(strings.indexOf(rule.name));
    at(rule.position);
    numbers.push(strings.indexOf(rule.priority), strings.indexOf(rule.source), flags, rule.tags.length, rule.modifiedAt.length);
    for (const tag of rule.tags) {
      numbers.push(strings.indexOf(tag.value));
      at(tag);
      numbers.push(tag.endColumn ?? 0);
    }
    for (const p of rule.modifiedAt) at(p);
  }
  return { names: names.values, strings: strings.values, numbers: Float64Array.from(numbers), ignores: ruleset.ignoreComments ?? [], isOutline: true };
}

const isString = (value: unknown): value is string => typeof value === 'string';
/** An exception's field, comp or value as exceptions.ts decodes it: a string, or a list of them (nested as written). */
const isEntry = (value: unknown): boolean => isString(value) || (Array.isArray(value) && value.every(isEntry));
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
/** Lines and columns are 1-based. */
const isPlace = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1;
/** A stored end column of a tag at `column`: 0 for none, else a column past it (a miss for anything else). */
function endColumnOf(value: unknown, column: number): number | undefined {
  check(isStoredEndColumn(value, column));
  return (value as number) > 0 ? (value as number) : undefined;
}
const IGNORE_KEYS = 6;

/** Thrown at the first value that is not what compactRuleset writes (expandRuleset makes any error a miss). */
const MISSHAPEN = new Error('not what compactRuleset writes');

function check(isOk: boolean): void {
  if (!isOk) throw MISSHAPEN;
}

function arrayOf(value: unknown, length?: number): unknown[] {
  check(Array.isArray(value) && (length === undefined || value.length === length));
  return value as unknown[];
}

function isIgnoreComment(value: unknown): value is IgnoreComment {
  const c = value as Partial<IgnoreComment> | null | undefined;
  return isString(c?.file) && isPlace(c.line) && isPlace(c.column) && isPlace(c.targetLine) && Array.isArray(c.codes) && c.codes.every(isString) && isString(c.reason) && Object.keys(c).length === IGNORE_KEYS;
}

/** The Ruleset of `files` compactRuleset stored, or undefined when `stored` is anything else (an outline too). */
export function expandRuleset(stored: unknown, files: RulesFileInfo[]): Ruleset | undefined {
  return orMiss(() => {
    const frame = frameOf(stored);
    const { position, optionalPosition } = frame;
    return {
      files,
      rules: uniqueNames(frame.rows.map((row) => expandRule(row, frame))),
      macros: uniqueMap(arrayOf(frame.macros).map((value) => {
        const row = arrayOf(value, 7);
        const [name, , , , condition, source] = row;
        check(isString(name) && isString(condition) && (source === null || isString(source)));
        const conditionAt = optionalPosition(row[6]);
        const macro: FalcoMacro = { name: name as string, position: position(row, 1), condition: condition as string, source: (source as string | null) ?? undefined, ...(conditionAt ? { conditionAt } : {}) };
        return [macro.name, macro];
      })),
      lists: uniqueMap(arrayOf(frame.lists).map((value) => {
        const row = arrayOf(value, 5);
        check(isString(row[0]) && arrayOf(row[4]).every(isString));
        const list: FalcoList = { name: row[0] as string, position: position(row, 1), items: row[4] as string[] };
        return [list.name, list];
      })),
      ignoreComments: frame.ignores,
    };
  });
}

/** The RulesetOutline of `files` compactOutline stored, or undefined when `stored` is anything else (a whole
 * ruleset too). Every number is checked as it is read: an index inside its table, a line or column from 1, a flag
 * word of the two flags, a count that the numbers left can hold. */
export function expandOutline(stored: unknown, files: RulesFileInfo[]): RulesetOutline | undefined {
  return orMiss(() => {
    const { names, strings, numbers, ignores, isOutline } = stored as Record<keyof StoredOutline, unknown>;
    check(isOutline === true && numbers instanceof Float64Array && arrayOf(names).every(isString) && arrayOf(strings).every(isString) && arrayOf(ignores).every(isIgnoreComment));
    const fileNames = names as string[];
    const table = strings as string[];
    const values = numbers as Float64Array;
    let next = 0;
    const read = (): number => {
      // Stryker disable next-line ConditionalExpression,EqualityOperator: past the end values[next] is undefined, and every number read is checked by isCount or isPlace, which refuse undefined: a miss either way
      check(next < values.length);
      // As a small integer (V8 keeps it in the object that holds it): a double stored in a line or column is a
      // separate heap number, 230,000 of them for 10,000 rules, which every garbage collection copies. A value that
      // is not an int32 (a fraction, NaN, past 2^31) differs from its `| 0` and is a miss.
      const value = values[next++]!;
      const int = value | 0;
      check(int === value);
      return int;
    };
    const string = (): string => {
      const i = read();
      check(isCount(i) && i < table.length);
      return table[i]!;
    };
    const position = (): SourcePosition => checkedPosition(fileNames, read(), read(), read());
    const rules: FalcoRuleOutline[] = [];
    while (next < values.length) {
      const name = string();
      const where = position();
      const priority = string();
      const source = string();
      const flags = read();
      const tagCount = read();
      const modifiedCount = read();
      check(isCount(flags) && flags <= (ENABLED | SKIPS_UNKNOWN_FILTER) && isCount(tagCount) && isCount(modifiedCount));
      const tags: TagRef[] = [];
      for (let i = 0; i < tagCount; i++) {
        const value = string();
        const { file, line, column } = position();
        tags.push({ value, file, line, column, endColumn: endColumnOf(read(), column) });
      }
      const modifiedAt: SourcePosition[] = [];
      for (let i = 0; i < modifiedCount; i++) modifiedAt.push(position());
      // ruleOutline's fields in its order: the same outline, whichever way it came.
      const outline: FalcoRuleOutline = { name, position: where, priority, source, isEnabled: (flags & ENABLED) !== 0, tags, modifiedAt };
      rules.push((flags & SKIPS_UNKNOWN_FILTER) !== 0 ? { ...outline, skipsUnknownFilter: true } : outline);
    }
    return { files, rules: uniqueNames(rules), ignoreComments: ignores as IgnoreComment[] };
  });
}

/** `expand`'s value, or undefined (a miss) when it throws. */
function orMiss<T>(expand: () => T): T | undefined {
  try {
    return expand();
  }
  // Stryker disable next-line BlockStatement: an empty catch falls through to the same undefined (every error is a miss)
  catch {
    return undefined;
  }
}

/** A stored ruleset's frame, checked: file names, ignore comments, rule rows of 16, no outline mark. */
interface Frame {
  rows: unknown[][];
  macros: unknown;
  lists: unknown;
  ignores: IgnoreComment[];
  position: (row: unknown[], i: number) => SourcePosition;
  optionalPosition: (value: unknown) => SourcePosition | undefined;
}

function frameOf(stored: unknown): Frame {
  // null throws here, and anything but an object has none of the arrays checked below: a miss either way.
  const { names, rules, macros, lists, ignores, isOutline } = stored as Record<keyof StoredRuleset | 'isOutline', unknown>;
  check(arrayOf(names).every(isString) && arrayOf(ignores).every(isIgnoreComment) && isOutline === undefined);
  const fileNames = names as string[];
  const position = (row: unknown[], i: number): SourcePosition => checkedPosition(fileNames, row[i], row[i + 1], row[i + 2]);
  const optionalPosition = (value: unknown): SourcePosition | undefined => {
    const row = arrayOf(value);
    check(row.length === 0 || row.length === 3);
    return row.length === 0 ? undefined : position(row, 0);
  };
  return { rows: arrayOf(rules).map((value) => arrayOf(value, 16)), macros, lists, ignores: ignores as IgnoreComment[], position, optionalPosition };
}

/** A stored position, checked: a file index into `fileNames`, a line and a column from 1. */
function checkedPosition(fileNames: string[], file: unknown, line: unknown, column: unknown): SourcePosition {
  check(isCount(file) && file < fileNames.length && isPlace(line) && isPlace(column));
  return { file: fileNames[file as number]!, line: line as number, column: column as number };
}

/** `rules`, refusing a name written twice (buildRuleset keeps one rule per name). */
function uniqueNames<T extends { name: string }>(rules: T[]): T[] {
  check(new Set(rules.map((r) => r.name)).size === rules.length);
  return rules;
}

/** A Map of `entries`, refusing a name written twice. */
function uniqueMap<T>(entries: [string, T][]): Map<string, T> {
  const map = new Map(entries);
  check(map.size === entries.length);
  return map;
}

/** A stored rule's fields but its text (conditions, outputs, descriptions and their positions). */
function ruleOutline(row: unknown[], { position }: Frame): FalcoRuleOutline {
  const [name, , , , , , , priority, source, isEnabled] = row;
  check(isString(name) && isString(priority) && isString(source) && typeof isEnabled === 'boolean');
  // A list whose length is no multiple of 5 (or of 3 below) ends in a position with a missing number: refused there.
  const storedTags = arrayOf(row[10]);
  const tags: TagRef[] = [];
  for (let i = 0; i < storedTags.length; i += 5) {
    const value = storedTags[i];
    check(isString(value));
    const { file, line, column } = position(storedTags, i + 1);
    tags.push({ value: value as string, file, line, column, endColumn: endColumnOf(storedTags[i + 4], column) });
  }
  const storedModified = arrayOf(row[11]);
  const modifiedAt: SourcePosition[] = [];
  for (let i = 0; i < storedModified.length; i += 3) modifiedAt.push(position(storedModified, i));
  return { name: name as string, position: position(row, 1), priority: priority as string, source: source as string, isEnabled: isEnabled as boolean, tags, modifiedAt };
}

function expandRule(row: unknown[], frame: Frame): FalcoRule {
  const [, , , , condition, output, desc] = row;
  check(isString(condition) && isString(output) && isString(desc));
  const conditionAt = frame.optionalPosition(row[12]);
  const outputAt = frame.optionalPosition(row[13]);
  const { name, position, priority, source, isEnabled, tags, modifiedAt } = ruleOutline(row, frame);
  const exceptions = arrayOf(row[14]).map((value) => {
    const stored = arrayOf(value, 7);
    const [exceptionName, fields, comps, values] = stored;
    check(isString(exceptionName) && (fields === null || isEntry(fields)) && (comps === null || isEntry(comps)) && Array.isArray(values) && values.every(isEntry));
    return { name: exceptionName as string, ...(fields !== null ? { fields: fields as ExceptionEntry } : {}), ...(comps !== null ? { comps: comps as ExceptionEntry } : {}), values: values as ExceptionEntry[], position: frame.position(stored, 4) };
  });
  check(typeof row[15] === 'boolean');
  // In buildRuleset's key order: the same ruleset, whichever way it came.
  return {
    name,
    position,
    condition: condition as string,
    output: output as string,
    desc: desc as string,
    priority,
    source,
    isEnabled,
    tags,
    modifiedAt,
    ...(conditionAt ? { conditionAt } : {}),
    ...(outputAt ? { outputAt } : {}),
    ...(exceptions.length > 0 ? { exceptions } : {}),
    ...(row[15] === true ? { skipsUnknownFilter: true } : {}),
  };
}

/** Builds the ruleset from its files' items, saying whether every file came from its own entry (was seen before). */
export type BuildRuleset = () => { ruleset: Ruleset; isSeenBefore: boolean };

/** The ruleset of `files` from the cache, else from `build` (which may throw: nothing is then stored), stored
 * when build says every file was seen before. Without a cache this is `build()`'s ruleset. */
export function cachedRuleset(files: RulesFileInfo[], build: BuildRuleset, cache: ParseCache | undefined): Ruleset {
  if (!cache) return build().ruleset;
  const key = rulesetKey(files);
  return readRuleset(cache, key, files) ?? buildAndStore(cache, key, build, false);
}

/** cachedRuleset for what the analysis reads: the outline entry when there is one (no rules file parsed, no
 * rule text read); else the stored ruleset, its outline stored for next time; else the built ruleset, stored
 * with its outline when every file was seen before. */
export function cachedRulesetOutline(files: RulesFileInfo[], build: BuildRuleset, cache: ParseCache | undefined): RulesetOutline {
  if (!cache) return build().ruleset;
  const key = rulesetKey(files);
  const outline = readEntryAs(cache, OUTLINE_KIND, key, (stored) => expandOutline(stored, files));
  if (outline) return outline;
  const stored = readRuleset(cache, key, files);
  if (stored) writeEntry(cache, OUTLINE_KIND, key, compactOutline(stored));
  return stored ?? buildAndStore(cache, key, build, true);
}

function readRuleset(cache: ParseCache, key: string, files: RulesFileInfo[]): Ruleset | undefined {
  return readEntryAs(cache, RULESET_KIND, key, (stored) => expandRuleset(stored, files));
}

/** build()'s ruleset, stored (and its outline, `withOutline`) when build says every file was seen before. */
function buildAndStore(cache: ParseCache, key: string, build: BuildRuleset, withOutline: boolean): Ruleset {
  const { ruleset, isSeenBefore } = build();
  if (isSeenBefore) {
    writeEntry(cache, RULESET_KIND, key, compactRuleset(ruleset));
    if (withOutline) writeEntry(cache, OUTLINE_KIND, key, compactOutline(ruleset));
  }
  return ruleset;
}
