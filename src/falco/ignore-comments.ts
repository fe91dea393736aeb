// Finds `# attack-cov-ignore <code>[, <code>…]: <reason>` comments in a rules file's text and the line
// each one is about. Pure: text in, comments out. YAML drops comments from parsed values, so this reads the
// comment tokens of the yaml CST (a `#` inside a quoted string is no comment).
import { LineCounter, Parser } from 'yaml';

/** One inline suppression as written. */
export interface IgnoreComment {
  file: string;
  /** Line of the comment (1-based). */
  line: number;
  column: number;
  /** The line it applies to: its own line for a trailing comment, else the next line that is not blank or a comment. */
  targetLine: number;
  /** Finding codes named, lower case. */
  codes: string[];
  /** The justification after the colon; empty when missing. */
  reason: string;
}

const MARKER = /^#\s*attack-cov-ignore(?=\s|:|$)(.*)$/;

/** Offsets and text of every comment token in the CST, in source order. */
function commentTokens(text: string, lines: LineCounter): { offset: number; source: string }[] {
  const found: { offset: number; source: string }[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const token = node as { type?: string; offset?: number; source?: unknown };
    if (token.type === 'comment' && typeof token.source === 'string') found.push({ offset: token.offset!, source: token.source });
    for (const value of Object.values(node)) if (typeof value === 'object') walk(value);
  };
  for (const token of new Parser(lines.addNewLine).parse(text)) walk(token);
  return found.sort((a, b) => a.offset - b.offset);
}

/** Splits what follows the marker into codes and reason: `platform-mismatch, tactic-mismatch: why`. */
export function parseIgnoreText(rest: string): { codes: string[]; reason: string } {
  const colon = rest.indexOf(':');
  const head = colon >= 0 ? rest.slice(0, colon) : rest;
  const reason = colon >= 0 ? rest.slice(colon + 1).trim() : '';
  const codes = head.split(/[\s,]+/).map((c) => c.trim().toLowerCase()).filter(Boolean);
  return { codes, reason };
}

function isCommentOrBlank(line: string): boolean {
  return /^\s*(#.*)?$/.test(line);
}

export function readIgnoreComments(text: string, file: string): IgnoreComment[] {
  if (!text.includes('attack-cov-ignore')) return [];
  const lines = text.split(/\r?\n/);
  const counter = new LineCounter();
  const comments: IgnoreComment[] = [];
  for (const { offset, source } of commentTokens(text, counter)) {
    const match = MARKER.exec(source);
    if (!match) continue;
    const { line, col: column } = counter.linePos(offset);
    let index = line - 1;
    const isTrailing = lines[index]!.slice(0, column - 1).trim() !== '';
    if (!isTrailing) {
      index += 1;
      while (index < lines.length && isCommentOrBlank(lines[index]!)) index++;
    }
    comments.push({ file, line, column, targetLine: isTrailing ? line : index + 1, ...parseIgnoreText(match[1]!) });
  }
  return comments;
}
