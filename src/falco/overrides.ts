// What Falco's reader refuses in an item's `override:` (rule_loader_reader.cpp), in its words: one table and one
// check that both loading (buildRuleset refuses the file, as Falco does) and `validate` (which lists them) read.
import type { RawItem } from './types.js';

/** What `override:` may append to and replace, per kind: Falco's reader, with the capture keys its 0.44 rule schema
 * lists under Override. Any other key there is a load error. */
export const OVERRIDABLE: Record<string, { append: string[]; replace: string[] }> = {
  rule: {
    append: ['condition', 'output', 'desc', 'tags', 'exceptions'],
    replace: ['condition', 'output', 'desc', 'priority', 'tags', 'exceptions', 'enabled', 'warn_evttypes', 'skip-if-unknown-filter', 'capture', 'capture_duration', 'capture_events', 'capture_filesize'],
  },
  macro: { append: ['condition'], replace: ['condition'] },
  list: { append: ['items'], replace: ['items'] },
};

/** A problem of an item's `override:`, and the key of the item it is at. */
export interface OverrideProblem {
  message: string;
  key: string;
}

/**
 * What Falco refuses in the `override:` of `item` (a map of keys to append or replace; other shapes and modes are the
 * loader's to refuse): a key that cannot be appended to or replaced, `override` beside `append: true`, and in a rule a
 * key the item sets without an entry under `override`. `isLegacyAppend` is passed in (ruleset.ts reads yaml-cpp bools).
 */
export function overrideProblems(item: RawItem, override: Record<string, unknown>, isLegacyAppend: boolean): OverrideProblem[] {
  const problems: OverrideProblem[] = [];
  if (isLegacyAppend) problems.push({ message: "keys 'override' and 'append: true' cannot be used together", key: 'append' });
  const allowed = OVERRIDABLE[item.kind];
  if (!allowed) return problems;
  for (const [key, mode] of Object.entries(override)) {
    if (mode === 'append' && !allowed.append.includes(key)) problems.push({ message: `key '${key}' cannot be appended to${allowed.replace.includes(key) ? ", use 'replace' instead" : ''}`, key: 'override' });
    if (mode === 'replace' && !allowed.replace.includes(key)) problems.push({ message: `key '${key}' cannot be replaced`, key: 'override' });
  }
  // Only rules: "Unexpected key 'tags': no corresponding entry under 'override' is defined."
  if (item.kind !== 'rule') return problems;
  for (const key of Object.keys(item.fields)) {
    if (!Object.hasOwn(override, key) && allowed.replace.concat(allowed.append).includes(key)) problems.push({ message: `key '${key}' has no entry under override: Falco refuses it`, key });
  }
  return problems;
}
