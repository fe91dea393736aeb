// validate on `skip-if-unknown-filter: true`: Falco drops such a rule, with a warning, when its condition names a
// field (or event type) it does not know, and loads the file; so those findings are warnings for that rule only,
// whether the key comes with the rule or from an override that replaces it.
import { describe, expect, it } from 'vitest';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { validateRules } from '../../../src/validate/validate.js';
import { rulesFalcoSkips } from '../../../src/validate/skipped.js';
import { readFileSync } from 'node:fs';
import { fixture } from '../../helpers/paths.js';

const fields = readFieldCatalog();
const rule = (name: string, extra = '') => `- rule: ${name}\n  desc: d\n  condition: evt.type = execve and proc.future_field = x\n  output: o\n  priority: INFO\n${extra}`;

function check(text: string): string[] {
  const items = parseRulesText(text, 'r.yaml');
  const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]);
  return validateRules({ items, ruleset, fields, extraSources: [] }).map((i) => `${i.item}: ${i.severity} ${i.code} ${i.message}`);
}
const SKIPPED = (name: string) => `${name}: warning unknown-field condition 1:23: unknown field proc.future_field; Falco skips the rule (skip-if-unknown-filter: true)`;
const ERROR = (name: string) => `${name}: error unknown-field condition 1:23: unknown field proc.future_field`;

describe('skip-if-unknown-filter', () => {
  it('an unknown field is a warning in a rule that has it, an error in one that does not', () => {
    expect(check(rule('Skips', '  skip-if-unknown-filter: true\n') + rule('Strict') + rule('Off', '  skip-if-unknown-filter: false\n'))).toEqual([SKIPPED('Skips'), ERROR('Strict'), ERROR('Off')]);
  });
  it('an override replacing the key decides, the later item winning', () => {
    const replace = (value: string) => `- rule: R\n  skip-if-unknown-filter: ${value}\n  override:\n    skip-if-unknown-filter: replace\n`;
    expect(check(rule('R') + replace('yes'))).toEqual([SKIPPED('R')]);
    expect(check(rule('R', '  skip-if-unknown-filter: true\n') + replace('false'))).toEqual([ERROR('R')]);
  });
  it('a legacy append, however yaml-cpp spells its true, modifies the rule and keeps its key', () => {
    for (const yes of ['true', 'yes', 'on']) {
      // (append: true is deprecated: Falco warns, and so does validate.)
      expect(check(rule('R', '  skip-if-unknown-filter: true\n') + `- rule: R\n  append: ${yes}\n  condition: and proc.name = x\n`)).toEqual([
        SKIPPED('R'),
        "R: warning deprecated-append 'append' is deprecated (Falco warns on load): write override: {condition: append} instead",
      ]);
    }
  });
  it('forgives an unknown output field too (Falco checks the output first, and skips the rule for it as well)', () => {
    const out = (name: string, extra = '') => `- rule: ${name}\n  desc: d\n  condition: evt.type = execve\n  output: x %proc.future_out\n  priority: INFO\n${extra}`;
    expect(check(out('S', '  skip-if-unknown-filter: true\n') + out('T'))).toEqual([
      'S: warning unknown-output-field output %proc.future_out: unknown field proc.future_out; Falco skips the rule (skip-if-unknown-filter: true)',
      'T: error unknown-output-field output %proc.future_out: unknown field proc.future_out',
    ]);
  });

  it('a macro\'s unknown field: a warning when only skipping rules use it, or none; an error when any other rule does, disabled too', () => {
    const macro = '- macro: future\n  condition: proc.future_field = x\n';
    const uses = (name: string, extra = '') => `- rule: ${name}\n  desc: d\n  condition: evt.type = execve and future\n  output: o\n  priority: INFO\n${extra}`;
    const MACRO = 'future: %s unknown-field condition 1:1: unknown field proc.future_field';
    const at = (severity: string, rest = '') => MACRO.replace('%s', severity) + rest;
    expect(check(macro + uses('A', '  skip-if-unknown-filter: true\n') + uses('B', '  skip-if-unknown-filter: yes\n'))).toEqual([at('warning', '; Falco skips the rules that use this macro (skip-if-unknown-filter: true)')]);
    // Falco compiles every rule, a disabled one too: its error stops the load.
    expect(check(macro + uses('A', '  skip-if-unknown-filter: true\n') + uses('Off', '  enabled: false\n'))).toEqual([at('error')]);
    // Used through another macro only by skipping rules: the same warning.
    expect(check(macro + '- macro: outer\n  condition: future or proc.name = y\n' + uses('A', '  skip-if-unknown-filter: true\n').replace('and future', 'and outer'))).toEqual([at('warning', '; Falco skips the rules that use this macro (skip-if-unknown-filter: true)')]);
    // Used by no rule: Falco only warns that it is unused.
    expect(check(macro + rule('Strict').replace('proc.future_field = x', 'proc.name = x'))).toEqual([at('warning', "; no rule uses this macro, and Falco checks a macro's fields only in the rules that use it")]);
  });

  it('does not forgive what Falco does not skip for (a syntax error)', () => {
    const broken = '- rule: B\n  desc: d\n  condition: evt.type = execve and (\n  output: o\n  priority: INFO\n  skip-if-unknown-filter: true\n';
    expect(check(broken).map((i) => i.split(' ').slice(0, 3).join(' '))).toEqual(['B: error condition-syntax']);
  });
});

