// What attack-cov prints: the report summary with every section (a golden file, test/golden/terminal-full.txt;
// regenerate with `npx vitest run -u` and review), colour only when asked, untrusted text made printable,
// and the lint and validation listings with their totals.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoverageReport, Finding } from '../../../src/coverage-report.js';
import { paint, renderLintFindings, renderSummary, renderValidationIssues } from '../../../src/report/terminal.js';
import { topGapRows } from '../../../src/report/priority-words.js';
import { repoRoot } from '../../helpers/paths.js';
import { emulationSection, fullReport } from './full-report.js';

const report = await fullReport();
const plain = { isColor: false };
const color = { isColor: true };
// Rendered inside each test: Stryker runs a mutant only against the tests that execute it.
const fullText = (): string => renderSummary(report, plain);
const ESC = '\u001b';

describe('the report summary', () => {
  it('matches its golden file', async () => {
    await expect(fullText()).toMatchFileSnapshot(path.join(repoRoot, 'test', 'golden', 'terminal-full.txt'));
  });
  it('counts the enabled rules Falco skips in the headline, only when there are some (QA: only report.json said so)', () => {
    const copy: CoverageReport = structuredClone(report);
    copy.summary.rules = { ...copy.summary.rules, enabled: 4, skippedByFalco: 2 };
    expect(renderSummary(copy, plain).split('\n')[0]).toMatch(/ \(4 enabled, 2 of them skipped by Falco, \d+ disabled, /);
    expect(fullText().split('\n')[0]).not.toContain('skipped');
  });
  it('says "sources: none" for a scope from the rules\' sources when no source brings a platform', () => {
    const copy: CoverageReport = structuredClone(report);
    copy.scope = { platforms: [], from: 'sources', sources: [] };
    expect(renderSummary(copy, plain).split('\n')).toContain('scope: none (sources: none)');
  });
  it('carries no escape sequence without colour, not even from a hostile profile name', () => {
    expect(fullText()).not.toContain(ESC);
    expect(fullText()).toContain('Team <b>|x|</b>\\u001b[31m (G9999, group)');
  });
  it('paints with SGR codes when colour is on', () => {
    expect(paint(color, 'red', 'x')).toBe(`${ESC}[31mx${ESC}[0m`);
    expect(['yellow', 'green', 'cyan', 'dim', 'bold'].map((c) => paint(color, c as 'red', ''))).toEqual([`${ESC}[33m${ESC}[0m`, `${ESC}[32m${ESC}[0m`, `${ESC}[36m${ESC}[0m`, `${ESC}[2m${ESC}[0m`, `${ESC}[1m${ESC}[0m`]);
    expect(paint(plain, 'red', 'x')).toBe('x');
    const colored = renderSummary(report, color);
    expect(colored).toContain(`${ESC}[1mCoverage per tactic (techniques covered or partly covered / in scope)${ESC}[0m`);
    expect(colored).toContain(`${ESC}[31m6 errors${ESC}[0m, ${ESC}[33m6 warnings${ESC}[0m, ${ESC}[36m1 info${ESC}[0m${ESC}[2m (2 suppressed, not counted)${ESC}[0m`);
    expect(colored).toContain(`  ${ESC}[31mFAIL${ESC}[0m  --fail-on: 2 errors <script>|*x*|`);
    expect(colored).toContain(`  ${ESC}[32mpass${ESC}[0m  --min-coverage: `);
    expect(colored).toContain(`${ESC}[32m  + T1529 System Shutdown/Reboot newly covered${ESC}[0m`);
  });
  it('draws a 20-cell bar and the percentage per tactic, and a dim line for a tactic with nothing in scope', () => {
    const copy: CoverageReport = structuredClone(report);
    copy.tactics = [{ ...copy.tactics[0]!, name: 'Half', covered: 1, partial: 1, total: 4, percent: 50 }, { ...copy.tactics[0]!, name: 'Empty', covered: 0, partial: 0, total: 0, percent: 0 }, { ...copy.tactics[0]!, name: 'Third', covered: 1, partial: 0, total: 3, percent: 33.3 }];
    const out = renderSummary(copy, plain);
    expect(out).toContain(`  Half     ${'█'.repeat(10)}${'░'.repeat(10)}  50.0%    2/4  \n`);
    expect(out).toContain(`  Third    ${'█'.repeat(7)}${'░'.repeat(13)}  33.3%    1/3  \n`);
    expect(out).toContain(`  Empty    ${'·'.repeat(20)}      —  no technique in scope\n`);
    expect(renderSummary(copy, color)).toContain(`  Empty    ${ESC}[2m${'·'.repeat(20)}      —  no technique in scope${ESC}[0m`);
  });
  it('says where the scope came from', () => {
    expect(fullText()).toContain('scope: Containers, Linux (sources: syscall)');
    const option = renderSummary({ ...report, scope: { ...report.scope, from: 'option', platforms: [] } }, plain);
    expect(option).toContain('scope: none (--platform)');
    const sources = renderSummary({ ...report, scope: { ...report.scope, sources: ['syscall', 'k8s_audit'] } }, plain);
    expect(sources).toContain('scope: Containers, Linux (sources: syscall, k8s_audit)\n');
  });
  it('gives per-platform coverage only when there are platforms', () => {
    const platforms = [{ platform: 'Linux', total: 4, covered: 1, partial: 1, gap: 2, percent: 50 }];
    expect(renderSummary({ ...report, summary: { ...report.summary, platforms } }, plain)).toContain('  per platform (a rule counts only where its source observes): Linux 50.0% (2/4)\n');
    expect(renderSummary({ ...report, summary: { ...report.summary, platforms: [] } }, plain)).not.toContain('per platform');
  });
  it('counts suppressed findings by code and where the suppression is written, sorted', () => {
    const [s] = report.suppressed!;
    const suppressed = [
      { ...s!, code: 'b-code', suppression: { ...s!.suppression, kind: 'external' as const, justification: 'cfg' } },
      { ...s!, code: 'a-code', suppression: { ...s!.suppression, kind: 'inSource' as const, justification: 'why\nnot' } },
      { ...s!, code: 'a-code', suppression: { ...s!.suppression, kind: 'inSource' as const, justification: 'why\nnot' } },
    ];
    const out = renderSummary({ ...report, suppressed }, plain);
    expect(out).toContain('  suppressed   2  a-code (in the rules: why\\nnot)\n  suppressed   1  b-code (config: cfg)\n');
  });
  it('renders a report without the optional fields (an older report.json)', () => {
    const old = { ...report, summary: { ...report.summary, platforms: undefined as never }, threats: undefined as never, gates: undefined, suppressed: undefined, comparison: undefined, emulation: undefined };
    const out = renderSummary(old, plain);
    for (const part of ['per platform', 'Threat profiles', 'Gates', 'suppressed ', 'Since the baseline', 'Emulated detection']) expect(out).not.toContain(part);
    // Nothing in the places of the missing sections: findings follow the sub-techniques, top gaps the counts
    // per code, and the last gap ends the text.
    expect(out).toMatch(/\n {2}sub-techniques covered: [^\n]*\n\nFindings: /);
    const lines = out.split('\n');
    const gapsAt = lines.findIndex((l) => l.startsWith('Top gaps ('));
    const [lastCode, lastCount] = Object.entries(report.summary.findings.byCode).at(-1)!;
    expect(lines.slice(gapsAt - 2, gapsAt)).toEqual([`  ${lastCode.padEnd(24)} ${String(lastCount).padStart(4)}`, '']);
    expect(lines.at(-2)).toMatch(/^ {7}why: /);
    expect(lines.at(-1)).toBe('');
  });
  it('adds nothing to the findings line when no finding is suppressed', () => {
    const none = { ...report, summary: { ...report.summary, findings: { ...report.summary.findings, suppressed: 0 } } };
    expect(renderSummary(none, plain)).toContain('\nFindings: 6 errors, 6 warnings, 1 info\n');
  });
  it('leaves out the sections a report does not have', () => {
    const bare = renderSummary({ ...report, threats: [], comparison: undefined, emulation: undefined, gates: undefined, suppressed: undefined }, plain);
    for (const heading of ['Threat profiles', 'Since the baseline', 'Emulated detection', 'Gates', 'suppressed ']) expect(bare).not.toContain(heading);
    expect(renderSummary({ ...report, gates: [] }, plain)).not.toContain('Gates');
  });
  it('shows the number of top gaps asked for, without sub-techniques, and their detectability counts', () => {
    const gap = report.gaps[0]!;
    const gaps = [...Array.from({ length: 4 }, (_, i) => ({ ...gap, id: `T${2000 + i}`, priority: { ...gap.priority, rank: i + 1 } })), { ...gap, id: 'T2000.001', isSubtechnique: true }];
    const out = renderSummary({ ...report, gaps }, plain, 3);
    expect(out).toContain('Top gaps (4 techniques uncovered: 2 closable with loaded sources, 1 closable with another Falco source, 3 detectability unknown)');
    expect(out).toContain('    3. T2002 ');
    expect(out).not.toContain('T2003');
    expect(out).not.toContain('T2000.001');
    const none = renderSummary({ ...report, summary: { ...report.summary, gapDetectability: undefined as never } }, plain);
    expect(none).toContain(`Top gaps (${report.gaps.filter((g) => !g.isSubtechnique).length} techniques uncovered)\n`);
    expect(renderSummary({ ...report, gaps }, plain)).toContain('T2003');
    // --top 0: no gap list at all (QA: it listed every gap): the summary with --top 1 but its gap section (a blank
    // line, the heading, the ranking line, two lines per gap listed).
    const withOne = renderSummary({ ...report, gaps }, plain, 1).split('\n');
    const start = withOne.findIndex((line) => line.startsWith('Top gaps (')) - 1;
    const section = 3 + 2 * topGapRows(gaps, 1).length;
    expect(renderSummary({ ...report, gaps }, plain, 0).split('\n')).toEqual([...withOne.slice(0, start), ...withOne.slice(start + section)]);
    // Review finding: a sub-technique ranked among the top gaps is listed in its place, so no rank is missing.
    const ranked = [gaps[0]!, { ...gaps[4]!, name: 'Sub', priority: { ...gap.priority, rank: 2 } }, ...gaps.slice(1, 4).map((g) => ({ ...g, priority: { ...g.priority, rank: g.priority.rank + 1 } }))];
    const withSub = renderSummary({ ...report, gaps: ranked }, plain, 3);
    expect(withSub).toMatch(/ {4}1\. T2000 [^\n]*\n[^\n]*\n {4}2\. T2000\.001 +Sub [^\n]*\n[^\n]*\n {4}3\. T2001 [^\n]*\n[^\n]*\n {4}4\. T2002 /);
    expect(withSub).not.toContain('T2003');
  });
  it('lists the changes since the baseline, tactics whose coverage changed, and ten new findings', () => {
    const newFindings = Array.from({ length: 11 }, (_, i) => ({ fingerprint: String(i), code: 'c', severity: 'error' as const, rule: `N${i}`, file: 'f\u001b', line: 3, message: 'm' }));
    const tactics = [{ shortname: 'a', name: 'Alpha', after: 10, before: 5, delta: 5 }, { shortname: 'b', name: 'Beta', after: 3, before: 3, delta: 0 }];
    const comparison = { ...report.comparison!, crossesAttackVersions: false, tactics, newFindings, newlyUncovered: [{ id: 'T1611', name: 'Escape', rules: ['A', 'B'] }, { id: 'T1059', name: 'Cmd', rules: [] }] };
    const out = renderSummary({ ...report, comparison }, plain);
    expect(out).toContain('Since the baseline (1970-01-01T00:00:00.000Z, ATT&CK 17.1)\n');
    expect(out).toMatch(/\n {2}coverage [\d.]+% → [\d.]+% \([+-]?[\d.]+ points\)\n/);
    expect(out).toContain('  Alpha: 5.0% → 10.0% (+5)\n');
    expect(out).not.toContain('Beta:');
    expect(out).toContain('  - T1611 Escape no longer covered (was: A, B)\n  - T1059 Cmd no longer covered (was: sub-techniques)\n');
    // Covered ↔ partial: a loss names the rules it had, a gain does not repeat them.
    const statusChanges = [{ id: 'T1496', name: 'Hijack', before: 'covered', after: 'partial', rules: ['Miner', 'Pool'] }, { id: 'T1068', name: 'Exploit', before: 'partial', after: 'covered', rules: ['B'] }] as const;
    const changed = renderSummary({ ...report, comparison: { ...comparison, statusChanges: [...statusChanges] } }, plain);
    expect(changed).toContain('  - T1496 Hijack covered → partial (was: Miner, Pool)\n  + T1068 Exploit partial → covered\n');
    expect(out).toContain('  findings: 11 new, 0 fixed\n');
    // What the coverage change spans besides the rules: ATT&CK versions, scopes, or both.
    const spans = (crossesAttackVersions: boolean, crossesScopes: boolean) => renderSummary({ ...report, comparison: { ...comparison, crossesAttackVersions, crossesScopes } }, plain).match(/\n {2}coverage [^\n]*/)![0];
    expect([spans(false, false), spans(true, false), spans(false, true), spans(true, true)].map((line) => line.replace(/^[^)]*\)/, ''))).toEqual(['', ' — across ATT&CK versions', ' — across scopes', ' — across ATT&CK versions and scopes']);
    expect(out).toContain('  new: f\\u001b:3 c (rule "N9")\n');
    expect(out).not.toContain('N10');
    expect(fullText()).toMatch(/ points\) — across ATT&CK versions\n/);
  });
  it('states the emulated evidence in one line', () => {
    expect(renderSummary({ ...report, emulation: emulationSection([]) }, plain)).toContain('\nEmulated detection: 2 of 4 tagged techniques with procedures demonstrated by their own rules; 0 tagged but never fired; 1 demonstrated but not tagged (0 tag suggestions); 1 rule firing on benign activity\n  (attack-cov emulate lists the procedures, the rules they trigger and the undetermined cases)\n');
  });
  it('names the rules the emulation did not evaluate as written (five, then a count), printable', () => {
    const rulesNotAsWritten = ['A', 'B\u001b[31m', 'C', 'D', 'E', 'F'].map((rule) => ({ rule, why: 'unknown field evt.dir' }));
    const out = renderSummary({ ...report, emulation: { ...emulationSection([]), rulesNotAsWritten } }, plain);
    expect(out).toContain(' rule firing on benign activity\n  6 rules not evaluated as written (an unknown field, a condition that does not compile, or a source the emulation does not run; attack-cov emulate says why): A; B\\u001b[31m; C; D; E; and 1 more\n  (attack-cov emulate lists');
    expect(renderSummary({ ...report, emulation: { ...emulationSection([]), rulesNotAsWritten: [] } }, plain)).not.toContain('not evaluated as written');
  });
  it('counts the atomics of techniques this ATT&CK does not have', () => {
    const out = renderSummary({ ...report, emulation: { ...emulationSection([]), unknownTechniques: [{ technique: 'T9999', procedures: 3 }, { technique: 'T9998', procedures: 1 }] } }, plain);
    expect(out).toContain(' rule firing on benign activity\n  4 procedures of 2 techniques this ATT&CK does not have (emulated, credited to no technique): T9999 (3); T9998 (1)\n  (attack-cov emulate lists');
    expect(renderSummary({ ...report, emulation: emulationSection([]) }, plain)).not.toContain('does not have');
  });
});

