// coverage.csv and findings.csv cell by cell: the formula guard, the row order, and the columns that appear
// only with a baseline (--baseline), detectability data, suppressions or emulation (--emulate).
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { CoverageReport, SuppressedFinding } from '../../../src/coverage-report.js';
import { findingFingerprint } from '../../../src/analysis/baseline.js';
import { coverageCsvReporter, findingsCsvReporter, neutralizeFormula, toCsv } from '../../../src/report/csv.js';
import { reportFor } from '../../helpers/load.js';
import { FIXTURE_RULES } from './full-report.js';

const context = { outDir: '/out' };
type Row = Record<string, string>;
const rowsOf = (text: string): Row[] => parse(text, { columns: true }) as Row[];

describe('neutralizeFormula', () => {
  it('prefixes an apostrophe to a cell that starts with = + - @ tab or CR', () => {
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) expect(neutralizeFormula(`${lead}SUM(A1)`)).toBe(`'${lead}SUM(A1)`);
  });
  it('leaves cells alone that only contain those characters later, or start otherwise', () => {
    for (const text of ['a=b', 'T1059 +x', "'=1", " '=1", '', 'x\r\n=1', 'a;x=1', 'a; x =1', 'x;', ' ', 'a; ']) expect(neutralizeFormula(text)).toBe(text);
  });
  it('looks past white space of any kind before the formula, at the start and after a \';\'', () => {
    for (const space of [' ', '  ', '\n', '\u00a0', '\u3000', '\u2003', '\ufeff']) {
      expect(neutralizeFormula(`${space}=1+1`)).toBe(`'${space}=1+1`);
      expect(neutralizeFormula(`a;${space}=1+1`)).toBe(`a;'${space}=1+1`);
      expect(neutralizeFormula(`a; "${space}@x`)).toBe(`a;' "${space}@x`);
    }
    // As findings.csv's rule column and coverage.csv's rules write them.
    expect(toCsv(['rule', 'rules'], [[' =1+1', 'a; =1+1']])).toBe("rule,rules\n' =1+1,a;' =1+1\n");
  });
  it("also guards every piece after a ';', behind any quotes: Excel splits on ';' in many locales", () => {
    // A rule named "0day" and one named "=cmd|' /C calc'!A0" join to "0day;=cmd…" in coverage.csv's rules column.
    expect(neutralizeFormula("0day;=cmd|' /C calc'!A0")).toBe("0day;'=cmd|' /C calc'!A0");
    expect(neutralizeFormula('a;"=b')).toBe('a;\'"=b');
    expect(neutralizeFormula('a;""+b;@c;-d;\te;\rf')).toBe("a;'\"\"+b;'@c;'-d;'\te;'\rf");
    expect(neutralizeFormula(';;=x')).toBe(";;'=x");
    expect(neutralizeFormula('=a;=b')).toBe("'=a;'=b");
  });
  it('guards exactly where one global replace with a lookbehind would, on 20,000 seeded strings of the characters that matter', () => {
    // The rule as one regular expression (what neutralizeFormula did before it scanned for ';' itself): the oracle.
    const oracle = (value: string) => value.replace(/^(?=\s*[=+\-@\t\r])|(?<=;)(?=[\s"]*[=+\-@\t\r])/g, "'");
    const alphabet = [';', '=', '+', '-', '@', '\t', '\r', '\n', ' ', '"', "'", 'a', '\u3000', '\u00a0'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let guarded = 0;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]!).join('');
      expect(neutralizeFormula(text)).toBe(oracle(text));
      if (oracle(text) !== text) guarded++;
    }
    expect(guarded).toBeGreaterThan(5_000);
  });
});

