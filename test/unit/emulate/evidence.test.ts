// The second coverage axis from hand-made procedure results: each status, parent techniques collecting
// their sub-techniques' procedures, tag suggestions, never-fired claims and noisy rules.
import { describe, expect, it } from 'vitest';
import type { CoverageReport, RuleEntry, TechniqueEntry } from '../../../src/coverage-report.js';
import { buildEvidence } from '../../../src/emulate/evidence.js';
import type { EmulationSection, ProcedureResult } from '../../../src/emulate/types.js';

const technique = (id: string, rules: string[]): TechniqueEntry =>
  ({ id, name: id, url: '', tactics: [], platforms: ['Linux'], isSubtechnique: id.includes('.'), inScope: true, status: rules.length ? 'covered' : 'gap', rules, observingRules: rules, disabledRules: [], coveredSubtechniques: [], usedBy: 0, findings: 0 }) as TechniqueEntry;
const rule = (name: string, techniques: string[]): RuleEntry => ({ name, file: 'r.yaml', line: 1, source: 'syscall', isEnabled: true, priority: 'WARNING', techniques, tactics: [], tags: techniques, findings: 0 });
const result = (id: string, technique: string | undefined, fired: string[], undetermined: { rule: string; needs: string[] }[] = []): ProcedureResult => ({
  id,
  kind: technique ? 'atomic' : 'benign',
  ...(technique ? { technique } : {}),
  name: `proc ${id}`,
  executor: 'sh',
  events: { host: 2, container: 2 },
  unmodeled: [],
  fired: fired.map((r) => ({ rule: r, context: 'host' as const, eventNum: 2, event: `execve by ${id}` })),
  undetermined: undetermined.map((u) => ({ ...u, context: 'host' as const })),
});

// T1070 is tagged by "History" which fires on T1070.003's procedure; T1529 is tagged by "Argv" which never
// fires; T1003.008 is tagged by nothing but "Shadow" fires on it; T1082 has a procedure nothing fires on.
const report = {
  techniques: [technique('T1070', ['History']), technique('T1070.003', []), technique('T1529', ['Argv']), technique('T1003.008', []), technique('T1082', []), technique('T1611', ['Escape'])],
  rules: [rule('History', ['T1070']), rule('Argv', ['T1529']), rule('Shadow', ['T1555']), rule('Escape', ['T1611']), rule('Apt', [])],
} as unknown as CoverageReport;
const results = [
  result('a1', 'T1070.003', ['History']),
  result('b1', 'T1529', []),
  result('c1', 'T1003.008', ['Shadow']),
  result('d1', 'T1082', [], [{ rule: 'Net', needs: ['fd.sip'] }]),
  result('benign-apt', undefined, ['Apt']),
];
// Built inside each test: with per-test coverage, what runs outside a test is never run against a mutant.
const build = (): EmulationSection => buildEvidence({ report, results, skipped: [], source: { atomics: 'test', license: 'MIT', benign: 'test' } });

