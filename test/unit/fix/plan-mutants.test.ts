// src/fix/plan.ts: which tag edits lint --fix plans from findings that carry a fix. Each rule below is a tiny
// rules text whose tags show one planning decision; the findings are written by hand with the fix a finding
// of lint carries ({tag, with}: replace `tag` by with[0] and add the rest; with [] removes it; no tag adds).
import { describe, expect, it } from 'vitest';
import type { Finding, TagFix } from '../../../src/coverage-report.js';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import type { Ruleset } from '../../../src/falco/types.js';
import { planFixes } from '../../../src/fix/plan.js';

const rules = (...defs: [string, string[]][]): Ruleset =>
  rulesetFromTexts([{ path: 'f.yaml', text: defs.map(([name, tags]) => `- rule: ${name}\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  tags: [${tags.join(', ')}]\n`).join('') }]);

/** The `tag` as written in `rule` (the n-th occurrence), with its place. */
const place = (ruleset: Ruleset, rule: string, tag: string, n = 0) => ruleset.rules.find((r) => r.name === rule)!.tags.filter((t) => t.value === tag)[n]!;

function finding(ruleset: Ruleset, rule: string, tag: string, code: string, fix?: TagFix): Finding {
  const { file, line, column } = place(ruleset, rule, tag);
  return { code, severity: 'warning', rule, file, line, column, tag, message: code, ...(fix ? { fix } : {}) };
}

