// Parses the text of one Falco rules file into raw items with file:line:column. Pure: text in, items out.
// Fastest path: the line scanner (yaml-lines.ts); then the CST reader (yaml-cst.ts); anything neither
// handles goes through the yaml library's composer, which also gives YAML errors their line and column.
import type { Document, Node } from 'yaml';
import { yamlLib } from './yaml-lib.js';
import { scanYamlDocuments } from './yaml-lines.js';
import { InputError } from '../errors.js';
import type { RawItem, SourcePosition } from './types.js';
import { NeedsComposer, readYamlDocuments, type CstValue } from './yaml-cst.js';

const ITEM_KINDS = ['rule', 'macro', 'list'] as const;
/** Top-level items Falco accepts that carry no rule, macro or list. */
const OTHER_KINDS = ['required_engine_version', 'required_plugin_versions', 'exception'];

/** Parses `text` (the content of `file`); throws InputError with line:column for anything Falco would reject. */
export function parseRulesText(text: string, file: string): RawItem[] {
  return parseRulesFile(text, file).items;
}

/** parseRulesText, saying whether the line scanner read the file (else the yaml library did, ~5x slower). */
export function parseRulesFile(text: string, file: string): { items: RawItem[]; isScanned: boolean } {
  const { documents, lines, isScanned } = readDocuments(text, file);
  const at = (offset: number): SourcePosition => {
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  const items: RawItem[] = [];
  for (const root of documents) {
    if (root === undefined || (!root.entries && !root.elements && (root.value === null || root.value === ''))) continue;
    if (!root.elements) {
      const where = at(root.offset);
      throw new InputError(`${file}:${where.line}:${where.column}`, 'not a Falco rules file: the document must be a YAML list of rule, macro and list items', 'each item starts with "- rule:", "- macro:" or "- list:"');
    }
    for (const node of root.elements) items.push(readItem(node, at));
  }
  return { items, isScanned };
}

type Reader = (text: string, onNewLine: (offset: number) => void) => (CstValue | undefined)[];
/** The fast readers, fastest first; each hands over (NeedsComposer) on what it does not handle. */
const READERS: Reader[] = [scanYamlDocuments, readYamlDocuments];

function readDocuments(text: string, file: string): { documents: (CstValue | undefined)[]; lines: { linePos(offset: number): { line: number; col: number } }; isScanned: boolean } {
  for (const read of READERS) {
    const lines = new LineStarts();
    try {
      return { documents: read(text, lines.addNewLine), lines, isScanned: read === scanYamlDocuments };
    } catch (error) {
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
      if (this.starts[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (this.starts[low] === offset) return { line: low + 1, col: 1 };
    if (low === 0) return { line: 0, col: offset };
    return { line: low, col: offset - this.starts[low - 1]! + 1 };
  }
}

function composeDocuments(text: string, file: string, lines: InstanceType<ReturnType<typeof yamlLib>['LineCounter']>): (CstValue | undefined)[] {
  const { parseAllDocuments } = yamlLib();
  const documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  return (Array.isArray(documents) ? documents : [documents]).map((doc) => {
    const error = doc.errors[0];
    if (error) {
      const { line, col } = lines.linePos(error.pos[0]);
      throw new InputError(`${file}:${line}:${col}`, `YAML syntax error: ${error.message.split('\n')[0]}`);
    }
    return doc.contents ? fromComposed(doc.contents as Node, doc) : undefined;
  });
}

/** The composer's node tree in the CST reader's shape, so both paths share readItem. */
function fromComposed(node: Node, doc: Document): CstValue {
  const { isAlias, isMap, isScalar, isSeq } = yamlLib();
  const offset = node.range?.[0] ?? 0;
  if (isAlias(node)) return { ...fromComposed(node.resolve(doc) as Node, doc), offset };
  if (isMap(node)) {
    const entries = node.items.map((pair) => ({
      key: String(isScalar(pair.key) ? pair.key.value : pair.key),
      keyOffset: (pair.key as Node | null)?.range?.[0] ?? offset,
      node: pair.value ? fromComposed(pair.value as Node, doc) : { offset, value: null },
    }));
    return { offset, value: Object.fromEntries(entries.map((e) => [e.key, e.node.value])), entries };
  }
  if (isSeq(node)) {
    const elements = node.items.map((item) => fromComposed(item as Node, doc));
    return { offset, value: elements.map((e) => e.value), elements };
  }
  return { offset, value: isScalar(node) ? node.value : null };
}

function readItem(node: CstValue, at: (offset: number) => SourcePosition): RawItem {
  const position = at(node.offset);
  const where = `${position.file}:${position.line}:${position.column}`;
  if (!node.entries) throw new InputError(where, 'not a Falco item: expected a mapping such as "- rule: NAME"');
  const fields: Record<string, unknown> = {};
  const keyPositions: Record<string, SourcePosition> = {};
  let tagPositions: SourcePosition[] = [];
  for (const { key, keyOffset, node: value } of node.entries) {
    fields[key] = value.value;
    keyPositions[key] = at(keyOffset);
    if (key === 'tags' && value.elements) tagPositions = value.elements.map((e) => at(e.offset));
  }
  const kind = ITEM_KINDS.find((k) => k in fields);
  if (!kind) {
    if (OTHER_KINDS.some((k) => k in fields)) return { kind: 'other', name: '', position, fields, keyPositions, tagPositions };
    throw new InputError(where, `not a Falco item: expected one of rule, macro, list (found ${Object.keys(fields).join(', ') || 'nothing'})`);
  }
  const name = fields[kind];
  if (typeof name !== 'string' || name.trim() === '') throw new InputError(where, `${kind} without a name`);
  return { kind, name, position, fields, keyPositions, tagPositions };
}
