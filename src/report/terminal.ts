// What attack-cov prints on stdout: the report summary and the lint listing. Pure: report in, text out;
// colour is decided by the caller (TTY, NO_COLOR) and passed in.
import type { CoverageReport, Finding, Severity, SuppressedFinding } from '../coverage-report.js';
import { describeFix, ruleSuffix } from './messages.js';
import { describeGapDetectability, describeProfile, shortVerdict, topGapRows } from './priority-words.js';
import { describeInputs, plural, signed, skippedNote, statusChangeWords } from './words.js';
import { escapeForTerminal } from '../terminal-text.js';
import { evidenceCounts, notAsWrittenLine, unknownTechniquesLine } from './evidence-words.js';
import { compareText } from '../collections.js';
import { isOfficialFile } from '../analysis/gates.js';

export interface TerminalStyle {
  isColor: boolean;
}

const CODES = { red: 31, yellow: 33, green: 32, cyan: 36, dim: 2, bold: 1 } as const;
type Color = keyof typeof CODES;

export function paint(style: TerminalStyle, color: Color, text: string): string {
  return style.isColor ? `\u001b[${CODES[color]}m${text}\u001b[0m` : text;
}

const SEVERITY_COLOR: Record<Severity, Color> = { error: 'red', warning: 'yellow', info: 'cyan' };

/** Control characters, escapes, bidi overrides and newlines from rule names or tags must not drive the terminal. */
export const printable = escapeForTerminal;

