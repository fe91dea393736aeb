// The terminal listing of tag suggestions: per rule, its candidates with score, the tags they would add,
// the evidence, and (LLM mode) the model's reason and the answers the checks refused. Pure.
import type { Evidence, RuleSuggestion } from '../suggest/types.js';
import { paint, printable, type TerminalStyle } from './terminal.js';
import { plural } from './words.js';

const EVIDENCE_WORDS: Record<Exclude<Evidence['kind'], 'named-value' | 'named-in-detection'>, string> = {
  name: 'name', desc: 'desc', output: 'output', macro: 'macro', list: 'list', field: 'field', event: 'event', process: 'process', value: 'value of', 'similar-rule': 'similar tagged rule',
};

export function describeEvidence(e: Evidence): string {
  if (e.kind === 'named-value') return `ATT&CK names "${e.value}" (tested on ${e.terms.join(', ')})`;
  if (e.kind === 'named-in-detection') return `ATT&CK detection names "${e.value}" (tested on ${e.terms.join(', ')})`;
  const where = e.kind === 'name' || e.kind === 'desc' || e.kind === 'output' ? `${EVIDENCE_WORDS[e.kind]} word "${e.value}"` : `${EVIDENCE_WORDS[e.kind]} ${e.kind === 'similar-rule' ? `"${e.value}"` : e.value}`;
  return `${where}${e.terms.length && e.kind !== 'name' && e.kind !== 'desc' && e.kind !== 'output' ? ` (${e.terms.join(', ')})` : ''}`;
}

function renderRule(s: RuleSuggestion, style: TerminalStyle): string[] {
  const lines = [`${paint(style, 'dim', `${printable(s.file)}:${s.line}`)}  ${paint(style, 'bold', printable(s.rule))}  (${printable(s.source)}${s.existing.length ? `; tagged ${s.existing.join(', ')}` : ''})`];
  if (s.candidates.length === 0) lines.push('  no candidate');
  s.candidates.forEach((c, i) => {
    lines.push(`  ${i + 1}. ${paint(style, 'cyan', c.technique.padEnd(10))} ${printable(c.name)}  score ${c.score.toFixed(3)}  tags: ${printable(c.tags.join(', ')) || '(none to add)'}${c.by === 'model' ? '  [model]' : ''}`);
    if (c.reason) lines.push(`     reason: ${printable(c.reason)}`);
    if (c.evidence.length) lines.push(`     evidence: ${printable(c.evidence.map(describeEvidence).join('; '))}`);
    if (c.logSources.length) lines.push(`     log sources: ${printable(c.logSources.join(', '))}`);
  });
  for (const r of s.rejected) lines.push(`  ${paint(style, 'yellow', 'rejected')} ${printable(r.technique || '(answer)')}: ${printable(r.reason)}`);
  return lines;
}

export function renderSuggestions(suggestions: RuleSuggestion[], style: TerminalStyle): string {
  const withCandidates = suggestions.filter((s) => s.candidates.length > 0).length;
  const blocks = suggestions.map((s) => renderRule(s, style).join('\n'));
  return `${[...blocks, `${plural(suggestions.length, 'rule')} looked at, ${withCandidates} with candidates`].join('\n\n')}\n`;
}
