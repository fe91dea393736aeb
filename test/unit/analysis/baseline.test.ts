// baseline.ts: what a comparison with last night's report says on hand-made before/after reports:
// techniques newly covered and lost (in scope only; partial counts as covered), new and fixed findings by
// their line-independent fingerprint, and the coverage deltas rounded to a tenth of a point.
import { describe, expect, it } from 'vitest';
import { compareReports, findingFingerprint, newFindingFlags, occurrenceKeys } from '../../../src/analysis/baseline.js';
import type { CoverageReport, Finding, TechniqueEntry, TechniqueStatus } from '../../../src/coverage-report.js';

function tech(id: string, status: TechniqueStatus, extra: Partial<TechniqueEntry> = {}): TechniqueEntry {
  return { id, name: `Name ${id}`, url: '', tactics: [], platforms: ['Linux'], isSubtechnique: false, inScope: true, status, rules: status === 'gap' ? [] : [`rule of ${id}`], observingRules: [], platformCoverage: [], disabledRules: [], coveredSubtechniques: [], usedBy: 0, findings: 0, ...extra };
}

function finding(code: string, rule: string, extra: Partial<Finding> = {}): Finding {
  return { code, severity: 'error', rule, file: 'rules.yaml', line: 3, column: 5, message: `${code} in ${rule}`, ...extra };
}

/** Counts of `covered` out of `total` (one of them partial), and the one-decimal percent the report shows. */
function counts([covered, total]: [number, number]) {
  return { total, covered: covered - Math.min(covered, 1), partial: Math.min(covered, 1), percent: total === 0 ? 0 : Math.round((1000 * covered) / total) / 10 };
}

function report(extra: { version?: string; counted?: [number, number]; techniques?: TechniqueEntry[]; findings?: Finding[]; tactics?: { shortname: string; name: string; counted: [number, number] }[]; generatedAt?: string; rules?: string[]; platforms?: string[] }): CoverageReport {
  return {
    generatedAt: extra.generatedAt ?? '2026-01-01T00:00:00.000Z',
    inputs: { attack: { version: extra.version ?? '18.1' }, rules: (extra.rules ?? ['rules.yaml']).map((path) => ({ path, sha256: 'x' })) },
    scope: { platforms: extra.platforms ?? ['Containers', 'Linux'] },
    summary: { techniques: counts(extra.counted ?? [0, 10]) },
    techniques: extra.techniques ?? [],
    findings: extra.findings ?? [],
    tactics: (extra.tactics ?? []).map((t) => ({ shortname: t.shortname, name: t.name, ...counts(t.counted) })),
  } as unknown as CoverageReport;
}

describe('findingFingerprint', () => {
  const base = { code: 'unknown-technique', rule: 'R', tag: 'T9999', technique: 'T9999', tactic: undefined };

  it('is 32 hex characters, the same for the same identity, whatever the line', () => {
    const fp = findingFingerprint(base);
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(findingFingerprint(finding('unknown-technique', 'R', { tag: 'T9999', technique: 'T9999', line: 99 }))).toBe(fp);
  });

  it('changes with each part of the identity', () => {
    const fp = findingFingerprint(base);
    for (const change of [{ code: 'x' }, { rule: 'S' }, { tag: 'T9998' }, { technique: 'T9998' }, { tactic: 'impact' }, { tag: undefined }]) {
      expect(findingFingerprint({ ...base, ...change })).not.toBe(fp);
    }
  });

  it('stays the same across versions: SARIF partialFingerprints (attackCov/v1) and saved baselines carry it', () => {
    // Pinned values: changing how a fingerprint is computed re-opens every alert code scanning tracks.
    expect(findingFingerprint({ code: 'untagged-rule', rule: 'Shell in container' })).toBe('46c2a4e413dd554a4e630fade5ef793e');
    expect(findingFingerprint({ code: 'tactic-mismatch', rule: 'Escape', tag: 'T1611', technique: 'T1611' })).toBe('e2b1a213b95be7652469e567750fe29f');
    expect(findingFingerprint({ code: 'unjustified-tactic', rule: 'Escape', tag: 'mitre_execution', tactic: 'execution' })).toBe('db82a8d144b72a889259d0f697aafb45');
  });

  it('keeps the parts apart: moving text from one part to the next is another finding', () => {
    expect(findingFingerprint({ code: 'a', rule: 'bc' })).not.toBe(findingFingerprint({ code: 'ab', rule: 'c' }));
  });
});

