// A draft as a loadable Falco rules file: the rule (always enabled: false, tagged by attack-cov from
// ATT&CK, never by the model) behind a header that says it is a draft to review. Pure.
import { stringify } from 'yaml';
import type { Technique } from '../attack/types.js';
import { tacticTag } from '../analysis/checks/findings.js';
import { unsafeCharacters } from '../terminal-text.js';

export interface DraftRule {
  rule: string;
  desc: string;
  condition: string;
  output: string;
  priority: string;
}

/** The tag every draft carries, so a draft is recognisable wherever it ends up. */
export const DRAFT_TAG = 'attack_cov_draft';

/** How every draft file `toolName` writes begins, its version next (renderDraftFile, and a rejected answer's file): what
 * tells a draft it wrote from a file it did not. */
export function draftFileStart(toolName: string): string {
  return `# DRAFT made by ${toolName} `;
}

export function draftTags(technique: Technique, source: string): string[] {
  return ['maturity_sandbox', DRAFT_TAG, ...(source === 'syscall' ? ['host', 'container'] : []), ...technique.tactics.map(tacticTag), technique.id];
}

/** Reads the model's answer; lists what is missing or of the wrong type. */
export function readDraftAnswer(value: unknown): { draft: DraftRule } | { errors: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { errors: ['the answer must be a JSON object with rule, desc, condition, output, priority'] };
  const record = value as Record<string, unknown>;
  const errors = ['rule', 'desc', 'condition', 'output', 'priority'].filter((k) => typeof record[k] !== 'string' || (record[k] as string).trim() === '').map((k) => `"${k}" is missing or not a non-empty string`);
  if (errors.length > 0) return { errors };
  const text = (k: string) => (record[k] as string).trim();
  // A name over two lines, or with a control or bidi character, is what every alert of the rule prints (QA).
  if (text('rule').search(UNSAFE_IN_NAME) >= 0) return { errors: ['"rule" must be one line of printable text: no line break, control, bidirectional or invisible character'] };
  return { draft: { rule: text('rule'), desc: text('desc'), condition: text('condition'), output: text('output'), priority: text('priority').toUpperCase() } };
}

const UNSAFE_IN_COMMENT = unsafeCharacters('+');
const UNSAFE_IN_NAME = unsafeCharacters();

/** Text from the model or the bundle for inside a YAML comment: no line break (NEL and U+2028 included) can end
 * the comment, and no control, bidi or invisible character can drive or deceive the terminal it is read on. */
export function commentText(text: string): string {
  return text.replace(UNSAFE_IN_COMMENT, ' ');
}

/** One comment line. */
function commentLine(text: string): string {
  return `# ${commentText(text)}`;
}

export interface DraftHeader {
  tool: string;
  model: string;
  date: string;
  technique: Technique;
  /** e.g. "passed on attempt 2 of 3", "rejected after 3 attempts", "skeleton". */
  validation: string;
  /** Problems to list in the header (rejected drafts, skeleton notes). */
  notes: string[];
}

export function renderDraftFile(rule: DraftRule, tags: string[], source: string, header: DraftHeader): string {
  const lines = [
    commentLine(`DRAFT made by ${header.tool}. Review before use: it is disabled, and attack-cov never counts it as coverage.`),
    commentLine(`technique: ${header.technique.id} ${header.technique.name} (${header.technique.tactics.join(', ')})`),
    commentLine(`model: ${header.model}`),
    commentLine(`date: ${header.date}`),
    commentLine(`validation: ${header.validation}`),
    ...header.notes.map((n) => commentLine(`  ${n}`)),
  ];
  const item = { rule: rule.rule, desc: rule.desc, condition: rule.condition, output: rule.output, priority: rule.priority, source, tags, enabled: false };
  return `${lines.join('\n')}\n${stringify([item], { lineWidth: 0 })}`;
}
