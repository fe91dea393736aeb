// The Navigator layer's score per technique (--score count|priority|maturity) and the legend bucket each
// score falls in. Pure: the report's technique and rule entries in, numbers out.
import type { RuleEntry, TechniqueEntry } from '../coverage-report.js';

export type ScoreMode = 'count' | 'priority' | 'maturity';
export const SCORE_MODES: ScoreMode[] = ['count', 'priority', 'maturity'];

/** Weight of one enabled rule by its Falco priority (--score priority). */
export const PRIORITY_WEIGHTS: Record<string, number> = { emergency: 2, alert: 2, critical: 2, error: 1.5, warning: 1, notice: 0.75, informational: 0.5, info: 0.5, debug: 0.5 };
/** Weight of one enabled rule by its maturity tag (--score maturity); a rule without one weighs 1. */
export const MATURITY_WEIGHTS: Record<string, number> = { stable: 2, incubating: 1, sandbox: 0.5, deprecated: 0.25 };

function weight(rule: RuleEntry | undefined, mode: ScoreMode): number {
  if (mode === 'count' || !rule) return 1;
  if (mode === 'priority') return PRIORITY_WEIGHTS[rule.priority.toLowerCase()] ?? 1;
  return rule.maturity ? (MATURITY_WEIGHTS[rule.maturity] ?? 1) : 1;
}

/** The sum of the weights of the enabled rules that cover the technique (their source observes one of its in-scope platforms), to two decimals. */
export function techniqueScore(entry: TechniqueEntry, rules: Map<string, RuleEntry>, mode: ScoreMode): number {
  const sum = entry.observingRules.reduce((total, name) => total + weight(rules.get(name), mode), 0);
  return Math.round(sum * 100) / 100;
}

/** The legend entry (0 = "1", …, 3 = "4+") a positive score is painted with: scores up to 1, 2, 3, and above 3. */
export function scoreBucket(score: number, buckets: number): number {
  return Math.min(buckets, Math.max(1, Math.ceil(score))) - 1;
}

export function legendLabel(index: number, buckets: number, mode: ScoreMode): string {
  const isLast = index === buckets - 1;
  if (mode === 'count') return `${index + 1}${isLast ? '+' : ''} enabled rule${index === 0 && !isLast ? '' : 's'}`;
  return isLast ? `${mode} score over ${index}` : `${mode} score up to ${index + 1}`;
}

export const SCORE_DESCRIPTIONS: Record<ScoreMode, string> = {
  count: 'Score = enabled rules tagging the technique whose source observes one of its in-scope platforms.',
  priority: 'Score = those enabled rules weighted by Falco priority (CRITICAL and above 2, ERROR 1.5, WARNING 1, NOTICE 0.75, INFORMATIONAL and DEBUG 0.5).',
  maturity: 'Score = those enabled rules weighted by maturity (stable 2, incubating 1, sandbox 0.5, deprecated 0.25, no maturity tag 1).',
};
