// JSON.stringify(value, null, 2) (or compact) written in pieces: the top levels here, each deeper value by
// JSON.stringify and re-indented, so a 12 MB report.json never exists as one string (nor V8's buffers
// for building it). The same bytes as JSON.stringify; test/unit/report/json-chunks.test.ts holds it to that.

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
const isOmitted = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** Arrays and plain objects without toJSON: the only values laid out here rather than by JSON.stringify. */
function isLaidOut(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

/** Layout: `space` '  ' for stringifyJson's 2-space form, '' for JSON.stringify's compact one. */
function* pieces(value: unknown, indent: string, space: string, levels: number): Generator<string> {
  if (levels === 0 || !isLaidOut(value)) {
    // JSON strings hold no raw newline: every newline is layout, to be indented by the enclosing levels.
    const text = JSON.stringify(value, null, space.length);
    yield indent === '' ? text : text.replaceAll('\n', `\n${indent}`);
    return;
  }
  const newline = space === '' ? '' : '\n';
  const inner = `${indent}${space}`;
  const isArray = Array.isArray(value);
  const keys = isArray ? [...value.keys()] : Object.keys(value).filter((k) => !isOmitted(value[k]));
  if (keys.length === 0) {
    yield isArray ? '[]' : '{}';
    return;
  }
  yield `${isArray ? '[' : '{'}${newline}`;
  for (const [index, key] of keys.entries()) {
    const element = isArray ? value[key as number] : value[key as string];
    yield isArray ? inner : `${inner}${JSON.stringify(key)}:${space === '' ? '' : ' '}`;
    if (isArray && isOmitted(element)) yield 'null';
    else yield* pieces(element, inner, space, levels - 1);
    yield index < keys.length - 1 ? `,${newline}` : `${newline}${indent}${isArray ? ']' : '}'}`;
  }
}

/** stringifyJson(value) (2-space JSON and a final newline) as pieces, each no larger than one element of
 * a top-level field's array or object. */
export function* jsonChunks(value: unknown): Generator<string> {
  yield* pieces(value, '', '  ', 2);
  yield '\n';
}

/** JSON.stringify(value) (compact) as pieces, the same way. */
export function* compactJsonChunks(value: unknown): Generator<string> {
  yield* pieces(value, '', '', 2);
}
