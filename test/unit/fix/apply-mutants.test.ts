// src/fix/apply.ts: tag edits spliced into rules text. Each tiny rules text below is the smallest YAML that
// shows one way Falco rules files write tags (flow or block lists, quoting, separators, several documents, a
// flow-mapping item); the expected text is what a reviewer would accept from lint --fix: only tags change.
import { describe, expect, it } from 'vitest';
import { applyTagEdits, sharedTagsOf, tagEditRefusalsOf } from '../../../src/fix/apply.js';
import type { TagEdit } from '../../../src/fix/plan.js';

const at = (line: number, column: number) => ({ file: 'f.yaml', line, column });
const edit = (kind: TagEdit['kind'], line: number, column: number, value?: string): TagEdit => ({ kind, at: at(line, column), codes: [], ...(value === undefined ? {} : { value }) });
const BLOCK = "- rule: a\n  tags:\n    - x\n    - 'y'\n    - \"z\"\n- rule: b\n  tags: [p]\n";

describe('applyTagEdits on block lists', () => {
  it('replaces a tag keeping its quoting: plain, single or double', () => {
    const edits = [edit('replace', 4, 7, 'Y'), edit('replace', 5, 7, 'Z'), edit('replace', 3, 7, 'X')];
    expect(applyTagEdits(BLOCK, edits)).toBe("- rule: a\n  tags:\n    - X\n    - 'Y'\n    - \"Z\"\n- rule: b\n  tags: [p]\n");
  });

  it('removes the whole line of a removed tag', () => {
    expect(applyTagEdits(BLOCK, [edit('remove', 4, 7)])).toBe('- rule: a\n  tags:\n    - x\n    - "z"\n- rule: b\n  tags: [p]\n');
  });

  it('inserts before and after with the list\'s own indentation, several inserts at one place in planned order', () => {
    const edits = [edit('insert-before', 3, 7, 'mitre_impact'), edit('insert-after', 5, 7, 'T1'), edit('insert-after', 5, 7, 'T2')];
    expect(applyTagEdits(BLOCK, edits)).toBe("- rule: a\n  tags:\n    - mitre_impact\n    - x\n    - 'y'\n    - \"z\"\n    - T1\n    - T2\n- rule: b\n  tags: [p]\n");
  });

  it('takes a tag that runs on over several lines (plain or quoted) whole: inserts after its last line, removes every line', () => {
    // QA: inserting after the tag's first line cut the token the replacement then spliced, writing `- T10591543`.
    const text = '- rule: a\n  tags:\n    - T1059 mitre_execution\n      T1543\n    - "T1059.004,\n      T1611"\n    - host\n';
    expect(applyTagEdits(text, [edit('replace', 3, 7, 'T1059'), edit('insert-after', 3, 7, 'mitre_execution'), edit('insert-after', 3, 7, 'T1543')]))
      .toBe('- rule: a\n  tags:\n    - T1059\n    - mitre_execution\n    - T1543\n    - "T1059.004,\n      T1611"\n    - host\n');
    expect(applyTagEdits(text, [edit('replace', 5, 7, 'T1059.004'), edit('insert-after', 5, 7, 'T1611')]))
      .toBe('- rule: a\n  tags:\n    - T1059 mitre_execution\n      T1543\n    - "T1059.004"\n    - T1611\n    - host\n');
    expect(applyTagEdits(text, [edit('remove', 3, 7), edit('remove', 5, 7)])).toBe('- rule: a\n  tags:\n    - host\n');
  });

  it('finds the tags under a quoted key, as the loaders read it (QA: lint --fix crashed, "no tag there to edit")', () => {
    for (const key of ['"tags"', "'tags'", '"tag\\u0073"']) {
      const text = `- rule: a\n  ${key}: [x]\n`;
      const column = 6 + key.length;
      expect(applyTagEdits(text, [edit('insert-after', 2, column, 'y')]), key).toBe(`- rule: a\n  ${key}: [x, y]\n`);
    }
    // Another key quoted is not the tags.
    expect(() => applyTagEdits('- rule: a\n  "tagz": [x]\n', [edit('insert-after', 2, 12, 'y')])).toThrow('no tag there to edit');
  });

  it('passes over a key that is empty or missing (`: z`, `{rule: a, b}`) on its way to the tags', () => {
    expect(applyTagEdits('- rule: a\n  : z\n  tags: [x]\n', [edit('insert-after', 3, 10, 'y')])).toBe('- rule: a\n  : z\n  tags: [x, y]\n');
    expect(applyTagEdits('- {rule: a, b, tags: [x]}\n', [edit('insert-after', 1, 23, 'y')])).toBe('- {rule: a, b, tags: [x, y]}\n');
  });

  it('inserts after the last line of a file without a final newline', () => {
    expect(applyTagEdits('- rule: a\n  tags:\n  - x', [edit('insert-after', 3, 5, 'y')])).toBe('- rule: a\n  tags:\n  - x\n  - y\n');
  });
  it('counts lines right in a file that starts with an empty line and lacks the final newline', () => {
    expect(applyTagEdits('\n- rule: a\n  tags:\n  - x', [edit('insert-after', 4, 5, 'y')])).toBe('\n- rule: a\n  tags:\n  - x\n  - y\n');
  });

  it('adds no blank line when inserting before the end of a file without the final newline', () => {
    expect(applyTagEdits('- rule: a\n  tags:\n  - x\n  - z', [edit('insert-after', 3, 5, 'y')])).toBe('- rule: a\n  tags:\n  - x\n  - y\n  - z');
  });

  it('handles a tag written on the line after its dash: inserts at the dash\'s indentation, removes both lines', () => {
    // This used to insert "- y" at column 0 (a new top-level item) and to leave a bare "-" (a null tag) on remove.
    const split = '- rule: a\n  tags:\n    -\n      x\n    - z\n';
    expect(applyTagEdits(split, [edit('insert-after', 4, 7, 'y'), edit('insert-before', 4, 7, 'w')])).toBe('- rule: a\n  tags:\n    - w\n    -\n      x\n    - y\n    - z\n');
    expect(applyTagEdits(split, [edit('remove', 4, 7)])).toBe('- rule: a\n  tags:\n    - z\n');
    expect(applyTagEdits(split, [edit('replace', 4, 7, 'X')])).toBe('- rule: a\n  tags:\n    -\n      X\n    - z\n');
  });

  it('copies the dash only when spaces alone follow it: not a dash with a trailing space before the line break, not an anchor', () => {
    // `- ` then the tag on the next line; and `- &a-  x`, whose anchor ends in a dash followed by spaces.
    expect(applyTagEdits('- rule: a\n  tags:\n    - \n      x\n', [edit('insert-after', 4, 7, 'y')])).toBe('- rule: a\n  tags:\n    - \n      x\n    - y\n');
    expect(applyTagEdits('- rule: a\n  tags:\n    - &a-  x\n', [edit('insert-after', 3, 12, 'y')])).toBe('- rule: a\n  tags:\n    - &a-  x\n    - y\n');
  });

  it('copies the spacing after the dash of the tag it inserts next to', () => {
    expect(applyTagEdits('- rule: a\n  tags:\n    -   x\n', [edit('insert-after', 3, 9, 'y'), edit('insert-before', 3, 9, 'w')])).toBe('- rule: a\n  tags:\n    -   w\n    -   x\n    -   y\n');
  });
});

