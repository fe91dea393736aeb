// threats.ts on a tiny catalog of actors: finding a --threat by ID, name or alias (and the usage errors
// naming the closest), the profile's techniques direct and through software with their counts, the
// layer slug, and which actors count as active on the scope.
import { describe, expect, it } from 'vitest';
import { activeActors, buildProfile, closestThreatNames, profileSlug, resolveThreatRef, scopeActivity } from '../../../src/analysis/threats.js';
import type { TechniqueEntry, TechniqueStatus } from '../../../src/coverage-report.js';
import { actor, catalogOf, usageError } from '../../helpers/analysis-builders.js';

function entry(id: string, status: TechniqueStatus, platforms: string[], inScope = true): TechniqueEntry {
  return { id, name: `Name ${id}`, url: '', tactics: [], platforms, isSubtechnique: id.includes('.'), inScope, status, rules: [], observingRules: [], platformCoverage: [], disabledRules: [], coveredSubtechniques: [], usedBy: 0, findings: 0 };
}

// T1 Linux-only (covered), T2 Linux+Windows (partial), T3.001 and T6 Linux (gap), T4 Windows only (out of scope), T5 no platforms.
const ENTRIES = new Map([
  entry('T1', 'covered', ['Linux']),
  entry('T2', 'partial', ['Linux', 'Windows']),
  entry('T3.001', 'gap', ['Linux']),
  entry('T4', 'gap', ['Windows'], false),
  entry('T5', 'gap', [], false),
  entry('T6', 'gap', ['Linux']),
].map((e) => [e.id, e]));
const SCOPE = new Set(['Linux', 'Containers']);

const CATALOG = catalogOf([], {
  threats: new Map([
    actor('G1', { name: 'TeamTNT', aliases: ['Team TNT', 'Shared'], techniques: ['T4', 'T1', 'T9'], software: ['S2', 'S1', 'S9'] }),
    actor('S1', { kind: 'software', name: 'Hildegard', aliases: ['Shared'], platforms: ['Linux'], techniques: ['T3.001', 'T2', 'T1'] }),
    actor('S2', { kind: 'software', name: 'Cobalt Strike', platforms: ['Windows', 'Linux'], techniques: ['T6', 'T2', 'T4'] }),
    actor('S3', { kind: 'software', name: 'WinOnly', platforms: ['Windows'], techniques: ['T1'] }),
    actor('C1', { kind: 'campaign', name: 'Op Win', techniques: ['T4', 'T2'] }),
    actor('C2', { kind: 'campaign', name: '***', techniques: ['T1'], software: ['S3'] }),
  ].map((a) => [a.id, a])),
});

describe('resolveThreatRef', () => {
  it('finds by ID, then name, then alias, ignoring case and surrounding space', () => {
    expect(resolveThreatRef(' g1 ', CATALOG).id).toBe('G1');
    expect(resolveThreatRef('hildegard', CATALOG).id).toBe('S1');
    expect(resolveThreatRef('TEAM TNT', CATALOG).id).toBe('G1');
  });

  it('prefers a name to another actor’s alias', () => {
    const catalog = catalogOf([], { threats: new Map([actor('G1', { name: 'Alpha' }), actor('G2', { name: 'Beta', aliases: ['alpha'] })].map((a) => [a.id, a])) });
    expect(resolveThreatRef('Alpha', catalog).id).toBe('G1');
  });

  it('refuses an ambiguous alias, listing the candidates', () => {
    const error = usageError(() => resolveThreatRef('shared', CATALOG));
    expect(error.message).toBe('--threat shared is ambiguous: G1 TeamTNT (group), S1 Hildegard (software)');
    expect(error.hint).toBe('name it by ATT&CK ID');
  });

  it('refuses an unknown ref, naming the version and the closest names', () => {
    const error = usageError(() => resolveThreatRef('TeemTNT', CATALOG));
    expect(error.message).toBe('--threat TeemTNT: no group, software or campaign of ATT&CK 99.0 has this ID, name or alias');
    expect(error.hint).toMatch(/^closest: TeamTNT \(G1\), /);
  });
});

