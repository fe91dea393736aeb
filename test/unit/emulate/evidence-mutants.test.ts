// The whole `emulation` section buildEvidence makes from hand-made results, checked as one tree: sorting
// of every list, which procedures a technique collects (its own, its sub-techniques', never benign or
// untechniqued ones), needs merged across procedures but dropped for a rule that fires, suggestions
// deduplicated and skipped when the tag is there, which rules are listed (disabled and non-syscall ones
// only when they fire), never-fired claims only for techniques with procedures, and every summary count.
import { describe, expect, it } from 'vitest';
import type { CoverageReport, RuleEntry, TechniqueEntry } from '../../../src/coverage-report.js';
import { buildEvidence } from '../../../src/emulate/evidence.js';
import type { ProcedureResult } from '../../../src/emulate/types.js';

const technique = (id: string, rules: string[], inScope = true): TechniqueEntry =>
  ({ id, name: `name ${id}`, url: '', tactics: [], platforms: ['Linux'], isSubtechnique: id.includes('.'), inScope, status: rules.length ? 'covered' : 'gap', rules, observingRules: rules, disabledRules: [], coveredSubtechniques: [], usedBy: 0, findings: 0 }) as TechniqueEntry;
const rule = (name: string, techniques: string[], over: Partial<RuleEntry> = {}): RuleEntry =>
  ({ name, file: 'r.yaml', line: 1, source: 'syscall', isEnabled: true, priority: 'WARNING', techniques, tactics: [], tags: techniques, findings: 0, ...over });
const result = (id: string, kind: 'atomic' | 'benign', technique: string | undefined, fired: string[], undetermined: { rule: string; needs: string[] }[] = [], events = { host: 3, container: 4 }): ProcedureResult => ({
  id,
  kind,
  ...(technique ? { technique } : {}),
  name: `proc ${id}`,
  executor: 'sh',
  events,
  unmodeled: [],
  fired: fired.map((r) => ({ rule: r, context: 'host' as const, eventNum: 2, event: `event of ${id}` })),
  undetermined: undetermined.map((u) => ({ ...u, context: 'container' as const })),
});

