// suggest from end to end on a hand-made catalogue and ruleset (no real bundle): which rules are looked
// at, the query-side IDF, reference rules and their votes, candidates lint would refuse dropped, the cap
// per rule; then the LLM mode's prompt and the checks every model answer goes through.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import { buildSuggestMessages, checkModelChoices, readSuggestAnswer, SUGGEST_SCHEMA } from '../../../src/suggest/llm.js';
import { indexCache, isSuggestedFor, referenceRules, rulesetTerms, suggestForRule, suggestTags, type SuggestContext } from '../../../src/suggest/suggest.js';
import { buildTechniqueIndex, candidateTechniques } from '../../../src/suggest/technique-index.js';
import type { RuleSuggestion } from '../../../src/suggest/types.js';
import { technique, tinyCatalog } from '../../helpers/tiny-catalog.js';

/** Shell and cron techniques on Linux, a container escape, a Windows and macOS shell one, a revoked and a deprecated one, one under an unknown tactic. */
const catalog = tinyCatalog([
  technique('T1059', ['execution'], ['Linux'], { name: 'Unix Shell', description: 'Adversaries run shell commands.' }),
  technique('T1053', ['execution', 'persistence'], ['Linux'], { name: 'Cron', description: 'Adversaries edit crontab entries.' }),
  technique('T1611', ['privilege-escalation'], ['Containers'], { name: 'Escape to Host', description: 'Adversaries escape a container to the host.' }),
  technique('T1547', ['persistence'], ['Windows', 'macOS'], { name: 'Shell Startup', description: 'Windows shell startup.' }),
  technique('T1000', ['execution'], ['Linux'], { name: 'Old Shell', description: 'shell', isRevoked: true }),
  technique('T1001', ['execution'], ['Linux'], { name: 'Older Shell', description: 'shell', isDeprecated: true }),
  technique('T1002', ['impact'], ['Linux'], { name: 'Shell Impact', description: 'shell shell shell' }),
]);
const sourcePlatforms = { syscall: ['Linux', 'Containers'] };
const rule = (name: string, condition: string, extra = '') => `- rule: ${name}\n  desc: ${name}\n  condition: ${condition}\n  output: o\n  priority: WARNING\n${extra}`;
const RULES = [
  rule('Shell spawned', 'evt.type = execve and proc.name = bash'),
  rule('Crontab edited', 'evt.type = open and fd.name = /etc/crontab'),
  rule('Tagged shell', 'evt.type = execve and proc.name = zsh', '  tags: [mitre_execution, T1059]\n'),
  rule('Disabled shell', 'proc.name = sh', '  enabled: false\n'),
  rule('Audit thing', 'ka.verb = create', '  source: k8s_audit\n'),
].join('');
const ruleset = rulesetFromTexts([{ path: 'r.yaml', text: RULES }]);
const context: SuggestContext = { catalog, ruleset, sourcePlatforms };
const named = (name: string) => ruleset.rules.find((r) => r.name === name)!;

