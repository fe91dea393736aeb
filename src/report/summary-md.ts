// summary.md: coverage, top gaps and findings grouped by code for a CI job summary or a PR comment.
// Bounded: a fixed number of rows per section, each text from the inputs cut, and the whole page at most MAX_BYTES.
import type { CoverageReport, Finding } from '../coverage-report.js';
import type { Reporter } from './reporter.js';
import { suggestionsSection } from './summary-suggestions.js';
import { evidenceCounts, notAsWrittenLine, unknownTechniquesLine } from './evidence-words.js';
import { describeInputs, plural, scopeChange, signed, skippedNote, statusChangeWords, upperFirst } from './words.js';
import { describeGapDetectability, describeProfile, shortVerdict, topGapRows } from './priority-words.js';
import { appendTo, compareText } from '../collections.js';
import { cutAt, NAME_CHARS, unsafeCharacters } from '../terminal-text.js';

const TOP_GAPS = 15;
const EXAMPLES_PER_CODE = 5;

const UNSAFE_IN_MARKDOWN = unsafeCharacters();
/** What a reader sees of one text from the inputs, and what its Markdown may take (`@` alone becomes 9 characters). */
const VISIBLE_LENGTH = NAME_CHARS;
const ESCAPED_LENGTH = 600;
/** The whole page, in UTF-8 bytes: well under the 65,536 characters GitHub takes in a comment, whatever the inputs. */
export const MAX_BYTES = 50_000;

/** MAX_BYTES as the page writes it (50,000). Not toLocaleString: loading ICU's number formats cost ~25 ms of every run. */
const MAX_BYTES_TEXT = String(MAX_BYTES).replace(/\B(?=(\d{3})+$)/g, ',');

/**
 * Text from the inputs inside Markdown: no HTML (GitHub renders it), no table breaks, no emphasis, links or math,
 * bare URLs and addresses included (GFM links `https://…`, `www.…`, `mailto:`, `xmpp:` and `a@b.c` by itself).
 * An escaped ':' or '.' stops the URLs. An address is found by GitHub's cmark-gfm after escapes are undone
 * (`a\\@b.c` is still linked), so an empty HTML comment ends the text at each '@': nothing shows and nothing is
 * copied, but no address spans it. Cut at 300 characters before escaping, so no escape or comment is cut in two,
 * and shorter where the escapes would make more than 600 characters of Markdown.
 */
export function escapeMarkdown(text: string): string {
  const escaped = escapeCut(text, VISIBLE_LENGTH);
  if (escaped.length <= ESCAPED_LENGTH) return escaped;
  // The longest cut whose Markdown fits, by bisection: `fits` always does (a cut at 1 is the ellipsis alone).
  // Stryker disable next-line MethodExpression: the Markdown's length grows with the cut, and a cut at either bound (the whole text, or 300) is too long, so the bisection ends at the same longest cut from either
  let [fits, tooLong] = [1, Math.min(text.length, VISIBLE_LENGTH)];
  while (tooLong - fits > 1) {
    const middle = (fits + tooLong) >> 1;
    if (escapeCut(text, middle).length <= ESCAPED_LENGTH) fits = middle;
    else tooLong = middle;
  }
  return escapeCut(text, fits);
}