describe('closestThreatNames', () => {
  it('ranks names containing the ref (or contained in it) first, by length difference, then by edit distance', () => {
    expect(closestThreatNames('team', CATALOG, 3)).toEqual(['TeamTNT (G1)', 'Team TNT (G1)', '*** (C2)']);
    expect(closestThreatNames('hildegardx', CATALOG, 1)).toEqual(['Hildegard (S1)']);
    // Both are in the ref: WinOnly is 3 characters shorter than it, Op Win 4.
    expect(closestThreatNames('op winonly', CATALOG, 2)).toEqual(['WinOnly (S3)', 'Op Win (C1)']);
  });

  it('labels an ID with its name, names with their ID, and breaks ties alphabetically', () => {
    expect(closestThreatNames('S9', CATALOG, 3)).toEqual(['S1 (Hildegard)', 'S2 (Cobalt Strike)', 'S3 (WinOnly)']);
    expect(closestThreatNames('x', CATALOG)).toHaveLength(5);
  });
});

describe('profileSlug', () => {
  it('is the name in lower case with runs of other characters as one hyphen, none at the ends', () => {
    expect(profileSlug(actor('G1', { name: ' Team TNT (2020)! ' }))).toBe('team-tnt-2020');
    expect(profileSlug(actor('G1', { name: 'APT-29' }))).toBe('apt-29');
    expect(profileSlug(actor('C0035', { name: '***' }))).toBe('c0035');
  });
});

describe('buildProfile', () => {
  it('lists in-scope techniques used directly and, apart, those used only through software, with counts', () => {
    const group = CATALOG.threats.get('G1')!;
    const profile = buildProfile(group, 'teamtnt', CATALOG, ENTRIES);
    expect(profile).toEqual({
      ref: 'teamtnt',
      id: 'G1',
      kind: 'group',
      name: 'TeamTNT',
      aliases: ['Team TNT', 'Shared'],
      url: group.url,
      slug: 'teamtnt',
      software: [{ id: 'S2', name: 'Cobalt Strike' }, { id: 'S1', name: 'Hildegard' }, { id: 'S9', name: 'S9' }],
      attributedTo: [],
      direct: [{ id: 'T1', name: 'Name T1', status: 'covered', isSubtechnique: false }],
      viaSoftware: [
        { id: 'T2', name: 'Name T2', status: 'partial', isSubtechnique: false, via: ['S1', 'S2'] },
        { id: 'T3.001', name: 'Name T3.001', status: 'gap', isSubtechnique: true, via: ['S1'] },
        { id: 'T6', name: 'Name T6', status: 'gap', isSubtechnique: false, via: ['S2'] },
      ],
      // T4 (direct and through S2) is out of scope; T9 is not in the catalog and counts nowhere.
      outOfScope: 1,
      counts: { direct: { total: 1, covered: 1, partial: 0, gap: 0 }, viaSoftware: { total: 3, covered: 0, partial: 1, gap: 2 } },
    });
  });

  it('a software profile lists its own techniques', () => {
    const profile = buildProfile(CATALOG.threats.get('S1')!, 'S1', CATALOG, ENTRIES);
    expect(profile.direct.map((t) => t.id)).toEqual(['T3.001', 'T2', 'T1']);
    expect(profile.viaSoftware).toEqual([]);
    expect(profile.counts.direct).toEqual({ total: 3, covered: 1, partial: 1, gap: 1 });
    expect(profile.outOfScope).toBe(0);
  });
});

describe('scope activity', () => {
  it('software is active when it runs on a scope platform', () => {
    expect(scopeActivity(CATALOG.threats.get('S1')!, CATALOG, ENTRIES, SCOPE)).toEqual({ software: ['S1'], scopeOnlyTechniques: [] });
    expect(scopeActivity(CATALOG.threats.get('S3')!, CATALOG, ENTRIES, SCOPE)).toEqual({ software: [], scopeOnlyTechniques: [] });
  });

  it('a group is active through its software on the scope, or techniques that exist only there', () => {
    expect(scopeActivity(CATALOG.threats.get('G1')!, CATALOG, ENTRIES, SCOPE)).toEqual({ software: ['S2', 'S1'], scopeOnlyTechniques: ['T1'] });
    expect(scopeActivity(CATALOG.threats.get('C1')!, CATALOG, ENTRIES, SCOPE)).toEqual({ software: [], scopeOnlyTechniques: [] });
    expect(scopeActivity(CATALOG.threats.get('C2')!, CATALOG, ENTRIES, SCOPE)).toEqual({ software: [], scopeOnlyTechniques: ['T1'] });
  });

  it('a technique without platforms shows nothing', () => {
    const catalog = catalogOf([], { threats: new Map([['G5', actor('G5', { techniques: ['T5'] })]]) });
    expect(activeActors(catalog, ENTRIES, SCOPE)).toEqual(new Set());
  });

  it('activeActors collects every active actor', () => {
    expect([...activeActors(CATALOG, ENTRIES, SCOPE)].sort()).toEqual(['C2', 'G1', 'S1', 'S2']);
  });
});
