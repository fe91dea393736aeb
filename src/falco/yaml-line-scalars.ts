// The pieces of the line scanner (yaml-lines.ts) that read one scalar: quoted, plain (one line of it),
// flow-sequence items and block scalars, with the text's lines. Each throws NeedsComposer on what it
// does not handle exactly as the yaml library would. Pure.
import { NeedsComposer, resolvePlain, type CstValue } from './yaml-cst.js';

const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const INDICATORS = '-?:,[]{}#&*!|>\'"%@`';

export const bail = (why: string): never => {
  throw new NeedsComposer(why);
};

export class Lines {
  readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  get count(): number {
    return this.starts.length;
  }
  /** Offset of the line's end (its newline, or the end of the text). */
  end(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1]! - 1 : this.text.length;
  }
  indent(line: number): number {
    let i = this.starts[line]!;
    while (this.text.charCodeAt(i) === 32) i++;
    return i - this.starts[line]!;
  }
  /** Blank (spaces only) or a comment line: neither ends nor continues anything in block context. */
  isQuiet(line: number): boolean {
    const at = this.starts[line]! + this.indent(line);
    return at >= this.end(line) || this.text[at] === '#';
  }
  nextContent(line: number): number {
    while (line < this.count && this.isQuiet(line)) line++;
    return line;
  }
}

/** Only spaces and a comment may follow a value on its line. */
export function restOfLine(text: string, at: number, end: number): void {
  let i = at;
  while (i < end && text.charCodeAt(i) === 32) i++;
  if (i < end && (text[i] !== '#' || i === at)) bail('text after a value');
}


/** One line of a plain scalar: up to a comment or the line's end, trailing spaces dropped. */
export function plainLine(text: string, at: number, end: number, isFirst: boolean): { text: string; stop: number } {
  if (INDICATORS.includes(text[at]!)) bail(`plain scalar ${isFirst ? '' : 'continuation '}starting with an indicator`);
  let comment = at;
  while (comment < end && !(text.charCodeAt(comment) === 35 && text.charCodeAt(comment - 1) === 32)) comment++;
  if (comment < end) comment--; // the space before "#"
  let stop = comment;
  while (stop > at && text.charCodeAt(stop - 1) === 32) stop--;
  const value = text.slice(at, stop);
  if (value.includes(': ') || value.endsWith(':')) bail('a colon in a plain scalar');
  return { text: value, stop: comment };
}

/** A single- or double-quoted scalar on one line (JSON's escapes only). */
export function quotedScalar(text: string, at: number, end: number): { node: CstValue; stop: number } {
  const quote = text[at]!;
  const special = quote === '"' ? /["\\]/g : /'/g;
  const parts: string[] = [];
  let from = at + 1;
  for (;;) {
    special.lastIndex = from;
    const i = special.exec(text)?.index ?? end;
    if (i >= end) return bail('quoted scalar over several lines');
    parts.push(text.slice(from, i));
    if (text[i] === quote && !(quote === "'" && text[i + 1] === "'")) return { node: { offset: at, value: parts.join('') }, stop: i + 1 };
    if (quote === "'") {
      parts.push("'");
      from = i + 2;
      continue;
    }
    const e = text[i + 1]!;
    if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
      parts.push(String.fromCodePoint(Number.parseInt(text.slice(i + 2, i + 6), 16)));
      from = i + 6;
    } else if (Object.hasOwn(JSON_ESCAPES, e)) {
      parts.push(JSON_ESCAPES[e]!);
      from = i + 2;
    } else bail('escape sequence');
  }
}

/** A plain scalar inside a flow sequence, up to a comma, bracket, comment or the line's end. */
export function flowPlain(text: string, at: number, end: number): { node: CstValue; stop: number } {
  if (INDICATORS.includes(text[at]!)) bail('plain scalar starting with an indicator');
  let stop = at;
  while (stop < end && !',[]{}'.includes(text[stop]!) && !(text[stop] === '#' && text[stop - 1] === ' ')) stop++;
  // What follows must be a comma or "]" (after spaces, line breaks, comments: the caller checks); a word on
  // the next line would continue this scalar (folded: the composer's job), and the caller bails on it.
  if ('[{}'.includes(text[stop] ?? ',')) bail('bracket in a flow sequence item');
  let last = stop;
  while (last > at && text.charCodeAt(last - 1) === 32) last--;
  const source = text.slice(at, last);
  if (source.includes(': ') || source.endsWith(':')) bail('a pair in a flow sequence');
  return { node: { offset: at, value: resolvePlain(source) }, stop };
}

/** `>` or `|` with an optional chomping indicator, then lines indented past `indent`. */
export function blockScalar(lines: Lines, line: number, at: number, indent: number): { node: CstValue; next: number } {
  const style = lines.text[at];
  let i = at + 1;
  const chomp = lines.text[i] === '-' || lines.text[i] === '+' ? lines.text[i++] : '';
  restOfLine(lines.text, i, lines.end(line));
  if (i < lines.end(line) && lines.text[i] !== ' ') bail('block scalar header');
  const first = line + 1;
  if (first >= lines.count || lines.isQuiet(first)) bail('block scalar starting with an empty line');
  const contentIndent = lines.indent(first);
  if (contentIndent <= indent) bail('empty block scalar');
  const { content, trailing, next } = blockLines(lines, first, contentIndent);
  const body = style === '|' ? content.join('\n') : fold(content);
  const tail = chomp === '-' ? '' : chomp === '+' ? '\n'.repeat(trailing + 1) : '\n';
  return { node: { offset: at, value: body + tail }, next };
}

/** The lines of a block scalar from `first`: content without its indentation, and the empty lines after it. */
function blockLines(lines: Lines, first: number, contentIndent: number): { content: string[]; trailing: number; next: number } {
  const content: string[] = [];
  let trailing = 0;
  let next = first;
  for (; next < lines.count; next++) {
    const start = lines.starts[next]!;
    if (start === lines.text.length) break; // the empty "line" after a final newline is none
    const end = lines.end(next);
    const spaces = lines.indent(next);
    if (start + spaces >= end) {
      if (end - start > contentIndent) bail('spaces on an empty line of a block scalar');
      trailing++;
      continue;
    }
    if (spaces < contentIndent) break;
    if (next + 1 >= lines.count && end === lines.text.length) bail('block scalar at the end of the text');
    for (let k = 0; k < trailing; k++) content.push('');
    trailing = 0;
    content.push(lines.text.slice(start + contentIndent, end));
  }
  return { content, trailing, next };
}

/** YAML folding: a line break between two lines of text becomes a space, empty lines become line breaks,
 * and breaks around more-indented lines are kept. */
function fold(lines: string[]): string {
  let result = '';
  let empty = 0;
  let previous: string | undefined;
  for (const line of lines) {
    if (line === '') {
      empty++;
      continue;
    }
    if (previous !== undefined) {
      const isSpaced = previous.startsWith(' ') || line.startsWith(' ');
      result += isSpaced ? '\n'.repeat(empty + 1) : empty === 0 ? ' ' : '\n'.repeat(empty);
    }
    result += line;
    previous = line;
    empty = 0;
  }
  return result;
}
