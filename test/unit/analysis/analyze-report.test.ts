// analyze.ts and gap-analysis.ts on an in-memory ruleset: the report's inputs, scope, summary counts,
// rule entries, findings in a stable order with suppressions applied, and the gaps' detectability counts.
import { describe, expect, it } from 'vitest';
import { analyze, checkRules, type AnalyzeInput } from '../../../src/analysis/analyze.js';
import { CHECKS } from '../../../src/analysis/checks/index.js';
import { analyzeGaps } from '../../../src/analysis/gap-analysis.js';
import { indexTactics } from '../../../src/analysis/mapping.js';
import type { TechniqueEntry } from '../../../src/coverage-report.js';
import { UsageError } from '../../../src/errors.js';
import type { FalcoRule, Ruleset } from '../../../src/falco/types.js';
import { actor, catalogOf, mapped, rule, technique } from '../../helpers/analysis-builders.js';

const CATALOG = catalogOf(
  [
    technique('T1059', { tactics: ['execution'], platforms: ['Linux'] }),
    technique('T1059.004', { tactics: ['execution'], platforms: ['Linux'] }),
    technique('T1611', { tactics: ['privilege-escalation'], platforms: ['Containers'] }),
    technique('T1529', { tactics: ['impact'], platforms: ['Linux'] }),
    technique('T1112', { tactics: ['defense-evasion'], platforms: ['Windows'] }),
    technique('T1530', { tactics: ['impact'], platforms: ['IaaS'] }),
  ],
  {
    detections: new Map([['T1529', [{ id: 'DET1', name: 'D', analytics: [{ id: 'AN1', platforms: ['Linux', 'Windows'], description: '', logSources: [{ name: 'auditd:SYSCALL', channel: '' }] }] }]]]),
    threats: new Map([['G1', actor('G1', { name: 'Alpha', techniques: ['T1529'] })]]),
  },
);
const SOURCES = { syscall: ['Linux', 'Containers'], aws_cloudtrail: ['IaaS'] };

// Rules: a covered shell rule with findings at two columns of one line; a rule with a stray tactic; a
// disabled one; an untagged one in another file (a.yaml sorts first); a cloud rule.
const RULES: FalcoRule[] = [
  rule('Shell', ['T1059.004', 'mitre_execution', 'maturity_stable']),
  rule('Escape', ['T1611', 'mitre_execution', 'T9999'], { position: { file: 'rules.yaml', line: 20, column: 3 } }),
  rule('Off', ['T1529', 'mitre_impact'], { isEnabled: false, position: { file: 'rules.yaml', line: 30, column: 3 } }),
  rule('Untagged', ['container'], { position: { file: 'a.yaml', line: 5, column: 3 } }),
  rule('Cloud', ['T1530', 'mitre_impact'], { source: 'aws_cloudtrail', position: { file: 'rules.yaml', line: 40, column: 3 } }),
];

function input(extra: Partial<AnalyzeInput> = {}): AnalyzeInput {
  const ruleset: Ruleset = { files: [{ path: 'rules.yaml', sha256: 'abc' }], rules: RULES, macros: new Map(), lists: new Map() };
  return { catalog: CATALOG, attack: { source: 'bundle.json', sha256: 'def' }, ruleset, rulesOrigin: 'files', sourcePlatforms: SOURCES, generatedAt: new Date('2026-06-01T10:00:00Z'), tool: { name: 'attack-cov', version: 't' }, logSources: [{ name: 'auditd:*', source: 'syscall', why: '' }], ...extra };
}

