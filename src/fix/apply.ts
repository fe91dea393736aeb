// Applies tag edits to the text of one rules file. Only the tags collections change: every other byte
// (comments, order, quoting, blank lines) stays as it was. Pure: text in, text out.
// The yaml CST gives each tag's exact offset; edits are spliced into the original text.
import { CST, Parser } from 'yaml';
import type { TagEdit } from './plan.js';

interface Element {
  collection: CST.FlowCollection | CST.BlockSequence;
  index: number;
  token: CST.FlowScalar;
  /** Where the element starts: its `-` in a block list (the tag may be on the next line), else the tag. */
  start: number;
  /** An alias elsewhere repeats its rule, its tags list or a tag in it: an edit there would change those places too. */
  isShared: boolean;
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** Why no edit may touch a tags list that an alias repeats (or that a rule reads through an alias). */
export const SHARED_TAGS = 'shared with other places through a YAML anchor and alias (&name, *name): one edit would change them all';

/**
 * Where each node starts that an alias (`*name`) repeats elsewhere in its document, by the offsets the CST and the
 * composed nodes share: an alias names the last anchor of that name before it. Props before a key belong to the key
 * (in a pair, those after the `:` to the value), in a list item to its value.
 */
function aliasedStarts(docs: CST.Document[]): Set<number> {
  const starts = new Set<number>();
  for (const doc of docs) {
    const anchors: { name: string; at: number; node: number }[] = [];
    const aliases: { name: string; at: number }[] = [];
    const props = (tokens: CST.SourceToken[] | undefined, node: CST.Token | null | undefined) => {
      for (const t of tokens ?? []) if (t.type === 'anchor' && node) anchors.push({ name: t.source.slice(1), at: t.offset, node: node.offset });
    };
    const alias = (node: CST.Token | null | undefined) => {
      if (node?.type === 'alias') aliases.push({ name: node.source.slice(1), at: node.offset });
    };
    // The document itself comes first, as an item without a key.
    CST.visit(doc, (item) => {
      props(item.start, item.sep ? item.key : item.value);
      props(item.sep, item.value);
      alias(item.key);
      alias(item.value);
    });
    for (const { name, at } of aliases) {
      const target = anchors.filter((a) => a.name === name && a.at < at).at(-1);
      if (target) starts.add(target.node);
    }
  }
  return starts;
}

/** Every element of every `tags:` collection of top-level items, by offset. */
function tagElements(text: string): Map<number, Element> {
  const elements = new Map<number, Element>();
  const docs = documentsOf(text);
  const aliased = aliasedStarts(docs);
  for (const doc of docs) {
    if (doc.value?.type !== 'block-seq') continue;
    for (const item of doc.value.items) {
      const map = item.value;
      if (map?.type !== 'block-map' && map?.type !== 'flow-collection') continue;
      for (const pair of map.items) {
        const collection = pair.value;
        if (!isTagsKey(pair.key) || !collection || (collection.type !== 'flow-collection' && collection.type !== 'block-seq')) continue;
        // Removing or rewriting one element moves its neighbours' anchors too: the whole list is shared when any part is.
        const isShared = [map, collection, ...collection.items.map((element) => element.value)].some((node) => node && aliased.has(node.offset));
        collection.items.forEach((element, index) => {
          const token = element.value as CST.FlowScalar | undefined;
          const dash = element.start.find((t) => t.type === 'seq-item-ind');
          if (token && 'source' in token) elements.set(token.offset, { collection, index, token, start: dash?.offset ?? token.offset, isShared });
        });
      }
    }
  }
  return elements;
}

/** Whether `key` is `tags` as the loaders read it: plain, or quoted (`"tags":` is the same key to Falco). */
function isTagsKey(key: CST.Token | null | undefined): boolean {
  const type = key?.type;
  // A scalar token always resolves (resolveAsScalar is null only for other tokens).
  return (type === 'scalar' || type === 'single-quoted-scalar' || type === 'double-quoted-scalar') && CST.resolveAsScalar(key!)!.value === 'tags';
}

/** Where each node of `text` starts that an alias repeats elsewhere (see aliasedStarts). */
export function aliasedStartsOf(text: string): Set<number> {
  return aliasedStarts(documentsOf(text));
}

function documentsOf(text: string): CST.Document[] {
  // Stryker disable next-line ConditionalExpression: the parser's other top-level tokens (comments, directives, document ends) hold no items, and every reader of a document finds none in them
  return [...new Parser().parse(text)].filter((doc): doc is CST.Document => doc.type === 'document');
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The new tag written the way the old one was: plain, 'single' or "double" quoted. */
function written(token: CST.FlowScalar, value: string): string {
  if (token.type === 'single-quoted-scalar') return `'${value}'`;
  if (token.type === 'double-quoted-scalar') return `"${value}"`;
  return value;
}

/** Where a flow node's own text ends: after a scalar's source, or a collection's closing bracket (not the spaces
 * and comments after it). Only scalars and flow collections occur inside a flow list, and the file parsed
 * cleanly, so a collection's `end` starts with its closing bracket. */
function nodeEnd(node: CST.Token): number {
  if ('source' in node) return node.offset + node.source.length;
  // Stryker disable next-line ArithmeticOperator: a collection among the tags is never edited, and what its end leaves out of it the gap after it holds, so the text written is the same
  return (node as CST.FlowCollection).end[0]!.offset + 1;
}

/** Where each element of a flow collection starts and ends, by its index among the items: a tag, or anything else a
 * tags list holds (`{a: 1}`, `k: v`). An element starts at its first property (`!!str T1070`, `&a T1070`): those
 * stand after the comma, in the item's start, and belong to its node. A trailing comma (`[a, b,]`) leaves an item
 * with neither key nor value, which has no span. */
function elementSpans(collection: CST.FlowCollection): { index: number; start: number; end: number }[] {
  return collection.items.flatMap((item, index) => {
    const first = (item.key ?? item.value) as CST.Token | null | undefined;
    const props = item.start.find((t) => t.type === 'anchor' || t.type === 'tag');
    return first ? [{ index, start: props?.offset ?? first.offset, end: nodeEnd((item.value ?? item.key) as CST.Token) }] : [];
  });
}

/** A gap between two flow elements without its separating comma (its first: a comment follows the comma), so
 * that a comment in it stays when the element beside it goes; a gap without a comment goes whole. */
function withoutSeparator(gap: string): string {
  return gap.includes('#') ? gap.replace(',', '') : '';
}

/** Rewrites the elements of a flow collection `[a, b, c]` that the edits touch, keeping what stands between the
 * elements (the separators, line breaks and comments) and any trailing comma; elements that are not tags are kept
 * as written. A removed element goes with the gap after it (the last one, with the gap before it). */
function flowSplice(text: string, collection: CST.FlowCollection, edits: TagEdit[], elementOf: (edit: TagEdit) => Element): Splice {
  const spans = elementSpans(collection);
  // Each element as written (with its properties: a replacement keeps them, a removal takes them), and the tags
  // inserted before and after it (before its properties: `mitre_defense_evasion, !!str T1070`).
  const parts = new Map(spans.map(({ index, start, end }) => [index, { before: [] as string[], own: [text.slice(start, end)], after: [] as string[] }]));
  for (const edit of edits) {
    const { index, token } = elementOf(edit);
    const element = parts.get(index)!;
    if (edit.kind === 'remove') element.own = [];
    else if (edit.kind === 'replace') element.own = element.own.map((own) => own.slice(0, own.length - token.source.length) + written(token, edit.value!));
    else if (edit.kind === 'insert-before') element.before.unshift(edit.value!);
    else element.after.push(edit.value!);
  }
  // The separator the list already uses; a one-element list has none, so Falco's usual ', '.
  const second = spans[1] && collection.items[spans[1].index]!.start;
  const separator = !second || second.some((t) => t.type === 'space') ? ', ' : ',';
  // Elements and the gaps between them, in order; a removed element takes one gap with it.
  const elements = spans.map(({ index }) => {
    const { before, own, after } = parts.get(index)!;
    return [...before, ...own, ...after].join(separator);
  });
  const gaps = spans.slice(1).map(({ start }, k) => text.slice(spans[k]!.end, start));
  const kept = elements.map((element) => element !== '');
  const gapKept = gaps.map(() => true);
  kept.forEach((isKept, k) => {
    // The gap after it (no earlier removal took that one: each takes its own, or one before it), else (the last
    // element, after every gap) the last gap still kept: none (-1, no index) when it was the only element.
    if (!isKept) gapKept[k < gaps.length ? k : gapKept.lastIndexOf(true)] = false;
  });
  // A removed element is '' (its parts are gone): only the gaps need telling apart.
  const out = elements.map((element, k) => element + (k < gaps.length ? (gapKept[k] ? gaps[k] : withoutSeparator(gaps[k]!)) : '')).join('');
  return { start: spans[0]!.start, end: spans.at(-1)!.end, text: out };
}

function blockSplices(text: string, starts: number[], edits: TagEdit[], elementOf: (edit: TagEdit) => Element): Splice[] {
  const lineOf = (offset: number): number => {
    // Stryker disable next-line EqualityOperator: offsets here are of a tags list's `-` or tag, never at column 1 (the list is inside a rule), so no line starts exactly there
    let line = starts.findIndex((s) => s > offset);
    // Stryker disable next-line EqualityOperator: starts[0] is 0, never > an offset, so findIndex never returns 0
    if (line < 0) line = starts.length;
    return line - 1;
  };
  return edits.map((edit) => {
    const { token, start } = elementOf(edit);
    const lineStart = starts[lineOf(start)]!;
    // The line after the tag's last: a plain or quoted tag may run on over several lines (QA: inserting after its first
    // line cut the token the replacement then spliced, writing `- T10591543`), and a removal takes every one of them.
    const nextLine = starts[lineOf(token.offset + token.source.length - 1) + 1] ?? text.length;
    // The item's indentation and dash; `- ` when the tag sits on the line after its dash.
    const dash = text.slice(start, token.offset);
    const indent = text.slice(lineStart, start) + (/^-[ \t]+$/.test(dash) ? dash : '- ');
    // A line added ends as the element's own line does (a CRLF file stays CRLF); on a last line without an end,
    // as the file's lines do.
    const isLastWithoutEnd = nextLine === text.length && !text.endsWith('\n');
    const eol = (isLastWithoutEnd ? text.includes('\r\n') : text[nextLine - 2] === '\r') ? '\r\n' : '\n';
    switch (edit.kind) {
      case 'replace':
        return { start: token.offset, end: token.offset + token.source.length, text: written(token, edit.value!) };
      case 'remove':
        return { start: lineStart, end: nextLine, text: '' };
      case 'insert-before':
        return { start: lineStart, end: lineStart, text: `${indent}${edit.value}${eol}` };
      default:
        return { start: nextLine, end: nextLine, text: `${isLastWithoutEnd ? eol : ''}${indent}${edit.value}${eol}` };
    }
  });
}

/** The tags element written at a line and column of `text`, if any; the text is parsed once for all lookups. */
function tagElementsAt(text: string, starts = lineStarts(text)): (at: { line: number; column: number }) => Element | undefined {
  const elements = tagElements(text);
  return (at) => elements.get(starts[at.line - 1]! + at.column - 1);
}

/** Why no edit may act on a tag of a rules file: it is not a plain or quoted scalar of a tags list (a map or list
 * written among the tags), or its list is shared through an alias (see Element.isShared). */
export type TagEditRefusal = 'not-plain' | 'shared';

/** Why an edit cannot act on the tag written at `at` in `text`, or undefined when it can. The text is parsed once for
 * all the questions. */
export function tagEditRefusalsOf(text: string): (at: { line: number; column: number }) => TagEditRefusal | undefined {
  const starts = lineStarts(text);
  const elementAt = tagElementsAt(text, starts);
  return (at) => {
    // A tag read through an alias (`tags: *common`, `[*t, …]`) is placed at the alias (no tag starts with `*`
    // otherwise): an edit there would change what the anchor holds, for every place that reads it.
    if (text[starts[at.line - 1]! + at.column - 1] === '*') return 'shared';
    const element = elementAt(at);
    if (!element) return 'not-plain';
    return element.isShared ? 'shared' : undefined;
  };
}

/** Whether `text` may hold a YAML anchor: `&name` where a node may start (a line's start, after a space or a tab, or
 * after `[`, `{`, `,` or `:` in a flow collection). `2>&1` in a condition is none; `&x` inside quotes or a comment
 * matches, and the parse then decides. */
function mayHoldAnchor(text: string): boolean {
  return /(?:^|[\s[{,:])&[^\s[\]{},]/m.test(text);
}

/** Whether an edit of the tag written at `at` in `text` would change other places too (its list is shared through an
 * alias: tagEditRefusalsOf's 'shared'). A text without an anchor shares nothing, which is told without parsing it
 * (the parse is the costliest step of reading a large rules file); else it is parsed once for all the questions. */
export function sharedTagsOf(text: string): (at: { line: number; column: number }) => boolean {
  if (!mayHoldAnchor(text)) return () => false;
  const refusalOf = tagEditRefusalsOf(text);
  return (at) => refusalOf(at) === 'shared';
}

/** Applies `edits` (all for this file) to `text`. Throws if an edit's tag is not a tags element there. */
export function applyTagEdits(text: string, edits: TagEdit[]): string {
  const starts = lineStarts(text);
  const elementAt = tagElementsAt(text, starts);
  const elementOf = (edit: TagEdit): Element => {
    const element = elementAt(edit.at);
    if (!element) throw new Error(`${edit.at.file}:${edit.at.line}:${edit.at.column}: no tag there to edit`);
    // The callers leave such tags alone (tagEditRefusalsOf): an edit here would change every place that reads the list.
    if (element.isShared) throw new Error(`${edit.at.file}:${edit.at.line}:${edit.at.column}: the tag's list is ${SHARED_TAGS}`);
    return element;
  };
  const byCollection = new Map<CST.FlowCollection | CST.BlockSequence, TagEdit[]>();
  for (const edit of edits) {
    const { collection } = elementOf(edit);
    byCollection.set(collection, [...(byCollection.get(collection) ?? []), edit]);
  }
  const splices: Splice[] = [];
  for (const [collection, mine] of byCollection) {
    if (collection.type === 'flow-collection') splices.push(flowSplice(text, collection, mine, elementOf));
    else splices.push(...blockSplices(text, starts, mine, elementOf));
  }
  // Inserts at one place keep their planned order; splices apply from the end so offsets stay valid.
  const ordered = splices.map((s, i) => ({ ...s, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  let result = text;
  for (const splice of ordered) result = result.slice(0, splice.start) + splice.text + result.slice(splice.end);
  return result;
}
