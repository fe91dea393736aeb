// Reads plain YAML values (maps, sequences, scalars) straight from the yaml library's CST, with the
// offset of every node. Falco rules files use only that subset, and skipping the library's composer
// halves a cold parse. Anything beyond it (anchors, aliases, tags, explicit keys, errors) throws
// NeedsComposer and the caller falls back to the full composer. Pure.
import type { CST } from 'yaml';
import { yamlLib } from './yaml-lib.js';

export class NeedsComposer extends Error {}

/** Collections nested deeper than Falco rules ever are (they use 4 or 5 levels); deeper is refused before it can exhaust the stack. */
export const MAX_NESTING = 100;

/** Thrown at the offset of a collection nested deeper than MAX_NESTING. */
export class TooDeep extends Error {
  constructor(readonly offset: number) {
    super(`collections nested more than ${MAX_NESTING} levels deep`);
  }
}

let depth = 0;
/** The text being read: what a comment token follows is checked in it. */
let source = '';

/** A YAML value with the offset where it starts (and, for maps, the offset of each key). */
export interface CstValue {
  offset: number;
  value: unknown;
  /** For maps: each key's value node and key offset. */
  entries?: { key: string; keyOffset: number; node: CstValue }[];
  /** For sequences: each element's node. */
  elements?: CstValue[];
  /** Where the alias that wrote this value ends (`*name`): a value read through an alias is placed at the alias, the
   * place in the item that reads it (the composer's reader only; the others hand aliases to it). */
  aliasEnd?: number;
}

const QUIET = new Set(['space', 'newline', 'comment']);

// Stryker disable next-line ArrayDeclaration: no token has the type "Stryker was here": allowing it allows nothing more
function requireQuiet(tokens: CST.SourceToken[] | undefined, allowed: string[] = []): void {
  for (const token of tokens ?? []) {
    if (!QUIET.has(token.type) && !allowed.includes(token.type)) throw new NeedsComposer(token.type);
    // `[a]#c` or `[a,#c`: the lexer makes a comment of it, the composer refuses it (yaml: MISSING_CHAR). A comment at the
    // start of the text is a token of the stream, never one of these (at offset 0 this would hand over: the safe side).
    if (token.type === 'comment' && !/[ \t\n\r]/.test(source[token.offset - 1]!)) throw new NeedsComposer('comment without a blank before it');
  }
}

/** Tabs before an item's content: the composer refuses them as indentation before a collection (yaml: TAB_AS_INDENT), so
 * they go to it whatever follows. */
function requireNoTab(tokens: CST.SourceToken[]): void {
  if (tokens.some((token) => token.type === 'space' && token.source.includes('\t'))) throw new NeedsComposer('tab after an indicator');
}

/** A block collection (or block scalar) inside a flow collection (yaml: BLOCK_IN_FLOW). */
function requireFlowContent(token: CST.Token | undefined): void {
  if (token && (isBlockCollection(token) || token.type === 'block-scalar')) throw new NeedsComposer('block node in a flow collection');
}

/** Whether a flow collection's last item is the one a trailing comma leaves: no key, value or separator, and one comma
 * at most in its start (none when a comment line ends the collection). Its start is checked as any item's: `[a,#c` and
 * `[a,,]` (the composer refuses them) and `[a, ?]` or `[a, &x]` (the composer reads one item more) go to the composer. */
function isTrailingComma(item: CST.CollectionItem): boolean {
  if (item.value || item.key || item.sep) return false;
  requireQuiet(item.start, ['comma']);
  if (item.start.filter((t) => t.type === 'comma').length > 1) throw new NeedsComposer('misplaced comma');
  return true;
}

/** The plain scalars yaml-cpp reads as null (its IsNullString, and an empty value). */
const YAML_CPP_NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/**
 * A plain scalar as Falco reads it: yaml-cpp gives every scalar as the text written, and Falco decodes each
 * key of a rules file as a string (a bool for `enabled:` and the like, from that text: `falcoBool`). So
 * `1070.010` stays "1070.010" (the YAML 1.2 core schema, the yaml library's default, would make it the
 * number 1070.01), `0x10` stays "0x10", `2024` is a rule's name, not a number; only the null words are null.
 */
