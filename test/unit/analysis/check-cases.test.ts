// Each check on tiny in-memory rules: when it fires and when it stays quiet, the finding's place (the tag,
// or the rule when there is none), its arguments, and when it offers a fix (only when the fix is unambiguous).
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/analysis/checks/index.js';
import { missingTacticTag, tacticIdNameConflict, tacticMismatch, unjustifiedTactic, unknownTactic } from '../../../src/analysis/checks/tactic-checks.js';
import { forgottenComma, noTechniqueTag, nonstandardTag, repeatedTag, untaggedRule } from '../../../src/analysis/checks/tag-checks.js';
import { deprecatedTechnique, platformMismatch, revokedTechnique, unknownTechnique } from '../../../src/analysis/checks/technique-checks.js';
import type { Check, CheckContext } from '../../../src/analysis/checks/types.js';
import { NO_FINDINGS, findingsFor, tacticTag } from '../../../src/analysis/checks/findings.js';
import { indexTactics } from '../../../src/analysis/mapping.js';
import type { Catalog } from '../../../src/attack/types.js';
import { catalogOf, mapped, rule, tactic, TACTICS, technique } from '../../helpers/analysis-builders.js';

const CATALOG = catalogOf([
  technique('T1059', { tactics: ['execution'], platforms: ['Linux', 'Windows'] }),
  technique('T1611', { tactics: ['privilege-escalation'], platforms: ['Containers'] }),
  technique('T1610', { tactics: ['execution', 'defense-evasion'], platforms: ['Containers'] }),
  technique('T1529', { tactics: ['impact'], platforms: ['Linux'] }),
  technique('T1112', { tactics: ['defense-evasion'], platforms: ['Windows'] }),
  technique('T1000', { tactics: [], platforms: [] }),
  technique('T1500', { isRevoked: true, revokedBy: ['T1059'], platforms: ['Windows'], tactics: ['impact'] }),
  technique('T1501', { isRevoked: true, revokedBy: ['T1059', 'T1529'] }),
  technique('T1063', { isDeprecated: true, tactics: ['impact'], platforms: ['Windows'] }),
  technique('T1064', { isDeprecated: true, isRevoked: true, revokedBy: ['T1059'] }),
]);

function context(catalog: Catalog = CATALOG, extra: Partial<CheckContext> = {}): CheckContext {
  return { catalog, tactics: indexTactics(catalog), sourcePlatforms: { syscall: ['Linux', 'Containers'], k8s_audit: ['Containers'] }, ...extra };
}

/** Runs one check on one rule with the given tags (tag i sits on line 12 + i, column 9). */
function run(check: Check, tags: string[], extra: Parameters<typeof rule>[2] = {}, ctx = context()) {
  const [m] = mapped(ctx.catalog, rule('R', tags, extra));
  return check.run(m!, ctx);
}

describe('findingAt and tacticTag', () => {
  it('a finding about a tag points at the tag, one about the rule at the rule', () => {
    expect(run(unknownTechnique, ['mitre_execution', 'T9999'])).toEqual([
      { code: 'unknown-technique', severity: 'error', rule: 'R', file: 'rules.yaml', line: 13, column: 9, tag: 'T9999', technique: 'T9999' },
    ]);
    expect(run(untaggedRule, ['maturity_stable', 'container'])).toEqual([{ code: 'untagged-rule', severity: 'info', rule: 'R', file: 'rules.yaml', line: 10, column: 3 }]);
  });

  it('writes a tactic as Falco tags it, every hyphen an underscore', () => {
    expect(tacticTag('command-and-control')).toBe('mitre_command_and_control');
    expect(tacticTag('impact')).toBe('mitre_impact');
  });
});

