// JSON files read back (a baseline, a reviewed suggestions file): a parse error names the file, line and column,
// in attack-cov's words (V8 gives a position for some errors only, and quotes the file around others).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { jsonErrorAt, parseJsonText } from '../../src/json-file.js';

const failure = (text: string) => {
  try {
    parseJsonText(text, 'r.json', 'the hint');
  } catch (error) {
    return error as InputError;
  }
  throw new Error('parsed');
};

describe('parseJsonText', () => {
  it('returns the value of JSON text', () => {
    expect(parseJsonText('{"a": [1, "b", {"c": null}], "d": -1.5e3, "e": true}', 'r.json', 'h')).toEqual({ a: [1, 'b', { c: null }], d: -1500, e: true });
  });
  it('names line and column, with the hint, and no text quoted from the file', () => {
    const error = failure('{\n  "schemaVersion": 1,\n  "x": abc-secret\n}\n');
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('r.json:3:8: not JSON: unexpected "a"');
    expect(error.message).not.toContain('secret');
    expect(error.hint).toBe('the hint');
  });
  it.each([
    ['{"a": 1 "b": 2}', '1:9: not JSON: unexpected "\\""'],
    ['{\n  "a": 1,\n  }\n', '3:3: not JSON: unexpected "}"'],
    ['[1, 2,]', '1:7: not JSON: unexpected "]"'],
    ['{"a" 1}', '1:6: not JSON: unexpected "1"'],
    ["{'a': 1}", '1:2: not JSON: unexpected "\'"'],
    ['// note\n{}', '1:1: not JSON: unexpected "/"'],
    ['{"a": "x\ny"}', '1:7: not JSON: a string that is not closed, or that holds a line break or another control character'],
    ['"abc', '1:1: not JSON: a string that is not closed, or that holds a line break or another control character'],
    ['{"a": [1,\n', '2:1: not JSON: the text ends before the JSON does'],
    ['', '1:1: not JSON: the text ends before the JSON does'],
    ['[[[[', '1:5: not JSON: the text ends before the JSON does'],
    ['{"a": 1} x', '1:10: not JSON: more text after the JSON'],
    ['01', '1:2: not JSON: more text after the JSON'],
    ['{"a": tru}', '1:7: not JSON: unexpected "t"'],
    ['{"a": -}', '1:7: not JSON: unexpected "-"'],
    ['{"a": "\\x"}', '1:7: not JSON: a string that is not closed, or that holds a line break or another control character'],
    ['{"a": {}, "b": [], "c": [{}]', '1:29: not JSON: the text ends before the JSON does'],
    ['{"a": 1,, "b": 2}', '1:9: not JSON: unexpected ","'],
    ['{1: 2}', '1:2: not JSON: unexpected "1"'],
    ['{"a" "b": 1}', '1:6: not JSON: unexpected "\\""'],
    ['{"a": 1, "b" 2}', '1:14: not JSON: unexpected "2"'],
    ['{"a": 1, "b\n": 2}', '1:10: not JSON: a string that is not closed, or that holds a line break or another control character'],
  ])('%j → r.json:%s', (text, message) => {
    expect(failure(text).message).toBe(`r.json:${message}`);
  });
  it('scans nesting deeper than any call stack without recursion', () => {
    expect(jsonErrorAt(`${'['.repeat(200_000)}x`)).toEqual({ offset: 200_000, problem: 'unexpected "x"' });
  });
});