describe('compareReports', () => {
  it('names the baseline and whether the ATT&CK version changed', () => {
    const before = report({ version: '17.1', generatedAt: '2025-12-31T00:00:00.000Z', rules: ['a.yaml', 'b.yaml'] });
    const cmp = compareReports(report({ version: '18.1' }), before);
    expect(cmp.baseline).toEqual({ generatedAt: '2025-12-31T00:00:00.000Z', attackVersion: '17.1', rules: ['a.yaml', 'b.yaml'], platforms: ['Containers', 'Linux'] });
    expect(cmp.crossesAttackVersions).toBe(true);
    expect(compareReports(report({}), report({})).crossesAttackVersions).toBe(false);
  });

  it('says whether the baseline counted the techniques of other platforms (QA: a scope change failed --max-coverage-drop unexplained)', () => {
    const scoped = (...platforms: string[]) => report({ platforms });
    expect(compareReports(scoped('Linux', 'IaaS'), scoped('Containers', 'Linux'))).toMatchObject({ baseline: { platforms: ['Containers', 'Linux'] }, crossesScopes: true });
    // A platform more, a platform fewer, none before: another scope; the same platforms in another order, or a repeat: the same.
    expect(compareReports(scoped('Containers', 'Linux', 'IaaS'), scoped('Containers', 'Linux')).crossesScopes).toBe(true);
    expect(compareReports(scoped('Linux'), scoped('Containers', 'Linux')).crossesScopes).toBe(true);
    expect(compareReports(scoped('Linux'), scoped()).crossesScopes).toBe(true);
    expect(compareReports(scoped('Linux', 'Containers'), scoped('Containers', 'Linux', 'Linux')).crossesScopes).toBe(false);
    expect(compareReports(scoped(), scoped()).crossesScopes).toBe(false);
  });

  it('lists in-scope techniques newly covered and newly uncovered; partial counts as covered', () => {
    const before = report({ techniques: [tech('T1', 'gap'), tech('T2', 'covered'), tech('T3', 'partial'), tech('T4', 'covered'), tech('T5', 'gap')] });
    const after = report({ techniques: [tech('T1', 'partial'), tech('T2', 'gap'), tech('T3', 'gap'), tech('T4', 'partial'), tech('T5', 'gap'), tech('T6', 'covered')] });
    const cmp = compareReports(after, before);
    expect(cmp.newlyCovered).toEqual([
      { id: 'T1', name: 'Name T1', rules: ['rule of T1'] },
      { id: 'T6', name: 'Name T6', rules: ['rule of T6'] },
    ]);
    // The rules are the baseline's: the ones that used to cover it.
    expect(cmp.newlyUncovered).toEqual([
      { id: 'T2', name: 'Name T2', rules: ['rule of T2'] },
      { id: 'T3', name: 'Name T3', rules: ['rule of T3'] },
    ]);
  });

  // Review finding: retagging T1496 to T1496.001 left T1496 partial, and no output said so.
  it('lists covered ↔ partial changes apart, with the rules of the run it was covered in, and no change to or from a gap', () => {
    const before = report({ techniques: [tech('T1', 'covered'), tech('T2', 'partial', { rules: [] }), tech('T3', 'covered'), tech('T4', 'partial'), tech('T5', 'partial', { inScope: false })] });
    const after = report({ techniques: [tech('T1', 'partial', { rules: [] }), tech('T2', 'covered', { rules: ['new rule'] }), tech('T3', 'gap'), tech('T4', 'partial'), tech('T5', 'covered')] });
    const cmp = compareReports(after, before);
    expect(cmp.statusChanges).toEqual([
      { id: 'T1', name: 'Name T1', before: 'covered', after: 'partial', rules: ['rule of T1'] },
      { id: 'T2', name: 'Name T2', before: 'partial', after: 'covered', rules: ['new rule'] },
    ]);
    expect(cmp.newlyUncovered.map((t) => t.id)).toEqual(['T3']);
  });

  it('leaves out techniques out of scope now, or out of scope before', () => {
    const before = report({ techniques: [tech('T1', 'covered'), tech('T2', 'covered', { inScope: false }), tech('T3', 'gap', { inScope: false })] });
    const after = report({ techniques: [tech('T1', 'gap', { inScope: false }), tech('T2', 'gap'), tech('T3', 'covered')] });
    const cmp = compareReports(after, before);
    expect(cmp.newlyUncovered).toEqual([]);
    expect(cmp.newlyCovered.map((t) => t.id)).toEqual(['T3']);
  });

  it('lists new and fixed findings by identity, not by line', () => {
    const kept = finding('unknown-technique', 'Kept', { tag: 'T9999' });
    const moved = { ...kept, line: 40, message: 'moved' };
    const gone = finding('missing-tactic-tag', 'Gone', { severity: 'warning' });
    const fresh = finding('revoked-technique', 'Fresh', { tag: 'T1500', line: 7, column: 2 });
    const cmp = compareReports(report({ findings: [moved, fresh] }), report({ findings: [kept, gone] }));
    expect(cmp.newFindings).toEqual([{ fingerprint: findingFingerprint(fresh), code: 'revoked-technique', severity: 'error', rule: 'Fresh', file: 'rules.yaml', line: 7, message: 'revoked-technique in Fresh' }]);
    expect(cmp.fixedFindings).toEqual([{ fingerprint: findingFingerprint(gone), code: 'missing-tactic-tag', severity: 'warning', rule: 'Gone', file: 'rules.yaml', line: 3, message: 'missing-tactic-tag in Gone' }]);
  });

  it('counts findings alike (same code, rule, tag, technique, tactic) occurrence for occurrence: one more is new, one fewer fixed', () => {
    const alike = (line: number) => finding('unused-suppression', '', { line, message: `suppression at ${line} matches nothing` });
    const two = compareReports(report({ findings: [alike(3), alike(6)] }), report({ findings: [alike(3)] }));
    expect(two.newFindings.map((f) => f.line)).toEqual([6]);
    expect(two.fixedFindings).toEqual([]);
    const one = compareReports(report({ findings: [alike(3)] }), report({ findings: [alike(3), alike(6)] }));
    expect(one.newFindings).toEqual([]);
    expect(one.fixedFindings.map((f) => f.line)).toEqual([6]);
    expect(occurrenceKeys([alike(3), alike(6), finding('x', 'R')])).toEqual([`${findingFingerprint(alike(3))}:1`, `${findingFingerprint(alike(3))}:2`, `${findingFingerprint(finding('x', 'R'))}:1`]);
  });

  it('flags as new, of the findings alike, the last ones, as many as the comparison found new', () => {
    const a = finding('unused-suppression', '');
    const b = finding('x', 'R');
    const refs = (...fs: ReturnType<typeof finding>[]) => fs.map((f) => ({ fingerprint: findingFingerprint(f) })) as never;
    expect(newFindingFlags([a, b, a, a], refs(a, a))).toEqual([false, false, true, true]);
    expect(newFindingFlags([a, b, a], refs(b))).toEqual([false, true, false]);
    expect(newFindingFlags([a, b], [])).toEqual([false, false]);
  });

  it('gives the overall and per-tactic coverage before and after, deltas rounded to a tenth', () => {
    const before = report({ counted: [303, 1000], tactics: [{ shortname: 'execution', name: 'Execution', counted: [101, 1000] }, { shortname: 'gone', name: 'Gone', counted: [1, 20] }] });
    const after = report({ counted: [301, 1000], tactics: [{ shortname: 'execution', name: 'Execution', counted: [103, 1000] }, { shortname: 'impact', name: 'Impact', counted: [1, 2] }] });
    const cmp = compareReports(after, before);
    expect(cmp.coverage).toEqual({ before: 30.3, after: 30.1, delta: -0.2, counted: { covered: 302, partial: 1, total: 1000 } });
    expect(cmp.tactics).toEqual([
      { shortname: 'execution', name: 'Execution', after: 10.3, before: 10.1, delta: 0.2 },
      { shortname: 'impact', name: 'Impact', after: 50 },
    ]);
  });

  it('makes deltas from the exact shares: 2 of 15 → 1 of 15 is 13.3% → 6.7%, a drop of 6.7 points (not 6.6)', () => {
    const cmp = compareReports(report({ counted: [1, 15], tactics: [{ shortname: 'impact', name: 'Impact', counted: [1, 15] }] }), report({ counted: [2, 15], tactics: [{ shortname: 'impact', name: 'Impact', counted: [2, 15] }] }));
    expect(cmp.coverage).toMatchObject({ before: 13.3, after: 6.7, delta: -6.7 });
    expect(cmp.tactics).toEqual([{ shortname: 'impact', name: 'Impact', before: 13.3, after: 6.7, delta: -6.7 }]);
  });
});
