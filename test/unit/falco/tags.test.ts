import { describe, expect, it } from 'vitest';
import { editDistance, parseTag } from '../../../src/falco/tags.js';

describe('parseTag', () => {
  const table: [string, object][] = [
    ['T1059', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: true }],
    ['T1059.004', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: true }],
    ['TA0002', { kind: 'tactic', tacticId: 'TA0002', conventional: 'TA0002', isConventional: true }],
    ['mitre_privilege_escalation', { kind: 'tactic', shortname: 'privilege-escalation', conventional: 'mitre_privilege_escalation', isConventional: true }],
    ['maturity_stable', { kind: 'maturity', level: 'stable' }],
    ['container', { kind: 'other' }],
    ['PCI_DSS_10.2.5', { kind: 'other' }],
    // Forms from the wild and from LLM output: read, but not conventional.
    ['tactic=impact', { kind: 'tactic', shortname: 'impact', conventional: 'mitre_impact', isConventional: false }],
    ['technique=T1529', { kind: 'technique', id: 'T1529', conventional: 'T1529', isConventional: false }],
    ['technique_id=T1529', { kind: 'technique', id: 'T1529', conventional: 'T1529', isConventional: false }],
    ['attack.t1059.004', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['attack.defense_evasion', { kind: 'tactic', shortname: 'defense-evasion', conventional: 'mitre_defense_evasion', isConventional: false }],
    ['t1059', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['ta0005', { kind: 'tactic', tacticId: 'TA0005', conventional: 'TA0005', isConventional: false }],
    ['T1562-impair-defenses', { kind: 'technique', id: 'T1562', conventional: 'T1562', isConventional: false }],
    ['TA0005-defense-evasion', { kind: 'tactic', tacticId: 'TA0005', conventional: 'TA0005', isConventional: false }],
    ['mitre_defense-evasion', { kind: 'tactic', shortname: 'defense-evasion', conventional: 'mitre_defense_evasion', isConventional: false }],
    ['MITRE_Execution', { kind: 'tactic', shortname: 'execution', conventional: 'mitre_execution', isConventional: false }],
    ['tactic=TA0040', { kind: 'tactic', tacticId: 'TA0040', conventional: 'TA0040', isConventional: false }],
    ['mitre_data-destruction', { kind: 'tactic', shortname: 'data-destruction', conventional: 'mitre_data_destruction', isConventional: false }],
    // Near misses: read so that the typo is a finding (nonstandard-tag with the padded ID, unknown-technique or
    // unknown-tactic), never a tag that counts for nothing in silence.
    ['T1059.04', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['t1059.4', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['T1059-004', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['T1059_4', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['T01059', { kind: 'technique', id: 'T01059', conventional: 'T01059', isConventional: true }],
    ['t105', { kind: 'technique', id: 'T105', conventional: 'T105', isConventional: true }],
    ['T1059.0004', { kind: 'technique', id: 'T1059.0004', conventional: 'T1059.0004', isConventional: true }],
    ['ta002', { kind: 'tactic', tacticId: 'TA002', conventional: 'TA002', isConventional: true }],
    ['mitre_c2', { kind: 'tactic', shortname: 'c2', conventional: 'mitre_c2', isConventional: false }],
    ['mitre_impact2', { kind: 'tactic', shortname: 'impact2', conventional: 'mitre_impact2', isConventional: false }],
    ['mitre_execution.', { kind: 'tactic', shortname: 'execution', conventional: 'mitre_execution', isConventional: false }],
    ['MITRE.Lateral Movement!', { kind: 'tactic', shortname: 'lateral-movement', conventional: 'mitre_lateral_movement', isConventional: false }],
    // QA: blanks inside an ID, a sign around it, an invisible character in it, a look-alike T, mitre and a blank.
    ['T 1059', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['T1059 .004', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['=T1059', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['T1059\u200b', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['\u0422\u0031\u0030\u0035\u0039', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['\u03a41059.004', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['mitre execution', { kind: 'tactic', shortname: 'execution', conventional: 'mitre_execution', isConventional: false }],
    ['mitre \t execution', { kind: 'tactic', shortname: 'execution', conventional: 'mitre_execution', isConventional: false }],
    // Each invisible character and look-alike the reader knows, and signs at either end.
    ['T1059\u00ad', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['T10\u200f59', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['T10\u206059', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['T10\u206459', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['\ufeffT1059', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['\u04421059', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['\u03c41059.004', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['"T1059"', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['(T1059.004)!', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['T1059x', { kind: 'technique', id: 'T1059X', conventional: 'T1059X', isConventional: true }],
    ['\u00e91059', { kind: 'other' }],
    // An invisible character the reader does not know, inside the ID (at an end it is a sign like any other).
    ['T10\u206559', { kind: 'other' }],
    ['T1059\u2065', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['\u0422A0002', { kind: 'other' }],
    // Each form exactly, not only where a later, looser form would read it alike.
    // A space around a tag is part of it for Falco (falco -T T1059 does not select "T1059 "): read, not conventional.
    [' T1059 ', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['T1059 ', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    [' TA0002', { kind: 'tactic', tacticId: 'TA0002', conventional: 'TA0002', isConventional: false }],
    ['mitre_execution\t', { kind: 'tactic', shortname: 'execution', conventional: 'mitre_execution', isConventional: false }],
    // mitre and a technique ID with any of the usual separators.
    ['mitre:T1003', { kind: 'technique', id: 'T1003', conventional: 'T1003', isConventional: false }],
    ['mitre.t1003.008', { kind: 'technique', id: 'T1003.008', conventional: 'T1003.008', isConventional: false }],
    ['mitre_lateral__movement', { kind: 'tactic', shortname: 'lateral-movement', conventional: 'mitre_lateral_movement', isConventional: false }],
    ['mitre_lateral..movement', { kind: 'tactic', shortname: 'lateral-movement', conventional: 'mitre_lateral_movement', isConventional: false }],
    ['mitre_-execution', { kind: 'tactic', shortname: 'execution', conventional: 'mitre_execution', isConventional: false }],
    // A separator at the end is no part of the name, as for mitre_execution. above: execution, in another spelling.
    ['mitre_execution_', { kind: 'tactic', shortname: 'execution', conventional: 'mitre_execution', isConventional: false }],
    // Runs of separators at either end go whole, however they came.
    ['mitre_execution--', { kind: 'tactic', shortname: 'execution', conventional: 'mitre_execution', isConventional: false }],
    ['tactic=--impact--', { kind: 'tactic', shortname: 'impact', conventional: 'mitre_impact', isConventional: false }],
    ['tactic=lateral__ movement', { kind: 'tactic', shortname: 'lateral-movement', conventional: 'mitre_lateral_movement', isConventional: false }],
    ['MITRE_ Execution', { kind: 'tactic', shortname: 'execution', conventional: 'mitre_execution', isConventional: false }],
    ['mitre_t1059', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['mitre_T1059', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['mitre-T1059.004', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['mitre_t1059x', { kind: 'tactic', shortname: 't1059x', conventional: 'mitre_t1059x', isConventional: false }],
    ['T1562--impair-defenses', { kind: 'technique', id: 'T1562', conventional: 'T1562', isConventional: false }],
    ['mitre_c22', { kind: 'tactic', shortname: 'c22', conventional: 'mitre_c22', isConventional: false }],
    // Neither a letter after mitre_ nor an ID's shape: other.
    ['mitre_123', { kind: 'other' }],
    ['mitre_', { kind: 'other' }],
    ['T12', { kind: 'other' }],
    // A technique ID's shape gone wrong is read as one, so that it is a finding and not a tag that counts for nothing in
    // silence (QA): a separator at the end or between, the T left out; a shape no ID has is unknown as written.
    ['T1059.004.1', { kind: 'technique', id: 'T1059.004.1', conventional: 'T1059.004.1', isConventional: true }],
    ['T1059.004.001', { kind: 'technique', id: 'T1059.004.001', conventional: 'T1059.004.001', isConventional: true }],
    ['T1059.004a', { kind: 'technique', id: 'T1059.004A', conventional: 'T1059.004A', isConventional: true }],
    ['T1059.', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    ['t1059.004-', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['T1059/004', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['1059.004', { kind: 'technique', id: 'T1059.004', conventional: 'T1059.004', isConventional: false }],
    ['T1059a', { kind: 'technique', id: 'T1059A', conventional: 'T1059A', isConventional: true }],
    ['t1059.', { kind: 'technique', id: 'T1059', conventional: 'T1059', isConventional: false }],
    // A bare number is no ID (a year, a port): other; nor is any of these with something before or after it.
    ['2024', { kind: 'other' }],
    ['1059', { kind: 'other' }],
    ['xT1059.', { kind: 'other' }],
    ['1059.0045', { kind: 'other' }],
    ['x1059.004', { kind: 'other' }],
    ['T123!', { kind: 'other' }],
    ['TA12', { kind: 'other' }],
    ['xT1059', { kind: 'other' }],
    ['xmitre_execution', { kind: 'other' }],
    ['mitrexexecution', { kind: 'other' }],
    ['xmitre_t1059', { kind: 'other' }],
    ['mitrext1059', { kind: 'other' }],
    ['xT1059.4', { kind: 'other' }],
    ['TA002x', { kind: 'other' }],
    ['xTA002', { kind: 'other' }],
    // A line break ends what a regular expression's `.` reads: the whole tag must be the tactic.
    ['mitre_c2\nx', { kind: 'other' }],
    ['xmaturity_stable', { kind: 'other' }],
    ['maturity_stable2', { kind: 'other' }],
    ['xattack.execution', { kind: 'other' }],
    ['attack.execution!', { kind: 'other' }],
    ['xT1562-impair', { kind: 'other' }],
  ];
  for (const [tag, expected] of table) {
    it(`reads ${tag}`, () => expect(parseTag(tag)).toEqual(expected));
  }
});

describe('editDistance', () => {
  it('counts single edits', () => {
    expect(editDistance('defense-evation', 'defense-evasion')).toBe(1);
    expect(editDistance('impact', 'impact')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
  });
});
