// jsonChunks writes report.json in pieces; joined, they must be the bytes stringifyJson gives, on every
// shape JSON.stringify treats specially (omitted and null-written values, empty containers, toJSON,
// Maps, null prototypes, nesting beyond the levels laid out by hand) and on a real report.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactJsonChunks, jsonChunks } from '../../../src/report/json-chunks.js';
import { stringifyJson } from '../../../src/report/reporter.js';
import { repoRoot } from '../../helpers/paths.js';

const joined = (value: unknown) => [...jsonChunks(value)].join('');

describe('jsonChunks', () => {
  it('gives the bytes of stringifyJson on every special case', () => {
    const nullProto = Object.assign(Object.create(null) as object, { b: 1 });
    const cases: unknown[] = [
      {},
      [],
      { a: undefined, f: () => 1, s: Symbol('x'), n: null, nan: Number.NaN, list: [undefined, () => 1, 1, 'two'] },
      { empty: { list: [], map: {} }, deep: { a: { b: { c: [1, { d: 'e\nf' }] } } } },
      { date: new Date(0), custom: { toJSON: () => ({ replaced: true }) }, map: new Map([[1, 2]]), nullProto },
      // Boxed primitives are objects with index keys, but JSON.stringify writes their value.
      { boxed: new String('ab'), list: [new Number(1), new Boolean(false)] },
      { rules: Array.from({ length: 5 }, (_, i) => ({ name: `r${i}`, tags: ['T1059', `x${i}`], nested: { at: [i, { line: i }] } })) },
      'text',
      42,
      [[['deep']]],
    ];
    for (const value of cases) {
      expect(joined(value)).toBe(stringifyJson(value));
      expect([...compactJsonChunks(value)].join('')).toBe(JSON.stringify(value));
    }
  });

  it('gives what JSON.stringify gives for a top-level value it leaves out', () => {
    for (const value of [undefined, () => 1]) expect([...compactJsonChunks(value)]).toEqual([JSON.stringify(value)]);
  });

  it('lays out the top two levels by hand, and the elements of their arrays a slab at a time, indented to their place', () => {
    expect([...jsonChunks({ a: [1, { b: [2] }], s: 'x', o: { k: [3] } })]).toEqual(['{\n', '  "a": ', '[\n', '    1,\n    {\n      "b": [\n        2\n      ]\n    }', '\n  ]', ',\n', '  "s": ', '"x"', ',\n', '  "o": ', '{\n', '    "k": ', '[\n      3\n    ]', '\n  }', '\n}', '\n']);
    expect([...compactJsonChunks({ a: [1, { b: [2] }] })]).toEqual(['{', '"a":', '[', '1,{"b":[2]}', ']', '}']);
    // An object without a prototype is laid out like a plain one.
    expect([...jsonChunks(Object.assign(Object.create(null) as object, { a: [1] }))]).toEqual(['{\n', '  "a": ', '[\n', '    1', '\n  ]', '\n}', '\n']);
  });

  it('writes a long array in slabs of 256 elements, the same bytes as the whole', () => {
    const value = { rules: Array.from({ length: 1000 }, (_, i) => ({ name: `rule ${i}`, tags: ['T1059', i % 7 === 0 ? undefined : `x${i}`] })), list: Array.from({ length: 600 }, (_, i) => (i % 2 ? i : () => i)) };
    for (const [chunks, whole] of [[[...jsonChunks(value)], stringifyJson(value)], [[...compactJsonChunks(value)], JSON.stringify(value)]] as const) {
      expect(chunks.join('')).toBe(whole);
      const slabs = chunks.filter((c) => c.includes('rule '));
      expect(slabs).toHaveLength(4);
      expect(slabs.map((c) => c.match(/"name"/g)!.length)).toEqual([256, 256, 256, 232]);
      expect(chunks.filter((c) => /\d/.test(c) && !c.includes('rule '))).toHaveLength(3);
    }
  });

  it('ends a slab-filled array exactly: 256 and 512 elements are one and two slabs', () => {
    for (const length of [256, 512]) {
      const value = { list: Array.from({ length }, (_, i) => i) };
      expect([...jsonChunks(value)].join('')).toBe(stringifyJson(value));
      expect([...compactJsonChunks(value)].join('')).toBe(JSON.stringify(value));
      // '{', '"list":', '[', the slabs with a ',' between two, ']', '}': no empty piece, no comma after the last slab.
      const pieces = [...compactJsonChunks(value)];
      expect(pieces).toHaveLength(5 + length / 256 + (length / 256 - 1));
      expect(pieces.filter((p) => p === ',')).toHaveLength(length / 256 - 1);
      expect(pieces).not.toContain('');
    }
  });

  it('gives the bytes of stringifyJson on a real report, in pieces no larger than a top-level field', () => {
    const report = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'golden', 'report-mini.json'), 'utf8')) as Record<string, unknown>;
    const chunks = [...jsonChunks(report)];
    expect(chunks.join('')).toBe(stringifyJson(report));
    expect([...compactJsonChunks(report)].join('')).toBe(JSON.stringify(report));
    // No piece is larger than the largest top-level field: none of the mini report's arrays reaches a slab.
    const largestField = Math.max(...Object.values(report).map((v) => JSON.stringify(v, null, 2).length * 2));
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(largestField);
  });
});
