// The outputs of tag suggestions, field by field: the SARIF note and its fix, the CSV rows (candidates and
// refused answers), the summary.md section (bounded, escaped) and the evidence wording. Hand-made suggestions:
// RULE_WITH_EDIT has two candidates and an edit, RULE_NO_EDIT one model candidate without an edit, EMPTY none.
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../../src/coverage-report.js';
import type { Candidate, RuleSuggestion } from '../../../src/suggest/types.js';
import { suggestionResults, suggestionSarifRule, SUGGESTION_RULE_ID } from '../../../src/report/sarif-suggestions.js';
import { buildSarif } from '../../../src/report/sarif.js';
import { suggestionsSarif } from '../../../src/run/suggest-apply.js';
import { suggestionsCsv, suggestionsCsvReporter } from '../../../src/report/suggestions-csv.js';
import { describeEvidence, renderSuggestions } from '../../../src/report/suggestions-text.js';
import { suggestionsSection } from '../../../src/report/summary-suggestions.js';

const candidate = (technique: string, score: number, extra: Partial<Candidate> = {}): Candidate => ({ technique, name: `Name of ${technique}`, score, tags: ['mitre_execution', technique], logSources: [], evidence: [], matchedIn: [], by: 'ranker', ...extra });

const RULE_WITH_EDIT: RuleSuggestion = {
  rule: 'Shell spawned', file: 'rules/a.yaml', line: 4, source: 'syscall', existing: [], rejected: [],
  candidates: [
    candidate('T1059.004', 0.41234, { evidence: [{ kind: 'name', value: 'shell', terms: ['shell'] }, { kind: 'list', value: 'shell_binaries', terms: ['bash', 'sh'] }], edit: { file: 'rules/a b.yaml', startLine: 9, startColumn: 3, endLine: 10, endColumn: 5, text: '  tags: [T1059.004]\n' } }),
    candidate('T1059', 0.1),
  ],
};
const RULE_NO_EDIT: RuleSuggestion = { rule: 'Odd <b>rule</b>', file: 'official:falco_rules.yaml', line: 12, source: 'k8s_audit', existing: ['T1610'], rejected: [{ technique: 'T1547', reason: 'Windows only' }], candidates: [candidate('T1610', 0.25, { by: 'model', reason: 'deploys a pod' })] };
const EMPTY: RuleSuggestion = { rule: 'Nothing', file: 'rules/a.yaml', line: 30, source: 'syscall', existing: [], rejected: [], candidates: [] };

const locate = (file: string) => ({ uri: `loc:${file}` });

