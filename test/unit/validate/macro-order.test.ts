// validate on the order Falco requires of macro uses: a macro may use only macros defined before it (its last
// definition or append counts for it, the used macro's first definition for that one); a rule may use a macro of
// its own file, even defined later, or of an earlier file, but not of a later one (Falco compiles file by file).
import { describe, expect, it } from 'vitest';
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
    expect(check(first, appendedRule)).toEqual([]);
  });
});
