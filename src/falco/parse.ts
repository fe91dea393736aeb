// Parses the text of one Falco rules file into raw items with file:line:column. Pure: text in, items out.
// Fast path: the CST reader (yaml-cst.ts); anything it does not handle goes through the full composer,
// which also gives YAML errors their line and column.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { InputError } from '../errors.js';
import type { RawItem, SourcePosition } from './types.js';
import { NeedsComposer, readYamlDocuments, type CstValue } from './yaml-cst.js';

const ITEM_KINDS = ['rule', 'macro', 'list'] as const;
/** Top-level items Falco accepts that carry no rule, macro or list. */
const OTHER_KINDS = ['required_engine_version', 'required_plugin_versions', 'exception'];

/** Parses `text` (the content of `file`); throws InputError with line:column for anything Falco would reject. */
export function parseRulesText(text: string, file: string): RawItem[] {
  let lines = new LineCounter();
  let documents: (CstValue | undefined)[];
  try {
    documents = readYamlDocuments(text, lines.addNewLine);
  } catch (error) {
    if (!(error instanceof NeedsComposer)) throw error;
    lines = new LineCounter();
    documents = composeDocuments(text, file, lines);
  }
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
  return items;
}

function composeDocuments(text: string, file: string, lines: LineCounter): (CstValue | undefined)[] {
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