function escapeCut(text: string, length: number): string {
  return cutAt(text, length)
    .replace(UNSAFE_IN_MARKDOWN, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // $: GitHub renders $…$ and $$…$$ as math (QA: a rule named $\color{red}{APPROVED}$ could show as red words).
    .replace(/([\\`*_{}[\]()#!|~$])/g, '\\$1')
    .replace(/:(?=\/\/)|(?<=\b(?:mailto|xmpp)):/gi, '\\:')
    .replace(/(www)\./gi, '$1\\.')
    .replace(/@/g, '@<!-- -->');
}

/** The page's lines up to MAX_BYTES, whole lines only (no table row or escape cut), and a line saying what was left out. */
function withinMaxBytes(lines: string[]): string[] {
  const omitted = (count: number) => `… ${count} more lines left out (summary.md is at most ${MAX_BYTES_TEXT} bytes): see report.json, coverage.csv and findings.csv.`;
  let bytes = Buffer.byteLength(`\n${omitted(lines.length)}\n`);
  for (let i = 0; i < lines.length; i++) {
    bytes += Buffer.byteLength(lines[i]!) + 1;
    // After a blank line: a line right below a table would be read as one of its rows.
    if (bytes > MAX_BYTES) return [...lines.slice(0, i), '', omitted(lines.length - i)];
  }
  return lines;
}

function percent(value: number, total: number): string {
  return total === 0 ? '—' : `${value.toFixed(1)}%`;
}

function coverageSection(report: CoverageReport): string[] {
  const { techniques, subtechniques, rules } = report.summary;
  const lines = [
    `**${percent(techniques.percent, techniques.total)}** of ${techniques.total} in-scope techniques covered or partly covered (${techniques.covered} covered, ${techniques.partial} partly, ${techniques.gap} gaps); sub-techniques ${subtechniques.covered}/${subtechniques.total}.`,
    `${rules.total} rules (${rules.enabled} enabled${skippedNote(rules.skippedByFalco)}) · ATT&CK ${escapeMarkdown(report.inputs.attack.version)} · scope: ${report.scope.platforms.map(escapeMarkdown).join(', ') || 'none'}`,
    '',
    escapeMarkdown(describeInputs(report.inputs)),
    '',
    '| Tactic | Coverage | Covered | Partly | Gaps |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const t of report.tactics) lines.push(`| ${escapeMarkdown(t.name)} | ${percent(t.percent, t.total)} | ${t.covered} | ${t.partial} | ${t.gap} |`);
  return lines;
}

function platformsSection(report: CoverageReport): string[] {
  const platforms = report.summary.platforms ?? [];
  if (platforms.length === 0) return [];
  return ['', `Per platform (a rule counts only on the platforms its source observes): ${platforms.map((p) => `${escapeMarkdown(p.platform)} ${percent(p.percent, p.total)} (${p.covered + p.partial}/${p.total})`).join(', ')}.`];
}

function profilesSection(report: CoverageReport): string[] {
  if (!report.threats?.length) return [];
  return ['', '### Threat profiles', '', ...report.threats.map((p) => `- ${describeProfile(p, escapeMarkdown)}`)];
}

function gapsSection(report: CoverageReport): string[] {
  const gaps = report.gaps.filter((g) => !g.isSubtechnique);
  const byId = new Map(report.techniques.map((t) => [t.id, t]));
  const detectability = describeGapDetectability(report.summary.gapDetectability);
  const lines = ['', `### Top gaps (${gaps.length} techniques uncovered${detectability ? `: ${detectability}` : ''})`, '', 'Ranked: gaps Falco can close first (loaded sources, then another Falco source), then by adversaries active on the scope that use them, +100 per `--threat` profile; sub-techniques are listed where they rank.', '', '| # | Technique | Name | Detectability | Score | Why |', '|---:|---|---|---|---:|---|'];
  for (const g of topGapRows(report.gaps, TOP_GAPS)) {
    lines.push(`| ${g.priority.rank} | ${g.id} | ${escapeMarkdown(g.name)} | ${escapeMarkdown(shortVerdict(g, byId.get(g.id)?.detectability))} | ${g.priority.score} | ${escapeMarkdown(g.priority.why)} |`);
  }
  if (gaps.length > TOP_GAPS) lines.push('', `…and ${gaps.length - TOP_GAPS} more in coverage.csv.`);
  return lines;
}

function findingsSection(report: CoverageReport): string[] {
  const f = report.summary.findings;
  const lines = ['', `### Findings: ${plural(f.error, 'error')}, ${plural(f.warning, 'warning')}, ${f.info} info${f.suppressed ? ` (${f.suppressed} suppressed, not counted)` : ''}`];
  const byCode = new Map<string, Finding[]>();
  for (const finding of report.findings) appendTo(byCode, finding.code, finding);
  for (const [code, findings] of [...byCode].sort(([a], [b]) => compareText(a, b))) {
    lines.push('', `**${code}** (${findings[0]!.severity}, ${findings.length})`, '');
    for (const finding of findings.slice(0, EXAMPLES_PER_CODE)) {
      lines.push(`- ${escapeMarkdown(`${finding.file}:${finding.line}`)} ${escapeMarkdown(finding.rule)}: ${escapeMarkdown(finding.message)}`);
    }
    if (findings.length > EXAMPLES_PER_CODE) lines.push(`- …and ${findings.length - EXAMPLES_PER_CODE} more in findings.csv`);
  }
  return lines;
}

function suppressedSection(report: CoverageReport): string[] {
  const suppressed = report.suppressed ?? [];
  if (suppressed.length === 0) return [];
  const lines = ['', `### Suppressed findings (${suppressed.length}, not counted by the gates)`, ''];
  for (const f of suppressed.slice(0, EXAMPLES_PER_CODE * 2)) {
    const where = f.suppression.kind === 'inSource' ? 'in the rules file' : `in ${escapeMarkdown(f.suppression.file)}`;
    lines.push(`- ${f.code} ${escapeMarkdown(`${f.file}:${f.line}`)} ${escapeMarkdown(f.rule)} — ${where}: ${escapeMarkdown(f.suppression.justification)}`);
  }
  if (suppressed.length > EXAMPLES_PER_CODE * 2) lines.push(`- …and ${suppressed.length - EXAMPLES_PER_CODE * 2} more in findings.csv`);
  return lines;
}

function gatesSection(report: CoverageReport): string[] {
  if (!report.gates?.length) return [];
  const failed = report.gates.filter((g) => !g.isPassed);
  const lines = [failed.length > 0 ? `> **Gate failed**: ${failed.map((g) => `\`--${g.gate}\` ${escapeMarkdown(g.message)}`).join('; ')}` : '> All gates passed.', ''];
  for (const g of report.gates) lines.push(`- ${g.isPassed ? 'pass' : '**FAIL**'} \`--${g.gate}\`: ${escapeMarkdown(g.message)}`);
  return [...lines, ''];
}

function comparisonSection(report: CoverageReport): string[] {
  const c = report.comparison;
  if (!c) return [];
  const lines = ['', `### Since the baseline (${escapeMarkdown(c.baseline.generatedAt)})`, ''];
  if (c.crossesAttackVersions) lines.push(`The baseline used ATT&CK ${escapeMarkdown(c.baseline.attackVersion)}; some changes are ATT&CK's, not the rules'.`, '');
  if (c.crossesScopes) lines.push(`${escapeMarkdown(upperFirst(scopeChange(c.baseline.platforms, report.scope.platforms)))}: coverage changes are partly the scope's, not the rules'.`, '');
  lines.push(`Coverage ${c.coverage.before.toFixed(1)}% → ${c.coverage.after.toFixed(1)}% (${signed(c.coverage.delta)} points); findings: ${c.newFindings.length} new, ${c.fixedFindings.length} fixed.`, '');
  const changed = c.tactics.filter((t) => t.delta);
  if (changed.length > 0) lines.push(`Per tactic: ${changed.map((t) => `${escapeMarkdown(t.name)} ${signed(t.delta!)}`).join(', ')}.`, '');
  for (const t of c.newlyUncovered.slice(0, TOP_GAPS)) lines.push(`- no longer covered: **${t.id}** ${escapeMarkdown(t.name)} (was: ${escapeMarkdown(t.rules.join(', ') || 'sub-techniques')})`);
  for (const t of c.statusChanges.filter((s) => s.after === 'partial').slice(0, TOP_GAPS)) lines.push(`- ${statusChangeWords(t)}: **${t.id}** ${escapeMarkdown(t.name)} (was: ${escapeMarkdown(t.rules.join(', '))})`);
  for (const t of c.newlyCovered.slice(0, TOP_GAPS)) lines.push(`- newly covered: ${t.id} ${escapeMarkdown(t.name)}`);
  for (const t of c.statusChanges.filter((s) => s.after === 'covered').slice(0, TOP_GAPS)) lines.push(`- ${statusChangeWords(t)}: ${t.id} ${escapeMarkdown(t.name)}`);
  for (const f of c.newFindings.slice(0, EXAMPLES_PER_CODE * 2)) lines.push(`- new finding: ${f.code} ${escapeMarkdown(f.rule)} (${escapeMarkdown(`${f.file}:${f.line}`)})`);
  return lines;
}

function emulationSection(report: CoverageReport): string[] {
  if (!report.emulation) return [];
  const never = report.emulation.techniques.filter((t) => t.status === 'tagged-never-fired').map((t) => t.id);
  const notAsWritten = report.emulation.rulesNotAsWritten ?? [];
  return ['', '### Emulated detection', '', escapeMarkdown(evidenceCounts(report.emulation)), ...(never.length > 0 ? ['', `Tagged but never fired: ${never.slice(0, 20).join(', ')}${never.length > 20 ? ' …' : ''}`] : []),
    ...(notAsWritten.length > 0 ? ['', escapeMarkdown(notAsWrittenLine(notAsWritten))] : []),
    ...(report.emulation.unknownTechniques ? ['', escapeMarkdown(unknownTechniquesLine(report.emulation.unknownTechniques))] : [])];
}

export function renderSummaryMarkdown(report: CoverageReport): string {
  const lines = ['## ATT&CK coverage of the Falco rules', '', ...gatesSection(report), ...coverageSection(report), ...platformsSection(report), ...comparisonSection(report), ...emulationSection(report), ...profilesSection(report), ...gapsSection(report), ...findingsSection(report), ...suppressedSection(report), ...suggestionsSection(report)];
  return `${withinMaxBytes(lines).join('\n')}\n`;
}

export const summaryReporter: Reporter = {
  name: 'summary',
  fileName: 'summary.md',
  description: 'Markdown for a CI job summary or a PR comment',
  render: renderSummaryMarkdown,
};
