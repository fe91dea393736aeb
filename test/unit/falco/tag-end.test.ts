// Where a tag ends (TagPosition.endColumn): what SARIF's region and an annotation mark, so that a finding highlights
// its tag and not the rest of the line. Read from the text for any of the three readers (the line scanner, the CST
// reader, the yaml composer), the same for each; none for what is not one scalar on one line.
import { describe, expect, it } from 'vitest';
import { parseRulesFile, parseRulesText, scalarEnd } from '../../../src/falco/parse.js';

/** [value, column, endColumn] of each tag of the first rule of `text`, and whether the line scanner read it. */
function tagsOf(text: string): { tags: [string, number, number | undefined][]; isScanned: boolean } {
  const { items, isScanned } = parseRulesFile(text, 'f.yaml');
  const tags = (items[0]!.fields.tags as string[]).map((value, i): [string, number, number | undefined] => [value, items[0]!.tagPositions[i]!.column, items[0]!.tagPositions[i]!.endColumn]);
  return { tags, isScanned };
}

describe('scalarEnd', () => {
  it('ends a plain scalar after the value as written, a quoted one after its closing quote', () => {
    expect(scalarEnd('[T1059, x]', 1, 'T1059')).toBe(6);
    expect(scalarEnd("['it''s', x]", 1, "it's")).toBe(8);
    expect(scalarEnd('["a\\"b", x]', 1, 'a"b')).toBe(7);
    expect(scalarEnd('["a\\\\", x]', 1, 'a\\')).toBe(6);
    expect(scalarEnd("'a\"b'", 0, 'a"b')).toBe(5);
    expect(scalarEnd('"it\'s"', 0, "it's")).toBe(6);
    // Each quote by its own rules: a backslash escapes nothing between single quotes, a doubled quote nothing
    // between double ones (the first " closes).
    expect(scalarEnd("'a\\' x", 0, 'a\\')).toBe(4);
    expect(scalarEnd('"a"" x', 0, 'a')).toBe(3);
    expect(scalarEnd('"a"\' x', 0, 'a')).toBe(3);
  });

  it('has no end for what is not one scalar on one line: an alias, a multi-line scalar, a value not as written, no string', () => {
    expect(scalarEnd('*x', 0, 'T1059')).toBeUndefined();
    expect(scalarEnd('"a\n b"', 0, 'a b')).toBeUndefined();
    expect(scalarEnd("'a\r\n b'", 0, 'a b')).toBeUndefined();
    expect(scalarEnd('a\n  b', 0, 'a b')).toBeUndefined();
    expect(scalarEnd('"never closed', 0, 'x')).toBeUndefined();
    // An escaped line break continues a double-quoted scalar on the next line (its closing quote is there).
    expect(scalarEnd('"a\\\n b"', 0, 'ab')).toBeUndefined();
    expect(scalarEnd('"a\\\r\n b"', 0, 'ab')).toBeUndefined();
    // A lone CR is a line break too (YAML reads one as a break), escaped or not.
    expect(scalarEnd('"a\\\r b"', 0, 'ab')).toBeUndefined();
    expect(scalarEnd("'a\r b'", 0, 'a b')).toBeUndefined();
    expect(scalarEnd('x', 0, null)).toBeUndefined();
    // A plain value whose text holds a line break (folded lines read as one) is not the text at its offset.
    expect(scalarEnd('a\nb', 0, 'a\nb')).toBeUndefined();
  });
});

describe('tag positions with their end', () => {
  const rule = (tags: string) => `- rule: A\n  condition: x\n  tags: ${tags}\n`;

  it('marks each tag of a flow list, quoted or not, in UTF-16 columns as SARIF counts them', () => {
    const { tags, isScanned } = tagsOf(rule(`[T1059, 'it''s', "a\\"b", mitre_execution]  # trailing`));
    expect(isScanned).toBe(true);
    expect(tags).toEqual([['T1059', 10, 15], ["it's", 17, 24], ['a"b', 26, 32], ['mitre_execution', 34, 49]]);
    // A character beyond the BMP before the tag counts as two columns.
    expect(tagsOf(rule('[😀x, T1059]')).tags).toEqual([['😀x', 10, 13], ['T1059', 15, 20]]);
  });

  it('marks each tag of a block list, a comment after it left out', () => {
    const { tags } = tagsOf('- rule: A\n  condition: x\n  tags:\n    - T1059   # shell\n    - "mitre_execution"\n');
    expect(tags).toEqual([['T1059', 7, 12], ['mitre_execution', 7, 24]]);
  });

  it('gives the same ends whichever reader read the file: the composer (an anchor) as the line scanner', () => {
    const scanned = tagsOf(rule(`[T1059, 'it''s', "a\\"b"]`));
    const composed = tagsOf(`- &r rule: A\n  condition: x\n  tags: [T1059, 'it''s', "a\\"b"]\n`);
    // Line breaks of CRLF: the line scanner hands the file to the CST reader.
    const crlf = tagsOf(rule(`[T1059, 'it''s', "a\\"b"]`).replace(/\n/g, '\r\n'));
    expect(scanned.isScanned).toBe(true);
    expect(composed.isScanned).toBe(false);
    expect(crlf.isScanned).toBe(false);
    expect(composed.tags).toEqual(scanned.tags);
    expect(crlf.tags).toEqual(scanned.tags);
  });

  it('has no end for a double-quoted tag continued after an escaped line break', () => {
    const { tags } = tagsOf(`- rule: A\n  condition: x\n  tags: ["T15\\\n    00", mitre_persistence]\n`);
    expect(tags).toEqual([['T1500', 10, undefined], ['mitre_persistence', 10, 27]]);
  });

  it('marks a tag read through an alias at the alias, and has no end for a tag over two lines (marked to the end of the line)', () => {
    const { tags } = tagsOf(`- rule: A\n  condition: x\n  tags: [&t T1059, *t, "two\n    lines"]\n`);
    // The anchored tag is marked from its value (column 13), past `&t `; the alias as written, `*t`.
    expect(tags).toEqual([['T1059', 13, 18], ['T1059', 20, 22], ['two lines', 24, undefined]]);
  });

  it('places a whole list read through an alias at the alias, each of its tags, whatever the anchored list holds', () => {
    const text = `- rule: A\n  condition: x\n  tags: &all [T1059, &one mitre_execution]\n- rule: B\n  condition: x\n  tags:   *all\n- rule: C\n  condition: x\n  tags: [*one]\n`;
    const items = parseRulesText(text, 'r.yaml');
    const at = (i: number) => items[i]!.tagPositions.map((p) => [p.line, p.column, p.endColumn]);
    expect(at(0)).toEqual([[3, 15, 20], [3, 27, 42]]);
    // B reads both through *all (line 6, columns 11-14), C one through *one.
    expect(at(1)).toEqual([[6, 11, 15], [6, 11, 15]]);
    expect(at(2)).toEqual([[9, 10, 14]]);
    expect(items[1]!.fields.tags).toEqual(['T1059', 'mitre_execution']);
  });
});
