// Small pure pieces of suggest, by what a user sees: which words of a rule count (splitting, stop words,
// digits, length), the text region a SARIF fix replaces (insertions, deletions, repeated characters, line
// and column arithmetic), and which uncovered techniques accepting the suggestions would cover.
import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../../src/coverage-report.js';
import { textEdit } from '../../../src/suggest/edit.js';
import { stemOf, termsOf, wordsOf } from '../../../src/suggest/terms.js';
import type { Candidate, RuleSuggestion } from '../../../src/suggest/types.js';
import { suggestionsSection } from '../../../src/suggest/would-cover.js';

describe('wordsOf', () => {
  const table: [string, string[]][] = [
    ['Read sensitive file untrusted', ['read', 'sensitive', 'file', 'untrusted']],
    ['READ Sensitive', ['read', 'sensitive']], // lower case
    ['hostNetwork runAsUser', ['host', 'network', 'run', 'user']], // camelCase split ("as" is too short)
    ['HOSTNetwork', ['hostnetwork']], // only a lower-to-upper step splits
    ['ka.req.pod_spec/containers-list', ['req', 'pod', 'spec', 'containers']],
    ['sha256sum base64 T1059 ipv4', ['sha256sum', 'base', 'ipv']], // digits inside stay, trailing digits go, then the length counts
    ['a an to of xy abc', ['abc']], // at least three letters
    ['the adversary may use falco rules to detect', []], // stop words, ATT&CK's and Falco's boilerplate too
    ['spawned shell', ['spawned', 'shell']],
    ['e.g. shell', ['shell']],
    ['value names shell', ['shell']], // the last stop words of the list count too
    ['  mount\tmodule\n', ['mount', 'module']],
    ['123 _x9', []],
    ['', []],
  ];
  for (const [text, expected] of table) it(`${JSON.stringify(text)} → ${expected.join(' ')}`, () => expect(wordsOf(text)).toEqual(expected));
});

describe('stems', () => {
  it('gives one stem to the forms of a word, the same every time', () => {
    expect(stemOf('privileged')).toBe('privileg');
    expect(stemOf('privileged')).toBe('privileg');
    expect(stemOf('connections')).toBe(stemOf('connection'));
    expect(termsOf('Privileged containers, privileged pods')).toEqual(['privileg', 'contain', 'privileg', 'pod']);
  });
});

describe('textEdit', () => {
  const table: [string, string, string, ReturnType<typeof textEdit>][] = [
    ['an insertion in a line', 'tags: [x]\n', 'tags: [x, T1]\n', { file: 'f', startLine: 1, startColumn: 9, endLine: 1, endColumn: 9, text: ', T1' }],
    ['a replacement', 'a\nbcd\ne', 'a\nbXd\ne', { file: 'f', startLine: 2, startColumn: 2, endLine: 2, endColumn: 3, text: 'X' }],
    ['a deletion across lines', 'a\nb\nc\nd', 'a\nd', { file: 'f', startLine: 2, startColumn: 1, endLine: 4, endColumn: 1, text: '' }],
    ['a new line at the end', 'a\n', 'a\n  tags: [T1]\n', { file: 'f', startLine: 2, startColumn: 1, endLine: 2, endColumn: 1, text: '  tags: [T1]\n' }],
    ['text at the start', 'b', 'ab', { file: 'f', startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, text: 'a' }],
    ['a repeated character: the prefix wins', 'aa', 'aaa', { file: 'f', startLine: 1, startColumn: 3, endLine: 1, endColumn: 3, text: 'a' }],
    ['shorter, repeated', 'xaaay', 'xay', { file: 'f', startLine: 1, startColumn: 3, endLine: 1, endColumn: 5, text: '' }],
    ['from nothing', '', 'new', { file: 'f', startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, text: 'new' }],
    ['to nothing', 'old\n', '', { file: 'f', startLine: 1, startColumn: 1, endLine: 2, endColumn: 1, text: '' }],
    ['everything different', 'abc', 'xyz', { file: 'f', startLine: 1, startColumn: 1, endLine: 1, endColumn: 4, text: 'xyz' }],
    ['on the third line, tenth column', 'l1\nl2\n123456789X\n', 'l1\nl2\n123456789Y\n', { file: 'f', startLine: 3, startColumn: 10, endLine: 3, endColumn: 11, text: 'Y' }],
  ];
  for (const [what, before, after, expected] of table) it(what, () => expect(textEdit('f', before, after)).toEqual(expected));
  it('is nothing when nothing changed', () => expect(textEdit('f', 'same\n', 'same\n')).toBeUndefined());
});

describe('what accepting the suggestions would cover', () => {
  /** Three rules (one disabled) and three techniques: T1 covered, T2 partial, T3 a gap. */
  const report = {
    rules: [{ name: 'r1', isEnabled: true }, { name: 'r2', isEnabled: true }, { name: 'off', isEnabled: false }],
    techniques: [{ id: 'T1', status: 'covered' }, { id: 'T2', status: 'partial' }, { id: 'T3', status: 'gap' }],
  } as unknown as CoverageReport;
  const candidate = (technique: string, score: number): Candidate => ({ technique, name: technique, score, tags: [technique], logSources: [], evidence: [], matchedIn: [], by: 'ranker' });
  const suggestion = (rule: string, ...candidates: Candidate[]): RuleSuggestion => ({ rule, file: 'r.yaml', line: 1, source: 'syscall', existing: [], candidates, rejected: [] });

  it('counts the best candidate of each enabled rule at or above the score, for techniques not covered yet', () => {
    const rules = [
      suggestion('r2', candidate('T3', 0.5), candidate('T2', 0.9)),
      suggestion('r1', candidate('T3', 0.4)),
      suggestion('off', candidate('T2', 0.9)),
      suggestion('r1', candidate('T1', 0.9)),
      suggestion('r2', candidate('T2', 0.39)),
      suggestion('r2'),
      suggestion('gone', candidate('T2', 0.9)),
      suggestion('r1', candidate('T9', 0.4)),
    ];
    const section = suggestionsSection(report, rules, 'offline', 0.4);
    expect(section).toEqual({ ranker: 'offline', minScore: 0.4, rules, wouldCover: [{ id: 'T3', rules: ['r1', 'r2'] }, { id: 'T9', rules: ['r1'] }] });
  });
  it('sorts techniques by ID and their rules by name', () => {
    const rules = [suggestion('r2', candidate('T3', 1)), suggestion('r2', candidate('T2', 1)), suggestion('r1', candidate('T3', 1))];
    expect(suggestionsSection(report, rules, 'gpt', 0).wouldCover).toEqual([{ id: 'T2', rules: ['r2'] }, { id: 'T3', rules: ['r1', 'r2'] }]);
  });
});
