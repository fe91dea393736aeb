// src/falco/yaml-errors.ts: where an unclosed quote or flow collection opens, counted over the yaml lexer's tokens, in a rules file and in
// the project config. The lexer's marker tokens (document start, flow end, the mark before a plain scalar) are not
// characters of the text, but a plain scalar that is one control character (a bare CR, U+0001, even U+001F) is: each
// must be counted, or the quote named moves left by one per such value, onto another quote or none (QA: a rule with
// `desc: <U+0001>` had its unclosed condition named three columns into the string, at another line's quote).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { parseProjectConfig } from '../../../src/config/project-config.js';
import { LineCounter, parseDocument } from 'yaml';
import { unclosedFlowAt, unclosedFlowError, unclosedQuoteAt } from '../../../src/falco/yaml-errors.js';

function refusal(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  }
  throw new Error('parsed without an error');
}
const rulesError = (text: string) => refusal(() => parseRulesText(text, 'f.yaml'));
const configError = (text: string) => refusal(() => parseProjectConfig(text, 'c.yaml', '/repo'));
const unclosed = (file: string, at: string) => `${file}:${at}: YAML syntax error: the "quoted" string that starts here is not closed`;

describe('an unclosed quote after values that are one control character', () => {
  it('counts a plain scalar of U+0001 as the character it is, in a rules file and in the config', () => {
    const twice = '- rule: A\n  desc: \x01\n  output: \x01\n  condition: "abc\n"x": 1\n';
    expect(rulesError(twice)).toBe(unclosed('f.yaml', '4:14'));
    expect(configError(twice)).toBe(unclosed('c.yaml', '4:14'));
    // Once: skipping it found no quote at all, and the error fell back to the end the library reports.
    expect(rulesError('- rule: A\n  desc: \x01\n  condition: "abc\n"x": 1\n')).toBe(unclosed('f.yaml', '3:14'));
    expect(rulesError('\x01: \x01\nk: "abc\n"x": 1\n')).toBe(unclosed('f.yaml', '2:4'));
  });

  it('counts a bare CR, and a scalar that is the lexer\'s own marker characters, as text', () => {
    expect(rulesError('\r: "abc\n')).toBe(unclosed('f.yaml', '1:4'));
    expect(configError('\r: "abc\n')).toBe(unclosed('c.yaml', '1:4'));
    expect(rulesError('- \r: "abc\n')).toBe(unclosed('f.yaml', '1:6'));
    for (const marker of ['\x1f', '\x02', '\x18']) expect(rulesError(`${marker}: "abc\n`), JSON.stringify(marker)).toBe(unclosed('f.yaml', '1:4'));
  });

  it('does not count the markers: a document start, a flow collection\'s end', () => {
    // Offsets: the quote of "x sits at 7 after "a: [b, ", with a document marker and scalar marks the lexer adds.
    expect(unclosedQuoteAt('a: [b, "x\n', '"', 10)).toBe(7);
    // A flow sequence left open before a less indented line: the lexer adds a FLOW_END there.
    expect(unclosedQuoteAt('- [a\n- "x\n', '"', 10)).toBe(7);
    expect(unclosedQuoteAt('- rule: A\n  tags: [a\n  desc: "x\n', '"', 32)).toBe(29);
    expect(unclosedQuoteAt('---\na: {b: c}\nd: "x\n', '"', 20)).toBe(17);
  });
});

describe('an unclosed flow collection', () => {
  it('is the innermost one of the kind asked for, not a collection of the other kind opened inside it', () => {
    // `[` at 18 holds `{` at 22, both unclosed at 30: yaml reports the map, then the sequence; each is named at its own bracket.
    const text = '- rule: x\n  tags: [a, {b: c\n  desc: d\n';
    expect(unclosedFlowAt(text, '[', 30)).toBe(18);
    expect(unclosedFlowAt(text, '{', 30)).toBe(22);
  });

  it('closes a collection only with its own bracket, the innermost open one', () => {
    // `[1]` closes the `[` at 11, the innermost: the `[` still open is the one at 3 (not the `{` below the top, nor 11).
    expect(unclosedFlowAt('a: [x, {y: [1], z: 2\nb: 1\n', '[', 21)).toBe(3);
    // A `]` does not close the `{` at 6 (yaml reports that map unended at 11): at 16 it is still open.
    expect(unclosedFlowAt('- [a, {b: c], d\n- e\n', '{', 16)).toBe(6);
  });

  it('is said for yaml\'s "Flow … end with" errors only: not for another error that quotes those words', () => {
    // The second error is "Not a YAML token: Flow map must end with a }" (a block scalar header's text), while a `{`
    // is still open: it is not read as the flow map's error.
    const text = 'a: {x: 1,\nb: | Flow map must end with a }\n';
    const lines = new LineCounter();
    const errors = parseDocument(text, { lineCounter: lines }).errors;
    expect(errors.map((e) => e.message.split(' at line')[0])).toEqual(['Flow map in block collection must be sufficiently indented and end with a }', 'Not a YAML token: Flow map must end with a }']);
    expect(unclosedFlowError(text, errors[0]!, lines, (offset) => `r.yaml@${offset}`)?.message).toBe('r.yaml@3: YAML syntax error: the flow map that starts here does not end with a } where it should');
    expect(unclosedFlowError(text, errors[1]!, lines, (offset) => `r.yaml@${offset}`)).toBeUndefined();
  });
});