describe('toCsv', () => {
  it('writes a header and LF-ended records, guarding string cells but not numbers', () => {
    expect(toCsv(['a', 'b'], [['=1+1', -3], ['plain', 0]])).toBe("a,b\n'=1+1,-3\nplain,0\n");
  });
  it('writes an empty cell for a missing value (a finding without a column, from an older report.json)', () => {
    expect(toCsv(['a', 'b', 'c'], [[undefined, null, 0] as never])).toBe('a,b,c\n,,0\n');
  });
  it('escapes control, bidi and invisible characters as the terminal output does, keeping tabs and line breaks (QA: a rule name with ESC, BEL and U+202E went in raw)', () => {
    const name = 'X\u001b[2J\u001b]0;T\u0007\u202eevil\u200b';
    expect(toCsv(['rule'], [[name]])).toBe('rule\nX\\u001b[2J\\u001b]0;T\\u0007\\u202eevil\\u200b\n');
    // Tab, CR and LF are CSV's to carry: kept (quoted where needed), and a tab at the start is still guarded.
    expect(toCsv(['a', 'b', 'c'], [['one\ntwo', 'x\ry', '\t=1']])).toBe('a,b,c\n"one\ntwo","x\ry",\'\t=1\n');
    // C1 controls (CSI alone, NEL) and a BOM inside the text too; a surrogate pair is text.
    expect(toCsv(['a'], [['a\u009b2Jb\u0085c\ufeffd😀']])).toBe('a\na\\u009b2Jb\\u0085c\\ufeffd😀\n');
    // Numbers and the header are written as they are.
    expect(toCsv(['h\u0007'], [[7]])).toBe('h\u0007\n7\n');
  });

  it('quotes cells with commas, quotes and line breaks', () => {
    expect(toCsv(['x'], [['a,"b"\nc']])).toBe('x\n"a,""b""\nc"\n');
  });
});

