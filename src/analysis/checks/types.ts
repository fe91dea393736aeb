// The shape every check shares: one function per finding code, over one mapped rule. Types only: the
// helpers checks build findings with are in findings.ts.
import type { Catalog } from '../../attack/types.js';
import type { Finding, Severity } from '../../coverage-report.js';
import type { MappedRule, TacticIndex } from '../mapping.js';

/** A finding before its sentence is written (report/messages.ts does that). */
export type FindingDraft = Omit<Finding, 'message'>;

export interface CheckContext {
  catalog: Catalog;
  tactics: TacticIndex;
  /** Falco source → ATT&CK platforms it can observe. */
  sourcePlatforms: Record<string, string[]>;
  /** Tactic shortnames an ATT&CK upgrade renamed (old → new), from `attack diff`. */
  tacticRenames?: Record<string, string>;
}

export interface Check {
  code: string;
  severity: Severity;
  /** One line for --help, SARIF rule help and the docs. */
  description: string;
  /** Never changes what it returns (NO_FINDINGS is shared). */
  run: (rule: MappedRule, context: CheckContext) => readonly FindingDraft[];
}
