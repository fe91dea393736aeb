// The CST reader must give exactly what the yaml library's composer gives, or hand over to it.
import { readFile } from 'node:fs/promises';
import { LineCounter } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NeedsComposer, readYamlDocuments, resolvePlain } from '../../../src/falco/yaml-cst.js';
import { fixture, OFFICIAL_RULES, officialRules } from '../../helpers/paths.js';
import { damagedSlices } from '../../helpers/damage.js';
import { composed, composerDocuments, firstWins } from '../../helpers/composed.js';

const fast = (text: string) => readYamlDocuments(text, new LineCounter().addNewLine).map((d) => d?.value ?? null);

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

  // Each of these is YAML the reader does not handle itself; it must say so rather than guess.
  const handOver = ['a: &x 1\nb: *x\n', '- !!str 12\n', '? complex\n: key\n', '- [a, b: c]\n', 'a: "unterminated\n', 'rule: [not a list\n', 'a: {b: 1\n'];
  // From a QA pass: YAML the composer refuses, which this reader once read (a file passed lint until an unrelated anchor
  // sent it to the composer; a block item in a flow list crashed lint --fix). A block node in a flow collection, a
  // comment touching a bracket or comma, a tab after an item's dash, text after `...`, a block collection after `---`.
  const refusedByComposer = [
    '- tags: [\n    T1059,\n   - mitre_execution, T1070\n    ]\n', '- tags: {a: 1,\n  b: - x}\n', '- tags: [\n  a, |\n  x\n  ]\n',
    '- tags: [T1059, mitre_execution]#, T1070]\n', '- tags: [a,#c\n   b]\n', '- tags: {a: b}#c\n',
    '-\trule: A\n  desc: d\n', '- \trule: A\n  desc: d\n', '- rule: A\n  desc: d\n...  tags: [T1059]\n', '- rule: A\n--- - rule: B\n',
  ];
  for (const text of refusedByComposer) {
    it(`hands ${JSON.stringify(text)} to the composer, which refuses it`, () => {
      expect(composerDocuments(text).some((d) => d.errors.length > 0)).toBe(true);
      expect(() => fast(text)).toThrow(NeedsComposer);
    });
  }
  // Their neighbours the composer takes: read here, as it reads them.
  const takenByComposer = ['- tags: [a, #c\n   b]\n', '- tags: [a, b] #c\n', '- rule: A\n...\n', '--- # c\n- rule: A\n', '---\n- rule: A\n', '- rule:\tA\n', '- a#b\n',
    // A comment at the very start, and a comment line holding a tab between two items: no hand-over for either.
    '# c\n- rule: A\n', '- a\n# x\ty\n- b\n'];
  for (const text of takenByComposer) {
    it(`reads ${JSON.stringify(text)} as the composer does`, () => {
      expect(composerDocuments(text).every((d) => d.errors.length === 0)).toBe(true);
      expect(fast(text)).toEqual(composed(text));
    });
  }
  for (const text of handOver) {
    it(`hands ${JSON.stringify(text)} to the composer`, () => expect(() => fast(text)).toThrow(NeedsComposer));
  }

  it('reads plain scalars as yaml-cpp does: the text written, or null for the null words', () => {
    const words = ['true', 'False', 'no', '12', '1070.010', '0x1f', '1e3', '.inf', 'WARNING', '~', 'null', 'Null', 'NULL', '', 'nULL', 'none'];
    expect(words.map(resolvePlain)).toEqual(['true', 'False', 'no', '12', '1070.010', '0x1f', '1e3', '.inf', 'WARNING', null, null, null, null, null, 'nULL', 'none']);
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
