// Which tags a suggestion writes and which selections are applied, on a catalogue written for the test
// (T1059 execution on Linux, T1611 privilege escalation or execution on Containers, T1547 Windows only,
// T1000 revoked by T1059, T1003 Windows under a tactic the catalogue lacks, …): the tactic tag chosen or
// not, what lint would refuse, the best candidate by score, and a reviewed file re-checked entry by
// entry, nothing in it trusted.
import { describe, expect, it } from 'vitest';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import { selectByScore, selectFromReviewed } from '../../../src/suggest/select.js';
import { taggedTechniques, tagProblems, tagsFor, withTags } from '../../../src/suggest/tags.js';
import type { RuleSuggestion } from '../../../src/suggest/types.js';
import { technique, tinyCatalog } from '../../helpers/tiny-catalog.js';

const catalog = tinyCatalog([
  technique('T1059', ['execution'], ['Linux', 'Windows']),
  technique('T1611', ['privilege-escalation', 'execution'], ['Containers']),
  technique('T1547', ['persistence'], ['Windows']),
  technique('T1000', ['execution'], ['Linux'], { isRevoked: true, revokedBy: ['T1059'] }),
  technique('T1001', [], ['Linux']),
  technique('T1612', ['execution', 'privilege-escalation'], ['Containers']),
  technique('T1003', ['impact'], ['Windows']),
]);
const sourcePlatforms = { syscall: ['Linux', 'Containers'] };
const RULES = `- rule: Plain
  desc: d
  condition: evt.type = execve
  output: o
  priority: WARNING
- rule: Executes
  desc: d
  condition: evt.type = execve
  output: o
  priority: WARNING
  tags: [mitre_execution, t1059]
`;
const ruleset = rulesetFromTexts([{ path: 'r.yaml', text: RULES }]);
const plain = ruleset.rules[0]!;
const executes = ruleset.rules[1]!;
const T = (id: string) => catalog.techniques.get(id)!;

describe('tagsFor', () => {
  it('adds the technique and its first tactic in matrix order, or the tactic asked for when it is the technique’s', () => {
    expect(tagsFor(T('T1611'), plain, catalog)).toEqual(['mitre_privilege_escalation', 'T1611']);
    expect(tagsFor(T('T1611'), plain, catalog, 'execution')).toEqual(['mitre_execution', 'T1611']);
    expect(tagsFor(T('T1611'), plain, catalog, 'persistence')).toEqual(['mitre_privilege_escalation', 'T1611']);
  });
  it('adds no tactic the rule already claims, and not the technique it already has (in any case)', () => {
    expect(tagsFor(T('T1611'), executes, catalog)).toEqual(['T1611']);
    expect(tagsFor(T('T1059'), executes, catalog)).toEqual([]);
  });
  it('adds only the technique when it has no tactic', () => {
    expect(tagsFor(T('T1001'), plain, catalog)).toEqual(['T1001']);
  });
});

describe('tagProblems', () => {
  it('is empty for tags lint accepts, and says why for each it refuses', () => {
    expect(tagProblems(plain, ['mitre_execution', 'T1059'], catalog, sourcePlatforms)).toEqual([]);
    const problems = tagProblems(plain, ['mitre_persistence', 'T1547'], catalog, sourcePlatforms);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => /^[a-z-]+: /.test(p))).toBe(true);
    expect(problems.join('\n')).toMatch(/platform-mismatch/);
    expect(tagProblems(plain, ['T1000'], catalog, sourcePlatforms).join('\n')).toMatch(/revoked/);
  });
  it('blames only the added tags, not what the rule had already', () => {
    const bad = rulesetFromTexts([{ path: 'b.yaml', text: '- rule: Bad\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  tags: [mitre_persistence, T1547]\n' }]).rules[0]!;
    expect(tagProblems(bad, ['mitre_execution', 'T1059'], catalog, sourcePlatforms)).toEqual([]);
    // the same tag added again: one finding, that the added tag repeats one the rule has (Falco keeps it once),
    // and not the rule's own platform-mismatch on T1547, which its first writing carries
    expect(tagProblems(bad, ['T1547'], catalog, sourcePlatforms)).toEqual(['repeated-tag: "T1547" is already among the rule\'s tags; Falco keeps it once, so this one can go']);
  });
});

describe('withTags and taggedTechniques', () => {
  it('appends tags that point nowhere yet, and reads back technique IDs only', () => {
    const tagged = withTags(plain, ['mitre_execution', 'T1059']);
    expect(tagged.tags.map((t) => [t.value, t.file, t.line, t.column])).toEqual([['mitre_execution', 'r.yaml', 0, 1], ['T1059', 'r.yaml', 0, 2]]);
    expect(plain.tags).toEqual([]);
    expect(taggedTechniques(tagged)).toEqual(['T1059']);
    expect(taggedTechniques(executes)).toEqual(['T1059']);
  });

  it('reads the techniques of several tags written as one: the rule is tagged, as its author meant (lint splits them)', () => {
    expect(taggedTechniques(withTags(plain, ['container, T1059.004; mitre_execution', 'T1611', 'a,b', 'T1059.004']))).toEqual(['T1059.004', 'T1611', 'T1059.004']);
    expect(taggedTechniques(withTags(plain, ['mitre_execution, container']))).toEqual([]);
  });
});

const suggestion = (rule: string, ...scores: [string, number][]): RuleSuggestion => ({
  rule, file: 'r.yaml', line: 1, source: 'syscall', existing: [], rejected: [],
  candidates: scores.map(([technique, score]) => ({ technique, name: technique, score, tags: ['mitre_execution', technique], logSources: [], evidence: [], matchedIn: [], by: 'ranker' as const })),
});

