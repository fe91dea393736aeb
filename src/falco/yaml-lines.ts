// A line scanner for the YAML that Falco rules files are written in: a block sequence of block maps whose
// values are plain, quoted, folded or literal scalars, flow sequences and nested block collections. It gives
// exactly what the CST reader (yaml-cst.ts) gives, offsets included, without the yaml library's lexer, and
// throws NeedsComposer on anything else (anchors, tags, flow maps, multi-line plain or quoted scalars,
// indentation it does not expect), so the caller falls back to the CST reader and then the composer. Pure.
import { NeedsComposer, resolvePlain, type CstValue } from './yaml-cst.js';

const KEY = /([A-Za-z_][A-Za-z0-9_-]*):(?: +|(?=\n)|$)/y;
const JSON_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

const bail = (why: string): never => {
  throw new NeedsComposer(why);
};

class Lines {
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

/** The documents of `text` (none, or one) as CST values; `onNewLine` feeds a line counter as the yaml Parser does. */
export function scanYamlDocuments(text: string, onNewLine: (offset: number) => void): (CstValue | undefined)[] {
  if (/[\t\r\uFEFF]/.test(text)) bail('tab, carriage return or byte-order mark');
  const lines = new Lines(text);
  const first = lines.nextContent(0);
  let documents: CstValue[] = [];
  if (first < lines.count) {
    const scanner = new Scanner(lines);
    if (lines.indent(first) !== 0 || !scanner.isItem(first, 0)) bail('not a block sequence at column 0');
    const { node, next } = scanner.sequence(first, 0);
    if (next < lines.count) bail('content after the top-level sequence');
    documents = [node];
  }
  for (const start of lines.starts) onNewLine(start);
  return documents;
}

class Scanner {
  private readonly text: string;
  constructor(private readonly lines: Lines) {
    this.text = lines.text;
  }

  isItem(line: number, indent: number): boolean {
    const at = this.lines.starts[line]! + indent;
    return this.text[at] === '-' && (at + 1 === this.lines.end(line) || this.text[at + 1] === ' ');
  }

  /** A block sequence whose "-" items sit at `indent`, starting on `line`; returns the line after it. */
  sequence(line: number, indent: number): { node: CstValue; next: number } {
    const offset = this.lines.starts[line]! + indent;
    const elements: CstValue[] = [];
    while (line < this.lines.count && this.lines.indent(line) === indent && this.isItem(line, indent)) {
      let at = this.lines.starts[line]! + indent + 1;
      while (this.text.charCodeAt(at) === 32) at++;
      const result = this.value(line, at, indent, true);
      elements.push(result.node ?? { offset, value: null });
      line = this.lines.nextContent(result.next);
    }
    if (line < this.lines.count && this.lines.indent(line) > indent) bail('misindented line after a sequence item');
    return { node: { offset, value: elements.map((e) => e.value), elements }, next: line };
  }

  /** A block map whose keys sit at column `indent`, the first on `line` (after a "- " when compact). */
  map(line: number, indent: number): { node: CstValue; next: number } {
    const entries: NonNullable<CstValue['entries']> = [];
    let isFirst = true;
    while (line < this.lines.count && (isFirst || this.lines.indent(line) === indent)) {
      isFirst = false;
      const keyOffset = this.lines.starts[line]! + indent;
      KEY.lastIndex = keyOffset;
      const match = KEY.exec(this.text);
      if (!match) bail('not a simple key');
      const result = this.value(line, KEY.lastIndex, indent, false);
      entries.push({ key: String(resolvePlain(match![1]!)), keyOffset, node: result.node ?? { offset: keyOffset, value: null } });
      line = this.lines.nextContent(result.next);
    }
    if (line < this.lines.count && this.lines.indent(line) > indent) bail('misindented line in a map');
    return { node: { offset: entries[0]!.keyOffset, value: Object.fromEntries(entries.map((e) => [e.key, e.node.value])), entries }, next: line };
  }

  /** The value starting at `at` on `line` (after "key:" or "-"), whose parent sits at column `indent`. */
  private value(line: number, at: number, indent: number, isItem: boolean): { node?: CstValue; next: number } {
    const end = this.lines.end(line);
    const c = this.text[at];
    if (at >= end || c === '#') {
      if (c === '#' && this.text[at - 1] !== ' ') bail('comment without a space');
      return this.nested(line + 1, indent, isItem);
    }
    if (isItem) {
      KEY.lastIndex = at;
      if (KEY.test(this.text)) return this.map(line, at - this.lines.starts[line]!);
    }
    return this.inline(line, at, indent);
  }

