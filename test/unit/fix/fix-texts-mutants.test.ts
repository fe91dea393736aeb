// src/fix/fix-texts.ts: the analyze → plan → apply loop of lint --fix over several files. The analyzer is a
// parameter; besides the real one, these tests pass a tiny analyzer that flags every tag named in a table with
// the fix the table gives, so that a fix chain of known length (or one that never settles) can be written down.
import { describe, expect, it } from 'vitest';
import type { CoverageReport, Finding } from '../../../src/coverage-report.js';
import type { Ruleset } from '../../../src/falco/types.js';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import { fixTexts, planTextFixes } from '../../../src/fix/fix-texts.js';
import { EMBEDDED_REASON, fixedBy, SHARED_REASON } from '../../../src/fix/plan.js';

/** An analyzer that reports `tag → replacement` for every tag in `table`, counting its calls. */
function tableAnalyzer(table: Record<string, string>) {
  const calls: Ruleset[] = [];
  const analyze = (ruleset: Ruleset): CoverageReport => {
    calls.push(ruleset);
    const findings: Finding[] = ruleset.rules.flatMap((rule) =>
      rule.tags.filter((t) => t.value in table).map((t) => ({ code: 'renamed', severity: 'warning' as const, rule: rule.name, file: t.file, line: t.line, column: t.column, tag: t.value, message: 'm', fix: { tag: t.value, with: [table[t.value]!] } })));
    return { findings } as unknown as CoverageReport;
  };
  return { analyze, calls };
}

const rule = (name: string, tags: string) => `- rule: ${name}\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  tags: [${tags}]\n`;

describe('fixTexts', () => {
  it('analyzes once and changes nothing when nothing is fixable', () => {
    const { analyze, calls } = tableAnalyzer({});
    const result = fixTexts([{ path: 'a.yaml', text: rule('r', 'host') }], analyze);
    expect(result.passes).toBe(0);
    expect(calls).toHaveLength(1);
    expect(result.after).toBe(result.before);
    expect(result.texts.get('a.yaml')).toBe(rule('r', 'host'));
  });

  it('follows a chain of fixes pass by pass, editing only the file that holds each tag', () => {
    const { analyze, calls } = tableAnalyzer({ a: 'b', b: 'c' });
    const other = rule('s', 'host');
    const result = fixTexts([{ path: 'one.yaml', text: rule('r', 'x, a') }, { path: 'two.yaml', text: other }], analyze);
    expect(result.texts.get('one.yaml')).toBe(rule('r', 'x, c'));
    expect(result.texts.get('two.yaml')).toBe(other);
    expect(result.passes).toBe(2);
    // before, after pass 1, and after pass 2 (which finds nothing left): the last is `after`, not analyzed again.
    expect(calls).toHaveLength(3);
    expect(result.before.findings.map((f) => f.tag)).toEqual(['a']);
    expect(result.after.findings).toEqual([]);
    expect(result.skipped).toEqual([]);
  });

  it('stops after five passes when the fixes never settle', () => {
    const { analyze } = tableAnalyzer({ a: 'b', b: 'a' });
    const result = fixTexts([{ path: 'a.yaml', text: rule('r', 'a') }], analyze);
    expect(result.passes).toBe(5);
    expect(result.texts.get('a.yaml')).toBe(rule('r', 'b'));
    expect(result.after.findings.map((f) => f.tag)).toEqual(['b']);
    // What is left could still be fixed: the listing after --fix counts it so.
    expect(result.after.findings.map(result.isFixable)).toEqual([true]);
  });

  it('leaves a file marked isEmbedded (the official rules) as it is, and says why for each of its fixable findings', () => {
    const { analyze } = tableAnalyzer({ a: 'b' });
    const result = fixTexts([{ path: 'official:x.yaml', text: rule('o', 'a'), isEmbedded: true }, { path: 'mine.yaml', text: rule('m', 'a') }], analyze);
    expect(result.texts.get('official:x.yaml')).toBe(rule('o', 'a'));
    expect(result.texts.get('mine.yaml')).toBe(rule('m', 'b'));
    expect(result.skipped).toEqual([{ finding: expect.objectContaining({ rule: 'o', file: 'official:x.yaml' }), reason: EMBEDDED_REASON }]);
    expect(EMBEDDED_REASON).toBe("the embedded official rules are not rewritten: suppress the finding in .attack-cov.yaml, or change the rule's tags in a file of yours (override: {tags: replace})");
    // The same file not marked is fixed.
    expect(fixTexts([{ path: 'official:x.yaml', text: rule('o', 'a') }], analyze).texts.get('official:x.yaml')).toBe(rule('o', 'b'));
  });

  it('reports what the last plan skipped', () => {
    // A finding placed where no tag is: the plan skips it, and nothing is edited.
    const analyze = (ruleset: Ruleset): CoverageReport => ({ findings: ruleset.rules.map((r) => ({ code: 'c', severity: 'warning', rule: r.name, file: 'a.yaml', line: 1, column: 1, message: 'm', fix: { tag: 'x', with: ['y'] } })) }) as unknown as CoverageReport;
    const result = fixTexts([{ path: 'a.yaml', text: rule('r', 'x') }], analyze);
    expect(result.passes).toBe(0);
    expect(result.skipped).toEqual([{ finding: expect.objectContaining({ rule: 'r', line: 1 }), reason: 'the tag is not where the finding says' }]);
  });

  it('leaves a tag alone whose list a YAML alias repeats, for the rule that anchors it and the one that reads it, and says why', () => {
    const { analyze } = tableAnalyzer({ a: 'b' });
    const text = `${rule('A', 'a, host').replace('tags: [', 'tags: &common [')}${rule('B', '').replace('tags: []', 'tags: *common')}${rule('C', 'a')}`;
    const result = fixTexts([{ path: 'r.yaml', text }], analyze);
    // Only C's own list changes: before, A's list was edited twice (once for each rule reading it).
    expect(result.texts.get('r.yaml')).toBe(text.replace('tags: [a]', 'tags: [b]'));
    expect(result.skipped).toEqual([
      { finding: expect.objectContaining({ rule: 'A', tag: 'a', line: 6 }), reason: SHARED_REASON },
      // B's finding is where B reads the list: its alias.
      { finding: expect.objectContaining({ rule: 'B', tag: 'a', line: 12, column: 9 }), reason: SHARED_REASON },
    ]);
    expect(SHARED_REASON).toBe('the tag is shared with other places through a YAML anchor and alias (&name, *name): one edit would change them all; fix it by hand');
    expect(result.after.findings.map((f) => f.rule)).toEqual(['A', 'B']);
    // The listing after --fix counts them as to fix by hand, not as having an unambiguous fix.
    expect(result.after.findings.map(result.isFixable)).toEqual([false, false]);
    expect(result.skipped.map((s) => s.finding)).toEqual(result.after.findings);
  });
});