describe('coverage.csv', async () => {
  const report = await reportFor(FIXTURE_RULES);

  it('lists the gaps first, in priority order, then the other in-scope techniques by ID, and nothing out of scope', () => {
    const ids = rowsOf(coverageCsvReporter.render(report, context)).map((r) => r.technique_id);
    const gaps = report.gaps.map((g) => g.id);
    const rest = report.techniques.filter((t) => t.inScope && !gaps.includes(t.id)).map((t) => t.id);
    expect(ids).toEqual([...gaps, ...rest]);
    expect(rest.length).toBeGreaterThan(0);
    for (const t of report.techniques.filter((x) => !x.inScope)) expect(ids).not.toContain(t.id);
  });

  it('writes each column of a technique, platform status only for the scope platforms', () => {
    const rows = rowsOf(coverageCsvReporter.render(report, context));
    const t1059 = rows.find((r) => r.technique_id === 'T1059')!;
    expect(t1059).toMatchObject({ name: 'Command and Scripting Interpreter', tactics: 'execution', platforms: 'Linux;Windows', is_subtechnique: 'no', status: 'partial', disabled_rules: 'Enabled only toggle', platform_status: 'Linux=partial', gap_rank: '', priority_score: '', detectability: 'unknown' });
    const gap = report.gaps[0]!;
    expect(rows.find((r) => r.technique_id === gap.id)).toMatchObject({ gap_rank: '1', priority_score: String(gap.priority.score), priority_reason: gap.priority.why });
    const sub = rows.find((r) => r.technique_id === 'T1059.004')!;
    expect(sub.is_subtechnique).toBe('yes');
    // Without --baseline and --emulate their columns are there, empty, so that no column moves with the options.
    expect(t1059).toMatchObject({ change: '', evidence: '', firing_rules: '' });
    expect(Object.keys(t1059).slice(-3)).toEqual(['change', 'evidence', 'firing_rules']);
  });

  it('keeps every column in its place whichever of --baseline and --emulate is given', () => {
    const header = (r: CoverageReport) => coverageCsvReporter.render(r, context).split('\n')[0];
    const compared: CoverageReport = { ...structuredClone(report), comparison: { newlyCovered: [{ id: 'T1059' }], newlyUncovered: [], statusChanges: [], newFindings: [] } as never };
    const emulated: CoverageReport = { ...structuredClone(report), emulation: { techniques: [], procedures: [] } as never };
    expect(new Set([report, compared, emulated, { ...compared, emulation: emulated.emulation }].map(header)).size).toBe(1);
    expect(rowsOf(coverageCsvReporter.render(compared, context)).find((r) => r.technique_id === 'T1059')).toMatchObject({ change: 'newly covered', evidence: '', firing_rules: '' });
    const findingsHeader = (r: CoverageReport) => findingsCsvReporter.render(r, context).split('\n')[0];
    expect(findingsHeader(compared)).toBe(findingsHeader(report));
  });

  it('names the sources, plugins, analytics and threat profiles of a gap', () => {
    const copy: CoverageReport = structuredClone(report);
    const gap = copy.gaps[0]!;
    const entry = copy.techniques.find((t) => t.id === gap.id)!;
    entry.detectability = { verdict: 'other-source', reason: 'r', loadedSources: ['syscall'], otherSources: [{ source: 'k8s_audit', plugin: 'k8saudit' }, { source: 'okta', plugin: 'okta' }], analytics: [{ id: 'AN0001' }, { id: 'AN0002' }] } as never;
    gap.priority.profiles = ['APT1', 'TeamTNT'];
    const row = rowsOf(coverageCsvReporter.render(copy, context)).find((r) => r.technique_id === gap.id)!;
    expect(row).toMatchObject({ detectability: 'other-source', falco_sources: 'syscall;k8s_audit (plugin k8saudit);okta', analytics: 'AN0001;AN0002', threat_profiles: 'APT1;TeamTNT' });
  });

  it('joins several rules and disabled rules with semicolons', () => {
    const copy: CoverageReport = structuredClone(report);
    Object.assign(copy.techniques.find((t) => t.id === 'T1059')!, { disabledRules: ['Off one', 'Off two'], rules: ['On one', 'On two'], observingRules: ['On one', 'On two'] });
    expect(rowsOf(coverageCsvReporter.render(copy, context)).find((r) => r.technique_id === 'T1059')).toMatchObject({ rules: 'On one;On two', rule_count: '2', disabled_rules: 'Off one;Off two' });
  });

  it('counts in rule_count only the rules that observe it, as status does, and names every rule that tags it (QA: T1552.005 on IaaS)', () => {
    const copy: CoverageReport = structuredClone(report);
    Object.assign(copy.techniques.find((t) => t.id === 'T1027')!, { status: 'gap', rules: ['Syscall rule'], observingRules: [] });
    expect(rowsOf(coverageCsvReporter.render(copy, context)).find((r) => r.technique_id === 'T1027')).toMatchObject({ status: 'gap', rule_count: '0', rules: 'Syscall rule' });
  });

  it('leaves detectability cells empty for a technique without detectability data', () => {
    const copy: CoverageReport = structuredClone(report);
    for (const t of copy.techniques) delete t.detectability;
    const row = rowsOf(coverageCsvReporter.render(copy, context))[0]!;
    expect(row).toMatchObject({ detectability: '', falco_sources: '', analytics: '' });
  });

  it('adds a change column with a baseline', () => {
    const copy: CoverageReport = structuredClone(report);
    const statusChanges = [{ id: 'T1027', name: '', before: 'covered', after: 'partial', rules: ['A'] }, { id: 'T1041', name: '', before: 'partial', after: 'covered', rules: ['B'] }];
    copy.comparison = { newlyCovered: [{ id: 'T1611', name: '', rules: [] }], newlyUncovered: [{ id: 'T1529', name: '', rules: [] }], statusChanges, newFindings: [] } as never;
    const rows = rowsOf(coverageCsvReporter.render(copy, context));
    expect(rows.find((r) => r.technique_id === 'T1611')!.change).toBe('newly covered');
    expect(rows.find((r) => r.technique_id === 'T1529')!.change).toBe('newly uncovered');
    // Every status change has its cell, covered ↔ partial too (review finding: retagging T1496 to T1496.001).
    expect(rows.find((r) => r.technique_id === 'T1027')!.change).toBe('covered → partial');
    expect(rows.find((r) => r.technique_id === 'T1041')!.change).toBe('partial → covered');
    expect(rows.find((r) => r.technique_id === 'T1059')!.change).toBe('');
  });

  it('adds evidence and firing-rule columns with --emulate', () => {
    const copy: CoverageReport = structuredClone(report);
    copy.emulation = { techniques: [{ id: 'T1611', status: 'tagged-and-demonstrated', firingRules: ['Escape attempt', 'Tagged later'] }, { id: 'T1059', status: 'tagged-never-fired' }] } as never;
    const rows = rowsOf(coverageCsvReporter.render(copy, context));
    expect(rows.find((r) => r.technique_id === 'T1611')).toMatchObject({ evidence: 'tagged-and-demonstrated', firing_rules: 'Escape attempt;Tagged later' });
    expect(rows.find((r) => r.technique_id === 'T1059')).toMatchObject({ evidence: 'tagged-never-fired', firing_rules: '' });
    expect(rows.find((r) => r.technique_id === 'T1529')).toMatchObject({ evidence: 'no-procedure', firing_rules: '' });
  });

  it('says not-observed, not no-procedure, for a technique whose procedures count nowhere in scope', () => {
    const copy: CoverageReport = structuredClone(report);
    // A sub-technique's procedure is its parent's too; a benign item is no procedure, whatever it names.
    const procedures = [{ id: 'a1', kind: 'atomic', technique: 'T1529' }, { id: 'a2', kind: 'atomic', technique: 'T1059.004' }, { id: 'b1', kind: 'benign', technique: 'T1611' }, { id: 'a3', kind: 'atomic' }];
    copy.emulation = { techniques: [], procedures } as never;
    const rows = rowsOf(coverageCsvReporter.render(copy, context));
    expect(rows.find((r) => r.technique_id === 'T1529')!.evidence).toBe('not-observed');
    expect(rows.find((r) => r.technique_id === 'T1059')!.evidence).toBe('not-observed');
    expect(rows.find((r) => r.technique_id === 'T1611')!.evidence).toBe('no-procedure');
  });
});