describe('planFixes', () => {
  it('replaces a tag, and adds the further values after it', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059', 'TA0011']]);
    const plan = planFixes([finding(rs, 'r', 'TA0011', 'nonstandard-tag', { tag: 'TA0011', with: ['mitre_exfiltration', 'T1041'] })], rs);
    expect(plan.edits).toEqual([
      { kind: 'replace', at: place(rs, 'r', 'TA0011'), value: 'mitre_exfiltration', codes: ['nonstandard-tag'] },
      { kind: 'insert-after', at: place(rs, 'r', 'TA0011'), value: 'T1041', codes: ['nonstandard-tag'] },
    ]);
    expect(plan.skipped).toEqual([]);
  });

  it('lets a replacement win over a removal of the same tag, whichever finding comes first', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059', 'TA0011']]);
    const remove = finding(rs, 'r', 'TA0011', 'unjustified-tactic', { tag: 'TA0011', with: [] });
    const replace = finding(rs, 'r', 'TA0011', 'tactic-mismatch', { tag: 'TA0011', with: ['TA0010'] });
    for (const findings of [[remove, replace], [replace, remove]]) {
      expect(planFixes(findings, rs).edits).toEqual([{ kind: 'replace', at: place(rs, 'r', 'TA0011'), value: 'TA0010', codes: ['tactic-mismatch'] }]);
    }
  });

  it('removes a tag when another tactic stays', () => {
    const rs = rules(['r', ['mitre_execution', 'mitre_impact', 'T1529']]);
    const plan = planFixes([finding(rs, 'r', 'mitre_execution', 'unjustified-tactic', { tag: 'mitre_execution', with: [] })], rs);
    expect(plan.edits).toEqual([{ kind: 'remove', at: place(rs, 'r', 'mitre_execution'), codes: ['unjustified-tactic'] }]);
  });

  it('keeps the last tactic tags of a rule with techniques, and says why', () => {
    const rs = rules(['r', ['mitre_execution', 'mitre_persistence', 'T1610']]);
    const findings = [
      finding(rs, 'r', 'mitre_execution', 'unjustified-tactic', { tag: 'mitre_execution', with: [] }),
      finding(rs, 'r', 'mitre_persistence', 'unjustified-tactic', { tag: 'mitre_persistence', with: [] }),
    ];
    const plan = planFixes(findings, rs);
    expect(plan.edits).toEqual([]);
    expect(plan.skipped).toEqual(findings.map((f) => ({ finding: f, reason: 'removing it would leave no tactic tag, and the techniques do not say which one to keep' })));
  });

  it('removes tactic tags freely from a rule without techniques', () => {
    const rs = rules(['r', ['host', 'mitre_execution']]);
    const plan = planFixes([finding(rs, 'r', 'mitre_execution', 'unknown-tactic', { tag: 'mitre_execution', with: [] })], rs);
    expect(plan.edits).toEqual([{ kind: 'remove', at: place(rs, 'r', 'mitre_execution'), codes: ['unknown-tactic'] }]);
  });

  it('puts a missing tactic before the technique that asked for it, and a technique after a tactic', () => {
    const rs = rules(['r', ['host', 'T1059']], ['s', ['mitre_impact']]);
    const plan = planFixes([
      finding(rs, 'r', 'T1059', 'missing-tactic', { with: ['mitre_execution'] }),
      finding(rs, 's', 'mitre_impact', 'missing-technique', { with: ['T1529'] }),
    ], rs);
    expect(plan.edits).toEqual([
      { kind: 'insert-before', at: place(rs, 'r', 'T1059'), value: 'mitre_execution', codes: ['missing-tactic'] },
      { kind: 'insert-after', at: place(rs, 's', 'mitre_impact'), value: 'T1529', codes: ['missing-technique'] },
    ]);
  });

  it('never plans a tag twice: an insert the rule has, the same insert twice, a replacement that duplicates', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059', 'TA0002']]);
    const plan = planFixes([
      finding(rs, 'r', 'T1059', 'a', { with: ['mitre_execution', 'mitre_impact'] }),
      finding(rs, 'r', 'T1059', 'b', { with: ['mitre_impact'] }),
      finding(rs, 'r', 'TA0002', 'c', { tag: 'TA0002', with: ['mitre_execution'] }),
    ], rs);
    expect(plan.edits).toEqual([
      { kind: 'remove', at: place(rs, 'r', 'TA0002'), codes: ['c'] },
      { kind: 'insert-before', at: place(rs, 'r', 'T1059'), value: 'mitre_impact', codes: ['a'] },
    ]);
  });

  it('removes a tag written twice in a rule it fixes, as a duplicate', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059', 'T1059', 'TA0011']]);
    const plan = planFixes([finding(rs, 'r', 'TA0011', 'nonstandard-tag', { tag: 'TA0011', with: ['mitre_command_and_control'] })], rs);
    expect(plan.edits).toEqual([
      { kind: 'remove', at: place(rs, 'r', 'T1059', 1), codes: ['duplicate'] },
      { kind: 'replace', at: place(rs, 'r', 'TA0011'), value: 'mitre_command_and_control', codes: ['nonstandard-tag'] },
    ]);
  });

  it('skips a finding whose tag is not where it says, and ignores findings without a fix or of other rules', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059']], ['s', ['T1059']]);
    const moved = { ...finding(rs, 'r', 'T1059', 'x', { tag: 'T1059', with: ['T1059.004'] }), line: 99 };
    const noFix = finding(rs, 'r', 'mitre_execution', 'info');
    const plan = planFixes([moved, noFix], rs);
    expect(plan.edits).toEqual([]);
    expect(plan.skipped).toEqual([{ finding: moved, reason: 'the tag is not where the finding says' }]);
    // A finding of rule r at the place of s's tag is not s's.
    const wrongRule = { ...finding(rs, 's', 'T1059', 'y', { tag: 'T1059', with: ['T1059.004'] }), rule: 'r' };
    expect(planFixes([wrongRule], rs).skipped).toHaveLength(1);
  });
});

