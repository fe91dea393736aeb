// The offline ranker on a four-technique catalogue written for the test (each technique says one thing,
// so which one a query should find is plain): the order, the 0–1 score, the log-source bonus, votes of
// similar rules, exclusions, ties by ID, the evidence kept per candidate and its order.
import { describe, expect, it } from 'vitest';
import { DETECTION_ONLY_NAMING, evidenceOf, HALF_SCORE, NAMED_WEIGHT, NEIGHBOUR_SHARE, rankTechniques, scoreOf, type Vote } from '../../../src/suggest/rank.js';
import { buildTechniqueIndex } from '../../../src/suggest/technique-index.js';
import { stemOf } from '../../../src/suggest/terms.js';
import type { QueryTerm } from '../../../src/suggest/types.js';
import { technique, tinyCatalog } from '../../helpers/tiny-catalog.js';

const about = (id: string, name: string, description: string) => technique(id, ['execution'], ['Linux'], { name, description });
/** T1 and T2 are about shells (T2 with an auditd analytic), T3 about kernel modules, T4 about crontabs. */
const catalog = tinyCatalog(
  [
    about('T1', 'Unix Shell', 'Adversaries run a shell interpreter.'),
    about('T2', 'Shell Scripts', 'Adversaries run shell scripts.'),
    about('T3', 'Kernel Modules', 'Adversaries load kernel modules.'),
    about('T4', 'Crontab', 'Adversaries edit crontab entries.'),
  ],
  [['T2', [{ id: 'DET1', name: 'shell scripts', analytics: [{ id: 'AN1', platforms: ['Linux'], description: 'scripts', logSources: [{ name: 'auditd:SYSCALL', channel: 'execve' }] }] }]]],
);
const index = buildTechniqueIndex(catalog, 'syscall', ['Linux'], new Map(), [{ name: 'auditd:*', source: 'syscall', why: 'test' }]);

const term = (word: string, weight = 1, kind: QueryTerm['origins'][number]['kind'] = 'name', value = ''): QueryTerm => ({ term: stemOf(word), weight, origins: [{ kind, value }] });

describe('scoreOf', () => {
  it('maps a match onto 0–1, one half at HALF_SCORE, rounded to three places', () => {
    expect([scoreOf(0), scoreOf(HALF_SCORE), scoreOf(15), scoreOf(1)]).toEqual([0, 0.5, 0.75, 0.167]);
  });
});

