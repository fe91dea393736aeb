// invisible-character: what counts (controls but tab and line breaks; Unicode format characters such as bidi
// overrides, zero-width spaces, the BOM), in which keys (not desc, which is prose), and where it is said to be.
import { describe, expect, it } from 'vitest';
import { parseRulesText } from '../../../src/falco/parse.js';
import { invisibleCharacters } from '../../../src/validate/invisible.js';

const issuesOf = (yaml: string) => parseRulesText(yaml, 'r.yaml').flatMap((item) => invisibleCharacters(item)).map((i) => `${i.line}:${i.column} ${i.item} ${i.message.split(', a character')[0]}${i.message.match(/ at \d+:\d+/)![0]}`);

describe('invisibleCharacters', () => {
  it('names the first one of each key, with its place in that key\'s text (line:column), at the key', () => {
    expect(issuesOf('- rule: "A\\u200dB"\n  desc: "ok \\u200d here"\n  condition: "proc.name = x and\\n proc.pname = \\u2066y\\u2069"\n  output: "o\\u0007"\n  priority: INFO\n')).toEqual([
      '1:3 A\u200dB rule holds U+200D at 1:2',
      '3:3 A\u200dB condition holds U+2066 at 2:15',
      '4:3 A\u200dB output holds U+0007 at 1:2',
    ]);
  });
  it('looks into lists, list items, tags and exceptions; tabs and line breaks are no finding', () => {
    expect(issuesOf('- list: l\n  items: [a, "b\\ufeff"]\n- macro: m\n  condition: "a = 1\\tand\\r\\n b = 2"\n- rule: R\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  tags: [host, "T1059\\u00ad"]\n  exceptions:\n    - name: e\n      fields: [proc.name]\n      values: [["x\\u200b"]]\n')).toEqual([
      '2:3 l items holds U+FEFF at 1:2',
      '10:3 R tags holds U+00AD at 1:6',
      '11:3 R exceptions holds U+200B at 1:2',
    ]);
  });
  it('counts the place from the text before the character, not past it', () => {
    expect(issuesOf('- macro: m\n  condition: "a\u200b\\nb = 1"\n')).toEqual(['2:3 m condition holds U+200B at 1:2']);
  });
  it('finds nothing in plain text, whatever its script', () => {
    expect(issuesOf('- rule: Lecture de /etc/shadow — 読み取り\n  desc: d\n  condition: proc.name = "naïve"\n  output: o\n  priority: INFO\n')).toEqual([]);
  });
});