describe('findings.csv', async () => {
  const report = await reportFor(FIXTURE_RULES);

  it('writes each field of a finding, with its fix in words and an empty baseline cell', () => {
    const rows = rowsOf(findingsCsvReporter.render(report, context));
    expect(rows).toHaveLength(report.findings.length);
    // In the findings' order: base.yaml's finding about a rule (no tag, technique, tactic or fix) comes first.
    expect(rows[0]).toEqual({ severity: 'info', code: 'no-technique-tag', file: 'test/fixtures/rules/base.yaml', line: '18', column: '3', rule: 'Legacy append', tag: '', technique: '', tactic: '', message: report.findings[0]!.message, fix: '', baseline: '', suppressed: '' });
    expect(rows[1]).toEqual({ severity: 'warning', code: 'unjustified-tactic', file: 'test/fixtures/rules/tactic-mismatch.yaml', line: '8', column: '10', rule: 'Escape under execution', tag: 'mitre_execution', technique: '', tactic: 'execution', message: report.findings[1]!.message, fix: 'remove mitre_execution', baseline: '', suppressed: '' });
    expect(rows[2]).toMatchObject({ technique: 'T1611', fix: 'add mitre_privilege_escalation' });
  });

  it('marks findings new or unchanged against a baseline, and lists suppressed ones last with their reason (and no baseline state: the comparison counts no suppressed finding)', () => {
    const copy: CoverageReport = structuredClone(report);
    const [first, second] = copy.findings;
    copy.comparison = { newlyCovered: [], newlyUncovered: [], newFindings: [{ fingerprint: findingFingerprint(first!) }] } as never;
    const suppressed: SuppressedFinding = { ...second!, rule: 'Quiet rule', suppression: { kind: 'external', justification: 'known noise', file: '.attack-cov.yaml', line: 3 } };
    copy.suppressed = [suppressed];
    const rows = rowsOf(findingsCsvReporter.render(copy, context));
    expect(rows).toHaveLength(copy.findings.length + 1);
    expect(rows[0]).toMatchObject({ baseline: 'new', suppressed: '' });
    expect(rows[1]).toMatchObject({ baseline: 'unchanged', suppressed: '' });
    expect(rows.at(-1)).toMatchObject({ rule: 'Quiet rule', baseline: '', suppressed: 'external: known noise' });
  });

  it('leaves the tag, technique and tactic cells empty for a finding without them', () => {
    const copy: CoverageReport = structuredClone(report);
    copy.findings = [{ ...copy.findings[0]!, code: 'untagged-rule', tag: undefined, technique: undefined, tactic: undefined, fix: undefined }];
    expect(rowsOf(findingsCsvReporter.render(copy, context))[0]).toMatchObject({ tag: '', technique: '', tactic: '', fix: '' });
  });

  it('guards untrusted rule names and tags against formulas', () => {
    const copy: CoverageReport = structuredClone(report);
    copy.findings[0]!.rule = '=HYPERLINK("http://x")';
    copy.findings[0]!.tag = '@SUM(1)';
    const row = rowsOf(findingsCsvReporter.render(copy, context))[0]!;
    expect(row.rule).toBe(`'=HYPERLINK("http://x")`);
    expect(row.tag).toBe(`'@SUM(1)`);
  });
});
