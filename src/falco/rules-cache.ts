// The warm path for rules: the parsed items of a rules file, stored in the parse cache by the file's sha256
// and the name outputs give it (positions carry that name). Every file is stored, in a compact form that is
// cheap to write and to read back: positions as numbers (their file is the name in the key), so that 10,000
// rules are ~1 object per item to serialize instead of ~12. Reading them back costs about a third of what
// the line scanner does, and the yaml library (for files the scanner hands over) ~15 times less.
import { readEntry, writeEntry, type EntryKind, type ParseCache } from '../parse-cache.js';
import { parseRulesFile } from './parse.js';
import type { DuplicateKey, RawItem, SourcePosition, TagPosition } from './types.js';
import { dataRecord, toDataRecord } from '../own.js';

/**
 * Bump whenever parseRulesText's result changes shape or content for the same text (a new RawItem field,
 * other positions …), or the stored form below changes: entries of the old format then miss. The golden in
 * test/unit/cache/rules-cache.test.ts fails until you do. 2: the compact form (1 stored RawItems as they are). 3: scalars as
 * the text written, as Falco reads them (`1070.010`, `true`, `0x10` were a number or a bool). 4: a tagged plain
 * scalar is its text (`!!str null` was null), and the CST reader hands over what the composer refuses (a tab after a
 * dash, a comment touching a bracket, a block item in a flow list, text after `...`), where it read some of it. 5: and
 * a flow collection closed by the other bracket (`[a}`), an empty or property-only item before a trailing comma
 * (`[a,,]`, `[a, &x]`), a tab after a byte order mark at a line's start, are handed over; a null-word key is `null`
 * through the composer too (`NULL: x` was `NULL` there). 6: a tag's position has its end column (TagPosition). 7: a
 * scalar tagged with a YAML 1.1 type (`!!binary`, `!!timestamp` …) is its text, as yaml-cpp reads it (`!!binary` was bytes).
 * 8: a value read through an alias (`tags: *common`) is placed at the alias, where it was at the anchor.
 */
export const RULES_FORMAT = 8;

export const RULES_KIND: EntryKind = { name: 'rules', format: RULES_FORMAT, keep: 256 };

/** One item as stored: kind, name, line, column, fields, key positions as [key, line, column, …], tag
 * positions as [line, column, end column (0: none), …], duplicate keys (0 when none: rare, kept as they are). */
type StoredItem = [RawItem['kind'], string, number, number, Record<string, unknown>, (string | number)[], number[], DuplicateKey[] | 0];

const KINDS = new Set(['rule', 'macro', 'list', 'other']);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isStoredItem(value: unknown): value is StoredItem {
  if (!Array.isArray(value) || value.length !== 8) return false;
  const [kind, name, line, column, fields, keys, tags, duplicates] = value as unknown[];
  return KINDS.has(kind as string) && typeof name === 'string' && Number.isInteger(line) && Number.isInteger(column) && isObject(fields)
    && isKeyPositions(keys) && isTagPositions(tags) && (duplicates === 0 || Array.isArray(duplicates));
}

/** A tag's stored end column, here and in the ruleset cache: 0 (none), or a column past the tag's `column`. */
export function isStoredEndColumn(value: unknown, column: number): boolean {
  return value === 0 || (Number.isInteger(value) && (value as number) > column);
}

/** [line, column, end column]…: whole numbers, each end column a stored one (isStoredEndColumn). */
function isTagPositions(tags: unknown): boolean {
  // Stryker disable next-line ConditionalExpression: a length not a multiple of 3 leaves the last triple's end column undefined, which the loop below refuses too
  if (!Array.isArray(tags) || tags.length % 3 !== 0 || !tags.every(Number.isInteger)) return false;
  for (let i = 0; i < tags.length; i += 3) if (!isStoredEndColumn(tags[i + 2], tags[i + 1])) return false;
  return true;
}

function isKeyPositions(keys: unknown): boolean {
  // A length that is no multiple of 3 ends in a key without its line or column: refused by the loop.
  if (!Array.isArray(keys)) return false;
  for (let i = 0; i < keys.length; i += 3) {
    if (typeof keys[i] !== 'string' || !Number.isInteger(keys[i + 1]) || !Number.isInteger(keys[i + 2])) return false;
  }
  return true;
}

function isStoredList(value: unknown): value is StoredItem[] {
  return Array.isArray(value) && value.every(isStoredItem);
}

/** The stored form of `items`, or undefined when a position names another file than `file` (then nothing is
 * stored: the stored form keeps no file names). Exported for its test. */
export function compactItems(items: RawItem[], file: string): StoredItem[] | undefined {
  const stored: StoredItem[] = [];
  for (const item of items) {
    const keys: (string | number)[] = [];
    for (const key in item.keyPositions) {
      const at = item.keyPositions[key]!;
      if (at.file !== file) return undefined;
      keys.push(key, at.line, at.column);
    }
    const tags: number[] = [];
    for (const at of item.tagPositions) {
      if (at.file !== file) return undefined;
      tags.push(at.line, at.column, at.endColumn ?? 0);
    }
    if (item.position.file !== file) return undefined;
    stored.push([item.kind, item.name, item.position.line, item.position.column, item.fields, keys, tags, item.duplicateKeys ?? 0]);
  }
  return stored;
}

/** RawItems from their stored form, as parseRulesText built them (records that inherit nothing, so that
 * keys such as toString or constructor are plain data; structured clone gave them Object.prototype). */
function expandItems(stored: StoredItem[], file: string): RawItem[] {
  const at = (line: number, column: number): SourcePosition => ({ file, line, column });
  return stored.map(([kind, name, line, column, fields, keys, tags, duplicates]) => {
    const keyPositions = dataRecord<SourcePosition>();
    for (let i = 0; i < keys.length; i += 3) keyPositions[keys[i] as string] = at(keys[i + 1] as number, keys[i + 2] as number);
    const tagPositions: TagPosition[] = [];
    for (let i = 0; i < tags.length; i += 3) tagPositions.push({ file, line: tags[i]!, column: tags[i + 1]!, endColumn: tags[i + 2]! > 0 ? tags[i + 2] : undefined });
    const item: RawItem = { kind, name, position: at(line, column), fields: toDataRecord(fields), keyPositions, tagPositions };
    if (duplicates) item.duplicateKeys = duplicates;
    return item;
  });
}

/** parseRulesText through the cache; a file that does not parse throws as before and stores nothing. */
export function cachedRulesItems(text: string, sha256: string, shownAs: string, cache: ParseCache | undefined): RawItem[] {
  return readRulesItems(text, sha256, shownAs, cache).items;
}

/** cachedRulesItems, saying whether the items came from the cache. */
export function readRulesItems(text: string, sha256: string, shownAs: string, cache: ParseCache | undefined): { items: RawItem[]; isCached: boolean } {
  if (!cache) {
    // Stryker disable next-line BooleanLiteral: without a cache no ruleset is stored either, so nothing reads it
    return { items: parseRulesFile(text, shownAs).items, isCached: false };
  }
  const key = `${sha256}\0${shownAs}`;
  const cached = readEntry(cache, RULES_KIND, key, isStoredList);
  if (cached) return { items: expandItems(cached, shownAs), isCached: true };
  const { items } = parseRulesFile(text, shownAs);
  const stored = compactItems(items, shownAs);
  // parseRulesFile names every position shownAs, so compactItems refuses none of its items here (its test covers the refusal).
  // Stryker disable next-line ConditionalExpression: see the line above: stored is never undefined here
  if (stored) writeEntry(cache, RULES_KIND, key, stored);
  return { items, isCached: false };
}
