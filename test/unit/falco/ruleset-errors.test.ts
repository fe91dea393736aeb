// What Falco refuses to load when it builds the ruleset, in attack-cov's words: each refusal with its file:line:col
// (at the key where there is one) and its hint; and which items are enable/disable toggles (only a rule item with
// `enabled:` and none of condition, output, desc, priority, override or append).
import { describe, expect, it } from 'vitest';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';

const RULE = '- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n';
const build = (text: string) => buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items: parseRulesText(text, 'r.yaml') }]);
const ORDER = 'load the file that defines it first (files load in the order given); for one of the official rules\' lists, macros or rules, name official first: --rules official my_rules.yaml';
const NEW_RULE = 'a new rule needs condition, output, desc and priority; to change an existing rule use override:';

describe('buildRuleset refuses what Falco refuses', () => {
  it.each([
    [`${RULE}- rule: R\n  override: append\n`, 'r.yaml:7:3: rule "R": override must map keys to append or replace', undefined],
    [`${RULE}- rule: R\n  override:\n    condition: prepend\n  condition: x\n`, 'r.yaml:7:3: rule "R": override of condition must be append or replace, not prepend', undefined],
    ['- rule: N\n  desc: d\n', 'r.yaml:1:3: rule "N" has no condition', NEW_RULE],
    [`${RULE}- rule: R\n  override:\n    condition: append\n`, 'r.yaml:6:3: rule "R": override names condition but the item has no condition', undefined],
    [`${RULE}- rule: R\n  desc: d\n  condition: x\n  output: o\n  priority: INFO\n  source: k8s_audit\n`, 'r.yaml:6:3: rule "R" is defined again with source k8s_audit; its definition at r.yaml:1:3 has source syscall', 'Falco refuses this ("Rule has been re-defined with a different source"): give one of them another name'],
    ['- rule: X\n  override:\n    condition: append\n  condition: y\n', 'r.yaml:1:3: rule "X" is overridden before it is defined', ORDER],
    ['- rule: X\n  append: true\n  condition: y\n', 'r.yaml:1:3: rule "X" is appended to before it is defined', ORDER],
    ['- rule: X\n  enabled: false\n', 'r.yaml:1:3: rule "X" is enabled or disabled before it is defined', ORDER],
    [`${RULE}- rule: R\n  append: true\n`, 'r.yaml:6:3: rule "R": append: true needs a condition or exceptions to append', 'Falco refuses it ("Appended rule must have exceptions or condition property")'],
    ['- list: l\n  items: a\n', 'r.yaml:2:3: list "l": items must be a list', undefined],
    ['- list: l\n  append: true\n  items: [a]\n', 'r.yaml:1:3: list "l" is appended to before it is defined', ORDER],
    ['- macro: m\n  append: true\n  condition: x\n', 'r.yaml:1:3: macro "m" is appended to before it is defined', ORDER],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: a\n', 'r.yaml:6:3: rule "T": tags must be a list', 'Falco refuses the file too; write a list: tags: [a]'],
    // One string of several tags, as the list it meant; a mapping gets an example.
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: ", mitre_execution,  T1059;host "\n', 'r.yaml:6:3: rule "T": tags must be a list', 'Falco refuses the file too; write a list: tags: [mitre_execution, T1059, host]'],
    // Twenty tags are shown as a list; more, or none, get the example.
    [`- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: "${'t '.repeat(20)}"\n`, 'r.yaml:6:3: rule "T": tags must be a list', `Falco refuses the file too; write a list: tags: [${Array(20).fill('t').join(', ')}]`],
    [`- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: "${'t '.repeat(21)}"\n`, 'r.yaml:6:3: rule "T": tags must be a list', 'Falco refuses the file too; write a list: tags: [mitre_execution, T1059]'],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: " , "\n', 'r.yaml:6:3: rule "T": tags must be a list', 'Falco refuses the file too; write a list: tags: [mitre_execution, T1059]'],
    // The list shown is YAML that reads back as those tags: a flow list quoted whole is that list; a part YAML would read
    // as a comment, an alias, a key or a dash is quoted.
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: " [T1059, mitre_execution] "\n', 'r.yaml:6:3: rule "T": tags must be a list', 'Falco refuses the file too; write a list: tags: [T1059, mitre_execution]'],
    // Brackets that do not hold the whole string are parts of it.
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: "T1059, [x]"\n', 'r.yaml:6:3: rule "T": tags must be a list', 'Falco refuses the file too; write a list: tags: [T1059, "[x]"]'],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: "[T1059], host"\n', 'r.yaml:6:3: rule "T": tags must be a list', 'Falco refuses the file too; write a list: tags: ["[T1059]", host]'],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: "#x, *y, host:, - T1059 \\\\"\n', 'r.yaml:6:3: rule "T": tags must be a list', 'Falco refuses the file too; write a list: tags: ["#x", "*y", "host:", "-", T1059, "\\\\"]'],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: {a: 1}\n', 'r.yaml:6:3: rule "T": tags must be a list', 'Falco refuses the file too; write a list: tags: [mitre_execution, T1059]'],
    // Falco's decode_seq (QA: these loaded as no tags, or as a tag "", while a string was refused): an empty tags: is
    // "Value is not a sequence"; an empty, list or map element "sequence value is not scalar". Each at its place.
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags:\n', 'r.yaml:6:3: rule "T": tags is empty', 'Falco refuses the file too; write a list: tags: [] or leave tags out'],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: ~\n', 'r.yaml:6:3: rule "T": tags is empty', 'Falco refuses the file too; write a list: tags: [] or leave tags out'],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: [T1059, ~, host]\n', 'r.yaml:6:3: rule "T": tag 2 of 3 is empty', 'Falco refuses the file too; each tag is one word (quote it if it is meant as text: "~")'],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags:\n    - T1059\n    -\n', 'r.yaml:6:3: rule "T": tag 2 of 2 is empty', 'Falco refuses the file too; each tag is one word (quote it if it is meant as text: "~")'],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: [T1059, [mitre_execution]]\n', 'r.yaml:6:17: rule "T": tag 2 of 2 is a list', 'Falco refuses the file too; each tag is one word (quote it if it is meant as text: "~")'],
    ['- rule: T\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: [{a: 1}]\n', 'r.yaml:6:10: rule "T": tag 1 of 1 is a map', 'Falco refuses the file too; each tag is one word (quote it if it is meant as text: "~")'],
  ])('%j', (text, message, hint) => {
    expect(() => build(text)).toThrow(expect.objectContaining({ message, hint }));
  });

  it('an item with enabled and a condition, output, desc or priority is a definition (so it needs them all), not a toggle', () => {
    for (const key of ['output', 'desc', 'priority']) {
      expect(() => build(`${RULE}- rule: R\n  enabled: false\n  ${key}: x\n`)).toThrow(expect.objectContaining({ message: 'r.yaml:6:3: rule "R" has no condition', hint: NEW_RULE }));
    }
    // No enabled at all: not a toggle either.
    expect(() => build(`${RULE}- rule: R\n`)).toThrow(expect.objectContaining({ message: 'r.yaml:6:3: rule "R" has no condition' }));
    // A toggle, whatever else it holds (tags: Falco ignores them).
    expect(build(`${RULE}- rule: R\n  enabled: false\n  tags: [T1059]\n`).rules.map((r) => [r.name, r.isEnabled, r.tags.length])).toEqual([['R', false, 0]]);
    // With a condition it is a definition: the condition is replaced.
    expect(build(`${RULE}- rule: R\n  enabled: false\n  condition: proc.name = x\n`).rules[0]).toMatchObject({ condition: 'proc.name = x', isEnabled: false });
    // With override: an override of enabled, the same outcome by another road.
    expect(build(`${RULE}- rule: R\n  enabled: false\n  override:\n    enabled: replace\n`).rules[0]!.isEnabled).toBe(false);
  });

  it('applies each key an override names: condition, output and desc appended or replaced, priority and enabled replaced', () => {
    const r = build(`${RULE}- rule: R\n  condition: and proc.name = x\n  output: more\n  desc: new\n  priority: ERROR\n  enabled: false\n  override:\n    condition: append\n    output: append\n    desc: replace\n    priority: replace\n    enabled: replace\n`).rules[0]!;
    expect(r).toMatchObject({ condition: 'evt.type = execve and proc.name = x', output: 'o more', desc: 'new', priority: 'ERROR', isEnabled: false });
  });

  it('changes skip-if-unknown-filter only where an override names it', () => {
    const skipping = `${RULE}  skip-if-unknown-filter: true\n`;
    expect(build(`${skipping}- rule: R\n  capture_events: 100\n  override:\n    capture_events: replace\n`).rules[0]!.skipsUnknownFilter).toBe(true);
  });

  it('reads a list without items as empty (validate reports it)', () => {
    expect(build('- list: l\n').lists.get('l')!.items).toEqual([]);
  });
});
