// The condition parser pinned exactly: whole trees with their positions, every error with its place and what it
// found, and the corners of libsinsp's grammar it follows (keywords that start longer words, transformers only with
// their "(", list names, operator spelling). Each row is one condition; the comment says what it proves.
import { describe, expect, it } from 'vitest';
import { ConditionSyntaxError, listItemValues, parseCondition, quoteItem } from '../../../src/falco/condition/parse.js';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { validateRules } from '../../../src/validate/validate.js';

const at = (offset: number, line = 1, column = offset + 1) => ({ offset, line, column });
const macro = (name: string, offset: number) => ({ kind: 'macro', name, pos: at(offset) });
const field = (name: string, offset: number, transformers: string[] = [], arg?: string) => ({ name, ...(arg !== undefined ? { arg } : {}), transformers, pos: at(offset) });
const value = (text: string, offset: number, isQuoted = false) => ({ kind: 'value', text, isQuoted, pos: at(offset) });
const check = (f: object, operator: string, operand?: object) => ({ kind: 'check', field: f, operator, ...(operand ? { value: operand } : {}), pos: at(0) });
/** The error a condition gives: "line:column: detail". */
const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConditionSyntaxError);
    expect((error as ConditionSyntaxError).message).toBe(`${(error as ConditionSyntaxError).pos.line}:${(error as ConditionSyntaxError).pos.column}: ${(error as ConditionSyntaxError).detail}`);
    return (error as Error).message;
  }
  return 'parsed';
};

