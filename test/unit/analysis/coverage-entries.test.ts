// coverage.ts on tiny in-memory catalogs: which rules count (enabled only), how sub-techniques roll up
// (covered sub → partial parent, never a disabled one, never parent → sub), per-platform claims,
// and the tactic, platform and overall counts with their rounding.
import { describe, expect, it } from 'vitest';
import { computePlatformCounts, computeTacticEntries, computeTechniqueEntries, countCoverage, percentOf } from '../../../src/analysis/coverage.js';
import { compareText } from '../../../src/collections.js';
import type { TechniqueEntry } from '../../../src/coverage-report.js';
import { catalogOf, mapped, rule, technique } from '../../helpers/analysis-builders.js';

const LINUX = new Set(['Linux']);
const SOURCES = { syscall: ['Linux', 'Containers'], aws_cloudtrail: ['IaaS'] };

function entriesFor(techniques: ReturnType<typeof technique>[], rules: ReturnType<typeof rule>[], scope = LINUX, findings = new Map<string, number>()): Map<string, TechniqueEntry> {
  const catalog = catalogOf(techniques);
  const list = computeTechniqueEntries(catalog, mapped(catalog, ...rules), scope, findings, SOURCES);
  return new Map(list.map((e) => [e.id, e]));
}

describe('computeTechniqueEntries: enabled and disabled rules', () => {
  const parent = technique('T1059');
  const sub = technique('T1059.004');

  it('a disabled rule tagging a sub-technique covers neither the sub-technique nor its parent', () => {
    const entries = entriesFor([parent, sub], [rule('Off', ['T1059.004'], { isEnabled: false })]);
    expect(entries.get('T1059.004')).toMatchObject({ status: 'gap', rules: [], observingRules: [], disabledRules: ['Off'] });
    expect(entries.get('T1059')).toMatchObject({ status: 'gap', rules: [], disabledRules: [], coveredSubtechniques: [] });
    expect(entries.get('T1059')!.platformCoverage).toEqual([{ platform: 'Linux', status: 'gap', rules: [] }]);
  });

  it('an enabled rule on a sub-technique makes the parent partial, naming the sub-technique', () => {
    const entries = entriesFor([parent, sub], [rule('On', ['T1059.004']), rule('Off', ['T1059'], { isEnabled: false })]);
    expect(entries.get('T1059.004')).toMatchObject({ status: 'covered', rules: ['On'], observingRules: ['On'], disabledRules: [] });
    expect(entries.get('T1059')).toMatchObject({ status: 'partial', rules: [], disabledRules: ['Off'], coveredSubtechniques: ['T1059.004'] });
    expect(entries.get('T1059')!.platformCoverage).toEqual([{ platform: 'Linux', status: 'partial', rules: [], coveredSubtechniques: ['T1059.004'] }]);
  });

  it('a parent tag does not cover its sub-techniques', () => {
    const entries = entriesFor([parent, sub], [rule('Parent', ['T1059'])]);
    expect(entries.get('T1059')).toMatchObject({ status: 'covered', rules: ['Parent'], coveredSubtechniques: [] });
    expect(entries.get('T1059.004')).toMatchObject({ status: 'gap', rules: [] });
  });

  it('lists rule names once each, sorted, for enabled, observing and disabled rules alike', () => {
    const rules = [rule('b', ['T1059', 'T1059']), rule('a', ['T1059']), rule('b', ['T1059']), rule('z', ['T1059'], { isEnabled: false }), rule('y', ['T1059'], { isEnabled: false }), rule('y', ['T1059'], { isEnabled: false })];
    const entry = entriesFor([parent], rules).get('T1059')!;
    expect(entry.rules).toEqual(['a', 'b']);
    expect(entry.observingRules).toEqual(['a', 'b']);
    expect(entry.disabledRules).toEqual(['y', 'z']);
  });

  it('does not count a revoked or deprecated tag of a rule as covering anything', () => {
    const revoked = technique('T1500', { isRevoked: true, revokedBy: ['T1059'] });
    const entries = entriesFor([parent, revoked], [rule('Old', ['T1500'])]);
    expect([...entries.keys()]).toEqual(['T1059']);
    expect(entries.get('T1059')!.status).toBe('gap');
  });
});