function bar(percent: number, width = 20): string {
  const filled = Math.round((percent / 100) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}


export function renderSummary(report: CoverageReport, style: TerminalStyle, topGaps = 10): string {
  const { summary, inputs, scope } = report;
  const lines: string[] = [];
  const attack = inputs.attack;
  lines.push(
    `ATT&CK ${printable(attack.domain)} ${printable(attack.version)} · ${plural(inputs.rules.length, 'rules file')} · ${plural(summary.rules.total, 'rule')} (${summary.rules.enabled} enabled${skippedNote(summary.rules.skippedByFalco)}, ${summary.rules.disabled} disabled, ${summary.rules.untagged} without ATT&CK tags)`,
    printable(describeInputs(inputs)),
    printable(`scope: ${scope.platforms.join(', ') || 'none'} (${scope.from === 'option' ? '--platform' : `sources: ${scope.sources.join(', ') || 'none'}`})`),
    '',
    paint(style, 'bold', 'Coverage per tactic (techniques covered or partly covered / in scope)'),
  );
  const width = Math.max(...report.tactics.map((t) => t.name.length), 'Overall'.length);
  const row = (name: string, c: { covered: number; partial: number; total: number; percent: number }): string =>
    c.total === 0
      ? `  ${name.padEnd(width)}  ${paint(style, 'dim', `${'·'.repeat(20)}      —  no technique in scope`)}`
      : `  ${name.padEnd(width)}  ${bar(c.percent)} ${c.percent.toFixed(1).padStart(5)}%  ${String(c.covered + c.partial).padStart(3)}/${String(c.total).padEnd(3)}`;
  for (const tactic of report.tactics) lines.push(row(printable(tactic.name), tactic));
  lines.push(paint(style, 'bold', row('Overall', summary.techniques)));
  lines.push(`  sub-techniques covered: ${summary.subtechniques.covered}/${summary.subtechniques.total} (${summary.subtechniques.percent.toFixed(1)}%)`);
  lines.push(...platformLines(report), '');
  const f = summary.findings;
  lines.push(
    `Findings: ${paint(style, 'red', plural(f.error, 'error'))}, ${paint(style, 'yellow', plural(f.warning, 'warning'))}, ${paint(style, 'cyan', `${f.info} info`)}${f.suppressed ? paint(style, 'dim', ` (${f.suppressed} suppressed, not counted)`) : ''}`,
  );
  for (const [code, count] of Object.entries(f.byCode)) lines.push(`  ${code.padEnd(24)} ${String(count).padStart(4)}`);
  lines.push(...suppressedLines(report.suppressed ?? [], style));
  lines.push(...profileLines(report, style), ...topGapLines(report, style, topGaps));
  lines.push(...comparisonLines(report, style), ...emulationLines(report, style), ...gateLines(report, style));
  return `${lines.join('\n')}\n`;
}

/** Suppressed findings by code and by where the suppression is written (a rules file comment, the config). */
function suppressedLines(suppressed: SuppressedFinding[], style: TerminalStyle): string[] {
  const counts = new Map<string, number>();
  for (const f of suppressed) {
    const key = `${f.code} (${f.suppression.kind === 'inSource' ? 'in the rules' : 'config'}: ${printable(f.suppression.justification)})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => compareText(a, b)).map(([key, count]) => paint(style, 'dim', `  suppressed ${String(count).padStart(3)}  ${key}`));
}

/** Per-platform coverage: a rule counts only on the platforms its source observes. */
function platformLines(report: CoverageReport): string[] {
  const platforms = report.summary.platforms ?? [];
  if (platforms.length === 0) return [];
  return [`  per platform (a rule counts only where its source observes): ${platforms.map((p) => `${p.platform} ${p.percent.toFixed(1)}% (${p.covered + p.partial}/${p.total})`).join(', ')}`];
}

function profileLines(report: CoverageReport, style: TerminalStyle): string[] {
  if (!report.threats?.length) return [];
  return ['', paint(style, 'bold', 'Threat profiles (--threat)'), ...report.threats.map((p) => `  ${printable(describeProfile(p))}`)];
}

function topGapLines(report: CoverageReport, style: TerminalStyle, topGaps: number): string[] {
  // --top 0: no gap list (it listed every gap: QA).
  if (topGaps <= 0) return [];
  const gaps = report.gaps.filter((g) => !g.isSubtechnique);
  const byId = new Map(report.techniques.map((t) => [t.id, t]));
  const detectability = describeGapDetectability(report.summary.gapDetectability);
  const lines = ['', paint(style, 'bold', `Top gaps (${gaps.length} techniques uncovered${detectability ? `: ${detectability}` : ''})`)];
  lines.push(paint(style, 'dim', '  ranked: closable by Falco first, then by adversaries active on the scope that use them, +100 per --threat profile (sub-techniques are listed where they rank: all gaps in coverage.csv)'));
  for (const gap of topGapRows(report.gaps, topGaps)) {
    const verdict = shortVerdict(gap, byId.get(gap.id)?.detectability);
    lines.push(`  ${String(gap.priority.rank).padStart(3)}. ${gap.id.padEnd(10)} ${printable(gap.name).padEnd(40)} ${verdict.padEnd(18)} ${paint(style, 'dim', `score ${gap.priority.score}`)}`);
    lines.push(paint(style, 'dim', `       why: ${printable(gap.priority.why)}`));
  }
  return lines;
}

/** What the coverage change spans besides the rules' changes: " — across ATT&CK versions and scopes". */
function across(c: NonNullable<CoverageReport['comparison']>): string {
  const what = [...(c.crossesAttackVersions ? ['ATT&CK versions'] : []), ...(c.crossesScopes ? ['scopes'] : [])];
  return what.length > 0 ? ` — across ${what.join(' and ')}` : '';
}

function comparisonLines(report: CoverageReport, style: TerminalStyle): string[] {
  const c = report.comparison;
  if (!c) return [];
  const lines = ['', paint(style, 'bold', `Since the baseline (${printable(c.baseline.generatedAt)}, ATT&CK ${printable(c.baseline.attackVersion)})`)];
  lines.push(`  coverage ${c.coverage.before.toFixed(1)}% → ${c.coverage.after.toFixed(1)}% (${signed(c.coverage.delta)} points)${across(c)}`);
  for (const t of c.tactics.filter((t) => t.delta)) lines.push(`  ${printable(t.name)}: ${t.before!.toFixed(1)}% → ${t.after.toFixed(1)}% (${signed(t.delta!)})`);
  for (const t of c.newlyCovered) lines.push(paint(style, 'green', `  + ${t.id} ${printable(t.name)} newly covered`));
  for (const t of c.newlyUncovered) lines.push(paint(style, 'red', `  - ${t.id} ${printable(t.name)} no longer covered (was: ${printable(t.rules.join(', ') || 'sub-techniques')})`));
  for (const t of c.statusChanges) {
    const isLoss = t.after === 'partial';
    lines.push(paint(style, isLoss ? 'red' : 'green', `  ${isLoss ? '-' : '+'} ${t.id} ${printable(t.name)} ${statusChangeWords(t)}${isLoss ? ` (was: ${printable(t.rules.join(', '))})` : ''}`));
  }
  lines.push(`  findings: ${c.newFindings.length} new, ${c.fixedFindings.length} fixed`);
  for (const f of c.newFindings.slice(0, 10)) lines.push(`  new: ${printable(f.file)}:${f.line} ${f.code}${ruleSuffix(f.rule, printable)}`);
  return lines;
}

function emulationLines(report: CoverageReport, style: TerminalStyle): string[] {
  if (!report.emulation) return [];
  const notAsWritten = report.emulation.rulesNotAsWritten ?? [];
  return ['', paint(style, 'bold', `Emulated detection: ${evidenceCounts(report.emulation)}`),
    ...(notAsWritten.length > 0 ? [printable(`  ${notAsWrittenLine(notAsWritten)}`)] : []),
    ...(report.emulation.unknownTechniques ? [printable(`  ${unknownTechniquesLine(report.emulation.unknownTechniques)}`)] : []),
    '  (attack-cov emulate lists the procedures, the rules they trigger and the undetermined cases)'];
}

function gateLines(report: CoverageReport, style: TerminalStyle): string[] {
  if (!report.gates?.length) return [];
  return ['', paint(style, 'bold', 'Gates'), ...report.gates.map((g) => `  ${g.isPassed ? paint(style, 'green', 'pass') : paint(style, 'red', 'FAIL')}  --${g.gate}: ${printable(g.message)}`)];
}

/** The lint listing and its totals; `isFixable` says which findings lint --fix fixes (the others with a fix in files of
 * the user's are to fix by hand: a tag an alias shares); without it (no --rules, which --fix needs) every finding with
 * a fix counts. The official rules' are never to fix by hand: no one edits them. */
export function renderLintFindings(findings: Finding[], style: TerminalStyle, suppressed: number | undefined, isFixable: (finding: Finding) => boolean = () => true): string {
  const lines = findings.map((f) => {
    const fix = describeFix(f);
    return [
      paint(style, 'dim', `${printable(f.file)}:${f.line}`),
      paint(style, SEVERITY_COLOR[f.severity], f.severity),
      f.code,
      `${printable(f.message)}${ruleSuffix(f.rule, printable)}${fix ? paint(style, 'dim', ` [fix: ${printable(fix)}]`) : ''}`,
    ].join('  ');
  });
  const count = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const withFix = findings.filter((f) => f.fix);
  const fixable = withFix.filter(isFixable).length;
  const byHand = withFix.filter((f) => !isFixable(f) && !isOfficialFile(f.file)).length;
  const total = plural(findings.length, 'problem');
  const quiet = suppressed ? paint(style, 'dim', ` (${suppressed} suppressed)`) : '';
  lines.push(
    findings.length === 0
      ? paint(style, 'green', 'no problems') + quiet
      : `${total} (${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info), ${fixable} with an unambiguous fix${byHand > 0 ? `, ${byHand} to fix by hand` : ''}${quiet}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The validator's issues, one per line: file:line  severity  code  [item] message. */
export function renderValidationIssues(issues: { file: string; line: number; severity: Severity; code: string; item: string; message: string }[], style: TerminalStyle): string {
  const lines = issues.map((i) =>
    [paint(style, 'dim', `${printable(i.file)}:${i.line}`), paint(style, SEVERITY_COLOR[i.severity], i.severity), i.code, `[${printable(i.item)}] ${printable(i.message)}`].join('  '),
  );
  const errors = issues.filter((i) => i.severity === 'error').length;
  lines.push(issues.length === 0 ? paint(style, 'green', 'valid') : `${plural(issues.length, 'problem')} (${plural(errors, 'error')}, ${plural(issues.length - errors, 'warning')})`);
  return `${lines.join('\n')}\n`;
}