describe('the lint listing', () => {
  const finding = report.findings.find((f) => f.code === 'tactic-mismatch' && f.rule === 'Escape under execution')!;
  const warning: Finding = { ...finding, severity: 'warning', code: 'w', fix: undefined, rule: 'R\u202e', message: 'msg' };
  const info: Finding = { ...finding, severity: 'info', code: 'i', fix: undefined, message: 'note' };
  // Every finding with a fix is one lint --fix fixes.
  const everyFix = (f: Finding): boolean => f.fix !== undefined;

  it('prints one line per finding with place, severity, code, message, rule and fix, then the totals', () => {
    const out = renderLintFindings([finding, warning, info], plain, undefined, everyFix);
    expect(out).toBe([
      `${finding.file}:${finding.line}  error  tactic-mismatch  ${finding.message} (rule "${finding.rule}") [fix: add mitre_privilege_escalation]`,
      `${finding.file}:${finding.line}  warning  w  msg (rule "R\\u202e")`,
      `${finding.file}:${finding.line}  info  i  note (rule "${finding.rule}")`,
      '3 problems (1 error, 1 warning, 1 info), 1 with an unambiguous fix',
      '',
    ].join('\n'));
  });
  it('colours severities and says how many findings were suppressed', () => {
    const out = renderLintFindings([finding, warning, info], color, 2, everyFix);
    expect(out).toContain(`${ESC}[31merror${ESC}[0m`);
    expect(out).toContain(`${ESC}[33mwarning${ESC}[0m`);
    expect(out).toContain(`${ESC}[36minfo${ESC}[0m`);
    expect(out).toContain(`${ESC}[2m [fix: add mitre_privilege_escalation]${ESC}[0m`);
    expect(out.endsWith(`1 with an unambiguous fix${ESC}[2m (2 suppressed)${ESC}[0m\n`)).toBe(true);
  });
  it('names no rule for a finding about none (a config suppression that matched nothing)', () => {
    const unused = { ...finding, code: 'unused-suppression', severity: 'warning' as const, rule: '', message: 'the suppression of findings ("why") matched no finding; remove it', fix: undefined };
    expect(renderLintFindings([unused], plain, undefined, everyFix).split('\n')[0]).toBe(`${finding.file}:${finding.line}  warning  unused-suppression  the suppression of findings ("why") matched no finding; remove it`);
  });
  it('without a say on what --fix fixes (lint without --rules), counts every finding with a fix as one', () => {
    expect(renderLintFindings([finding, warning, info], plain, undefined)).toContain('3 problems (1 error, 1 warning, 1 info), 1 with an unambiguous fix\n');
  });
  it('says "no problems" when there are none', () => {
    expect(renderLintFindings([], plain, undefined, everyFix)).toBe('no problems\n');
    expect(renderLintFindings([], plain, 1, everyFix)).toBe('no problems (1 suppressed)\n');
    expect(renderLintFindings([], color, undefined, everyFix)).toBe(`${ESC}[32mno problems${ESC}[0m\n`);
    expect(renderLintFindings([finding, finding], plain, undefined, everyFix)).toContain('2 problems (2 errors, 0 warnings, 0 info), 2 with an unambiguous fix\n');
  });
  it('counts as having an unambiguous fix only the findings lint --fix fixes, and the other fixes apart, as to make by hand', () => {
    // QA: a tag an alias shares was counted, and lint --fix then fixed none of them.
    const shared = { ...finding, rule: 'B' };
    const isFixable = (f: Finding): boolean => f === finding;
    expect(renderLintFindings([finding, shared, shared, warning], plain, undefined, isFixable)).toContain('4 problems (3 errors, 1 warning, 0 info), 1 with an unambiguous fix, 2 to fix by hand\n');
    expect(renderLintFindings([shared, info], color, 1, isFixable)).toContain(`2 problems (1 error, 0 warnings, 1 info), 0 with an unambiguous fix, 1 to fix by hand${ESC}[2m (1 suppressed)`);
    // A finding without a fix is neither, whatever the predicate says.
    expect(renderLintFindings([warning], plain, undefined, () => true)).toContain('1 problem (0 errors, 1 warning, 0 info), 0 with an unambiguous fix\n');
  });
});

