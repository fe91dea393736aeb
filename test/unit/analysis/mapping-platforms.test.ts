// mapping.ts and platform-coverage.ts on tiny rules: what a rule's tags claim (known techniques and tactics,
// by name or ID, maturity), which techniques count, and per-platform status (statusOver, countedPlatforms).
import { describe, expect, it } from 'vitest';
import { activeTechniques, claimedTactics, indexTactics, isAttackTag, mapRule, sharedMapping, tacticOfTag, tagReader } from '../../../src/analysis/mapping.js';
import { countedPlatforms, enabledClaims, platformCoverage, statusOver } from '../../../src/analysis/platform-coverage.js';
import type { PlatformCoverage } from '../../../src/coverage-report.js';
import { parseTag } from '../../../src/falco/tags.js';
import { catalogOf, mapped, rule, technique } from '../../helpers/analysis-builders.js';

const CATALOG = catalogOf([technique('T1059'), technique('T1059.004'), technique('T1500', { isRevoked: true }), technique('T1063', { isDeprecated: true })]);
const INDEX = indexTactics(CATALOG);

describe('mapRule', () => {
  it('keeps the techniques and tactics the catalog knows, tactics by name or by ID, and the first maturity', () => {
    const m = mapRule(rule('R', ['T1059', 'T9999', 'T1500', 'mitre_execution', 'TA0040', 'mitre_bogus', 'TA9999', 'maturity_stable', 'maturity_sandbox', 'container']), CATALOG, INDEX);
    expect(m.tags.map((t) => t.parsed.kind)).toEqual(['technique', 'technique', 'technique', 'tactic', 'tactic', 'tactic', 'tactic', 'maturity', 'maturity', 'other']);
    expect(m.knownTechniques.map((k) => `${k.tag.ref.value}=${k.technique.id}`)).toEqual(['T1059=T1059', 'T1500=T1500']);
    expect(m.knownTactics.map((k) => `${k.tag.ref.value}=${k.tactic.shortname}/${k.via}`)).toEqual(['mitre_execution=execution/name', 'TA0040=impact/id']);
    expect(m.maturity).toBe('stable');
    expect(mapRule(rule('R', ['T1059']), CATALOG, INDEX).maturity).toBeUndefined();
  });

  it('tacticOfTag: looks an ID up by ID and a name by name, and nothing else', () => {
    expect(tacticOfTag(parseTag('TA0002'), INDEX)?.shortname).toBe('execution');
    expect(tacticOfTag(parseTag('mitre_impact'), INDEX)?.id).toBe('TA0040');
    expect(tacticOfTag(parseTag('T1059'), INDEX)).toBeUndefined();
    expect(tacticOfTag({ kind: 'tactic', isConventional: false }, INDEX)).toBeUndefined();
  });

  it('activeTechniques: known, neither revoked nor deprecated, once each in tag order', () => {
    const [m] = mapped(CATALOG, rule('R', ['T1059.004', 'T1500', 'T1063', 'T1059', 't1059.004']));
    expect(activeTechniques(m!).map((t) => t.id)).toEqual(['T1059.004', 'T1059']);
  });

  it('claimedTactics: the shortnames of the known tactic tags, once each', () => {
    const [m] = mapped(CATALOG, rule('R', ['mitre_execution', 'TA0002', 'TA0040', 'mitre_bogus']));
    expect([...claimedTactics(m!)]).toEqual(['execution', 'impact']);
  });

  it('isAttackTag: techniques and tactics, known or not; not maturity or other tags', () => {
    const [m] = mapped(CATALOG, rule('R', ['T9999', 'mitre_bogus', 'maturity_stable', 'container']));
    expect(m!.tags.map(isAttackTag)).toEqual([true, true, false, false]);
  });
});

