// --fail-on: whether findings reach the chosen severity. Pure.
import type { Finding } from '../coverage-report.js';
import { UsageError } from '../errors.js';

export type FailOn = 'error' | 'warning' | 'info' | 'none';
const RANK: Record<string, number> = { error: 3, warning: 2, info: 1 };

export function parseFailOn(value: string | undefined, fallback: FailOn): FailOn {
  const chosen = (value ?? fallback).toLowerCase();
  if (chosen === 'none' || chosen === 'off' || RANK[chosen]) return (chosen === 'off' ? 'none' : chosen) as FailOn;
  throw new UsageError(`--fail-on must be error, warning, info or none, not ${value}`);
}

/** Findings at or above `failOn`. */
export function findingsAtOrAbove(findings: Finding[], failOn: FailOn): Finding[] {
  if (failOn === 'none') return [];
  return findings.filter((f) => RANK[f.severity]! >= RANK[failOn]!);
}