describe('rankTechniques', () => {
  it('finds the techniques a query names, best first, the log-source bonus breaking the tie between equals', () => {
    const ranked = rankTechniques([term('shell')], index, 5);
    expect(ranked.map((r) => r.technique.id)).toEqual(['T2', 'T1']);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
    expect(ranked[0]!.logSources).toEqual(['auditd:SYSCALL']);
    expect(ranked[1]!.logSources).toEqual([]);
    expect(ranked.every((r) => r.score > 0 && r.score <= 1)).toBe(true);
  });
  it('scores the best as its text confidence and the others relative to it (text counts 1 − NEIGHBOUR_SHARE)', () => {
    const [first, second] = rankTechniques([term('shell')], index, 5);
    const raw = index.search.search(stemOf('shell'));
    const best = Math.max(...raw.map((r) => r.score * (r.id === 'T2' ? 1.25 : 1)));
    expect(first!.raw).toBeCloseTo(0.2 * scoreOf(best), 10);
    expect(second!.raw).toBeCloseTo(0.2 * scoreOf(best) * (raw.find((r) => r.id === 'T1')!.score / best), 10);
    expect(first!.score).toBe(Math.round(first!.raw * 1000) / 1000);
  });
  it('the text confidence is per unit of query weight: more weight on the same match lowers it', () => {
    const light = rankTechniques([term('shell', 1)], index, 1)[0]!;
    const heavy = rankTechniques([term('shell', 1), term('zebra', 3)], index, 1)[0]!;
    expect(heavy.technique.id).toBe('T2');
    expect(heavy.raw).toBeLessThan(light.raw);
  });
  it('keeps the top N, leaves out excluded techniques and finds nothing for no terms or unknown words', () => {
    expect(rankTechniques([term('shell')], index, 1).map((r) => r.technique.id)).toEqual(['T2']);
    expect(rankTechniques([term('shell')], index, 5, new Set(['T2'])).map((r) => r.technique.id)).toEqual(['T1']);
    expect(rankTechniques([], index, 5)).toEqual([]);
    expect(rankTechniques([term('zebra')], index, 5)).toEqual([]);
  });
  it('weights terms: the heavier word decides the order', () => {
    expect(rankTechniques([term('kernel', 5), term('crontab', 1)], index, 2).map((r) => r.technique.id)).toEqual(['T3', 'T4']);
    expect(rankTechniques([term('kernel', 1), term('crontab', 5)], index, 2).map((r) => r.technique.id)).toEqual(['T4', 'T3']);
  });
  it('adds the votes of similar rules (NEIGHBOUR_SHARE of the score), for techniques the index has only', () => {
    const votes = new Map<string, Vote>([
      ['T4', { share: 1, rules: [{ name: 'Cron rule', file: 'a.yaml', similarity: 0.9, shared: ['cron'] }] }],
      ['T9', { share: 1, rules: [{ name: 'Other', file: 'a.yaml', similarity: 0.9, shared: [] }] }],
    ]);
    const ranked = rankTechniques([term('shell')], index, 5, new Set(), votes);
    expect(ranked.map((r) => r.technique.id)).toEqual(['T4', 'T2', 'T1']);
    expect(ranked[0]!.raw).toBeCloseTo(0.8, 10);
    expect(ranked[0]!.evidence).toEqual([{ kind: 'similar-rule', value: 'Cron rule', terms: ['cron'] }]);
    expect(ranked[0]!.matchedIn).toEqual(['similar rules']);
    expect(ranked[1]!.matchedIn).toEqual(['description', 'detection', 'name']);
    expect(rankTechniques([], index, 5, new Set(), votes).map((r) => [r.technique.id, r.raw])).toEqual([['T4', 0.8]]);
  });
  it('keeps eight pieces of evidence, the similar rules first', () => {
    const rules = ['A', 'B', 'C', 'D', 'E'].map((name) => ({ name, file: 'a.yaml', similarity: 0.5, shared: [] }));
    const words = [term('shell', 5, 'macro', 'm1'), term('scripts', 4, 'macro', 'm2'), term('execve', 3, 'list', 'l1'), term('run', 1, 'field', 'f1')];
    const [best] = rankTechniques(words, index, 1, new Set(), new Map([['T2', { share: 1, rules }]]));
    expect(best!.evidence.map((e) => `${e.kind} ${e.value}`)).toEqual(['similar-rule A', 'similar-rule B', 'similar-rule C', 'similar-rule D', 'similar-rule E', 'macro m1', 'macro m2', 'list l1']);
  });
  it('breaks equal scores by technique ID', () => {
    const votes = new Map<string, Vote>(['T4', 'T3', 'T1'].map((id) => [id, { share: 0.5, rules: [] }]));
    expect(rankTechniques([], index, 5, new Set(), votes).map((r) => r.technique.id)).toEqual(['T1', 'T3', 'T4']);
  });
  it('says which of the rule’s words matched, grouped by where they came from', () => {
    const ranked = rankTechniques([term('shell', 3, 'name'), term('scripts', 1, 'macro', 'run_scripts')], index, 1);
    expect(ranked[0]!.technique.id).toBe('T2');
    expect(ranked[0]!.evidence).toEqual([{ kind: 'name', value: '', terms: ['shell'] }, { kind: 'macro', value: 'run_scripts', terms: ['script'] }]);
  });
});