// Each test analyses for itself: what a describe block computes is run before any test, so mutation testing
// would not count it as covered by the tests that check it.
describe('analyze', () => {
  it('records its inputs, the scope from the rules’ sources, and the time', () => {
    const report = analyze(input());
    expect(report).toMatchObject({
      tool: { name: 'attack-cov', version: 't' },
      generatedAt: '2026-06-01T10:00:00.000Z',
      inputs: { attack: { version: '99.0', domain: 'enterprise-attack', stixVersion: '2.1', source: 'bundle.json', sha256: 'def' }, rules: [{ path: 'rules.yaml', sha256: 'abc' }], rulesOrigin: 'files' },
      scope: { platforms: ['Containers', 'IaaS', 'Linux'], from: 'sources', sources: ['aws_cloudtrail', 'syscall'] },
    });
    expect(report.inputs.attack).not.toHaveProperty('requested');
    expect(analyze(input({ attack: { source: 's', sha256: 'x', requested: '18' } })).inputs.attack.requested).toBe('18');
  });

  it('adds no platform to the scope for a source it has no platforms of (a plugin)', () => {
    const ruleset: Ruleset = { ...input().ruleset, rules: [...RULES, rule('Plugin', ['T1529'], { source: 'my_plugin' })] };
    expect(analyze(input({ ruleset })).scope).toEqual({ platforms: ['Containers', 'IaaS', 'Linux'], from: 'sources', sources: ['aws_cloudtrail', 'my_plugin', 'syscall'] });
  });

  it('takes the scope from the sources of the rules that run: a source only disabled rules use brings no platform', () => {
    const cloudOff = RULES.map((r) => (r.name === 'Cloud' ? { ...r, isEnabled: false } : r));
    expect(analyze(input({ ruleset: { ...input().ruleset, rules: cloudOff } })).scope).toEqual({ platforms: ['Containers', 'Linux'], from: 'sources', sources: ['syscall'] });
    // A rule Falco drops does not run either (here: its source is a plugin's name, which Falco skips).
    const misnamed = [...RULES, rule('Misnamed', ['T1530'], { source: 'cloudtrail' })].map((r) => (r.name === 'Cloud' ? { ...r, isEnabled: false } : r));
    expect(analyze(input({ ruleset: { ...input().ruleset, rules: misnamed }, misnamedSource: (s) => (s === 'cloudtrail' ? 'a plugin name' : undefined) })).scope.sources).toEqual(['syscall']);
    // A ruleset none of whose rules runs keeps every source it names (but a plugin's name), so that it still has a scope.
    const allOff = [...RULES, rule('Misnamed', ['T1530'], { source: 'cloudtrail' })].map((r) => ({ ...r, isEnabled: false }));
    const none = analyze(input({ ruleset: { ...input().ruleset, rules: allOff }, misnamedSource: (s) => (s === 'cloudtrail' ? 'a plugin name' : undefined) }));
    expect(none.scope).toEqual({ platforms: ['Containers', 'IaaS', 'Linux'], from: 'sources', sources: ['aws_cloudtrail', 'syscall'] });
  });

  it('takes the scope from --platform when given', () => {
    expect(analyze(input({ platforms: ['Windows'] })).scope).toEqual({ platforms: ['Windows'], from: 'option', sources: ['aws_cloudtrail', 'syscall'] });
  });

  it('counts rules, in-scope techniques and sub-techniques, and coverage per platform', () => {
    const report = analyze(input());
    expect(report.summary.rules).toEqual({ total: 5, enabled: 4, disabled: 1, tagged: 4, untagged: 1 });
    // Top level in scope: T1059 partial, T1611 covered, T1529 gap (its rule is disabled), T1530 covered; T1112 is Windows.
    expect(report.summary.techniques).toEqual({ total: 4, covered: 2, partial: 1, gap: 1, percent: 75 });
    expect(report.summary.subtechniques).toEqual({ total: 1, covered: 1, partial: 0, gap: 0, percent: 100 });
    expect(report.summary.platforms.map((p) => `${p.platform}:${p.covered}/${p.partial}/${p.total}`)).toEqual(['Containers:1/0/1', 'IaaS:1/0/1', 'Linux:0/1/2']);
    expect(report.techniques.find((t) => t.id === 'T1112')!.inScope).toBe(false);
    expect(report.tactics.find((t) => t.shortname === 'impact')).toMatchObject({ total: 2, covered: 1, gap: 1 });
  });

  it('counts gaps by detectability and lists them in priority order', () => {
    const report = analyze(input());
    expect(report.summary.gapDetectability).toEqual({ 'closable-loaded': 1, 'closable-other': 0, unknown: 0, 'not-observable': 0 });
    expect(report.gaps.map((g) => g.id)).toEqual(['T1529']);
    expect(report.threats).toEqual([]);
  });

  it('lists findings sorted by file, line, column, code and tag, and counts them by severity and code', () => {
    const report = analyze(input());
    expect(report.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.tag ?? ''}`)).toEqual([
      'a.yaml:5:3 untagged-rule ',
      'rules.yaml:22:9 tactic-mismatch T1611',
      'rules.yaml:23:9 unjustified-tactic mitre_execution',
      'rules.yaml:24:9 unknown-technique T9999',
    ]);
    expect(report.findings.every((f) => f.message.length > 0)).toBe(true);
    expect(report.summary.findings).toEqual({ error: 2, warning: 1, info: 1, byCode: { 'tactic-mismatch': 1, 'unjustified-tactic': 1, 'unknown-technique': 1, 'untagged-rule': 1 }, suppressed: 0 });
    expect(Object.keys(report.summary.findings.byCode)).toEqual(['tactic-mismatch', 'unjustified-tactic', 'unknown-technique', 'untagged-rule']);
    expect(report.techniques.find((t) => t.id === 'T1611')!.findings).toBe(1);
    expect(report.techniques.find((t) => t.id === 'T1059')!.findings).toBe(0);
  });

  it('describes each rule: place, source, state, maturity, techniques, tactics, tags, findings', () => {
    const report = analyze(input());
    expect(report.rules[0]).toEqual({ name: 'Shell', file: 'rules.yaml', line: 10, source: 'syscall', isEnabled: true, maturity: 'stable', priority: 'WARNING', techniques: ['T1059.004'], tactics: ['execution'], tags: ['T1059.004', 'mitre_execution', 'maturity_stable'], findings: 0 });
    expect(report.rules[1]).toMatchObject({ name: 'Escape', line: 20, techniques: ['T1611'], tactics: ['execution'], findings: 3 });
    expect(report.rules[1]).not.toHaveProperty('maturity');
    expect(report.rules[2]).toMatchObject({ name: 'Off', isEnabled: false });
  });

  it('counts a rule Falco drops (skipped) as covering nothing, with a skipped-rule finding, and says so in its entry', () => {
    const why = 'condition 1:5: unknown field proc.future';
    const report = analyze(input({ skipped: new Map([['Cloud', why]]) }));
    const t1530 = report.techniques.find((t) => t.id === 'T1530')!;
    expect(t1530).toMatchObject({ status: 'gap', rules: [], observingRules: [], disabledRules: ['Cloud'] });
    expect(t1530.platformCoverage).toEqual([{ platform: 'IaaS', status: 'gap', rules: [] }]);
    expect(report.rules[4]).toMatchObject({ name: 'Cloud', isEnabled: true, skippedByFalco: why });
    expect(report.summary.rules).toEqual({ total: 5, enabled: 4, disabled: 1, skippedByFalco: 1, tagged: 4, untagged: 1 });
    expect(report.findings.filter((f) => f.code === 'skipped-rule')).toEqual([
      { code: 'skipped-rule', severity: 'warning', rule: 'Cloud', file: 'rules.yaml', line: 40, column: 3, args: { reason: why }, message: `Falco drops this rule at load: ${why}; it covers nothing` },
    ]);
    // Without it: covered, no such key or finding.
    const plain = analyze(input());
    expect(plain.techniques.find((t) => t.id === 'T1530')!.status).toBe('covered');
    expect(plain.rules[4]).not.toHaveProperty('skippedByFalco');
    expect(plain.summary.rules).not.toHaveProperty('skippedByFalco');
    // A name that is no rule of the ruleset changes nothing.
    expect(analyze(input({ skipped: new Map([['Nobody', why]]) }))).toEqual(plain);
  });

  it('drops the enabled rules of a source Falco does not know by that name, and keeps the source out of the scope', () => {
    // As if aws_cloudtrail were written as the plugin's name: the Cloud rule is skipped, IaaS leaves the scope.
    const misnamedSource = (source: string) => (source === 'aws_cloudtrail' ? 'source aws_cloudtrail is misnamed' : undefined);
    const report = analyze(input({ misnamedSource }));
    expect(report.rules[4]).toMatchObject({ name: 'Cloud', isEnabled: true, skippedByFalco: 'source aws_cloudtrail is misnamed' });
    expect(report.scope).toEqual({ platforms: ['Containers', 'Linux'], from: 'sources', sources: ['syscall'] });
    expect(report.findings.filter((f) => f.code === 'skipped-rule').map((f) => f.message)).toEqual(['Falco drops this rule at load: source aws_cloudtrail is misnamed; it covers nothing']);
    expect(report.techniques.find((t) => t.id === 'T1530')?.inScope).toBe(false);
    // The skip-if-unknown-filter reason of a rule wins; a disabled rule of such a source is only disabled.
    const both = analyze(input({ misnamedSource, skipped: new Map([['Cloud', 'unknown field x']]) }));
    expect(both.rules[4]).toMatchObject({ skippedByFalco: 'unknown field x' });
    expect(analyze(input({ misnamedSource: (source) => (source === 'syscall' ? 'bad' : undefined) })).rules[2]).toMatchObject({ name: 'Off', isEnabled: false });
    expect(analyze(input({ misnamedSource: (source) => (source === 'syscall' ? 'bad' : undefined) })).rules[2]).not.toHaveProperty('skippedByFalco');
  });

  it('applies config suppressions dated by the run, and lists what they suppressed', () => {
    const suppressions = [{ codes: ['untagged-rule'], reason: 'helper', file: 'c.yaml', line: 1, column: 1 }, { codes: ['tactic-mismatch'], reason: 'old', until: '2026-05-31', file: 'c.yaml', line: 5, column: 1 }];
    const suppressed = analyze(input({ suppressions }));
    expect(suppressed.suppressed!.map((f) => f.code)).toEqual(['untagged-rule']);
    expect(suppressed.findings.map((f) => f.code)).toEqual(['expired-suppression', 'tactic-mismatch', 'unjustified-tactic', 'unknown-technique']);
    expect(suppressed.findings[0]!.message).toContain('expired after 2026-05-31');
    expect(suppressed.summary.findings).toMatchObject({ info: 0, warning: 2, suppressed: 1 });
    // Suppressed findings come in the findings' order (file, line, column, code), not in the rules' order.
    const all = analyze(input({ suppressions: [{ codes: ['tactic-mismatch', 'unjustified-tactic', 'unknown-technique', 'untagged-rule'], reason: 'all', file: 'c.yaml', line: 1, column: 1 }] }));
    expect(all.suppressed!.map((f) => `${f.file}:${f.line}:${f.column} ${f.code}`)).toEqual(analyze(input()).findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code}`));
    expect(all.suppressed![0]!.file).toBe('a.yaml');
  });

  it('applies inline comments from the ruleset, knowing every check’s code', () => {
    const ruleset: Ruleset = { ...input().ruleset, ignoreComments: [{ file: 'a.yaml', line: 4, column: 3, targetLine: 5, codes: ['untagged-rule'], reason: 'helper' }] };
    const result = analyze(input({ ruleset }));
    expect(result.suppressed!.map((f) => f.code)).toEqual(['untagged-rule']);
    expect(result.findings.map((f) => f.code)).not.toContain('invalid-suppression');
  });

  it('offers the renamed tactic for an old tactic name', () => {
    const ruleset: Ruleset = { ...input().ruleset, rules: [rule('Old', ['T1529', 'mitre_impactful'])] };
    const result = analyze(input({ ruleset, tacticRenames: { impactful: 'impact' } }));
    expect(result.findings.find((f) => f.code === 'unknown-tactic')!.args).toEqual({ renamedTo: 'impact' });
  });

  it('builds the --threat profiles, and refuses an unknown one', () => {
    expect(analyze(input({ threats: ['alpha'] })).threats.map((t) => `${t.ref}=${t.id}`)).toEqual(['alpha=G1']);
    expect(() => analyze(input({ threats: ['nobody'] }))).toThrow(UsageError);
  });
});

