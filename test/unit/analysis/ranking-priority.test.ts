// threat-ranking.ts and priority.ts on tiny catalogs: which actors are listed as relevant to the scope and
// in what order (with the sentence why), and the order of gaps (tier, score, users, ID) with theirs.
import { describe, expect, it } from 'vitest';
import { MOSTLY_IN_SCOPE, rankThreats } from '../../../src/analysis/threat-ranking.js';
import { PROFILE_WEIGHT, prioritizeGaps, TIERS, usersByTechnique } from '../../../src/analysis/priority.js';
import type { DetectabilityVerdict, TechniqueEntry, TechniqueStatus, ThreatProfile } from '../../../src/coverage-report.js';
import { actor, catalogOf, technique } from '../../helpers/analysis-builders.js';

function entry(id: string, status: TechniqueStatus, platforms: string[], extra: Partial<TechniqueEntry> = {}): TechniqueEntry {
  const parent = id.includes('.') ? id.split('.')[0] : undefined;
  return { id, name: `Name ${id}`, url: '', tactics: ['execution'], platforms, isSubtechnique: parent !== undefined, ...(parent ? { parent } : {}), inScope: platforms.some((p) => p === 'Linux' || p === 'Containers'), status, rules: [], observingRules: [], platformCoverage: [], disabledRules: [], coveredSubtechniques: [], usedBy: 0, findings: 0, ...extra };
}
const SCOPE = ['Linux', 'Containers'];

