// The draft without an LLM: a deterministic skeleton from ATT&CK data and the ruleset, with correct
// tags, the suggested event types, fields, macros and lists, and a condition that is plainly a
// placeholder. It loads in Falco but never passes for a working rule. Pure.
import { commentText, type DraftRule } from './draft-file.js';
import type { Grounding } from './grounding.js';
import { own } from '../own.js';

export const PLACEHOLDER = 'ATTACK_COV_PLACEHOLDER_REPLACE_ME';

const FIELDS_BY_SOURCE: Record<string, string[]> = {
  syscall: ['proc.name', 'proc.cmdline', 'proc.pname', 'user.name', 'container.id', 'container.image.repository'],
  k8s_audit: ['ka.verb', 'ka.target.resource', 'ka.target.name', 'ka.user.name'],
  aws_cloudtrail: ['ct.name', 'ct.user', 'ct.region', 'ct.srcip'],
  okta: ['okta.evt.type', 'okta.actor.name', 'okta.client.ip'],
  github: ['github.type', 'github.user', 'github.repo'],
  gcp_auditlog: ['gcp.methodName', 'gcp.user', 'gcp.serviceName'],
};

export function buildSkeleton(g: Grounding): { rule: DraftRule; notes: string[] } {
  const fields = (own(FIELDS_BY_SOURCE, g.source) ?? []).filter((f) => g.fields.includes(f));
  const hasSpawned = g.macros.some((m) => m.name === 'spawned_process');
  const events = g.suggestedEvents.filter((e) => e !== 'execve' && e !== 'execveat');
  let restriction: string;
  if (g.source !== 'syscall') restriction = `${fields[0] ?? 'evt.source'} = ${PLACEHOLDER}`;
  else if (events.length > 0) {
    const exec = g.suggestedEvents.some((e) => e === 'execve' || e === 'execveat') && hasSpawned ? 'spawned_process or ' : '';
    restriction = `(${exec}evt.type in (${events.join(', ')})) and proc.name = ${PLACEHOLDER}`;
  } else restriction = `${hasSpawned ? 'spawned_process' : 'evt.type in (execve, execveat)'} and proc.name = ${PLACEHOLDER}`;
  // The bundle's text goes into the rule as one line of printable text (QA: a hostile bundle's ESC and BEL reached the
  // rule's name and output, which Falco prints in every alert); in the output, without a `%` Falco would read as a field.
  const name = commentText(g.technique.name);
  const first = commentText(g.technique.description.split(/(?<=\.)\s/)[0] ?? g.technique.name);
  return {
    rule: {
      rule: `${name} (${g.technique.id}) skeleton`,
      desc: `SKELETON, not a working rule: replace the placeholder condition. ${first}`,
      condition: restriction,
      output: `${g.technique.id} ${name.replace(/%/g, '')} (${fields.map((f) => `${f.replace(/\./g, '_')}=%${f}`).join(' ')})`,
      priority: 'WARNING',
    },
    notes: [
      `the condition is a placeholder (${PLACEHOLDER}): write the real one`,
      `suggested event types: ${g.suggestedEvents.join(', ') || 'none named by ATT&CK'}`,
      `suggested fields: ${fields.join(', ')}`,
      `macros of your ruleset that may help: ${g.macros.map((m) => m.name).slice(0, 10).join(', ') || 'none'}`,
      `lists of your ruleset that may help: ${g.lists.map((l) => l.name).slice(0, 10).join(', ') || 'none'}`,
      ...g.detections.flatMap((d) => d.analytics.map((a) => `ATT&CK ${d.id}/${a.id}: ${a.description}`)).slice(0, 4),
    ],
  };
}
