// Writes accepted suggestions into rules files: the new tags are appended to a rule's tag list with
// lint's comment-preserving tag writer (fix/apply.ts); a rule with no tags (or `tags: []`) gets a
// `tags: [...]` line after its last key, indented like its keys. No other byte changes. Pure.
import { parseAllDocuments, isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import { aliasedStartsOf, applyTagEdits, SHARED_TAGS, tagEditRefusalsOf } from '../fix/apply.js';
import type { TagEdit } from '../fix/plan.js';
import type { FalcoRule } from '../falco/types.js';
import { positionOf } from './edit.js';

export interface TagAddition {
  rule: FalcoRule;
  /** Tags to add, in order. */
  tags: string[];
}

interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The file each addition edits: where the rule's last tag is written, else where the rule is defined. */
export function fileOfAddition(addition: TagAddition): string {
  return addition.rule.tags.at(-1)?.file ?? addition.rule.position.file;
}

const lineOf = (text: string, offset: number): number => positionOf(text, offset).line;

/** Why a rule's tags, repeated elsewhere through an alias (or read through one), are not written. */
const SHARED_REASON = `its tags are ${SHARED_TAGS}; add its tags by hand`;

/** A file's text parsed for newTagsSplice: its documents, and where the nodes an alias repeats start. */
interface ParsedText {
  docs: ReturnType<typeof parseAllDocuments>;
  aliased: Set<number>;
}

/** The splice that gives a rule with no tags a `tags:` entry, or a reason why it cannot. */
function newTagsSplice(text: string, addition: TagAddition, { docs, aliased }: ParsedText): Splice | string {
  const flow = `[${addition.tags.join(', ')}]`;
  for (const doc of docs) {
    if (!isSeq(doc.contents)) continue;
    for (const item of doc.contents.items) {
      if (!isMap(item) || lineOf(text, item.range![0]) !== addition.rule.position.line) continue;
      if (item.flow) return 'the rule is a flow mapping ({ … }); add its tags by hand';
      const tags = item.items.find((pair) => isScalar(pair.key) && pair.key.value === 'tags');
      const value = tags?.value as Node | null | undefined;
      if (isAlias(value) || [item, value].some((node) => node && aliased.has(node.range![0]))) return SHARED_REASON;
      if (tags) {
        if (!isSeq(value)) return 'its tags: entry is not a list';
        // Tags here while the rule has none: an override in a later file replaced them with an empty list.
        if (value.items.length > 0) return 'an override in another file replaced its tags; add them there by hand';
        return { start: value.range![0], end: value.range![1], text: flow };
      }
      // yaml gives every key and value a range, an empty value too.
      const first = (item.items[0]!.key as Node).range!;
      const last = (item.items.at(-1)!.value as Node).range!;
      const indent = positionOf(text, first[0]).column - 1;
      // A range that ends at a line's start is a block scalar's, its own line break included; one that keeps its
      // trailing lines (`|+`, `>2+`) takes them in too, as part of its value: the new line goes after all of them (QA:
      // put after the last word, it cut the alert's trailing lines off). After any other value, after its last word.
      if (text[last[1] - 1] === '\n') {
        return { start: last[1], end: last[1], text: `${' '.repeat(indent)}tags: ${flow}${text[last[1] - 2] === '\r' ? '\r\n' : '\n'}` };
      }
      const end = text.slice(0, last[1]).trimEnd().length;
      // 0 when the value is on the file's last line and no newline ends it.
      const next = text.indexOf('\n', end) + 1;
      const at = next === 0 ? text.length : next;
      // The line ends as the rule's last line does (a CRLF file stays CRLF); at the end of a file, as its lines do.
      const eol = (next === 0 ? text.includes('\r\n') : text[next - 2] === '\r') ? '\r\n' : '\n';
      return { start: at, end: at, text: `${next === 0 ? eol : ''}${' '.repeat(indent)}tags: ${flow}${eol}` };
    }
  }
  return 'the rule is not where it was read';
}

/**
 * Applies the additions that belong to `file` (or to `otherPaths`, other names of the same file) to its text. Returns
 * the new text and the additions that could not be written, with why.
 */
export function applyTagAdditions(
  text: string,
  file: string,
  additions: TagAddition[],
  // Stryker disable next-line ArrayDeclaration: a default of one made-up name ("Stryker was here") is no file an addition names, so it adds none, as the empty list does
  otherPaths: readonly string[] = [],
): { text: string; skipped: { rule: string; reason: string }[] } {
  const mine = additions.filter((a) => [file, ...otherPaths].includes(fileOfAddition(a)) && a.tags.length > 0);
  const skipped: { rule: string; reason: string }[] = [];
  const edits: TagEdit[] = [];
  const splices: Splice[] = [];
  const refusalOf = tagEditRefusalsOf(text);
  // Parsed once for every rule without tags (it was once per rule: quadratic in a file of many), and only if one needs it.
  let parsed: ParsedText | undefined;
  for (const addition of mine) {
    const anchor = addition.rule.tags.at(-1);
    const refusal = anchor && refusalOf(anchor);
    if (refusal) {
      skipped.push({ rule: addition.rule.name, reason: refusal === 'shared' ? SHARED_REASON : 'its last tag is not a plain value (a map or a list); add the tags by hand' });
      continue;
    }
    if (anchor) {
      for (const value of addition.tags) {
        edits.push({
          kind: 'insert-after', at: anchor, value,
          // Stryker disable next-line ArrayDeclaration,StringLiteral: applyTagEdits writes tags only; codes name lint findings, and a suggestion fixes none
          codes: ['suggested'],
        });
      }
      continue;
    }
    const splice = newTagsSplice(text, addition, (parsed ??= { docs: parseAllDocuments(text), aliased: aliasedStartsOf(text) }));
    if (typeof splice === 'string') skipped.push({ rule: addition.rule.name, reason: splice });
    else splices.push(splice);
  }
  // New tags: entries first, from the end so offsets stay valid; tag edits are computed on the result.
  let result = text;
  for (const splice of splices.sort((a, b) => b.start - a.start)) result = result.slice(0, splice.start) + splice.text + result.slice(splice.end);
  result = applyTagEdits(result, shiftEdits(edits, text, splices));
  return { text: result, skipped };
}

/** Moves the edits' lines down by the lines that the new tags: entries inserted at or before them. */
function shiftEdits(edits: TagEdit[], text: string, splices: Splice[]): TagEdit[] {
  // A filled `tags: []` (start < end) adds no line: its text has no newline.
  const inserts = splices.map((s) => ({ line: lineOf(text, s.start), lines: s.text.split('\n').length - 1 }));
  return edits.map((edit) => {
    const added = inserts.filter((i) => i.line <= edit.at.line).reduce((sum, i) => sum + i.lines, 0);
    return { ...edit, at: { ...edit.at, line: edit.at.line + added } };
  });
}
