// The CST reader must give exactly what the yaml library's composer gives, or hand over to it.
import { readFile } from 'node:fs/promises';
import { LineCounter } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NeedsComposer, readYamlDocuments, resolvePlain, scalarText } from '../../../src/falco/yaml-cst.js';
import { fixture, OFFICIAL_RULES, officialRules } from '../../helpers/paths.js';
import { damagedSlices } from '../../helpers/damage.js';
import { composed, composerDocuments, firstWins } from '../../helpers/composed.js';

const fast = (text: string) => readYamlDocuments(text, new LineCounter().addNewLine).map((d) => d?.value ?? null);
/** The reason the reader hands `text` over with (its check that caught it), or undefined when it reads it. */
const handOverReason = (text: string): string | undefined => {
  try {
    fast(text);
  } catch (error) {
    if (error instanceof NeedsComposer) return error.message;
    throw error;
  }
  return undefined;
};

describe('readYamlDocuments', () => {
  const files = [
    ...OFFICIAL_RULES,
    ...['conventional.yaml', 'base.yaml', 'override.yaml', 'nonstandard.yaml'].map((f) => fixture('rules', f)),
  ];
  for (const file of files) {
    it(`reads ${file.split('/').slice(-1)[0]} exactly as the composer does`, async () => {
      const text = await readFile(file, 'utf8');
      expect(fast(text)).toEqual(composed(text));
    });
  }

  // Each of these is YAML the reader does not handle itself; it must say so rather than guess. Each names the check that
  // caught it: a test of one check proves nothing if another check catches its text first.
  const handOver: [string, string][] = [
    ['a: &x 1\nb: *x\n', 'anchor'], ['- *x\n', 'alias'], ['- !!str 12\n', 'tag'], ['? complex\n: key\n', 'explicit key'],
    ['- [a, b: c]\n', 'pair in a flow sequence'], ['a: "unterminated\n', 'Missing closing "quote'],
    ['rule: [not a list\n', 'unterminated flow collection'], ['a: {b: 1\n', 'unterminated flow collection'],
    // A pair without a key in a flow list: the composer reads [{"": "b"}].
    ['- [: b]\n', 'pair in a flow sequence'],
    // A flow list as a key: the composer makes a key of it; no rules file has one.
    ['- [a, b]: c\n', 'complex key'],
    // A key without a value in a flow map: the composer reads {a: null, b: "1"}.
    ['- {a, b: 1}\n', 'key without value'],
    // After a trailing comma a `?` or an anchor is one item more to the composer ([a, {"": null}], [a, null]); once dropped.
    ['- [a, ?]\n', 'explicit-key-ind'], ['- {a: 1, &x}\n', 'anchor'],
  ];
  // From a QA pass: YAML the composer refuses, which this reader once read (a file passed lint until an unrelated anchor
  // sent it to the composer; a block item in a flow list crashed lint --fix). A block node in a flow collection, a
  // comment touching a bracket or comma, a tab after an item's dash, text after `...`, a block collection after `---`.
  const refusedByComposer: [string, string][] = [
    ['- tags: [\n    T1059,\n   - mitre_execution, T1070\n    ]\n', 'block node in a flow collection'],
    ['- tags: {a: 1,\n  b: - x}\n', 'unterminated flow collection'], ['- tags: [\n  a, |\n  x\n  ]\n', 'unterminated flow collection'],
    ['- tags: [T1059, mitre_execution]#, T1070]\n', 'comment without a blank before it'], ['- tags: [a,#c\n   b]\n', 'comment without a blank before it'],
    ['- tags: {a: b}#c\n', 'comment without a blank before it'],
    ['-\trule: A\n  desc: d\n', 'tab after an indicator'], ['- \trule: A\n  desc: d\n', 'tab after an indicator'],
    ['- rule: A\n  desc: d\n...  tags: [T1059]\n', 'scalar'], ['- rule: A\n--- - rule: B\n', 'scalar'],
    // Each of the reader's other checks, on the smallest text it alone catches.
    ['- {a: 1 b: 2}\n', 'block node in a flow collection'],
    ['- "a"#c\n', 'Comments must be separated from other tokens by white space characters'],
    ['- {a: 1,, b: 2}\n', 'misplaced comma'], ['- {, a: 1}\n', 'misplaced comma'],
    ['- [a, , b]\n', 'misplaced comma'], ['- [a,, b]\n', 'misplaced comma'], ['- [,]\n', 'misplaced comma'],
    ['- x: 1\n  a\n', 'key without value'], ['- a: b: c\n', 'compact block value'], ['a:\n  b: 1\n c: 2\n', 'bad indent'],
    ['- rule: A\n desc: d\n', 'item without -'], ['--- a: 1\n', 'block collection after ---'], ['- a\n\t- b\n', 'tab in indentation'],
    // Defects this reader had: a flow collection closed by the other bracket, a trailing item of two commas or with a
    // comment touching its comma (all read, as if well formed), a tab after a byte order mark (read as no indentation).
    ['- tags: [T1059, T1070}\n', 'flow-map-end'], ['- {a: 1]\n', 'flow-seq-end'],
    ['- [a,,]\n', 'misplaced comma'], ['- {a: 1,,}\n', 'misplaced comma'], ['- [a,#c\n  ]\n', 'comment without a blank before it'],
    ['\ufeff\ta\n', 'tab in indentation'], ['- a\n...\n\ufeff\tb\n', 'tab in indentation'],
  ];
  for (const [text, reason] of refusedByComposer) {
    it(`hands ${JSON.stringify(text)} to the composer, which refuses it (${reason})`, () => {
      expect(composerDocuments(text).some((d) => d.errors.length > 0)).toBe(true);
      expect(handOverReason(text)).toBe(reason);
    });
  }
  // Their neighbours the composer takes: read here, as it reads them.
  const takenByComposer = ['- tags: [a, #c\n   b]\n', '- tags: [a, b] #c\n', '- rule: A\n...\n', '--- # c\n- rule: A\n', '---\n- rule: A\n', '- rule:\tA\n', '- a#b\n',
    // A comment at the very start, and a comment line holding a tab between two items: no hand-over for either.
    '# c\n- rule: A\n', '- a\n# x\ty\n- b\n',
    // Flow maps: commas with or without a blank (a tab is one), keys on two lines in two columns, a trailing comma.
    '- {rule: A, desc: d}\n', '- {rule: A,desc: d}\n', '- {a: 1,\tb: 2}\n', '- {a: 1,\n   b: 2}\n', '- {a: 1, }\n',
    // A trailing comma, and a last line that holds only a comment (an item with no comma) before the bracket.
    '- [a, ]\n', '- [a #c\n  ]\n',
    // A key whose colon is on the next line: the key's column is that of its own line.
    'x: 1\na\n  : b\n',
    // Blanks before a document: after `...` (the document's own), and at the very start (the stream's); a byte order mark.
    '- a\n...\n  - b\n', ' \n- a\n', '\ufeffa: 1\n'];
  for (const text of takenByComposer) {
    it(`reads ${JSON.stringify(text)} as the composer does`, () => {
      expect(composerDocuments(text).every((d) => d.errors.length === 0)).toBe(true);
      expect(fast(text)).toEqual(composed(text));
    });
  }
  for (const [text, reason] of handOver) {
    it(`hands ${JSON.stringify(text)} to the composer (${reason})`, () => expect(handOverReason(text)).toBe(reason));
  }

  it('reads a key __proto__ as an own property, as any other key, and leaves the prototype alone', () => {
    const [value] = fast('__proto__: x\n') as Record<string, unknown>[];
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')).toEqual({ value: 'x', enumerable: true, writable: true, configurable: true });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it('reads plain scalars as yaml-cpp does: the text written, or null for the null words', () => {
    const words = ['true', 'False', 'no', '12', '1070.010', '0x1f', '1e3', '.inf', 'WARNING', '~', 'null', 'Null', 'NULL', '', 'nULL', 'none'];
    expect(words.map(resolvePlain)).toEqual(['true', 'False', 'no', '12', '1070.010', '0x1f', '1e3', '.inf', 'WARNING', null, null, null, null, null, 'nULL', 'none']);
  });
});

