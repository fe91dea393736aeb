// JSON.stringify(value, null, 2) (or compact) written in pieces: the top levels laid out here, the elements
// of their arrays by JSON.stringify a slab at a time, so a 12 MB report.json never exists as one string (nor
// V8's buffers for building it). The same bytes as JSON.stringify; test/unit/report/json-chunks.test.ts holds
// it to that.
// A value is stringified at its depth rather than re-indented: wrapped in as many one-element arrays as it has
// containers around it, JSON.stringify indents it as in the whole text, and a fixed head and tail come off.

/** Characters a slab of array elements aims at. Each slab is one JSON.stringify call, and its text stays well under
 * V8's 128 KiB bound for ordinary heap objects: a larger string gets pages of its own, mapped for it and unmapped
 * after, while these are made and dropped in the young generation (a warm 10,000-rule run: ~13% fewer page faults). */
export const SLAB_CHARS = 1 << 15;

/** An array's first slab is one element; each later slab's count is scaled from the one before to SLAB_CHARS, at
 * most GROWTH times as many elements (small first elements say little of large later ones), at least one. */
const GROWTH = 4;

/** The elements of the slab after one of `count` elements that made `chars` characters. */
export function nextSlabCount(count: number, chars: number): number {
  return Math.max(1, Math.min(count * GROWTH, Math.floor((count * SLAB_CHARS) / chars)));
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
const isOmitted = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** Arrays and plain objects without toJSON: the only values laid out here rather than by JSON.stringify. */
function isLaidOut(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

/** `list` inside `depth - 1` one-element arrays: its elements then stand `depth` containers deep. */
function nested(list: unknown[], depth: number): unknown {
  let value: unknown = list;
  for (let level = 1; level < depth; level++) value = [value];
  return value;
}

/** Characters before and after the elements in JSON.stringify(nested(list, depth)), with each element's indent kept. */
function frameOf(depth: number, space: string): { head: number; tail: number } {
  const text = JSON.stringify(nested([0], depth), null, space);
  const at = text.lastIndexOf('0');
  return { head: space === '' ? at : text.lastIndexOf('\n', at) + 1, tail: text.length - at - 1 };
}

/** The elements of `list` as JSON.stringify writes them `depth` containers deep: each indented, comma-separated. */
function elementsAt(list: unknown[], depth: number, space: string): string {
  const { head, tail } = frameOf(depth, space);
  const text = JSON.stringify(nested(list, depth), null, space);
  return text.slice(head, text.length - tail);
}

/** `value` as JSON.stringify writes it `depth` containers deep, after its key: its first line not indented. */
function valueAt(value: unknown, depth: number, space: string): string {
  if (depth === 0) return JSON.stringify(value, null, space);
  return elementsAt([value], depth, space).slice(space.length * depth);
}

/** Layout: `space` '  ' for stringifyJson's 2-space form, '' for JSON.stringify's compact one; `levels` of
 * containers laid out here above the slabs. */
function* pieces(value: unknown, depth: number, space: string, levels: number): Generator<string> {
  if (levels === 0 || !isLaidOut(value)) {
    yield valueAt(value, depth, space);
    return;
  }
  const newline = space === '' ? '' : '\n';
  const indent = space.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    yield `[${newline}`;
    let count = 1;
    for (let start = 0; start < value.length; ) {
      const end = Math.min(start + count, value.length);
      const slab = elementsAt(value.slice(start, end), depth + 1, space);
      // The slab and its comma apart: joined, the slab would be copied once more for two characters.
      yield slab;
      if (end < value.length) yield `,${newline}`;
      count = nextSlabCount(end - start, slab.length);
      start = end;
    }
    return yield `${newline}${indent}]`;
  }
  const keys = Object.keys(value).filter((k) => !isOmitted(value[k]));
  if (keys.length === 0) return yield '{}';
  yield `{${newline}`;
  for (const [index, key] of keys.entries()) {
    yield `${indent}${space}${JSON.stringify(key)}:${space === '' ? '' : ' '}`;
    yield* pieces(value[key], depth + 1, space, levels - 1);
    yield index < keys.length - 1 ? `,${newline}` : `${newline}${indent}}`;
  }
}

/** stringifyJson(value) (2-space JSON and a final newline) as pieces, each about SLAB_CHARS of a top-level field's
 * array (or one element, when that is larger), or one value of a top-level field's object. */
export function* jsonChunks(value: unknown): Generator<string> {
  yield* pieces(value, 0, '  ', 2);
  yield '\n';
}

/** JSON.stringify(value) (compact) as pieces, the same way. */
export function* compactJsonChunks(value: unknown): Generator<string> {
  yield* pieces(value, 0, '', 2);
}