describe('technique index', () => {
  it('holds the current techniques of the observed platforms, sorted by ID', () => {
    expect(candidateTechniques(catalog, ['Linux', 'Containers']).map((t) => t.id)).toEqual(['T1002', 'T1053', 'T1059', 'T1611']);
    expect(candidateTechniques(catalog, ['Windows']).map((t) => t.id)).toEqual(['T1547']);
  });
  it('is built once per source, and not at all for a source without platforms', () => {
    const indexFor = indexCache(context);
    expect(indexFor('syscall')).toBe(indexFor('syscall'));
    expect(indexFor('k8s_audit')).toBeUndefined();
    expect([...indexFor('syscall')!.techniques.keys()]).toEqual(['T1002', 'T1053', 'T1059', 'T1611']);
  });
  it('searches procedures from atomics for the source’s platforms, passing over files that are not atomics', () => {
    const atomic = (id: string, platform: string, command: string) => `attack_technique: ${id}\natomic_tests:\n- name: t\n  supported_platforms: [${platform}]\n  executor:\n    command: ${command}\n`;
    const indexFor = indexCache({ catalog, sourcePlatforms, atomics: [atomic('T1611', 'linux', 'nsenter'), atomic('T1611', 'containers', 'unshare'), atomic('T1053', 'windows', 'nsenter'), 'not: [an atomics file'] });
    expect(indexFor('syscall')!.search.search('nsenter').map((r) => r.id)).toEqual(['T1611']);
    expect(indexFor('syscall')!.search.search('unshar').map((r) => r.id)).toEqual(['T1611']);
    expect(indexFor('syscall')!.search.termCount - indexCache(context)('syscall')!.search.termCount).toBe(2); // nsenter and unshar, nothing more
  });
  it('files an atomic numbered for a later ATT&CK under the catalog\'s ID for it, and only where the catalog lacks its own', () => {
    const atomic = (id: string, command: string) => `attack_technique: ${id}\natomic_tests:\n- name: t\n  supported_platforms: [linux]\n  executor:\n    command: ${command}\n`;
    // T1685 is a later ATT&CK's number for T1611 here; T1059 is renumbered too, but the catalog has T1059 itself.
    const renumbering = { from: '19', to: 'tiny', ids: [{ from: 'T1685', fromName: 'x', to: 'T1611', toName: 'y' }, { from: 'T1059', fromName: 'x', to: 'T1053', toName: 'y' }] };
    const indexFor = indexCache({ catalog, sourcePlatforms, atomics: [atomic('T1685', 'nsenter'), atomic('T1059', 'zshword')], renumbering });
    expect(indexFor('syscall')!.search.search('nsenter').map((r) => r.id)).toEqual(['T1611']);
    expect(indexFor('syscall')!.search.search('zshword').map((r) => r.id)).toEqual(['T1059']);
    // Without the table, the atomic stays under its own ID, which the catalog does not have: its text is lost.
    expect(indexCache({ catalog, sourcePlatforms, atomics: [atomic('T1685', 'nsenter')] })('syscall')!.search.search('nsenter')).toEqual([]);
  });

  it('records the log sources of analytics on the observed platforms that the source maps to, once each and sorted', () => {
    const withDetections = tinyCatalog([...catalog.techniques.values()], [['T1059', [{ id: 'D', name: 'shell strategy', analytics: [
      { id: 'A1', platforms: ['Linux'], description: 'process creation', logSources: [{ name: 'linux:syslog', channel: 'x' }, { name: 'auditd:SYSCALL', channel: 'execve' }, { name: 'auditd:SYSCALL', channel: 'y' }] },
      { id: 'A2', platforms: ['Windows'], description: 'windows only', logSources: [{ name: 'auditd:EXECVE', channel: 'wineventchannel' }] },
      { id: 'A3', platforms: ['Windows', 'Linux'], description: 'both', logSources: [{ name: 'auditd:PATH', channel: 'p' }] },
    ] }]]]);
    const index = buildTechniqueIndex(withDetections, 'syscall', ['Linux'], new Map(), [{ name: 'auditd:*', source: 'syscall', why: '' }]);
    expect(index.logSources.get('T1059')).toEqual(['auditd:PATH', 'auditd:SYSCALL']);
    const both = buildTechniqueIndex(withDetections, 'syscall', ['Linux'], new Map(), [{ name: 'auditd:*', source: 'syscall', why: '' }, { name: 'linux:syslog', source: 'syscall', why: '' }]);
    expect(both.logSources.get('T1059')).toEqual(['auditd:PATH', 'auditd:SYSCALL', 'linux:syslog']);
    expect(indexCache({ catalog: withDetections, sourcePlatforms })('syscall')!.logSources.get('T1059')).toEqual([]); // no mapping given: none
    expect(index.logSources.get('T1053')).toEqual([]);
    expect(index.search.search('creation').map((r) => r.id)).toEqual(['T1059']);
    expect(index.search.search('wineventchannel')).toEqual([]);
  });
  it('finds a sub-technique by its parent’s name, and a technique by its own detection text, its strategies’ names and its analytics’ channels', () => {
    const family = tinyCatalog([
      technique('T1059', ['execution'], ['Linux'], { name: 'Zebra Interpreter' }),
      technique('T1059.004', ['execution'], ['Linux'], { name: 'Unix Shell', isSubtechnique: true, parent: 'T1059' }),
      technique('T1059.009', ['execution'], ['Linux'], { name: 'Orphan', isSubtechnique: true, parent: 'T1058' }),
      technique('T1053', ['execution'], ['Linux'], { name: 'Cron', detection: 'Monitor okapi jobs.' }),
    ], [['T1053', [{ id: 'D', name: 'anvil strategy', analytics: [
      { id: 'A', platforms: ['Linux'], description: 'd', logSources: [{ name: 'auditd:SYSCALL', channel: 'quokka' }] },
      { id: 'B', platforms: ['Windows', 'Linux'], description: 'wombat', logSources: [] },
    ] }]]]);
    const index = buildTechniqueIndex(family, 'syscall', ['Linux'], new Map([['T1053', ['ferret', 'gopher']]]));
    const found = (word: string) => index.search.search(word).map((r) => r.id).sort();
    expect(found('zebra')).toEqual(['T1059', 'T1059.004']);
    expect(found('orphan')).toEqual(['T1059.009']);
    expect(found('okapi')).toEqual(['T1053']);
    expect(found('anvil')).toEqual(['T1053']);
    expect(found('quokka')).toEqual(['T1053']);
    expect(found('wombat')).toEqual(['T1053']); // an analytic on an observed platform among others
    expect([found('ferret'), found('gopher')]).toEqual([['T1053'], ['T1053']]); // each procedure text a word apart
    // and nothing else: zebra interpret unix shell orphan cron monitor okapi job anvil strategi quokka wombat ferret gopher
    expect(index.search.termCount).toBe(15);
    expect(index.search.search('zebra').find((r) => r.id === 'T1059.004')!.match).toEqual({ zebra: ['parent'] });
  });
  it('counts a word in a technique’s name three times a word in its description', () => {
    const mirrored = tinyCatalog([
      technique('T1', ['execution'], ['Linux'], { name: 'Okapi', description: 'Zebra' }),
      technique('T2', ['execution'], ['Linux'], { name: 'Zebra', description: 'Okapi' }),
    ]);
    const scores = Object.fromEntries(buildTechniqueIndex(mirrored, 'syscall', ['Linux']).search.search('okapi').map((r) => [r.id, r.score]));
    expect(scores.T1! / scores.T2!).toBeCloseTo(3, 10);
  });
});