describe('shared, read once', () => {
  it('tagReader parses each distinct tag once and hands back the same object, equal to parseTag', () => {
    const read = tagReader();
    const first = read('T1059');
    expect(read('T1059')).toBe(first);
    expect(first).toEqual(parseTag('T1059'));
    expect(read('mitre_execution')).not.toBe(first);
  });

  it('sharedMapping: rules with the same active techniques, or the same tactics in the same order, share them', () => {
    const catalog = catalogOf([technique('T1059'), technique('T1003', { tactics: ['impact'] }), technique('T1500', { isRevoked: true })]);
    const index = indexTactics(catalog);
    const shared = sharedMapping();
    const map = (...tags: string[]) => mapRule(rule('R', tags), catalog, index, parseTag, undefined, shared);
    const a = map('T1059', 'T1003', 'mitre_execution', 'mitre_impact');
    // The same techniques and tactics, written otherwise (a revoked technique and a tactic ID among them).
    const b = map('T1500', 'T1059', 'TA0002', 'T1003', 'mitre_impact');
    expect(b.active).toBe(a.active);
    expect(b.justified).toBe(a.justified);
    expect(b.claimed).toBe(a.claimed);
    expect(a.active!.map((t) => t.id)).toEqual(['T1059', 'T1003']);
    expect([...a.justified!]).toEqual(['execution', 'impact']);
    // Another order is another list (findings name the first tactic and technique), and so are fewer.
    const c = map('T1003', 'T1059', 'mitre_impact', 'mitre_execution');
    expect(c.active).not.toBe(a.active);
    expect(c.claimed).not.toBe(a.claimed);
    expect(c.active!.map((t) => t.id)).toEqual(['T1003', 'T1059']);
    expect([...c.claimed!]).toEqual(['impact', 'execution']);
    expect([...c.justified!]).toEqual(['impact', 'execution']);
    const d = map('T1059', 'mitre_execution');
    expect(d.active).not.toBe(a.active);
    expect(d.claimed).not.toBe(a.claimed);
    expect(d.active!.map((t) => t.id)).toEqual(['T1059']);
    // No technique, no tactic: one shared empty list and set each.
    const e = map('container');
    expect(map('maturity_stable').active).toBe(e.active);
    expect(map('maturity_stable').claimed).toBe(e.claimed);
    expect(e.active).toEqual([]);
    expect(e.claimed!.size).toBe(0);
    // Unshared, the same values.
    const alone = mapRule(rule('R', ['T1500', 'T1059', 'TA0002', 'T1003', 'mitre_impact']), catalog, index);
    expect(alone.active).toEqual(a.active);
    expect(alone.active).not.toBe(a.active);
    expect(alone.claimed).toEqual(a.claimed);
    expect(alone.justified).toEqual(a.justified);
  });

  it('enabledClaims: rules of one source share one platform set; claims come sorted by rule name', () => {
    const platforms = { syscall: ['Linux', 'Containers'] };
    const claims = enabledClaims(mapped(CATALOG, rule('b', ['T1059'], { source: 'syscall' }), rule('a', ['T1059'], { source: 'syscall' }), rule('c', ['T1059'], { source: 'syscall' })), platforms);
    const list = claims.get('T1059')!;
    expect(list.map((c) => c.rule)).toEqual(['a', 'b', 'c']);
    expect(list[1].platforms).toBe(list[0].platforms);
    expect([...list[0].platforms!]).toEqual(['Linux', 'Containers']);
  });
});

describe('platform coverage', () => {
  const pc = (platform: string, status: PlatformCoverage['status']): PlatformCoverage => ({ platform, status, rules: [] });

  it('enabledClaims: enabled rules only, with the platforms their source observes (none known: every one)', () => {
    const rules = mapped(CATALOG, rule('a', ['T1059']), rule('b', ['T1059'], { isEnabled: false }), rule('c', ['T1059', 'T1500'], { source: 'plugin' }));
    const claims = enabledClaims(rules, { syscall: ['Linux'] });
    expect([...claims.keys()]).toEqual(['T1059']);
    expect(claims.get('T1059')).toEqual([{ rule: 'a', platforms: new Set(['Linux']) }, { rule: 'c', platforms: undefined }]);
  });

  it('platformCoverage: rules observing the technique on each of its platforms, once each, sorted', () => {
    const t = technique('T1059', { platforms: ['Linux', 'Windows'] });
    const claims = enabledClaims(mapped(CATALOG, rule('b', ['T1059']), rule('a', ['T1059']), rule('a', ['T1059'])), { syscall: ['Linux'] });
    expect(platformCoverage(t, [], claims)).toEqual([
      { platform: 'Linux', status: 'covered', rules: ['a', 'b'] },
      { platform: 'Windows', status: 'gap', rules: [] },
    ]);
  });

  it('platformCoverage: a sub-technique counts for its parent only on the platforms the sub-technique has', () => {
    const parent = technique('T1059', { platforms: ['Linux', 'Windows'] });
    const sub = technique('T1059.004', { platforms: ['Windows'] });
    const claims = enabledClaims(mapped(CATALOG, rule('s', ['T1059.004'])), { syscall: ['Linux', 'Windows'] });
    expect(platformCoverage(parent, [sub], claims).map((c) => `${c.platform}=${c.status}`)).toEqual(['Linux=gap', 'Windows=partial']);
  });

  it('platformCoverage: a sub-technique counts for its parent only where its rule’s source observes it', () => {
    const parent = technique('T1059', { platforms: ['Linux', 'Windows'] });
    const sub = technique('T1059.004', { platforms: ['Linux', 'Windows'] });
    const claims = enabledClaims(mapped(CATALOG, rule('s', ['T1059.004'])), { syscall: ['Linux'] });
    expect(platformCoverage(parent, [sub], claims)).toEqual([
      { platform: 'Linux', status: 'partial', rules: [], coveredSubtechniques: ['T1059.004'] },
      { platform: 'Windows', status: 'gap', rules: [] },
    ]);
  });

  it('statusOver: covered anywhere wins, then partial, else gap (also for no platforms)', () => {
    expect(statusOver([pc('a', 'gap'), pc('b', 'partial'), pc('c', 'covered')])).toBe('covered');
    expect(statusOver([pc('a', 'gap'), pc('b', 'partial')])).toBe('partial');
    expect(statusOver([pc('a', 'gap')])).toBe('gap');
    expect(statusOver([])).toBe('gap');
  });

  it('countedPlatforms: the in-scope ones, or all when none is in scope', () => {
    const all = [pc('Linux', 'gap'), pc('IaaS', 'covered')];
    expect(countedPlatforms(all, new Set(['Linux']))).toEqual([pc('Linux', 'gap')]);
    expect(countedPlatforms(all, new Set(['Windows']))).toEqual(all);
  });
});
