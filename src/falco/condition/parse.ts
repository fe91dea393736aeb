// A recursive-descent parser for Falco conditions: and/or/not, parentheses, comparison, list and unary
// operators, field arguments (proc.aname[2], evt.arg.name), transformers (tolower(…), val(…)), macro
// references. Errors carry the line and column in the condition. Pure.
import { COMPARISON_OPERATORS, LIST_OPERATORS, TRANSFORMERS, UNARY_OPERATORS, type ConditionNode, type FieldRef, type ListValue, type Operand, type Position, type ScalarValue } from './ast.js';

export class ConditionSyntaxError extends Error {
  constructor(
    readonly detail: string,
    readonly pos: Position,
  ) {
    super(`${pos.line}:${pos.column}: ${detail}`);
  }
}

const WORD_OPERATORS = new Set([...COMPARISON_OPERATORS, ...LIST_OPERATORS, ...UNARY_OPERATORS].filter((o) => /^[a-z]/.test(o)));
const SYMBOL_OPERATORS = ['==', '!=', '<=', '>=', '=', '<', '>'];
/** A field (libsinsp RGX_FIELDNAME: each part after a dot starts with a letter, no `-`), else a macro's name
 * (RGX_IDENTIFIER: a letter first). libsinsp's parser reads `evt.arg.1` as the field evt.arg and then wants an operator,
 * and `_macro` as nothing it knows: both are syntax errors (write evt.arg[1]). */
const IDENTIFIER = /[A-Za-z]+[A-Za-z0-9_]*(?:\.[A-Za-z]+[A-Za-z0-9_]*)*/y;
/** A bare value runs to whitespace, a comma, a parenthesis, a quote or "=" (libsinsp RGX_BARESTR; < > may be
 * inside, e.g. <NA>): `-r=now` is `-r`, then a parse error. */
