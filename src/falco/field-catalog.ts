// attack-cov's catalogue of Falco fields per event source and of event names (data/falco-*.json),
// and the lookup of a field reference in it. Reading the data is the only I/O here.
import { readFileSync } from 'node:fs';
import { editDistance } from './tags.js';
import { dataPath } from '../paths.js';
import type { FieldRef } from './condition/ast.js';
import { own } from '../own.js';

export interface FieldInfo {
  type: string;
  /** "index" or "key"; ends with "!" when the argument is required. */
  arg?: string;
}

export interface FieldCatalog {
  sources: Map<string, Map<string, FieldInfo>>;
  /** Other spellings of a source (k8saudit → k8s_audit). */
  aliases: Record<string, string>;
  /** Event names with their parameter names. */
  events: Map<string, string[]>;
}

let cached: FieldCatalog | undefined;
export function readFieldCatalog(): FieldCatalog {
  if (cached) return cached;
  const fields = JSON.parse(readFileSync(dataPath('falco-fields.json'), 'utf8')) as { aliases: Record<string, string>; sources: Record<string, Record<string, [string, string?]>> };
  const events = JSON.parse(readFileSync(dataPath('falco-events.json'), 'utf8')) as { events: Record<string, string[]> };
  cached = {
    sources: new Map(Object.entries(fields.sources).map(([source, map]) => [source, new Map(Object.entries(map).map(([name, [type, arg]]) => [name, { type, ...(arg ? { arg } : {}) }]))])),
    aliases: fields.aliases,
    events: new Map(Object.entries(events.events)),
  };
  return cached;
}

export function fieldsOf(catalog: FieldCatalog, source: string): Map<string, FieldInfo> | undefined {
  return catalog.sources.get(own(catalog.aliases, source) ?? source);
}

export type FieldLookup = { info: FieldInfo; name: string; key?: string } | { error: string };

/** Resolves `proc.aname[2]`, `evt.arg.flags`, `container.label.app`; says what is wrong otherwise. */
export function lookupField(fields: Map<string, FieldInfo>, ref: Pick<FieldRef, 'name' | 'arg'>): FieldLookup {
  const exact = fields.get(ref.name);
  if (exact) {
    if (ref.arg !== undefined && !exact.arg) return { error: `${ref.name} takes no argument, but [${ref.arg}] is given` };
    if (ref.arg === undefined && exact.arg?.endsWith('!')) return { error: `${ref.name} needs an argument, e.g. ${ref.name}[${exact.arg.startsWith('index') ? '0' : 'name'}]` };
    if (ref.arg !== undefined && exact.arg?.startsWith('index') && !/^\d+$/.test(ref.arg)) return { error: `${ref.name}[${ref.arg}]: the argument must be a number` };
    return { info: exact, name: ref.name, ...(ref.arg !== undefined ? { key: ref.arg } : {}) };
  }
  // A dotted key: evt.arg.flags is evt.arg with the key "flags".
  for (let cut = ref.name.lastIndexOf('.'); cut > 0; cut = ref.name.lastIndexOf('.', cut - 1)) {
    const base = fields.get(ref.name.slice(0, cut));
    if (base?.arg?.startsWith('key') && ref.arg === undefined) return { info: base, name: ref.name.slice(0, cut), key: ref.name.slice(cut + 1) };
  }
  const close = [...fields.keys()].map((name) => ({ name, d: editDistance(name, ref.name) })).filter((c) => c.d <= 3).sort((a, b) => a.d - b.d)[0];
  return { error: `unknown field ${ref.name}${close ? `; did you mean ${close.name}?` : ''}` };
}
