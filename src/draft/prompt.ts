// Builds the chat messages for one draft from its grounding, and the follow-up that feeds validation
// errors back. Pure: the templates come in as text.
import { stringify } from 'yaml';
import type { Grounding } from './grounding.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface PromptTemplates {
  system: string;
  user: string;
}

/** The JSON the model must return (OpenAI structured output, strict). */
export const DRAFT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['rule', 'desc', 'condition', 'output', 'priority'],
  properties: {
    rule: { type: 'string' },
    desc: { type: 'string' },
    condition: { type: 'string' },
    output: { type: 'string' },
    priority: { type: 'string', enum: ['EMERGENCY', 'ALERT', 'CRITICAL', 'ERROR', 'WARNING', 'NOTICE', 'INFORMATIONAL', 'DEBUG'] },
  },
} as const;

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/%%([A-Z_]+)%%/g, (match, name: string) => values[name] ?? match);
}

export function buildMessages(g: Grounding, templates: PromptTemplates, attackVersion: string): ChatMessage[] {
  const detections = g.detections.length
    ? g.detections.map((d) => `${d.id} ${d.name}\n${d.analytics.map((a) => `- (${a.platforms.join(', ')}) ${a.description}${a.logSources.length ? ` [log sources: ${a.logSources.map((l) => `${l.name}: ${l.channel}`).join('; ')}]` : ''}`).join('\n')}`).join('\n\n')
    : g.technique.detection || '(none in this ATT&CK version)';
  const examples = g.examples.length
    ? stringify(g.examples.map((r) => ({ rule: r.name, desc: r.desc, condition: r.condition, output: r.output, priority: r.priority, tags: r.tags.map((t) => t.value) })), { lineWidth: 0 }).trim()
    : '# (none)';
  return [
    { role: 'system', content: templates.system.trim() },
    {
      role: 'user',
      content: fill(templates.user, {
        TECHNIQUE_ID: g.technique.id,
        TECHNIQUE_NAME: g.technique.name,
        ATTACK_VERSION: attackVersion,
        TACTICS: g.tactics.map((t) => `${t.name} (${t.id})`).join(', '),
        PLATFORMS: g.technique.platforms.join(', '),
        DESCRIPTION: g.technique.description,
        DETECTIONS: detections,
        SOURCE: g.source,
        EVENTS: g.suggestedEvents.join(', ') || '(none named; choose them)',
        MACROS: g.macros.map((m) => `- ${m.name}: ${m.condition}`).join('\n') || '(none)',
        LISTS: g.lists.map((l) => `- ${l.name}: [${l.items.join(', ')}]`).join('\n') || '(none)',
        EXAMPLES: examples,
        FIELDS: g.fields.join(', '),
      }).trim(),
    },
  ];
}

/** The follow-up after a failed validation: the errors with their positions. */
export function repairMessage(errors: string[]): ChatMessage {
  return {
    role: 'user',
    content: `The draft fails attack-cov's validation:\n${errors.map((e) => `- ${e}`).join('\n')}\nReturn the whole corrected JSON object.`,
  };
}