describe('checkRules', () => {
  it('runs every check on every rule and orders findings by place, then code, then tag', () => {
    const rules = mapped(CATALOG, rule('R', ['T9999', 'T9998']), rule('Q', ['T9997'], { position: { file: 'rules.yaml', line: 1, column: 3 } }));
    const context = { catalog: CATALOG, tactics: indexTactics(CATALOG), sourcePlatforms: SOURCES };
    const sameLine = [rule('S', []), rule('S2', [])].map((r) => ({ ...r, position: { file: 'z.yaml', line: 1, column: 1 } }));
    const findings = checkRules([...rules, ...mapped(CATALOG, ...sameLine)], context);
    expect(findings.map((f) => `${f.file}:${f.line}:${f.column}:${f.code}:${f.tag ?? ''}`)).toEqual([
      'rules.yaml:3:9:unknown-technique:T9997',
      'rules.yaml:12:9:unknown-technique:T9999',
      'rules.yaml:13:9:unknown-technique:T9998',
      'z.yaml:1:1:untagged-rule:',
      'z.yaml:1:1:untagged-rule:',
    ]);
    expect(CHECKS.length).toBe(14);
  });

  it('orders findings at one place by code, then by tag', () => {
    const r = { ...rule('R', ['mitre_bogus', 'mitre_bogut']), tags: [{ value: 'mitre_zz', file: 'f.yaml', line: 1, column: 1 }, { value: 'mitre_aa', file: 'f.yaml', line: 1, column: 1 }, { value: 't9999', file: 'f.yaml', line: 1, column: 1 }] };
    const findings = checkRules(mapped(CATALOG, r), { catalog: CATALOG, tactics: indexTactics(CATALOG), sourcePlatforms: SOURCES });
    expect(findings.map((f) => `${f.code}:${f.tag}`)).toEqual(['nonstandard-tag:t9999', 'unknown-tactic:mitre_aa', 'unknown-tactic:mitre_zz', 'unknown-technique:t9999']);
  });
});