/** What libsinsp takes as a list name after in, intersects or pmatch (RGX_IDENTIFIER). */
const LIST_IDENTIFIER = /[A-Za-z]+[A-Za-z0-9_]*/y;
const BARE_VALUE = /[^\s(),"'=]+/y;
/** Word operators libsinsp reads only with a blank after them (s_binary_str_ops: "contains " …). */
const SPACED_OPERATORS = new Set(['glob', 'iglob', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'regex']);
/** The escapes libsinsp's unescape_str knows; a space after a backslash gives a backslash (escaping.cpp). */
const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', ' ': '\\', '\\': '\\', '/': '/' };

class Scanner {
  offset = 0;
  /** Where each line starts, found once: the parser asks for a position at every and/or. */
  private lineStarts: number[] | undefined;
  constructor(readonly text: string) {}

  position(offset = this.offset): Position {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    // The last line starting at or before offset (binary search).
    let line = 0;
    // Stryker disable next-line ArithmeticOperator: starts[length] and past are undefined, and undefined <= offset is false: a high past the end only adds steps that bring it back
    for (let high = starts.length - 1; line < high; ) {
      const middle = (line + high + 1) >> 1;
      if (starts[middle]! <= offset) line = middle;
      else high = middle - 1;
    }
    return { offset, line: line + 1, column: offset - starts[line]! + 1 };
  }

  skipSpace(): void {
    // charAt is '' past the end, which is no blank: no bound needed.
    while (/\s/.test(this.text.charAt(this.offset))) this.offset++;
  }

  peek(): string {
    this.skipSpace();
    return this.text.charAt(this.offset);
  }

  isAtEnd(): boolean {
    this.skipSpace();
    return this.offset >= this.text.length;
  }

  match(pattern: RegExp): string | undefined {
    this.skipSpace();
    pattern.lastIndex = this.offset;
    const found = pattern.exec(this.text);
    // Every pattern is sticky (/y): a match starts at lastIndex or there is none.
    if (!found) return undefined;
    this.offset += found[0].length;
    return found[0];
  }

  /** The next identifier-like word ('' when none), without consuming it. */
  peekWord(): string {
    const start = this.offset;
    const word = this.match(IDENTIFIER) ?? '';
    this.offset = start;
    return word;
  }

  expect(char: string, what: string): void {
    if (this.peek() !== char) this.fail(`expected ${what}`);
    this.offset++;
  }

  fail(detail: string, offset = this.offset): never {
    // What was found: the text up to the next blank (every failure is at a non-blank character, or at the end).
    const found = this.text.slice(offset).split(/\s/, 1)[0];
    throw new ConditionSyntaxError(found ? `${detail}, found "${found.slice(0, 30)}"` : `${detail}, found the end of the condition`, this.position(offset));
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/** How deep `not`, parentheses and transformers may nest: far beyond any real condition (the official rules nest
 * a few levels), and shallow enough that neither this parser nor the walkers of its tree run out of stack on a
 * condition written to make them (a model's answer of 12,000 `not`s crashed draft). */
export const MAX_NESTING = 500;

class Parser {
  private depth = 0;

  constructor(private readonly s: Scanner) {}

  /** Runs `inner` one level deeper; a syntax error past MAX_NESTING, at `offset`. */
  private nested<T>(offset: number, inner: () => T): T {
    if (++this.depth > MAX_NESTING) this.s.fail(`nested more than ${MAX_NESTING} levels deep (not, parentheses, transformers)`, offset);
    try {
      return inner();
    } finally {
      this.depth--;
    }
  }

  parse(): ConditionNode {
    if (this.s.isAtEnd()) this.s.fail('empty condition');
    const node = this.or();
    if (!this.s.isAtEnd()) this.s.fail(this.s.peek() === ')' ? 'unbalanced ")"' : 'expected and, or or the end of the condition');
    return node;
  }

  private keyword(word: string): boolean {
    const start = this.s.offset;
    if (this.s.peekWord() === word) {
      this.s.match(IDENTIFIER);
      return true;
    }
    this.s.offset = start;
    return false;
  }

  private or(): ConditionNode {
    let left = this.and();
    for (let pos = this.s.position(); this.keyword('or'); pos = this.s.position()) left = { kind: 'or', left, right: this.and(), pos };
    return left;
  }

  private and(): ConditionNode {
    let left = this.not();
    for (let pos = this.s.position(); this.keyword('and'); pos = this.s.position()) left = { kind: 'and', left, right: this.not(), pos };
    return left;
  }

  private not(): ConditionNode {
    this.s.skipSpace();
    const pos = this.s.position();
    if (this.keyword('not')) return { kind: 'not', operand: this.nested(pos.offset, () => this.not()), pos };
    return this.primary();
  }

  private primary(): ConditionNode {
    this.s.skipSpace();
    const pos = this.s.position();
    if (this.s.peek() === '(') {
      this.s.offset++;
      const inner = this.nested(pos.offset, () => this.or());
      this.s.expect(')', '")" to close the "(" at ' + `${pos.line}:${pos.column}`);
      return inner;
    }
    const word = this.s.peekWord();
    if (!word) this.s.fail('expected a field, a macro, "not" or "("');
    if (['and', 'or'].includes(word)) this.s.fail(`"${word}" needs something on its left`);
    const isTransformer = TRANSFORMERS.includes(word) && this.s.text[this.s.offset + word.length] === '(';
    if (!isTransformer && !word.includes('.')) {
      this.s.match(IDENTIFIER);
      const next = this.s.peekWord();
      this.s.skipSpace();
      const symbol = SYMBOL_OPERATORS.some((o) => this.s.text.startsWith(o, this.s.offset));
      if (symbol || WORD_OPERATORS.has(next)) this.s.fail(`"${word}" is not a field (fields have a class, e.g. proc.name)`, pos.offset);
      return { kind: 'macro', name: word, pos };
    }
    const field = this.field();
    return this.check(field, pos);
  }

  /** A field, with its transformers; `val(` only where a value goes (isValue), and only around a field. */
  private field(isValue = false): FieldRef {
    this.s.skipSpace();
    const pos = this.s.position();
    const word = this.s.match(IDENTIFIER);
    if (!word) this.s.fail('expected a field');
    if (TRANSFORMERS.includes(word) && this.s.text[this.s.offset] === '(') {
      if (word === 'val' && !isValue) this.s.fail('val() takes a field where a value goes, on the right of an operator', pos.offset);
      this.s.offset++;
      const inner = this.nested(pos.offset, () => this.field());
      if (word === 'val' && inner.transformers.length > 0) this.s.fail("expected a field within 'val' transformer", inner.pos.offset);
      this.s.expect(')', `")" to close ${word}(`);
      return { ...inner, transformers: [word, ...inner.transformers], pos };
    }
    let arg: string | undefined;
    const quote = this.s.text[this.s.offset + 1];
    if (this.s.text[this.s.offset] === '[' && (quote === '"' || quote === "'")) {
      // A quoted argument (proc.env["PATH"]) is read as a quoted value is (libsinsp parse_field_remainder:
      // lex_quoted_str), its quotes taken off, and the ] must follow it at once.
      this.s.offset++;
      arg = this.scalar().text;
      if (this.s.text[this.s.offset] !== ']') {
        const blank = this.s.offset;
        this.s.skipSpace();
        this.s.fail(`expected "]" right after the quoted field argument${this.s.offset > blank ? ' (no blank before it)' : ''}`);
      }
      this.s.offset++;
    } else if (this.s.text[this.s.offset] === '[') {
      const close = this.s.text.indexOf(']', this.s.offset);
      if (close === -1) this.s.fail('unclosed "[" in a field argument');
      arg = this.s.text.slice(this.s.offset + 1, close);
      this.s.offset = close + 1;
    }
    return { name: word, ...(arg !== undefined ? { arg } : {}), transformers: [], pos };
  }

  private operator(): string {
    this.s.skipSpace();
    for (const symbol of SYMBOL_OPERATORS) {
      if (this.s.text.startsWith(symbol, this.s.offset)) {
        this.s.offset += symbol.length;
        return symbol;
      }
    }
    const word = this.s.peekWord();
    if (WORD_OPERATORS.has(word)) {
      const start = this.s.offset;
      this.s.match(IDENTIFIER);
      if (SPACED_OPERATORS.has(word) && !/[ \t\b\r\n]/.test(this.s.text[this.s.offset] ?? '')) this.s.fail(`"${word}" needs a blank after it`, start);
      return word;
    }
    return this.s.fail(word ? `unknown operator "${word}"` : 'expected an operator (=, !=, in, contains, exists …)');
  }

  private check(field: FieldRef, pos: Position): ConditionNode {
    const operator = this.operator();
    if (UNARY_OPERATORS.includes(operator)) return { kind: 'check', field, operator, pos };
    const value: Operand = LIST_OPERATORS.includes(operator) ? this.listOrField() : this.scalarOrField();
    return { kind: 'check', field, operator, value, pos };
  }

  private listOrField(): Operand {
    if (this.s.peek() !== '(') {
      const word = this.s.peekWord();
      // A transformer only with its "(" (libsinsp lexes "tolower(" as one token): `in basename` names a list.
      if (TRANSFORMERS.includes(word) && this.s.text[this.s.offset + word.length] === '(') return { kind: 'field', field: this.field(true) };
      // libsinsp's ListValue is a parenthesised list or an identifier, read as one value. Falco pastes a list's
      // items where its name stands, as text, before parsing: `in shell_binaries` is `in bash, sh, …`, which does
      // not parse unless the list has exactly one item (lists.ts listAsValue says so). Not `in (shell_binaries)`.
      this.s.skipSpace();
      const pos = this.s.position();
      const name = this.s.match(LIST_IDENTIFIER);
      if (name === undefined) this.s.fail('expected "(" to open a list, or a list name');
      return { kind: 'value', text: name, isQuoted: false, pos };
    }
    return this.list();
  }

  /** A parenthesised list of values, the scanner at its "(". */
  list(): ListValue {
    const pos = this.s.position();
    this.s.offset++;
    const list: ListValue = { kind: 'list', items: [], pos };
    if (this.s.peek() === ')') {
      this.s.offset++;
      return list;
    }
    for (;;) {
      list.items.push(this.scalar());
      const next = this.s.peek();
      this.s.offset++;
      if (next === ')') return list;
      if (next !== ',') this.s.fail('expected "," or ")" in a list', this.s.offset - 1);
    }
  }

  private scalarOrField(): Operand {
    this.s.skipSpace();
    const word = this.s.peekWord();
    if (TRANSFORMERS.includes(word) && this.s.text[this.s.offset + word.length] === '(') return { kind: 'field', field: this.field(true) };
    return this.scalar();
  }

  /** A quoted string's content as libsinsp's unescape_str reads it. */
  private unescape(raw: string, quote: string, pos: Position): string {
    let text = '';
    for (let i = 0; i < raw.length; i++) {
      // (raw never ends with a backslash: a quote right after one does not end the string.)
      if (raw[i] !== '\\') {
        text += raw[i];
        continue;
      }
      const c = raw[++i]!;
      if (c === '"' || c === "'") {
        if (c !== quote) this.s.fail(`invalid \\${c} escape in ${quote}-quoted string`, pos.offset);
        text += c;
      } else if (Object.hasOwn(ESCAPES, c)) text += ESCAPES[c];
      else this.s.fail(`unsupported string escape sequence: \\${c}`, pos.offset);
    }
    return text;
  }

  private scalar(): ScalarValue {
    this.s.skipSpace();
    const pos = this.s.position();
    const quote = this.s.text[this.s.offset];
    if (quote === '"' || quote === "'") {
      // libsinsp ends the string at the first quote not right after a backslash, then unescapes what it holds.
      let i = this.s.offset + 1;
      while (i < this.s.text.length && !(this.s.text[i] === quote && this.s.text[i - 1] !== '\\')) i++;
      if (i === this.s.text.length) this.s.fail('unterminated string', pos.offset);
      const text = this.unescape(this.s.text.slice(this.s.offset + 1, i), quote, pos);
      this.s.offset = i + 1;
      return { kind: 'value', text, isQuoted: true, pos };
    }
    const bare = this.s.match(BARE_VALUE);
    if (!bare) this.s.fail('expected a value');
    return { kind: 'value', text: bare, isQuoted: false, pos };
  }
}

/** An item as Falco pastes it into a condition (quote_item): quoted when it has a space and no quote of its own. */
export function quoteItem(item: string): string {
  return item.includes(' ') && item[0] !== '"' && item[0] !== "'" ? `"${item}"` : item;
}

/**
 * The values one item of a `- list:` stands for. Falco pastes list items into the condition text
 * (rule_loader_compiler.cpp resolve_list), quoting only an item with a space that does not already start
 * with a quote (quote_item); the condition parser then reads them. So the official `'"10.0.0.0/8"'` is the
 * string 10.0.0.0/8, and `a,b` is two values. Throws ConditionSyntaxError for an item that does not parse.
 */
export function listItemValues(item: string): string[] {
  const scanner = new Scanner(`(${quoteItem(item)})`);
  const list = new Parser(scanner).list();
  if (!scanner.isAtEnd()) scanner.fail('expected "," or ")" in a list');
  return list.items.map((v) => v.text);
}

/** Parses a condition; throws ConditionSyntaxError with line and column. */
export function parseCondition(text: string): ConditionNode {
  return new Parser(new Scanner(text)).parse();
}

/** The tree of a condition, or undefined when it does not parse (for readers a broken condition tells nothing: its
 * syntax error is reported apart). */
export function tryParseCondition(text: string): ConditionNode | undefined {
  let tree: ConditionNode | undefined;
  try {
    tree = parseCondition(text);
  } catch {
    // A condition that does not parse has no tree.
  }
  return tree;
}
