// Makes text from inputs safe to print on a terminal: control characters, ANSI/OSC escapes, bidi
// overrides and line breaks become visible escapes, so no rule name, tag, error or model answer can
// forge a line, move the cursor or retitle the terminal. Pure.

// C0 and C1 controls, DEL, the line/paragraph separators, and the bidi embeddings, overrides, isolates and marks.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_FIELD = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** One field (a name, a tag, a message) on one line: every unsafe character escaped, newlines included. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_IN_FIELD, escapeChar);
}

/** Each line of a multi-line text (a diff, a tool's output) escaped, the line breaks kept. */
export function escapeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeForTerminal(line.endsWith('\r') ? line.slice(0, -1) : line) + (line.endsWith('\r') ? '\r' : ''))
    .join('\n');
}

// Our own colours are SGR sequences (ESC [ digits m); tabs, \n and \r\n are layout. Everything else is escaped.
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_OUTPUT = /(\u001b\[[0-9;]*m)|(\r\n|\n|\t)|([\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069])/g;

/**
 * The last guard before stdout and stderr: whatever a renderer missed cannot drive the terminal. Keeps
 * line breaks, tabs and colour codes; escapes the rest (JSON stays valid: such characters only occur
 * inside its strings, where the escape means the same character).
 */
export function terminalSafe(output: string): string {
  return output.replace(UNSAFE_IN_OUTPUT, (match, colour: string | undefined, layout: string | undefined) => colour ?? layout ?? escapeChar(match));
}
