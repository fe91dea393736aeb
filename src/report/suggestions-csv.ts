// suggestions.csv: one row per candidate technique of each rule (rank, score, tags to add, evidence), for
// review in a spreadsheet. Written with `report --suggest` (and `suggest --format csv`); formula-guarded.
import type { CoverageReport } from '../coverage-report.js';
import type { RuleSuggestion } from '../suggest/types.js';
import { toCsv } from './csv.js';
import type { Reporter } from './reporter.js';
import { describeEvidence } from './suggestions-text.js';

export function suggestionsCsv(suggestions: RuleSuggestion[]): string {
  const rows = suggestions.flatMap((s) => [
    ...s.candidates.map((c, i) => [s.rule, s.file, s.line, s.source, i + 1, c.technique, c.name, c.score, c.tags.join(';'), c.by, c.reason ?? '', c.evidence.map(describeEvidence).join('; '), c.logSources.join(';')]),
    ...s.rejected.map((r) => [s.rule, s.file, s.line, s.source, '', r.technique, '', '', '', 'rejected', r.reason, '', '']),
  ]);
  return toCsv(['rule', 'file', 'line', 'source', 'rank', 'technique', 'name', 'score', 'tags_to_add', 'by', 'reason', 'evidence', 'log_sources'], rows);
}

export const suggestionsCsvReporter: Reporter = {
  name: 'suggestions-csv',
  fileName: 'suggestions.csv',
  description: 'one row per suggested technique of each untagged rule (report --suggest)',
  render: (report: CoverageReport) => suggestionsCsv(report.suggestions?.rules ?? []),
  // Written only when the report carries suggestions (report --suggest).
  renderFiles: (report: CoverageReport) => (report.suggestions ? [{ name: 'suggestions.csv', content: suggestionsCsv(report.suggestions.rules) }] : []),
};
