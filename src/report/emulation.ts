// The emulation's terminal listing and Markdown page (attack-cov emulate), and the one-line counts
// other reporters add. Pure: the emulation section in, text out; untrusted text stays printable/escaped.
import type { EmulationSection, EvidenceStatus, TechniqueEvidence } from '../emulate/types.js';
import { escapeMarkdown } from './summary-md.js';
import { printable, type TerminalStyle } from './terminal.js';
import { plural, verb } from './words.js';
import { evidenceCounts, renumberedLine, unknownTechniquesLine } from './evidence-words.js';

export const STATUS_LABEL: Record<EvidenceStatus, string> = {
  'tagged-and-demonstrated': 'tagged and demonstrated',
  'tagged-never-fired': 'tagged but never fired',
  'tagged-not-emulated': 'tagged only by rules the emulation does not run',
  'demonstrated-not-tagged': 'demonstrated but not tagged',
  'not-demonstrated': 'neither tagged nor demonstrated',
};
const MARK: Record<EvidenceStatus, string> = { 'tagged-and-demonstrated': '✓', 'tagged-never-fired': '✗', 'tagged-not-emulated': '–', 'demonstrated-not-tagged': '+', 'not-demonstrated': '·' };

function bold(style: TerminalStyle, text: string): string {
  return style.isColor ? `\u001b[1m${text}\u001b[0m` : text;
}

function techniqueLines(section: EmulationSection, t: TechniqueEvidence): string[] {
  const lines = [`${MARK[t.status]} ${t.id} ${t.name} — ${STATUS_LABEL[t.status]} (${plural(t.procedures, 'procedure')})`];
  if (t.taggedRules.length > 0) lines.push(`    tagged by: ${t.taggedRules.join('; ')}`);
  for (const p of section.procedures.filter((p) => p.kind === 'atomic' && (p.technique === t.id || p.technique?.startsWith(`${t.id}.`)))) {
    const rules = [...new Set(p.fired.map((f) => f.rule))];
    if (rules.length === 0) continue;
    const first = p.fired[0]!;
    lines.push(`    ${p.id.slice(0, 8)} ${p.name}: ${rules.join('; ')}`, `        ← ${first.event} (${first.context})`);
  }
  for (const u of t.undetermined) lines.push(`    undetermined: ${u.rule} (needs ${u.needs.join(', ')})`);
  return lines;
}

/** The terminal listing of `attack-cov emulate`. */
export function renderEmulationText(section: EmulationSection, style: TerminalStyle): string {
  const s = section.summary;
  const lines = [
    `Emulated ${plural(s.procedures, 'Atomic Red Team procedure')} (${s.skipped} skipped: not sh/bash) and ${plural(s.benign, 'benign item')}, on the host and in a container: ${plural(s.events, 'event')}`,
    `${plural(s.techniques, 'in-scope technique')} with procedures; ${plural(s.rulesFiring, 'rule')} ${verb(s.rulesFiring, 'fires', 'fire')} on them`,
    bold(style, evidenceCounts(section)),
    '',
  ];
  for (const t of section.techniques.filter((t) => t.status !== 'not-demonstrated' || t.undetermined.length > 0)) lines.push(...techniqueLines(section, t).map(printable));
  const never = section.techniques.filter((t) => t.status === 'not-demonstrated').map((t) => t.id);
  if (never.length > 0) lines.push('', `No rule fires on the procedures of: ${never.join(', ')}`);
  lines.push(...countingNotes(section).flatMap((line) => ['', printable(line)]));
  const noisy = section.rules.filter((r) => r.isNoisy);
  if (noisy.length > 0) lines.push('', bold(style, 'Rules firing on the benign corpus'), ...noisy.map((r) => printable(`  ${r.rule}: ${r.benignHits.join(', ')}`)));
  const undetermined = section.rules.filter((r) => r.undetermined > 0 && r.firesOn.length === 0);
  if (undetermined.length > 0) lines.push('', bold(style, 'Undetermined (the rule depends on fields the synthesis does not know)'), ...undetermined.map((r) => printable(`  ${r.rule}: ${plural(r.undetermined, 'procedure')}, needs ${neededFields(section, r.rule).join(', ')}`)));
  const notAsWritten = section.rulesNotAsWritten ?? [];
  if (notAsWritten.length > 0) lines.push('', bold(style, 'Rules not evaluated as written'), ...notAsWritten.map((r) => printable(`  ${r.rule}: ${r.why}`)));
  return `${lines.join('\n')}\n`;
}

/** Said, not dropped: no platform in scope the emulated rules observe; atomics credited to another ID than their file's, or to no technique. */
function countingNotes(section: EmulationSection): string[] {
  return [
    ...(section.observedPlatforms?.length === 0 ? ['The emulated rules (syscall) observe none of the platforms in scope, so no technique counts here, as in the report (data/source-platforms.json)'] : []),
...(section.renumbered ? [renumberedLine(section.renumbered)] : []), ...(section.unknownTechniques ? [unknownTechniquesLine(section.unknownTechniques)] : [])];
}

function neededFields(section: EmulationSection, rule: string): string[] {
  return [...new Set(section.procedures.flatMap((p) => p.undetermined.filter((u) => u.rule === rule).flatMap((u) => u.needs)))].sort();
}

/** emulation.md: the same, as Markdown. */
export function renderEmulationMarkdown(section: EmulationSection): string {
  const s = section.summary;
  const md = (text: string): string => escapeMarkdown(text);
  const lines = [
    '# Emulated detection',
    '',
    `${plural(s.procedures, 'procedure')} of ${md(section.source.atomics)} and ${plural(s.benign, 'benign item')}, synthesized on the host and in a container (${plural(s.events, 'event')}).`,
    '',
    md(evidenceCounts(section)),
    '',
    '| technique | status | procedures | rules that fire | tagged by |',
    '|---|---|---|---|---|',
    ...section.techniques.map((t) => `| ${t.id} ${md(t.name)} | ${STATUS_LABEL[t.status]} | ${t.procedures} | ${md(t.firingRules.join('; '))} | ${md(t.taggedRules.join('; '))} |`),
    ...countingNotes(section).flatMap((line) => ['', md(line)]),
  ];
  if (section.suggestions.length > 0) {
    lines.push('', '## Tag suggestions', '', '| rule | add | evidence |', '|---|---|---|', ...section.suggestions.map((g) => `| ${md(g.rule)} | ${g.technique} | ${md(`${g.procedure} ${g.procedureName}: ${g.event}`)} |`));
  }
  const noisy = section.rules.filter((r) => r.isNoisy);
  if (noisy.length > 0) lines.push('', '## Rules firing on benign activity', '', ...noisy.map((r) => `- ${md(r.rule)}: ${md(r.benignHits.join(', '))}`));
  const notAsWritten = section.rulesNotAsWritten ?? [];
  if (notAsWritten.length > 0) lines.push('', '## Rules not evaluated as written', '', ...notAsWritten.map((r) => `- ${md(r.rule)}: ${md(r.why)}`));
  return `${lines.join('\n')}\n`;
}