export function resolvePlain(text: string): string | null {
  return YAML_CPP_NULLS.has(text) ? null : text;
}

function scalar(token: CST.FlowScalar | CST.BlockScalar): CstValue {
  if (token.type === 'alias') throw new NeedsComposer('alias');
  if (token.type === 'block-scalar') requireQuiet(token.props as CST.SourceToken[], ['block-scalar-header']);
  const resolved = yamlLib().CST.resolveAsScalar(token, true, (_offset, _code, message) => {
    throw new NeedsComposer(message);
  });
  return { offset: token.offset, value: token.type === 'scalar' ? resolvePlain(resolved.value) : resolved.value };
}

function mapEntries(items: CST.CollectionItem[] | CST.BlockMap['items'], isFlow: boolean, columnOf: ColumnOf): CstValue {
  const entries: NonNullable<CstValue['entries']> = [];
  items.forEach((item, index) => {
    if ('explicitKey' in item && item.explicitKey) throw new NeedsComposer('explicit key');
    requireQuiet(item.start, isFlow ? ['comma'] : []);
    if (isFlow) {
      requireFlowContent(item.key as CST.Token | undefined);
      requireFlowContent(item.value);
    } else requireNoTab(item.start);
    if (isFlow && item.start.filter((t) => t.type === 'comma').length !== (index === 0 ? 0 : 1)) throw new NeedsComposer('misplaced comma');
    if (!item.key || !item.sep?.some((t) => t.type === 'map-value-ind')) throw new NeedsComposer('key without value');
    requireQuiet(item.sep, ['map-value-ind']);
    const key = readNode(item.key as CST.Token, columnOf);
    // An implicit key fits on one line (yaml: MULTILINE_IMPLICIT_KEY).
    if (key.entries || key.elements || (item.key as CST.FlowScalar).source.includes('\n')) throw new NeedsComposer('complex key');
    // A block collection value starts on a line of its own (yaml: BLOCK_AS_IMPLICIT_KEY).
    if (item.value && isBlockCollection(item.value) && !item.sep.some((t) => t.type === 'newline')) throw new NeedsComposer('compact block value');
    // All keys of a block map start in one column (yaml: BAD_INDENT).
    if (!isFlow && entries.length > 0 && columnOf(key.offset) !== columnOf(entries[0]!.keyOffset)) throw new NeedsComposer('bad indent');
    entries.push({ key: String(key.value), keyOffset: key.offset, node: item.value ? readNode(item.value, columnOf) : { offset: key.offset, value: null } });
  });
  // Stryker disable next-line LogicalOperator: both callers replace this offset with their token's (`{ ...mapEntries(…), offset }`), so it is never read
  return { offset: entries[0]?.keyOffset ?? 0, value: mapValue(entries), entries };
}

/**
 * A map's value as Falco reads it: of duplicate keys the first wins (yaml-cpp's node[key] returns the
 * first matching pair; Falco reads items with it). Own properties only: no key reaches Object.prototype.
 */
export function mapValue(entries: { key: string; node: { value: unknown } }[]): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const { key, node } of entries) {
    if (Object.hasOwn(value, key)) continue;
    // Plain assignment keeps the object in V8's fast mode; only __proto__ would set the prototype instead.
    if (key === '__proto__') Object.defineProperty(value, key, { value: node.value, enumerable: true, writable: true, configurable: true });
    else value[key] = node.value;
  }
  return value;
}

/** A YAML value as text: a scalar as written; a map or list as JSON (never through its own toString). */
export function scalarText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return Array.isArray(value) ? '[list]' : '{map}';
  }
}

function isBlockCollection(token: CST.Token): boolean {
  return token.type === 'block-map' || token.type === 'block-seq';
}

function sequence(values: (CST.Token | undefined)[], offset: number, columnOf: ColumnOf): CstValue {
  const elements = values.map((v) => (v ? readNode(v, columnOf) : { offset, value: null }));
  return { offset, value: elements.map((e) => e.value), elements };
}

/** Column of an offset in the text being read. */
type ColumnOf = (offset: number) => number;