describe('SARIF suggestion results', () => {
  // Made inside each test: Stryker runs a mutant only against the tests that execute it.
  const made = () => suggestionResults([RULE_WITH_EDIT, EMPTY, RULE_NO_EDIT], 7, locate) as unknown as Record<string, any>[];

  it('has one note per rule with candidates, pointing at the suggestion rule', () => {
    const results = made();
    expect(results).toHaveLength(2);
    for (const r of results) expect(r).toMatchObject({ ruleId: 'suggested-attack-tags', ruleIndex: 7, level: 'note' });
  });
  it('lists the candidates with scores and the best one with its evidence', () => {
    const results = made();
    expect(results[0]!.message.text).toBe('rule "Shell spawned" has no ATT&CK technique tag; candidates: T1059.004 Name of T1059.004 (0.412), T1059 Name of T1059 (0.100). Best: T1059.004, evidence: name word "shell"; list shell_binaries (bash, sh)');
    // A rule already tagged (suggest --all) is said to be (QA: SARIF said "has no ATT&CK technique tag").
    expect(results[1]!.message.text).toBe('rule "Odd <b>rule</b>" is tagged T1610; more candidates: T1610 Name of T1610 (0.250). Best: T1610, evidence: none; reason: deploys a pod');
    const twice = suggestionResults([{ ...RULE_NO_EDIT, existing: ['T1059', 'T1610'] }], 7, locate) as unknown as Record<string, any>[];
    expect(twice[0]!.message.text).toMatch(/^rule "Odd <b>rule<\/b>" is tagged T1059, T1610; more candidates: /);
  });
  it('sits on the rule line, column 1, with an edit or without (the edit may be past the rule: QA saw the next rule\'s line, and a line past the end of the file)', () => {
    const results = made();
    expect(results[0]!.locations).toEqual([{ physicalLocation: { artifactLocation: { uri: 'loc:rules/a.yaml' }, region: { startLine: 4, startColumn: 1 } }, logicalLocations: [{ name: 'Shell spawned', kind: 'member' }] }]);
    expect(results[1]!.locations[0].physicalLocation.region).toEqual({ startLine: 12, startColumn: 1 });
  });
  it('shows a rule name\'s controls and bidi overrides as escapes, in the message and the logical location', () => {
    const spoof = suggestionResults([{ ...RULE_WITH_EDIT, rule: 'Harmless\u202e )tset(sdnammoc\u001b[2J' }], 0, locate) as unknown as Record<string, any>[];
    expect(spoof[0]!.locations[0].logicalLocations).toEqual([{ name: 'Harmless\\u202e )tset(sdnammoc\\u001b[2J', kind: 'member' }]);
    expect(spoof[0]!.message.text).toContain('rule "Harmless\\\\u202e )tset(sdnammoc\\\\u001b\\[2J" has no');
    // (The fingerprint keeps the name as it is: it is matched, not shown.)
    expect(JSON.stringify({ ...spoof[0], partialFingerprints: undefined })).not.toMatch(/[\u202e\u001b]/);
  });
  it('fingerprints by rule name, not by line', () => {
    const results = made();
    expect(results[0]!.partialFingerprints).toEqual({ 'attackCov/v1': 'suggested-attack-tags|Shell spawned' });
    const moved = suggestionResults([{ ...RULE_NO_EDIT, line: 99 }], 0, locate) as unknown as Record<string, any>[];
    expect(moved[0]!.partialFingerprints).toEqual(results[1]!.partialFingerprints);
  });
  it('offers the edit of the best candidate as a fix, and no fix without an edit', () => {
    const results = made();
    expect(results[0]!.fixes).toEqual([{ description: { text: 'add mitre_execution, T1059.004 to the tags of "Shell spawned"' }, artifactChanges: [{ artifactLocation: { uri: 'loc:rules/a b.yaml' }, replacements: [{ deletedRegion: { startLine: 9, startColumn: 3, endLine: 10, endColumn: 5 }, insertedContent: { text: '  tags: [T1059.004]\n' } }] }] }]);
    expect(results[1]).not.toHaveProperty('fixes');
  });
  it('escapes brackets in rule names in the message and the fix, so neither holds an embedded link', () => {
    const linked = { ...RULE_WITH_EDIT, rule: '[x](https://evil.example)' };
    const [result] = suggestionResults([linked], 0, locate) as unknown as Record<string, any>[];
    expect(result!.message.text).toMatch(/^rule "\\\[x\\\]\(https:\/\/evil\.example\)" has no ATT&CK/);
    expect(result!.fixes[0].description.text).toBe('add mitre_execution, T1059.004 to the tags of "\\[x\\](https://evil.example)"');
  });
  it('carries the best technique, its score and all candidates as properties', () => {
    const results = made();
    expect(results[0]!.properties).toEqual({ technique: 'T1059.004', score: 0.41234, candidates: ['T1059.004', 'T1059'] });
  });
  it('the rule is a note about mitre-attack suggestions', () => {
    expect(suggestionSarifRule).toMatchObject({ id: SUGGESTION_RULE_ID, name: 'SuggestedAttackTags', defaultConfiguration: { level: 'note' }, properties: { tags: ['mitre-attack', 'falco', 'suggestion'], precision: 'medium' } });
  });
  it('buildSarif appends the rule last and points suggestion results at it, only when the report has suggestions', () => {
    const report = { tool: { name: 't', version: '1' }, inputs: { rules: [] }, findings: [], suggestions: { ranker: 'offline', minScore: 0.2, rules: [RULE_WITH_EDIT], wouldCover: [] } } as unknown as CoverageReport;
    const run = buildSarif(report).runs[0]!;
    const rules = run.tool.driver.rules;
    expect(rules.at(-1)!.id).toBe(SUGGESTION_RULE_ID);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]!.ruleIndex).toBe(rules.length - 1);
    expect((run.results[0] as unknown as { locations: { physicalLocation: { artifactLocation: unknown } }[] }).locations[0]!.physicalLocation.artifactLocation).toEqual({ uri: 'rules/a.yaml', uriBaseId: '%SRCROOT%' });
    const without = buildSarif({ ...report, suggestions: undefined }).runs[0]!;
    expect(without.tool.driver.rules.map((r) => r.id)).not.toContain(SUGGESTION_RULE_ID);
  });
  it('locates a suggestion and its fix in a symlinked file at the file the link resolves to (report and suggest --format sarif)', () => {
    // rules/a.yaml and "rules/a b.yaml" are links into shared/: the repository holds their lines there.
    const files = [{ path: 'rules/a.yaml', sha256: '0', target: 'shared/a.yaml' }, { path: 'rules/a b.yaml', sha256: '0', target: 'shared/a b.yaml' }];
    const report = { tool: { name: 't', version: '1' }, inputs: { rules: files }, findings: [], suggestions: { ranker: 'offline', minScore: 0.2, rules: [RULE_WITH_EDIT], wouldCover: [] } } as unknown as CoverageReport;
    for (const sarif of [buildSarif(report), suggestionsSarif([RULE_WITH_EDIT], { name: 't', version: '1' }, files)]) {
      const [result] = sarif.runs[0]!.results as unknown as Record<string, any>[];
      expect(result!.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'shared/a.yaml', uriBaseId: '%SRCROOT%' });
      expect(result!.fixes[0].artifactChanges[0].artifactLocation).toEqual({ uri: 'shared/a%20b.yaml', uriBaseId: '%SRCROOT%' });
    }
  });
  it('leaves out suggestions for rules in files that are not in the repository, and says so (report and suggest --format sarif)', () => {
    // An official rule with no candidate has no result to leave out, so it is not counted.
    const emptyOfficial = { ...EMPTY, rule: 'Nothing official', file: 'official:falco-sandbox_rules.yaml' };
    const report = { tool: { name: 't', version: '1' }, inputs: { rules: [] }, findings: [], suggestions: { ranker: 'offline', minScore: 0.2, rules: [RULE_WITH_EDIT, RULE_NO_EDIT, EMPTY, emptyOfficial], wouldCover: [] } } as unknown as CoverageReport;
    const note = '1 tag suggestion about official:falco_rules.yaml is not in this log: no file of the repository, so code scanning could show no alert there (the other outputs have them)';
    for (const sarif of [buildSarif(report), suggestionsSarif([RULE_WITH_EDIT, RULE_NO_EDIT, EMPTY, emptyOfficial], { name: 't', version: '1' }, [])]) {
      const run = sarif.runs[0]! as (typeof sarif)['runs'][number] & { invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] };
      expect(run.results.map((r) => (r as unknown as { locations: { logicalLocations: { name: string }[] }[] }).locations[0]!.logicalLocations[0]!.name)).toEqual(['Shell spawned']);
      expect(run.invocations[0]!.toolExecutionNotifications.map((n) => n.message.text)).toEqual([note]);
      expect(run.columnKind).toBe('utf16CodeUnits');
      // Its own key hashed (16 hex digits of its sha256), numbered: what code scanning tracks the alert by.
      const key = 'suggested-attack-tags|Shell spawned';
      expect((run.results[0] as unknown as { partialFingerprints: Record<string, string> }).partialFingerprints.primaryLocationLineHash).toBe(`${createHash('sha256').update(key).digest('hex').slice(0, 16)}:1`);
    }
  });
});