describe('a rule with nothing to find costs nothing', () => {
  // 10,000 rules × 11 checks mostly find nothing: each check then answers the one shared, frozen empty
  // list (an allocation saved per call); these pin that, shortcuts included, so none goes unnoticed.
  it('every check answers NO_FINDINGS itself for a clean rule', () => {
    for (const check of CHECKS) expect(run(check, ['maturity_stable', 'mitre_execution', 'T1059']), check.code).toBe(NO_FINDINGS);
    expect(Object.isFrozen(NO_FINDINGS)).toBe(true);
  });

  it('tactic-id-name-conflict needs a tactic ID tag and a tactic name tag before it looks further', () => {
    expect(run(tacticIdNameConflict, ['mitre_execution', 'mitre_impact', 'T1059'])).toBe(NO_FINDINGS);
    expect(run(tacticIdNameConflict, ['TA0002', 'T1059'])).toBe(NO_FINDINGS);
    expect(run(tacticIdNameConflict, ['TA0002', 'mitre_execution', 'T1059'])).toEqual([]);
  });

  it('findingsFor makes a finding for each match, in order, and allocates only when one matches', () => {
    const make = (n: number) => ({ code: `c${n}`, severity: 'info' as const, rule: 'R', file: 'f', line: n, column: 1 });
    expect(findingsFor([1, 2, 3, 4], (n) => n % 2 === 0, make)).toEqual([make(2), make(4)]);
    expect(findingsFor([1, 3], (n) => n % 2 === 0, make)).toBe(NO_FINDINGS);
    expect(findingsFor([], () => true, make)).toBe(NO_FINDINGS);
  });
});

describe('the registry', () => {
  it('lists every check once, in the order their findings are listed', () => {
    expect(CHECKS.map((c) => c.code)).toEqual([
      'unknown-technique', 'revoked-technique', 'deprecated-technique', 'tactic-mismatch', 'unjustified-tactic', 'tactic-id-name-conflict',
      'unknown-tactic', 'missing-tactic-tag', 'nonstandard-tag', 'repeated-tag', 'platform-mismatch', 'untagged-rule', 'no-technique-tag', 'skipped-rule',
    ]);
  });

  it('gives each check a severity and a one-line description', () => {
    const severities = Object.fromEntries(CHECKS.map((c) => [c.code, c.severity]));
    expect(severities).toEqual({
      'unknown-technique': 'error', 'revoked-technique': 'error', 'deprecated-technique': 'warning', 'tactic-mismatch': 'error', 'unjustified-tactic': 'warning',
      'tactic-id-name-conflict': 'error', 'unknown-tactic': 'error', 'missing-tactic-tag': 'warning', 'nonstandard-tag': 'warning', 'repeated-tag': 'info', 'platform-mismatch': 'warning', 'untagged-rule': 'info', 'no-technique-tag': 'info', 'skipped-rule': 'warning',
    });
    for (const c of CHECKS) expect(c.description).toMatch(/^[A-Z].{20,}\.$/);
  });
});

describe('technique checks', () => {
  it('unknown-technique: only technique IDs ATT&CK does not have, revoked and deprecated ones being known', () => {
    expect(run(unknownTechnique, ['T1059', 'T1500', 'T1063', 'mitre_bogus', 'TA9999', 'T9999.001']).map((f) => f.tag)).toEqual(['T9999.001']);
  });

  it('revoked-technique: offers the replacement when there is exactly one', () => {
    expect(run(revokedTechnique, ['T1500', 'T1501', 'T1059', 'T1063'])).toEqual([
      expect.objectContaining({ code: 'revoked-technique', tag: 'T1500', technique: 'T1500', args: { replacements: ['T1059'] }, fix: { tag: 'T1500', with: ['T1059'] } }),
      { code: 'revoked-technique', severity: 'error', rule: 'R', file: 'rules.yaml', line: 13, column: 9, tag: 'T1501', technique: 'T1501', args: { replacements: ['T1059', 'T1529'] } },
    ]);
  });

  it('deprecated-technique: deprecated and not revoked (a revoked one is reported as revoked)', () => {
    expect(run(deprecatedTechnique, ['T1063', 'T1064', 'T1500', 'T1059'])).toEqual([
      { code: 'deprecated-technique', severity: 'warning', rule: 'R', file: 'rules.yaml', line: 12, column: 9, tag: 'T1063', technique: 'T1063' },
    ]);
  });

  it('platform-mismatch: a technique none of whose platforms the source observes', () => {
    expect(run(platformMismatch, ['T1112', 'T1059', 'T1611', 'T1000', 'T1500', 'T1063'])).toEqual([
      expect.objectContaining({ code: 'platform-mismatch', tag: 'T1112', technique: 'T1112', args: { platforms: ['Windows'], source: 'syscall', observable: ['Linux', 'Containers'] } }),
      expect.objectContaining({ tag: 'T1063', technique: 'T1063' }),
    ]);
    expect(run(platformMismatch, ['T1059'], { source: 'k8s_audit' }).map((f) => f.tag)).toEqual(['T1059']);
  });

  it('platform-mismatch: says nothing for a source it knows no platforms of', () => {
    expect(run(platformMismatch, ['T1112'], { source: 'my_plugin' })).toEqual([]);
    expect(run(platformMismatch, ['T1112'], { source: 'constructor' })).toEqual([]);
  });
});

