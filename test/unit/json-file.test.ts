// JSON files read back (a baseline, a reviewed suggestions file): a parse error names the file, line and column.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseJsonText } from '../../src/json-file.js';

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
    expect(parseJsonText('{"a": [1, "b"]}', 'r.json', 'h')).toEqual({ a: [1, 'b'] });
  });
  it('names line and column of the error, without V8\'s "in JSON at position N"', () => {
    const error = failure('{\n  "a": 1,\n  }\n');
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('r.json:3:3: not JSON: Expected double-quoted property name');
    expect(error.hint).toBe('the hint');
    expect(failure('{"a": 1 "b": 2}').message).toBe("r.json:1:9: not JSON: Expected ',' or '}' after property value");
  });
  it('places text that ends early at its end', () => {
    expect(failure('{"a": [1,\n2').message).toBe("r.json:2:2: not JSON: Expected ',' or ']' after array element");
    expect(failure('{"a": [1,\n').message).toBe('r.json:2:1: not JSON: the text ends before the JSON does');
    expect(failure('').message).toBe('r.json:1:1: not JSON: the text ends before the JSON does');
  });
});