describe('planFixes: the edge of each decision', () => {
  it('skips a finding on the right line but another column, even when a tag starts that line', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059']]);
    const moved = { ...finding(rs, 'r', 'T1059', 'x', { tag: 'T1059', with: ['T1059.004'] }), column: place(rs, 'r', 'T1059').column + 1 };
    expect(planFixes([moved], rs)).toEqual({ edits: [], skipped: [{ finding: moved, reason: 'the tag is not where the finding says' }] });
  });

  it('skips a finding at the right line and column of another file', () => {
    const text = (name: string) => `- rule: ${name}\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  tags: [mitre_execution, T1059]\n`;
    const rs = rulesetFromTexts([{ path: 'a.yaml', text: text('r') }, { path: 'b.yaml', text: text('s') }]);
    const elsewhere = { ...finding(rs, 's', 'T1059', 'x', { tag: 'T1059', with: ['T1059.004'] }), file: 'a.yaml' };
    expect(planFixes([elsewhere], rs)).toEqual({ edits: [], skipped: [{ finding: elsewhere, reason: 'the tag is not where the finding says' }] });
  });

  it('keeps removals of one tag in the order the findings came', () => {
    const rs = rules(['r', ['mitre_execution', 'mitre_impact', 'T1529']]);
    const fix = { tag: 'mitre_execution', with: [] };
    const plan = planFixes([finding(rs, 'r', 'mitre_execution', 'first', fix), finding(rs, 'r', 'mitre_execution', 'second', fix)], rs);
    expect(plan.edits).toEqual([{ kind: 'remove', at: place(rs, 'r', 'mitre_execution'), codes: ['first', 'second'] }]);
  });

  it('credits a replacement with its own code only, not that of an insert anchored at the same tag', () => {
    const rs = rules(['r', ['mitre_execution', 'TA0011']]);
    const plan = planFixes([
      finding(rs, 'r', 'TA0011', 'nonstandard-tag', { tag: 'TA0011', with: ['mitre_command_and_control'] }),
      finding(rs, 'r', 'TA0011', 'missing-technique', { with: ['T1071'] }),
    ], rs);
    expect(plan.edits).toEqual([
      { kind: 'replace', at: place(rs, 'r', 'TA0011'), value: 'mitre_command_and_control', codes: ['nonstandard-tag'] },
      { kind: 'insert-after', at: place(rs, 'r', 'TA0011'), value: 'T1071', codes: ['missing-technique'] },
    ]);
  });

  it('of two replacements of one tag, the last wins and the first adds nothing', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059', 'TA0011']]);
    const plan = planFixes([
      finding(rs, 'r', 'TA0011', 'a', { tag: 'TA0011', with: ['mitre_command_and_control'] }),
      finding(rs, 'r', 'TA0011', 'b', { tag: 'TA0011', with: ['mitre_exfiltration'] }),
    ], rs);
    expect(plan.edits).toEqual([{ kind: 'replace', at: place(rs, 'r', 'TA0011'), value: 'mitre_exfiltration', codes: ['a', 'b'] }]);
  });

  it('does not count a removed tag when looking for duplicates: its later copy stays', () => {
    const rs = rules(['r', ['mitre_execution', 'mitre_impact', 'T1529', 'mitre_execution']]);
    const plan = planFixes([finding(rs, 'r', 'mitre_execution', 'unjustified-tactic', { tag: 'mitre_execution', with: [] })], rs);
    expect(plan.edits).toEqual([{ kind: 'remove', at: place(rs, 'r', 'mitre_execution'), codes: ['unjustified-tactic'] }]);
  });

  it('keeps the last tactic of a rule whose other tags are not ATT&CK tags', () => {
    const rs = rules(['r', ['host', 'mitre_execution', 'T1610']]);
    const removal = finding(rs, 'r', 'mitre_execution', 'unjustified-tactic', { tag: 'mitre_execution', with: [] });
    expect(planFixes([removal], rs)).toEqual({ edits: [], skipped: [{ finding: removal, reason: 'removing it would leave no tactic tag, and the techniques do not say which one to keep' }] });
  });

  it('when it keeps the last tactic, still removes a duplicate technique and still replaces', () => {
    const rs = rules(['r', ['mitre_execution', 'T1610', 'T1610', 'T1059']]);
    const removal = finding(rs, 'r', 'mitre_execution', 'unjustified-tactic', { tag: 'mitre_execution', with: [] });
    const replacement = finding(rs, 'r', 'T1059', 'revoked-technique', { tag: 'T1059', with: ['T1059.004'] });
    expect(planFixes([removal, replacement], rs)).toEqual({
      edits: [
        { kind: 'remove', at: place(rs, 'r', 'T1610', 1), codes: ['duplicate'] },
        { kind: 'replace', at: place(rs, 'r', 'T1059'), value: 'T1059.004', codes: ['revoked-technique'] },
      ],
      skipped: [{ finding: removal, reason: 'removing it would leave no tactic tag, and the techniques do not say which one to keep' }],
    });
  });

  it('when it keeps the last tactic, does not bring back a tactic tag replaced by a duplicate', () => {
    // A crafted fix (a tactic tag replaced by a technique the rule already has): the tag is gone either way,
    // so there is no tactic tag to keep and bringing it back would write the technique twice.
    const rs = rules(['r', ['T1041', 'TA0011']]);
    const replacement = finding(rs, 'r', 'TA0011', 'x', { tag: 'TA0011', with: ['T1041'] });
    expect(planFixes([replacement], rs)).toEqual({ edits: [{ kind: 'remove', at: place(rs, 'r', 'TA0011'), codes: ['x'] }], skipped: [] });
  });

  it('puts a technique after a technique, and a tactic after a tag that is not a technique', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059']], ['s', ['host', 'T1529']]);
    const plan = planFixes([
      finding(rs, 'r', 'T1059', 'a', { with: ['T1059.004'] }),
      finding(rs, 's', 'host', 'b', { with: ['mitre_impact'] }),
    ], rs);
    expect(plan.edits).toEqual([
      { kind: 'insert-after', at: place(rs, 'r', 'T1059'), value: 'T1059.004', codes: ['a'] },
      { kind: 'insert-after', at: place(rs, 's', 'host'), value: 'mitre_impact', codes: ['b'] },
    ]);
  });

  it('leaves a rule without fixable findings alone, even a tag written twice there', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059', 'T1059']], ['s', ['mitre_impact', 'T1529', 'TA0011']]);
    const plan = planFixes([finding(rs, 's', 'TA0011', 'unjustified-tactic', { tag: 'TA0011', with: [] })], rs);
    expect(plan.edits).toEqual([{ kind: 'remove', at: place(rs, 's', 'TA0011'), codes: ['unjustified-tactic'] }]);
  });
});