describe('planTextFixes: the one plan lint counts by and --fix applies', () => {
  it('is the plan of fixTexts\'s first pass: the findings it fixes are those --fix fixes, and the ones it skips stay', () => {
    const { analyze } = tableAnalyzer({ a: 'b' });
    const text = `${rule('A', 'a, host').replace('tags: [', 'tags: &common [')}${rule('B', '').replace('tags: []', 'tags: *common')}${rule('C', 'a')}`;
    const files = [{ path: 'official:x.yaml', text: rule('O', 'a'), isEmbedded: true as const }, { path: 'r.yaml', text }];
    const ruleset = rulesetFromTexts(files);
    const findings = analyze(ruleset).findings;
    const isFixable = fixedBy(planTextFixes(findings, ruleset, files));
    expect(findings.filter(isFixable).map((f) => f.rule)).toEqual(['C']);
    const result = fixTexts(files, analyze);
    const fixed = result.before.findings.filter((f) => !result.after.findings.some((a) => a.rule === f.rule));
    expect(fixed.map((f) => f.rule)).toEqual(['C']);
    // A finding with no fix is not fixable, and neither is one that the plan skips.
    expect(isFixable({ ...findings.find((f) => f.rule === 'C')!, fix: undefined })).toBe(false);
  });
});

describe('fixTexts with chosen findings (attack diff)', () => {
  it('fixes the chosen findings only, in every pass, and keeps a repeat no edit touches', () => {
    const { analyze } = tableAnalyzer({ a: 'b', x: 'y' });
    const text = rule('r', 'a, x, q, q');
    const chosen = fixTexts([{ path: 'f.yaml', text }], analyze, (f) => f.tag === 'a');
    expect(chosen.texts.get('f.yaml')).toBe(rule('r', 'b, x, q, q'));
    // Without a choice: every finding, and the rule's repeat goes with the edit.
    expect(fixTexts([{ path: 'f.yaml', text }], analyze).texts.get('f.yaml')).toBe(rule('r', 'b, y, q'));
  });
  it('counts as fixable by their own fix only the chosen findings (wasFixable): another that goes is resolved by them', () => {
    const { analyze } = tableAnalyzer({ a: 'b', x: 'y' });
    const text = rule('r', 'a, x');
    const chosen = fixTexts([{ path: 'f.yaml', text }], analyze, (f) => f.tag === 'a');
    const [a, x] = chosen.before.findings;
    expect([a!.tag, x!.tag]).toEqual(['a', 'x']);
    expect([chosen.wasFixable(a!), chosen.wasFixable(x!)]).toEqual([true, false]);
    const all = fixTexts([{ path: 'f.yaml', text }], analyze);
    expect(all.before.findings.map(all.wasFixable)).toEqual([true, true]);
  });
  it('planTextFixes removes a repeat in a rule it edits unless told to keep it', () => {
    const files = [{ path: 'f.yaml', text: rule('r', 'x, q, q') }];
    const ruleset = rulesetFromTexts(files);
    const { findings } = tableAnalyzer({ x: 'y' }).analyze(ruleset);
    expect(planTextFixes(findings, ruleset, files).edits.map((e) => e.kind)).toEqual(['replace', 'remove']);
    expect(planTextFixes(findings, ruleset, files, true).edits.map((e) => e.kind)).toEqual(['replace']);
  });
});
