// validateRules on small inline rules files: which items a draft check looks at (onlyRules), unused macros, the
// order issues come out in, sources it knows, and tag findings carried over from lint. Every case states exactly
// what the validator must say, so a dropped filter or a changed order shows.
import { describe, expect, it } from 'vitest';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { readSourcePlatforms } from '../../../src/upstream.js';
import { validateRules, type ValidateInput } from '../../../src/validate/validate.js';
import { miniCatalog } from '../../helpers/load.js';

const fields = readFieldCatalog();

function validate(files: Record<string, string>, options: Partial<ValidateInput> = {}) {
  const parsed = Object.entries(files).map(([name, text]) => ({ info: { path: name, sha256: '' }, items: parseRulesText(text, name) }));
  const ruleset = buildRuleset(parsed);
  return validateRules({ items: parsed.flatMap((f) => f.items), ruleset, fields, extraSources: [], ...options });
}

const brief = (issues: ReturnType<typeof validateRules>) => issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.code} [${i.item}] ${i.message}`);

// An established rule with an unknown key and an invented field, an unused broken macro, and a draft with its own faults.
const ESTABLISHED = `- macro: unused_broken
  condition: evt.type = open and (
- rule: Established
  desc: d
  condition: evt.type = execve and proc.nam = x
  output: o
  priority: INFO
  colour: red
`;
const DRAFT = `- rule: Draft
  desc: d
  condition: evt.type = execve and proc.bogus = x
  output: o
  priority: INFO
  flavour: sweet
`;

describe('validateRules: what it looks at', () => {
  it('without onlyRules checks every item: unknown keys, fields, and a macro no rule uses', () => {
    expect(brief(validate({ 'a.yaml': ESTABLISHED, 'b.yaml': DRAFT }))).toEqual([
      'a.yaml:2:3 condition-syntax [unused_broken] condition 1:22: expected a field, a macro, "not" or "(", found the end of the condition',
      'a.yaml:5:3 unknown-field [Established] condition 1:23: unknown field proc.nam; did you mean proc.name?',
      'a.yaml:8:3 unknown-key [Established] rule "Established" has an unknown key "colour", which Falco ignores',
      'b.yaml:3:3 unknown-field [Draft] condition 1:23: unknown field proc.bogus; did you mean proc.args?',
      'b.yaml:6:3 unknown-key [Draft] rule "Draft" has an unknown key "flavour", which Falco ignores',
    ]);
  });

  it('with onlyRules (a draft) reports only the draft rule: not other items\' keys, fields or unused macros', () => {
    expect(brief(validate({ 'a.yaml': ESTABLISHED, 'b.yaml': DRAFT }, { onlyRules: new Set(['Draft']) }))).toEqual([
      'b.yaml:3:3 unknown-field [Draft] condition 1:23: unknown field proc.bogus; did you mean proc.args?',
      'b.yaml:6:3 unknown-key [Draft] rule "Draft" has an unknown key "flavour", which Falco ignores',
    ]);
  });

  it('with onlyRules, a macro or list item of the same name as a wanted rule is not checked as the rule', () => {
    const text = `- list: Draft
  items: [a]
  colour: red
- rule: Draft
  desc: d
  condition: evt.type = execve
  output: o
  priority: INFO
`;
    expect(brief(validate({ 'c.yaml': text }, { onlyRules: new Set(['Draft']) }))).toEqual([]);
    expect(brief(validate({ 'c.yaml': text }))).toEqual(['c.yaml:3:3 unknown-key [Draft] list "Draft" has an unknown key "colour", which Falco ignores']);
  });

  it('a macro a rule already used is checked once, through the rule, not again as unused', () => {
    const text = `- macro: bad_field
  condition: proc.nmae = x
- rule: R
  desc: d
  condition: evt.type = execve and bad_field
  output: o
  priority: INFO
`;
    expect(brief(validate({ 'd.yaml': text }))).toEqual(['d.yaml:2:3 unknown-field [bad_field] condition 1:1: unknown field proc.nmae; did you mean proc.name?']);
  });
});

describe('validateRules: order', () => {
  it('sorts by file, then line, then column, then code, then message', () => {
    // Two issues on the same line and column (the condition's start) differ only in code; two files interleave.
    const text = `- rule: Z
  desc: d
  condition: proc.name = x and evt.rawtime > "noon" and evt.time > 5
  output: o
  priority: LOUD
`;
    const issues = validate({ 'b.yaml': text.replace('rule: Z', 'rule: Y'), 'a.yaml': text });
    const NO_TYPE = 'the condition matches every event type, so Falco runs the rule on every system call; restrict it with evt.type or a macro such as spawned_process (Falco: Rule matches too many evt.type values. This has a significant performance penalty.)';
    const RAWTIME = 'condition 1:19: evt.rawtime counts nanoseconds: compare it with a number, not "noon"';
    const TIME = 'condition 1:44: evt.time is text: ">" compares strings, not times; compare evt.rawtime (nanoseconds since the epoch) with a number';
    const LOUD = 'priority "LOUD" is not one of EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFO, INFORMATIONAL, DEBUG';
    expect(brief(issues)).toEqual([
      `a.yaml:3:3 no-event-type [Z] ${NO_TYPE}`,
      `a.yaml:3:3 time-compared-as-string [Z] ${RAWTIME}`,
      `a.yaml:3:3 time-compared-as-string [Z] ${TIME}`,
      `a.yaml:5:3 bad-priority [Z] ${LOUD}`,
      `b.yaml:3:3 no-event-type [Y] ${NO_TYPE}`,
      `b.yaml:3:3 time-compared-as-string [Y] ${RAWTIME}`,
      `b.yaml:3:3 time-compared-as-string [Y] ${TIME}`,
      `b.yaml:5:3 bad-priority [Y] ${LOUD}`,
    ]);
  });

  it('on one line (a flow mapping), the column decides before the code', () => {
    // bad-priority sorts before no-event-type by code, but its key comes later on the line.
    const text = '- {rule: F, desc: d, condition: proc.name = x, output: o, priority: LOUD}\n';
    expect(brief(validate({ 'f.yaml': text })).map((line) => line.split(' [')[0])).toEqual([
      'f.yaml:1:22 no-event-type',
      'f.yaml:1:59 bad-priority',
    ]);
  });
});

describe('validateRules: sources', () => {
  const rule = (source: string) => `- rule: S
  desc: d
  condition: evt.type = open
  output: o
  priority: INFO
  source: ${source}
`;
  it('a source with no field catalogue is a warning unless the caller knows it (extraSources)', () => {
    expect(brief(validate({ 's.yaml': rule('nosuchsource') }))).toEqual([
      's.yaml:6:3 unknown-source [S] source "nosuchsource" is not one attack-cov knows the fields of; its fields are not checked',
    ]);
    expect(validate({ 's.yaml': rule('nosuchsource') }, { extraSources: ['nosuchsource'] })).toEqual([]);
  });
  it('checks no field of a source with no field catalogue (its plugin\'s fields are not known here), in the condition, its macros or the output', () => {
    const plugin = `- macro: pushed\n  condition: gitlab.action = push\n- rule: G\n  desc: d\n  condition: gitlab.repo = x and pushed\n  output: o %gitlab.user\n  priority: INFO\n  source: gitlab\n`;
    expect(brief(validate({ 'g.yaml': plugin }))).toEqual(['g.yaml:8:3 unknown-source [G] source "gitlab" is not one attack-cov knows the fields of; its fields are not checked']);
    expect(validate({ 'g.yaml': plugin }, { extraSources: ['gitlab'] })).toEqual([]);
    // A source with a catalogue is checked as ever.
    expect(brief(validate({ 'g.yaml': plugin.replace('source: gitlab', 'source: github') })).map((i) => i.split(' ').slice(0, 2).join(' '))).toEqual(['g.yaml:2:3 unknown-field', 'g.yaml:5:3 unknown-field', 'g.yaml:6:3 unknown-output-field']);
  });
  it('says of a plugin\'s name, or a known source in other case, that Falco skips the rule; of a near miss, which source it may mean', () => {
    const unknown = (source: string) => validate({ 's.yaml': rule(source) }).filter((i) => i.code === 'unknown-source').map((i) => i.message);
    // QA: k8saudit and k8saudit-eks were aliases of k8s_audit, so the rules were "valid" and counted; Falco skips them.
    expect(unknown('k8saudit-eks')).toEqual(['source k8saudit-eks is the name of a plugin, not an event source (its events\' source is k8s_audit): Falco skips the rule ("Unknown source k8saudit-eks, skipping")']);
    expect(unknown('Syscall')).toEqual(['source Syscall is not syscall (source names are case-sensitive): Falco skips the rule ("Unknown source Syscall, skipping")']);
    expect(unknown('sycall')).toEqual(['source "sycall" is not one attack-cov knows the fields of; its fields are not checked; did you mean syscall? (Falco skips the rule ("Unknown source sycall, skipping") unless a loaded plugin has that source)']);
    expect(unknown('mycorp')).toEqual(['source "mycorp" is not one attack-cov knows the fields of; its fields are not checked']);
    expect(unknown('k8s_audit')).toEqual([]);
  });
});

describe('validateRules: tags through lint', () => {
  const text = `- rule: Tagged
  desc: d
  condition: evt.type = execve
  output: o
  priority: INFO
  tags: [mitre_execution, T1529]
- rule: Untagged
  desc: d
  condition: evt.type = execve
  output: o
  priority: INFO
`;
  it('adds lint findings as tag/<code>, drops untagged-rule, and honours onlyRules', async () => {
    const attack = { catalog: await miniCatalog(), sourcePlatforms: readSourcePlatforms() };
    const all = validate({ 't.yaml': text }, { attack });
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((i) => i.code.startsWith('tag/') && i.item === 'Tagged' && i.file === 't.yaml')).toBe(true);
    expect(all.map((i) => i.code)).toContain('tag/tactic-mismatch');
    // At the tag, marked alone as lint marks it: T1529 at columns 27–31.
    expect(all.find((i) => i.code === 'tag/tactic-mismatch')).toMatchObject({ line: 6, column: 27, endColumn: 32 });
    expect(all.map((i) => i.code)).not.toContain('tag/untagged-rule');
    expect(validate({ 't.yaml': text }, { attack, onlyRules: new Set(['Untagged']) })).toEqual([]);
    expect(validate({ 't.yaml': text })).toEqual([]);
  });
});