describe('buildEvidence', () => {
  it('gives each technique with procedures its status; a parent collects its sub-techniques\' procedures', () => {
    const section = build();
    const status = (id: string): string | undefined => section.techniques.find((t) => t.id === id)?.status;
    expect([status('T1070'), status('T1070.003'), status('T1529'), status('T1003.008'), status('T1082'), status('T1611')]).toEqual([
      'tagged-and-demonstrated',
      'demonstrated-not-tagged',
      'tagged-never-fired',
      'demonstrated-not-tagged',
      'not-demonstrated',
      undefined, // no procedure: not on the second axis
    ]);
    expect(section.techniques.find((t) => t.id === 'T1082')!.undetermined).toEqual([{ rule: 'Net', needs: ['fd.sip'] }]);
  });
  it('counts a parent as tagged and demonstrated by a rule tagging the sub-technique whose procedure it fired on', () => {
    // QA: a rule tagged T1003.008 firing on T1003.008's procedure made T1003 "demonstrated but not tagged".
    const withParent = {
      techniques: [technique('T1003', []), technique('T1003.008', ['Shadow read'])],
      rules: [rule('Shadow read', ['T1003.008'])],
    } as unknown as CoverageReport;
    const section = buildEvidence({ report: withParent, results: [result('s1', 'T1003.008', ['Shadow read'])], skipped: [], source: { atomics: 'test', license: 'MIT', benign: 'test' } });
    expect(section.techniques.map((t) => [t.id, t.status, t.taggedRules, t.demonstratedBy])).toEqual([
      ['T1003', 'tagged-and-demonstrated', ['Shadow read'], ['Shadow read']],
      ['T1003.008', 'tagged-and-demonstrated', ['Shadow read'], ['Shadow read']],
    ]);
    expect(section.summary.demonstratedNotTagged).toBe(0);
  });
  it('suggests the tags a firing rule lacks, with the procedure as evidence', () => {
    const section = build();
    expect(section.suggestions.map((s) => [s.rule, s.technique, s.procedure])).toEqual([
      ['Shadow', 'T1003.008', 'c1'],
      ['History', 'T1070.003', 'a1'],
    ]);
  });
  it('lists each rule\'s never-fired claims and benign hits, and counts', () => {
    const section = build();
    const byName = new Map(section.rules.map((r) => [r.rule, r]));
    expect(byName.get('Argv')).toMatchObject({ neverFiredClaims: ['T1529'], firesOn: [], isNoisy: false });
    expect(byName.get('Apt')).toMatchObject({ benignHits: ['benign-apt'], isNoisy: true });
    expect(section.summary).toMatchObject({ procedures: 4, benign: 1, events: 20, techniques: 5, tagged: 2, taggedAndDemonstrated: 1, taggedNeverFired: 1, demonstratedNotTagged: 2, notDemonstrated: 1, noisyRules: 1, undeterminedPairs: 1 });
  });
});

describe('buildEvidence on atomics numbered for another ATT&CK', () => {
  // e1 was renumbered (the atomics' T1685.006 is this catalog's T1003.008); f1's T9999 is in the catalog under no ID.
  const numbered = [{ ...result('e1', 'T1003.008', ['Shadow']), atomicTechnique: 'T1685.006' }, result('f1', 'T9999', ['Shadow'])];
  const section = (): EmulationSection => buildEvidence({ report, results: numbered, skipped: [], source: { atomics: 'test', license: 'MIT', benign: 'test' } });

  it('says which were renumbered and which the catalog lacks, instead of dropping them', () => {
    expect(section()).toMatchObject({ renumbered: [{ from: 'T1685.006', to: 'T1003.008', procedures: 1 }], unknownTechniques: [{ technique: 'T9999', procedures: 1 }] });
    expect(section().techniques.map((t) => t.id)).toEqual(['T1003.008']);
  });
  it('suggests no tag for a technique the catalog does not have', () => {
    expect(section().suggestions.map((s) => s.technique)).toEqual(['T1003.008']);
  });
  it('adds neither note when every atomic is numbered as the catalog numbers it (nor an empty list of rules not evaluated)', () => {
    expect(build()).not.toHaveProperty('renumbered');
    expect(build()).not.toHaveProperty('unknownTechniques');
    expect(build()).not.toHaveProperty('rulesNotAsWritten');
  });
  it('counts each renumbered and unknown technique apart, with its own target, sorted by ID', () => {
    const several = [{ ...result('g1', 'T1070.003', []), atomicTechnique: 'T1690' }, { ...result('e1', 'T1003.008', []), atomicTechnique: 'T1685.006' }, { ...result('e2', 'T1003.008', []), atomicTechnique: 'T1685.006' }, result('f2', 'T9999', []), result('f1', 'T9998', [])];
    const notes = buildEvidence({ report, results: several, skipped: [], source: { atomics: 'test', license: 'MIT', benign: 'test' } });
    expect(notes.renumbered).toEqual([{ from: 'T1685.006', to: 'T1003.008', procedures: 2 }, { from: 'T1690', to: 'T1070.003', procedures: 1 }]);
    expect(notes.unknownTechniques).toEqual([{ technique: 'T9998', procedures: 1 }, { technique: 'T9999', procedures: 1 }]);
  });
});

