// Compares a CoverageReport with a baseline (last night's report.json). Pure.
import { createHash } from 'node:crypto';
import type { Comparison, CoverageReport, Finding, FindingRef, TechniqueEntry } from '../coverage-report.js';

/** A finding's identity across runs: lines move when rules are edited, so they are not part of it. */
export function findingFingerprint(f: Pick<Finding, 'code' | 'rule' | 'tag' | 'technique' | 'tactic'>): string {
  return createHash('sha256').update([f.code, f.rule, f.tag ?? '', f.technique ?? '', f.tactic ?? ''].join('\u0000')).digest('hex').slice(0, 32);
}

function ref(f: Finding): FindingRef {
  return { fingerprint: findingFingerprint(f), code: f.code, severity: f.severity, rule: f.rule, file: f.file, line: f.line, message: f.message };
}

const isCounted = (t: TechniqueEntry): boolean => t.status !== 'gap';

export function compareReports(current: CoverageReport, baseline: CoverageReport): Comparison {
  const before = new Map(baseline.techniques.filter((t) => t.inScope).map((t) => [t.id, t]));
  const now = current.techniques.filter((t) => t.inScope);
  const newlyCovered = now.filter((t) => isCounted(t) && !(before.get(t.id) && isCounted(before.get(t.id)!)));
  const newlyUncovered = now.filter((t) => !isCounted(t) && before.get(t.id) && isCounted(before.get(t.id)!));
  const baselineFindings = new Set(baseline.findings.map((f) => findingFingerprint(f)));
  const currentFindings = new Set(current.findings.map((f) => findingFingerprint(f)));
  const tacticsBefore = new Map(baseline.tactics.map((t) => [t.shortname, t]));
  const round = (n: number): number => Math.round(n * 10) / 10;
  return {
    baseline: { generatedAt: baseline.generatedAt, attackVersion: baseline.inputs.attack.version, rules: baseline.inputs.rules.map((r) => r.path) },
    crossesAttackVersions: baseline.inputs.attack.version !== current.inputs.attack.version,
    newlyCovered: newlyCovered.map((t) => ({ id: t.id, name: t.name, rules: t.rules })),
    newlyUncovered: newlyUncovered.map((t) => ({ id: t.id, name: t.name, rules: before.get(t.id)!.rules })),
    newFindings: current.findings.filter((f) => !baselineFindings.has(findingFingerprint(f))).map(ref),
    fixedFindings: baseline.findings.filter((f) => !currentFindings.has(findingFingerprint(f))).map(ref),
    coverage: {
      before: baseline.summary.techniques.percent,
      after: current.summary.techniques.percent,
      delta: round(current.summary.techniques.percent - baseline.summary.techniques.percent),
    },
    tactics: current.tactics.map((t) => {
      const old = tacticsBefore.get(t.shortname);
      return { shortname: t.shortname, name: t.name, after: t.percent, ...(old ? { before: old.percent, delta: round(t.percent - old.percent) } : {}) };
    }),
  };
}
