// Compares a CoverageReport with a baseline (last night's report.json). Pure.
import { createHash } from 'node:crypto';
import type { Comparison, CoverageReport, Finding, FindingRef, StatusChange, TechniqueEntry } from '../coverage-report.js';
import { countsOf, occurrences } from '../collections.js';
import { exactPercent } from './coverage.js';

/** A finding's identity across runs: lines move when rules are edited, so they are not part of it. */
export function findingFingerprint(f: Fingerprinted): string {
  return createHash('sha256').update([f.code, f.rule, f.tag ?? '', f.technique ?? '', f.tactic ?? ''].join('\u0000')).digest('hex').slice(0, 32);
}

type Fingerprinted = Pick<Finding, 'code' | 'rule' | 'tag' | 'technique' | 'tactic'>;

/**
 * Each finding's fingerprint with its occurrence among equal fingerprints, in report order ("…:1", "…:2"): two
 * findings alike in code, rule, tag, technique and tactic (two config suppressions that match nothing) stay two.
 */
export function occurrenceKeys(findings: readonly Fingerprinted[]): string[] {
  const fingerprints = findings.map((f) => findingFingerprint(f));
  const n = occurrences(fingerprints);
  return fingerprints.map((fingerprint, i) => `${fingerprint}:${n[i]}`);
}

/** The findings of `from` that `other` does not have, occurrence for occurrence (of three alike where there were two, the last is new). */
function notIn(from: readonly Finding[], other: readonly Finding[]): Finding[] {
  const others = new Set(occurrenceKeys(other));
  const keys = occurrenceKeys(from);
  return from.filter((_, i) => !others.has(keys[i]!));
}

/** For each of `findings` (a report's counted findings), whether its comparison called it new: of the findings alike,
 * the last ones, as many as are new (the order `notIn` gives them). */
export function newFindingFlags(findings: readonly Finding[], newFindings: readonly FindingRef[]): boolean[] {
  const fresh = countsOf(newFindings.map((f) => f.fingerprint));
  const fingerprints = findings.map((f) => findingFingerprint(f));
  const total = countsOf(fingerprints);
  const n = occurrences(fingerprints);
  return fingerprints.map((fingerprint, i) => n[i]! > total.get(fingerprint)! - (fresh.get(fingerprint) ?? 0));
}

function ref(f: Finding): FindingRef {
  return { fingerprint: findingFingerprint(f), code: f.code, severity: f.severity, rule: f.rule, file: f.file, line: f.line, message: f.message };
}

const isCounted = (t: TechniqueEntry): boolean => t.status !== 'gap';

/** Covered ↔ partial changes of techniques counted in both runs, with the rules of the run it was covered in. */
function statusChanges(now: readonly TechniqueEntry[], before: ReadonlyMap<string, TechniqueEntry>): StatusChange[] {
  return now.flatMap((t) => {
    const old = before.get(t.id);
    if (!old || !isCounted(old) || !isCounted(t) || old.status === t.status) return [];
    return [{ id: t.id, name: t.name, before: old.status, after: t.status, rules: t.status === 'covered' ? t.rules : old.rules }];
  });
}

/** Whether `a` and `b` hold the same values (scopes are sorted sets, but a baseline is only read, not trusted to be). */
function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((value) => right.has(value));
}

export function compareReports(current: CoverageReport, baseline: CoverageReport): Comparison {
  const before = new Map(baseline.techniques.filter((t) => t.inScope).map((t) => [t.id, t]));
  const now = current.techniques.filter((t) => t.inScope);
  const newlyCovered = now.filter((t) => isCounted(t) && !(before.get(t.id) && isCounted(before.get(t.id)!)));
  const newlyUncovered = now.filter((t) => !isCounted(t) && before.get(t.id) && isCounted(before.get(t.id)!));
  const tacticsBefore = new Map(baseline.tactics.map((t) => [t.shortname, t]));
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    baseline: { generatedAt: baseline.generatedAt, attackVersion: baseline.inputs.attack.version, rules: baseline.inputs.rules.map((r) => r.path), platforms: baseline.scope.platforms },
    crossesAttackVersions: baseline.inputs.attack.version !== current.inputs.attack.version,
    crossesScopes: !sameSet(baseline.scope.platforms, current.scope.platforms),
    newlyCovered: newlyCovered.map((t) => ({ id: t.id, name: t.name, rules: t.rules })),
    newlyUncovered: newlyUncovered.map((t) => ({ id: t.id, name: t.name, rules: before.get(t.id)!.rules })),
    statusChanges: statusChanges(now, before),
    newFindings: notIn(current.findings, baseline.findings).map(ref),
    fixedFindings: notIn(baseline.findings, current.findings).map(ref),
    coverage: {
      before: baseline.summary.techniques.percent,
      after: current.summary.techniques.percent,
      delta: round(exactPercent(current.summary.techniques) - exactPercent(baseline.summary.techniques)),
      counted: { covered: baseline.summary.techniques.covered, partial: baseline.summary.techniques.partial, total: baseline.summary.techniques.total },
    },
    tactics: current.tactics.map((t) => {
      const old = tacticsBefore.get(t.shortname);
      return { shortname: t.shortname, name: t.name, after: t.percent, ...(old ? { before: old.percent, delta: round(exactPercent(t) - exactPercent(old)) } : {}) };
    }),
  };
}
