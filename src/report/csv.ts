// coverage.csv (one row per in-scope technique) and findings.csv (one row per finding), via csv-stringify.
import { stringify } from 'csv-stringify/sync';
import type { CoverageReport } from '../coverage-report.js';
import { describeFix } from './messages.js';
import type { Reporter } from './reporter.js';

/**
 * Spreadsheets run cells that start with = + - @ (or a tab or CR) as formulas; rule names and tags come
 * from anyone, so such a cell gets a leading apostrophe (OWASP "CSV injection").
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function toCsv(header: string[], rows: (string | number)[][]): string {
  const safe = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? neutralizeFormula(cell) : cell)));
  return stringify([header, ...safe], { record_delimiter: '\n' });
}

export const coverageCsvReporter: Reporter = {
  name: 'coverage-csv',
  fileName: 'coverage.csv',
  description: 'one row per in-scope technique: status, rules, findings',
  render: (report: CoverageReport) =>
    toCsv(
      ['technique_id', 'name', 'tactics', 'platforms', 'is_subtechnique', 'status', 'rule_count', 'rules', 'disabled_rules', 'finding_count', 'used_by'],
      report.techniques
        .filter((t) => t.inScope)
        .map((t) => [t.id, t.name, t.tactics.join(';'), t.platforms.join(';'), t.isSubtechnique ? 'yes' : 'no', t.status, t.rules.length, t.rules.join(';'), t.disabledRules.join(';'), t.findings, t.usedBy]),
    ),
};

export const findingsCsvReporter: Reporter = {
  name: 'findings-csv',
  fileName: 'findings.csv',
  description: 'one row per finding',
  render: (report: CoverageReport) =>
    toCsv(
      ['severity', 'code', 'file', 'line', 'column', 'rule', 'tag', 'technique', 'tactic', 'message', 'fix'],
      report.findings.map((f) => [f.severity, f.code, f.file, f.line, f.column, f.rule, f.tag ?? '', f.technique ?? '', f.tactic ?? '', f.message, describeFix(f) ?? '']),
    ),
};
