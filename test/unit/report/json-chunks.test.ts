// jsonChunks writes report.json in pieces; joined, they must be the bytes stringifyJson gives, on every
// shape JSON.stringify treats specially (omitted and null-written values, empty containers, toJSON,
// Maps, null prototypes, nesting beyond the levels laid out by hand) and on a real report.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLAB_CHARS, compactJsonChunks, jsonChunks, nextSlabCount } from '../../../src/report/json-chunks.js';
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

  it('lays out the top two levels by hand, and the elements of their arrays a slab at a time (one element first), indented to their place', () => {
    expect([...jsonChunks({ a: [1, { b: [2] }], s: 'x', o: { k: [3] } })]).toEqual(['{\n', '  "a": ', '[\n', '    1', ',\n', '    {\n      "b": [\n        2\n      ]\n    }', '\n  ]', ',\n', '  "s": ', '"x"', ',\n', '  "o": ', '{\n', '    "k": ', '[\n      3\n    ]', '\n  }', '\n}', '\n']);
    expect([...compactJsonChunks({ a: [1, { b: [2] }] })]).toEqual(['{', '"a":', '[', '1', ',', '{"b":[2]}', ']', '}']);
    // An object without a prototype is laid out like a plain one.
    expect([...jsonChunks(Object.assign(Object.create(null) as object, { a: [1] }))]).toEqual(['{\n', '  "a": ', '[\n', '    1', '\n  ]', '\n}', '\n']);
  });

  it('writes a long array in slabs of about SLAB_CHARS characters, the same bytes as the whole', () => {
    const value = { rules: Array.from({ length: 3000 }, (_, i) => ({ name: `rule ${i}`, tags: ['T1059', i % 7 === 0 ? undefined : `x${i}`] })), list: Array.from({ length: 600 }, (_, i) => (i % 2 ? i : () => i)) };
    for (const [chunks, whole] of [[[...jsonChunks(value)], stringifyJson(value)], [[...compactJsonChunks(value)], JSON.stringify(value)]] as const) {
      expect(chunks.join('')).toBe(whole);
      const slabs = chunks.filter((c) => c.includes('rule '));
      const counts = slabs.map((c) => c.match(/"name"/g)!.length);
      expect(counts.reduce((a, b) => a + b)).toBe(3000);
      // One element first, then at most four times as many a slab, up to what fills SLAB_CHARS.
      expect(counts.slice(0, 4)).toEqual([1, 4, 16, 64]);
      const full = slabs.slice(5, -1);
      expect(full.length).toBeGreaterThan(0);
      // Scaled from the slab before, whose elements were a little shorter or longer: about SLAB_CHARS, never far over.
      for (const slab of full) {
        expect(slab.length).toBeLessThanOrEqual(SLAB_CHARS * 1.05);
        expect(slab.length).toBeGreaterThan(SLAB_CHARS * 0.9);
      }
      expect(Math.max(...slabs.map((c) => c.length))).toBeLessThanOrEqual(SLAB_CHARS * 1.05);
    }
  });

  it('scales each slab from the one before: towards SLAB_CHARS, at most four times the elements, at least one', () => {
    expect(nextSlabCount(1, 100)).toBe(4);
    expect(nextSlabCount(64, 64 * 100)).toBe(256);
    expect(nextSlabCount(256, 256 * 100)).toBe(Math.floor(SLAB_CHARS / 100));
    expect(nextSlabCount(300, SLAB_CHARS * 2)).toBe(150);
    expect(nextSlabCount(300, SLAB_CHARS)).toBe(300);
    expect(nextSlabCount(1, SLAB_CHARS * 3)).toBe(1);
    // Elements larger than a slab are written one a slab, the same bytes.
    const big = Array.from({ length: 5 }, (_, i) => 'x'.repeat(SLAB_CHARS + i));
    const pieces = [...compactJsonChunks({ big })];
    expect(pieces.join('')).toBe(JSON.stringify({ big }));
    expect(pieces.filter((p) => p.includes('x'))).toHaveLength(5);
  });

  it('ends an array exactly: no empty piece, no comma after the last slab', () => {
    for (const length of [1, 2, 5, 21, 85, 1000]) {
      const value = { list: Array.from({ length }, (_, i) => i) };
      expect([...jsonChunks(value)].join('')).toBe(stringifyJson(value));
      expect([...compactJsonChunks(value)].join('')).toBe(JSON.stringify(value));
      // '{', '"list":', '[', the slabs with a ',' between two, ']', '}'.
      const pieces = [...compactJsonChunks(value)];
      const slabs = pieces.slice(3, -2).filter((p) => p !== ',');
      expect(pieces.filter((p) => p === ',')).toHaveLength(slabs.length - 1);
      expect(pieces.slice(3, -2).every((p, i) => (i % 2 === 1) === (p === ','))).toBe(true);
      expect(pieces.at(-3)).not.toBe(',');
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