describe('computeTechniqueEntries: the entry itself', () => {
  it('has one entry per current technique, sorted by ID in code-point order', () => {
    const list = computeTechniqueEntries(
      catalogOf([technique('T1610'), technique('T1059.004'), technique('T1059'), technique('T1063', { isDeprecated: true }), technique('T1500', { isRevoked: true })]),
      [],
      LINUX,
      new Map(),
    );
    expect(list.map((e) => e.id)).toEqual(['T1059', 'T1059.004', 'T1610']);
  });

  it('copies the technique data and counts its findings and users', () => {
    const t = technique('T1059.004', { name: 'Unix Shell', tactics: ['execution', 'impact'], platforms: ['Linux', 'macOS'], usedBy: 7 });
    const entry = entriesFor([t], [], LINUX, new Map([['T1059.004', 3], ['T1610', 9]])).get('T1059.004')!;
    expect(entry).toMatchObject({ id: 'T1059.004', name: 'Unix Shell', url: t.url, tactics: ['execution', 'impact'], platforms: ['Linux', 'macOS'], isSubtechnique: true, parent: 'T1059', inScope: true, usedBy: 7, findings: 3 });
    const top = entriesFor([technique('T1610')], []).get('T1610')!;
    expect(top).not.toHaveProperty('parent');
    expect(top.findings).toBe(0);
  });

  it('is in scope when any of its platforms is, and out of scope otherwise', () => {
    const entries = entriesFor([technique('T1001', { platforms: ['Windows', 'Linux'] }), technique('T1002', { platforms: ['Windows'] })], []);
    expect(entries.get('T1001')!.inScope).toBe(true);
    expect(entries.get('T1002')!.inScope).toBe(false);
  });

  it('a technique with no platforms is covered by any enabled rule tagging it, and a gap otherwise', () => {
    const none = { platforms: [] as string[] };
    const entries = entriesFor([technique('T1001', none), technique('T1002', none)], [rule('r', ['T1001']), rule('off', ['T1002'], { isEnabled: false })]);
    expect(entries.get('T1001')).toMatchObject({ status: 'covered', rules: ['r'], observingRules: ['r'], platformCoverage: [] });
    expect(entries.get('T1002')).toMatchObject({ status: 'gap', rules: [], observingRules: [] });
  });

  it('sorts the observing rules of a technique with no platforms, and of one observed on several platforms', () => {
    const none = technique('T1001', { platforms: [] });
    expect(entriesFor([none], [rule('z', ['T1001']), rule('a', ['T1001'])]).get('T1001')!.observingRules).toEqual(['a', 'z']);
    const two = technique('T1002', { platforms: ['IaaS', 'Linux'] });
    const entry = entriesFor([two], [rule('z', ['T1002'], { source: 'aws_cloudtrail' }), rule('a', ['T1002'])], new Set(['Linux', 'IaaS'])).get('T1002')!;
    expect(entry.observingRules).toEqual(['a', 'z']);
  });
});

describe('computeTechniqueEntries: platforms', () => {
  const cloud = technique('T1530', { platforms: ['IaaS', 'Linux'] });

  it('a rule covers a technique only on the platforms its source observes', () => {
    const entry = entriesFor([cloud], [rule('Cloud', ['T1530'], { source: 'aws_cloudtrail' })], new Set(['Linux', 'IaaS'])).get('T1530')!;
    expect(entry.platformCoverage).toEqual([
      { platform: 'IaaS', status: 'covered', rules: ['Cloud'] },
      { platform: 'Linux', status: 'gap', rules: [] },
    ]);
    expect(entry).toMatchObject({ status: 'covered', rules: ['Cloud'], observingRules: ['Cloud'] });
  });

  it('counts only the in-scope platforms: a rule observing only an out-of-scope platform leaves a gap, yet still tags it', () => {
    const entry = entriesFor([cloud], [rule('Cloud', ['T1530'], { source: 'aws_cloudtrail' })], LINUX).get('T1530')!;
    expect(entry).toMatchObject({ status: 'gap', rules: ['Cloud'], observingRules: [] });
  });

  it('counts every platform of an out-of-scope technique', () => {
    const entry = entriesFor([technique('T1001', { platforms: ['IaaS'] })], [rule('Cloud', ['T1001'], { source: 'aws_cloudtrail' })], LINUX).get('T1001')!;
    expect(entry).toMatchObject({ inScope: false, status: 'covered', observingRules: ['Cloud'] });
  });

  it('a source it has no platforms for (a custom plugin) observes every platform', () => {
    const entry = entriesFor([cloud], [rule('Plugin', ['T1530'], { source: 'my_plugin' })], new Set(['Linux', 'IaaS'])).get('T1530')!;
    expect(entry.platformCoverage.map((c) => c.status)).toEqual(['covered', 'covered']);
  });

  it('gathers covered sub-techniques over the counted platforms, once each, sorted', () => {
    const p = technique('T1001', { platforms: ['Linux', 'Containers'] });
    const b = technique('T1001.002', { platforms: ['Linux', 'Containers'] });
    const a = technique('T1001.001', { platforms: ['Containers'] });
    const entry = entriesFor([p, b, a], [rule('rb', ['T1001.002']), rule('ra', ['T1001.001'])], new Set(['Linux', 'Containers'])).get('T1001')!;
    expect(entry.status).toBe('partial');
    expect(entry.coveredSubtechniques).toEqual(['T1001.001', 'T1001.002']);
    expect(entry.platformCoverage.find((c) => c.platform === 'Linux')!.coveredSubtechniques).toEqual(['T1001.002']);
  });

  it('a sub-technique covered only on a platform out of scope does not make its parent partial', () => {
    const p = technique('T1001', { platforms: ['Linux', 'IaaS'] });
    const s = technique('T1001.001', { platforms: ['IaaS'] });
    const entry = entriesFor([p, s], [rule('Cloud', ['T1001.001'], { source: 'aws_cloudtrail' })], LINUX).get('T1001')!;
    expect(entry).toMatchObject({ status: 'gap', coveredSubtechniques: [] });
  });
});

