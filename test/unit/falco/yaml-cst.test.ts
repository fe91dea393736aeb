// The CST reader must give exactly what the yaml library's composer gives, or hand over to it.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { NeedsComposer, readYamlDocuments, resolvePlain } from '../../../src/falco/yaml-cst.js';
import { fixture, sharedData } from '../../helpers/paths.js';

const composed = (text: string) => parseAllDocuments(text).map((d) => d.toJSON());
const fast = (text: string) => readYamlDocuments(text, new LineCounter().addNewLine).map((d) => d?.value ?? null);

describe('readYamlDocuments', () => {
  const files = [
    ...['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((f) => sharedData('falco', f)),
    ...['conventional.yaml', 'base.yaml', 'override.yaml', 'nonstandard.yaml'].map((f) => fixture('rules', f)),
  ];
  for (const file of files) {
    it(`reads ${file.split('/').slice(-1)[0]} exactly as the composer does`, async () => {
      const text = await readFile(file, 'utf8');
      expect(fast(text)).toEqual(composed(text));
    });
  }

  // Each of these is YAML the reader does not handle itself; it must say so rather than guess.
  const handOver = ['a: &x 1\nb: *x\n', '- !!str 12\n', '? complex\n: key\n', '- [a, b: c]\n', 'a: "unterminated\n'];
  for (const text of handOver) {
    it(`hands ${JSON.stringify(text)} to the composer`, () => expect(() => fast(text)).toThrow(NeedsComposer));
  }

  it('resolves plain scalars by the YAML 1.2 core schema', () => {
    expect([resolvePlain('true'), resolvePlain('False'), resolvePlain('~'), resolvePlain('12'), resolvePlain('1.5'), resolvePlain('0x1f'), resolvePlain('WARNING')]).toEqual([
      true, false, null, 12, 1.5, 31, 'WARNING',
    ]);
  });
});