describe('rulesFalcoSkips: the enabled rules Falco drops, for the analysis', () => {
  const skips = (text: string) => {
    const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items: parseRulesText(text, 'r.yaml') }]);
    let asked = 0;
    const result = rulesFalcoSkips(ruleset, () => (asked++, fields));
    // Every reason ends with the key (a rule may be dropped for its source too); the rest is compared below.
    for (const why of result.values()) expect(why).toMatch(/ \(skip-if-unknown-filter: true\)$/);
    return { result: Object.fromEntries([...result].map(([name, why]) => [name, why.replace(/ \(skip-if-unknown-filter: true\)$/, '')])), asked };
  };

  it('names the first unknown thing of each rule with the key, a macro\'s as the macro\'s, and no other rule', () => {
    const { result } = skips(readFileSync(fixture('rules', 'skip-unknown.yaml'), 'utf8'));
    expect(result).toEqual({
      'Needs a newer Falco through a macro': 'macro newer_thing: condition 1:1: unknown field proc.future_field',
      'Needs a newer Falco': 'condition 1:23: unknown field proc.other_future',
    });
  });

  it('gives every rule the problems of a macro it shares with another (one checker per rule), an unknown event too', () => {
    const macro = '- macro: m\n  condition: proc.future_field = x\n';
    const uses = (name: string, condition: string) => `- rule: ${name}\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: INFO\n  skip-if-unknown-filter: true\n`;
    const { result } = skips(macro + uses('A', 'evt.type = execve and m') + uses('B', 'evt.type = execve and m') + uses('C', 'evt.type = no_such_event'));
    expect(result).toEqual({
      A: 'macro m: condition 1:1: unknown field proc.future_field',
      B: 'macro m: condition 1:1: unknown field proc.future_field',
      C: 'condition 1:1: evt.type "no_such_event" is not a Falco event name',
    });
  });

  it("a macro's problem in a part appended to it is still the macro's (put where that part is written)", () => {
    const macro = '- macro: m\n  condition: proc.name = a\n- macro: m\n  condition: or proc.future_field = b\n  override:\n    condition: append\n';
    const uses = '- rule: A\n  desc: d\n  condition: evt.type = execve and m\n  output: o\n  priority: INFO\n  skip-if-unknown-filter: true\n';
    expect(skips(macro + uses).result).toEqual({ A: 'macro m: condition 1:4: unknown field proc.future_field' });
  });

  it('never drops a rule of a source attack-cov has no field table for: whether Falco knows its fields cannot be told here', () => {
    const text = '- rule: G\n  desc: d\n  condition: gitlab.action = push\n  output: o %gitlab.user\n  priority: INFO\n  source: gitlab\n  skip-if-unknown-filter: true\n';
    expect(skips(text).result).toEqual({});
  });

  it('drops a rule for an unknown output field as well', () => {
    const text = '- rule: Out\n  desc: d\n  condition: evt.type = execve\n  output: x %proc.future_out\n  priority: INFO\n  skip-if-unknown-filter: true\n';
    expect(skips(text).result).toEqual({ Out: 'output %proc.future_out: unknown field proc.future_out' });
  });

  it('leaves out a disabled rule (it does not run anyway), and reads no field catalog when no enabled rule has the key', () => {
    expect(skips(rule('Off', '  skip-if-unknown-filter: true\n  enabled: false\n'))).toEqual({ result: {}, asked: 0 });
    expect(skips(rule('Strict'))).toEqual({ result: {}, asked: 0 });
  });
});
