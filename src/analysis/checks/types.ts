// The shape every check shares: one function per finding code, over one mapped rule. Pure.
import type { Catalog } from '../../attack/types.js';
import type { Finding, Severity } from '../../coverage-report.js';
import type { MappedRule, ReadTag, TacticIndex } from '../mapping.js';

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
  run: (rule: MappedRule, context: CheckContext) => FindingDraft[];
}

/** The fields every finding about one tag of a rule shares. */
export function findingAt(check: Pick<Check, 'code' | 'severity'>, rule: MappedRule, tag: ReadTag | undefined, extra: Partial<FindingDraft> = {}): FindingDraft {
  const where = tag?.ref ?? rule.rule.position;
  return {
    code: check.code,
    severity: check.severity,
    rule: rule.rule.name,
    file: where.file,
    line: where.line,
    column: where.column,
    ...(tag ? { tag: tag.ref.value } : {}),
    ...extra,
  };
}

/** Falco's tag for a tactic shortname: mitre_privilege_escalation. */
export function tacticTag(shortname: string): string {
  return `mitre_${shortname.replace(/-/g, '_')}`;
}
