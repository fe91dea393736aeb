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

  it('lays out the top two levels by hand, and each deeper value whole, indented to its place', () => {
    expect([...jsonChunks({ a: [1, { b: [2] }], s: 'x' })]).toEqual(['{\n', '  "a": ', '[\n', '    ', '1', ',\n', '    ', '{\n      "b": [\n        2\n      ]\n    }', '\n  ]', ',\n', '  "s": ', '"x"', '\n}', '\n']);
    expect([...compactJsonChunks({ a: [1, { b: [2] }] })]).toEqual(['{', '"a":', '[', '', '1', ',', '', '{"b":[2]}', ']', '}']);
    // An object without a prototype is laid out like a plain one.
    expect([...jsonChunks(Object.assign(Object.create(null) as object, { a: [1] }))]).toEqual(['{\n', '  "a": ', '[\n', '    ', '1', '\n  ]', '\n}', '\n']);
  });

  it('gives the bytes of stringifyJson on a real report, in pieces no larger than one element', () => {
    const report = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'golden', 'report-mini.json'), 'utf8')) as Record<string, unknown>;
    const chunks = [...jsonChunks(report)];
    expect(chunks.join('')).toBe(stringifyJson(report));
    expect([...compactJsonChunks(report)].join('')).toBe(JSON.stringify(report));
    const largestElement = Math.max(...Object.values(report).flatMap((v) => (Array.isArray(v) ? v.map((e) => JSON.stringify(e, null, 2).length * 2) : [])));
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(largestElement);
  });
});
