// The ranker, the tag checks, the model's answers and the reviewed-file selection on real data: ATT&CK
// 18.1, the k8saudit rules and the official Falco rules as embedded (the Kubernetes rules are the use
// case: untagged; the official ones are the tagged references).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBundleFile } from '../../../src/attack/load.js';
import type { Catalog } from '../../../src/attack/types.js';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import type { Ruleset } from '../../../src/falco/types.js';
import { checkModelChoices, readSuggestAnswer } from '../../../src/suggest/llm.js';
import { buildNeighbourIndex, nearestRules } from '../../../src/suggest/neighbours.js';
import { selectByScore, selectFromReviewed } from '../../../src/suggest/select.js';
import { indexCache, referenceRules, rulesetTerms, suggestTags, type SuggestContext } from '../../../src/suggest/suggest.js';
import { tagProblems, tagsFor } from '../../../src/suggest/tags.js';
import type { RuleSuggestion } from '../../../src/suggest/types.js';
import { readLogSourceMap, readSourcePlatforms } from '../../../src/upstream.js';
import { BUNDLE_18, embedded, OFFICIAL_RULES } from '../../helpers/paths.js';

const K8S = embedded('falco-plugins', 'k8s_audit_rules.yaml');
let catalog: Catalog;
let k8s: Ruleset;
let context: SuggestContext;
let suggestions: RuleSuggestion[];
const sourcePlatforms = readSourcePlatforms();

beforeAll(async () => {
  catalog = (await readBundleFile(BUNDLE_18, 'ATT&CK 18.1', '18.1')).catalog;
  k8s = rulesetFromTexts([{ path: 'k8s_audit_rules.yaml', text: readFileSync(K8S, 'utf8') }]);
  const official = rulesetFromTexts(OFFICIAL_RULES.map((f) => ({ path: path.basename(f), text: readFileSync(f, 'utf8') })));
  const atomicsDir = embedded('atomic-red-team', 'atomics');
  const atomics = readdirSync(atomicsDir).map((id) => readFileSync(path.join(atomicsDir, id, `${id}.yaml`), 'utf8'));
  context = { catalog, ruleset: k8s, sourcePlatforms, atomics, references: referenceRules(official), logSources: readLogSourceMap() };
  suggestions = suggestTags(context, { top: 3 });
}, 60_000);

const of = (name: string) => suggestions.find((s) => s.rule === name)!;

describe('offline suggestions for the Kubernetes audit rules', () => {
  it('leads "Create Privileged Pod" with a container escape or deployment technique, with evidence', () => {
    const best = of('Create Privileged Pod').candidates[0]!;
    expect(['T1611', 'T1610']).toContain(best.technique);
    expect(best.tags).toEqual(best.technique === 'T1611' ? ['mitre_privilege_escalation', 'T1611'] : ['mitre_execution', 'T1610']);
    expect(best.evidence.some((e) => e.terms.includes('privileg'))).toBe(true);
    expect(best.evidence.map((e) => e.kind)).toEqual(expect.arrayContaining(['similar-rule', 'field']));
    expect(of('Create Privileged Pod').candidates.map((c) => c.technique)).toContain('T1610');
  });

  it('suggests for every untagged rule, only techniques its source observes, scores in 0–1, best first', () => {
    expect(suggestions).toHaveLength(48);
    for (const s of suggestions) {
      expect(s.candidates.length).toBeGreaterThan(0);
      for (const c of s.candidates) {
        expect(catalog.techniques.get(c.technique)!.platforms).toContain('Containers');
        expect(c.score).toBeGreaterThanOrEqual(0);
        expect(c.score).toBeLessThanOrEqual(1);
      }
      expect(s.candidates.map((c) => c.score)).toEqual([...s.candidates.map((c) => c.score)].sort((a, b) => b - a));
    }
    expect(of('K8s Role Created').candidates[0]!.technique).toBe('T1098.006');
  });

  it('is deterministic', () => {
    expect(JSON.stringify(suggestTags(context, { top: 3 }))).toBe(JSON.stringify(suggestions));
  });

  it('prefers techniques with analytics on a log source the source maps to', () => {
    const index = indexCache(context)('k8s_audit')!;
    expect(index.logSources.get('T1609')).toEqual(expect.arrayContaining(['kubernetes:apiserver']));
    expect(index.logSources.get('T1059.004') ?? []).toEqual([]);
  });

  it('with isAll, looks at tagged rules too and never proposes a technique they already have', () => {
    const tagged = rulesetFromTexts([{ path: 'r.yaml', text: '- rule: Shell in container\n  desc: a shell was spawned in a container\n  condition: evt.type = execve and proc.name in (bash, sh)\n  output: shell\n  priority: WARNING\n  tags: [mitre_execution, T1059.004]\n' }]);
    const result = suggestTags({ ...context, ruleset: tagged }, { top: 3, isAll: true });
    expect(result).toHaveLength(1);
    expect(result[0]!.existing).toEqual(['T1059.004']);
    expect(result[0]!.candidates.map((c) => c.technique)).not.toContain('T1059.004');
    expect(suggestTags({ ...context, ruleset: tagged }, { top: 3 })).toEqual([]);
  });
});