describe('buildEvidence with rules of sources the emulation does not run', () => {
  // T1609 is tagged only by a k8s_audit rule; T1610 by a k8s_audit rule (which tags T1612 too) and a syscall rule
  // that never fires; T1611 is tagged by a disabled k8s_audit rule only, T1612 (no procedure) by another k8s_audit rule.
  const k8s = (name: string, techniques: string[], isEnabled = true): RuleEntry => ({ ...rule(name, techniques), source: 'k8s_audit', isEnabled });
  const mixed = {
    techniques: [technique('T1609', ['K8s exec']), technique('T1610', ['K8s deploy', 'Syscall deploy']), technique('T1611', []), technique('T1612', ['K8s build', 'K8s deploy'])],
    rules: [k8s('K8s exec', ['T1609']), k8s('K8s deploy', ['T1610', 'T1612']), rule('Syscall deploy', ['T1610']), k8s('K8s escape', ['T1611'], false), k8s('K8s build', ['T1612'])],
  } as unknown as CoverageReport;
  const notAsWritten = [{ rule: 'Broken', why: 'not evaluated: undefined macro m' }];
  const section = (): EmulationSection => buildEvidence({ report: mixed, results: [result('a', 'T1609', []), result('b', 'T1610', []), result('c', 'T1611', [])], skipped: [], source: { atomics: 'test', license: 'MIT', benign: 'test' }, notAsWritten });

  it('does not call a technique tagged only by rules it did not run "never fired"', () => {
    expect(section().techniques.map((t) => [t.id, t.status])).toEqual([['T1609', 'tagged-not-emulated'], ['T1610', 'tagged-never-fired'], ['T1611', 'not-demonstrated']]);
    expect(section().summary).toMatchObject({ tagged: 2, taggedNeverFired: 1, taggedNotEmulated: 1 });
  });
  it('lists the enabled rules of other sources tagging a technique with procedures as not evaluated, after the syscall rules that were not', () => {
    expect(section().rulesNotAsWritten).toEqual([
      notAsWritten[0],
      { rule: 'K8s exec', why: 'not evaluated: a k8s_audit rule, and the emulation runs syscall rules only (its events are synthesized syscalls)' },
      { rule: 'K8s deploy', why: 'not evaluated: a k8s_audit rule, and the emulation runs syscall rules only (its events are synthesized syscalls)' },
    ]);
  });
});

describe('buildEvidence within the platform scope, as the report counts rules', () => {
  // T1098.004 (IaaS, Linux) is tagged by the syscall rule "Keys", which fires on its procedure; T1087 (IaaS,
  // Linux) by nothing, and "Keys" fires on it too. On an IaaS scope the report counts no syscall rule
  // (observingRules is empty), so neither may the emulation; on a Linux scope both count.
  const entry = (id: string, rules: string[], observingRules: string[]): TechniqueEntry => ({ ...technique(id, rules), platforms: ['IaaS', 'Linux'], observingRules });
  const scoped = (platforms: string[], observing: string[]) => ({
    scope: { platforms, from: 'option', sources: ['syscall'] },
    techniques: [entry('T1098.004', ['Keys'], observing), entry('T1087', [], [])],
    rules: [rule('Keys', ['T1098.004'])],
  }) as unknown as CoverageReport;
  const section = (report: CoverageReport): EmulationSection => buildEvidence({ report, results: [result('k1', 'T1098.004', ['Keys']), result('k2', 'T1087', ['Keys'])], skipped: [], source: { atomics: 'test', license: 'MIT', benign: 'test' }, emulatedPlatforms: ['Linux', 'Containers'] });

  it('counts no technique, and suggests no tag, on a scope the emulated rules do not observe', () => {
    const iaas = section(scoped(['IaaS'], []));
    expect(iaas.techniques).toEqual([]);
    expect(iaas.suggestions).toEqual([]);
    expect(iaas.observedPlatforms).toEqual([]);
    expect(iaas.summary).toMatchObject({ techniques: 0, tagged: 0, taggedAndDemonstrated: 0, demonstratedNotTagged: 0 });
  });
  it('counts them on a scope they observe, with the rules the report counts there', () => {
    const linux = section(scoped(['IaaS', 'Linux'], ['Keys']));
    expect(linux.observedPlatforms).toEqual(['Linux']);
    expect(linux.techniques.map((t) => [t.id, t.status, t.taggedRules])).toEqual([['T1098.004', 'tagged-and-demonstrated', ['Keys']], ['T1087', 'demonstrated-not-tagged', []]]);
    expect(linux.suggestions.map((s) => [s.rule, s.technique])).toEqual([['Keys', 'T1087']]);
  });
  it('takes the tagging rules the report counts in scope, not every rule tagging it', () => {
    const tagged = section(scoped(['IaaS', 'Linux'], []));
    expect(tagged.techniques.find((t) => t.id === 'T1098.004')).toMatchObject({ status: 'demonstrated-not-tagged', taggedRules: [] });
  });
});
