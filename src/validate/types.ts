// What the validator reports: one issue per problem, with where it is and what to do. Pure data.
import type { Severity } from '../coverage-report.js';

export interface ValidationIssue {
  /** Stable kebab-case code, e.g. "unknown-field". */
  code: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  /** The column after the tag a `tag/…` issue is about, as Finding.endColumn. */
  endColumn?: number;
  /** The rule, macro or list the issue is in. */
  item: string;
  /** The sentence, with the condition's own line:column where the issue is inside a condition. */
  message: string;
  /** Where in the condition's own text (line:column, 1-based) an issue inside a condition is. */
  inCondition?: { line: number; column: number };
}
