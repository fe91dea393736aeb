// lint --fix as pure functions: plan edits from findings, apply them to text, lint again.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/analyze.js';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import type { Ruleset } from '../../../src/falco/types.js';
import { applyTagEdits } from '../../../src/fix/apply.js';
import { fixTexts } from '../../../src/fix/fix-texts.js';
import { readSourcePlatforms } from '../../../src/upstream.js';
import { miniCatalog } from '../../helpers/load.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

async function analyzer() {
  const catalog = await miniCatalog();
  return (ruleset: Ruleset) =>
    analyze({ catalog, attack: { source: 'mini', sha256: '0' }, ruleset, rulesOrigin: 'given', sourcePlatforms: readSourcePlatforms(), generatedAt: new Date(0), tool: { name: 'attack-cov', version: 'test' } });
}

describe('fixTexts on fixable.yaml', async () => {
  const text = await readFile(fixture('rules', 'fixable.yaml'), 'utf8');
  const result = fixTexts([{ path: 'fixable.yaml', text }], await analyzer());
  const fixed = result.texts.get('fixable.yaml')!;

  it('matches the reviewed golden file', async () => {
    await expect(fixed).toMatchFileSnapshot(path.join(repoRoot, 'test', 'golden', 'fixable.fixed.yaml'));
  });

  it('changes only tag lines (block sequences may gain or lose an item line) and keeps every comment', () => {
    const isTagLine = (line: string) => /^\s+tags:/.test(line) || /^\s+- /.test(line);
    expect(text.split('\n').filter((l) => !isTagLine(l))).toEqual(fixed.split('\n').filter((l) => !isTagLine(l)));
    const comments = (t: string) => t.split('\n').flatMap((l) => /#.*$/.exec(l)?.[0] ?? []);
    expect(comments(fixed)).toEqual(comments(text));
  });

  it('leaves none of the fixed findings and no fixable finding', () => {
    expect(result.after.findings.filter((f) => f.fix)).toEqual([]);
    expect(result.after.findings.map((f) => `${f.rule}: ${f.code}`).sort()).toEqual(['Ambiguous: tactic-mismatch', 'Ambiguous: unjustified-tactic']);
  });

  it('still loads, with the fixed tags', () => {
    const rules = rulesetFromTexts([{ path: 'fixable.yaml', text: fixed }]).rules;
    const tags = (name: string) => rules.find((r) => r.name === name)!.tags.map((t) => t.value);
    expect(tags('Nonstandard and revoked')).toEqual(['maturity_stable', 'mitre_impact', 'T1529', 'mitre_defense_evasion', 'T1027']);
    expect(tags('Wrong tactic')).toEqual(['mitre_privilege_escalation', 'T1611']);
    expect(tags('Conflict decided by technique')).toEqual(['mitre_exfiltration', 'TA0010', 'T1041']);
    expect(tags('Block sequence')).toEqual(['host', 'mitre_impact', 'mitre_execution', 'T1529', 'T1059.004']);
    expect(tags('Ambiguous')).toEqual(['mitre_impact', 'T1610']);
  });

  it('is idempotent: fixing the fixed text changes nothing', async () => {
    const again = fixTexts([{ path: 'fixable.yaml', text: fixed }], await analyzer());
    expect(again.texts.get('fixable.yaml')).toBe(fixed);
    expect(again.passes).toBe(0);
  });
});

describe('applyTagEdits', () => {
  const at = (line: number, column: number) => ({ file: 'f.yaml', line, column });
  it('keeps the quoting of a replaced tag and the separator style of the list', () => {
    const text = "- rule: a\n  tags: ['x',\"y\",z]\n";
    expect(applyTagEdits(text, [{ kind: 'replace', at: at(2, 10), value: 'X', codes: [] }, { kind: 'replace', at: at(2, 14), value: 'Y', codes: [] }])).toBe("- rule: a\n  tags: ['X',\"Y\",z]\n");
  });
  it('removes the first, middle and last elements of a flow list', () => {
    const text = '- rule: a\n  tags: [a, b, c]\n';
    expect(applyTagEdits(text, [{ kind: 'remove', at: at(2, 10), codes: [] }])).toBe('- rule: a\n  tags: [b, c]\n');
    expect(applyTagEdits(text, [{ kind: 'remove', at: at(2, 13), codes: [] }, { kind: 'remove', at: at(2, 16), codes: [] }])).toBe('- rule: a\n  tags: [a]\n');
  });
  it('refuses an edit where there is no tag', () => {
    expect(() => applyTagEdits('- rule: a\n  tags: [a]\n', [{ kind: 'remove', at: at(1, 3), codes: [] }])).toThrow(/no tag there/);
  });
});
