// Splits a STIX bundle's bytes into its top-level objects without parsing the whole file at once,
// so a 45 MB bundle never sits in memory as one string and one object tree. Pure: bytes in, slices out.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
/** JSON's whitespace. */
const isBlank = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
const IS_STRUCTURAL = new Uint8Array(256);
for (const byte of [QUOTE, OPEN_BRACE, CLOSE_BRACE, OPEN_BRACKET, CLOSE_BRACKET]) IS_STRUCTURAL[byte] = 1;
/** A bundle's own keys are a few hundred bytes; anything far larger is not a bundle. */
const SKELETON_LIMIT = 1 << 20;
/** ATT&CK 18.1's largest object is 33 KB and none nests deeper than 5 levels: an object far past either is no
 * ATT&CK object, and would cost its whole size in memory (a 255 KB gzip of one 250 MiB string took 1.1 GB) or
 * overflow JSON.parse's stack. */
export const MAX_ELEMENT_BYTES = 16 << 20;
export const MAX_DEPTH = 64;

/** Bytes that cannot be an ATT&CK bundle, found while splitting (the reader stops there). */
export class NotABundleError extends Error {}

/** Called with each element of the bundle's "objects" array, as its raw JSON bytes, and the offset of its first byte
 * in all the bytes fed (to name where a broken element stands). */
export type ElementHandler = (element: Buffer, offset: number) => void;

/**
 * Feed chunks in order; each complete element of the bundle's "objects" array goes to `onElement`.
 * Everything else (the bundle's own keys and their values) is kept as a small skeleton to check with JSON.parse at
 * the end, so the splitter reads what `JSON.parse(file).objects` would: another array at the bundle's top level is
 * no objects array, and a bundle key with nested values stays whole in the skeleton.
 */
export class StixBundleSplitter {
  private depth = 0;
  private inString = false;
  private isEscaped = false;
  /** The document is a JSON object: only then is a key at depth 1 one of the bundle's keys. */
  private isInTopObject = false;
  /** Between the brackets of the bundle's "objects" array (depth 2 and deeper). */
  private isInObjects = false;
  private hasObjects = false;
  /** The skeleton pieces of the last string, from its opening quote to its closing one. Before a `[` at depth 1 that
   * is the array's key (a colon and blanks between them); the span of a string in "objects", which is not kept, is
   * never read (a key comes after it). */
  private lastStringFrom = 0;
  private lastStringTo = 0;
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private skeleton: Buffer[] = [];
  private skeletonBytes = 0;
  /** Bytes fed before the current chunk, and where the current element began in them. */
  private fed = 0;
  private elementOffset = 0;

  constructor(private readonly onElement: ElementHandler) {}

