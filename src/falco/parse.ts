// Parses the text of one Falco rules file into raw items with file:line:column. Pure: text in, items out.
// Fastest path: the line scanner (yaml-lines.ts); then the CST reader (yaml-cst.ts); anything neither
// handles goes through the yaml library's composer, which also gives YAML errors their line and column.
import type { Document, LineCounter, Node, Scalar } from 'yaml';
import { yamlLib } from './yaml-lib.js';
import { scanYamlDocuments } from './yaml-lines.js';
import { InputError } from '../errors.js';
import { cutAt } from '../terminal-text.js';
import { dataRecord } from '../own.js';
import type { DuplicateKey, RawItem, SourcePosition, TagPosition } from './types.js';
import { unclosedFlowError, unclosedQuoteError } from './yaml-errors.js';
import { mapValue, MAX_NESTING, NeedsComposer, readYamlDocuments, resolvePlain, scalarText, TooDeep, type CstValue } from './yaml-cst.js';

const ITEM_KINDS = ['rule', 'macro', 'list'] as const;
/** Keys of the top-level items Falco reads that are neither rule, macro nor list. */
export const OTHER_ITEM_KEYS = ['required_engine_version', 'required_plugin_versions', 'exception'];

/** Parses `text` (the content of `file`); throws InputError with line:column for anything Falco would reject. */
export function parseRulesText(input: string, file: string): RawItem[] {
  return parseRulesFile(input, file).items;
}

/** parseRulesText, saying whether the line scanner read the file (else the yaml library did, ~5x slower). */
export function parseRulesFile(input: string, file: string): { items: RawItem[]; isScanned: boolean } {
  // A UTF-8 byte order mark (editors on Windows write one) is not part of the YAML; editors do not count it as a column either.
  const text = input.startsWith('\ufeff') ? input.slice(1) : input;
  const { documents, lines, isScanned } = readDocuments(text, file);
  const where = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const at = (offset: number): SourcePosition => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  const items: RawItem[] = [];
  for (const root of documents) {
    // Only a document with no collection at all is null or '' (a collection's value is its object or array).
    if (root === undefined || root.value === null || root.value === '') continue;
    if (!root.elements) {
      throw new InputError(where(root.offset), 'not a Falco rules file: the document must be a YAML list of rule, macro and list items', 'each item starts with "- rule:", "- macro:" or "- list:"');
    }
    for (const node of root.elements) {
      // An empty item (a lone "-", or null): Falco's reader skips it.
      if (node.value === null && !node.entries && !node.elements) continue;
      items.push(readItem(node, at, text));
    }
  }
  return { items, isScanned };
}

type Lines = { linePos(offset: number): { line: number; col: number } };
type Reader = (text: string, onNewLine: (offset: number) => void) => (CstValue | undefined)[];
/** The fast readers, fastest first; each hands over (NeedsComposer) on what it does not handle. */
// Stryker disable next-line ArrayDeclaration: read at module load only, where Stryker's vitest runner reports it surviving; by hand, `[]` fails parse-documents' "which reader" and nesting tests
const READERS: Reader[] = [scanYamlDocuments, readYamlDocuments];

function readDocuments(text: string, file: string): { documents: (CstValue | undefined)[]; lines: Lines; isScanned: boolean } {
  for (const read of READERS) {
    const lines = new LineStarts();
    try {
      return { documents: read(text, lines.addNewLine), lines, isScanned: read === scanYamlDocuments };
    } catch (error) {
      if (error instanceof TooDeep) throw new InputError(`${file}:${lines.linePosText(error.offset)}`, error.message, 'Falco rules nest a few levels deep; this file is not one');
      // Stryker disable next-line ConditionalExpression: the readers throw nothing else (only a bug would), and a reader's error swallowed hands the text to the next one, which reads it alike
      if (!(error instanceof NeedsComposer)) throw error;
    }
  }
  const counter = new (yamlLib().LineCounter)();
  return { documents: composeDocuments(text, file, counter), lines: counter, isScanned: false };
}

/** Line starts as the yaml library's LineCounter keeps them (fed by the readers), with its linePos. */
class LineStarts {
  readonly starts: number[] = [];
  readonly addNewLine = (offset: number): void => {
    this.starts.push(offset);
  };
  /** 1-based line and column of `offset` (LineCounter.linePos). */
  linePos(offset: number): { line: number; col: number } {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      // Stryker disable next-line EqualityOperator: with <=, an offset at a line's start lands one line on and is read as that line's offset past the line before: the same line, column 1
      if (this.starts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (this.starts[low] === offset) return { line: low + 1, col: 1 };
    // Stryker disable next-line ConditionalExpression: both readers feed offset 0 first, so no offset lies before the first start; kept as the yaml library's LineCounter.linePos has it
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - this.starts[low - 1]! + 1 };
  }
  linePosText(offset: number): string {
    const { line, col } = this.linePos(offset);
    return `${line}:${col}`;
  }
}

/** How much the composer may build: aliases may repeat nodes, but never explode them (billion laughs). */
interface ComposeBudget {
  nodesLeft: number;
  /** Nodes being built (aliases resolving into one of them refer to themselves). */
  building: Set<Node>;
  depth: number;
  where: (offset: number) => string;
}