describe('tactic-mismatch', () => {
  it('fires when none of a technique’s tactics is tagged, offering the tactic of a single-tactic technique', () => {
    expect(run(tacticMismatch, ['mitre_execution', 'T1611', 'T1059'])).toEqual([
      { code: 'tactic-mismatch', severity: 'error', rule: 'R', file: 'rules.yaml', line: 13, column: 9, tag: 'T1611', technique: 'T1611', tactic: 'execution', args: { techniqueTactics: ['privilege-escalation'], ruleTactics: ['execution'] }, fix: { with: ['mitre_privilege_escalation'] } },
    ]);
  });

  it('offers no fix for a technique with several tactics, and names the first tactic tagged', () => {
    const [f] = run(tacticMismatch, ['mitre_impact', 'TA0004', 'T1610']);
    expect(f).toMatchObject({ tag: 'T1610', tactic: 'impact', args: { techniqueTactics: ['execution', 'defense-evasion'], ruleTactics: ['impact', 'privilege-escalation'] } });
    expect(f).not.toHaveProperty('fix');
  });

  it('counts tactics tagged by ID, and stays quiet with no tactic tag or for techniques it cannot judge', () => {
    expect(run(tacticMismatch, ['TA0004', 'T1611'])).toEqual([]);
    expect(run(tacticMismatch, ['T1611'])).toEqual([]);
    expect(run(tacticMismatch, ['mitre_execution', 'T1500', 'T1063', 'T1000'])).toEqual([]);
  });
});

describe('unjustified-tactic', () => {
  it('fires for a tactic none of the techniques belongs to, offering its removal when a justified one stays', () => {
    expect(run(unjustifiedTactic, ['mitre_execution', 'mitre_impact', 'T1059', 'T1610'])).toEqual([
      { code: 'unjustified-tactic', severity: 'warning', rule: 'R', file: 'rules.yaml', line: 13, column: 9, tag: 'mitre_impact', tactic: 'impact', args: { techniques: ['T1059', 'T1610'], justified: ['execution', 'defense-evasion'] }, fix: { tag: 'mitre_impact', with: [] } },
    ]);
  });

  it('offers the removal when every technique has one tactic (tactic-mismatch will add it)', () => {
    expect(run(unjustifiedTactic, ['mitre_impact', 'T1059'])[0]!.fix).toEqual({ tag: 'mitre_impact', with: [] });
  });

  it('offers no removal when it would leave the rule without a tactic nobody can name', () => {
    const [f] = run(unjustifiedTactic, ['mitre_impact', 'T1610']);
    expect(f).toMatchObject({ tag: 'mitre_impact' });
    expect(f).not.toHaveProperty('fix');
  });

  it('offers no removal when no justified tactic is tagged and one technique has several tactics', () => {
    expect(run(unjustifiedTactic, ['mitre_impact', 'T1059', 'T1610'])[0]).not.toHaveProperty('fix');
  });

  it('offers no removal while a technique tag does not count: an unknown ID (a typo), a revoked or a deprecated one may be the tactic\'s', () => {
    // QA: mitre_discovery, T1803 (for T1083), mitre_credential_access, T1552.003: the fix removed mitre_discovery.
    for (const uncounted of ['T9999', 'T1500', 'T1063']) {
      const [f] = run(unjustifiedTactic, ['mitre_execution', 'mitre_impact', 'T1059', uncounted]);
      expect(f).toMatchObject({ tag: 'mitre_impact' });
      expect(f).not.toHaveProperty('fix');
    }
  });

  it('stays quiet for a rule without techniques that count', () => {
    expect(run(unjustifiedTactic, ['mitre_impact', 'T1500', 'T9999'])).toEqual([]);
    expect(run(unjustifiedTactic, ['mitre_execution', 'T1059'])).toEqual([]);
  });
});

