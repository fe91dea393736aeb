// The CST reader must give exactly what the yaml library's composer gives, or hand over to it.
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NeedsComposer, readYamlDocuments, resolvePlain } from '../../../src/falco/yaml-cst.js';
import { fixture, OFFICIAL_RULES, officialRules } from '../../helpers/paths.js';
import { damagedSlices } from '../../helpers/damage.js';

/** The composer's values as Falco reads them: of duplicate keys the first wins (yaml-cpp), where toJSON keeps the last. */
function firstWins(node: unknown): unknown {
  if (isMap(node)) {
    const value: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (!Object.hasOwn(value, key)) value[key] = firstWins(pair.value);
    }
    return value;
  }
  if (isSeq(node)) return node.items.map(firstWins);
  return isScalar(node) ? node.toJSON() : (node ?? null);
}
const composed = (text: string) => parseAllDocuments(text, { uniqueKeys: false }).map((d) => firstWins(d.contents));
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
  for (const text of handOver) {
    it(`hands ${JSON.stringify(text)} to the composer`, () => expect(() => fast(text)).toThrow(NeedsComposer));
  }

  it('resolves plain scalars by the YAML 1.2 core schema', () => {
    expect([resolvePlain('true'), resolvePlain('False'), resolvePlain('~'), resolvePlain('12'), resolvePlain('1.5'), resolvePlain('0x1f'), resolvePlain('WARNING')]).toEqual([
      true, false, null, 12, 1.5, 31, 'WARNING',
    ]);
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
      const docs = parseAllDocuments(text, { uniqueKeys: false });
      const hasErrors = (Array.isArray(docs) ? docs : [docs]).some((d) => d.errors.length > 0);
      if (hasErrors) errorsSeen++;
      let result: unknown;
      try {
        result = fast(text);
      } catch (error) {
        if (error instanceof NeedsComposer) continue;
        throw error;
      }
      if (hasErrors || JSON.stringify(result) !== JSON.stringify((Array.isArray(docs) ? docs : [docs]).map((d) => firstWins(d.contents)))) {
        disagreements.push(text);
      }
    }
    disagreements = disagreements.slice(0, 3);
    expect(disagreements).toEqual([]);
    expect(errorsSeen).toBeGreaterThan(300); // the damage really produced broken YAML
  });
});