describe('scalarText', () => {
  it('writes a scalar as written, nothing for a missing value, a map or list as JSON', () => {
    expect(['x', 12, true, undefined, null, { a: ['b'] }, ['a', 1]].map(scalarText)).toEqual(['x', '12', 'true', '', '', '{"a":["b"]}', '["a",1]']);
  });

  it('writes nothing for what JSON writes as nothing, and a placeholder for a list or map JSON cannot write', () => {
    const list: unknown[] = [];
    list.push(list);
    const map: Record<string, unknown> = {};
    map.self = map;
    expect([{ toJSON: () => undefined }, list, map, { n: 1n }].map(scalarText)).toEqual(['', '[list]', '{map}', '{map}']);
  });
});

// Seeded mutation test: slices of the official rules, damaged at random (lines dropped, re-indented,
// stray characters). Wherever the composer reports an error the CST reader must hand over, and wherever
// it does not, the reader must give the same value or hand over. Never a silently different value.
describe('readYamlDocuments on damaged YAML', () => {
  it('never disagrees with the composer', async () => {
    const lines = (await readFile(officialRules('falco_rules.yaml'), 'utf8')).split('\n');
    let disagreements: string[] = [];
    let errorsSeen = 0;
    for (const text of damagedSlices(lines, 42, 1500)) {
      const docs = composerDocuments(text);
      const hasErrors = docs.some((d) => d.errors.length > 0);
      if (hasErrors) errorsSeen++;
      let result: unknown;
      try {
        result = fast(text);
      } catch (error) {
        if (error instanceof NeedsComposer) continue;
        throw error;
      }
      if (hasErrors || JSON.stringify(result) !== JSON.stringify(docs.map((d) => firstWins(d.contents)))) {
        disagreements.push(text);
      }
    }
    disagreements = disagreements.slice(0, 3);
    expect(disagreements).toEqual([]);
    expect(errorsSeen).toBeGreaterThan(300); // the damage really produced broken YAML
  });
});
