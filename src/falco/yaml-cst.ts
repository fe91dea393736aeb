// Reads plain YAML values (maps, sequences, scalars) straight from the yaml library's CST, with the
// offset of every node. Falco rules files use only that subset, and skipping the library's composer
// halves a cold parse. Anything beyond it (anchors, aliases, tags, explicit keys, errors) throws
// NeedsComposer and the caller falls back to the full composer. Pure.
import { CST, Parser } from 'yaml';

export class NeedsComposer extends Error {}

/** A YAML value with the offset where it starts (and, for maps, the offset of each key). */
export interface CstValue {
  offset: number;
  value: unknown;
  /** For maps: each key's value node and key offset. */
  entries?: { key: string; keyOffset: number; node: CstValue }[];
  /** For sequences: each element's node. */
  elements?: CstValue[];
}

const QUIET = new Set(['space', 'newline', 'comment']);

function requireQuiet(tokens: CST.SourceToken[] | undefined, allowed: string[] = []): void {
  for (const token of tokens ?? []) if (!QUIET.has(token.type) && !allowed.includes(token.type)) throw new NeedsComposer(token.type);
}

/** YAML 1.2 core schema for plain scalars, as the yaml library resolves them by default. */
export function resolvePlain(text: string): unknown {
  if (text === '' || text === '~' || /^(null|Null|NULL)$/.test(text)) return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?[0-9]+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return Number.parseInt(text.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number.parseFloat(text);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return Number.NaN;
  return text;
}

function scalar(token: CST.FlowScalar | CST.BlockScalar): CstValue {
  if (token.type === 'alias') throw new NeedsComposer('alias');
  if (token.type === 'block-scalar') requireQuiet(token.props as CST.SourceToken[], ['block-scalar-header']);
  const resolved = CST.resolveAsScalar(token, true, (_offset, _code, message) => {
    throw new NeedsComposer(message);
  });
  return { offset: token.offset, value: token.type === 'scalar' ? resolvePlain(resolved.value) : resolved.value };
}

function mapEntries(items: CST.CollectionItem[] | CST.BlockMap['items'], allowedStart: string[]): CstValue {
  const entries: NonNullable<CstValue['entries']> = [];
  for (const item of items) {
    if ('explicitKey' in item && item.explicitKey) throw new NeedsComposer('explicit key');
    requireQuiet(item.start, allowedStart);
    if (!item.key || !item.sep?.some((t) => t.type === 'map-value-ind')) throw new NeedsComposer('key without value');
    requireQuiet(item.sep, ['map-value-ind']);
    const key = readNode(item.key as CST.Token);
    if (key.entries || key.elements) throw new NeedsComposer('complex key');
    entries.push({ key: String(key.value), keyOffset: key.offset, node: item.value ? readNode(item.value) : { offset: key.offset, value: null } });
  }
  return { offset: entries[0]?.keyOffset ?? 0, value: Object.fromEntries(entries.map((e) => [e.key, e.node.value])), entries };
}

function sequence(values: (CST.Token | undefined)[], offset: number): CstValue {
  const elements = values.map((v) => (v ? readNode(v) : { offset, value: null }));
  return { offset, value: elements.map((e) => e.value), elements };
}

export function readNode(token: CST.Token): CstValue {
  switch (token.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar':
    case 'alias':
      return scalar(token);
    case 'block-map':
      return { ...mapEntries(token.items, []), offset: token.offset };
    case 'block-seq':
      for (const item of token.items) requireQuiet(item.start, ['seq-item-ind']);
      return sequence(token.items.map((i) => i.value), token.offset);
    case 'flow-collection': {
      requireQuiet(token.end, ['flow-map-end', 'flow-seq-end']);
      if (token.start.type === 'flow-map-start') return { ...mapEntries(token.items, ['comma']), offset: token.offset };
      for (const item of token.items) {
        requireQuiet(item.start, ['comma']);
        if (item.key || item.sep) throw new NeedsComposer('pair in a flow sequence');
      }
      return sequence(token.items.map((i) => i.value), token.offset);
    }
    default:
      throw new NeedsComposer(token.type);
  }
}

/** The documents of `text` as CST values; `onNewLine` feeds a LineCounter. */
export function readYamlDocuments(text: string, onNewLine: (offset: number) => void): (CstValue | undefined)[] {
  const documents: (CstValue | undefined)[] = [];
  for (const token of new Parser(onNewLine).parse(text)) {
    if (token.type === 'document') {
      requireQuiet(token.start, ['doc-start']);
      requireQuiet(token.end as CST.SourceToken[] | undefined, ['doc-end']);
      documents.push(token.value ? readNode(token.value) : undefined);
    } else if (token.type !== 'comment' && token.type !== 'space' && token.type !== 'newline' && token.type !== 'doc-end' && token.type !== 'byte-order-mark') {
      throw new NeedsComposer(token.type);
    }
  }
  return documents;
}