describe('tactic-id-name-conflict', () => {
  it('keeps the side the techniques justify: the ID one gets its name tag added', () => {
    expect(run(tacticIdNameConflict, ['mitre_impact', 'TA0002', 'T1059'])).toEqual([
      { code: 'tactic-id-name-conflict', severity: 'error', rule: 'R', file: 'rules.yaml', line: 13, column: 9, tag: 'TA0002', tactic: 'execution', args: { tacticId: 'TA0002', names: ['impact'] }, fix: { with: ['mitre_execution'] } },
    ]);
  });

  it('is a warning when the techniques justify both sides (two right tactics spelled two ways), an error when one side is wrong', () => {
    // T1610 is execution and defense-evasion: mitre_execution and TA0005 are both right.
    expect(run(tacticIdNameConflict, ['mitre_execution', 'TA0005', 'T1610']).map((f) => [f.severity, f.fix])).toEqual([['warning', { with: ['mitre_defense_evasion'] }]]);
    // The ID side right, a name wrong (impact): still a contradiction.
    expect(run(tacticIdNameConflict, ['mitre_execution', 'mitre_impact', 'TA0005', 'T1610']).map((f) => f.severity)).toEqual(['error']);
    // The ID side wrong (TA0040, impact), the name right: an error.
    expect(run(tacticIdNameConflict, ['mitre_execution', 'TA0040', 'T1610']).map((f) => f.severity)).toEqual(['error']);
  });

  it('keeps the side the techniques justify: the name one replaces the ID tag by its own ID', () => {
    expect(run(tacticIdNameConflict, ['mitre_execution', 'TA0040', 'T1059'])[0]!.fix).toEqual({ tag: 'TA0040', with: ['TA0002'] });
  });

  it('counts only the names without an ID tag of their own when looking for the one to keep', () => {
    // execution has no ID tag, impact has TA0040: so execution is the one name TA0004 conflicts with.
    expect(run(tacticIdNameConflict, ['mitre_execution', 'mitre_impact', 'TA0040', 'TA0004', 'T1059'])).toEqual([
      expect.objectContaining({ tag: 'TA0004', tactic: 'privilege-escalation', args: { tacticId: 'TA0004', names: ['execution', 'impact'] }, fix: { tag: 'TA0004', with: ['TA0002'] } }),
    ]);
  });

  it('offers no fix when the techniques justify neither, or several names have no ID', () => {
    expect(run(tacticIdNameConflict, ['mitre_execution', 'TA0040'])[0]).not.toHaveProperty('fix');
    expect(run(tacticIdNameConflict, ['mitre_execution', 'mitre_defense_evasion', 'TA0040', 'T1059'])[0]).not.toHaveProperty('fix');
    expect(run(tacticIdNameConflict, ['mitre_execution', 'mitre_impact', 'TA0040', 'T1059'])).toEqual([]);
  });

  it('stays quiet when ID and name tags agree, or only one kind is written', () => {
    expect(run(tacticIdNameConflict, ['mitre_execution', 'TA0002', 'T1529'])).toEqual([]);
    expect(run(tacticIdNameConflict, ['TA0002', 'TA0040', 'T1059'])).toEqual([]);
    expect(run(tacticIdNameConflict, ['mitre_execution', 'mitre_impact', 'T1059'])).toEqual([]);
  });
});

