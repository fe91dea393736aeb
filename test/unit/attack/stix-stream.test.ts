import { describe, expect, it } from 'vitest';
import { MAX_DEPTH, MAX_ELEMENT_BYTES, NotABundleError, StixBundleSplitter, nextQuote, peekStixType, readRelationshipFields } from '../../../src/attack/stix-stream.js';

function split(text: string, chunkSize: number): { elements: unknown[]; skeleton: string; isComplete: boolean } {
  const elements: unknown[] = [];
  const splitter = new StixBundleSplitter((e) => elements.push(JSON.parse(e.toString('utf8'))));
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += chunkSize) splitter.feed(bytes.subarray(i, i + chunkSize));
  return { elements, skeleton: splitter.skeletonText(), isComplete: splitter.isComplete() };
}

// Quotes, backslashes, braces inside strings and multi-byte characters are where a byte scanner breaks.
const TRICKY = JSON.stringify({
  type: 'bundle',
  id: 'bundle--1',
  spec_version: '2.0',
  objects: [
    { type: 'attack-pattern', id: 'a', description: 'brace } and ] and "quoted" and \\ backslash \\\\" end' },
    { type: 'relationship', id: 'b', nested: { list: [1, { deep: '}' }] }, text: 'ü — 😀' },
    { type: 'x-mitre-tactic', id: 'c', description: 'ends with backslash \\' },
  ],
});

describe('StixBundleSplitter', () => {
  for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
    it(`splits the same objects as JSON.parse with ${size}-byte chunks`, () => {
      const { elements, skeleton, isComplete } = split(TRICKY, size);
      expect(elements).toEqual((JSON.parse(TRICKY) as { objects: unknown[] }).objects);
      expect(JSON.parse(skeleton)).toEqual({ type: 'bundle', id: 'bundle--1', spec_version: '2.0', objects: [] });
      expect(isComplete).toBe(true);
    });
  }

  it('reports an unfinished document as incomplete', () => {
    expect(split(TRICKY.slice(0, TRICKY.length - 10), 16).isComplete).toBe(false);
  });
});

// What `JSON.parse(file).objects` holds, whatever else the bundle holds: the splitter must agree with it.
const SHAPES: [string, string][] = [
  ['a bundle key holding nested objects and arrays, before and after "objects"', JSON.stringify({ type: 'bundle', x_meta: { a: { b: 1 }, c: [1, { d: '}]' }] }, objects: [{ type: 'a', n: { m: [] } }], x_after: { e: { f: '[' } } })],
  ['another array of objects beside "objects", before and after it', JSON.stringify({ type: 'bundle', x_extra: [{ type: 'attack-pattern', id: 'fake' }], objects: [{ type: 'a' }], x_late: [{ type: 'b' }, [{ type: 'c' }]] })],
  ['a string value "objects" before another key\'s array', JSON.stringify({ type: 'objects', x: [{ type: 'no' }], objects: [{ type: 'yes' }] })],
  ['an "objects" key inside a bundle key\'s value', JSON.stringify({ type: 'bundle', x_meta: { objects: [{ type: 'fake' }] }, objects: [{ type: 'a' }] })],
  ['the key written with an escape', '{"type":"bundle","obj\\u0065cts":[{"type":"a"}]}'],
  // A splitter that skipped a string's first byte would read the empty key's closing quote as an opening one.
  ['a first key that is empty, before a bracket in a string', '{"":"[","type":"bundle","objects":[{"type":"a"}]}'],
  // With 1-byte chunks the backslash ends a chunk: the escape is carried into the next one, and must not outlive it.
  ['an escaped quote, then an empty key', JSON.stringify({ a: 'x"y', '': '[', type: 'bundle', objects: [{ type: 'a' }] })],
  ['blanks of every kind between the elements', '{"type":"bundle","objects":[ \t\r\n{"type":"a"} ,\n\t{"type":"b"}\r\n ]}'],
  ['an empty objects array', '{"objects":[],"type":"bundle"}'],
];