describe('selectByScore', () => {
  it('takes the first candidate of each known rule when it reaches the score', () => {
    const chosen = selectByScore([suggestion('Plain', ['T1059', 0.5], ['T1611', 0.9]), suggestion('Executes', ['T1611', 0.49]), suggestion('Gone', ['T1059', 1]), suggestion('Plain')], ruleset, 0.5);
    expect(chosen).toEqual([{ rule: plain, tags: ['mitre_execution', 'T1059'] }]);
  });
});

describe('selectFromReviewed', () => {
  const review = (entries: unknown) => selectFromReviewed({ suggestions: entries }, ruleset, catalog, sourcePlatforms);

  it('takes the first candidate left per rule, re-deriving its tags (the tactic from the file’s tags when it fits)', () => {
    const picked = review([
      { rule: 'Plain', candidates: [{ technique: 't1611', tags: ['mitre_execution', 'T1611'] }, { technique: 'T1059' }] },
      { rule: 'Executes', candidates: [{ technique: 'T1611', tags: ['mitre_persistence', 'T1611'] }] },
    ]);
    expect(picked.additions.map((a) => [a.rule.name, a.tags])).toEqual([['Plain', ['mitre_execution', 'T1611']], ['Executes', ['T1611']]]);
    expect(picked.refused).toEqual([]);
  });
  it('reads the tactic of a tag written with underscores', () => {
    expect(review([{ rule: 'Plain', candidates: [{ technique: 'T1612', tags: ['T1612', 'mitre_privilege_escalation'] }] }]).additions.map((a) => a.tags)).toEqual([['mitre_privilege_escalation', 'T1612']]);
    expect(review([{ rule: 'Plain', candidates: [{ technique: 'T1612', tags: 'mitre_privilege_escalation' }] }]).additions.map((a) => a.tags)).toEqual([['mitre_execution', 'T1612']]);
    expect(review([{ rule: 'Plain', candidates: [{ technique: 'T1612', tags: [3, 'privilege_escalation'] }] }]).additions.map((a) => a.tags)).toEqual([['mitre_execution', 'T1612']]);
  });
  it('gives a second accepted technique of the same tactic no second tactic tag', () => {
    const picked = review([{ rule: 'Plain', candidates: [{ technique: 'T1059', accept: true }, { technique: 'T1612', accept: true }] }]);
    expect(picked.additions.map((a) => a.tags)).toEqual([['mitre_execution', 'T1059', 'T1612']]);
  });
  it('with "accept" marks, applies the accepted ones only, one tactic per rule', () => {
    const picked = review([
      { rule: 'Plain', candidates: [{ technique: 'T1611', accept: true, tags: ['T1611'] }, { technique: 'T1059', accept: true }, { technique: 'T1001', accept: 'yes' }] },
      { rule: 'Executes', candidates: [{ technique: 'T1611' }] },
    ]);
    expect(picked.additions.map((a) => [a.rule.name, a.tags])).toEqual([['Plain', ['mitre_privilege_escalation', 'T1611', 'mitre_execution', 'T1059']]]);
  });
  it('refuses unknown rules, unknown or missing techniques, what lint refuses and what the rule has, with why', () => {
    const picked = review([
      { rule: 'Nope', candidates: [{ technique: 'T1059' }] },
      { rule: 'Plain', candidates: [{ technique: 'T9999' }] },
      { rule: 'Plain', candidates: [{}] },
      { rule: 'Plain', candidates: [{ technique: 'T1547' }] },
      { rule: 'Executes', candidates: [{ technique: 'T1059' }] },
      { rule: 7, candidates: [{ technique: 'T1059' }] },
    ]);
    expect(picked.additions).toEqual([]);
    expect(picked.refused.map((r) => [r.rule, r.technique, r.reason.replace(/:.*/s, ':…')])).toEqual([
      ['Nope', 'T1059', 'no such rule in the --rules files'],
      ['Plain', 'T9999', 'no technique T9999 in ATT&CK 18.1'],
      ['Plain', '', 'no technique (none given) in ATT&CK 18.1'],
      ['Plain', 'T1547', 'platform-mismatch:…'],
      ['Executes', 'T1059', 'the rule already has these tags'],
      ['', 'T1059', 'no such rule in the --rules files'],
    ]);
  });
  it('gives every reason lint refuses a technique for', () => {
    expect(review([{ rule: 'Plain', candidates: [{ technique: 'T1003' }] }]).refused.map((r) => r.reason)).toEqual(['unknown-tactic: "mitre_impact" names no ATT&CK tactic; platform-mismatch: T1003 targets Windows, which the syscall source cannot observe']);
  });
  it('reads nothing from a file that is not a suggestions file', () => {
    for (const junk of [null, 'text', { suggestions: 'x' }, { suggestions: [null, { rule: 'Plain' }, { rule: 'Plain', candidates: 'x' }] }]) {
      expect(selectFromReviewed(junk, ruleset, catalog, sourcePlatforms)).toEqual({ additions: [], refused: [] });
    }
  });
  it('refuses a candidate left empty (null) instead of failing, and skips it among accepted ones', () => {
    expect(review([{ rule: 'Plain', candidates: [null] }])).toEqual({ additions: [], refused: [{ rule: 'Plain', technique: '', reason: 'no technique (none given) in ATT&CK 18.1' }] });
    expect(review([{ rule: 'Plain', candidates: [null, { technique: 'T1059', accept: true }] }]).additions.map((a) => a.tags)).toEqual([['mitre_execution', 'T1059']]);
  });
});