  feed(chunk: Buffer): void {
    let elementStart = this.isInObjects && this.depth >= 3 ? 0 : -1;
    let i = 0;
    while (i < chunk.length) {
      const isSkeleton = !this.isInObjects;
      if (this.inString) {
        // Strings are most of a bundle's bytes: jump to the next quote natively instead of byte by byte.
        const end = this.findStringEnd(chunk, i);
        if (isSkeleton) this.keep(chunk.subarray(i, end < 0 ? chunk.length : end + 1));
        if (end < 0) break;
        this.inString = false;
        this.lastStringTo = this.skeleton.length;
        i = end + 1;
        continue;
      }
      if (this.isInObjects && this.depth === 2) {
        // Between the elements: blanks and commas, an object's brace, or the array's end; nothing else is STIX.
        const between = chunk[i]!;
        if (isBlank(between) || between === COMMA) {
          i++;
          continue;
        }
        if (between !== OPEN_BRACE && between !== CLOSE_BRACKET) throw new NotABundleError('"objects" holds something other than JSON objects');
      } else if (this.isInObjects) {
        // Inside an element, whitespace, commas, colons, numbers and literals between strings need no work: skip them in
        // a tight loop (speed only: the code below would take them one at a time).
        // Stryker disable next-line ConditionalExpression,EqualityOperator: speed only; past the end chunk[i] is undefined, whose IS_STRUCTURAL is not 0, and the break below ends the loop
        while (i < chunk.length) {
          if (IS_STRUCTURAL[chunk[i]!] !== 0) break;
          i++;
        }
        if (i === chunk.length) break;
      }
      const byte = chunk[i]!;
      if (isSkeleton) this.keep(chunk.subarray(i, i + 1));
      if (byte === QUOTE) {
        this.inString = true;
        this.lastStringFrom = this.skeleton.length - 1;
      } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        if (this.depth === 0) this.isInTopObject = byte === OPEN_BRACE;
        else if (this.depth === 1 && byte === OPEN_BRACKET && this.isInTopObject && this.lastKey() === 'objects') {
          // JSON.parse would keep the last of two; the splitter has handed on the first one's elements already.
          if (this.hasObjects) throw new NotABundleError('two "objects" arrays');
          this.isInObjects = this.hasObjects = true;
        } else if (this.depth === 2 && this.isInObjects) {
          elementStart = i;
          this.elementOffset = this.fed + i;
        }
        if (++this.depth > MAX_DEPTH) throw new NotABundleError(`JSON nested more than ${MAX_DEPTH} levels deep`);
      } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 1 && this.isInObjects) {
          this.isInObjects = false;
          this.keep(chunk.subarray(i, i + 1));
        } else if (this.depth === 2 && elementStart >= 0) {
          this.addPart(chunk.subarray(elementStart, i + 1));
          this.onElement(this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts), this.elementOffset);
          this.parts = [];
          this.partsBytes = 0;
          elementStart = -1;
        }
      }
      i++;
    }
    if (elementStart >= 0) this.addPart(Buffer.from(chunk.subarray(elementStart)));
    this.fed += chunk.length;
  }

  /** The last string at depth 1 as JSON.parse reads it (escapes and all), or undefined if it is no JSON string. */
  private lastKey(): string | undefined {
    try {
      return JSON.parse(Buffer.concat(this.skeleton.slice(this.lastStringFrom, this.lastStringTo)).toString('utf8')) as string;
    } catch {
      return undefined;
    }
  }

  private addPart(part: Buffer): void {
    this.partsBytes += part.length;
    if (this.partsBytes > MAX_ELEMENT_BYTES) throw new NotABundleError(`an object of more than ${MAX_ELEMENT_BYTES >> 20} MiB in "objects"`);
    this.parts.push(part);
  }

  /** Index of the quote closing the current string, or -1 if it goes past this chunk. */
  private findStringEnd(chunk: Buffer, from: number): number {
    let i = from;
    if (this.isEscaped) {
      this.isEscaped = false;
      i++;
    }
    for (;;) {
      const quote = nextQuote(chunk, i);
      const searchEnd = quote < 0 ? chunk.length : quote;
      let backslashes = 0;
      while (searchEnd - backslashes - 1 >= i && chunk[searchEnd - backslashes - 1] === BACKSLASH) backslashes++;
      if (quote < 0) {
        this.isEscaped = backslashes % 2 === 1;
        return -1;
      }
      if (backslashes % 2 === 0) return quote;
      i = quote + 1;
    }
  }

  private keep(bytes: Buffer): void {
    this.skeletonBytes += bytes.length;
    if (this.skeletonBytes > SKELETON_LIMIT) throw new NotABundleError(`more than ${SKELETON_LIMIT >> 20} MiB outside "objects"`);
    // A copy: the chunk may be a buffer its reader reuses.
    this.skeleton.push(Buffer.from(bytes));
  }

  /** The bundle without its objects, e.g. `{"type":"bundle","objects":[]}`; JSON.parse checks the rest. */
  skeletonText(): string {
    return Buffer.concat(this.skeleton).toString('utf8');
  }

  isComplete(): boolean {
    return this.depth === 0 && !this.inString && this.skeletonBytes > 0;
  }
}