  /** A scalar or flow sequence starting at `at` on `line`, under a parent at column `indent`. */
  private inline(line: number, at: number, indent: number): { node?: CstValue; next: number } {
    const c = this.text[at];
    if (c === '>' || c === '|') return this.blockScalar(line, at, indent);
    let node: CstValue;
    let stop: number;
    if (c === '"' || c === "'") ({ node, stop } = this.quoted(at, this.lines.end(line)));
    else if (c === '[') ({ node, stop, line } = this.flowSequence(line, at, indent));
    else ({ node, stop, line } = this.plain(line, at, indent));
    this.restOfLine(stop, this.lines.end(line));
    const next = this.lines.nextContent(line + 1);
    if (next < this.lines.count && this.lines.indent(next) > indent) bail('a value continues after its end');
    return { node, next: line + 1 };
  }

  /** A value on the lines after "key:" or "-": a more indented block map or sequence, or nothing (null). */
  private nested(line: number, indent: number, isItem: boolean): { node?: CstValue; next: number } {
    const next = this.lines.nextContent(line);
    if (next >= this.lines.count || this.lines.indent(next) <= indent) {
      if (!isItem && next < this.lines.count && this.lines.indent(next) === indent && this.isItem(next, indent)) bail('sequence at its key\'s indentation');
      return { next };
    }
    const inner = this.lines.indent(next);
    if (this.isItem(next, inner)) return this.sequence(next, inner);
    KEY.lastIndex = this.lines.starts[next]! + inner;
    if (KEY.test(this.text)) return this.map(next, inner);
    return this.inline(next, this.lines.starts[next]! + inner, indent);
  }

  /** Only spaces and a comment may follow a value on its line. */
  private restOfLine(at: number, end: number): void {
    let i = at;
    while (i < end && this.text.charCodeAt(i) === 32) i++;
    if (i < end && (this.text[i] !== '#' || i === at)) bail('text after a value');
  }

  /** A plain scalar: the rest of its line, and the more indented lines after it (folded: one line break
   * becomes a space, each empty line a line break), up to a comment or a line at `indent` or less. */
  private plain(line: number, at: number, indent: number): { node: CstValue; stop: number; line: number } {
    let piece = this.plainLine(at, this.lines.end(line), true);
    const parts = [piece.text];
    let empty = 0;
    for (let next = line + 1; next < this.lines.count && piece.stop === this.lines.end(line); next++) {
      const start = this.lines.starts[next]!;
      const spaces = this.lines.indent(next);
      if (start + spaces >= this.lines.end(next)) {
        empty++;
        continue;
      }
      if (spaces <= indent || this.text[start + spaces] === '#') break;
      piece = this.plainLine(start + spaces, this.lines.end(next), false);
      parts.push(empty === 0 ? ' ' : '\n'.repeat(empty), piece.text);
      line = next;
      empty = 0;
    }
    return { node: { offset: at, value: resolvePlain(parts.join('')) }, stop: piece.stop, line };
  }

  /** One line of a plain scalar: up to a comment or the line's end, trailing spaces dropped. */
  private plainLine(at: number, end: number, isFirst: boolean): { text: string; stop: number } {
    if ('-?:,[]{}#&*!|>\'"%@`'.includes(this.text[at]!)) bail(`plain scalar ${isFirst ? '' : 'continuation '}starting with an indicator`);
    let comment = at;
    while (comment < end && !(this.text.charCodeAt(comment) === 35 && this.text.charCodeAt(comment - 1) === 32)) comment++;
    if (comment < end) comment--; // the space before "#"
    let stop = comment;
    while (stop > at && this.text.charCodeAt(stop - 1) === 32) stop--;
    const text = this.text.slice(at, stop);
    if (text.includes(': ') || text.endsWith(':')) bail('a colon in a plain scalar');
    return { text, stop: comment };
  }

  private quoted(at: number, end: number): { node: CstValue; stop: number } {
    const quote = this.text[at]!;
    const special = quote === '"' ? /["\\]/g : /'/g;
    const parts: string[] = [];
    let from = at + 1;
    for (;;) {
      special.lastIndex = from;
      const i = special.exec(this.text)?.index ?? end;
      if (i >= end) return bail('quoted scalar over several lines');
      parts.push(this.text.slice(from, i));
      if (this.text[i] === quote && !(quote === "'" && this.text[i + 1] === "'")) return { node: { offset: at, value: parts.join('') }, stop: i + 1 };
      if (quote === "'") {
        parts.push("'");
        from = i + 2;
        continue;
      }
      const e = this.text[i + 1]!;
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(i + 2, i + 6))) {
        parts.push(String.fromCodePoint(Number.parseInt(this.text.slice(i + 2, i + 6), 16)));
        from = i + 6;
      } else if (Object.hasOwn(JSON_ESCAPES, e)) {
        parts.push(JSON_ESCAPES[e]!);
        from = i + 2;
      } else bail('escape sequence');
    }
  }