export function readNode(token: CST.Token, columnOf: ColumnOf): CstValue {
  if (depth >= MAX_NESTING) throw new TooDeep(token.offset);
  depth++;
  try {
    return readToken(token, columnOf);
  } finally {
    depth--;
  }
}

function readToken(token: CST.Token, columnOf: ColumnOf): CstValue {
  switch (token.type) {
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar':
    case 'alias':
      return scalar(token);
    case 'block-map':
      return { ...mapEntries(token.items, false, columnOf), offset: token.offset };
    case 'block-seq':
      for (const item of token.items) {
        requireQuiet(item.start, ['seq-item-ind']);
        requireNoTab(item.start);
        // Every item needs its "-" (yaml: MISSING_CHAR); a misindented key otherwise becomes an item.
        if (item.start.filter((t) => t.type === 'seq-item-ind').length !== 1) throw new NeedsComposer('item without -');
      }
      return sequence(token.items.map((i) => i.value), token.offset, columnOf);
    case 'flow-collection': {
      // Closed by the bracket that opened it: the CST closes `[a}` and `{a: 1]` too, which the composer refuses.
      const close = token.start.type === 'flow-map-start' ? 'flow-map-end' : 'flow-seq-end';
      requireQuiet(token.end, [close]);
      if (!token.end.some((t) => t.type === close)) throw new NeedsComposer('unterminated flow collection');
      // A trailing comma ends the list with an item that holds only the comma.
      const items = token.items.filter((item, i) => !(i > 0 && i === token.items.length - 1 && isTrailingComma(item)));
      if (token.start.type === 'flow-map-start') return { ...mapEntries(items, true, columnOf), offset: token.offset };
      items.forEach((item, index) => {
        requireQuiet(item.start, ['comma']);
        if (item.key || item.sep) throw new NeedsComposer('pair in a flow sequence');
        if (!item.value || item.start.filter((t) => t.type === 'comma').length !== (index === 0 ? 0 : 1)) throw new NeedsComposer('misplaced comma');
        requireFlowContent(item.value);
      });
      return sequence(items.map((i) => i.value), token.offset, columnOf);
    }
    default:
      throw new NeedsComposer(token.type);
  }
}

/** The documents of `text` as CST values; `onNewLine` feeds a LineCounter. */
export function readYamlDocuments(text: string, onNewLine: (offset: number) => void): (CstValue | undefined)[] {
  // Tabs in indentation are an error the composer reports (TAB_AS_INDENT); let it. A byte order mark may start a line
  // (the text, or a document after `...`): the lexer reads past it, and what follows is indentation all the same.
  if (/^\ufeff? *\t/m.test(text)) throw new NeedsComposer('tab in indentation');
  const columnOf: ColumnOf = (offset) => offset - text.lastIndexOf('\n', offset - 1);
  const documents: (CstValue | undefined)[] = [];
  depth = 0;
  source = text;
  try {
    for (const token of new (yamlLib().Parser)(onNewLine).parse(text)) {
      if (token.type === 'document') {
        requireQuiet(token.start, ['doc-start']);
        // Stryker disable next-line ArrayDeclaration,StringLiteral: no document's end holds a doc-end: the parser's step() pops the document at every `...` and makes the marker a token of the stream
        requireQuiet(token.end as CST.SourceToken[] | undefined, ['doc-end']);
        // `--- - a` (yaml: a block collection cannot start on the line of the directives-end marker).
        const marker = token.start.find((t) => t.type === 'doc-start');
        if (marker && token.value && isBlockCollection(token.value) && !token.start.some((t) => t.type === 'newline' && t.offset > marker.offset)) throw new NeedsComposer('block collection after ---');
        documents.push(token.value ? readNode(token.value, columnOf) : undefined);
      } else if (token.type === 'doc-end') {
        // `... more` on the marker's line: the composer refuses what follows it.
        requireQuiet(token.end);
      } else if (token.type !== 'comment' && token.type !== 'space' && token.type !== 'newline' && token.type !== 'byte-order-mark') {
        throw new NeedsComposer(token.type);
      }
    }
  } finally {
    // The text is not kept once read.
    // Stryker disable next-line StringLiteral: what source holds between reads is never read: readYamlDocuments sets it before its first check (readNode, the other way in, has no caller outside this module)
    source = '';
  }
  return documents;
}
