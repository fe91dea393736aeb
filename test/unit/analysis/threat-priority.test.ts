// Pure pieces of issue 9 on a tiny hand-built catalog: per-platform coverage (known and unknown sources),
// threat refs (IDs, aliases, ambiguity), which adversaries are active on a scope, users rolled up, gap order.
import { describe, expect, it } from 'vitest';
import type { Catalog, Technique, ThreatActor } from '../../../src/attack/types.js';
import type { MappedRule } from '../../../src/analysis/mapping.js';
import { enabledClaims, platformCoverage, statusOver } from '../../../src/analysis/platform-coverage.js';
import { activeActors, resolveThreatRef } from '../../../src/analysis/threats.js';
import { prioritizeGaps, usersByTechnique } from '../../../src/analysis/priority.js';
import type { TechniqueEntry } from '../../../src/coverage-report.js';
import { UsageError } from '../../../src/errors.js';

function technique(id: string, platforms: string[], parent?: string): Technique {
  return { id, name: id, url: '', tactics: ['execution'], platforms, isSubtechnique: Boolean(parent), ...(parent ? { parent } : {}), isRevoked: false, revokedBy: [], isDeprecated: false, description: '', apiNames: [], usedBy: 0 };
}
function actor(id: string, kind: ThreatActor['kind'], extra: Partial<ThreatActor>): ThreatActor {
  return { id, kind, name: id, aliases: [], url: '', platforms: [], techniques: [], software: [], attributedTo: [], ...extra };
}

// T1 runs on Linux and IaaS, its sub-technique T1.001 on Linux; T2 only in containers; T3 only on Windows.
const techniques = [technique('T1', ['IaaS', 'Linux']), technique('T1.001', ['Linux'], 'T1'), technique('T2', ['Containers']), technique('T3', ['Windows'])];
// Alpha uses T1.001 and the Linux software Beta (which uses T2); Gamma uses only a Windows technique; "Shared" names two of them.
const catalog: Catalog = {
  version: 'tiny', domain: 'enterprise-attack', stixVersion: '2.1', tactics: [],
  techniques: new Map(techniques.map((t) => [t.id, t])),
  threats: new Map([
    actor('G1', 'group', { name: 'Alpha', aliases: ['Shared'], techniques: ['T1.001'], software: ['S1'] }),
    actor('S1', 'software', { name: 'Beta', aliases: ['Shared'], platforms: ['Linux'], techniques: ['T2'] }),
    actor('C1', 'campaign', { name: 'Gamma', techniques: ['T3'] }),
  ].map((a) => [a.id, a])),
};

const mapped = (name: string, source: string, ids: string[]) => ({ rule: { name, source, isEnabled: true }, runs: true, knownTechniques: ids.map((id) => ({ technique: catalog.techniques.get(id)! })) }) as unknown as MappedRule;
const platforms = { syscall: ['Linux', 'Containers'] };

describe('per-platform coverage', () => {
  it('counts a syscall rule on Linux, not on IaaS', () => {
    const claims = enabledClaims([mapped('Shell', 'syscall', ['T1'])], platforms);
    const coverage = platformCoverage(catalog.techniques.get('T1')!, [], claims);
    expect(coverage).toEqual([{ platform: 'IaaS', status: 'gap', rules: [] }, { platform: 'Linux', status: 'covered', rules: ['Shell'] }]);
    expect(statusOver(coverage.filter((c) => c.platform === 'IaaS'))).toBe('gap');
  });

  it('makes a parent partial only on the platforms its covered sub-technique is covered on', () => {
    const claims = enabledClaims([mapped('Sub', 'syscall', ['T1.001'])], platforms);
    const coverage = platformCoverage(catalog.techniques.get('T1')!, [catalog.techniques.get('T1.001')!], claims);
    expect(coverage.map((c) => `${c.platform}=${c.status}`)).toEqual(['IaaS=gap', 'Linux=partial']);
  });

  it('takes a source it does not know (a custom plugin) to observe every platform it tags', () => {
    const claims = enabledClaims([mapped('Custom', 'my_plugin', ['T1'])], platforms);
    expect(platformCoverage(catalog.techniques.get('T1')!, [], claims).every((c) => c.status === 'covered')).toBe(true);
  });
});

describe('threat refs', () => {
  it('finds by ID (any case), name and alias', () => {
    expect(resolveThreatRef('g1', catalog).id).toBe('G1');
    expect(resolveThreatRef('beta', catalog).id).toBe('S1');
    expect(() => resolveThreatRef('Shared', catalog)).toThrow(/ambiguous: G1 Alpha \(group\), S1 Beta \(software\)/);
  });

  it('names the closest when nothing matches', () => {
    try {
      resolveThreatRef('Alpah', catalog);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).hint).toMatch(/^closest: Alpha \(G1\)/);
    }
  });
});

describe('activity and priority', () => {
  const scope = new Set(['Linux', 'Containers']);
  const entry = (t: Technique): TechniqueEntry => ({
    id: t.id, name: t.name, url: '', tactics: t.tactics, platforms: t.platforms, isSubtechnique: t.isSubtechnique, ...(t.parent ? { parent: t.parent } : {}),
    inScope: t.platforms.some((p) => scope.has(p)), status: 'gap', rules: [], observingRules: [], platformCoverage: [], disabledRules: [], coveredSubtechniques: [], usedBy: 0, findings: 0,
  });
  const entries = techniques.map(entry);

  it('counts software running on the scope, and groups using it, as active; not a Windows-only campaign', () => {
    expect([...activeActors(catalog, new Map(entries.map((e) => [e.id, e])), scope)].sort()).toEqual(['G1', 'S1']);
  });

  it('rolls sub-technique users up into the parent', () => {
    expect([...usersByTechnique(catalog).get('T1')!]).toEqual(['G1']);
  });

  it('ranks closable gaps first whatever their users, and explains each', () => {
    entries.find((e) => e.id === 'T2')!.detectability = { verdict: 'not-observable', reason: 'not observable by Falco: x', loadedSources: [], otherSources: [], analytics: [] };
    entries.find((e) => e.id === 'T1.001')!.detectability = { verdict: 'closable-loaded', reason: 'closable with the loaded source syscall (AN1)', loadedSources: ['syscall'], otherSources: [], analytics: [] };
    const gaps = prioritizeGaps(entries, catalog, new Set(['G1', 'S1']), [], ['Containers', 'Linux']);
    expect(gaps.map((g) => `${g.id}:${g.priority.detectability}:${g.priority.score}`)).toEqual(['T1.001:closable-loaded:1', 'T1:unknown:1', 'T2:not-observable:1']);
    expect(gaps[0]!.priority.why).toBe('#1: tier 1 of 4, score 1; 1 of the 1 adversaries using it are active on Containers, Linux; closable with the loaded source syscall (AN1)');
  });
});
