// summary.md with every optional section (gates, comparison, emulation, threat profiles, suppressions), its
// Markdown escaping of untrusted text, and the bounds of each section. The full page is a golden file
// (test/golden/summary-full.md; regenerate with `npx vitest run -u` and review the diff).
import path from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import type { CoverageReport, Finding } from '../../../src/coverage-report.js';
import { MAX_BYTES, escapeMarkdown, renderSummaryMarkdown, summaryReporter } from '../../../src/report/summary-md.js';
import { repoRoot } from '../../helpers/paths.js';
import { emulationSection, fullReport } from './full-report.js';

const report = await fullReport();
// Rendered inside each test: Stryker runs a mutant only against the tests that execute it.
const full = (): string => renderSummaryMarkdown(report);
const section = (title: string): string => {
  const md = full();
  const start = md.indexOf(title);
  const end = md.indexOf('\n### ', start + 1);
  return md.slice(start, end === -1 ? undefined : end);
};

describe('escapeMarkdown', () => {
  it('turns control characters and line separators into spaces, so no text starts a new line or table row', () => {
    expect(escapeMarkdown('a\nb\rc\td\u0000e\u001fF\u007fg\u2028h\u2029i')).toBe('a b c d e F g h i');
  });
  it('writes &, < and > as entities, & first so that entities are not doubled', () => {
    expect(escapeMarkdown('<b>&amp;</b>')).toBe('&lt;b&gt;&amp;amp;&lt;/b&gt;');
  });
  it('backslash-escapes every Markdown punctuation that could format, link or break a table', () => {
    expect(escapeMarkdown('\\`*_{}[]()#!|~')).toBe('\\\\\\`\\*\\_\\{\\}\\[\\]\\(\\)\\#\\!\\|\\~');
    expect(escapeMarkdown('plain text, 1.5% - ok')).toBe('plain text, 1.5% - ok');
  });
  it('stops GitHub linking bare URLs by itself: the ":" of "://" and the "." after "www" are escaped', async () => {
    expect(escapeMarkdown('see https://evil.example/a, HTTP://b and www.evil.example or WWW.x')).toBe('see https\\://evil.example/a, HTTP\\://b and www\\.evil.example or WWW\\.x');
    // As a GFM renderer reads it: no link at all, not even inside escaped link syntax.
    expect(escapeMarkdown('mail admin@evil.example, mailto:a@b.c or XMPP:x@y.z')).toBe('mail admin@<!-- -->evil.example, mailto\\:a@<!-- -->b.c or XMPP\\:x@<!-- -->y.z');
    const html = await marked.parse(escapeMarkdown('[click](https://evil.example/x) https://evil.example/y www.evil.example admin@evil.example mailto:a@b.c xmpp:x@y.z'), { gfm: true });
    expect(html).not.toMatch(/<a /);
  });
  it('turns C1 controls, bidi controls and invisible characters into spaces', () => {
    expect(escapeMarkdown('a\u0085b\u009bc\u202ed\u2066e\u200bf\u200dg\ufeffh\u00adi')).toBe('a b c d e f g h i');
  });
  it('cuts text at 300 characters before escaping it, and never inside a surrogate pair', () => {
    expect(escapeMarkdown('x'.repeat(300))).toBe('x'.repeat(300));
    expect(escapeMarkdown('x'.repeat(301))).toBe(`${'x'.repeat(299)}…`);
    expect(escapeMarkdown(`${'x'.repeat(298)}@b.c`)).toBe(`${'x'.repeat(298)}@<!-- -->…`);
    expect(escapeMarkdown(`${'x'.repeat(297)}|<>`)).toBe(`${'x'.repeat(297)}\\|&lt;&gt;`);
    expect(escapeMarkdown(`${'x'.repeat(298)}|<>`)).toBe(`${'x'.repeat(298)}\\|…`);
    expect(escapeMarkdown(`${'x'.repeat(298)}\u{1F600}`)).toBe(`${'x'.repeat(298)}\u{1F600}`);
    expect(escapeMarkdown(`${'x'.repeat(298)}\u{1F600}y`)).toBe(`${'x'.repeat(298)}…`);
    expect(escapeMarkdown(`${'x'.repeat(297)}\u{1F600}yz`)).toBe(`${'x'.repeat(297)}\u{1F600}…`);
    // The first and last high surrogates (U+10000, U+10FC00) are not split either; the last low one is no high one.
    expect(escapeMarkdown(`${'x'.repeat(298)}\u{10000}y`)).toBe(`${'x'.repeat(298)}…`);
    expect(escapeMarkdown(`${'x'.repeat(298)}\u{10FC00}y`)).toBe(`${'x'.repeat(298)}…`);
    expect(escapeMarkdown(`${'x'.repeat(298)}\uDC00yz`)).toBe(`${'x'.repeat(298)}\uDC00…`);
  });
  it('keeps Markdown of exactly 600 characters: whole when the text is not cut, and as the longest cut that fits', () => {
    // 300 backslashes escape to 600 characters: kept whole, no cut.
    expect(escapeMarkdown('\\'.repeat(300))).toBe('\\\\'.repeat(300));
    // 5 + 9 × 66 + the ellipsis: the cut at 72 characters makes exactly 600, one more would not fit.
    const text = `aaaaa${'@'.repeat(400)}`;
    expect(escapeMarkdown(text)).toBe(`aaaaa${'@<!-- -->'.repeat(66)}…`);
    expect(escapeMarkdown(text)).toHaveLength(600);
  });
});