describe('StixBundleSplitter reads what JSON.parse reads', () => {
  for (const [what, text] of SHAPES) {
    it(`${what}: the same objects, the rest in the skeleton`, () => {
      const { objects, ...rest } = JSON.parse(text) as { objects: unknown[] };
      for (const size of [1, 2, 3, 5, 1 << 20]) {
        const result = split(text, size);
        expect(result.elements, `${size}-byte chunks`).toEqual(objects);
        expect(JSON.parse(result.skeleton), `${size}-byte chunks`).toEqual({ ...rest, objects: [] });
        expect(result.isComplete).toBe(true);
      }
    });
  }

  // Chunks cut by hand where a byte scanner's state crosses from one to the next. Each bundle has a bracket in a
  // string after the cut: a string misread there makes the rest structure, and the skeleton no JSON.
  it('carries an escape across chunks, and sees a quote that starts a chunk as the end of its string', () => {
    const splitPieces = (pieces: string[]) => {
      const elements: unknown[] = [];
      const splitter = new StixBundleSplitter((e) => elements.push(JSON.parse(e.toString('utf8'))));
      for (const piece of pieces) splitter.feed(Buffer.from(piece));
      return { elements, skeleton: JSON.parse(splitter.skeletonText()) as unknown };
    };
    const rest = '"type":"bundle","objects":[{"type":"a"}]}';
    // The first chunk ends with a backslash; the escaped quote starts the second, which then closes its string and
    // opens an empty one: the escape must not outlive the quote it escaped.
    expect(splitPieces(['{"a":"x\\', `"y","":"[",${rest}`])).toEqual({ elements: [{ type: 'a' }], skeleton: { a: 'x"y', '': '[', type: 'bundle', objects: [] } });
    // The second chunk starts with the quote closing "x" and ends with a backslash: no backslash precedes that quote.
    expect(splitPieces(['{"a":"x', '","b":"[\\', `"z",${rest}`])).toEqual({ elements: [{ type: 'a' }], skeleton: { a: 'x', b: '["z', type: 'bundle', objects: [] } });
  });

  it('is not complete before it has read anything', () => {
    const splitter = new StixBundleSplitter(() => undefined);
    expect(splitter.isComplete()).toBe(false);
    splitter.feed(Buffer.alloc(0));
    expect(splitter.isComplete()).toBe(false);
  });

  it('takes an array with no key before it, or after a key JSON cannot read, as no objects (the skeleton is then no JSON)', () => {
    for (const text of ['{[{"type":"a"}]}', '{"obj\\x":[{"type":"a"}]}']) {
      const result = split(text, 3);
      expect(result.elements, text).toEqual([]);
      expect(() => JSON.parse(result.skeleton), text).toThrow(SyntaxError);
    }
  });

  it('finds no objects in a document that is an array, whatever its strings say', () => {
    for (const size of [1, 1 << 20]) {
      const result = split('["objects",[{"type":"a"}],{"objects":[{"type":"b"}]}]', size);
      expect(result.elements).toEqual([]);
      expect(JSON.parse(result.skeleton)).toEqual(['objects', [{ type: 'a' }], { objects: [{ type: 'b' }] }]);
    }
  });

  it('refuses two "objects" arrays (JSON.parse keeps the second; the first was handed on) and elements that are no objects', () => {
    expect(() => split('{"objects":[{"type":"a"}],"objects":[]}', 4)).toThrow(new NotABundleError('two "objects" arrays'));
    for (const element of ['1', '"attack-pattern"', 'null', 'true', '[{"type":"a"}]', '-1', '}']) {
      for (const size of [1, 1 << 20]) {
        expect(() => split(`{"type":"bundle","objects":[{"type":"a"},${element}]}`, size), element).toThrow(new NotABundleError('"objects" holds something other than JSON objects'));
      }
    }
  });
});

describe('peekStixType', () => {
  it('reads the leading type key', () => {
    expect(peekStixType(Buffer.from('{ "type" : "malware", "id": "x"}'))).toBe('malware');
  });
  it('gives up (so the caller parses) when type is not near the start', () => {
    expect(peekStixType(Buffer.from(`{"id": "${'x'.repeat(100)}", "type": "malware"}`))).toBeUndefined();
  });
});

describe('peekStixType at its bounds', () => {
  it('reads a type key that starts within the first 64 bytes, and a value of up to 63 characters', () => {
    const at = (offset: number) => Buffer.from(`{"p":"${'x'.repeat(offset - 8)}","type":"malware"}`);
    expect(at(64).indexOf('"type"')).toBe(64);
    expect(peekStixType(at(64))).toBe('malware');
    expect(peekStixType(at(65))).toBeUndefined();
    expect(peekStixType(Buffer.from(`{"type":"${'t'.repeat(63)}"}`))).toBe('t'.repeat(63));
    expect(peekStixType(Buffer.from(`{"type":"${'t'.repeat(64)}"}`))).toBeUndefined();
  });

  it('takes blanks around the colon, and gives up on anything else between the key and a quote, or no string at all', () => {
    expect(peekStixType(Buffer.from('{"type"\n:\t"tool"}'))).toBe('tool');
    expect(peekStixType(Buffer.from('{"type": 5, "id": "x"}'))).toBeUndefined();
    expect(peekStixType(Buffer.from('{"type" "x"}'))).toBeUndefined();
    expect(peekStixType(Buffer.from('{"type": 5}'))).toBeUndefined();
    expect(peekStixType(Buffer.from('{"type": "open'))).toBeUndefined();
    expect(peekStixType(Buffer.from('{"id": "x"}'))).toBeUndefined();
    expect(peekStixType(Buffer.from('{"type":""}'))).toBe('');
    // No quote after the key at all, and something other than blanks before the colon.
    expect(peekStixType(Buffer.from('{"type": }'))).toBeUndefined();
    expect(peekStixType(Buffer.from('{"type"x: "v"}'))).toBeUndefined();
  });
});