/** How much of the yaml library's message an error quotes: it quotes the token it stopped at, which may be a whole line. */
const MESSAGE_CHARS = 200;

/** The line holding `offset`, or the one before it (a tab may break the block before the error shows) or after it (a
 * tab-indented line read as the rest of a plain value: the error shows at the value), when its indentation holds a
 * tab; undefined otherwise. */
function tabIndentAt(text: string, lines: LineCounter, offset: number): number | undefined {
  const { line } = lines.linePos(offset);
  const hasTabIndent = (n: number): boolean => {
    const start = lines.lineStarts[n - 1];
    // Stryker disable next-line ConditionalExpression: without a start, text.slice(undefined, NaN) is empty, which the test refuses too
    return start !== undefined && /^[ ]*\t/.test(text.slice(start, start + 200));
  };
  // Line 0 has no start: hasTabIndent says no.
  return [line, line - 1, line + 1].find(hasTabIndent);
}

function composeDocuments(text: string, file: string, lines: LineCounter): (CstValue | undefined)[] {
  // failsafe: every scalar as the text written, as yaml-cpp gives it (resolvePlain makes the null words null).
  // resolveKnownTags off: yaml-cpp knows no !!binary, !!set or !!omap, and reads such a scalar as its text (QA: the
  // library's bytes of `!!binary rule` were said as {"type":"Buffer",…}).
  const documents = yamlLib().parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false, schema: 'failsafe', resolveKnownTags: false });
  const where = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  // A file without aliases never builds more nodes than it has characters.
  const budget: ComposeBudget = { nodesLeft: Math.max(100_000, text.length), building: new Set(), depth: 0, where };
  // An array always (an empty stream is an empty array).
  return documents.map((doc) => {
    const error = doc.errors[0];
    if (error) {
      const unclosedQuote = unclosedQuoteError(text, error, lines, where);
      if (unclosedQuote) throw unclosedQuote;
      const isTooDeep = /call stack/i.test(error.message);
      // The yaml library's message does not say it, and a tab looks like blanks in most editors.
      const tabLine = tabIndentAt(text, lines, error.pos[0]);
      // A flow collection that stops short is named where it opens, unless a tab-indented line near the error broke it.
      const unclosedFlow = tabLine === undefined ? unclosedFlowError(text, error, lines, where) : undefined;
      if (unclosedFlow) throw unclosedFlow;
      // Binary data fails on its first odd byte, with a message that quotes the token (QA: 2.6 KB of mojibake on one
      // line): the hint says so when the error's line holds a NUL or a byte that is not UTF-8.
      const lineStart = text.lastIndexOf('\n', error.pos[0] - 1) + 1;
      const lineEnd = text.indexOf('\n', error.pos[0]);
      const isBinary = /[\u0000\ufffd]/.test(text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd));
      const hint = tabLine !== undefined ? `YAML indents with spaces: line ${tabLine} starts with a tab` : isBinary ? 'the file holds binary data (a NUL byte, or bytes that are not UTF-8), not YAML text' : undefined;
      throw new InputError(where(error.pos[0]), isTooDeep ? `collections nested more than ${MAX_NESTING} levels deep` : `YAML syntax error: ${cutAt(error.message.split('\n')[0]!, MESSAGE_CHARS)}`, hint);
    }
    return doc.contents ? fromComposed(doc.contents as Node, doc, budget) : undefined;
  });
}

/** A composed scalar's value as yaml-cpp reads it: an untagged plain null word (`~`, `null`, `NULL`, nothing) is null,
 * anything else its value (the composer keeps the text: the failsafe schema). */
function composedScalar(node: Scalar): unknown {
  return node.type === 'PLAIN' && node.tag === undefined ? resolvePlain(String(node.value)) : node.value;
}

/** Where an alias wrote the value being built: its start and end. */
interface AliasPlace {
  offset: number;
  end: number;
}

/** The composer's node tree in the CST reader's shape, so both paths share readItem. A value read through an alias
 * (`tags: *common`) is placed, all of it, at the alias (`via`): that is where the item reads it, so that findings
 * about the rule that reads it point there, not into the item that holds the anchor. */
