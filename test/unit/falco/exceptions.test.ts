// Rule exceptions as Falco reads and compiles them (rule_loader_reader.cpp, rule_loader_collector.cpp
// validate_exception_info, rule_loader_compiler.cpp build_rule_exception_infos): the condition text Falco builds
// for each shape, Falco's defaults for comps, and what it refuses, in its words.
import { describe, expect, it } from 'vitest';
import { appendExceptions, conditionWithExceptions, decodeExceptions, ExceptionError } from '../../../src/falco/exceptions.js';

const at = { file: 'r.yaml', line: 7, column: 3 };
const joined = (exceptions: unknown, isKnownField?: (f: string) => boolean): string => conditionWithExceptions('c', decodeExceptions(exceptions, at), isKnownField);
const refusal = (exceptions: unknown, isKnownField?: (f: string) => boolean): string => {
  try {
    joined(exceptions, isKnownField);
  } catch (error) {
    if (error instanceof ExceptionError) return error.message;
    throw error;
  }
  return 'accepted';
};

describe('conditionWithExceptions', () => {
  const table: [string, unknown, string][] = [
    ['one field, comps in, quoting an item with a space', [{ name: 'e', fields: 'proc.name', comps: 'in', values: ['shutdown', 'my app'] }], '(c) and not (proc.name in (shutdown, "my app"))'],
    ['one field, comps default to in', [{ name: 'e', fields: 'proc.name', values: ['a'] }], '(c) and not (proc.name in (a))'],
    ['fields as a list, comps default to =', [{ name: 'e', fields: ['proc.name', 'proc.pname'], values: [['a', 'b c'], ['d', 'e']] }], '(c) and not ((proc.name = a and proc.pname = "b c") or (proc.name = d and proc.pname = e))'],
    [
      'a list value, and a list operator with a scalar (a list name) in parentheses',
      [{ name: 'e', fields: ['proc.pname', 'proc.name'], comps: ['in', 'in'], values: [[['x', 'y'], 'shell_binaries'], [['z'], '(k)']] }],
      '(c) and not ((proc.pname in (x, y) and proc.name in (shell_binaries)) or (proc.pname in (z) and proc.name in (k)))',
    ],
    ['each exception joined with and not', [{ name: 'a', fields: 'proc.name', values: ['x'] }, { name: 'b', fields: ['fd.name'], comps: ['startswith'], values: [['/tmp']] }], '(c) and not (proc.name in (x)) and not ((fd.name startswith /tmp))'],
    ['an exception without values adds nothing', [{ name: 'e', fields: ['proc.name'] }, { name: 'f', fields: 'proc.name', values: [] }], '(c)'],
    ['no exceptions: the condition as written', [], 'c'],
    ['exceptions: null is none', null, 'c'],
  ];
  for (const [what, exceptions, condition] of table) it(what, () => expect(joined(exceptions)).toBe(condition));

  it('refuses what Falco refuses, in its words', () => {
    expect(refusal([{ name: 'e', fields: ['proc.name', 'proc.pname'], values: [['a']] }])).toBe('exception e: Fields and values lists must have equal length');
    expect(refusal([{ name: 'e', fields: ['proc.name'], values: ['a'] }])).toBe('exception e: Fields and values lists must have equal length');
    expect(refusal([{ name: 'e', fields: ['proc.name'], comps: ['like'], values: [['a']] }])).toBe("exception e: 'like' is not a supported comparison operator");
    expect(refusal([{ name: 'e', fields: ['proc.name', 'proc.pname'], comps: ['='], values: [] }])).toBe('exception e: Fields and comps lists must have equal length');
    expect(refusal([{ name: 'e', fields: ['proc.name'], comps: '=', values: [] }])).toBe('exception e: Fields and comps lists must have equal length');
    expect(refusal([{ name: 'e', fields: 'proc.name', comps: '=', values: ['a'] }])).toBe('exception e: When fields is a single value, comps must be one of (in, pmatch, intersects)');
    expect(refusal([{ name: 'e', fields: 'proc.name', comps: ['in'], values: ['a'] }])).toBe('exception e: Fields and comps must both be strings');
    expect(refusal([{ name: 'e', fields: 'proc.name', values: [['a']] }])).toBe('exception e: Expected values array to contain a list of strings');
    expect(refusal([{ name: 'e', values: [['a']] }])).toBe('exception e: Rule exception item must have fields property with a list of fields');
    expect(refusal([{ name: 'e', fields: ['proc.nme'], values: [['a']] }], (f) => f !== 'proc.nme')).toBe("exception e: 'proc.nme' is not a supported filter field");
    expect(refusal([{ name: 'e', fields: 'proc.nme', values: ['a'] }], (f) => f !== 'proc.nme')).toBe("exception e: 'proc.nme' is not a supported filter field");
  });
});