describe('readRelationshipFields', () => {
  const rel = (body: string) => readRelationshipFields(Buffer.from(`{"type":"relationship","id":"r",${body}}`));
  const REFS = '"relationship_type":"uses","source_ref":"intrusion-set--1","target_ref":"attack-pattern--2"';

  it('reads the three references, and the flags only when true appears somewhere', () => {
    expect(rel(REFS)).toEqual({ type: 'relationship', relationship_type: 'uses', source_ref: 'intrusion-set--1', target_ref: 'attack-pattern--2' });
    expect(rel(`${REFS},"revoked":true,"x_mitre_deprecated":false`)).toEqual({ type: 'relationship', relationship_type: 'uses', source_ref: 'intrusion-set--1', target_ref: 'attack-pattern--2', revoked: true, x_mitre_deprecated: false });
    expect(rel(`${REFS},"x_mitre_deprecated" :\n true`)).toMatchObject({ x_mitre_deprecated: true });
    expect(rel(`${REFS},"revoked":false`)).not.toHaveProperty('revoked');
    // true in a description, no flag key: no flag.
    expect(rel(`"description":"true",${REFS}`)).not.toHaveProperty('revoked');
  });

  it('takes blanks of every kind around the colon, and the last writing of a key (a description may quote one first)', () => {
    expect(rel('"relationship_type" \t\r\n: \t\r\n"uses","source_ref":"a","target_ref":"b"')).toMatchObject({ relationship_type: 'uses' });
    expect(rel(`"description":"see \\"source_ref\\": here",${REFS}`)).toMatchObject({ source_ref: 'intrusion-set--1' });
  });

  it('gives up (so the caller parses) on a key without its colon, a value that is no string, escapes or no end, or a missing key', () => {
    expect(rel('"relationship_type" "uses","source_ref":"a","target_ref":"b"')).toBeUndefined();
    expect(rel('"relationship_type":5,"source_ref":"a","target_ref":"b"')).toBeUndefined();
    expect(rel('"relationship_type":"us\\"es","source_ref":"a","target_ref":"b"')).toBeUndefined();
    expect(readRelationshipFields(Buffer.from('{"relationship_type":"uses","source_ref":"a","target_ref":"b'))).toBeUndefined();
    expect(rel('"relationship_type":"uses","source_ref":"a"')).toBeUndefined();
    // Something other than blanks before the colon; a missing key whose length happens to end at a colon and a quote.
    expect(rel('"relationship_type"x"uses","source_ref":"a","target_ref":"b"')).toBeUndefined();
    expect(readRelationshipFields(Buffer.from('{"aaaaaaaaaaaaaaa":"uses","source_ref":"a","target_ref":"b"}'))).toBeUndefined();
  });
});

describe('nextQuote', () => {
  it('finds the first quote at or after the start, within the bytes it scans itself and past them', () => {
    for (const at of [0, 1, 30, 31, 32, 33, 100]) {
      const bytes = Buffer.from(`${'a'.repeat(at)}"${'b'.repeat(40)}"`);
      expect(nextQuote(bytes, 0), `quote at ${at}`).toBe(at);
      expect(nextQuote(bytes, at + 1), `after ${at}`).toBe(at + 41);
    }
    // From a later start, and with no quote left: in a short chunk and in a long one.
    expect(nextQuote(Buffer.from('"x"y"'), 2)).toBe(2);
    expect(nextQuote(Buffer.from('abc'), 0)).toBe(-1);
    expect(nextQuote(Buffer.from('a'.repeat(100)), 5)).toBe(-1);
    expect(nextQuote(Buffer.from(`"${'a'.repeat(100)}`), 1)).toBe(-1);
  });
});

describe('StixBundleSplitter limits', () => {
  it('takes an object at the size and nesting limits, across chunks, and refuses one byte or one level past them', () => {
    // An element is `{"d":"…"}`: 8 bytes around the string.
    const element = (bytes: number) => `{"d":"${'x'.repeat(bytes - 8)}"}`;
    const nested = (levels: number) => `{"d":${'['.repeat(levels - 3)}${']'.repeat(levels - 3)}}`;
    const bundle = (object: string) => `{"type":"bundle","objects":[${object}]}`;
    for (const size of [1 << 16, 1 << 20]) {
      expect(split(bundle(element(MAX_ELEMENT_BYTES)), size).elements).toHaveLength(1);
      expect(() => split(bundle(element(MAX_ELEMENT_BYTES + 1)), size)).toThrow(new NotABundleError('an object of more than 16 MiB in "objects"'));
    }
    // The bundle is level 1, "objects" 2, the object 3.
    expect(split(bundle(nested(MAX_DEPTH)), 7).elements).toHaveLength(1);
    expect(() => split(bundle(nested(MAX_DEPTH + 1)), 7)).toThrow(new NotABundleError('JSON nested more than 64 levels deep'));
  });

  it('keeps up to 1 MiB outside "objects", even from one chunk, and refuses more', () => {
    const outside = (bytes: number) => `{"n":"${'x'.repeat(bytes - 21)}","objects":[]}`;
    expect(JSON.parse(split(outside(1 << 20), 1 << 21).skeleton)).toMatchObject({ objects: [] });
    expect(() => split(outside((1 << 20) + 1), 1 << 21)).toThrow(new NotABundleError('more than 1 MiB outside "objects"'));
  });
});