describe('which rules', () => {
  it('untagged enabled rules by default; tagged ones with isAll; disabled ones when asked; a name filter', () => {
    const picked = (options: Parameters<typeof isSuggestedFor>[1]) => ruleset.rules.filter((r) => isSuggestedFor(r, options)).map((r) => r.name);
    expect(picked({ top: 1 })).toEqual(['Shell spawned', 'Crontab edited', 'Audit thing']);
    expect(picked({ top: 1, isAll: true })).toEqual(['Shell spawned', 'Crontab edited', 'Tagged shell', 'Audit thing']);
    expect(picked({ top: 1, isDisabledIncluded: true })).toEqual(['Shell spawned', 'Crontab edited', 'Disabled shell', 'Audit thing']);
    expect(picked({ top: 1, isAll: true, ruleNames: new Set(['Tagged shell', 'Disabled shell']) })).toEqual(['Tagged shell']);
  });
});

describe('rulesetTerms', () => {
  it('keeps full weight for terms in up to 30% of a source’s rules and less beyond', () => {
    const many = rulesetFromTexts([{ path: 'm.yaml', text: Array.from({ length: 10 }, (_, i) => rule(`Rule ${'x'.repeat(i + 3)}`, i < 3 ? 'proc.name = alpha' : i < 7 ? 'proc.name = beta' : 'proc.name = gamma')).join('') }]);
    const terms = rulesetTerms(many);
    const weight = (i: number, term: string) => terms.get(many.rules[i]!)!.find((t) => t.term === term)!.weight;
    expect(weight(0, 'alpha')).toBeCloseTo(1.5, 12); // 3 of 10: full weight
    expect(weight(3, 'beta')).toBeCloseTo(1.5 * (Math.log(1 + 10 / 4) / Math.log(1 + 1 / 0.3)), 12);
    expect(weight(0, 'proc')).toBeCloseTo(0.3 * (Math.log(2) / Math.log(1 + 1 / 0.3)), 12);
  });
  it('counts each source apart', () => {
    const mixed = rulesetFromTexts([{ path: 'm.yaml', text: rule('One', 'proc.name = alpha') + rule('Two', 'proc.name = alpha', '  source: other\n') + rule('Three', 'proc.name = beta', '  source: other\n') + rule('Four', 'proc.name = beta') + rule('Five', 'proc.name = beta', '  source: third\n') }]);
    const terms = rulesetTerms(mixed);
    const weight = (i: number, term: string) => terms.get(mixed.rules[i]!)!.find((t) => t.term === term)!.weight;
    expect(weight(0, 'alpha')).toBeCloseTo(1.5 * (Math.log(3) / Math.log(1 + 1 / 0.3)), 12);
    expect(weight(4, 'beta')).toBeCloseTo(1.5 * (Math.log(2) / Math.log(1 + 1 / 0.3)), 12);
  });
});