function entry(id: string, extra: Partial<TechniqueEntry>): TechniqueEntry {
  return { id, name: id, url: '', tactics: ['execution'], platforms: ['Linux'], isSubtechnique: false, inScope: true, status: 'gap', rules: [], observingRules: [], platformCoverage: [], disabledRules: [], coveredSubtechniques: [], usedBy: 0, findings: 0, ...extra };
}

describe('counts', () => {
  it('percentOf rounds to one decimal and is 0 of nothing', () => {
    expect(percentOf(1, 3)).toBe(33.3);
    expect(percentOf(2, 3)).toBe(66.7);
    expect(percentOf(3, 3)).toBe(100);
    expect(percentOf(0, 0)).toBe(0);
  });

  it('countCoverage counts covered and partial towards the percentage, the rest as gaps', () => {
    const entries = [entry('a', { status: 'covered' }), entry('b', { status: 'partial' }), entry('c', { status: 'partial' }), entry('d', {}), entry('e', {}), entry('f', {})];
    expect(countCoverage(entries)).toEqual({ total: 6, covered: 1, partial: 2, gap: 3, percent: 50 });
    expect(countCoverage([])).toEqual({ total: 0, covered: 0, partial: 0, gap: 0, percent: 0 });
  });

  it('compareText orders by code point, not by locale', () => {
    expect(['b', 'B', 'a', 'a'].sort(compareText)).toEqual(['B', 'a', 'a', 'b']);
    expect(compareText('a', 'a')).toBe(0);
    expect(compareText('a', 'b')).toBe(-1);
    expect(compareText('b', 'a')).toBe(1);
  });

  it('tactic entries count in-scope top-level techniques of each tactic, in matrix order', () => {
    const catalog = catalogOf([]);
    const techniques = [
      entry('T1001', { status: 'covered', tactics: ['execution', 'impact'] }),
      entry('T1002', { tactics: ['execution'] }),
      entry('T1001.001', { status: 'covered', isSubtechnique: true }),
      entry('T1003', { status: 'covered', inScope: false }),
    ];
    const tactics = computeTacticEntries(catalog, techniques);
    expect(tactics.map((t) => t.shortname)).toEqual(['execution', 'privilege-escalation', 'defense-evasion', 'impact']);
    expect(tactics[0]).toEqual({ id: 'TA0002', name: 'Execution', shortname: 'execution', url: catalog.tactics[0]!.url, total: 2, covered: 1, partial: 0, gap: 1, percent: 50 });
    expect(tactics[3]).toMatchObject({ total: 1, covered: 1, percent: 100 });
    expect(tactics[1]).toMatchObject({ total: 0, percent: 0 });
  });

  it('platform counts cover each scope platform, sorted, over in-scope top-level techniques there', () => {
    const techniques = [
      entry('T1001', { platformCoverage: [{ platform: 'Linux', status: 'covered', rules: ['r'] }, { platform: 'Containers', status: 'partial', rules: [] }] }),
      entry('T1002', { platformCoverage: [{ platform: 'Linux', status: 'partial', rules: [] }] }),
      entry('T1003', { platformCoverage: [{ platform: 'Linux', status: 'gap', rules: [] }] }),
      entry('T1001.001', { isSubtechnique: true, platformCoverage: [{ platform: 'Linux', status: 'covered', rules: ['r'] }] }),
      entry('T1004', { inScope: false, platformCoverage: [{ platform: 'Linux', status: 'covered', rules: ['r'] }] }),
    ];
    expect(computePlatformCounts(techniques, ['Linux', 'Containers'])).toEqual([
      { platform: 'Containers', total: 1, covered: 0, partial: 1, gap: 0, percent: 100 },
      { platform: 'Linux', total: 3, covered: 1, partial: 1, gap: 1, percent: 66.7 },
    ]);
  });
});