describe('the validation listing', () => {
  const issue = { file: 'r.yaml', line: 4, severity: 'error' as const, code: 'bad-field', item: 'rule X\n', message: 'no such field' };
  it('prints file:line, severity, code, [item] and message, then the totals', () => {
    expect(renderValidationIssues([issue, { ...issue, severity: 'warning', code: 'w' }, { ...issue, severity: 'warning', code: 'v' }], plain)).toBe([
      'r.yaml:4  error  bad-field  [rule X\\n] no such field',
      'r.yaml:4  warning  w  [rule X\\n] no such field',
      'r.yaml:4  warning  v  [rule X\\n] no such field',
      '3 problems (1 error, 2 warnings)',
      '',
    ].join('\n'));
    expect(renderValidationIssues([issue], plain).endsWith('1 problem (1 error, 0 warnings)\n')).toBe(true);
  });
  it('says "valid" when there is nothing, in green with colour', () => {
    expect(renderValidationIssues([], plain)).toBe('valid\n');
    expect(renderValidationIssues([], color)).toBe(`${ESC}[32mvalid${ESC}[0m\n`);
    expect(renderValidationIssues([issue], color)).toContain(`${ESC}[2mr.yaml:4${ESC}[0m  ${ESC}[31merror${ESC}[0m  bad-field`);
  });
});
