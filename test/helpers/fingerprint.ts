// Fingerprints of a cached value for the format-version goldens: its outline (every key and type seen,
// merged across Map values and array elements) and a sha256 of its canonical JSON (Maps as entry lists).
import { createHash } from 'node:crypto';

type Outline = string | { [key: string]: Outline };

function merge(a: Outline | undefined, b: Outline): Outline {
  if (a === undefined || a === 'empty') return b;
  if (b === 'empty') return a;
  if (typeof a === 'string' || typeof b === 'string') {
    const parts = new Set([...(typeof a === 'string' ? a.split('|') : ['object']), ...(typeof b === 'string' ? b.split('|') : ['object'])]);
    return [...parts].sort().join('|');
  }
  const result: { [key: string]: Outline } = {};
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    result[key] = key in a && key in b ? merge(a[key], b[key]!) : optional((a[key] ?? b[key])!);
  }
  return result;
}

function optional(outline: Outline): Outline {
  return typeof outline === 'string' ? merge(outline, 'undefined') : { ...outline, '?': 'optional' };
}

/** The outline of a value: `{ key: type }` for objects, `{ 'Map<string>': outline }`, `{ '[]': outline }`, `{ 'Float64Array[]': 'number' }`. */
export function outlineOf(value: unknown): Outline {
  if (value instanceof Map) return { [`Map<${[...new Set([...value.keys()].map((k) => typeof k))].join('|')}>`]: [...value.values()].reduce<Outline | undefined>((o, v) => merge(o, outlineOf(v)), undefined) ?? 'empty' };
  if (value instanceof Set) return { 'Set': [...value].reduce<Outline | undefined>((o, v) => merge(o, outlineOf(v)), undefined) ?? 'empty' };
  if (ArrayBuffer.isView(value)) return { [`${value.constructor.name}[]`]: 'number' };
  if (Array.isArray(value)) return { '[]': value.reduce<Outline | undefined>((o, v) => merge(o, outlineOf(v)), undefined) ?? 'empty' };
  if (value !== null && typeof value === 'object') {
    const result: { [key: string]: Outline } = {};
    for (const key of Object.keys(value).sort()) result[key] = outlineOf((value as Record<string, unknown>)[key]);
    return result;
  }
  return value === null ? 'null' : typeof value;
}

/** sha256 of the value as canonical JSON (Maps, Sets and Float64Arrays as arrays; key order as built, which the cache keeps). */
export function contentHash(value: unknown): string {
  const json = JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? { $map: [...v] } : v instanceof Set ? { $set: [...v] } : v instanceof Float64Array ? { $float64: [...v] } : v));
  return createHash('sha256').update(json).digest('hex');
}
