// The layer score per --score mode on hand-made rule entries: each priority and maturity weight, rules the
// report does not know, rounding, the legend buckets and their labels.
import { describe, expect, it } from 'vitest';
import type { RuleEntry, TechniqueEntry } from '../../../src/coverage-report.js';
import { legendLabel, scoreBucket, SCORE_DESCRIPTIONS, techniqueScore } from '../../../src/report/layer-score.js';

const rule = (name: string, priority: string, maturity?: string): RuleEntry => ({ name, file: 'r.yaml', line: 1, source: 'syscall', isEnabled: true, priority, techniques: [], tactics: [], tags: [], findings: 0, ...(maturity ? { maturity } : {}) });
const entry = (...observingRules: string[]) => ({ observingRules }) as TechniqueEntry;
const score = (rules: RuleEntry[], mode: 'count' | 'priority' | 'maturity') => techniqueScore(entry(...rules.map((r) => r.name)), new Map(rules.map((r) => [r.name, r])), mode);

describe('techniqueScore', () => {
  it('counts the observing rules with --score count, whatever their priority or maturity', () => {
    expect(score([rule('a', 'CRITICAL', 'stable'), rule('b', 'DEBUG', 'sandbox')], 'count')).toBe(2);
    expect(score([], 'count')).toBe(0);
  });
  it('weighs each Falco priority, in any letter case', () => {
    const expected: [string, number][] = [['EMERGENCY', 2], ['Alert', 2], ['critical', 2], ['ERROR', 1.5], ['WARNING', 1], ['NOTICE', 0.75], ['INFORMATIONAL', 0.5], ['INFO', 0.5], ['DEBUG', 0.5], ['UNHEARD_OF', 1]];
    for (const [priority, weight] of expected) expect(score([rule('r', priority)], 'priority'), priority).toBe(weight);
  });
  it('weighs each maturity; a rule without one weighs 1', () => {
    const expected: [string | undefined, number][] = [['stable', 2], ['incubating', 1], ['sandbox', 0.5], ['deprecated', 0.25], ['experimental', 1], [undefined, 1]];
    for (const [maturity, weight] of expected) expect(score([rule('r', 'CRITICAL', maturity)], 'maturity'), String(maturity)).toBe(weight);
  });
  it('weighs a rule the report does not list as 1 in every mode', () => {
    for (const mode of ['count', 'priority', 'maturity'] as const) expect(techniqueScore(entry('ghost'), new Map(), mode)).toBe(1);
  });
  it('sums the weights and rounds to two decimals', () => {
    expect(score([rule('a', 'NOTICE'), rule('b', 'ERROR'), rule('c', 'INFO')], 'priority')).toBe(2.75);
    const deprecated = [rule('a', 'NOTICE', 'deprecated'), rule('b', 'NOTICE', 'deprecated'), rule('c', 'NOTICE', 'deprecated')];
    expect(score(deprecated, 'maturity')).toBe(0.75);
    expect(score([rule('a', 'NOTICE'), rule('b', 'NOTICE'), rule('c', 'NOTICE'), rule('d', 'ERROR'), rule('e', 'DEBUG')], 'priority')).toBe(4.25);
  });
});

describe('scoreBucket', () => {
  it('puts scores up to 1, 2, 3 and above 3 in buckets 0, 1, 2, 3', () => {
    expect([0.25, 1, 1.01, 2, 2.5, 3, 3.01, 4, 12].map((s) => scoreBucket(s, 4))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 3]);
  });
  it('never leaves the buckets it is given', () => {
    expect(scoreBucket(0, 4)).toBe(0);
    expect(scoreBucket(5, 2)).toBe(1);
  });
});

describe('legendLabel', () => {
  it('counts enabled rules with --score count, the last bucket open-ended', () => {
    expect([0, 1, 2, 3].map((i) => legendLabel(i, 4, 'count'))).toEqual(['1 enabled rule', '2 enabled rules', '3 enabled rules', '4+ enabled rules']);
    expect(legendLabel(0, 1, 'count')).toBe('1+ enabled rules');
  });
  it('names the score range with the weighted modes', () => {
    expect([0, 1, 2, 3].map((i) => legendLabel(i, 4, 'priority'))).toEqual(['priority score up to 1', 'priority score up to 2', 'priority score up to 3', 'priority score over 3']);
    expect(legendLabel(3, 4, 'maturity')).toBe('maturity score over 3');
  });
});

describe('SCORE_DESCRIPTIONS', () => {
  it('states the weights each mode uses, as the layer description shows them', () => {
    expect(SCORE_DESCRIPTIONS.count).toBe('Score = enabled rules tagging the technique whose source observes one of its in-scope platforms.');
    expect(SCORE_DESCRIPTIONS.priority).toBe('Score = those enabled rules weighted by Falco priority (CRITICAL and above 2, ERROR 1.5, WARNING 1, NOTICE 0.75, INFORMATIONAL and DEBUG 0.5).');
    expect(SCORE_DESCRIPTIONS.maturity).toBe('Score = those enabled rules weighted by maturity (stable 2, incubating 1, sandbox 0.5, deprecated 0.25, no maturity tag 1).');
  });
});