describe('rankThreats', () => {
  // L1..L5 Linux only, B1 Linux+Windows, W1..W2 Windows only.
  const techniques = [
    entry('L1', 'covered', ['Linux']), entry('L2', 'partial', ['Linux']), entry('L3', 'gap', ['Linux']), entry('L4', 'gap', ['Linux']), entry('L5', 'gap', ['Linux']),
    entry('B1', 'gap', ['Linux', 'Windows']), entry('B2', 'gap', ['Linux', 'Windows']), entry('B3', 'gap', ['Linux', 'Windows']), entry('B4', 'gap', ['Linux', 'Windows']),
    entry('W1', 'gap', ['Windows']), entry('W2', 'gap', ['Windows']),
  ];
  const catalog = catalogOf([], {
    threats: new Map([
      actor('S1', { kind: 'software', name: 'LinuxOnly', platforms: ['Linux'], techniques: ['L1', 'B1'] }),
      actor('S2', { kind: 'software', name: 'Everywhere', platforms: ['Linux', 'Windows', 'Containers'], techniques: ['B1', 'B2', 'B3', 'B4'] }),
      actor('S3', { kind: 'software', name: 'WinTool', platforms: ['Windows'], techniques: ['L1', 'L2', 'L3', 'L4', 'L5'] }),
      // Groups: G1 Linux software + a Linux-only technique; G2 4 of 5 techniques in scope (exactly "mostly"); G3 3 of 4 (not).
      actor('G1', { name: 'Linux Gang', techniques: ['L2', 'W1'], software: ['S1'] }),
      actor('G2', { name: 'Mostly', techniques: ['B1', 'B2', 'B3', 'B4', 'W1'] }),
      actor('G3', { name: 'Not mostly', techniques: ['B1', 'B2', 'B3', 'W1'] }),
      actor('C1', { kind: 'campaign', name: 'Empty' }),
      actor('C2', { kind: 'campaign', name: 'Both', techniques: ['L3', 'L4'], software: ['S2', 'S3'] }),
    ].map((a) => [a.id, a])),
  });

  it('lists software on the scope, and groups using it, Linux-only techniques or mostly in-scope ones; most relevant first', () => {
    const ranked = rankThreats(catalog, techniques, SCOPE);
    expect(ranked.map((r) => `${r.id}:${r.score}`)).toEqual(['C2:2', 'G1:2', 'S1:1', 'S2:0', 'G2:0']);
  });

  it('says why each is listed and counts its coverage over its in-scope techniques', () => {
    const byId = new Map(rankThreats(catalog, techniques, SCOPE).map((r) => [r.id, r]));
    expect(byId.get('G1')).toEqual({
      id: 'G1', kind: 'group', name: 'Linux Gang', aliases: [], url: catalog.threats.get('G1')!.url,
      scopeSoftware: [{ id: 'S1', name: 'LinuxOnly', platforms: ['Linux'] }],
      scopeOnlyTechniques: ['L2'],
      inScope: 3, techniques: 4,
      coverage: { total: 3, covered: 1, partial: 1, gap: 1 },
      score: 2,
      why: 'software on Linux/Containers: LinuxOnly (1 only there); uses 1 technique(s) that exist only there (L2); 3 of its 4 techniques in scope',
    });
    expect(byId.get('S2')).toMatchObject({ scopeSoftware: [{ id: 'S2', name: 'Everywhere', platforms: ['Linux', 'Containers'] }], score: 0, why: 'software on Linux/Containers: Everywhere (0 only there); 4 of its 4 techniques in scope' });
    expect(byId.get('G2')!.why).toBe('4 of its 5 techniques in scope');
    expect(byId.get('C2')!.why).toBe('software on Linux/Containers: Everywhere (0 only there); uses 2 technique(s) that exist only there (L3, L4); 9 of its 9 techniques in scope');
    // Direct and through software together: L2 is partly covered only through WinTool.
    expect(byId.get('C2')!.coverage).toEqual({ total: 9, covered: 1, partial: 1, gap: 7 });
  });

  it('lists a group for one technique that exists only on the scope, however few of its techniques are in scope', () => {
    const c = catalogOf([], { threats: new Map([['G8', actor('G8', { techniques: ['L3', 'W1', 'W2'] })]]) });
    expect(rankThreats(c, techniques, SCOPE).map((r) => `${r.id}:${r.score} ${r.why}`)).toEqual(['G8:1 uses 1 technique(s) that exist only there (L3); 1 of its 3 techniques in scope']);
  });

  it('does not list a group with no technique and no software on the scope (0 of 0 is not mostly in scope)', () => {
    const c = catalogOf([], { threats: new Map([['G7', actor('G7', { software: ['S3'] })]]) });
    expect(rankThreats(c, techniques, SCOPE)).toEqual([]);
  });

  it('names at most five scope-only techniques in the sentence, and counts the rest', () => {
    const c = catalogOf([], { threats: new Map([['G9', actor('G9', { techniques: ['L1', 'L2', 'L3', 'L4', 'L5', 'L6'] })]]) });
    const six = [...techniques, entry('L6', 'gap', ['Linux'])];
    expect(rankThreats(c, six, SCOPE)[0]!.why).toBe('uses 6 technique(s) that exist only there (L1, L2, L3, L4, L5, and 1 more); 6 of its 6 techniques in scope');
    const five = catalogOf([], { threats: new Map([['G9', actor('G9', { techniques: ['L1', 'L2', 'L3', 'L4', 'L5'] })]]) });
    expect(rankThreats(five, six, SCOPE)[0]!.why).toBe('uses 5 technique(s) that exist only there (L1, L2, L3, L4, L5); 5 of its 5 techniques in scope');
  });

  it('takes the share from which techniques fall "mostly" in scope as 80%', () => {
    expect(MOSTLY_IN_SCOPE).toBe(0.8);
  });

  it('lists only the kinds asked for', () => {
    expect(rankThreats(catalog, techniques, SCOPE, new Set(['software'])).map((r) => r.id)).toEqual(['S1', 'S2']);
    expect(rankThreats(catalog, techniques, SCOPE, new Set(['campaign', 'group'])).map((r) => r.id)).toEqual(['C2', 'G1', 'G2']);
  });

  it('orders equal scores by in-scope share, then scope software, then in-scope count, then ID', () => {
    const t = [entry('B1', 'gap', ['Linux', 'Windows']), entry('B2', 'gap', ['Linux', 'Windows']), entry('W1', 'gap', ['Windows']), entry('W2', 'gap', ['Windows']), entry('W3', 'gap', ['Windows']), entry('W4', 'gap', ['Windows']), entry('W5', 'gap', ['Windows']), entry('W6', 'gap', ['Windows']), entry('W7', 'gap', ['Windows']), entry('W8', 'gap', ['Windows'])];
    const c = catalogOf([], {
      threats: new Map([
        actor('SX', { kind: 'software', name: 'X', platforms: ['Linux', 'Windows'], techniques: ['W1'] }),
        actor('SY', { kind: 'software', name: 'Y', platforms: ['Linux', 'Windows'], techniques: ['W2'] }),
        // Same score (0): GE has the highest share; GB, GF, GA, GC, GD share 1/5, GB with two scope software; GF has
        // more in scope than GA; GC and GD tie but for their ID; the software lands last (none of its techniques in scope).
        actor('GA', { techniques: ['B1', 'W2', 'W3', 'W4'], software: ['SX'] }),
        actor('GB', { techniques: ['B1', 'W3', 'W4'], software: ['SX', 'SY'] }),
        actor('GD', { techniques: ['B1', 'W3', 'W4', 'W5'], software: ['SX'] }),
        actor('GC', { techniques: ['B1', 'W3', 'W4', 'W5'], software: ['SX'] }),
        actor('GE', { techniques: ['B1', 'B2'], software: ['SX'] }),
        actor('GF', { techniques: ['B1', 'B2', 'W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8'], software: ['SX'] }),
      ].map((a) => [a.id, a])),
    });
    expect(rankThreats(c, t, SCOPE).map((r) => `${r.id} ${r.inScope}/${r.techniques}`)).toEqual(['GE 2/3', 'GB 1/5', 'GF 2/10', 'GA 1/5', 'GC 1/5', 'GD 1/5', 'SX 0/1', 'SY 0/1']);
    expect(rankThreats(c, t, SCOPE).find((r) => r.id === 'GB')!.why).toBe('software on Linux/Containers: X, Y (0 only there); 1 of its 5 techniques in scope');
  });

  it('puts an actor with no techniques at all after one with techniques in scope, whatever its software', () => {
    const t = [entry('B1', 'gap', ['Linux', 'Windows'])];
    const c = catalogOf([], {
      threats: new Map([
        actor('SZ', { kind: 'software', name: 'Bare', platforms: ['Linux', 'Windows'] }),
        actor('GZ', { name: 'Mostly here', techniques: ['B1'] }),
      ].map((a) => [a.id, a])),
    });
    expect(rankThreats(c, t, SCOPE).map((r) => `${r.id} ${r.inScope}/${r.techniques} ${r.scopeSoftware.length}`)).toEqual(['GZ 1/1 0', 'SZ 0/0 1']);
  });
});

