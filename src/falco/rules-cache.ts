// The warm path for rules: the parsed items of a rules file, stored in the parse cache by the file's sha256
// and the name outputs give it (positions carry that name). Stored: files that needed the yaml library (~5x
// slower than the line scanner) and small files (a process's first scans run before the JIT has compiled
// the scanner: ~40 ms for the 220 KB of official rules, against ~2 ms to read their entries). Large files
// the scanner reads are not: once compiled it reads ~90 MB/s, about what reading an entry back costs, and
// storing 10,000 rules' items cost ~230 ms of a cold run.
import { readEntry, writeEntry, type EntryKind, type ParseCache } from '../parse-cache.js';
import { parseRulesFile } from './parse.js';
import type { RawItem } from './types.js';

/**
 * Bump whenever parseRulesText's result changes shape or content for the same text (a new RawItem field,
 * other positions …): entries of the old format then miss. The golden in test/unit/falco/rules-cache.test.ts
 * fails until you do.
 */
export const RULES_FORMAT = 1;

export const RULES_KIND: EntryKind = { name: 'rules', format: RULES_FORMAT, keep: 256 };

/** Files the scanner reads are stored below this size (characters). */
const SMALL_FILE = 256 * 1024;

function isItemList(value: unknown): value is RawItem[] {
  return Array.isArray(value) && value.every((item) => typeof (item as RawItem | undefined)?.kind === 'string' && typeof (item as RawItem).position?.line === 'number');
}

/** Structured clone gives every object Object.prototype; parseRulesText's records have none (so that keys
 * such as toString or constructor are plain data), and get none back here. */
function withNullPrototypes(item: RawItem): RawItem {
  Object.setPrototypeOf(item.fields, null);
  Object.setPrototypeOf(item.keyPositions, null);
  return item;
}

/** parseRulesText through the cache; a file that does not parse throws as before and stores nothing. */
export function cachedRulesItems(text: string, sha256: string, shownAs: string, cache: ParseCache | undefined): RawItem[] {
  if (!cache) return parseRulesFile(text, shownAs).items;
  const key = `${sha256}\0${shownAs}`;
  const cached = readEntry(cache, RULES_KIND, key, isItemList);
  if (cached) return cached.map(withNullPrototypes);
  const { items, isScanned } = parseRulesFile(text, shownAs);
  if (!isScanned || text.length < SMALL_FILE) writeEntry(cache, RULES_KIND, key, items);
  return items;
}
