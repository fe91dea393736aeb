// CI gates over a CoverageReport (and its comparison with a baseline). Pure: report and settings in,
// one result per gate out, each with the sentence that says why it passed or failed.
import type { CoverageReport, GateResult, Severity } from '../coverage-report.js';
import { InputError, UsageError } from '../errors.js';
import { listed, scopeChange } from '../report/words.js';
import { exactPercent } from './coverage.js';


export type FailOn = Severity | 'new' | 'none';

export interface GateSettings {
  failOn: FailOn;
  /** Overall minimum coverage percent. */
  minCoverage?: number;
  /** Minimum coverage percent per tactic shortname. */
  minTacticCoverage: Record<string, number>;
  /** Largest allowed drop of overall coverage against the baseline, in percentage points. */
  maxCoverageDrop?: number;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** A decimal number with an optional %: "40", "12.5%"; NaN for anything else (Number('') would be 0, and
 * Number('0x10') 16). The pattern is written inline so that mutation testing checks it (Stryker skips
 * module-level constants). */
function decimalOf(value: string): number {
  return Number(/^\s*(\d+(?:\.\d+)?)%?\s*$/.exec(value)?.[1] ?? NaN);
}

function percent(value: string, flag: string): number {
  const number = decimalOf(value);
  if (Number.isNaN(number) || number > 100) throw new UsageError(`${flag} takes a percentage from 0 to 100, not ${value.trim() || '""'}`);
  return number;
}

/** Reads a --max-coverage-drop value: percentage points, 0 or more. */
export function parseDrop(value: string, flag = '--max-coverage-drop'): number {
  const drop = decimalOf(value);
  if (Number.isNaN(drop)) throw new UsageError(`${flag} takes percentage points (>= 0), not ${value.trim() || '""'}`);
  return drop;
}

/** A --min-coverage value as its tactic (undefined: the whole matrix) and percentage, as written; one with nothing
 * before its = is refused (QA: it was "unknown tactic " with nothing after). */
function minCoverageParts(value: string, flag: string): { name: string | undefined; pct: string } {
  if (!value.includes('=')) return { name: undefined, pct: value };
  const [name, pct] = value.split('=', 2) as [string, string];
  if (name.trim() === '') throw new UsageError(`${flag} ${value}: no tactic before the =`, 'write <tactic>=<percent> (execution=50), or a percentage alone for the whole matrix');
  return { name, pct };
}

/** The percentage of a --min-coverage value ("40" or "execution=50"), checked as the gate will read it. */
export function minCoveragePercent(value: string, flag: string): number {
  return percent(minCoverageParts(value, flag).pct, flag);
}

/** Reads --min-coverage values: "40" (overall) or "execution=50" / "TA0002=50" (one tactic). `at`: where the project
 * config wrote each value, when it gave them: a tactic the ATT&CK version does not have is named there (QA). */
export function parseMinCoverage(values: string[], tactics: { id: string; shortname: string; name: string }[], at?: string[]): Pick<GateSettings, 'minCoverage' | 'minTacticCoverage'> {
  const result: Pick<GateSettings, 'minCoverage' | 'minTacticCoverage'> = { minTacticCoverage: {} };
  for (const [i, value] of values.entries()) {
    const where = at?.[i];
    // Stryker disable next-line ConditionalExpression,StringLiteral: a config value's = and percentage were checked when the config was read (minCoveragePercent), so only its tactic can fail here, whose message names no flag
    const flag = where === undefined ? '--min-coverage' : 'min-coverage';
    const { name, pct } = minCoverageParts(value, flag);
    if (name === undefined) {
      result.minCoverage = percent(pct, flag);
      continue;
    }
    const key = name.trim().toLowerCase().replace(/[\s_]+/g, '-');
    const tactic = tactics.find((t) => t.shortname === key || t.id.toLowerCase() === key || t.name.toLowerCase().replace(/\s+/g, '-') === key);
    if (!tactic) {
      const hint = `tactics: ${tactics.map((t) => t.shortname).join(', ')}`;
      if (where !== undefined) throw new InputError(where, `min-coverage: unknown tactic ${name}`, hint);
      throw new UsageError(`--min-coverage: unknown tactic ${name}`, hint);
    }
    result.minTacticCoverage[tactic.shortname] = percent(pct, flag);
  }
  return result;
}

/** A file of the official rules (`official:…`, embedded or downloaded by tag): its findings are reported, never gated. */
export function isOfficialFile(file: string): boolean {
  return file.startsWith('official:');
}

/** What --fail-on counts of `findings`, and what it leaves out: the official rules' own findings, which the user cannot
 * change (lint --fix does not rewrite them) and SARIF leaves out of the log. */
export function gatedFindings<T extends { file: string; severity: Severity }>(findings: T[], failOn: FailOn): { failing: T[]; official: T[] } {
  const hits = findingsAtOrAbove(findings, failOn);
  return { failing: hits.filter((f) => !isOfficialFile(f.file)), official: hits.filter((f) => isOfficialFile(f.file)) };
}

/** With -q (errors only), the line that says why the exit code is 1 when what fails the gate is not listed:
 * "2 warnings at or above --fail-on warning (not listed with -q)"; empty when none is hidden. */
export function quietGateLine(hidden: number, failOn: string): string {
  return hidden === 0 ? '' : `${hidden} ${hidden === 1 ? 'warning' : 'warnings'} at or above --fail-on ${failOn} (not listed with -q)\n`;
}

/** The words for official findings a gate left out: "; 2 more in the official rules, not gated", or nothing. */
export function officialNote(count: number): string {
  return count === 0 ? '' : `; ${count} more in the official rules, not gated (suppress them in .attack-cov.yaml to hide them)`;
}

function failOnGate(report: CoverageReport, failOn: FailOn): GateResult {
  if (failOn === 'new') {
    // "new" is whatever got worse since the baseline: findings it did not have, and techniques it covered that are now gaps.
    const { newFindings, newlyUncovered, statusChanges } = report.comparison!;
    const mine = newFindings.filter((f) => !isOfficialFile(f.file));
    const problems = [
      ...newlyUncovered.map((t) => `${t.id} ${t.name} is no longer covered (was: ${t.rules.join(', ') || 'sub-techniques'})`),
      // Covered → partial: its own rules are gone, only sub-techniques still count.
      // (A status change is covered ↔ partial: newly covered and uncovered techniques are listed apart.)
      ...statusChanges.filter((t) => t.after === 'partial').map((t) => `${t.id} ${t.name} is only partly covered now (was covered by: ${t.rules.join(', ')})`),
      ...mine.map((f) => `new ${f.code} in "${f.rule}" (${f.file}:${f.line})`),
    ];
    const note = officialNote(newFindings.length - mine.length);
    return {
      gate: 'fail-on',
      isPassed: problems.length === 0,
      message: problems.length === 0 ? `nothing new since the baseline${note}` : `${problems.length} new since the baseline: ${listed(problems)}${note}`,
    };
  }
  const { failing, official } = gatedFindings(report.findings, failOn);
  return { gate: 'fail-on', isPassed: failing.length === 0, message: `${failing.length} finding(s) at or above ${failOn}${officialNote(official.length)}` };
}

/**
 * `exact` shown with one decimal, or with as many more (up to 6) as it takes for the number shown to fall on the
 * side of `threshold` the gate decided: 6.96% against a minimum of 7 is "6.96%", never "7% is below 7%".
 */
export function shownAgainst(exact: number, threshold: number, isOnOrAbove: boolean): string {
  // Stryker disable next-line EqualityOperator: with <= 6 the loop's last turn returns the same toFixed(6) as the line after it
  for (let digits = 1; digits < 6; digits++) {
    // One decimal at least, as every share is shown (7.0, not 7: QA).
    const shown = exact.toFixed(digits);
    if (Number(shown) >= threshold === isOnOrAbove) return shown;
  }
  return exact.toFixed(6);
}

/** What floating point adds to a difference of shares: 1/3 − 1/3 is 0, but 50 − 33.33… − 16.66… need not be. */
const DROP_TOLERANCE = 1e-9;

export function evaluateGates(report: CoverageReport, settings: GateSettings): GateResult[] {
  const results: GateResult[] = [];
  if ((settings.failOn === 'new' || settings.maxCoverageDrop !== undefined) && !report.comparison) {
    // The gate may come from the project config, not the command line: both spellings are named.
    const gate = settings.failOn === 'new' ? '--fail-on new (or gates.fail-on: new in .attack-cov.yaml)' : '--max-coverage-drop (or gates.max-coverage-drop in .attack-cov.yaml)';
    throw new UsageError(`${gate} needs --baseline <previous report.json>`, 'pass the previous run\'s report.json with --baseline, or leave this gate out of runs that have none');
  }
  if (settings.failOn !== 'none') results.push(failOnGate(report, settings.failOn));
  if (settings.minCoverage !== undefined) {
    // Compared exactly (7 of 158 is 4.4304%: it meets 4.43); shown with one decimal.
    // As for a tactic below: with nothing in scope every output shows "—", not 0% (QA: the gate said 0.0%, exit 1).
    if (report.summary.techniques.total === 0 && settings.minCoverage > 0) throw new UsageError(`--min-coverage ${settings.minCoverage} (or gates.min-coverage in .attack-cov.yaml): no technique is in scope (${report.scope.platforms.join(', ') || 'no platform: no enabled rule of a source attack-cov knows'}), so no ruleset can meet it`, 'check the rules files (an empty or cut-off file?), or set the scope with --platform');
    const exact = exactPercent(report.summary.techniques);
    const isMet = exact >= settings.minCoverage;
    results.push({ gate: 'min-coverage', isPassed: isMet, message: `overall coverage ${shownAgainst(exact, settings.minCoverage, isMet)}% ${isMet ? 'meets' : 'is below'} ${settings.minCoverage}%` });
  }
  for (const [shortname, minimum] of Object.entries(settings.minTacticCoverage)) {
    const tactic = report.tactics.find((t) => t.shortname === shortname)!;
    // A minimum no run can meet (every output shows the tactic as "no technique in scope") is a setting to fix, not a gap.
    if (tactic.total === 0 && minimum > 0) throw new UsageError(`--min-coverage ${shortname}=${minimum} (or gates.min-coverage in .attack-cov.yaml): ${shortname} has no technique in scope (${report.scope.platforms.join(', ') || 'no platform'}), so no ruleset can meet it`, 'leave that tactic out of the gate, or widen the scope with --platform');
    const exact = exactPercent(tactic);
    const isMet = exact >= minimum;
    results.push({ gate: 'min-coverage', isPassed: isMet, message: `${shortname} coverage ${shownAgainst(exact, minimum, isMet)}% ${isMet ? 'meets' : 'is below'} ${minimum}%` });
  }
  if (settings.maxCoverageDrop !== undefined) {
    const { coverage, newlyUncovered, crossesScopes, baseline } = report.comparison!;
    // The exact shares' difference (a drop of 0.633 points passes at 0.65), shown with one decimal.
    const exactDrop = exactPercent(coverage.counted) - exactPercent(report.summary.techniques);
    const isPassed = exactDrop <= settings.maxCoverageDrop + DROP_TOLERANCE;
    // A drop shown on the side of the maximum the gate decided (a fail is never "-0.7 points, at most -0.7").
    // Stryker disable next-line EqualityOperator: at a drop of exactly 0 both sides are 0 (shownAgainst(0, …) is "0.0", and -coverage.delta is -0, which prints as 0): +0 points either way
    const drop = exactDrop > 0 ? Number(shownAgainst(exactDrop, settings.maxCoverageDrop + DROP_TOLERANCE, !isPassed)) : -coverage.delta;
    const lost = listed(newlyUncovered.map((t) => `${t.id} ${t.name} (was covered by ${t.rules.join(', ') || 'sub-techniques'})`));
    const allowed = settings.maxCoverageDrop === 0 ? 'no drop allowed' : `at most -${settings.maxCoverageDrop} allowed`;
    results.push({
      gate: 'max-coverage-drop',
      isPassed,
      message: `coverage ${coverage.before.toFixed(1)}% → ${coverage.after.toFixed(1)}% (${drop > 0 ? `-${drop}` : `+${-drop}`} points, ${allowed})${lost ? `; lost: ${lost}` : ''}${crossesScopes ? `; ${scopeChange(baseline.platforms, report.scope.platforms)}` : ''}`,
    });
  }
  return results;
}

export function parseFailOn(value: string | undefined, fallback: FailOn): FailOn {
  const chosen = (value ?? fallback).toLowerCase();
  if (chosen === 'off') return 'none';
  if (['error', 'warning', 'info', 'new', 'none'].includes(chosen)) return chosen as FailOn;
  throw new UsageError(`--fail-on must be error, warning, info, new or none, not ${value}`);
}

/** Findings at or above a severity (lint's gate). */
export function findingsAtOrAbove<T extends { severity: Severity }>(findings: T[], failOn: FailOn): T[] {
  if (failOn === 'none' || failOn === 'new') return [];
  return findings.filter((f) => RANK[f.severity] >= RANK[failOn]);
}