describe('unknown-tactic', () => {
  const near = catalogOf([], { tactics: [...TACTICS, tactic('abc-x', 'TA0100'), tactic('abc-y', 'TA0101')] });

  it('fires for a tactic name or ID not in the matrix', () => {
    expect(run(unknownTactic, ['mitre_nothing_like_it', 'TA9999', 'mitre_execution', 'TA0002', 'T9999'])).toEqual([
      { code: 'unknown-tactic', severity: 'error', rule: 'R', file: 'rules.yaml', line: 12, column: 9, tag: 'mitre_nothing_like_it', tactic: 'nothing-like-it' },
      { code: 'unknown-tactic', severity: 'error', rule: 'R', file: 'rules.yaml', line: 13, column: 9, tag: 'TA9999', tactic: 'TA9999' },
    ]);
  });

  it('suggests the one tactic within two edits', () => {
    expect(run(unknownTactic, ['mitre_impakt'])[0]).toMatchObject({ tactic: 'impakt', args: { suggestion: 'impact' }, fix: { tag: 'mitre_impakt', with: ['mitre_impact'] } });
    expect(run(unknownTactic, ['mitre_defense_evasoin'])[0]).toMatchObject({ fix: { with: ['mitre_defense_evasion'] } });
    expect(run(unknownTactic, ['mitre_defense_evxtxin'])[0]).not.toHaveProperty('fix');
  });

  it('suggests the nearest of several candidates, and none when two are as near', () => {
    expect(run(unknownTactic, ['mitre_abc_xx'], {}, context(near))[0]).toMatchObject({ args: { suggestion: 'abc-x' } });
    expect(run(unknownTactic, ['mitre_abc_yz'], {}, context(near))[0]).toMatchObject({ args: { suggestion: 'abc-y' } });
    const tie = run(unknownTactic, ['mitre_abc_z'], {}, context(near))[0]!;
    expect(tie).not.toHaveProperty('fix');
    expect(tie).not.toHaveProperty('args');
  });

  it('offers the new name of a tactic an ATT&CK upgrade renamed', () => {
    const renamed = run(unknownTactic, ['mitre_impakt'], {}, context(CATALOG, { tacticRenames: { impakt: 'execution' } }));
    expect(renamed).toEqual([{ code: 'unknown-tactic', severity: 'error', rule: 'R', file: 'rules.yaml', line: 12, column: 9, tag: 'mitre_impakt', tactic: 'impakt', args: { renamedTo: 'execution' }, fix: { tag: 'mitre_impakt', with: ['mitre_execution'] } }]);
    expect(run(unknownTactic, ['mitre_impakt'], {}, context(CATALOG, { tacticRenames: { other: 'execution' } }))[0]).toMatchObject({ args: { suggestion: 'impact' } });
    expect(run(unknownTactic, ['mitre_constructor'], {}, context(CATALOG, { tacticRenames: {} }))[0]).not.toHaveProperty('fix');
  });
  it('reads an abbreviation as the tactic it stands for, when the matrix has that tactic, and a near miss with digits', () => {
    expect(run(unknownTactic, ['mitre_privesc'])[0]).toMatchObject({ tactic: 'privesc', args: { suggestion: 'privilege-escalation' }, fix: { tag: 'mitre_privesc', with: ['mitre_privilege_escalation'] } });
    expect(run(unknownTactic, ['mitre_impact2'])[0]).toMatchObject({ tactic: 'impact2', args: { suggestion: 'impact' }, fix: { tag: 'mitre_impact2', with: ['mitre_impact'] } });
    // c2 stands for command-and-control, which this small matrix does not have: no suggestion then.
    const [c2] = run(unknownTactic, ['mitre_c2']);
    expect(c2).toMatchObject({ code: 'unknown-tactic', tactic: 'c2' });
    expect(c2).not.toHaveProperty('fix');
    // `constructor` is no abbreviation, whatever objects inherit.
    expect(run(unknownTactic, ['mitre_constructor'])[0]).not.toHaveProperty('args');
  });
});

describe('missing-tactic-tag', () => {
  it('fires on the first technique tag of a rule with techniques and no tactic tag, offering the tactics', () => {
    expect(run(missingTacticTag, ['container', 'T1529', 'T1059', 'T1059'])).toEqual([
      { code: 'missing-tactic-tag', severity: 'warning', rule: 'R', file: 'rules.yaml', line: 13, column: 9, tag: 'T1529', technique: 'T1529', args: { tactics: ['impact', 'execution'] }, fix: { with: ['mitre_impact', 'mitre_execution'] } },
    ]);
  });

  it('points at the tag of the technique it names, past revoked and deprecated ones', () => {
    expect(run(missingTacticTag, ['T1500', 'T1063', 'T1529'])).toEqual([
      { code: 'missing-tactic-tag', severity: 'warning', rule: 'R', file: 'rules.yaml', line: 14, column: 9, tag: 'T1529', technique: 'T1529', args: { tactics: ['impact'] }, fix: { with: ['mitre_impact'] } },
    ]);
  });

  it('offers no fix when a technique has several tactics', () => {
    const [f] = run(missingTacticTag, ['T1610']);
    expect(f).toMatchObject({ args: { tactics: ['execution', 'defense-evasion'] } });
    expect(f).not.toHaveProperty('fix');
  });

  it('offers no fix when any one of the techniques has several tactics', () => {
    expect(run(missingTacticTag, ['T1059', 'T1610'])[0]).not.toHaveProperty('fix');
  });

  it('stays quiet with any tactic tag (even an unknown one) or no technique that counts', () => {
    expect(run(missingTacticTag, ['T1529', 'mitre_bogus'])).toEqual([]);
    expect(run(missingTacticTag, ['T1500', 'T9999'])).toEqual([]);
    expect(run(missingTacticTag, [])).toEqual([]);
  });
});

