// The reporters of `report --suggest` on the fixture report with hand-written suggestions (one rule with
// candidates and an edit, one with a hostile name, one model answer refused), against golden files.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSarif } from '../../../src/report/sarif.js';
import { suggestionsCsvReporter } from '../../../src/report/suggestions-csv.js';
import { renderSuggestions } from '../../../src/report/suggestions-text.js';
import { renderSummaryMarkdown } from '../../../src/report/summary-md.js';
import { suggestionsSection } from '../../../src/suggest/would-cover.js';
import type { RuleSuggestion } from '../../../src/suggest/types.js';
import { reportFor } from '../../helpers/load.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

const golden = (name: string) => path.join(repoRoot, 'test', 'golden', name);

const RULES: RuleSuggestion[] = [
  {
    rule: 'Untagged shell',
    file: 'test/fixtures/rules/untagged.yaml',
    line: 3,
    source: 'syscall',
    existing: [],
    candidates: [
      { technique: 'T1059.004', name: 'Unix Shell', score: 0.41, tags: ['mitre_execution', 'T1059.004'], logSources: ['auditd:EXECVE'], evidence: [{ kind: 'similar-rule', value: 'Run shell untrusted', terms: ['shell'] }, { kind: 'list', value: 'shell_binaries', terms: ['bash'] }], matchedIn: ['name', 'similar rules'], by: 'ranker', edit: { file: 'test/fixtures/rules/untagged.yaml', startLine: 8, startColumn: 1, endLine: 8, endColumn: 1, text: '  tags: [mitre_execution, T1059.004]\n' } },
      { technique: 'T1059', name: 'Command and Scripting Interpreter', score: 0.12, tags: ['mitre_execution', 'T1059'], logSources: [], evidence: [{ kind: 'name', value: 'shell', terms: ['shell'] }], matchedIn: ['name'], by: 'ranker' },
    ],
    rejected: [],
  },
  {
    rule: '=cmd|<script>alert(1)</script>',
    file: 'test/fixtures/rules/hostile.yaml',
    line: 9,
    source: 'syscall',
    existing: [],
    candidates: [{ technique: 'T1610', name: 'Deploy Container', score: 0.25, tags: ['mitre_execution', 'T1610'], logSources: [], evidence: [], matchedIn: [], by: 'model', reason: 'a | pipe and [link](x)' }],
    rejected: [{ technique: 'T1547.001', reason: 'T1547.001 (Windows) is not on a platform the syscall source observes (Linux, Containers)' }],
  },
];

describe('suggestion outputs on the fixture report', async () => {
  const report = await reportFor(['conventional.yaml', 'base.yaml'].map((f) => fixture('rules', f)));
  const enabled = RULES.map((s) => ({ name: s.rule, isEnabled: true }) as never);
  report.suggestions = suggestionsSection({ ...report, rules: [...report.rules, ...enabled] }, RULES, 'offline', 0.2);

  it('would cover the gaps that best candidates at or above the bar name, for enabled rules', () => {
    // T1059.004 is covered already; T1610 is a gap in the fixture report.
    expect(report.suggestions!.wouldCover).toEqual([{ id: 'T1610', rules: ['=cmd|<script>alert(1)</script>'] }]);
    expect(suggestionsSection(report, RULES, 'offline', 0.3).wouldCover).toEqual([]);
    expect(suggestionsSection({ ...report, rules: [...report.rules, ...RULES.map((s) => ({ name: s.rule, isEnabled: false }) as never)] }, RULES, 'offline', 0.2).wouldCover).toEqual([]);
  });
  it('suggestions.csv matches its golden file', async () => {
    await expect(suggestionsCsvReporter.render(report, { outDir: '/out' })).toMatchFileSnapshot(golden('suggestions-mini.csv'));
  });
  it('summary.md carries the section, escaped', async () => {
    const md = renderSummaryMarkdown(report);
    await expect(md.slice(md.indexOf('### Suggested'))).toMatchFileSnapshot(golden('summary-suggestions-mini.md'));
    expect(md).not.toContain('<script>');
  });
  it('SARIF has a note per rule with candidates and a fix where the edit is known', () => {
    const results = buildSarif(report).runs[0]!.results.filter((r) => r.ruleId === 'suggested-attack-tags') as unknown as { fixes?: { artifactChanges: { replacements: { insertedContent: { text: string } }[] }[] }[] }[];
    expect(results).toHaveLength(2);
    expect(results[0]!.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent.text).toBe('  tags: [mitre_execution, T1059.004]\n');
    expect(results[1]!.fixes).toBeUndefined();
  });
  it('the terminal listing matches its golden file', async () => {
    await expect(renderSuggestions(RULES, { isColor: false })).toMatchFileSnapshot(golden('suggestions-mini.txt'));
  });
});
