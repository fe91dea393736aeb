// coverage.csv (one row per in-scope technique) and findings.csv (one row per finding), via csv-stringify.
import { stringify } from 'csv-stringify/sync';
import type { CoverageReport } from '../coverage-report.js';
import { findingFingerprint } from '../analysis/baseline.js';
import { describeFix } from './messages.js';
import type { Reporter } from './reporter.js';

/**
 * Spreadsheets run cells that start with = + - @ (or a tab or CR) as formulas; rule names and tags come
 * from anyone, so such a cell gets a leading apostrophe (OWASP "CSV injection").
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function toCsv(header: string[], rows: (string | number)[][]): string {
  const safe = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? neutralizeFormula(cell) : cell)));
  return stringify([header, ...safe], { record_delimiter: '\n' });
}

export const coverageCsvReporter: Reporter = {
  name: 'coverage-csv',
  fileName: 'coverage.csv',
  description: 'one row per in-scope technique: status, rules, findings',
  render: (report: CoverageReport) => {
    const change = new Map<string, string>([
      ...(report.comparison?.newlyCovered ?? []).map((t): [string, string] => [t.id, 'newly covered']),
      ...(report.comparison?.newlyUncovered ?? []).map((t): [string, string] => [t.id, 'newly uncovered']),
    ]);
    return toCsv(
      ['technique_id', 'name', 'tactics', 'platforms', 'is_subtechnique', 'status', 'rule_count', 'rules', 'disabled_rules', 'finding_count', 'used_by', ...(report.comparison ? ['change'] : [])],
      report.techniques
        .filter((t) => t.inScope)
        .map((t) => [t.id, t.name, t.tactics.join(';'), t.platforms.join(';'), t.isSubtechnique ? 'yes' : 'no', t.status, t.rules.length, t.rules.join(';'), t.disabledRules.join(';'), t.findings, t.usedBy, ...(report.comparison ? [change.get(t.id) ?? ''] : [])]),
    );
  },
};

export const findingsCsvReporter: Reporter = {
  name: 'findings-csv',
  fileName: 'findings.csv',
  description: 'one row per finding',
  render: (report: CoverageReport) => {
    const fresh = report.comparison ? new Set(report.comparison.newFindings.map((f) => f.fingerprint)) : undefined;
    return toCsv(
      ['severity', 'code', 'file', 'line', 'column', 'rule', 'tag', 'technique', 'tactic', 'message', 'fix', ...(fresh ? ['baseline'] : [])],
      report.findings.map((f) => [
        f.severity, f.code, f.file, f.line, f.column, f.rule, f.tag ?? '', f.technique ?? '', f.tactic ?? '', f.message, describeFix(f) ?? '',
        ...(fresh ? [fresh.has(findingFingerprint(f)) ? 'new' : 'unchanged'] : []),
      ]),
    );
  },
};