// An and/or node is placed where its keyword's search began: after a macro's trailing blanks, right after a value.
describe('trees, with the position of every node', () => {
  it.each<[string, string, object]>([
    ['not binds tighter than and, and than or; each node at its keyword', 'not a and b or c', {
      kind: 'or',
      left: { kind: 'and', left: { kind: 'not', operand: macro('a', 4), pos: at(0) }, right: macro('b', 10), pos: at(6) },
      right: macro('c', 15),
      pos: at(12),
    }],
    ['a later line counts its columns from its own start', 'a or\n  b', { kind: 'or', left: macro('a', 0), right: { kind: 'macro', name: 'b', pos: at(7, 2, 3) }, pos: at(2) }],
    ['a keyword is a whole word: order, nota and andx are macros', 'a or order and nota', {
      kind: 'or', left: macro('a', 0), right: { kind: 'and', left: macro('order', 5), right: macro('nota', 15), pos: at(11) }, pos: at(2),
    }],
    ['a transformer name without "(" is a macro', 'tolower', macro('tolower', 0)],
    ['a parenthesised condition is its inner node', '( a )', macro('a', 2)],
    ['transformers nest outermost first, at the outer one', 'tolower(b64(proc.name)) = x', check(field('proc.name', 0, ['tolower', 'b64']), '=', value('x', 26))],
    ['a field argument is what the brackets hold, blanks too, or nothing', 'proc.env[A B] = x', check(field('proc.env', 0, [], 'A B'), '=', value('x', 16))],
    ['an empty field argument', 'proc.aname[] = x', check(field('proc.aname', 0, [], ''), '=', value('x', 15))],
    // libsinsp parse_field_remainder reads a quoted argument with lex_quoted_str: its text, unescaped, without quotes.
    ['a quoted field argument is the text it quotes', 'proc.aname["1"] = x', check(field('proc.aname', 0, [], '1'), '=', value('x', 18))],
    ['…in either quote, a ] inside it included, escapes read', 'proc.env[\'a]b\\\'c\'] = x', check(field('proc.env', 0, [], "a]b'c"), '=', value('x', 21))],
    ['…on the right too', 'proc.name = val(proc.env["X"])', check(field('proc.name', 0), '=', { kind: 'field', field: field('proc.env', 12, ['val'], 'X') })],
    ['a bracket after a blank is no field argument', 'proc.name exists', check(field('proc.name', 0), 'exists')],
    ['== is read whole, not as = and a value "=x"', 'proc.name == x', check(field('proc.name', 0), '==', value('x', 13))],
    ['<= and >= are read whole', 'fd.num<=1 and fd.num>=2', {
      kind: 'and', left: { ...check(field('fd.num', 0), '<=', value('1', 8)) }, right: { ...check(field('fd.num', 14), '>=', value('2', 22)), pos: at(14) }, pos: at(9),
    }],
    ['!= and < and >', 'a.b != 1 or a.b < 2 or a.b > 3', {
      kind: 'or',
      left: { kind: 'or', left: check(field('a.b', 0), '!=', value('1', 7)), right: { ...check(field('a.b', 12), '<', value('2', 18)), pos: at(12) }, pos: at(8) },
      right: { ...check(field('a.b', 23), '>', value('3', 29)), pos: at(23) },
      pos: at(19),
    }],
    // One value, not a list: Falco pastes a list's items there as text (lists.ts says whether that parses).
    ['a list name after in is the one bare word it is, at the word', 'proc.name in  my_list', check(field('proc.name', 0), 'in', value('my_list', 14))],
    // libsinsp lexes a transformer with its "(" ("basename("), so a bare transformer word there is a list name.
    ['a transformer word without "(" after in names a list', 'proc.name in basename', check(field('proc.name', 0), 'in', value('basename', 13))],
    ['val(…) after in is a field', 'proc.name in val(proc.pname)', check(field('proc.name', 0), 'in', { kind: 'field', field: field('proc.pname', 13, ['val']) })],
    ['tolower(…) after in is a field', 'proc.name in tolower(proc.pname)', check(field('proc.name', 0), 'in', { kind: 'field', field: field('proc.pname', 13, ['tolower']) })],
    ['an empty list with blanks in it', 'proc.name in ( )', check(field('proc.name', 0), 'in', { kind: 'list', items: [], pos: at(13) })],
    ['list items with blanks around the commas, quoted or not', "proc.name in ( a , 'b c' )", check(field('proc.name', 0), 'in', { kind: 'list', items: [value('a', 15), value('b c', 19, true)], pos: at(13) })],
    ['a transformer word without "(" where a value goes is the value', 'proc.name = tolower', check(field('proc.name', 0), '=', value('tolower', 12))],
    ['every escape unescape_str knows', 'proc.name = "\\b\\f\\n\\r\\t\\\\\\/"', check(field('proc.name', 0), '=', value('\b\f\n\r\t\\/', 12, true))],
    ['word operators with a blank of each kind after them', 'a.b contains\rx and a.b icontains\nx', {
      kind: 'and', left: check(field('a.b', 0), 'contains', value('x', 13)), right: { ...check(field('a.b', 19), 'icontains', { ...value('x', 0), pos: at(33, 2, 1) }), pos: at(19) }, pos: at(14),
    }],
  ])('%s: %j', (_why, condition, tree) => {
    expect(parseCondition(condition)).toEqual(tree);
  });
});