describe('planFixes with keepsRepeats (attack diff fixes chosen findings only)', () => {
  it('keeps a tag written twice that no edit touches, which the default removes from a rule it edits', () => {
    const rs = rules(['r', ['mitre_execution', 'T1059', 'T1059', 'host']]);
    const findings = [finding(rs, 'r', 'host', 'renamed', { tag: 'host', with: ['container'] })];
    const removals = (keepsRepeats?: boolean) => planFixes(findings, rs, undefined, undefined, keepsRepeats).edits.filter((e) => e.kind === 'remove');
    expect(removals()).toEqual([{ kind: 'remove', at: place(rs, 'r', 'T1059', 1), codes: ['duplicate'] }]);
    expect(removals(true)).toEqual([]);
  });
  it('still removes the copies of a tag an edit writes, each against the copy the edit made', () => {
    // t1059 becomes T1059: both copies written before go, though neither is edited itself.
    const rs = rules(['r', ['mitre_execution', 't1059', 'T1059', 'T1059']]);
    const plan = planFixes([finding(rs, 'r', 't1059', 'nonstandard-tag', { tag: 't1059', with: ['T1059'] })], rs, undefined, undefined, true);
    expect(plan.edits.filter((e) => e.kind === 'remove').map((e) => e.at)).toEqual([place(rs, 'r', 'T1059', 0), place(rs, 'r', 'T1059', 1)]);
  });
});
