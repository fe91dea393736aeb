// The yaml library's composer as the oracle of the fast rules-file readers, reading scalars as Falco does:
// yaml-cpp gives every scalar as its text (the failsafe schema), and reads only the plain null words
// and an empty value as null. Of duplicate keys the first wins (yaml-cpp), where toJSON keeps the last.
import { isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';

const NULL_WORDS = ['', '~', 'null', 'Null', 'NULL'];

export const composerDocuments = (text: string) => {
  const docs = parseAllDocuments(text, { uniqueKeys: false, schema: 'failsafe' });
  return Array.isArray(docs) ? docs : [docs];
};

export function firstWins(node: unknown): unknown {
  if (isMap(node)) {
    const value: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (!Object.hasOwn(value, key)) value[key] = firstWins(pair.value);
    }
    return value;
  }
  if (isSeq(node)) return node.items.map(firstWins);
  if (!isScalar(node)) return node ?? null;
  return node.type === 'PLAIN' && NULL_WORDS.includes(String(node.value)) ? null : node.value;
}

/** Each document's value as Falco reads it. */
export const composed = (text: string): unknown[] => composerDocuments(text).map((d) => firstWins(d.contents));