describe('errors: where, what was expected, what was found', () => {
  it.each([
    ['', '1:1: empty condition, found the end of the condition'],
    ['   ', '1:4: empty condition, found the end of the condition'],
    ['a and', '1:6: expected a field, a macro, "not" or "(", found the end of the condition'],
    ['a)', '1:2: unbalanced ")", found ")"'],
    ['a b', '1:3: expected and, or or the end of the condition, found "b"'],
    ['a andb', '1:3: expected and, or or the end of the condition, found "andb"'],
    [' (a', '1:4: expected ")" to close the "(" at 1:2, found the end of the condition'],
    ['and a', '1:1: "and" needs something on its left, found "and"'],
    // A word with "(" that is no transformer is a macro, and then the "(" is out of place.
    ['foo(x)', '1:4: expected and, or or the end of the condition, found "(x)"'],
    ['a or or b', '1:6: "or" needs something on its left, found "or"'],
    ['foo exists', '1:1: "foo" is not a field (fields have a class, e.g. proc.name), found "foo"'],
    ['x and foo != x', '1:7: "foo" is not a field (fields have a class, e.g. proc.name), found "foo"'],
    ['foo <x', '1:1: "foo" is not a field (fields have a class, e.g. proc.name), found "foo"'],
    ['foo in (a)', '1:1: "foo" is not a field (fields have a class, e.g. proc.name), found "foo"'],
    ['tolower(', '1:9: expected a field, found the end of the condition'],
    ['tolower(proc.name', '1:18: expected ")" to close tolower(, found the end of the condition'],
    ['proc.aname[2', '1:11: unclosed "[" in a field argument, found "[2"'],
    ['proc.env["PATH" ] exists', '1:17: expected "]" right after the quoted field argument (no blank before it), found "]"'],
    ['proc.env["PATH"x] exists', '1:16: expected "]" right after the quoted field argument, found "x]"'],
    ['proc.env["PATH"', '1:16: expected "]" right after the quoted field argument, found the end of the condition'],
    ['proc.env["PATH] exists', '1:10: unterminated string, found ""PATH]"'],
    ['proc.name foo x', '1:11: unknown operator "foo", found "foo"'],
    ['proc.name ~ x', '1:11: expected an operator (=, !=, in, contains, exists …), found "~"'],
    ['proc.name', '1:10: expected an operator (=, !=, in, contains, exists …), found the end of the condition'],
    ['proc.name contains', '1:11: "contains" needs a blank after it, found "contains"'],
    ['proc.name glob(x)', '1:11: "glob" needs a blank after it, found "glob(x)"'],
    ['proc.name exists x', '1:18: expected and, or or the end of the condition, found "x"'],
    ['proc.name in (a b)', '1:17: expected "," or ")" in a list, found "b)"'],
    ['proc.name in (a,', '1:17: expected a value, found the end of the condition'],
    ['proc.name = )', '1:13: expected a value, found ")"'],
    ['proc.name = tolower(val(proc.pname))', '1:21: val() takes a field where a value goes, on the right of an operator, found "val(proc.pname))"'],
    ['proc.name = "a\\\'b"', '1:13: invalid \\\' escape in "-quoted string, found ""a\\\'b""'],
    ['proc.name = \'unterminated', '1:13: unterminated string, found "\'unterminated"'],
    // What was found is cut at 30 characters.
    [`proc.name ${'y'.repeat(40)} x`, `1:11: unknown operator "${'y'.repeat(40)}", found "${'y'.repeat(30)}"`],
  ])('%j', (condition, message) => {
    expect(failure(() => parseCondition(condition))).toBe(message);
  });
});

describe('list items as Falco pastes them', () => {
  it.each([
    ['a b', '"a b"'], // a blank: quoted
    ['"a b"', '"a b"'], // already quoted (either quote): as it is
    ["'a b'", "'a b'"],
    ['ab', 'ab'], // no blank: as it is
    ['a"b c', '"a"b c"'], // a quote inside does not count, only the first character
  ])('%j is pasted as %j', (item, pasted) => {
    expect(quoteItem(item)).toBe(pasted);
  });

  it('refuses what follows the list', () => {
    expect(failure(() => listItemValues('a)b'))).toBe('1:4: expected "," or ")" in a list, found "b)"');
  });
});

describe('a list named like a transformer (the bug this found: `in basename` was read as a field named basename)', () => {
  it('validate finds the list and no unknown field', () => {
    const text = '- list: basename\n  items: [sh]\n- rule: R\n  desc: d\n  condition: evt.type = execve and proc.name in basename\n  output: o\n  priority: INFO\n';
    const items = parseRulesText(text, 'r.yaml');
    const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]);
    expect(validateRules({ items, ruleset, fields: readFieldCatalog(), extraSources: [] })).toEqual([]);
  });
});
