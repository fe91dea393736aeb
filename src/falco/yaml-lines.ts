// A line scanner for the YAML that Falco rules files are written in: a block sequence of block maps whose
// values are plain, quoted, folded or literal scalars, flow sequences and nested block collections. It gives
// exactly what the CST reader (yaml-cst.ts) gives, offsets included, without the yaml library's lexer, and
// throws NeedsComposer on anything else (anchors, tags, flow maps, quoted scalars over several lines, escapes beyond JSON's,
// indentation it does not expect), so the caller falls back to the CST reader and then the composer. Pure.
import { mapValue, resolvePlain, type CstValue } from './yaml-cst.js';
import { Lines, bail, blockScalar, flowPlain, plainLine, quotedScalar, restOfLine } from './yaml-line-scalars.js';

const KEY = /([A-Za-z_][A-Za-z0-9_-]*):(?: +|(?=\n)|$)/y;
/** Collections nested deeper than this go to the CST reader, which refuses what is too deep (MAX_NESTING). */
const MAX_SCANNED_NESTING = 32;

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
  private depth = 0;
  constructor(private readonly lines: Lines) {
    this.text = lines.text;
  }

  /** Runs `read` one collection deeper. */
  private nest<T>(read: () => T): T {
    if (++this.depth > MAX_SCANNED_NESTING) bail('deeply nested collections');
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  isItem(line: number, indent: number): boolean {
    const at = this.lines.starts[line]! + indent;
    return this.text[at] === '-' && (at + 1 === this.lines.end(line) || this.text[at + 1] === ' ');
  }

  /** A block sequence whose "-" items sit at `indent`, starting on `line`; returns the line after it. */
  sequence(line: number, indent: number): { node: CstValue; next: number } {
    return this.nest(() => this.readSequence(line, indent));
  }

  private readSequence(line: number, indent: number): { node: CstValue; next: number } {
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
    return this.nest(() => this.readMap(line, indent));
  }

  private readMap(line: number, indent: number): { node: CstValue; next: number } {
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
    return { node: { offset: entries[0]!.keyOffset, value: mapValue(entries), entries }, next: line };
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
    if (c === '>' || c === '|') return blockScalar(this.lines, line, at, indent);
    let node: CstValue;
    let stop: number;
    if (c === '"' || c === "'") ({ node, stop } = quotedScalar(this.text, at, this.lines.end(line)));
    else if (c === '[') ({ node, stop, line } = this.flowSequence(line, at, indent));
    else ({ node, stop, line } = this.plain(line, at, indent));
    restOfLine(this.text, stop, this.lines.end(line));
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

  /** A plain scalar: the rest of its line, and the more indented lines after it (folded: one line break
   * becomes a space, each empty line a line break), up to a comment or a line at `indent` or less. */
  private plain(line: number, at: number, indent: number): { node: CstValue; stop: number; line: number } {
    let piece = plainLine(this.text, at, this.lines.end(line), true);
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
      piece = plainLine(this.text, start + spaces, this.lines.end(next), false);
      parts.push(empty === 0 ? ' ' : '\n'.repeat(empty), piece.text);
      line = next;
      empty = 0;
    }
    return { node: { offset: at, value: resolvePlain(parts.join('')) }, stop: piece.stop, line };
  }

  /** A flow sequence `[a, "b", [c]]`, possibly over several lines, each indented past `indent`. */
  private flowSequence(line: number, at: number, indent: number): { node: CstValue; stop: number; line: number } {
    return this.nest(() => this.readFlowSequence(line, at, indent));
  }

  private readFlowSequence(line: number, at: number, indent: number): { node: CstValue; stop: number; line: number } {
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
      if (c === '"' || c === "'") item = quotedScalar(this.text, i, end);
      else if (c === '[') {
        const inner = this.flowSequence(line, i, indent);
        line = inner.line;
        item = inner;
      } else item = flowPlain(this.text, i, end);
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

}