function fromComposed(node: Node, doc: Document, budget: ComposeBudget, via?: AliasPlace): CstValue {
  const { isAlias, isMap, isScalar, isSeq } = yamlLib();
  const offset = via?.offset ?? node.range?.[0] ?? 0;
  const placed = via ? { aliasEnd: via.end } : {};
  if (--budget.nodesLeft < 0) throw new InputError(budget.where(offset), 'YAML aliases expand to far more nodes than the file holds (an alias bomb)', 'write the repeated values out, or use fewer nested aliases');
  if (budget.depth >= MAX_NESTING) throw new InputError(budget.where(offset), `collections nested more than ${MAX_NESTING} levels deep`);
  if (isAlias(node)) {
    const target = node.resolve(doc) as Node | undefined;
    if (!target) throw new InputError(budget.where(offset), `YAML alias *${node.source} has no anchor before it`);
    if (budget.building.has(target)) throw new InputError(budget.where(offset), `YAML alias *${node.source} refers to a node that contains it`);
    // An alias inside a value read through another alias stays at the outer one.
    return fromComposed(target, doc, budget, via ?? { offset, end: offset + 1 + node.source.length });
  }
  if (!isMap(node) && !isSeq(node)) return { offset, value: isScalar(node) ? composedScalar(node) : null, ...placed };
  budget.building.add(node);
  budget.depth++;
  try {
    if (isMap(node)) {
      const entries = node.items.map((pair) => ({
        // A null-word key is "null", as yaml-cpp's as<std::string>() gives it and the fast readers read it (`NULL: x`).
        key: isScalar(pair.key) ? (composedScalar(pair.key) === null ? 'null' : scalarText(pair.key.value)) : String(pair.key),
        keyOffset: via?.offset ?? (pair.key as Node | null)?.range?.[0] ?? offset,
        node: pair.value ? fromComposed(pair.value as Node, doc, budget, via) : { offset, value: null, ...placed },
      }));
      return { offset, value: mapValue(entries), entries, ...placed };
    }
    const elements = node.items.map((item) => fromComposed(item as Node, doc, budget, via));
    return { offset, value: elements.map((e) => e.value), elements, ...placed };
  } finally {
    budget.building.delete(node);
    budget.depth--;
  }
}

/** Keys written twice in one map, anywhere in an item; Falco (yaml-cpp) reads the first and ignores the rest. */
function duplicateKeys(node: CstValue, at: (offset: number) => SourcePosition): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack = [node];
  for (let current = stack.pop(); current; current = stack.pop()) {
    for (const element of current.elements ?? []) stack.push(element);
    if (!current.entries) continue;
    const first = new Map<string, number>();
    for (const entry of current.entries) {
      const earlier = first.get(entry.key);
      if (earlier === undefined) first.set(entry.key, entry.keyOffset);
      else found.push({ key: entry.key, position: at(entry.keyOffset), first: at(earlier) });
      stack.push(entry.node);
    }
  }
  return found.sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
}

/**
 * Where the scalar `value` written at `offset` of `text` ends, if it ends on the line it starts: a plain scalar is the
 * value as written; a quoted one ends at its closing quote (a doubled ' or a backslash escapes one inside). Undefined
 * for anything else (an alias, a block or multi-line scalar), which outputs then mark to the end of the line.
 */
export function scalarEnd(text: string, offset: number, value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const quote = text[offset];
  if (quote !== '"' && quote !== "'") return text.startsWith(value, offset) && !/[\n\r]/.test(value) ? offset + value.length : undefined;
  // Stryker disable next-line EqualityOperator: text[text.length] is undefined, which no test below matches
  for (let i = offset + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\n' || c === '\r') return undefined;
    if (quote === '"' && c === '\\') {
      // An escaped line break continues the scalar on the next line.
      if (text[i + 1] === '\n' || text[i + 1] === '\r') return undefined;
      i++;
    } else if (c === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return undefined;
}

/** A tag's position, with its end column when it ends on its line (scalarEnd; a tag read through an alias: the alias's end). */
function tagPosition(element: CstValue, at: (offset: number) => SourcePosition, text: string): TagPosition {
  const { file, line, column } = at(element.offset);
  const end = element.aliasEnd ?? scalarEnd(text, element.offset, element.value);
  return { file, line, column, endColumn: end === undefined ? undefined : column + end - element.offset };
}

function readItem(node: CstValue, at: (offset: number) => SourcePosition, text: string): RawItem {
  const position = at(node.offset);
  const where = `${position.file}:${position.line}:${position.column}`;
  if (!node.entries) throw new InputError(where, 'not a Falco item: expected a mapping such as "- rule: NAME"');
  // Records that inherit nothing: keys such as __proto__, constructor or toString are plain data here.
  const fields = dataRecord<unknown>();
  const keyPositions = dataRecord<SourcePosition>();
  let tagPositions: TagPosition[] = [];
  for (const { key, keyOffset, node: value } of node.entries) {
    if (key in fields) continue; // the first of duplicate keys wins, as in Falco
    fields[key] = value.value;
    keyPositions[key] = at(keyOffset);
    if (key === 'tags' && value.elements) tagPositions = value.elements.map((e) => tagPosition(e, at, text));
  }
  const duplicates = duplicateKeys(node, at);
  const extra = duplicates.length > 0 ? { duplicateKeys: duplicates } : {};
  const kind = ITEM_KINDS.find((k) => k in fields);
  // Neither rule, macro nor list: required_engine_version and the like, or an item Falco does not know, which
  // it loads past with a warning (LOAD_UNKNOWN_ITEM, "Unknown rules file item"); validate says so.
  if (!kind) return { kind: 'other', name: '', position, fields, keyPositions, tagPositions, ...extra };
  const name = fields[kind];
  if (typeof name !== 'string' || name.trim() === '') throw new InputError(where, `${kind} without a name`);
  return { kind, name, position, fields, keyPositions, tagPositions, ...extra };
}