/** Bytes looked at one by one before asking indexOf: most strings are short (keys, IDs, types), and a
 * call into indexOf costs more than scanning a few bytes here (~40 ms of a 45 MB bundle went to those calls). */
const SHORT_SCAN = 32;

/** The index of the first quote at or after `from`, or -1. */
export function nextQuote(chunk: Buffer, from: number): number {
  const stop = Math.min(from + SHORT_SCAN, chunk.length);
  for (let i = from; i < stop; i++) if (chunk[i] === QUOTE) return i;
  return stop < chunk.length ? chunk.indexOf(QUOTE, stop) : -1;
}

const TYPE_KEY = Buffer.from('"type"');

/**
 * The value of an object's top-level "type" key, read without parsing the object.
 * Returns undefined when it cannot be read cheaply; callers then parse the object.
 */
export function peekStixType(element: Buffer): string | undefined {
  // ATT&CK writes "type" first in both STIX 2.0 and 2.1 bundles; nested objects never carry one.
  const at = element.indexOf(TYPE_KEY);
  if (at === -1 || at > 64) return undefined;
  const open = element.indexOf(QUOTE, at + TYPE_KEY.length);
  const close = element.indexOf(QUOTE, open + 1);
  if (open === -1 || close === -1 || close - open > 64) return undefined;
  const between = element.subarray(at + TYPE_KEY.length, open).toString('latin1');
  if (!/^\s*:\s*$/.test(between)) return undefined;
  return element.subarray(open + 1, close).toString('latin1');
}

/**
 * Reads top-level string and boolean fields of a relationship without JSON.parse: relationships are
 * two thirds of a bundle's bytes, mostly descriptions attack-cov never reads. Safe because a quote
 * inside a JSON string is always escaped, so `"key"` followed by a colon only matches a real key.
 */
const STRING_FIELDS = ['relationship_type', 'source_ref', 'target_ref'].map((key) => ({ key, bytes: Buffer.from(`"${key}"`) }));
const BOOLEAN_FIELDS = ['revoked', 'x_mitre_deprecated'].map((key) => ({ key, bytes: Buffer.from(`"${key}"`) }));
const COLON = 0x3a;
const TRUE = Buffer.from('true');
const LETTER_T = 0x74;

/** Index just past `"key"` and its colon (whitespace allowed around it), or -1. */
function valueStart(element: Buffer, key: Buffer): number {
  // From the end: ATT&CK writes the reference keys after the long description and citations.
  const at = element.lastIndexOf(key);
  if (at === -1) return -1;
  let i = at + key.length;
  while (isBlank(element[i])) i++;
  if (element[i] !== COLON) return -1;
  i++;
  while (isBlank(element[i])) i++;
  return i;
}

export function readRelationshipFields(element: Buffer): Record<string, string | boolean> | undefined {
  // Searching the bytes natively makes no string of the (long) description: garbage is what costs here.
  const fields: Record<string, string | boolean> = { type: 'relationship' };
  for (const { key, bytes } of STRING_FIELDS) {
    const start = valueStart(element, bytes);
    // A missing key (-1) reads undefined, no quote.
    if (element[start] !== QUOTE) return undefined;
    const end = element.indexOf(QUOTE, start + 1);
    if (end === -1 || element.subarray(start, end).includes(BACKSLASH)) return undefined;
    fields[key] = element.toString('latin1', start + 1, end);
  }
  // Both flags are false unless a `true` appears somewhere: one native scan instead of two key searches.
  if (element.includes(TRUE)) {
    for (const { key, bytes } of BOOLEAN_FIELDS) {
      const start = valueStart(element, bytes);
      if (start !== -1) fields[key] = element[start] === LETTER_T;
    }
  }
  return fields;
}
