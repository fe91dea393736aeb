import { describe, expect, it } from 'vitest';
import { editDistance, parseTag } from '../../../src/falco/tags.js';

describe('parseTag', () => {
  const table: [string, object][] = [
    ['T1059', { kind: 'technique', id: 'T1059', isConventional: true }],
    ['T1059.004', { kind: 'technique', id: 'T1059.004', isConventional: true }],
    ['TA0002', { kind: 'tactic', tacticId: 'TA0002', isConventional: true }],
    ['mitre_privilege_escalation', { kind: 'tactic', shortname: 'privilege-escalation', isConventional: true }],
    ['maturity_stable', { kind: 'maturity', level: 'stable' }],
    ['container', { kind: 'other' }],
    ['PCI_DSS_10.2.5', { kind: 'other' }],
    // Forms from the wild and from LLM output: read, but not conventional.
    ['tactic=impact', { kind: 'tactic', shortname: 'impact', conventional: 'mitre_impact', isConventional: false }],
    ['technique=T1529', { kind: 'technique', id: 'T1529', isConventional: false }],
    ['technique_id=T1529', { kind: 'technique', id: 'T1529', isConventional: false }],
    ['attack.t1059.004', { kind: 'technique', id: 'T1059.004', isConventional: false }],
    ['attack.defense_evasion', { kind: 'tactic', shortname: 'defense-evasion', conventional: 'mitre_defense_evasion', isConventional: false }],
    ['t1059', { kind: 'technique', id: 'T1059', isConventional: false }],
    ['ta0005', { kind: 'tactic', tacticId: 'TA0005', isConventional: false }],
    ['T1562-impair-defenses', { kind: 'technique', id: 'T1562', isConventional: false }],
    ['TA0005-defense-evasion', { kind: 'tactic', tacticId: 'TA0005', isConventional: false }],
    ['mitre_defense-evasion', { kind: 'tactic', shortname: 'defense-evasion', conventional: 'mitre_defense_evasion', isConventional: false }],
    ['MITRE_Execution', { kind: 'tactic', shortname: 'execution', isConventional: false }],
    ['tactic=TA0040', { kind: 'tactic', tacticId: 'TA0040', isConventional: false }],
    ['mitre_data-destruction', { kind: 'tactic', shortname: 'data-destruction', isConventional: false }],
  ];
  for (const [tag, expected] of table) {
    it(`reads ${tag}`, () => expect(parseTag(tag)).toMatchObject(expected));
  }
});

describe('editDistance', () => {
  it('counts single edits', () => {
    expect(editDistance('defense-evation', 'defense-evasion')).toBe(1);
    expect(editDistance('impact', 'impact')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