describe('suggestions.csv', () => {
  it('one row per candidate with its rank, then one per refused answer', () => {
    const rows = parse(suggestionsCsv([RULE_WITH_EDIT, EMPTY, RULE_NO_EDIT]), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { rule: 'Shell spawned', file: 'rules/a.yaml', line: '4', source: 'syscall', rank: '1', technique: 'T1059.004', name: 'Name of T1059.004', score: '0.41234', tags_to_add: 'mitre_execution;T1059.004', by: 'ranker', reason: '', evidence: 'name word "shell"; list shell_binaries (bash, sh)', log_sources: '' },
      { rule: 'Shell spawned', file: 'rules/a.yaml', line: '4', source: 'syscall', rank: '2', technique: 'T1059', name: 'Name of T1059', score: '0.1', tags_to_add: 'mitre_execution;T1059', by: 'ranker', reason: '', evidence: '', log_sources: '' },
      { rule: 'Odd <b>rule</b>', file: 'official:falco_rules.yaml', line: '12', source: 'k8s_audit', rank: '1', technique: 'T1610', name: 'Name of T1610', score: '0.25', tags_to_add: 'mitre_execution;T1610', by: 'model', reason: 'deploys a pod', evidence: '', log_sources: '' },
      { rule: 'Odd <b>rule</b>', file: 'official:falco_rules.yaml', line: '12', source: 'k8s_audit', rank: '', technique: 'T1547', name: '', score: '', tags_to_add: '', by: 'rejected', reason: 'Windows only', evidence: '', log_sources: '' },
    ]);
  });
  it('joins log sources and guards formulas in rule names and refusal reasons', () => {
    const hostile = { ...RULE_WITH_EDIT, rule: '=HYPERLINK("x")', candidates: [candidate('T1', 0.5, { logSources: ['auditd:EXECVE', 'proc'] })], rejected: [{ technique: 'T9', reason: '@SUM(1)' }] };
    const [row, refused] = parse(suggestionsCsv([hostile]), { columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({ rule: `'=HYPERLINK("x")`, log_sources: 'auditd:EXECVE;proc' });
    expect(refused).toMatchObject({ rule: `'=HYPERLINK("x")`, by: 'rejected', reason: "'@SUM(1)" });
  });
  it('the reporter writes suggestions.csv only when the report has suggestions', () => {
    const report = { suggestions: { ranker: 'offline', minScore: 0, rules: [EMPTY], wouldCover: [] } } as unknown as CoverageReport;
    expect(suggestionsCsvReporter.renderFiles!(report, { outDir: '/' })).toEqual([{ name: 'suggestions.csv', content: suggestionsCsv([EMPTY]) }]);
    expect(suggestionsCsvReporter.renderFiles!({} as CoverageReport, { outDir: '/' })).toEqual([]);
    expect(suggestionsCsvReporter.render({} as CoverageReport, { outDir: '/' })).toBe(suggestionsCsv([]));
    expect(suggestionsCsvReporter.render(report, { outDir: '/' })).toBe(suggestionsCsv([EMPTY]));
    expect(suggestionsCsvReporter).toMatchObject({ name: 'suggestions-csv', fileName: 'suggestions.csv', description: 'one row per suggested technique of each untagged rule (report --suggest)' });
  });
});

describe('describeEvidence', () => {
  it('quotes words found in the name, desc or output, without the terms', () => {
    expect(describeEvidence({ kind: 'name', value: 'shell', terms: ['shell'] })).toBe('name word "shell"');
    expect(describeEvidence({ kind: 'desc', value: 'spawn', terms: ['spawn'] })).toBe('desc word "spawn"');
    expect(describeEvidence({ kind: 'output', value: 'cmd', terms: ['cmd'] })).toBe('output word "cmd"');
  });
  it('names macros, lists, fields, events, processes and values with the terms they matched', () => {
    expect(describeEvidence({ kind: 'macro', value: 'spawned_process', terms: ['spawn', 'process'] })).toBe('macro spawned_process (spawn, process)');
    expect(describeEvidence({ kind: 'field', value: 'proc.name', terms: [] })).toBe('field proc.name');
    expect(describeEvidence({ kind: 'event', value: 'execve', terms: ['exec'] })).toBe('event execve (exec)');
    expect(describeEvidence({ kind: 'process', value: 'bash', terms: ['bash'] })).toBe('process bash (bash)');
    expect(describeEvidence({ kind: 'value', value: '/etc/shadow', terms: ['shadow'] })).toBe('value of /etc/shadow (shadow)');
  });
  it('quotes a similar tagged rule', () => {
    expect(describeEvidence({ kind: 'similar-rule', value: 'Run shell', terms: ['shell'] })).toBe('similar tagged rule "Run shell" (shell)');
  });
  it('says which API name ATT&CK names and which fields the rule tests it on', () => {
    expect(describeEvidence({ kind: 'named-value', value: 'CreateAccessKey', terms: ['ct.name', 'okta.evt.type'] })).toBe('ATT&CK names "CreateAccessKey" (tested on ct.name, okta.evt.type)');
    expect(describeEvidence({ kind: 'named-in-detection', value: 'StopLogging', terms: ['ct.name', 'ct.x'] })).toBe('ATT&CK detection names "StopLogging" (tested on ct.name, ct.x)');
  });
});

describe('the terminal listing of suggestions', () => {
  it('lists each rule with its candidates, reason, evidence, refusals and a count', () => {
    const text = renderSuggestions([RULE_WITH_EDIT, EMPTY, RULE_NO_EDIT], { isColor: false });
    expect(text).toContain('rules/a.yaml:4  Shell spawned  (syscall)\n  1. T1059.004  Name of T1059.004  score 0.412  tags: mitre_execution, T1059.004\n     evidence: name word "shell"; list shell_binaries (bash, sh)\n  2. T1059      Name of T1059  score 0.100  tags: mitre_execution, T1059');
    expect(text).toContain('rules/a.yaml:30  Nothing  (syscall)\n  no candidate');
    expect(text).toContain('official:falco_rules.yaml:12  Odd <b>rule</b>  (k8s_audit; tagged T1610)\n  1. T1610      Name of T1610  score 0.250  tags: mitre_execution, T1610  [model]\n     reason: deploys a pod\n  rejected T1547: Windows only');
    expect(text.endsWith('\n\n3 rules looked at, 2 with candidates\n')).toBe(true);
  });
  it('says so when a candidate adds no tag, shows log sources, and names an answer without a technique', () => {
    const s: RuleSuggestion = { ...EMPTY, existing: ['T1610', 'T1611'], candidates: [candidate('T1', 0.5, { tags: [], logSources: ['auditd:EXECVE', 'proc'] })], rejected: [{ technique: '', reason: 'not JSON' }] };
    const out = renderSuggestions([s], { isColor: false });
    expect(out).toContain('rules/a.yaml:30  Nothing  (syscall; tagged T1610, T1611)\n');
    expect(out).toContain('tags: (none to add)\n     log sources: auditd:EXECVE, proc\n  rejected (answer): not JSON');
    expect(out).toContain('1 rule looked at, 1 with candidates');
  });
});

describe('the summary.md section of suggestions', () => {
  const section = (rules: RuleSuggestion[], wouldCover: { id: string; rules: string[] }[] = []) =>
    suggestionsSection({ suggestions: { ranker: 'model_[x]', minScore: 0.2, rules, wouldCover } } as unknown as CoverageReport).join('\n');

  it('is absent without suggestions', () => {
    expect(suggestionsSection({} as CoverageReport)).toEqual([]);
  });
  it('counts, names what the best candidates would cover, and tables the rules escaped', () => {
    expect(section([RULE_WITH_EDIT, EMPTY, RULE_NO_EDIT], [{ id: 'T1610', rules: [] }, { id: 'T1611', rules: [] }])).toBe([
      '', '### Suggested ATT&CK tags (model\\_\\[x\\])', '',
      '2 of 3 rules looked at have candidates; accepting the best (score ≥ 0.2) would cover 2 technique(s) not covered now: T1610, T1611.', '',
      '| rule | best candidate | score | also |', '|---|---|---|---|',
      '| Shell spawned | T1059.004 Name of T1059.004 | 0.412 | T1059 |',
      '| Odd &lt;b&gt;rule&lt;/b&gt; | T1610 Name of T1610 | 0.250 |  |',
    ].join('\n'));
    const three = { ...RULE_WITH_EDIT, candidates: [...RULE_WITH_EDIT.candidates, candidate('T1106', 0.05)] };
    expect(section([three])).toContain('| Shell spawned | T1059.004 Name of T1059.004 | 0.412 | T1059, T1106 |');
  });
  it('stops after the counts when no rule has a candidate', () => {
    expect(section([EMPTY])).toBe(['', '### Suggested ATT&CK tags (model\\_\\[x\\])', '', '0 of 1 rules looked at have candidates; accepting the best (score ≥ 0.2) would cover 0 technique(s) not covered now.', ''].join('\n'));
  });
  it('shows 15 rules and 15 covered techniques at most, and says how many more', () => {
    const many = Array.from({ length: 17 }, (_, i) => ({ ...RULE_NO_EDIT, rule: `R${i}` }));
    const cover = Array.from({ length: 16 }, (_, i) => ({ id: `T${1000 + i}`, rules: [] }));
    const text = section(many, cover);
    expect(text).toContain('| R14 |');
    expect(text).not.toContain('| R15 |');
    expect(text).toContain('T1014.');
    expect(text).not.toContain('T1015');
    expect(text.endsWith('\n\n…and 2 more in suggestions.csv.')).toBe(true);
    expect(section(many.slice(2), cover).endsWith('| R16 | T1610 Name of T1610 | 0.250 |  |')).toBe(true);
  });
});