describe('similar tagged rules', () => {
  it('never count a rule as its own neighbour', () => {
    const official = rulesetFromTexts(OFFICIAL_RULES.map((f) => ({ path: path.basename(f), text: readFileSync(f, 'utf8') })));
    const terms = rulesetTerms(official);
    const index = buildNeighbourIndex(referenceRules(official, terms));
    const rule = official.rules.find((r) => r.name === 'Launch Privileged Container')!;
    const near = nearestRules(rule, terms.get(rule)!, index, new Set(['syscall']));
    expect(near.length).toBeGreaterThan(0);
    expect(near.map((n) => n.rule.name)).not.toContain('Launch Privileged Container');
  });
});

describe('tag checks on suggestions', () => {
  it('adds a tactic of the technique unless the rule names one already', () => {
    const rule = k8s.rules.find((r) => r.name === 'Create Privileged Pod')!;
    expect(tagsFor(catalog.techniques.get('T1610')!, rule, catalog)).toEqual(['mitre_execution', 'T1610']);
    expect(tagsFor(catalog.techniques.get('T1610')!, rule, catalog, 'defense-evasion')).toEqual(['mitre_defense_evasion', 'T1610']);
    expect(tagProblems(rule, ['mitre_execution', 'T1610'], catalog, sourcePlatforms)).toEqual([]);
  });

  it('refuses what lint refuses: a wrong tactic, a platform the source cannot see', () => {
    const rule = k8s.rules.find((r) => r.name === 'Create Privileged Pod')!;
    expect(tagProblems(rule, ['mitre_initial_access', 'T1611'], catalog, sourcePlatforms).join(' ')).toMatch(/tactic-mismatch/);
    expect(tagProblems(rule, ['mitre_persistence', 'T1547.001'], catalog, sourcePlatforms).join(' ')).toMatch(/platform-mismatch/);
  });
});

describe('the model\'s answers', () => {
  it('accepts a fitting choice with its reason and rejects the wrong platform, a wrong tactic and unknown IDs', () => {
    const rule = k8s.rules.find((r) => r.name === 'Create Privileged Pod')!;
    const answer = readSuggestAnswer({ choices: [{ technique: 'T1547.001', reason: 'registry' }, { technique: 't1611', tactic: 'mitre_execution', reason: 'x' }, { technique: 'T1610', tactic: 'execution', reason: 'deploys a container' }, { technique: 'T1059', reason: 'a fourth choice is not read' }] });
    if ('error' in answer) throw new Error(answer.error);
    const choices = [...answer.choices, { technique: 'T9999', reason: 'made up' }];
    const checked = checkModelChoices(choices, rule, of('Create Privileged Pod'), catalog, indexCache(context)('k8s_audit')!, sourcePlatforms);
    expect(checked.candidates.map((c) => [c.technique, c.by, c.reason])).toEqual([['T1610', 'model', 'deploys a container']]);
    expect(checked.rejected.map((r) => r.technique)).toEqual(['T1547.001', 'T1611', 'T9999']);
    expect(checked.rejected[0]!.reason).toMatch(/not on a platform the k8s_audit source observes/);
    expect(checked.rejected[1]!.reason).toMatch(/tactic-mismatch/);
    expect(readSuggestAnswer({ nope: 1 })).toEqual({ error: 'the answer has no "choices" list' });
  });
});

describe('choosing what to write', () => {
  it('takes the best candidate at or above the score', () => {
    const chosen = selectByScore(suggestions, k8s, 0.2);
    expect(chosen.length).toBeGreaterThan(0);
    for (const a of chosen) expect(of(a.rule.name).candidates[0]!.score).toBeGreaterThanOrEqual(0.2);
    expect(selectByScore(suggestions, k8s, 1)).toEqual([]);
  });

  it('from a reviewed file: the first candidate left per rule, or those marked accept; re-checked', () => {
    const reviewed = { suggestions: [{ rule: 'Create Privileged Pod', candidates: [{ technique: 'T1610', tags: ['mitre_defense_evasion', 'T1610'] }, { technique: 'T1611' }] }, { rule: 'No such rule', candidates: [{ technique: 'T1610' }] }] };
    const first = selectFromReviewed(reviewed, k8s, catalog, sourcePlatforms);
    expect(first.additions.map((a) => [a.rule.name, a.tags])).toEqual([['Create Privileged Pod', ['mitre_defense_evasion', 'T1610']]]);
    expect(first.refused.map((r) => r.reason)).toEqual(['no such rule in the --rules files']);
    const marked = { suggestions: [{ rule: 'Create Privileged Pod', candidates: [{ technique: 'T1610', accept: false }, { technique: 'T1611', accept: true }, { technique: 'T1610', accept: true }, { technique: 'T1547.001', accept: true }] }] };
    const picked = selectFromReviewed(marked, k8s, catalog, sourcePlatforms);
    expect(picked.additions.map((a) => a.tags)).toEqual([['mitre_privilege_escalation', 'T1611', 'mitre_execution', 'T1610']]);
    expect(picked.refused.map((r) => r.technique)).toEqual(['T1547.001']);
  });
});