describe('usersByTechnique', () => {
  it('counts each actor once per technique, rolling sub-technique users up into the parent', () => {
    const catalog = catalogOf([technique('T1059'), technique('T1059.004'), technique('T1059.006')], {
      threats: new Map([actor('G1', { techniques: ['T1059.004', 'T1059.006'] }), actor('G2', { techniques: ['T1059'] }), actor('G3', { techniques: ['T9999.001'] })].map((a) => [a.id, a])),
    });
    const users = usersByTechnique(catalog);
    expect(users.get('T1059')).toEqual(new Set(['G1', 'G2']));
    expect(users.get('T1059.004')).toEqual(new Set(['G1']));
    expect(users.get('T9999.001')).toEqual(new Set(['G3']));
    expect(users.has('T9999')).toBe(false);
  });
});

describe('prioritizeGaps', () => {
  const det = (verdict: DetectabilityVerdict) => ({ verdict, reason: `reason ${verdict}`, loadedSources: [], otherSources: [], analytics: [] });
  const catalog = catalogOf([technique('T1001'), technique('T1001.001'), technique('T1002'), technique('T1003'), technique('T1004'), technique('T1005')], {
    threats: new Map([
      actor('G1', { techniques: ['T1001.001', 'T1002'] }),
      actor('G2', { techniques: ['T1002', 'T1003'] }),
      actor('G3', { techniques: ['T1004'] }),
    ].map((a) => [a.id, a])),
  });
  const profile = { name: 'Profile A', direct: [{ id: 'T1001.001' }], viaSoftware: [{ id: 'T1005' }] } as unknown as ThreatProfile;

  function gaps(extra: { profiles?: ThreatProfile[]; scope?: string[]; entries?: TechniqueEntry[] } = {}) {
    const entries = extra.entries ?? [
      entry('T1001', 'gap', ['Linux'], { detectability: det('closable-other') }),
      entry('T1001.001', 'gap', ['Linux'], { detectability: det('closable-loaded') }),
      entry('T1002', 'gap', ['Linux'], { detectability: det('closable-other'), usedBy: 1 }),
      entry('T1003', 'gap', ['Linux'], { detectability: det('closable-other'), usedBy: 5 }),
      entry('T1004', 'gap', ['Linux'], { detectability: det('not-observable') }),
      entry('T1005', 'gap', ['Linux']),
      entry('T1006', 'covered', ['Linux']),
      entry('T1007', 'gap', ['Windows']),
    ];
    return prioritizeGaps(entries, catalog, new Set(['G1', 'G2']), extra.profiles ?? [], extra.scope ?? SCOPE);
  }

  it('keeps in-scope gaps only, ordered by tier, then score, then users, then ID', () => {
    expect(gaps().map((g) => `${g.priority.rank}.${g.id}:t${g.priority.tier}:s${g.priority.score}`)).toEqual([
      '1.T1001.001:t0:s1', '2.T1002:t1:s2', '3.T1003:t1:s1', '4.T1001:t1:s1', '5.T1005:t2:s0', '6.T1004:t3:s0',
    ]);
  });

  it('explains each: rank, tier, score, adversaries active of all, profiles, then the reason (the numbers before the names)', () => {
    const list = gaps();
    expect(list[1]).toEqual({
      id: 'T1002', name: 'Name T1002', tactics: ['execution'], isSubtechnique: false, usedBy: 1,
      priority: { rank: 2, tier: 1, detectability: 'closable-other', activeUsers: 2, users: 2, profiles: [], score: 2, why: '#2: tier 2 of 4, score 2; 2 of the 2 adversaries using it are active on Linux, Containers; reason closable-other' },
    });
    expect(list[0]!.priority.why).toBe('#1: tier 1 of 4, score 1; 1 of the 1 adversaries using it are active on Linux, Containers; reason closable-loaded');
    expect(list.find((g) => g.id === 'T1005')!.priority).toMatchObject({ detectability: 'unknown', users: 0, why: '#5: tier 3 of 4, score 0; 0 of the 0 adversaries using it are active on Linux, Containers; detectability unknown' });
    expect(list.find((g) => g.id === 'T1004')!.priority).toMatchObject({ activeUsers: 0, users: 1 });
  });

  it('weights each --threat profile using the technique (directly, through software, or a sub-technique of it)', () => {
    const list = gaps({ profiles: [profile, { ...profile, name: 'Profile B' }], scope: [] });
    expect(list.map((g) => `${g.id}:${g.priority.score}`)).toEqual(['T1001.001:201', 'T1001:201', 'T1002:2', 'T1003:1', 'T1005:200', 'T1004:0']);
    expect(list[1]!.priority.profiles).toEqual(['Profile A', 'Profile B']);
    expect(list[1]!.priority.why).toBe('#2: tier 2 of 4, score 201; 1 of the 1 adversaries using it or its sub-techniques (0 using it directly) are active on the scope; used by --threat Profile A, Profile B (+100 each); reason closable-other');
    expect(PROFILE_WEIGHT).toBe(100);
    expect(TIERS).toEqual(['closable-loaded', 'closable-other', 'unknown', 'not-observable']);
  });

  it('says every number before the names, so that a report cutting the sentence at 300 characters keeps the counts', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ...profile, id: `G${i}`, name: `Profile ${'x'.repeat(40)} ${i}` }));
    const why = gaps({ profiles: many, scope: [] })[1]!.priority.why;
    expect(why.slice(0, 300)).toMatch(/^#2: tier 2 of 4, score 3001; 1 of the 1 adversaries using it or its sub-techniques \(0 using it directly\) are active on the scope; used by --threat Profile x{40} 0, /);
  });

  it('tells apart two profiles of one name (the group Machete and its software Machete) by their IDs', () => {
    // Names that differ in case only (the group Evilnum, the software EVILNUM) are one name to a reader.
    const list = gaps({ profiles: [{ ...profile, id: 'G0001' }, { ...profile, id: 'S9999', kind: 'software' }, { ...profile, id: 'G7', name: 'Profile B' }, { ...profile, id: 'S8', name: 'PROFILE B' }, { ...profile, id: 'G9', name: 'Profile C' }], scope: [] });
    expect(list[1]!.priority.profiles).toEqual(['Profile A (G0001)', 'Profile A (S9999)', 'Profile B (G7)', 'PROFILE B (S8)', 'Profile C']);
    expect(list[1]!.priority.why).toContain('used by --threat Profile A (G0001), Profile A (S9999), Profile B (G7), PROFILE B (S8), Profile C (+100 each)');
  });

  it('orders gaps alike in tier, score and users by ID', () => {
    const list = gaps({ entries: [entry('T1006', 'gap', ['Linux']), entry('T1005', 'gap', ['Linux'])] });
    expect(list.map((g) => g.id)).toEqual(['T1005', 'T1006']);
  });
});
