// Two corners of the condition parser's fields: inside a transformer, a transformer word needs its "(" right after
// it (as libsinsp lexes "b64("), and a field without brackets has no `arg` key at all.
import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../../src/falco/condition/parse.js';

describe('fields', () => {
  it('a transformer word with a blank before its "(" inside another transformer is no transformer', () => {
    expect(() => parseCondition('tolower(b64 (proc.name)) = x')).toThrow('1:13: expected ")" to close tolower(, found "(proc.name))"');
    // and a field followed by "(" is a field, then the "(" is out of place
    expect(() => parseCondition('tolower(proc.name(x)) = y')).toThrow('1:18: expected ")" to close tolower(, found "(x))"');
  });
  it('a field without brackets has no arg key', () => {
    expect(parseCondition('proc.name exists')).toStrictEqual({
      kind: 'check', field: { name: 'proc.name', transformers: [], pos: { offset: 0, line: 1, column: 1 } }, operator: 'exists', pos: { offset: 0, line: 1, column: 1 },
    });
  });
});
