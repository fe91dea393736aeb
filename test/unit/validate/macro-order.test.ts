// validate on the order Falco requires of macro uses: a macro may use only macros defined before it (its last
// definition or append counts for it, the used macro's first definition for that one); a rule may use a macro of
// its own file, even defined later, or of an earlier file, but not of a later one (Falco compiles file by file).
import { describe, expect, it } from 'vitest';
import { definitionOrder, macroOrderProblem } from '../../../src/falco/condition/macro-order.js';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { validateRules } from '../../../src/validate/validate.js';

const fields = readFieldCatalog();
const rule = (name: string, condition: string) => `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: INFO\n`;
const macro = (name: string, condition: string, extra = '') => `- macro: ${name}\n  condition: ${condition}\n${extra}`;

/** Findings ("item: code message") for these files, loaded in this order. */
function check(...texts: string[]): string[] {
  const files = texts.map((text, i) => ({ info: { path: `f${i + 1}.yaml`, sha256: '' }, items: parseRulesText(text, `f${i + 1}.yaml`) }));
  const items = files.flatMap((f) => f.items);
  return validateRules({ items, ruleset: buildRuleset(files), fields, extraSources: [] }).map((i) => `${i.item}: ${i.code} ${i.message}`);
}

describe('macro order', () => {
  it('a macro using a macro defined after it is an error; defined before, fine', () => {
    expect(check(macro('outer', 'inner and proc.name = bash') + macro('inner', 'evt.type = execve') + rule('R', 'outer'))).toEqual([
      'outer: macro-order condition 1:1: macro "inner" is defined after macro "outer" (at f1.yaml:3): a macro may only use macros defined before it',
    ]);
    expect(check(macro('inner', 'evt.type = execve') + macro('outer', 'inner and proc.name = bash') + rule('R', 'outer'))).toEqual([]);
  });
  it('a rule may use a macro defined later in its own file, not one of a later file', () => {
    expect(check(rule('R', 'evt.type = execve and later') + macro('later', 'proc.name = x'))).toEqual([]);
    expect(check(rule('R', 'evt.type = execve and later'), macro('later', 'proc.name = x'))).toEqual([
      'R: macro-order condition 1:23: macro "later" is defined in a later file (f2.yaml:1): Falco compiles rule "R" before it reads that file',
    ]);
    expect(check(macro('later', 'proc.name = x'), rule('R', 'evt.type = execve and later'))).toEqual([]);
  });
  it('the first definition of the used macro counts (a later file redefining it is fine), and the user\'s last append', () => {
    const first = macro('known', 'proc.name = a') + macro('uses', 'known') + rule('R', 'evt.type = execve and uses');
    expect(check(first, macro('known', 'proc.name = b'))).toEqual([]);
    const appended = macro('late', 'proc.name = c') + macro('uses', 'or late', '  override:\n    condition: append\n');
    expect(check(first, appended)).toEqual([]);
    const appendedRule = macro('late', 'proc.name = c') + '- rule: R\n  condition: or late\n  override:\n    condition: append\n';
    // No order problem; the appended text makes `evt.type = execve and uses or late`, which matches every event type.
    expect(check(first, appendedRule).map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['R: no-event-type']);
  });

  it('a macro in a later file counts as after, whatever its line', () => {
    // inner is on line 1 of f2.yaml, before outer's line 3 of f1.yaml, but in a later file.
    expect(check(macro('pad', 'proc.name = x') + macro('outer', 'inner') + rule('R', 'outer and pad'), macro('inner', 'evt.type = execve'))).toEqual([
      'outer: macro-order condition 1:1: macro "inner" is defined after macro "outer" (at f2.yaml:1): a macro may only use macros defined before it',
    ]);
  });
  it('items on one line (a YAML flow sequence) are in the order written', () => {
    const rule1 = '{rule: R, desc: d, condition: evt.type = execve and a, output: o, priority: INFO}';
    expect(check(`[{macro: b, condition: proc.name = x}, {macro: a, condition: b}, ${rule1}]\n`)).toEqual([]);
    expect(check(`[{macro: a, condition: b}, {macro: b, condition: proc.name = x}, ${rule1}]\n`)).toEqual([
      'a: macro-order condition 1:1: macro "b" is defined after macro "a" (at f1.yaml:1): a macro may only use macros defined before it',
    ]);
  });
  it('override: {condition: replace} defines a macro, and Falco keeps its first index', () => {
    const replace = '  override:\n    condition: replace\n';
    // Defined by the replace before outer: a later plain definition does not move it.
    expect(check(macro('inner', 'proc.name = y', replace) + macro('outer', 'inner') + macro('inner', 'evt.type = execve') + rule('R', 'outer'))).toEqual([]);
    // Defined by the replace only, after outer.
    expect(check(macro('outer', 'inner') + macro('inner', 'evt.type = execve', replace) + rule('R', 'outer'))).toEqual([
      'outer: macro-order condition 1:1: macro "inner" is defined after macro "outer" (at f1.yaml:3): a macro may only use macros defined before it',
    ]);
  });
  it('a list, or a rule, of the same name is not the macro; a macro of a rule\'s name is not the rule', () => {
    expect(check('- list: inner\n  items: [a]\n' + macro('outer', 'inner') + macro('inner', 'evt.type = execve') + rule('R', 'outer'))).toEqual([
      'outer: macro-order condition 1:1: macro "inner" is defined after macro "outer" (at f1.yaml:5): a macro may only use macros defined before it',
    ]);
    // R's last definition is in f1.yaml: a macro named R in f2.yaml does not move it.
    expect(check(rule('R', 'evt.type = execve and later'), macro('later', 'proc.name = x') + macro('R', 'proc.name = y'))).toEqual([
      'R: macro-order condition 1:23: macro "later" is defined in a later file (f2.yaml:1): Falco compiles rule "R" before it reads that file',
    ]);
  });
  it('a macro may not use itself: its first definition is not before its own last one (validate reports the cycle instead)', () => {
    const items = parseRulesText(macro('self', 'self or proc.name = x'), 'f1.yaml');
    expect(macroOrderProblem(definitionOrder(['f1.yaml'], items), { kind: 'macro', name: 'self' }, 'self')).toBe(
      'macro "self" is defined after macro "self" (at f1.yaml:1): a macro may only use macros defined before it');
  });
});