describe('analyzeGaps', () => {
  const entry = (id: string, platforms: string[], status: TechniqueEntry['status'], inScope = true, isSubtechnique = false): TechniqueEntry =>
    ({ id, name: id, url: '', tactics: [], platforms, isSubtechnique, inScope, status, rules: [], observingRules: [], platformCoverage: [], disabledRules: [], coveredSubtechniques: [], usedBy: 0, findings: 0 });

  it('assesses in-scope techniques on their in-scope platforms only, and counts top-level gaps per verdict', () => {
    const techniques = [entry('T1529', ['Linux', 'Windows'], 'gap'), entry('T1059', ['Linux'], 'covered'), entry('T1059.004', ['Linux'], 'gap', true, true), entry('T1112', ['Windows'], 'gap', false)];
    const result = analyzeGaps(CATALOG, techniques, new Set(['Linux']), ['syscall'], [{ name: 'auditd:*', source: 'syscall', why: '' }], []);
    expect(techniques[0]!.detectability).toMatchObject({ verdict: 'closable-loaded' });
    expect(techniques[0]!.detectability!.analytics[0]!.platforms).toEqual(['Linux']);
    expect(techniques[1]!.detectability).toMatchObject({ verdict: 'unknown' });
    expect(techniques[3]).not.toHaveProperty('detectability');
    expect(result.gaps.map((g) => g.id)).toEqual(['T1529', 'T1059.004']);
    expect(result.gapDetectability).toEqual({ 'closable-loaded': 1, 'closable-other': 0, unknown: 0, 'not-observable': 0 });
    expect(result.gaps[0]!.priority.activeUsers).toBe(0);
  });

  it('refuses an unknown --threat before assessing anything', () => {
    const techniques = [entry('T1529', ['Linux'], 'gap')];
    expect(() => analyzeGaps(CATALOG, techniques, new Set(['Linux']), [], [], ['nobody'])).toThrow(UsageError);
    expect(techniques[0]).not.toHaveProperty('detectability');
  });

  it('counts actors active on the scope and weighs the profiles in the order', () => {
    const techniques = [entry('T1529', ['Linux'], 'gap'), entry('T1059', ['Linux'], 'gap')];
    const result = analyzeGaps(CATALOG, techniques, new Set(['Linux', 'Containers']), [], [{ name: 'auditd:*', source: 'syscall', why: '' }], ['G1']);
    expect(result.threats.map((t) => t.id)).toEqual(['G1']);
    expect(result.gaps[0]).toMatchObject({ id: 'T1529', priority: { activeUsers: 1, profiles: ['Alpha'], score: 101 } });
    // The scope's platforms in the sentence are sorted, whatever order they came in.
    expect(result.gaps[0]!.priority.why).toContain('1 of the 1 adversaries using it are active on Containers, Linux');
  });

  it('makes one profile of refs that name the same actor, named as first given, weighed once', () => {
    const techniques = [entry('T1529', ['Linux'], 'gap')];
    const result = analyzeGaps(CATALOG, techniques, new Set(['Linux']), [], [], ['Alpha', 'G1', 'alpha']);
    expect(result.threats.map((t) => [t.id, t.ref])).toEqual([['G1', 'Alpha']]);
    expect(result.gaps[0]).toMatchObject({ id: 'T1529', priority: { profiles: ['Alpha'], score: 101 } });
  });
});
