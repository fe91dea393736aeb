// Makes text from inputs safe to print on a terminal: control characters, ANSI/OSC escapes, bidi
// overrides and line breaks become visible escapes, so no rule name, tag, error or model answer can
// forge a line, move the cursor or retitle the terminal. Pure.

/**
 * What no text from the inputs may bring into a line a person reads, as a character-class body for a regular
 * expression with the `u` flag: C0 and C1 controls (NEL included) and DEL, the line and paragraph separators,
 * the bidi embeddings, overrides, isolates and marks, and the invisible characters that make two different
 * names look the same (zero-width space, joiners, word joiner and invisible operators, soft hyphen, combining
 * grapheme joiner, Hangul fillers, Mongolian vowel separator, the deprecated format controls, variation
 * selectors, a byte-order mark inside text, and the tag characters U+E0000–E007F).
 */
export const UNSAFE_CHARACTERS =
  '\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u034f\\u061c\\u115f\\u1160\\u180e\\u200b-\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0\\u{e0000}-\\u{e007f}';

/** A fresh global regular expression matching one unsafe character (`repeat` '+' for runs of them). */
export function unsafeCharacters(repeat: '' | '+' = ''): RegExp {
  return new RegExp(`[${UNSAFE_CHARACTERS}]${repeat}`, 'gu');
}

/** `text` cut to `length` UTF-16 units, an ellipsis last, never splitting a surrogate pair. */
export function cutAt(text: string, length: number): string {
  if (text.length <= length) return text;
  const last = text.charCodeAt(length - 2);
  return `${text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 2 : length - 1)}…`;
}

const UNSAFE_IN_FIELD = unsafeCharacters();

function escapeChar(c: string): string {
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  // Each UTF-16 unit as \uXXXX (a tag character is two): what JSON writes, so escaped JSON stays JSON.
  let escaped = '';
  for (let i = 0; i < c.length; i++) escaped += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

/** One field (a name, a tag, a message) on one line: every unsafe character escaped, newlines included. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE_IN_FIELD, escapeChar);
}

/** How much of a name from the inputs (a rule's, a file's, a tag) a report shows: a name may be 70,000 characters. */
export const NAME_CHARS = 300;

/** A name from the inputs inside a report's text, a SARIF location or a Navigator tooltip: its unsafe characters
 * escaped, and cut at NAME_CHARS. */
export function visibleName(name: string): string {
  return escapeForTerminal(cutAt(name, NAME_CHARS));
}

/** Each line of a multi-line text (a diff, a tool's output) escaped, the line breaks kept. */
export function escapeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeForTerminal(line.endsWith('\r') ? line.slice(0, -1) : line) + (line.endsWith('\r') ? '\r' : ''))
    .join('\n');
}

/** escapeLines for a diff of a file: its tabs are kept as written (a diff of a file with tabs stays one that applies),
 * every other unsafe character, colour codes included, is escaped, so the reviewer sees what the file holds. */
export function escapeDiffLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.endsWith('\r') ? `${escapeLine(line.slice(0, -1))}\r` : escapeLine(line)))
    .join('\n');
}

const escapeLine = (line: string): string => line.split('\t').map(escapeForTerminal).join('\t');

// Our own colours are these SGR sequences (reset, bold, dim, red, green, yellow, cyan: src/report/terminal.ts's paint,
// threats' and emulation's), and only these: any other (conceal, black on black, blink) comes from the inputs, through
// a renderer that forgot to escape it (QA: a rule's source "x\e[30;40m" in a note blacked out what followed). Tabs,
// \n and \r\n are layout. Everything else is escaped.
const UNSAFE_IN_OUTPUT = new RegExp(`(\\u001b\\[(?:0|1|2|3[1236])m)|(\\r\\n|\\n|\\t)|(${unsafeCharacters().source})`, 'gu');

/**
 * The last guard before stdout and stderr: whatever a renderer missed cannot drive the terminal. Keeps
 * line breaks, tabs and colour codes; escapes the rest (JSON stays valid: such characters only occur
 * inside its strings, where the escape means the same character).
 */
export function terminalSafe(output: string): string {
  return output.replace(UNSAFE_IN_OUTPUT, (match, colour: string | undefined, layout: string | undefined) => colour ?? layout ?? escapeChar(match));
}