describe('applyTagEdits on flow lists', () => {
  it('keeps an insert beside a tag that is removed or replaced', () => {
    expect(applyTagEdits('- rule: a\n  tags: [a, b]\n', [edit('insert-before', 2, 13, 'n'), edit('remove', 2, 13)])).toBe('- rule: a\n  tags: [a, n]\n');
    expect(applyTagEdits('- rule: a\n  tags: [a, b]\n', [edit('insert-after', 2, 13, 'n'), edit('replace', 2, 13, 'B')])).toBe('- rule: a\n  tags: [a, B, n]\n');
  });

  it('inserts into a one-element list with Falco\'s usual ", "', () => {
    expect(applyTagEdits('- rule: a\n  tags: [p]\n', [edit('insert-before', 2, 10, 'a'), edit('insert-after', 2, 10, 'b')])).toBe('- rule: a\n  tags: [a, p, b]\n');
  });

  it('keeps a list written without spaces that way', () => {
    expect(applyTagEdits('- rule: a\n  tags: [p,q]\n', [edit('insert-after', 2, 12, 'r')])).toBe('- rule: a\n  tags: [p,q,r]\n');
  });

  it('keeps elements that are not tags exactly as written (a map, a single pair, a list), and what stands between them', () => {
    expect(applyTagEdits('- rule: a\n  tags: [{a: 1} , t1059]\n', [edit('replace', 2, 19, 'T1059')])).toBe('- rule: a\n  tags: [{a: 1} , T1059]\n');
    expect(applyTagEdits('- rule: a\n  tags: [k: v, p]\n', [edit('insert-after', 2, 16, 'q')])).toBe('- rule: a\n  tags: [k: v, p, q]\n');
    expect(applyTagEdits('- rule: a\n  tags: [p, [x, y]]\n', [edit('insert-before', 2, 10, 'o')])).toBe('- rule: a\n  tags: [o, p, [x, y]]\n');
    expect(applyTagEdits('- rule: a\n  tags: [p, {b: 2}]  # c\n', [edit('remove', 2, 10)])).toBe('- rule: a\n  tags: [{b: 2}]  # c\n');
  });

  it('a trailing comma stays, and is no element (it crashed: the empty item after it has no node)', () => {
    expect(applyTagEdits('- rule: a\n  tags: [host,]\n', [edit('insert-after', 2, 10, 'T1059')])).toBe('- rule: a\n  tags: [host, T1059,]\n');
    expect(applyTagEdits('- rule: a\n  tags: [p, t1059 , ]\n', [edit('replace', 2, 13, 'T1059')])).toBe('- rule: a\n  tags: [p, T1059 , ]\n');
    expect(applyTagEdits('- rule: a\n  tags: [p, q,\n    ]\n', [edit('remove', 2, 10)])).toBe('- rule: a\n  tags: [q,\n    ]\n');
  });

  it('comments and line breaks between elements stay, when an element beside them is replaced, added or removed', () => {
    const list = '- rule: a\n  tags: [mitre_initial_access,   # reviewed by SOC\n         T1059.004]\n';
    expect(applyTagEdits(list, [edit('replace', 2, 10, 'mitre_execution')])).toBe('- rule: a\n  tags: [mitre_execution,   # reviewed by SOC\n         T1059.004]\n');
    expect(applyTagEdits(list, [edit('insert-after', 3, 10, 'x')])).toBe('- rule: a\n  tags: [mitre_initial_access,   # reviewed by SOC\n         T1059.004, x]\n');
    // The removed element's gap goes, but not the comment in it.
    expect(applyTagEdits(list, [edit('remove', 2, 10)])).toBe('- rule: a\n  tags: [   # reviewed by SOC\n         T1059.004]\n');
    expect(applyTagEdits(list, [edit('remove', 3, 10)])).toBe('- rule: a\n  tags: [mitre_initial_access   # reviewed by SOC\n         ]\n');
    // Only the separator goes, not a comma in the comment.
    expect(applyTagEdits('- rule: a\n  tags: [p, # a, b\n    q]\n', [edit('remove', 3, 5)])).toBe('- rule: a\n  tags: [p # a, b\n    ]\n');
    // Two of three removed: one element left, no separator.
    expect(applyTagEdits('- rule: a\n  tags: [p, q, r]\n', [edit('remove', 2, 10), edit('remove', 2, 16)])).toBe('- rule: a\n  tags: [q]\n');
    expect(applyTagEdits('- rule: a\n  tags: [p, q, r]\n', [edit('remove', 2, 13), edit('remove', 2, 16)])).toBe('- rule: a\n  tags: [p]\n');
    expect(applyTagEdits('- rule: a\n  tags: [p, q, r]\n', [edit('remove', 2, 10), edit('remove', 2, 13), edit('remove', 2, 16)])).toBe('- rule: a\n  tags: []\n');
  });

  it('takes a tag\'s properties (!!str, &anchor) as part of it: inserts go before or after them, a removal takes them, a replacement keeps them', () => {
    // QA: the tactic was inserted between the property and its tag, `!!str mitre_defense_evasion, T1070`.
    expect(applyTagEdits('- rule: a\n  tags: [p, !!str q]\n', [edit('insert-before', 2, 19, 'n')])).toBe('- rule: a\n  tags: [p, n, !!str q]\n');
    expect(applyTagEdits('- rule: a\n  tags: [p, &a q]\n', [edit('insert-before', 2, 16, 'n')])).toBe('- rule: a\n  tags: [p, n, &a q]\n');
    expect(applyTagEdits('- rule: a\n  tags: [!!str &a p, q]\n', [edit('insert-before', 2, 19, 'n'), edit('insert-after', 2, 19, 'm')])).toBe('- rule: a\n  tags: [n, !!str &a p, m, q]\n');
    expect(applyTagEdits('- rule: a\n  tags: [p, !!str q, r]\n', [edit('remove', 2, 19)])).toBe('- rule: a\n  tags: [p, r]\n');
    expect(applyTagEdits('- rule: a\n  tags: [!!str p, q]\n', [edit('remove', 2, 16)])).toBe('- rule: a\n  tags: [q]\n');
    expect(applyTagEdits('- rule: a\n  tags: [p, !!str q]\n', [edit('remove', 2, 19)])).toBe('- rule: a\n  tags: [p]\n');
    expect(applyTagEdits("- rule: a\n  tags: [p, !!str 'q']\n", [edit('replace', 2, 19, 'Q'), edit('insert-before', 2, 19, 'n')])).toBe("- rule: a\n  tags: [p, n, !!str 'Q']\n");
    // A property on the line above its tag stays with it, and so does the comment between them.
    expect(applyTagEdits('- rule: a\n  tags: [p, !!str # c\n    q]\n', [edit('insert-before', 3, 5, 'n')])).toBe('- rule: a\n  tags: [p, n, !!str # c\n    q]\n');
  });

  it('in a block list, a tag\'s properties stay on its line: a new tag goes on a line of its own', () => {
    expect(applyTagEdits('- rule: a\n  tags:\n    - p\n    - !!str q\n', [edit('insert-before', 4, 13, 'n')])).toBe('- rule: a\n  tags:\n    - p\n    - n\n    - !!str q\n');
    expect(applyTagEdits('- rule: a\n  tags:\n    - p\n    - &a q\n', [edit('insert-before', 4, 10, 'n'), edit('replace', 4, 10, 'Q')])).toBe('- rule: a\n  tags:\n    - p\n    - n\n    - &a Q\n');
  });

  it('finds tags of an item written as a flow mapping, and in a later document', () => {
    expect(applyTagEdits('- {rule: a, tags: [p, q]}\n', [edit('remove', 1, 20)])).toBe('- {rule: a, tags: [q]}\n');
    expect(applyTagEdits('- rule: x\n---\n- rule: a\n  tags: [p, q]\n', [edit('remove', 4, 13)])).toBe('- rule: x\n---\n- rule: a\n  tags: [p]\n');
  });
});

