// rulesFalcoSkips drops a rule only for what skip-if-unknown-filter forgives (an unknown field or event): an
// undefined macro is an error Falco does not skip for, so the rule is not among those it drops. A rule and a macro
// may share a name (Falco keeps them apart), so a problem is the macro's only where the macro's condition is written.
import { describe, expect, it } from 'vitest';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { macroUsers, rulesFalcoSkips } from '../../../src/validate/skipped.js';

/** A reason without the key it ends with (every reason names it: a rule may be dropped for its source too). */
function withoutKey(why: string): string {
  expect(why).toMatch(/ \(skip-if-unknown-filter: true\)$/);
  return why.replace(/ \(skip-if-unknown-filter: true\)$/, '');
}

/** The rules Falco drops from these files (f1.yaml, f2.yaml, … in load order), with why. */
function skips(...texts: string[]): Record<string, string> {
  const files = texts.map((text, i) => ({ info: { path: `f${i + 1}.yaml`, sha256: '' }, items: parseRulesText(text, `f${i + 1}.yaml`) }));
  return Object.fromEntries([...rulesFalcoSkips(buildRuleset(files), () => readFieldCatalog())].map(([name, why]) => [name, withoutKey(why)]));
}
const rule = (name: string, condition: string) => `- rule: ${name}\n  condition: ${condition}\n  desc: d\n  output: o\n  priority: INFO\n  skip-if-unknown-filter: true\n`;
const macro = (name: string, condition: string) => `- macro: ${name}\n  condition: ${condition}\n`;

describe('rulesFalcoSkips', () => {
  it('keeps a rule whose only problem is not an unknown field or event', () => {
    expect(skips(rule('R', 'evt.type = execve and no_such_macro'))).toEqual({});
  });

  it('a rule named like a macro keeps its own problem, in the same file or another (same line there)', () => {
    // The macro's condition is on line 2 of f1.yaml; the rule's on line 6 of the same file, or line 2 of f2.yaml.
    const same = macro('same', 'proc.name = x');
    const ruleOwn = rule('same', 'evt.type = execve and proc.future_field = x');
    const expected = { same: 'condition 1:23: unknown field proc.future_field' };
    expect(skips(same + macro('other', 'proc.name = y') + ruleOwn)).toEqual(expected);
    expect(skips(same, ruleOwn)).toEqual(expected);
  });

  it('a macro\'s problem is the macro\'s, even with a rule of its name', () => {
    const text = macro('same', 'proc.future_field = x') + rule('same', 'evt.type = execve and proc.name = y') + rule('User', 'evt.type = execve and same');
    expect(skips(text)).toEqual({ User: 'macro same: condition 1:1: unknown field proc.future_field' });
  });

  it('names the first macro the condition reaches that has a problem; a rule that does not parse reaches none', () => {
    const text = macro('clean', 'proc.name = x') + macro('first', 'proc.future_a = 1') + macro('second', 'proc.future_b = 1')
      + rule('R', 'evt.type = execve and clean and second and first') + rule('Broken', 'evt.type = execve and (first');
    expect(skips(text)).toEqual({ R: 'macro second: condition 1:1: unknown field proc.future_b' });
  });
});

describe('macroUsers', () => {
  it('the rules reaching each macro, through other macros; a macro that does not parse reaches nothing', () => {
    const files = [{ info: { path: 'f1.yaml', sha256: '' }, items: parseRulesText(
      macro('leaf', 'proc.name = x') + macro('mid', 'leaf or proc.name = y') + macro('broken', 'leaf and (') + macro('unused', 'leaf')
      + rule('A', 'mid') + rule('B', 'broken') + rule('C', 'no_such_macro'), 'f1.yaml') }];
    const users = macroUsers(buildRuleset(files));
    expect(Object.fromEntries([...users].map(([name, rules]) => [name, [...rules]]))).toEqual({ mid: ['A'], leaf: ['A'], broken: ['B'] });
  });

  it('follows 20,000 macros each using the one before to the one that names a field Falco lacks (recursive walks ran out of stack)', () => {
    const chain = Array.from({ length: 20_000 }, (_, i) => macro(`m${i}`, i === 0 ? 'evt.type = execve and proc.nme = x' : `m${i - 1} and proc.name != n${i}`)).join('');
    const text = chain + rule('Deep', 'm19999');
    expect(macroUsers(buildRuleset([{ info: { path: 'f1.yaml', sha256: '' }, items: parseRulesText(text, 'f1.yaml') }])).get('m0')).toEqual(new Set(['Deep']));
    expect(skips(text)).toEqual({ Deep: 'macro m0: condition 1:23: unknown field proc.nme; did you mean proc.name?' });
  });
});