describe('evidenceOf', () => {
  const byTerm = new Map<string, QueryTerm>([
    ['a', { term: 'a', weight: 1, origins: [{ kind: 'list', value: 'l' }, { kind: 'name', value: '' }] }],
    ['b', { term: 'b', weight: 2, origins: [{ kind: 'list', value: 'l' }] }],
    ['c', { term: 'c', weight: 1, origins: [{ kind: 'macro', value: 'm2' }] }],
    ['d', { term: 'd', weight: 1, origins: [{ kind: 'macro', value: 'm1' }] }],
  ]);
  it('groups terms by origin, heaviest first, then by kind and value; terms sorted; unknown terms ignored', () => {
    expect(evidenceOf(['d', 'c', 'b', 'a', 'zzz'], byTerm)).toEqual([
      { kind: 'list', value: 'l', terms: ['a', 'b'] },
      { kind: 'macro', value: 'm1', terms: ['d'] },
      { kind: 'macro', value: 'm2', terms: ['c'] },
      { kind: 'name', value: '', terms: ['a'] },
    ]);
    expect(evidenceOf(['c', 'd'], byTerm)).toEqual([{ kind: 'macro', value: 'm1', terms: ['d'] }, { kind: 'macro', value: 'm2', terms: ['c'] }]);
  });
  it('keeps at most eight groups', () => {
    const many = new Map<string, QueryTerm>(Array.from({ length: 10 }, (_, i) => [`t${i}`, { term: `t${i}`, weight: 10 - i, origins: [{ kind: 'macro', value: `m${i}` }] }]));
    expect(evidenceOf([...many.keys()], many).map((e) => e.value)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });
});

describe('rankTechniques with named values (API and event names the condition tests)', () => {
  /** K1 says "access key" most; K2's description names CreateAccessKey; K3 names it only in an analytic's channel,
   * beside other events; K4 names ConsoleLogin in its description. */
  const cloud = tinyCatalog(
    [
      about('K1', 'Access Key Access', 'Adversaries steal an access key, an access key id, any access key.'),
      about('K2', 'Additional Credentials', 'Adversaries add credentials with the <code>CreateAccessKey</code> API.'),
      about('K3', 'Trusted Partner', 'Adversaries abuse a partner.'),
      about('K4', 'Cloud Logins', 'Adversaries sign in: ConsoleLogin events.'),
    ],
    [['K3', [{ id: 'DET3', name: 'partner', analytics: [{ id: 'AN3', platforms: ['Linux'], description: 'partner', logSources: [{ name: 'aws:cloudtrail', channel: 'CreateUser|CreateAccessKey|AttachRolePolicy' }] }] }]]],
  );
  const cloudIndex = buildTechniqueIndex(cloud, 'aws_cloudtrail', ['Linux']);
  const words = [term('access', 3), term('key', 3)];
  const createAccessKey = { value: 'CreateAccessKey', fields: ['ct.name'] };

  it('puts the technique whose description names the value first; naming it in detection only counts half', () => {
    // By words alone (CreateAccessKey's humps are words too), K1 says "access key" most.
    const byWords = new Map(rankTechniques(words, cloudIndex, 3).map((r) => [r.technique.id, r.raw / (1 - NEIGHBOUR_SHARE)]));
    expect([...byWords.keys()]).toEqual(['K1', 'K3', 'K2']);
    const ranked = rankTechniques(words, cloudIndex, 3, new Set(), new Map(), [createAccessKey]);
    // K3 names it in its detection only: half as much, which K1's words beat.
    expect(ranked.map((r) => r.technique.id)).toEqual(['K2', 'K1', 'K3']);
    const named = (share: number, words: number) => (1 - NEIGHBOUR_SHARE) * (NAMED_WEIGHT * share + (1 - NAMED_WEIGHT) * words);
    expect(ranked[0]!.raw).toBeCloseTo(named(1, byWords.get('K2')!), 12);
    expect(ranked[1]!.raw).toBeCloseTo((1 - NEIGHBOUR_SHARE) * byWords.get('K1')!, 12);
    expect(ranked[2]!.raw).toBeCloseTo(named(DETECTION_ONLY_NAMING, byWords.get('K3')!), 12);
    expect(ranked[0]!.evidence[0]).toEqual({ kind: 'named-value', value: 'CreateAccessKey', terms: ['ct.name'] });
    expect(ranked[2]!.evidence[0]).toEqual({ kind: 'named-in-detection', value: 'CreateAccessKey', terms: ['ct.name'] });
    expect(ranked[0]!.matchedIn).toEqual(['description']);
    expect(ranked[2]!.matchedIn).toEqual(['detection']);
  });

  it('counts the share of the named values a technique names, and never less than its words alone', () => {
    const both = [createAccessKey, { value: 'ConsoleLogin', fields: ['ct.name'] }];
    const ranked = rankTechniques(words, cloudIndex, 4, new Set(), new Map(), both);
    const raw = new Map(ranked.map((r) => [r.technique.id, r.raw]));
    const byWords = new Map(rankTechniques(words, cloudIndex, 4).map((r) => [r.technique.id, r.raw / (1 - NEIGHBOUR_SHARE)]));
    // One of the two values each: half the share.
    expect(raw.get('K2')).toBeCloseTo((1 - NEIGHBOUR_SHARE) * (NAMED_WEIGHT * 0.5 + (1 - NAMED_WEIGHT) * byWords.get('K2')!), 12);
    expect(raw.get('K4')).toBeCloseTo((1 - NEIGHBOUR_SHARE) * NAMED_WEIGHT * 0.5, 12);
    // K1 names neither: its words' match, as without named values.
    expect(raw.get('K1')).toBe(rankTechniques(words, cloudIndex, 1)[0]!.raw);
    // A value no technique names changes nothing.
    expect(rankTechniques(words, cloudIndex, 4, new Set(), new Map(), [{ value: 'DeleteTrail', fields: ['ct.name'] }])).toEqual(rankTechniques(words, cloudIndex, 4));
  });

  it('shares a value out among the techniques whose descriptions name it (and those naming it in detection only)', () => {
    const shared = tinyCatalog(
      [about('S1', 'One', 'They call <code>AssumeRole</code>.'), about('S2', 'Two', 'They also call AssumeRole.'), about('S3', 'Three', 'Nothing.'), about('S4', 'Four', 'Nothing.')],
      [
        ['S3', [{ id: 'D3', name: 'd', analytics: [{ id: 'A3', platforms: ['Linux'], description: 'AssumeRole', logSources: [] }] }]],
        ['S4', [{ id: 'D4', name: 'd', analytics: [{ id: 'A4', platforms: ['Linux'], description: 'x', logSources: [{ name: 'aws:cloudtrail', channel: 'AssumeRole' }] }] }]],
      ],
    );
    const ranked = rankTechniques([], buildTechniqueIndex(shared, 'aws_cloudtrail', ['Linux']), 4, new Set(), new Map(), [{ value: 'AssumeRole', fields: ['ct.name'] }]);
    expect(ranked.map((r) => [r.technique.id, r.raw])).toEqual([
      ['S1', (1 - NEIGHBOUR_SHARE) * NAMED_WEIGHT * 0.5],
      ['S2', (1 - NEIGHBOUR_SHARE) * NAMED_WEIGHT * 0.5],
      ['S3', (1 - NEIGHBOUR_SHARE) * NAMED_WEIGHT * DETECTION_ONLY_NAMING * 0.5],
      ['S4', (1 - NEIGHBOUR_SHARE) * NAMED_WEIGHT * DETECTION_ONLY_NAMING * 0.5],
    ]);
  });

  it('does not take a longer name for the value', () => {
    const ranked = rankTechniques([], cloudIndex, 4, new Set(), new Map(), [{ value: 'CreateAccess', fields: ['ct.name'] }]);
    expect(ranked).toEqual([]);
  });
});