describe('applyTagEdits refuses what is not a tag', () => {
  it('names the place: another key\'s list, a document that is not a list of items, a non-scalar element', () => {
    expect(() => applyTagEdits('- rule: a\n  exceptions: [p]\n', [edit('remove', 2, 16)])).toThrow('f.yaml:2:16: no tag there to edit');
    expect(() => applyTagEdits('rule: a\ntags: [p]\n', [edit('remove', 2, 8)])).toThrow('f.yaml:2:8: no tag there to edit');
    expect(() => applyTagEdits('- rule: a\n  tags: [{k: v}, q]\n', [edit('remove', 2, 10)])).toThrow('f.yaml:2:10: no tag there to edit');
    expect(() => applyTagEdits('- rule: a\n  tags: p\n', [edit('remove', 2, 9)])).toThrow('f.yaml:2:9: no tag there to edit');
  });

  it('edits a list that also holds an empty element', () => {
    expect(applyTagEdits('- rule: a\n  tags:\n    -\n    - x\n', [edit('replace', 4, 7, 'y')])).toBe('- rule: a\n  tags:\n    -\n    - y\n');
  });
});

describe('tags shared through a YAML anchor and alias', () => {
  const SHARED = "the tag's list is shared with other places through a YAML anchor and alias (&name, *name): one edit would change them all";

  it('tagEditRefusalsOf says which tags an edit may not touch, and why', () => {
    const text = '- rule: a\n  tags: &t [p, q]\n- rule: b\n  tags: *t\n- rule: c\n  tags: [{k: v}, r]\n- &m\n  rule: d\n  tags:\n    - s\n- list: l\n  items: [*m]\n';
    const refusalOf = tagEditRefusalsOf(text);
    expect([refusalOf({ line: 2, column: 13 }), refusalOf({ line: 2, column: 16 })]).toEqual(['shared', 'shared']);
    expect([refusalOf({ line: 6, column: 10 }), refusalOf({ line: 6, column: 18 })]).toEqual(['not-plain', undefined]);
    // The whole rule is repeated by an alias: its tags are too.
    expect(refusalOf({ line: 10, column: 7 })).toBe('shared');
  });

  it('an alias is the latest anchor of its name before it: another name, or one defined after it, is not shared', () => {
    const text = '- rule: a\n  tags: &one [p]\n- rule: b\n  tags: &two [q]\n- rule: c\n  tags: *one\n- rule: d\n  tags: &one [r]\n';
    const refusalOf = tagEditRefusalsOf(text);
    expect([refusalOf({ line: 2, column: 15 }), refusalOf({ line: 4, column: 15 }), refusalOf({ line: 8, column: 15 })]).toEqual(['shared', undefined, undefined]);
    // A YAML tag (!x) among a node's properties is no anchor, whatever its name.
    const tagged = tagEditRefusalsOf('- rule: a\n  tags: &x [p]\n- rule: b\n  tags: !x [q]\n- rule: c\n  tags: *x\n');
    expect([tagged({ line: 2, column: 13 }), tagged({ line: 4, column: 13 })]).toEqual(['shared', undefined]);
  });

  it('sharedTagsOf answers as tagEditRefusalsOf does, wherever an anchor may stand, and without parsing a text that has none', () => {
    // Each text, and the tag asked about: the first `p` after `tags`.
    const texts = [
      '- rule: a\n  tags: &t [p, q]\n- rule: b\n  tags: *t\n',
      '- rule: a\n  tags:\t&t [p]\n- rule: b\n  tags: *t\n',
      '- &r\n  rule: a\n  tags: [p]\n- list: l\n  items: [*r]\n',
      '- rule: a\n  tags: [&h p]\n- rule: b\n  tags: [*h]\n',
      '- rule: a\n  tags: [p,&h q]\n- rule: b\n  tags: [*h]\n',
      '- rule: a\n  tags: [p, &h q]\n',
      '- rule: a\n  condition: sh -c x 2>&1\n  tags: [p]\n',
    ];
    const placeOf = (text: string) => {
      const offset = text.indexOf('p', text.indexOf('tags'));
      const before = text.slice(0, offset).split('\n');
      return { line: before.length, column: before.at(-1)!.length + 1 };
    };
    const refusals = texts.map((text) => tagEditRefusalsOf(text)(placeOf(text)));
    expect(refusals).toEqual(['shared', 'shared', 'shared', 'shared', 'shared', undefined, undefined]);
    expect(texts.map((text) => sharedTagsOf(text)(placeOf(text)))).toEqual(refusals.map((r) => r === 'shared'));
    // A text with no anchor is not parsed: an unparsable one says no more than "not shared".
    expect(sharedTagsOf('- rule: a\n  tags: [p\n  x: ]]] 2>&1\n')({ line: 2, column: 10 })).toBe(false);
  });

  it('reads past what stands between documents (a directive, a comment before the first)', () => {
    const text = '# rules\n%YAML 1.2\n---\n- rule: a\n  tags: [p]\n';
    expect(applyTagEdits(text, [edit('replace', 5, 10, 'P')])).toBe('# rules\n%YAML 1.2\n---\n- rule: a\n  tags: [P]\n');
    expect(tagEditRefusalsOf(text)({ line: 5, column: 10 })).toBeUndefined();
  });

  it('applyTagEdits refuses an edit there (the callers leave such tags alone), rather than change every place that reads the list', () => {
    const text = '- rule: a\n  tags: &t [p, q]\n- rule: b\n  tags: *t\n';
    expect(() => applyTagEdits(text, [edit('insert-after', 2, 16, 'x')])).toThrow(`f.yaml:2:16: ${SHARED}`);
    // A neighbour of an anchored tag that an alias reads: removing it would take the anchor with the gap after it.
    expect(() => applyTagEdits('- rule: a\n  tags: [p, &h q]\n- rule: b\n  tags: [*h]\n', [edit('remove', 2, 10)])).toThrow(`f.yaml:2:10: ${SHARED}`);
  });
});
