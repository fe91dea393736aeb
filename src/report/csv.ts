// coverage.csv (one row per in-scope technique) and findings.csv (one row per finding), RFC 4180.
import type { CoverageReport, Finding, SuppressedFinding, TechniqueEntry } from '../coverage-report.js';
import { newFindingFlags } from '../analysis/baseline.js';
import { describeFix } from './messages.js';
import { statusChangeWords } from './words.js';
import type { Reporter } from './reporter.js';
import { escapeForTerminal, unsafeCharacters } from '../terminal-text.js';

/** Where a spreadsheet would start a formula: a cell's start, and anywhere after a ';' (behind quotes), behind any
 * white space (`\s`: every Unicode space, NBSP and U+3000 included), which spreadsheets skip before a formula. */
const FORMULA_AT_START = /^\s*[=+\-@\t\r]/;
const FORMULA_AFTER_SEPARATOR = /[\s"]*[=+\-@\t\r]/y;

/**
 * Spreadsheets run cells that start with = + - @ (or a tab or CR), white space before them or not, as formulas; rule names and tags come
 * from anyone, so such a cell gets a leading apostrophe (OWASP "CSV injection"). So does every piece after a
 * ';': Excel in locales whose list separator is ';' splits a double-clicked CSV file there, whatever its
 * quotes, and the lists in these files are joined with ';'.
 */
export function neutralizeFormula(value: string): string {
  // The ';'s found with indexOf and only the text after each tried, rather than one global replace that tries a
  // lookbehind at every character: coverage.csv's rules cells run to 17,000 characters at 10,000 rules, and the
  // two CSV files' 1.5 million took ~40 ms that way in a fresh process, ~8 this way.
  let out = FORMULA_AT_START.test(value) ? "'" : '';
  let from = 0;
  for (let at = value.indexOf(';'); at !== -1; at = value.indexOf(';', at + 1)) {
    FORMULA_AFTER_SEPARATOR.lastIndex = at + 1;
    if (FORMULA_AFTER_SEPARATOR.test(value)) {
      out += `${value.slice(from, at + 1)}'`;
      from = at + 1;
    }
  }
  return out + value.slice(from);
}

/** One CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote, CR or LF. */
function csvField(cell: string | number | undefined): string {
  const text = cell === undefined || cell === null ? '' : String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const UNSAFE_IN_CELL = unsafeCharacters();
const UNSAFE_ANYWHERE_IN_CELL = new RegExp(unsafeCharacters().source, 'u');

/** A cell's control, bidi and invisible characters escaped as the terminal output escapes them (`\u001b`), but for
 * tab, CR and LF, which CSV carries (quoted where they need it): `cat findings.csv` in a CI log must not run a rule
 * name's terminal escapes (QA: ESC, BEL and U+202E went in raw). Most cells have none, and are returned as they are. */
export function cellText(text: string): string {
  if (!UNSAFE_ANYWHERE_IN_CELL.test(text)) return text;
  return text.replace(UNSAFE_IN_CELL, (c) => (c === '\t' || c === '\r' || c === '\n' ? c : escapeForTerminal(c)));
}

/** CSV with LF record ends, every record ended; string cells escaped (cellText) and formula-neutralized. Written here,
 * not with csv-stringify, which gave the same bytes but took ~85 ms for a 700-row file in a fresh process. */
export function toCsv(header: string[], rows: (string | number)[][]): string {
  const line = (row: (string | number)[], isHeader: boolean) => row.map((cell) => csvField(typeof cell === 'string' && !isHeader ? neutralizeFormula(cellText(cell)) : cell)).join(',');
  return [line(header, true), ...rows.map((row) => line(row, false))].map((l) => `${l}\n`).join('');
}

const PRIORITY_COLUMNS = ['platform_status', 'gap_rank', 'priority_score', 'detectability', 'falco_sources', 'analytics', 'threat_profiles', 'priority_reason'];

/** In-scope techniques: gaps first in priority order, then the rest by ID. */
function inPriorityOrder(report: CoverageReport): TechniqueEntry[] {
  const byId = new Map(report.techniques.map((t) => [t.id, t]));
  const gaps = report.gaps.flatMap((g) => byId.get(g.id) ?? []);
  const gapIds = new Set(gaps.map((t) => t.id));
  return [...gaps, ...report.techniques.filter((t) => t.inScope && !gapIds.has(t.id))];
}

function priorityCells(report: CoverageReport, t: TechniqueEntry): (string | number)[] {
  const priority = report.gaps.find((g) => g.id === t.id)?.priority;
  const d = t.detectability;
  const sources = [...(d?.loadedSources ?? []), ...(d?.otherSources ?? []).map((o) => (o.plugin === o.source ? o.source : `${o.source} (plugin ${o.plugin})`))];
  return [
    t.platformCoverage.filter((c) => report.scope.platforms.includes(c.platform)).map((c) => `${c.platform}=${c.status}`).join(';'),
    priority?.rank ?? '', priority?.score ?? '', d?.verdict ?? '', sources.join(';'), (d?.analytics ?? []).map((a) => a.id).join(';'), (priority?.profiles ?? []).join(';'), priority?.why ?? '',
  ];
}

export const coverageCsvReporter: Reporter = {
  name: 'coverage-csv',
  fileName: 'coverage.csv',
  description: 'one row per in-scope technique: status, rules, findings',
  render: (report: CoverageReport) => {
    const change = new Map<string, string>([
      ...(report.comparison?.newlyCovered ?? []).map((t): [string, string] => [t.id, 'newly covered']),
      ...(report.comparison?.newlyUncovered ?? []).map((t): [string, string] => [t.id, 'newly uncovered']),
      ...(report.comparison?.statusChanges ?? []).map((t): [string, string] => [t.id, statusChangeWords(t)]),
    ]);
    // With --emulate: the second axis (tagged vs demonstrated) and the rules seen to fire. A technique without an
    // entry has no procedure, or has procedures that count nowhere in scope: its platforms in scope are none the
    // emulated (syscall) rules observe (--platform IaaS).
    const evidence = report.emulation ? new Map(report.emulation.techniques.map((e) => [e.id, e])) : undefined;
    const atomics = (report.emulation?.procedures ?? []).filter((p) => p.kind === 'atomic' && p.technique !== undefined);
    const withProcedures = new Set(atomics.flatMap((p) => [p.technique!, p.technique!.split('.')[0]!]));
    const noEntry = (id: string) => (withProcedures.has(id) ? 'not-observed' : 'no-procedure');
    const emulated = (id: string): string[] => (evidence ? [evidence.get(id)?.status ?? noEntry(id), (evidence.get(id)?.firingRules ?? []).join(';')] : ['', '']);
    // rule_count counts what status counts (and the layer's score): the rules that observe a platform of it in scope;
    // `rules` lists every enabled rule that tags it, so that a rule whose source cannot see it is still named. Every
    // column is always there, empty where its option was not given (change: --baseline; evidence, firing_rules:
    // --emulate): a column added by an option moved the ones after it, and a CI step reading by position broke.
    return toCsv(
      ['technique_id', 'name', 'tactics', 'platforms', 'is_subtechnique', 'status', 'rule_count', 'rules', 'disabled_rules', 'finding_count', 'used_by', ...PRIORITY_COLUMNS, 'change', 'evidence', 'firing_rules'],
      inPriorityOrder(report).map((t) => [
        t.id, t.name, t.tactics.join(';'), t.platforms.join(';'), t.isSubtechnique ? 'yes' : 'no', t.status, t.observingRules.length, t.rules.join(';'), t.disabledRules.join(';'), t.findings, t.usedBy,
        ...priorityCells(report, t), change.get(t.id) ?? '', ...emulated(t.id),
      ]),
    );
  },
};

export const findingsCsvReporter: Reporter = {
  name: 'findings-csv',
  fileName: 'findings.csv',
  description: 'one row per finding',
  render: (report: CoverageReport) => {
    const isNew = report.comparison ? newFindingFlags(report.findings, report.comparison.newFindings) : undefined;
    // Suppressed findings follow the counted ones, with the suppression's kind and justification in the last column;
    // the comparison with the baseline counts only the counted ones, so their baseline cell is empty (as every one is
    // without --baseline: the column is always there, so that `suppressed` stays where it is).
    const rows: (Finding | SuppressedFinding)[] = [...report.findings, ...(report.suppressed ?? [])];
    return toCsv(
      ['severity', 'code', 'file', 'line', 'column', 'rule', 'tag', 'technique', 'tactic', 'message', 'fix', 'baseline', 'suppressed'],
      rows.map((f, i) => [
        f.severity, f.code, f.file, f.line, f.column, f.rule, f.tag ?? '', f.technique ?? '', f.tactic ?? '', f.message, describeFix(f) ?? '',
        !isNew || i >= isNew.length ? '' : isNew[i] ? 'new' : 'unchanged',
        'suppression' in f ? `${f.suppression.kind}: ${f.suppression.justification}` : '',
      ]),
    );
  },
};