describe('buildEvidence, the whole section', () => {
  it('sorts, merges, deduplicates and counts every part', () => {
    const report = {
      techniques: [
        technique('T1059', ['Zsh', 'Bash']),
        technique('T1059.004', ['Bash']),
        technique('T1003', []),
        technique('T1105', ['Fetch']),
        technique('T1222', []),
        technique('T1485', ['Off'], false),
        technique('T1999', ['Bash']),
      ],
      rules: [
        rule('Bash', ['T1059', 'T1059.004', 'T1999']),
        rule('Zsh', ['T1059']),
        rule('Fetch', ['T1105']),
        rule('Disabled', ['T1003'], { isEnabled: false }),
        rule('Audit', [], { source: 'k8s_audit' }),
        rule('Quiet', []),
      ],
    } as unknown as CoverageReport;
    const results = [
      result('p2', 'atomic', 'T1059.004', ['Bash', 'Shadow'], [{ rule: 'Fetch', needs: ['fd.sip', 'fd.rip'] }, { rule: 'Bash', needs: ['proc.env'] }]),
      result('p1', 'atomic', 'T1059.004', ['Shadow', 'Bash'], [{ rule: 'Fetch', needs: ['fd.sip', 'evt.arg.addr'] }, { rule: 'Fetch', needs: ['fd.sip'] }], { host: 1, container: 0 }),
      result('p3', 'atomic', 'T1003', ['Disabled', 'Shadow', 'Audit']),
      result('p4', 'atomic', 'T1105', [], [{ rule: 'Quiet', needs: ['user.name'] }]),
      result('p5', 'atomic', 'T1485', ['Zsh']),
      result('p6', 'atomic', undefined, ['Zsh']),
      result('b2', 'benign', 'T1222', ['Fetch', 'Bash']),
      result('b1', 'benign', undefined, ['Bash']),
    ];
    const section = buildEvidence({ report, results, skipped: [{ id: 's1', technique: 'T1', name: 'n', why: 'manual' }], source: { atomics: 'a', license: 'MIT', benign: 'b' } });
    expect(section.source).toEqual({ atomics: 'a', license: 'MIT', benign: 'b' });
    expect(section.contexts).toEqual(['host', 'container']);
    expect(section.procedures).toBe(results);
    expect(section.skipped).toEqual([{ id: 's1', technique: 'T1', name: 'n', why: 'manual' }]);
    expect(section.summary).toEqual({
      procedures: 6,
      skipped: 1,
      benign: 2,
      events: 8 * 7 - 6,
      techniques: 4,
      tagged: 3,
      taggedAndDemonstrated: 2,
      taggedNeverFired: 1,
      taggedNotEmulated: 0,
      demonstratedNotTagged: 1,
      notDemonstrated: 0,
      rulesFiring: 5,
      noisyRules: 2,
      undeterminedPairs: 4,
    });
    expect(section.techniques).toEqual([
      {
        id: 'T1059',
        name: 'name T1059',
        procedures: 2,
        status: 'tagged-and-demonstrated',
        taggedRules: ['Bash', 'Zsh'],
        firingRules: ['Bash', 'Shadow'],
        demonstratedBy: ['Bash'],
        undetermined: [{ rule: 'Fetch', needs: ['evt.arg.addr', 'fd.rip', 'fd.sip'] }],
      },
      {
        id: 'T1059.004',
        name: 'name T1059.004',
        procedures: 2,
        status: 'tagged-and-demonstrated',
        taggedRules: ['Bash'],
        firingRules: ['Bash', 'Shadow'],
        demonstratedBy: ['Bash'],
        undetermined: [{ rule: 'Fetch', needs: ['evt.arg.addr', 'fd.rip', 'fd.sip'] }],
      },
      {
        id: 'T1003',
        name: 'name T1003',
        procedures: 1,
        status: 'demonstrated-not-tagged',
        taggedRules: [],
        firingRules: ['Audit', 'Disabled', 'Shadow'],
        demonstratedBy: [],
        undetermined: [],
      },
      {
        id: 'T1105',
        name: 'name T1105',
        procedures: 1,
        status: 'tagged-never-fired',
        taggedRules: ['Fetch'],
        firingRules: [],
        demonstratedBy: [],
        undetermined: [{ rule: 'Quiet', needs: ['user.name'] }],
      },
    ]);
    expect(section.rules).toEqual([
      { rule: 'Audit', techniques: [], firesOn: ['p3'], neverFiredClaims: [], benignHits: [], isNoisy: false, undetermined: 0 },
      { rule: 'Bash', techniques: ['T1059', 'T1059.004', 'T1999'], firesOn: ['p1', 'p2'], neverFiredClaims: [], benignHits: ['b1', 'b2'], isNoisy: true, undetermined: 1 },
      { rule: 'Disabled', techniques: ['T1003'], firesOn: ['p3'], neverFiredClaims: [], benignHits: [], isNoisy: false, undetermined: 0 },
      { rule: 'Fetch', techniques: ['T1105'], firesOn: [], neverFiredClaims: ['T1105'], benignHits: ['b2'], isNoisy: true, undetermined: 2 },
      { rule: 'Quiet', techniques: [], firesOn: [], neverFiredClaims: [], benignHits: [], isNoisy: false, undetermined: 1 },
      { rule: 'Shadow', techniques: [], firesOn: ['p1', 'p2', 'p3'], neverFiredClaims: [], benignHits: [], isNoisy: false, undetermined: 0 },
      { rule: 'Zsh', techniques: ['T1059'], firesOn: ['p5', 'p6'], neverFiredClaims: ['T1059'], benignHits: [], isNoisy: false, undetermined: 0 },
    ]);
    expect(section.suggestions).toEqual([
      { rule: 'Audit', technique: 'T1003', procedure: 'p3', procedureName: 'proc p3', event: 'event of p3' },
      { rule: 'Shadow', technique: 'T1003', procedure: 'p3', procedureName: 'proc p3', event: 'event of p3' },
      { rule: 'Shadow', technique: 'T1059.004', procedure: 'p2', procedureName: 'proc p2', event: 'event of p2' },
      // Not Zsh on T1485: it is out of scope, where a tag would cover nothing.
    ]);
  });

  it('sorts the rules a technique demonstrates and those it left undetermined; a claim holds when one procedure fires; only enabled syscall rules are listed without firing', () => {
    const report = {
      techniques: [technique('T1', ['B', 'A', 'C'])],
      rules: [rule('A', ['T1']), rule('B', ['T1']), rule('C', ['T1']), rule('Off', ['T1'], { isEnabled: false }), rule('Plugin', ['T1'], { source: 'aws_cloudtrail' })],
    } as unknown as CoverageReport;
    const results = [
      result('q1', 'atomic', 'T1', ['B', 'A'], [{ rule: 'Z', needs: ['a'] }, { rule: 'Y', needs: ['b'] }]),
      result('q2', 'atomic', 'T1', [], [{ rule: 'C', needs: ['c'] }]),
    ];
    const section = buildEvidence({ report, results, skipped: [], source: { atomics: 'a', license: 'MIT', benign: 'b' } });
    expect(section.techniques.map((t) => [t.demonstratedBy, t.undetermined.map((u) => u.rule)])).toEqual([[['A', 'B'], ['C', 'Y', 'Z']]]);
    expect(section.rules.map((r) => [r.rule, r.neverFiredClaims])).toEqual([['A', []], ['B', []], ['C', ['T1']]]);
  });
});