describe('tag checks', () => {
  it('nonstandard-tag: technique and known tactic tags in another spelling, with the conventional one', () => {
    expect(run(nonstandardTag, ['t1059', 'attack.execution', 'T1059', 'mitre_execution', 'tactic=bogus', 'maturity_stable', 'container'])).toEqual([
      { code: 'nonstandard-tag', severity: 'warning', rule: 'R', file: 'rules.yaml', line: 12, column: 9, tag: 't1059', args: { conventional: 'T1059' }, fix: { tag: 't1059', with: ['T1059'] } },
      expect.objectContaining({ tag: 'attack.execution', args: { conventional: 'mitre_execution' }, fix: { tag: 'attack.execution', with: ['mitre_execution'] } }),
    ]);
  });

  it('nonstandard-tag: several tags written as one, with each part in its conventional spelling as the fix', () => {
    const tags = ['T1059,mitre_execution', 'mitre_execution T1059', 't1059.004; attack.execution, maturity_stable', 'T1059,T1059', 'a,b', 'maturity_stable,host', 'T1059,', 'maturity_stable,maturity_incubating', ' ,T1059', ' T1059 ,mitre_execution', 'mitre_execution;maturity_stable', 'container, T1059', 'T1059 container', 'T1059, not a tag!', 'T1059, !x', 'mitre_execution maturity_stable'];
    expect(run(nonstandardTag, tags).map((f) => [f.tag, f.args, f.fix])).toEqual([
      ['T1059,mitre_execution', { conventional: 'T1059, mitre_execution', parts: ['T1059', 'mitre_execution'] }, { tag: 'T1059,mitre_execution', with: ['T1059', 'mitre_execution'] }],
      ['mitre_execution T1059', { conventional: 'mitre_execution, T1059', parts: ['mitre_execution', 'T1059'] }, { tag: 'mitre_execution T1059', with: ['mitre_execution', 'T1059'] }],
      ['t1059.004; attack.execution, maturity_stable', { conventional: 'T1059.004, mitre_execution, maturity_stable', parts: ['T1059.004', 'mitre_execution', 'maturity_stable'] }, expect.anything()],
      // The same tag twice is one.
      ['T1059,T1059', { conventional: 'T1059', parts: ['T1059'] }, { tag: 'T1059,T1059', with: ['T1059'] }],
      // One ID with a sign beside it is that ID, not written as Falco writes it (QA: such tags covered nothing, unsaid).
      ['T1059,', { conventional: 'T1059' }, { tag: 'T1059,', with: ['T1059'] }],
      [' ,T1059', { conventional: 'T1059' }, { tag: ' ,T1059', with: ['T1059'] }],
      // Blanks around the parts are separators too; a tactic with a maturity is ATT&CK enough.
      [' T1059 ,mitre_execution', { conventional: 'T1059, mitre_execution', parts: ['T1059', 'mitre_execution'] }, { tag: ' T1059 ,mitre_execution', with: ['T1059', 'mitre_execution'] }],
      ['mitre_execution;maturity_stable', { conventional: 'mitre_execution, maturity_stable', parts: ['mitre_execution', 'maturity_stable'] }, expect.anything()],
      // Commas make it a list typed as one string: a word-like tag of Falco's own (container) is one of its parts. Blanks
      // alone do not (`T1562 Impair Defenses` is an ID with its name), nor does a part that is no tag at all.
      ['container, T1059', { conventional: 'container, T1059', parts: ['container', 'T1059'] }, { tag: 'container, T1059', with: ['container', 'T1059'] }],
      // Blanks alone: an ID and one word that does not begin its name ("Technique T1059") is two tags, the comma forgotten.
      ['T1059 container', { conventional: 'T1059, container', parts: ['T1059', 'container'] }, { tag: 'T1059 container', with: ['T1059', 'container'] }],
      // A maturity is a part with blanks alone as well.
      ['mitre_execution maturity_stable', { conventional: 'mitre_execution, maturity_stable', parts: ['mitre_execution', 'maturity_stable'] }, expect.anything()],
    ]);
    // A part that is no ATT&CK tag or maturity (container, a, b), no ATT&CK part at all, or one part only: left alone.
  });

  it('nonstandard-tag: a sub-technique number after a blank is the ID\'s, not a forgotten comma (QA: T1548 .001 was offered as T1548.001, .001)', () => {
    const named = context(catalogOf([technique('T1059', { name: 'Command and Scripting Interpreter' }), technique('T1059.004', { name: 'Unix Shell' })]));
    const tags = ['T1059 .004', 'T1059 004'];
    expect(run(nonstandardTag, tags, {}, named).map((f) => [f.tag, f.fix!.with])).toEqual(tags.map((tag) => [tag, ['T1059.004']]));
  });

  it('nonstandard-tag: an ID and words after blanks is the ID with its name when the first word begins the name, else several tags', () => {
    const named = context(catalogOf([technique('T1059', { name: 'Command and Scripting Interpreter' }), technique('T1574.006', { name: 'LD_PRELOAD' }), technique('T1562', { name: 'Impair Defenses' })]));
    const tags = ['T1059 command', 'T1059 Command-and-Scripting-Interpreter', 'T1574.006 ld_preload', 'T1562 impair-defenses', 'T1562 Impair Defenses', 'T1059 shell', 'T1562 container', ' T1562  k8s ', 'T1059 comm', 'T1059 interpreter', 'T9999 container', 'T1059_shell', 'T1059 container host', 'T1059  k8s\tcontainer_drift ', 'T1059 command shell', 'T1059 Unix Shell', 'T1059 container Host', 'T1059 container host!'];
    expect(run(nonstandardTag, tags, {}, named).map((f) => [f.tag, f.fix!.with])).toEqual([
      // The word begins the name, in any case, with hyphens or underscores for blanks: the ID alone.
      ['T1059 command', ['T1059']],
      ['T1059 Command-and-Scripting-Interpreter', ['T1059']],
      ['T1574.006 ld_preload', ['T1574.006']],
      ['T1562 impair-defenses', ['T1562']],
      // Several words are read as a name, as before.
      ['T1562 Impair Defenses', ['T1562']],
      ['T1059 shell', ['T1059', 'shell']],
      ['T1562 container', ['T1562', 'container']],
      [' T1562  k8s ', ['T1562', 'k8s']],
      // A word that is part of a name's word, or a later word of it, is no beginning of the name.
      ['T1059 comm', ['T1059', 'comm']],
      ['T1059 interpreter', ['T1059', 'interpreter']],
      // T9999 is not in the catalog: no name to tell by, the ID alone as before. T1059_shell is one made-up tag.
      ['T9999 container', ['T9999']],
      ['T1059_shell', ['T1059']],
      // Several words written as Falco writes tags, the first not beginning the name: each a tag.
      ['T1059 container host', ['T1059', 'container', 'host']],
      ['T1059  k8s\tcontainer_drift ', ['T1059', 'k8s', 'container_drift']],
      // The first word begins the name, a capital, or a character no Falco tag has: a name (a wrong one, perhaps).
      ['T1059 command shell', ['T1059']],
      ['T1059 Unix Shell', ['T1059']],
      ['T1059 container Host', ['T1059']],
      ['T1059 container host!', ['T1059']],
    ]);
  });

  it('forgottenComma: the word after an ID at the start of the tag, unless it begins the name however it is spelt', () => {
    const name = 'Impair Defenses: Disable or Modify Tools';
    expect(forgottenComma('T1562 container', name)).toEqual(['container']);
    expect(forgottenComma('T1562.001 container', name)).toEqual(['container']);
    expect(forgottenComma('t1562\tContainer', name)).toEqual(['Container']);
    expect(forgottenComma('T1562 container host_2', name)).toEqual(['container', 'host_2']);
    // Any run of blanks between the words; one word must be tag characters from its start to its end.
    expect(forgottenComma('T1562 container  \t host', name)).toEqual(['container', 'host']);
    for (const tag of ['T1562 container!', 'T1562 !container']) expect(forgottenComma(tag, name), tag).toBeUndefined();
    // Several words: only lower-case tag words, the first not beginning the name.
    for (const tag of ['T1562 container Host', 'T1562 container-host x', 'T1562 impair container']) expect(forgottenComma(tag, name), tag).toBeUndefined();
    // The ID must start the tag (blanks aside), with its sub-technique's three digits.
    expect(forgottenComma('x T1562 container', name)).toBeUndefined();
    expect(forgottenComma('T1562.abc container', name)).toBeUndefined();
    // Runs of blanks and punctuation, at the end too, are one space: these all begin the name.
    for (const tag of ['T1562 impair--defenses', 'T1562 impair-', 'T1562 IMPAIR_DEFENSES:DISABLE', 'T1562.001 impair-defenses:-disable']) expect(forgottenComma(tag, name)).toBeUndefined();
    expect(forgottenComma('T1562 container', undefined)).toBeUndefined();
  });

  it('repeated-tag: each later writing of a value the list already has, exactly as written, with its removal as the fix', () => {
    // T1059 twice and mitre_execution three times; t1059 is another string (another tag in Falco's set), host once.
    expect(run(repeatedTag, ['mitre_execution', 'T1059', 'host', 'T1059', 't1059', 'mitre_execution', 'mitre_execution'])).toEqual([
      { code: 'repeated-tag', severity: 'info', rule: 'R', file: 'rules.yaml', line: 15, column: 9, tag: 'T1059', fix: { tag: 'T1059', with: [] } },
      expect.objectContaining({ line: 17, tag: 'mitre_execution' }),
      expect.objectContaining({ line: 18, tag: 'mitre_execution' }),
    ]);
  });

  it('a repeated tag is checked once: the other checks see the first writing only', () => {
    // Beyond 16 tags the repeats are found by a set rather than a scan: the same answer.
    const filler = Array.from({ length: 16 }, (_, i) => `custom_${i}`);
    for (const extra of [[], filler]) {
      expect(run(unknownTechnique, ['mitre_execution', ...extra, 'T9999', 'T9999'])).toEqual([expect.objectContaining({ line: 13 + extra.length, tag: 'T9999' })]);
      expect(run(unknownTactic, ['mitre_bogus', ...extra, 'mitre_bogus', 'T1059']).map((f) => f.line)).toEqual([12]);
      expect(run(repeatedTag, ['mitre_execution', ...extra, 'T1059', 'T1059']).map((f) => f.line)).toEqual([14 + extra.length]);
      expect(run(repeatedTag, ['mitre_execution', ...extra, 'T1059'])).toBe(NO_FINDINGS);
    }
  });

  it('no-technique-tag: a rule with a tactic ATT&CK knows and no technique tag of any kind, at the rule', () => {
    expect(run(noTechniqueTag, ['mitre_execution', 'TA0002', 'container'])).toEqual([{ code: 'no-technique-tag', severity: 'info', rule: 'R', file: 'rules.yaml', line: 10, column: 3 }]);
    // A technique tag, even one ATT&CK does not know or revoked, is its own finding; an unknown tactic is unknown-tactic's.
    for (const tags of [['mitre_execution', 'T1059'], ['mitre_execution', 'T9999'], ['mitre_impact', 'T1500'], ['mitre_bogus'], ['container'], []]) expect(run(noTechniqueTag, tags), tags.join()).toBe(NO_FINDINGS);
  });

  it('untagged-rule: only a rule with no technique or tactic tag at all', () => {
    expect(run(untaggedRule, [])).toHaveLength(1);
    expect(run(untaggedRule, ['T9999'])).toEqual([]);
    expect(run(untaggedRule, ['mitre_bogus'])).toEqual([]);
  });
});
