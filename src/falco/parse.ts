// Parses the text of one Falco rules file into raw items with file:line:column. Pure: text in, items out.
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { InputError } from '../errors.js';
import type { RawItem, SourcePosition } from './types.js';

const ITEM_KINDS = ['rule', 'macro', 'list'] as const;
/** Top-level items Falco accepts that carry no rule, macro or list. */
const OTHER_KINDS = ['required_engine_version', 'required_plugin_versions', 'exception'];

function positionOf(node: Node | null | undefined, lines: LineCounter, file: string): SourcePosition {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { file, line, column: col };
}

/** Parses `text` (the content of `file`); throws InputError with line:column for anything Falco would reject. */
export function parseRulesText(text: string, file: string): RawItem[] {
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  const docs = Array.isArray(documents) ? documents : [documents];
  const items: RawItem[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const { line, col } = lines.linePos(error.pos[0]);
      throw new InputError(`${file}:${line}:${col}`, `YAML syntax error: ${error.message.split('\n')[0]}`);
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) continue;
    if (!isSeq(root)) {
      const where = positionOf(root, lines, file);
      throw new InputError(`${file}:${where.line}:${where.column}`, 'not a Falco rules file: the document must be a YAML list of rule, macro and list items', 'each item starts with "- rule:", "- macro:" or "- list:"');
    }
    for (const node of root.items) items.push(readItem(node as Node, lines, file));
  }
  return items;
}

function readItem(node: Node, lines: LineCounter, file: string): RawItem {
  const position = positionOf(node, lines, file);
  const at = `${file}:${position.line}:${position.column}`;
  if (!isMap(node)) throw new InputError(at, 'not a Falco item: expected a mapping such as "- rule: NAME"');
  const fields: Record<string, unknown> = {};
  const keyPositions: Record<string, SourcePosition> = {};
  let tagPositions: SourcePosition[] = [];
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) continue;
    fields[key] = (pair.value as Node | null)?.toJSON?.() ?? (isScalar(pair.value) ? pair.value.value : pair.value);
    keyPositions[key] = positionOf(pair.key as Node, lines, file);
    if (key === 'tags' && isSeq(pair.value)) tagPositions = pair.value.items.map((item) => positionOf(item as Node, lines, file));
  }
  const kind = ITEM_KINDS.find((k) => k in fields);
  if (!kind) {
    if (OTHER_KINDS.some((k) => k in fields)) return { kind: 'other', name: '', position, fields, keyPositions, tagPositions };
    throw new InputError(at, `not a Falco item: expected one of rule, macro, list (found ${Object.keys(fields).join(', ') || 'nothing'})`);
  }
  const name = fields[kind];
  if (typeof name !== 'string' || name.trim() === '') throw new InputError(at, `${kind} without a name`);
  return { kind, name, position, fields, keyPositions, tagPositions };
}
