// LLM mode of suggestions, the pure parts: the prompt (the rule, its offline candidates with their
// evidence, the source's platforms), the answer's schema, and the checks every answer goes through —
// the technique exists, is current, fits the source, and its tags pass lint. Nothing is trusted as is.
import type { Catalog } from '../attack/types.js';
import type { ChatMessage } from '../draft/prompt.js';
import type { FalcoRule } from '../falco/types.js';
import { tagProblems, tagsFor } from './tags.js';
import type { TechniqueIndex } from './technique-index.js';
import type { Candidate, RuleSuggestion } from './types.js';

/** The JSON the model must return (OpenAI structured output, strict: every object closed, every property required). */
export const SUGGEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['choices'],
  properties: {
    choices: {
      type: 'array',
      maxItems: 3,
      items: {
        type: 'object',
        additionalProperties: false,
        // Strict structured output needs every property listed as required: an optional one is nullable instead.
        required: ['technique', 'tactic', 'reason'],
        properties: { technique: { type: 'string' }, tactic: { type: ['string', 'null'] }, reason: { type: 'string' } },
      },
    },
  },
} as const;

const SYSTEM = `You map Falco detection rules to MITRE ATT&CK Enterprise techniques. Choose the techniques whose
behaviour the rule's condition actually detects, best first, at most three, fewer when only one fits. Prefer
the candidates you are given; name another technique only when none of them fits and it is observable on the
rule's platforms. Give the ATT&CK tactic shortname you would tag it under and one sentence of reason that
points at the rule's condition. Answer with JSON: {"choices":[{"technique":"T…","tactic":"…","reason":"…"}]}.`;

export function buildSuggestMessages(rule: FalcoRule, suggestion: RuleSuggestion, platforms: string[], attackVersion: string): ChatMessage[] {
  const candidates = suggestion.candidates
    .map((c) => `- ${c.technique} ${c.name} (score ${c.score}); evidence: ${c.evidence.map((e) => `${e.kind} ${e.value}${e.terms.length ? ` [${e.terms.join(', ')}]` : ''}`).join('; ')}`)
    .join('\n');
  const user = [
    `ATT&CK Enterprise ${attackVersion}. Falco source: ${rule.source} (observes ATT&CK platforms: ${platforms.join(', ')}).`,
    `Rule: ${rule.name}`,
    `Description: ${rule.desc.trim()}`,
    `Condition: ${rule.condition.trim()}`,
    `Output: ${rule.output.trim()}`,
    ...(suggestion.existing.length ? [`Already tagged: ${suggestion.existing.join(', ')}`] : []),
    `Candidates from an offline ranker:\n${candidates || '(none)'}`,
  ].join('\n');
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: user },
  ];
}

export interface ModelChoice {
  technique: string;
  tactic?: string;
  reason: string;
}

/** The choices in a parsed answer, or why the answer is unusable. */
export function readSuggestAnswer(value: unknown): { choices: ModelChoice[] } | { error: string } {
  const choices = (value as { choices?: unknown })?.choices;
  if (!Array.isArray(choices)) return { error: 'the answer has no "choices" list' };
  const read: ModelChoice[] = [];
  for (const c of choices.slice(0, 3) as { technique?: unknown; tactic?: unknown; reason?: unknown }[]) {
    if (typeof c?.technique !== 'string') continue;
    read.push({ technique: c.technique.trim().toUpperCase(), ...(typeof c.tactic === 'string' ? { tactic: c.tactic.trim().toLowerCase().replace(/^mitre_/, '').replace(/_/g, '-') } : {}), reason: typeof c.reason === 'string' ? c.reason : '' });
  }
  return { choices: read };
}

/**
 * The model's choices, checked: a technique must exist, be current, be one the rule's source observes, and
 * its tags must pass lint's tag checks. Accepted ones become candidates (keeping the ranker's score and
 * evidence when it proposed them too); the others are rejected with why.
 */
export function checkModelChoices(choices: ModelChoice[], rule: FalcoRule, suggestion: RuleSuggestion, catalog: Catalog, index: TechniqueIndex, sourcePlatforms: Record<string, string[]>): Pick<RuleSuggestion, 'candidates' | 'rejected'> {
  const candidates: Candidate[] = [];
  const rejected: RuleSuggestion['rejected'] = [];
  for (const choice of choices) {
    const technique = catalog.techniques.get(choice.technique);
    const refuse = (reason: string) => rejected.push({ technique: choice.technique, reason });
    if (!technique) refuse(`no technique ${choice.technique} in ATT&CK ${catalog.version}`);
    else if (technique.isRevoked || technique.isDeprecated) refuse(`${technique.id} is ${technique.isRevoked ? 'revoked' : 'deprecated'}`);
    else if (!index.techniques.has(technique.id)) refuse(`${technique.id} (${technique.platforms.join(', ')}) is not on a platform the ${rule.source} source observes (${(sourcePlatforms[rule.source] ?? []).join(', ')})`);
    else if (candidates.some((c) => c.technique === technique.id) || suggestion.existing.includes(technique.id)) continue;
    else {
      const tags = tagsFor(technique, rule, catalog, choice.tactic);
      const problems = tagProblems(rule, tags, catalog, sourcePlatforms);
      if (choice.tactic && !technique.tactics.includes(choice.tactic)) problems.unshift(`tactic-mismatch: ${technique.id} does not belong to ${choice.tactic} (its tactics: ${technique.tactics.join(', ')})`);
      if (problems.length > 0) refuse(problems.join('; '));
      else {
        const offline = suggestion.candidates.find((c) => c.technique === technique.id);
        candidates.push({ ...(offline ?? { technique: technique.id, name: technique.name, score: 0, logSources: index.logSources.get(technique.id)!, evidence: [], matchedIn: [] }), tags, reason: choice.reason, by: 'model' });
      }
    }
  }
  return { candidates, rejected };
}
