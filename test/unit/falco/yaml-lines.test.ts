// The line scanner must give exactly what the CST reader gives (values, offsets, line starts), or hand over
// (NeedsComposer). Checked on every rules file the repository has, on generated rulesets (bench/), on
// hand-written YAML corner cases, and on thousands of damaged slices of the official rules.
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NeedsComposer, readYamlDocuments, type CstValue } from '../../../src/falco/yaml-cst.js';
import { scanYamlDocuments } from '../../../src/falco/yaml-lines.js';
import { embedded, fixture, OFFICIAL_RULES, officialRules, repoRoot } from '../../helpers/paths.js';
import { damagedSlices } from '../../helpers/damage.js';
import { composed as composedValues, composerDocuments, firstWins } from '../../helpers/composed.js';

type Read = { documents: (CstValue | undefined)[]; starts: number[] } | 'hands over';

function run(reader: typeof scanYamlDocuments, text: string): Read {
  const starts: number[] = [];
  try {
    return { documents: reader(text, (o) => starts.push(o)), starts };
  } catch (error) {
    if (error instanceof NeedsComposer) return 'hands over';
    throw error;
  }
}

const scanned = (text: string) => run(scanYamlDocuments, text);
const viaCst = (text: string) => run(readYamlDocuments, text);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && /\.ya?ml$/.test(e.name)).map((e) => path.join(e.parentPath, e.name)).sort();
}

describe('scanYamlDocuments on real rules files', () => {
  const handled = [...OFFICIAL_RULES, embedded('falco-plugins', 'k8s_audit_rules.yaml')];
  for (const file of handled) {
    it(`reads ${path.basename(file)} itself, exactly as the CST reader does`, () => {
      const text = readFileSync(file, 'utf8');
      const result = scanned(text);
      expect(result).not.toBe('hands over');
      expect(result).toEqual(viaCst(text));
    });
  }

  it('agrees with the CST reader (or hands over) on every fixture', () => {
    for (const file of [...yamlFiles(fixture('rules')), ...yamlFiles(fixture('drafts'))]) {
      const text = readFileSync(file, 'utf8');
      const result = scanned(text);
      if (result !== 'hands over') expect(result, file).toEqual(viaCst(text));
    }
  });

  it('reads generated rulesets (bench/generate-rules.mjs) exactly as the CST reader does', async () => {
    const { generateRuleset } = (await import(path.join(repoRoot, 'bench', 'generate-rules.mjs'))) as { generateRuleset: (n: number, dir: string, o: object) => string[] };
    const files = generateRuleset(1200, mkdtempSync(path.join(os.tmpdir(), 'attack-cov-generated-')), { seed: 7, perFile: 600 });
    expect(files).toHaveLength(2);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const result = scanned(text);
      expect(result, file).not.toBe('hands over');
      expect(result, file).toEqual(viaCst(text));
    }
  });
});

describe('scanYamlDocuments on corner cases', () => {
  // Each is read by the scanner; the value must be what the CST reader (and the composer) give.
  const read = [
    '', '# only a comment\n', '- a\n- b\n', '- rule: x\n  desc: >-\n    one\n    two\n\n    three\n  n: 1\n',
    '- rule: x\n  desc: |+\n    a\n\n  x: y\n', '- rule: x\n  desc: |\n    a\n      b\n    c\n',
    '- rule: x\n  desc: >\n    a\n      more\n    b\n\n\n    c\n', '- list: l\n  items: [a, "b c", \'it\'\'s\', [n, m], ]\n',
    '- list: l\n  items: [\n    a, b, # comment\n    c\n    ]\n', '- list: l\n  items: []\n', '- rule: "q\\"\\u00e9\\n"\n  enabled: false\n  p: 12\n  f: 1.5\n  z: ~\n',
    '- rule: x # trailing comment\n  tags:\n    - a\n    - b\n  exceptions:\n    - name: e\n      fields: [proc.name]\n      values:\n        - [a]\n',
    '- rule: x\n  desc:\n  cond: y\n', '- rule: x\n  desc: multi\n    line\n\n    plain # c\n  n: 1\n', '- rule: x\n  items:\n    [\n      a,\n  ]\n', '-\n  rule: x\n', '- rule: a\n\n# between\n- rule: b\n', '- rule: a\n  url: http://x/y#frag\n',
  ];
  for (const text of read) {
    it(`reads ${JSON.stringify(text)} as the CST reader does`, () => {
      const result = scanned(text);
      expect(result).not.toBe('hands over');
      expect(result).toEqual(viaCst(text));
      expect((result as { documents: (CstValue | undefined)[] }).documents.map((d) => d?.value ?? null)).toEqual(composedValues(text));
    });
  }

  // YAML the scanner leaves to the CST reader or the composer.
  const handOver = [
    'a: 1\n', '- &x a\n- *x\n', '- !!str 1\n', '- {a: 1}\n', '- rule: "two\n  lines"\n',
    '- rule: x\n  t: [a\n    b]\n', '- rule: x\n\tdesc: tab\n', '---\n- a\n', '- rule: x\n  desc: >2\n    a\n', '- rule: x\n  k: a: b\n',
    '- rule: x\n  tags:\n  - a\n', '- rule: x\n  d: "\\x41"\n', '- - a\n', '- rule: x\r\n',
  ];
  for (const text of handOver) {
    it(`hands ${JSON.stringify(text)} over`, () => expect(scanned(text)).toBe('hands over'));
  }
});

// Seeded mutation test, as for the CST reader: damaged slices of the official rules. Wherever the composer
// reports an error the scanner must hand over; wherever it does not, the scanner must give what the CST
// reader gives (offsets included), or the composer's values where the CST reader hands over, or hand over.
// Never a silently different value.
describe('scanYamlDocuments on damaged YAML', () => {
  it('never disagrees with the CST reader or accepts what the composer rejects', () => {
    const lines = ['falco_rules.yaml', 'falco-sandbox_rules.yaml'].flatMap((f) => readFileSync(officialRules(f), 'utf8').split('\n'));
    const disagreements: string[] = [];
    let errorsSeen = 0;
    let scannedCount = 0;
    for (const text of damagedSlices(lines, 4242, 3000)) {
      const docs = composerDocuments(text);
      const hasErrors = docs.some((d) => d.errors.length > 0);
      if (hasErrors) errorsSeen++;
      const result = scanned(text);
      if (result === 'hands over') continue;
      scannedCount++;
      const cst = viaCst(text);
      const composed = docs.map((d) => firstWins(d.contents));
      const values = result.documents.map((d) => d?.value ?? null);
      const isSame = cst === 'hands over' ? JSON.stringify(values) === JSON.stringify(composed) : JSON.stringify(result) === JSON.stringify(cst);
      if (hasErrors || !isSame) disagreements.push(text);
    }
    if (process.env.DEBUG_SCAN) for (const text of disagreements.slice(0, 4)) console.log(JSON.stringify(text), '\nSCAN', JSON.stringify(scanned(text)).slice(0, 600), '\nCST ', JSON.stringify(viaCst(text)).slice(0, 600));
    expect(disagreements.slice(0, 3)).toEqual([]);
    expect(errorsSeen).toBeGreaterThan(500); // the damage really produced broken YAML
    expect(scannedCount).toBeGreaterThan(500); // and the scanner really read many of the slices
  });
});