describe('referenceRules', () => {
  it('are the tagged rules with their techniques, once each and sorted', () => {
    const tagged = rulesetFromTexts([{ path: 't.yaml', text: rule('Twice', 'proc.name = a', '  tags: [T1611, T1059, t1059, mitre_execution]\n') + rule('None', 'proc.name = b') }]);
    expect(referenceRules(tagged).map((r) => [r.name, r.file, r.techniques, r.terms.length > 0])).toEqual([['Twice', 't.yaml', ['T1059', 'T1611'], true]]);
  });
});

describe('suggestTags', () => {
  it('ranks techniques for each selected rule of a source with platforms, with the tags they would add', () => {
    const result = suggestTags(context, { top: 2 });
    expect(result.map((s) => s.rule)).toEqual(['Shell spawned', 'Crontab edited']);
    const [shell, cron] = result;
    expect(shell).toMatchObject({ file: 'r.yaml', line: 1, source: 'syscall', existing: [], rejected: [] });
    expect(shell!.candidates.map((c) => [c.technique, c.tags, c.by])).toEqual([['T1059', ['mitre_execution', 'T1059'], 'ranker']]);
    expect(cron!.candidates[0]!.technique).toBe('T1053');
    expect(cron!.candidates[0]!.name).toBe('Cron');
    expect(cron!.line).toBe(6);
  });
  it('drops what lint would refuse (a tactic ATT&CK does not have) and stops at top', () => {
    const index = indexCache(context)('syscall')!;
    const terms = rulesetTerms(ruleset).get(named('Shell spawned'))!;
    const shellish = [...terms, { term: 'impact', weight: 3, origins: [] }, { term: 'cron', weight: 1, origins: [] }, { term: 'escap', weight: 1, origins: [] }];
    const all = suggestForRule(named('Shell spawned'), shellish, context, index, 5);
    expect(all.candidates.map((c) => c.technique)).not.toContain('T1002');
    expect(all.candidates.map((c) => c.technique).sort()).toEqual(['T1053', 'T1059', 'T1611']);
    expect(suggestForRule(named('Shell spawned'), shellish, context, index, 1).candidates).toHaveLength(1);
    expect(suggestForRule(named('Shell spawned'), shellish, context, index, 2).candidates).toHaveLength(2);
  });
  it('with isAll, never proposes what a rule has; the ruleset’s tagged rules vote for their techniques', () => {
    const result = suggestTags(context, { top: 3, isAll: true });
    const tagged = result.find((s) => s.rule === 'Tagged shell')!;
    expect(tagged.existing).toEqual(['T1059']);
    expect(tagged.candidates.map((c) => c.technique)).not.toContain('T1059');
    const shell = result.find((s) => s.rule === 'Shell spawned')!;
    expect(shell.candidates[0]!.evidence[0]).toEqual({ kind: 'similar-rule', value: 'Tagged shell', terms: expect.any(Array) });
  });
  it('learns from reference rules, the ruleset’s own rule winning over a reference of the same name', () => {
    const references = [
      { name: 'Crontab edited', file: 'ref.yaml', source: 'syscall', techniques: ['T1611'], terms: [{ term: 'crontab', weight: 1, origins: [] }] },
      { name: 'Ref cron', file: 'ref.yaml', source: 'syscall', techniques: ['T1611'], terms: [{ term: 'crontab', weight: 1, origins: [] }, { term: 'etc', weight: 1, origins: [] }] },
      { name: 'Ref shell', file: 'ref.yaml', source: 'syscall', techniques: ['T1059'], terms: [{ term: 'crontab', weight: 1, origins: [] }, { term: 'bash', weight: 1, origins: [] }] },
      { name: 'Tagged shell', file: 'ref.yaml', source: 'syscall', techniques: ['T1611'], terms: [{ term: 'shell', weight: 1, origins: [] }, { term: 'bash', weight: 1, origins: [] }] },
    ];
    const result = suggestTags({ ...context, references }, { top: 3 });
    const similar = (rule: string) => result.find((s) => s.rule === rule)!.candidates.flatMap((c) => c.evidence.filter((e) => e.kind === 'similar-rule').map((e) => `${c.technique} ${e.value}`));
    // each technique's evidence names only the neighbours that tag it
    expect(similar('Crontab edited')).toEqual(expect.arrayContaining(['T1611 Ref cron', 'T1059 Ref shell']));
    expect(similar('Crontab edited')).not.toContain('T1611 Ref shell');
    // the reference named like the ruleset's tagged rule 'Tagged shell' (T1059) does not vote for T1611
    expect(similar('Shell spawned').filter((e) => e.endsWith('Tagged shell'))).toEqual(['T1059 Tagged shell']);
  });
});