describe('decodeExceptions', () => {
  it('keeps fields, comps and values as written, numbers as their text, with where the exceptions are', () => {
    expect(decodeExceptions([{ name: 'e', fields: ['fd.sport'], comps: ['='], values: [[22]] }], at)).toEqual([{ name: 'e', fields: ['fd.sport'], comps: ['='], values: [['22']], position: at }]);
    expect(decodeExceptions(undefined, at)).toEqual([]);
  });
  it('reads a null as yaml-cpp does: fields or comps of null are absent (comps take their default), a null item is empty', () => {
    // toStrictEqual: an absent fields or comps is no key at all, as the ruleset cache stores it.
    expect(decodeExceptions([{ name: 'e', fields: null, comps: null }], at)).toStrictEqual([{ name: 'e', values: [], position: at }]);
    expect(decodeExceptions([{ name: 'e', fields: ['proc.name', null], values: [['a', null], null] }], at)).toStrictEqual([{ name: 'e', fields: ['proc.name', ''], values: [['a', ''], ''], position: at }]);
    expect(joined([{ name: 'e', fields: 'proc.name', comps: null, values: ['a'] }])).toBe('(c) and not (proc.name in (a))');
  });
  it('refuses the shapes Falco does not read', () => {
    expect(() => decodeExceptions({ name: 'e' }, at)).toThrow('Rule exceptions must be a sequence');
    expect(() => decodeExceptions(['e'], at)).toThrow('Rule exception must be a mapping');
    expect(() => decodeExceptions([{ fields: 'proc.name' }], at)).toThrow("Item has no mapping for key 'name'");
    expect(() => decodeExceptions([null], at)).toThrow('Rule exception must be a mapping');
    // yaml-cpp's decode_val: a null name is empty, a list is no scalar, an empty string is empty.
    expect(() => decodeExceptions([{ name: null, fields: 'proc.name' }], at)).toThrow("Mapping for key 'name' is empty");
    expect(() => decodeExceptions([{ name: ['e'], fields: 'proc.name' }], at)).toThrow('Value is not a scalar value');
    expect(() => decodeExceptions([{ name: '', fields: 'proc.name' }], at)).toThrow('Value must be non-empty');
    expect(() => decodeExceptions([{ name: 'e', fields: 'proc.name', values: 'a' }], at)).toThrow('Rule exception values must be a sequence');
    expect(() => decodeExceptions([{ name: 'e', fields: '' }], at)).toThrow('Value must be non-empty');
  });
});

describe('appendExceptions', () => {
  const base = decodeExceptions([{ name: 'parents', fields: 'proc.pname', values: ['sshd'] }], at);
  it('adds values to the exception of the same name, and a new exception whole, leaving the first list as it was', () => {
    const added = decodeExceptions([{ name: 'parents', values: ['cron'] }, { name: 'names', fields: 'proc.name', values: ['x'] }], at);
    const result = appendExceptions(base, added);
    expect(conditionWithExceptions('c', result)).toBe('(c) and not (proc.pname in (sshd, cron)) and not (proc.name in (x))');
    expect(base[0]!.values).toEqual(['sshd']);
  });
  it('refuses what Falco refuses', () => {
    const append = (ex: unknown) => () => appendExceptions(base, decodeExceptions([ex], at));
    expect(append({ name: 'parents', fields: 'proc.name', values: ['x'] })).toThrow('exception parents: Can not append exception fields to existing exception, only values');
    expect(append({ name: 'parents', comps: 'in', values: ['x'] })).toThrow('exception parents: Can not append exception comps to existing exception, only values');
    expect(append({ name: 'other', values: ['x'] })).toThrow('exception other: Rule exception must have fields property with a list of fields');
    expect(append({ name: 'other', fields: 'proc.name' })).toThrow('exception other: Rule exception must have values property with a list of values');
  });
});