  /** A flow sequence `[a, "b", [c]]`, possibly over several lines, each indented past `indent`. */
  private flowSequence(line: number, at: number, indent: number): { node: CstValue; stop: number; line: number } {
    const elements: CstValue[] = [];
    let i = at + 1;
    let expectsItem = true;
    for (;;) {
      ({ i, line } = this.skipFlowSpace(i, line, indent));
      const c = this.text[i];
      if (c === ']') {
        return { node: { offset: at, value: elements.map((e) => e.value), elements }, stop: i + 1, line };
      }
      if (c === ',') {
        if (expectsItem) bail('empty item in a flow sequence');
        expectsItem = true;
        i++;
        continue;
      }
      if (!expectsItem) bail('missing comma in a flow sequence');
      const end = this.lines.end(line);
      let item: { node: CstValue; stop: number };
      if (c === '"' || c === "'") item = this.quoted(i, end);
      else if (c === '[') {
        const inner = this.flowSequence(line, i, indent);
        line = inner.line;
        item = inner;
      } else item = this.flowPlain(i, end);
      elements.push(item.node);
      i = item.stop;
      expectsItem = false;
    }
  }

  /** Skips spaces, line breaks and comments inside a flow collection; continuation lines must be indented past `indent`. */
  private skipFlowSpace(i: number, line: number, indent: number): { i: number; line: number } {
    for (;;) {
      const end = this.lines.end(line);
      while (i < end && this.text.charCodeAt(i) === 32) i++;
      if (i < end && this.text[i] === '#') {
        if (this.text[i - 1] !== ' ') bail('comment without a space');
        i = end;
      }
      if (i < end) return { i, line };
      line++;
      if (line >= this.lines.count) bail('unterminated flow sequence');
      const spaces = this.lines.indent(line);
      // Lines inside are indented past the parent; only a closing "]" may sit at its column (as yaml allows).
      if (!this.lines.isQuiet(line) && spaces <= indent && !(spaces === indent && this.text[this.lines.starts[line]! + spaces] === ']')) bail('flow sequence line not indented');
      i = this.lines.starts[line]!;
    }
  }

  private flowPlain(at: number, end: number): { node: CstValue; stop: number } {
    if ('-?:,[]{}#&*!|>\'"%@`'.includes(this.text[at]!)) bail('plain scalar starting with an indicator');
    let stop = at;
    while (stop < end && !',[]{}'.includes(this.text[stop]!) && !(this.text[stop] === '#' && this.text[stop - 1] === ' ')) stop++;
    // What follows must be a comma or "]" (after spaces, line breaks, comments: the caller checks); a word on
    // the next line would continue this scalar (folded: the composer's job), and the caller bails on it.
    if ('[{}'.includes(this.text[stop] ?? ',')) bail('bracket in a flow sequence item');
    let last = stop;
    while (last > at && this.text.charCodeAt(last - 1) === 32) last--;
    const source = this.text.slice(at, last);
    if (source.includes(': ') || source.endsWith(':')) bail('a pair in a flow sequence');
    return { node: { offset: at, value: resolvePlain(source) }, stop };
  }

  /** `>` or `|` with an optional chomping indicator, then lines indented past `indent`. */
  private blockScalar(line: number, at: number, indent: number): { node: CstValue; next: number } {
    const style = this.text[at];
    let i = at + 1;
    const chomp = this.text[i] === '-' || this.text[i] === '+' ? this.text[i++] : '';
    this.restOfLine(i, this.lines.end(line));
    if (i < this.lines.end(line) && this.text[i] !== ' ') bail('block scalar header');
    const first = line + 1;
    if (first >= this.lines.count || this.lines.isQuiet(first)) bail('block scalar starting with an empty line');
    const contentIndent = this.lines.indent(first);
    if (contentIndent <= indent) bail('empty block scalar');
    const content: string[] = [];
    let trailing = 0;
    let next = first;
    for (; next < this.lines.count; next++) {
      const start = this.lines.starts[next]!;
      if (start === this.text.length) break; // the empty "line" after a final newline is none
      const end = this.lines.end(next);
      const spaces = this.lines.indent(next);
      if (start + spaces >= end) {
        if (end - start > contentIndent) bail('spaces on an empty line of a block scalar');
        trailing++;
        continue;
      }
      if (spaces < contentIndent) break;
      if (next + 1 >= this.lines.count && end === this.text.length) bail('block scalar at the end of the text');
      for (let k = 0; k < trailing; k++) content.push('');
      trailing = 0;
      content.push(this.text.slice(start + contentIndent, end));
    }
    const body = style === '|' ? content.join('\n') : fold(content);
    const tail = chomp === '-' ? '' : chomp === '+' ? '\n'.repeat(trailing + 1) : '\n';
    return { node: { offset: at, value: body + tail }, next };
  }
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
