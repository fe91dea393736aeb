// Finds `# attack-cov-ignore <code>[, <code>…]: <reason>` comments in a rules file's text and the line
// each one is about. Pure: text in, comments out. YAML drops comments from parsed values, so this reads lines.

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

const MARKER = /(^|\s)#\s*attack-cov-ignore(?=\s|:|$)(.*)$/;

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
  const comments: IgnoreComment[] = [];
  lines.forEach((content, index) => {
    const match = MARKER.exec(content);
    if (!match) return;
    const hash = match.index + match[1]!.length;
    const isTrailing = content.slice(0, hash).trim() !== '';
    let target = index;
    if (!isTrailing) {
      target = index + 1;
      while (target < lines.length && isCommentOrBlank(lines[target]!)) target++;
    }
    comments.push({ file, line: index + 1, column: hash + 1, targetLine: target + 1, ...parseIgnoreText(match[2]!) });
  });
  return comments;
}
