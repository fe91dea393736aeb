// attack-cov's catalogue of Falco fields per event source and of event names (data/falco-*.json),
// and the lookup of a field reference in it. Reading the data is the only I/O here.
import { readFileSync } from 'node:fs';
import { editDistance } from './tags.js';
import { dataPath } from '../paths.js';
import type { FieldRef } from './condition/ast.js';

export interface FieldInfo {
  type: string;
  /** "index" or "key"; ends with "!" when the argument is required. */
  arg?: string;
  /** The Falco version that deprecated the field: Falco still loads it, with a warning, but leaves it out of `--list`. */
  deprecatedSince?: string;
}

export interface FieldCatalog {
  sources: Map<string, Map<string, FieldInfo>>;
  /** Event names with their parameter names, in order (those of the exit event). */
  events: Map<string, string[]>;
  /** The event names that are syscalls of Falco's generic event, whose two event codes they share. */
  genericEvents: Set<string>;
  /** How many event codes each other event name has in Falco's event table (at most Falco's: old versions left out). */
  eventCodes: Map<string, number>;
}

let cached: FieldCatalog | undefined;
export function readFieldCatalog(): FieldCatalog {
  if (cached) return cached;
  const fields = JSON.parse(readFileSync(dataPath('falco-fields.json'), 'utf8')) as {
    sources: Record<string, Record<string, [string, string?]>>;
    deprecated: Record<string, Record<string, [string, string]>>;
  };
  const events = JSON.parse(readFileSync(dataPath('falco-events.json'), 'utf8')) as { events: Record<string, string[]>; generic: string[]; codes: Record<string, number> };
  const sourceFields = (source: string, map: Record<string, [string, string?]>): Map<string, FieldInfo> => {
    const infos = new Map<string, FieldInfo>(Object.entries(map).map(([name, [type, arg]]) => [name, { type, ...(arg ? { arg } : {}) }]));
    for (const [name, [type, since]] of Object.entries(fields.deprecated[source] ?? {})) infos.set(name, { type, deprecatedSince: since });
    return infos;
  };
  cached = {
    sources: new Map(Object.entries(fields.sources).map(([source, map]) => [source, sourceFields(source, map)])),
    events: new Map(Object.entries(events.events)),
    genericEvents: new Set(events.generic),
    eventCodes: new Map(Object.entries(events.codes)),
  };
  return cached;
}

export function fieldsOf(catalog: FieldCatalog, source: string): Map<string, FieldInfo> | undefined {
  return catalog.sources.get(source);
}

/** The fields of a source that `falco --list` shows: the deprecated ones left out (what a rule should use). */
export function listedFields(catalog: FieldCatalog, source: string): string[] {
  return [...(fieldsOf(catalog, source) ?? [])].filter(([, info]) => !info.deprecatedSince).map(([name]) => name);
}

export type FieldLookup = { info: FieldInfo; name: string; key?: string } | { error: string };

/** Why Falco warns about a deprecated field. */
export function deprecationNote(name: string, info: FieldInfo): string {
  const what = name === 'evt.dir' ? ': Falco drops enter events, so evt.dir = < matches every event and evt.dir = > none' : '';
  return `${name} is deprecated since Falco ${info.deprecatedSince} and will be removed (Falco loads it with a warning)${what}`;
}

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
  // Stryker disable next-line StringLiteral: lastIndexOf('') starts at the whole name, which the exact lookup above already missed; the next step finds the last dot
  const lastDot = ref.name.lastIndexOf('.');
  for (let cut = lastDot; cut > 0; cut = ref.name.lastIndexOf('.', cut - 1)) {
    const base = fields.get(ref.name.slice(0, cut));
    if (base?.arg?.startsWith('key') && ref.arg === undefined) return { info: base, name: ref.name.slice(0, cut), key: ref.name.slice(cut + 1) };
  }
  const close = [...fields].filter(([, info]) => !info.deprecatedSince).map(([name]) => name).map((name) => ({ name, d: editDistance(name, ref.name) })).filter((c) => c.d <= 3).sort((a, b) => a.d - b.d)[0];
  return { error: `unknown field ${ref.name}${close ? `; did you mean ${close.name}?` : ''}` };
}
