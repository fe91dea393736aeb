import { describe, expect, it } from 'vitest';
import { fixture } from '../../helpers/paths.js';
import { reportFor } from '../../helpers/load.js';

describe('coverage', () => {
  it('counts a sub-technique as covered and its parent as partly covered, never the reverse', async () => {
    const report = await reportFor([fixture('rules', 'conventional.yaml')]);
    const entry = (id: string) => report.techniques.find((t) => t.id === id)!;
    expect(entry('T1059.004')).toMatchObject({ status: 'covered', rules: ['Shell in container'] });
    expect(entry('T1059')).toMatchObject({ status: 'partial', rules: [], coveredSubtechniques: ['T1059.004'] });
    expect(entry('T1611')).toMatchObject({ status: 'covered' });
    expect(entry('T1529')).toMatchObject({ status: 'gap', inScope: true });
  });

  it('does not let a parent tag cover its sub-techniques', async () => {
    const report = await reportFor([fixture('rules', 'rules.d', '10-first.yaml')]);
    expect(report.techniques.find((t) => t.id === 'T1059')?.status).toBe('covered');
    expect(report.techniques.find((t) => t.id === 'T1059.004')?.status).toBe('gap');
  });

  it('lists disabled rules apart and does not count them', async () => {
    const report = await reportFor([fixture('rules', 'base.yaml'), fixture('rules', 'override.yaml')]);
    const t1529 = report.techniques.find((t) => t.id === 'T1529')!;
    expect(t1529).toMatchObject({ status: 'gap', rules: [], disabledRules: ['Disabled later'] });
    expect(report.summary.rules).toMatchObject({ total: 4, enabled: 2, disabled: 2 });
    expect(report.gaps.map((g) => g.id)).toContain('T1529');
  });

  it('derives scope from sources (syscall → Linux, Containers) and leaves other platforms out', async () => {
    const report = await reportFor([fixture('rules', 'conventional.yaml')]);
    expect(report.scope).toEqual({ platforms: ['Containers', 'Linux'], from: 'sources', sources: ['syscall'] });
    expect(report.techniques.find((t) => t.id === 'T1112')?.inScope).toBe(false);
    expect(report.techniques.find((t) => t.id === 'T1530')?.inScope).toBe(false);
    // Revoked and deprecated techniques are not techniques one can cover.
    expect(report.techniques.map((t) => t.id)).not.toContain('T1500');
    expect(report.techniques.map((t) => t.id)).not.toContain('T1063');
  });

  it('takes scope from --platform when given', async () => {
    const report = await reportFor([fixture('rules', 'conventional.yaml')], ['Windows']);
    expect(report.scope.from).toBe('option');
    expect(report.techniques.find((t) => t.id === 'T1112')?.inScope).toBe(true);
    expect(report.techniques.find((t) => t.id === 'T1611')?.inScope).toBe(false);
  });

  it('computes per-tactic and overall percentages over top-level in-scope techniques, in matrix order', async () => {
    const report = await reportFor([fixture('rules', 'conventional.yaml')]);
    expect(report.tactics.map((t) => t.shortname)).toEqual(['execution', 'privilege-escalation', 'impact', 'defense-evasion', 'command-and-control', 'exfiltration']);
    // In scope (Linux/Containers), top level: T1059 partial, T1611 covered, T1610, T1529, T1027, T1071, T1041 gaps.
    expect(report.summary.techniques).toEqual({ total: 7, covered: 1, partial: 1, gap: 5, percent: 28.6 });
    expect(report.tactics[0]).toMatchObject({ shortname: 'execution', total: 2, covered: 0, partial: 1, percent: 50 });
    expect(report.summary.subtechniques).toMatchObject({ total: 1, covered: 1 });
  });

  it('orders gaps by how many adversaries use the technique', async () => {
    const report = await reportFor([fixture('rules', 'conventional.yaml')]);
    expect(report.gaps.slice(0, 2).map((g) => g.id)).toEqual(['T1529', 'T1071']);
  });

  it('counts nonstandard tags for coverage (they are flagged, not ignored)', async () => {
    const report = await reportFor([fixture('rules', 'nonstandard.yaml')]);
    expect(report.techniques.find((t) => t.id === 'T1529')?.status).toBe('covered');
  });
});