describe('LLM mode', () => {
  const suggestion: RuleSuggestion = { rule: 'Shell spawned', file: 'r.yaml', line: 1, source: 'syscall', existing: ['T1611'], rejected: [], candidates: [
    { technique: 'T1059', name: 'Unix Shell', score: 0.42, tags: ['mitre_execution', 'T1059'], logSources: ['auditd:SYSCALL'], evidence: [{ kind: 'process', value: 'bash', terms: ['bash'] }, { kind: 'similar-rule', value: 'Other', terms: [] }], matchedIn: ['name'], by: 'ranker' },
  ] };
  it('prompts with the rule, its platforms, what it has and the offline candidates with their evidence', () => {
    const [system, user] = buildSuggestMessages(named('Shell spawned'), suggestion, ['Linux', 'Containers'], '18.1');
    expect(system!.role).toBe('system');
    expect(system!.content).toMatch(/^You map Falco detection rules to MITRE ATT&CK/);
    expect(user).toEqual({ role: 'user', content: [
      'ATT&CK Enterprise 18.1. Falco source: syscall (observes ATT&CK platforms: Linux, Containers).',
      'Rule: Shell spawned',
      'Description: Shell spawned',
      'Condition: evt.type = execve and proc.name = bash',
      'Output: o',
      'Already tagged: T1611',
      'Candidates from an offline ranker:\n- T1059 Unix Shell (score 0.42); evidence: process bash [bash]; similar-rule Other',
    ].join('\n') });
    const bare = buildSuggestMessages(named('Shell spawned'), { ...suggestion, existing: [], candidates: [] }, ['Linux'], '18.1')[1]!.content;
    expect(bare).toBe([
      'ATT&CK Enterprise 18.1. Falco source: syscall (observes ATT&CK platforms: Linux).',
      'Rule: Shell spawned',
      'Description: Shell spawned',
      'Condition: evt.type = execve and proc.name = bash',
      'Output: o',
      'Candidates from an offline ranker:\n(none)',
    ].join('\n'));
  });
  it('trims the rule’s texts and lists every candidate, existing technique and evidence term', () => {
    const spaced = { ...named('Shell spawned'), desc: '  A shell.\n', condition: ' proc.name = bash\n', output: ' shell (user=%user.name)\n' };
    const two = { ...suggestion, existing: ['T1611', 'T1053'], candidates: [
      { ...suggestion.candidates[0]!, evidence: [{ kind: 'process' as const, value: 'bash', terms: ['bash', 'shell'] }] },
      { ...suggestion.candidates[0]!, technique: 'T1053', name: 'Cron', score: 0.1, evidence: [] },
    ] };
    expect(buildSuggestMessages(spaced, two, ['Linux'], '18.1')[1]!.content.split('\n').slice(2)).toEqual([
      'Description: A shell.',
      'Condition: proc.name = bash',
      'Output: shell (user=%user.name)',
      'Already tagged: T1611, T1053',
      'Candidates from an offline ranker:',
      '- T1059 Unix Shell (score 0.42); evidence: process bash [bash, shell]',
      '- T1053 Cron (score 0.1); evidence: ',
    ]);
  });
  it('asks for what OpenAI’s strict structured output accepts: every object closed, every property required', () => {
    // https://platform.openai.com/docs/guides/structured-outputs#supported-schemas: an optional property is made nullable, not left out of `required`.
    const objects = [SUGGEST_SCHEMA, SUGGEST_SCHEMA.properties.choices.items];
    for (const o of objects) expect([o.additionalProperties, [...o.required].sort()]).toEqual([false, Object.keys(o.properties).sort()]);
  });
  it('its schema admits the answers readSuggestAnswer reads, and nothing else', () => {
    const isValid = new Ajv({ strict: true, allowUnionTypes: true }).compile(SUGGEST_SCHEMA);
    const choice = { technique: 'T1059', tactic: 'execution', reason: 'runs bash' };
    const table: [unknown, boolean][] = [
      [{ choices: [choice, { ...choice, tactic: null }] }, true],
      [{ choices: [] }, true],
      [{ choices: [choice, choice, choice, choice] }, false], // at most three
      [{}, false],
      [{ choices: {} }, false],
      [{ choices: [choice], extra: 1 }, false],
      [{ choices: ['T1059'] }, false],
      [{ choices: [{ ...choice, extra: 1 }] }, false],
      [{ choices: [{ tactic: 'execution', reason: 'r' }] }, false],
      [{ choices: [{ technique: 'T1059', tactic: 'execution' }] }, false],
      [{ choices: [{ technique: 'T1059', reason: 'r' }] }, false],
      [{ choices: [{ ...choice, technique: 1059 }] }, false],
      [{ choices: [{ ...choice, tactic: 3 }] }, false],
      [{ choices: [{ ...choice, reason: true }] }, false],
    ];
    expect(table.map(([answer]) => isValid(answer))).toEqual(table.map(([, valid]) => valid));
    expect(readSuggestAnswer({ choices: [{ ...choice, tactic: null }] })).toEqual({ choices: [{ technique: 'T1059', reason: 'runs bash' }] });
  });
  it('reads up to three choices, normalizing IDs and tactics, skipping choices without a technique', () => {
    expect(readSuggestAnswer({ choices: [{ technique: ' t1059 ', tactic: ' MITRE_Privilege_Escalation ', reason: 'r' }, null, { technique: 'T1053', reason: 7 }, { technique: 'T1611' }] })).toEqual({ choices: [
      { technique: 'T1059', tactic: 'privilege-escalation', reason: 'r' },
      { technique: 'T1053', reason: '' },
    ] });
    expect(readSuggestAnswer({ choices: [{ technique: 5, reason: 'r' }, { technique: 'T1', tactic: 3, reason: 'r' }] })).toEqual({ choices: [{ technique: 'T1', reason: 'r' }] });
    expect(readSuggestAnswer(null)).toEqual({ error: 'the answer has no "choices" list' });
    expect(readSuggestAnswer({ choices: [{ technique: 'T1', tactic: 'not_mitre_x', reason: '' }] })).toEqual({ choices: [{ technique: 'T1', tactic: 'not-mitre-x', reason: '' }] }); // only a leading mitre_ goes
    expect(readSuggestAnswer({ choices: {} })).toEqual({ error: 'the answer has no "choices" list' });
  });
  it('checks each choice: exists, current, observable, not already there, tags lint accepts', () => {
    const index = indexCache(context)('syscall')!;
    const checked = checkModelChoices([
      { technique: 'T9999', reason: 'made up' },
      { technique: 'T1000', reason: 'revoked' },
      { technique: 'T1001', reason: 'deprecated' },
      { technique: 'T1547', reason: 'windows' },
      { technique: 'T1611', reason: 'already tagged' },
      { technique: 'T1053', tactic: 'privilege-escalation', reason: 'wrong tactic' },
      { technique: 'T1059', tactic: 'execution', reason: 'runs bash' },
      { technique: 'T1059', reason: 'twice' },
      { technique: 'T1053', tactic: 'persistence', reason: 'cron' },
      { technique: 'T1002', tactic: 'execution', reason: 'two problems' },
    ], named('Shell spawned'), suggestion, catalog, index, sourcePlatforms);
    expect(checked.rejected).toEqual([
      { technique: 'T9999', reason: 'no technique T9999 in ATT&CK 18.1' },
      { technique: 'T1000', reason: 'T1000 is revoked' },
      { technique: 'T1001', reason: 'T1001 is deprecated' },
      { technique: 'T1547', reason: 'T1547 (Windows, macOS) is not on a platform the syscall source observes (Linux, Containers)' },
      { technique: 'T1053', reason: 'tactic-mismatch: T1053 does not belong to privilege-escalation (its tactics: execution, persistence)' },
      { technique: 'T1002', reason: 'tactic-mismatch: T1002 does not belong to execution (its tactics: impact); unknown-tactic: "mitre_impact" names no ATT&CK tactic' },
    ]);
    expect(checked.candidates).toEqual([
      { ...suggestion.candidates[0], tags: ['mitre_execution', 'T1059'], reason: 'runs bash', by: 'model' },
      { technique: 'T1053', name: 'Cron', score: 0, logSources: [], evidence: [], matchedIn: [], tags: ['mitre_persistence', 'T1053'], reason: 'cron', by: 'model' },
    ]);
  });
  it('names no platforms for a source it does not know', () => {
    const audit = named('Audit thing');
    const checked = checkModelChoices([{ technique: 'T1547', reason: 'x' }], audit, { ...suggestion, source: 'k8s_audit' }, catalog, indexCache(context)('syscall')!, sourcePlatforms);
    expect(checked.rejected).toEqual([{ technique: 'T1547', reason: 'T1547 (Windows, macOS) is not on a platform the k8s_audit source observes ()' }]);
  });
});
