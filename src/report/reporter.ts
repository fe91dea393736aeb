// The reporter contract: a pure function from the CoverageReport to the text of one output file.
// Reporters never log, write files or read the clock.
import type { CoverageReport } from '../coverage-report.js';

/** Text the HTML reporter inlines, read by report/assets.ts. */
export interface ReportAssets {
  heatmapPage: string;
  heatmapStyle: string;
  heatmapScript: string;
  d3: string;
}

export interface ReporterContext {
  /** The directory the output goes to, for reporters that link to siblings. */
  outDir: string;
  assets?: ReportAssets;
  /** The Navigator layer's score (--score); count when absent. */
  score?: 'count' | 'priority' | 'maturity';
}

export interface Reporter {
  /** The --format value. */
  name: string;
  /** File written into --out. */
  fileName: string;
  description: string;
  render: (report: CoverageReport, context: ReporterContext) => string;
  /** For large outputs: render's text in pieces, written as they come (used when there is no validate). */
  chunks?: (report: CoverageReport, context: ReporterContext) => Iterable<string>;
  /** For reporters that write several files (one per threat profile): used instead of render. */
  renderFiles?: (report: CoverageReport, context: ReporterContext) => { name: string; content: string }[];
  /** Checks the rendered output (e.g. against a schema); returns problems, empty when valid. */
  validate?: (output: string) => string[];
}

/** 2-space JSON with a final newline, the form of every JSON file attack-cov writes. */
export function stringifyJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