describe('summary.md with every section', () => {
  it('matches its golden file', async () => {
    await expect(full()).toMatchFileSnapshot(path.join(repoRoot, 'test', 'golden', 'summary-full.md'));
    expect(summaryReporter.render(report, { outDir: '/' })).toBe(full());
  });
  it('counts the enabled rules Falco skips in its first line, only when there are some', () => {
    const skipping = renderSummaryMarkdown({ ...report, summary: { ...report.summary, rules: { ...report.summary.rules, enabled: 4, skippedByFalco: 2 } } });
    expect(skipping).toMatch(/ rules \(4 enabled, 2 of them skipped by Falco\) · ATT&CK /);
    expect(full()).not.toContain('skipped by Falco');
  });
  it('puts the gate verdict first, with each gate', () => {
    expect(full().startsWith('## ATT&CK coverage of the Falco rules\n\n> **Gate failed**: `--fail-on` 2 errors &lt;script&gt;\\|\\*x\\*\\|\n\n- **FAIL** `--fail-on`: 2 errors &lt;script&gt;\\|\\*x\\*\\|\n- pass `--min-coverage`: coverage 50% ≥ 40%\n\n')).toBe(true);
    const passed = renderSummaryMarkdown({ ...report, gates: [report.gates![1]!] });
    expect(passed).toContain('\n> All gates passed.\n\n- pass `--min-coverage`');
    expect(renderSummaryMarkdown({ ...report, gates: [] })).toMatch(/^## ATT&CK coverage of the Falco rules\n\n\*\*/);
  });
  it('says what changed since the baseline', () => {
    const text = section('### Since the baseline');
    expect(text).toContain("The baseline used ATT&CK 17.1; some changes are ATT&CK's, not the rules'.");
    expect(text).toMatch(/Coverage [\d.]+% → [\d.]+% \([+-]?[\d.]+ points\); findings: \d+ new, \d+ fixed\./);
    for (const t of report.comparison!.newlyCovered) expect(text).toContain(`- newly covered: ${t.id} `);
    const same = renderSummaryMarkdown({ ...report, comparison: { ...report.comparison!, crossesAttackVersions: false } });
    expect(same).not.toContain('The baseline used ATT&CK');
    expect(text).not.toContain('The baseline counted');
    // Another scope (its platform names from a baseline file: escaped), or none at all.
    const scope = { ...report.scope, platforms: ['Linux'] };
    const across = (platforms: string[]) => renderSummaryMarkdown({ ...report, scope, comparison: { ...report.comparison!, crossesScopes: true, baseline: { ...report.comparison!.baseline, platforms } } });
    // A paragraph of its own: a blank line after it.
    expect(across(['Containers', '*Linux*'])).toContain("\nThe baseline counted the techniques of Containers, \\*Linux\\*, this run those of Linux: coverage changes are partly the scope's, not the rules'.\n\n");
    expect(across([])).toContain('The baseline counted the techniques of no platform, this run those of Linux:');
  });
  it('names techniques no longer covered, with the rules that covered them', () => {
    const comparison = { ...report.comparison!, newlyUncovered: [{ id: 'T1611', name: 'Escape', rules: ['A', 'B'] }, { id: 'T1059', name: 'Cmd', rules: [] }] };
    const text = renderSummaryMarkdown({ ...report, comparison });
    expect(text).toContain('- no longer covered: **T1611** Escape (was: A, B)\n- no longer covered: **T1059** Cmd (was: sub-techniques)');
    // Covered → partial is a loss too (listed with the losses), partial → covered a gain (after the gains).
    const statusChanges = [{ id: 'T1496', name: 'Hijack', before: 'covered', after: 'partial', rules: ['Miner'] }, { id: 'T1068', name: 'Exploit', before: 'partial', after: 'covered', rules: ['B'] }] as const;
    const changed = renderSummaryMarkdown({ ...report, comparison: { ...comparison, newlyCovered: [], statusChanges: [...statusChanges] } });
    expect(changed).toContain('- no longer covered: **T1059** Cmd (was: sub-techniques)\n- covered → partial: **T1496** Hijack (was: Miner)\n- partial → covered: T1068 Exploit\n');
  });
  it('lists at most 15 status changes of each kind (as many as top gaps), a loss with every rule it had', () => {
    const many = (after: 'partial' | 'covered') => Array.from({ length: 17 }, (_, i) => ({ id: `T${after === 'partial' ? 1100 + i : 1200 + i}`, name: 'N', before: after === 'partial' ? 'covered' : 'partial', after, rules: ['Miner', 'Pool'] }) as const);
    const text = renderSummaryMarkdown({ ...report, comparison: { ...report.comparison!, newlyUncovered: [], newlyCovered: [], statusChanges: [...many('partial'), ...many('covered')] } });
    expect(text.match(/^- covered → partial: /gm)).toHaveLength(15);
    expect(text.match(/^- partial → covered: /gm)).toHaveLength(15);
    expect(text).toContain('- covered → partial: **T1100** N (was: Miner, Pool)\n');
    expect(text).toContain('T1114');
    expect(text).not.toContain('T1115');
    expect(text).toContain('T1214');
    expect(text).not.toContain('T1215');
  });
  it('lists the tactics whose coverage changed, and only those', () => {
    const tactics = [{ shortname: 'a', name: 'Alpha', after: 10, before: 5, delta: 5 }, { shortname: 'b', name: 'Beta', after: 3, before: 3, delta: 0 }, { shortname: 'c', name: 'Gamma', after: 0, before: 2.5, delta: -2.5 }];
    const text = renderSummaryMarkdown({ ...report, comparison: { ...report.comparison!, tactics } });
    expect(text).toContain('Per tactic: Alpha +5, Gamma -2.5.');
    const none = renderSummaryMarkdown({ ...report, comparison: { ...report.comparison!, tactics: [tactics[1]!] } });
    expect(none).not.toContain('Per tactic');
  });
  it('counts the emulated evidence and names techniques tagged but never fired, 20 at most', () => {
    expect(section('### Emulated detection')).toContain('Tagged but never fired: T1611, T1059\n');
    // A blank line before the heading, as before every section.
    expect(full()).toMatch(/\(test\/fixtures\/rules\/[a-z-]+\.yaml:\d+\)\n\n### Emulated detection\n/);
    const many = Array.from({ length: 21 }, (_, i) => `T${1000 + i}`);
    const text = renderSummaryMarkdown({ ...report, emulation: emulationSection(many) });
    expect(text).toContain(`Tagged but never fired: ${many.slice(0, 20).join(', ')} …\n`);
    expect(renderSummaryMarkdown({ ...report, emulation: emulationSection([]) })).not.toContain('Tagged but never fired');
    expect(renderSummaryMarkdown({ ...report, emulation: undefined })).not.toContain('### Emulated detection');
  });
  it('names the rules the emulation did not evaluate as written, escaped, after the counts', () => {
    const rulesNotAsWritten = [{ rule: '<b>x</b>', why: 'unknown field' }];
    const text = renderSummaryMarkdown({ ...report, emulation: { ...emulationSection([]), rulesNotAsWritten } });
    expect(text).toContain('rule firing on benign activity\n\n1 rule not evaluated as written \\(an unknown field, a condition that does not compile, or a source the emulation does not run; attack-cov emulate says why\\): &lt;b&gt;x&lt;/b&gt;\n');
    expect(renderSummaryMarkdown({ ...report, emulation: emulationSection([]) })).not.toContain('not evaluated as written');
  });
  it('counts the atomics of techniques this ATT&CK does not have, after the counts', () => {
    const text = renderSummaryMarkdown({ ...report, emulation: { ...emulationSection([]), unknownTechniques: [{ technique: 'T9999', procedures: 3 }] } });
    expect(text).toContain('rule firing on benign activity\n\n3 procedures of 1 technique this ATT&amp;CK does not have \\(emulated, credited to no technique\\): T9999 \\(3\\)\n');
    expect(renderSummaryMarkdown({ ...report, emulation: emulationSection([]) })).not.toContain('does not have');
  });
  it('lists threat profiles escaped', () => {
    expect(section('### Threat profiles')).toContain('- Team &lt;b&gt;\\|x\\|&lt;/b&gt; \\[31m (G9999, group): 2 in-scope techniques and sub-techniques used directly');
    expect(renderSummaryMarkdown({ ...report, threats: [] })).not.toContain('### Threat profiles');
  });
  it('cuts the names of a profile, never its counts (APT29 uses 50 software)', () => {
    const software = Array.from({ length: 50 }, (_, i) => ({ id: `S${i}`, name: `Software_${'x'.repeat(20)}${i}` }));
    const line = renderSummaryMarkdown({ ...report, threats: [{ ...report.threats![0]!, software }] }).split('\n').find((l) => l.startsWith('- Team'))!;
    expect(line).toMatch(/^- Team .* \(G9999, group\): 2 in-scope techniques and sub-techniques used directly: 1 covered, 1 partly, 0 gaps; 1 more only through its software \(Software\\_x{20}0, .*…\): 0 covered, 0 partly, 1 gap; 4 outside the scope$/);
  });
  it('says where each suppression is written and why', () => {
    const text = section('### Suppressed findings');
    expect(text).toContain(`### Suppressed findings (${report.suppressed!.length}, not counted by the gates)`);
    expect(text).toMatch(/- tactic-mismatch test\/fixtures\/rules\/suppressed\.yaml:\d+ Escape tagged under execution — in the rules file: the escape is run by the execution stage here/);
    const external = { ...report.suppressed![0]!, suppression: { kind: 'external' as const, justification: 'noise', file: 'cfg/.attack-cov.yaml', line: 2 } };
    expect(renderSummaryMarkdown({ ...report, suppressed: [external] })).toContain('— in cfg/.attack-cov.yaml: noise');
    expect(renderSummaryMarkdown({ ...report, suppressed: [] })).not.toContain('### Suppressed findings');
  });
  it('shows "—" for a tactic or total with no technique in scope, and "none" for an empty scope', () => {
    const empty: CoverageReport = structuredClone(report);
    empty.summary.techniques = { total: 0, covered: 0, partial: 0, gap: 0, percent: 0 };
    empty.scope.platforms = [];
    empty.tactics[0] = { ...empty.tactics[0]!, total: 0, percent: 0 };
    const text = renderSummaryMarkdown(empty);
    expect(text).toContain('**—** of 0 in-scope techniques');
    expect(text).toContain(`| ${empty.tactics[0]!.name} | — | ${empty.tactics[0]!.covered} |`);
    expect(text).toContain('· scope: none\n');
  });
  it('gives per-platform coverage, or no line without platforms', () => {
    const platforms = [{ platform: 'Linux', total: 4, covered: 1, partial: 1, gap: 2, percent: 50 }, { platform: 'Containers', total: 0, covered: 0, partial: 0, gap: 0, percent: 0 }];
    expect(renderSummaryMarkdown({ ...report, summary: { ...report.summary, platforms } })).toContain('\nPer platform (a rule counts only on the platforms its source observes): Linux 50.0% (2/4), Containers — (0/0).\n');
    expect(renderSummaryMarkdown({ ...report, summary: { ...report.summary, platforms: [] } })).not.toContain('Per platform');
  });
});

describe('summary.md of a report without the optional fields (an older report.json)', () => {
  it('renders without platforms, threats, gates, suppressions, comparison or emulation', () => {
    const old = { ...report, summary: { ...report.summary, platforms: undefined as never, findings: { ...report.summary.findings, suppressed: undefined } }, threats: undefined as never, gates: undefined, suppressed: undefined, comparison: undefined, emulation: undefined };
    const text = renderSummaryMarkdown(old);
    for (const part of ['Per platform', '### Threat profiles', 'Gate', '### Suppressed findings', '### Since the baseline', '### Emulated detection', 'suppressed, not counted']) expect(text).not.toContain(part);
    expect(text).toMatch(/^## ATT&CK coverage of the Falco rules\n\n\*\*[\d.]+%\*\* of /);
    // Nothing stands between the tactic table and the top gaps.
    const lastTactic = report.tactics.at(-1)!.name;
    expect(text).toMatch(new RegExp(`\\| ${lastTactic} \\|[^\\n]*\\n\\n### Top gaps`));
  });
  it('ends the emulation section after the counts when no technique is tagged but never fired', () => {
    const text = renderSummaryMarkdown({ ...report, emulation: emulationSection([]), threats: [] });
    expect(text).toMatch(/rule firing on benign activity\n\n### Top gaps/);
  });
  it('names only the techniques tagged but never fired', () => {
    const emulation = emulationSection(['T1611']);
    emulation.techniques.push({ id: 'T1059', status: 'tagged-and-demonstrated' } as never);
    expect(renderSummaryMarkdown({ ...report, emulation })).toContain('Tagged but never fired: T1611\n');
  });
  it('joins several failed gates with semicolons', () => {
    const gates = [{ gate: 'fail-on', isPassed: false, message: 'a' }, { gate: 'min-coverage', isPassed: false, message: 'b' }];
    expect(renderSummaryMarkdown({ ...report, gates })).toContain('> **Gate failed**: `--fail-on` a; `--min-coverage` b\n');
  });
});

describe('summary.md bounds', () => {
  it('cuts the page at MAX_BYTES after the last whole line that fits with the line saying what was left out, and counts the rest', () => {
    // One finding per code: each code after the first adds the same 4 lines (a blank, its heading, a blank, the finding).
    const f = report.findings[0]!;
    const page = (codes: number, padding = 0) => renderSummaryMarkdown({ ...report, findings: Array.from({ length: codes }, (_, i) => ({ ...f, code: `c${String(i).padStart(4, '0')}`, rule: i === 0 ? `${f.rule}${'x'.repeat(padding)}` : f.rule })) });
    const linesOf = (codes: number) => page(codes).split('\n').length - 1;
    const perCode = linesOf(2) - linesOf(1);
    expect(perCode).toBe(4);
    const whole = linesOf(1) + 999 * perCode;
    const cut = page(1000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(MAX_BYTES);
    // Short lines (none above ~200 bytes): the cut leaves less than a line's room, the omitted line's included.
    expect(Buffer.byteLength(cut)).toBeGreaterThan(MAX_BYTES - 200);
    const lines = cut.split('\n').slice(0, -1);
    const kept = lines.length - 2;
    expect(lines.at(-2)).toBe('');
    expect(lines.at(-1)).toBe(`… ${whole - kept} more lines left out (summary.md is at most 50,000 bytes): see report.json, coverage.csv and findings.csv.`);
    expect(lines.slice(0, kept)).toEqual(page(300).split('\n').slice(0, kept));
    // The first finding longer by the room left: the page is MAX_BYTES exactly, with the same lines.
    const room = MAX_BYTES - Buffer.byteLength(cut);
    const exact = page(1000, room);
    expect(Buffer.byteLength(exact)).toBe(MAX_BYTES);
    expect(exact.split('\n')).toHaveLength(lines.length + 1);
  });
  it('names 20 techniques tagged but never fired without a trailing ellipsis', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `T${1000 + i}`);
    expect(renderSummaryMarkdown({ ...report, emulation: emulationSection(twenty) })).toContain(`Tagged but never fired: ${twenty.join(', ')}\n`);
  });
  const finding = report.findings[0]!;
  it('shows 5 findings per code, sorted by code, and says how many more', () => {
    const findings: Finding[] = [...Array.from({ length: 7 }, (_, i) => ({ ...finding, code: 'zeta-code', rule: `Z${i}` })), { ...finding, code: 'alpha-code', rule: 'A0' }];
    const text = renderSummaryMarkdown({ ...report, findings });
    expect(text.indexOf('**alpha-code**')).toBeLessThan(text.indexOf('**zeta-code**'));
    expect(text).toContain(`**zeta-code** (${finding.severity}, 7)`);
    expect(text).toContain('Z4: ');
    expect(text).not.toContain('Z5: ');
    expect(text).toContain('- …and 2 more in findings.csv');
    const five = renderSummaryMarkdown({ ...report, findings: findings.slice(2) });
    expect(five).not.toContain('more in findings.csv');
  });
  it('shows 15 top gaps, without sub-techniques, and says how many more', () => {
    const gap = report.gaps[0]!;
    const gaps = [...Array.from({ length: 17 }, (_, i) => ({ ...gap, id: `T${2000 + i}`, priority: { ...gap.priority, rank: i + 1 } })), { ...gap, id: 'T1059.999', isSubtechnique: true }];
    const text = renderSummaryMarkdown({ ...report, gaps });
    expect(text).toContain('### Top gaps (17 techniques uncovered: 2 closable with loaded sources, 1 closable with another Falco source, 3 detectability unknown)');
    expect(text).toContain('| T2014 |');
    expect(text).not.toContain('| T2015 |');
    expect(text).not.toContain('T1059.999');
    expect(text).toContain(' |\n\n…and 2 more in coverage.csv.\n');
    expect(renderSummaryMarkdown({ ...report, gaps: gaps.slice(2) })).not.toContain('more in coverage.csv');
    // Review finding: the list jumped from #2 to #4 where a sub-technique held #3. It is listed in its place, and
    // the 15 are still top-level techniques.
    const ranked = [...gaps.slice(0, 2), { ...gap, id: 'T2000.001', name: 'Sub', isSubtechnique: true, priority: { ...gap.priority, rank: 3 } }, ...gaps.slice(2, 17)]
      .map((g, i) => ({ ...g, priority: { ...g.priority, rank: i + 1 } }));
    const withSub = renderSummaryMarkdown({ ...report, gaps: ranked });
    expect(withSub).toMatch(/\| 2 \| T2001 \|[^\n]*\n\| 3 \| T2000\.001 \| Sub \|[^\n]*\n\| 4 \| T2002 \|/);
    expect(withSub).toContain('| 16 | T2014 |');
    expect(withSub).not.toContain('| T2015 |');
    const plain = renderSummaryMarkdown({ ...report, summary: { ...report.summary, gapDetectability: { 'closable-loaded': 0, 'closable-other': 0, 'not-observable': 0, unknown: 0 } } });
    expect(plain).toContain(`### Top gaps (${report.gaps.filter((g) => !g.isSubtechnique).length} techniques uncovered)`);
  });
  it('shows 10 suppressed findings and says how many more', () => {
    const s = report.suppressed![0]!;
    const suppressed = Array.from({ length: 12 }, (_, i) => ({ ...s, rule: `S${i}` }));
    const text = renderSummaryMarkdown({ ...report, suppressed });
    expect(text).toContain(' S9 — ');
    expect(text).not.toContain(' S10 — ');
    expect(text).toContain('- …and 2 more in findings.csv');
    expect(renderSummaryMarkdown({ ...report, suppressed: suppressed.slice(2) })).not.toContain('- …and');
  });
  it('shows 15 changed techniques each way and 10 new findings', () => {
    const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${100 + i}`, name: 'n', rules: ['r'] }));
    const newFindings = Array.from({ length: 11 }, (_, i) => ({ fingerprint: String(i), code: 'c', severity: 'error' as const, rule: `N${i}`, file: 'f', line: 1, message: 'm' }));
    const text = renderSummaryMarkdown({ ...report, comparison: { ...report.comparison!, newlyCovered: many('TC', 16), newlyUncovered: many('TU', 16), newFindings } });
    expect(text).toContain('newly covered: TC114 ');
    expect(text).not.toContain('TC115');
    expect(text).toContain('**TU114**');
    expect(text).not.toContain('TU115');
    expect(text).toContain('- new finding: c N9 (f:1)');
    expect(text).not.toContain('N10');
  });
});
