// checkItemSchema on tiny inline items: required keys for new rules and macros (not for
// appends, overrides or an enabled-only toggle), duplicate keys, list-typed keys. Each case pins the exact finding.
import { describe, expect, it } from 'vitest';
import { parseRulesText } from '../../../src/falco/parse.js';
import { checkItemSchema } from '../../../src/validate/schema.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { overrideProblems } from '../../../src/falco/overrides.js';
import { InputError } from '../../../src/errors.js';

/** Schema findings (position, code, item, message) for each item of `text`; the deprecation warnings of the legacy
 * forms these cases use (append: true, enabled alone) are left out: schema-mutants.test.ts pins them. */
function schema(text: string, knownSources = new Set(['syscall', 'k8s_audit'])): string[] {
  return parseRulesText(text, 's.yaml')
    .flatMap((item) => checkItemSchema(item, knownSources))
    .filter((i) => !i.code.startsWith('deprecated-'))
    .map((i) => `${i.line}:${i.column} ${i.code} [${i.item}] ${i.message}`);
}

describe('what Falco loads past with a warning', () => {
  it('an item that is no rule, macro or list: unknown-item, a warning naming its keys; required_* items are none', () => {
    const issues = parseRulesText('- policy: x\n  owner: me\n- {}\n- required_engine_version: 0.50.0\n', 's.yaml').flatMap((item) => checkItemSchema(item, new Set(['syscall'])));
    expect(issues.map((i) => `${i.line}:${i.column} ${i.severity} ${i.code} ${i.message}`)).toEqual([
      '1:3 warning unknown-item not a rule, macro or list (keys: policy, owner); Falco warns ("Unknown rules file item") and loads past it',
      '3:3 warning unknown-item not a rule, macro or list (keys: none); Falco warns ("Unknown rules file item") and loads past it',
    ]);
  });
  it('an unknown key is a warning (Falco reads the keys it knows; its schema check reports the rest)', () => {
    expect(parseRulesText('- list: l\n  items: [a]\n  author: alice\n', 's.yaml').flatMap((item) => checkItemSchema(item, new Set())).map((i) => i.severity)).toEqual(['warning']);
  });
});

describe('shapes Falco\'s reader refuses', () => {
  it('a list or map where one value goes, a list or map among tags or items, an empty source (QA: all "valid")', () => {
    expect(schema('- rule: R\n  desc: [a, b]\n  condition: evt.type = open\n  output: {o: 1}\n  priority: INFO\n  source: ""\n  tags: [[mitre_execution], T1059]\n')).toEqual([
      '4:3 bad-value [R] output is a map, not one value (Falco: "Value is not a scalar value")',
      '2:3 bad-value [R] desc is a list, not one value (Falco: "Value is not a scalar value")',
      '6:3 bad-value [R] source is empty (Falco refuses it: "Value must be non-empty"); leave the key out for syscall',
      '7:3 bad-tags [R] tags holds a list among its values (Falco: "sequence value is not scalar")',
    ]);
    expect(schema('- list: l\n  items: [a, {b: 1}]\n- rule: S\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  source:\n')).toEqual([
      '2:3 bad-items [l] items holds a map among its values (Falco: "sequence value is not scalar")',
      '8:3 bad-value [S] source is empty (Falco refuses it: "Value must be non-empty"); leave the key out for syscall',
    ]);
    // A null among the values is a Null node to yaml-cpp, not a scalar (QA: "valid", and an empty tag in report.json).
    expect(schema('- list: l\n  items: [bash, null]\n- list: m\n  items:\n    - a\n    -\n- rule: R\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  tags: [T1529, ~]\n')).toEqual([
      '2:3 bad-items [l] items holds an empty value (null, ~ or nothing) among its values (Falco: "sequence value is not scalar")',
      '4:3 bad-items [m] items holds an empty value (null, ~ or nothing) among its values (Falco: "sequence value is not scalar")',
      '12:3 bad-tags [R] tags holds an empty value (null, ~ or nothing) among its values (Falco: "sequence value is not scalar")',
    ]);
    // The word null quoted, or in another case, is text.
    expect(schema('- list: l\n  items: ["null", nULL, \'~\']\n')).toEqual([]);
    // Blanks only are empty too, and no unknown source besides.
    expect(schema('- rule: B\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  source: "  "\n')).toEqual([
      '6:3 bad-value [B] source is empty (Falco refuses it: "Value must be non-empty"); leave the key out for syscall',
    ]);
  });
});

describe('required keys', () => {
  it('a new rule needs condition, output, desc and priority; empty or null counts as missing', () => {
    expect(schema('- rule: New\n  condition: ""\n  desc: ~\n')).toEqual([
      '1:3 missing-key [New] rule "New" has no condition',
      '1:3 missing-key [New] rule "New" has no output',
      '1:3 missing-key [New] rule "New" has no desc',
      '1:3 missing-key [New] rule "New" has no priority',
    ]);
  });
  it('an append, an override, or a rule item with only enabled modifies a rule and needs none of them', () => {
    expect(schema('- rule: Base\n  condition: and proc.name = x\n  append: true\n')).toEqual([]);
    expect(schema('- rule: Base\n  output: other\n  override:\n    output: replace\n')).toEqual([]);
    expect(schema('- rule: Base\n  enabled: false\n')).toEqual([]);
  });
  it('append: false is not a modification', () => {
    expect(schema('- rule: Other\n  desc: d\n  append: false\n')).toEqual([
      '1:3 missing-key [Other] rule "Other" has no condition',
      '1:3 missing-key [Other] rule "Other" has no output',
      '1:3 missing-key [Other] rule "Other" has no priority',
    ]);
  });
  it('a rule item with enabled and none of condition, output, desc, priority enables or disables a rule, whatever else it has', () => {
    expect(schema('- rule: Other\n  enabled: true\n  tags: [x]\n')).toEqual([
      '3:3 ignored-key [Other] enabled without condition, output, desc or priority only enables or disables the rule; tags ignored',
    ]);
    expect(schema('- rule: Other\n  enabled: true\n  output: o\n').map((l) => l.split(' [')[0])).toEqual(['1:3 missing-key', '1:3 missing-key', '1:3 missing-key']);
  });
  it('a macro item with enabled is no toggle (only rules are): it needs its condition, and enabled is no macro key', () => {
    expect(schema('- macro: m\n  enabled: false\n')).toEqual(['2:3 unknown-key [m] macro "m" has an unknown key "enabled", which Falco ignores', '1:3 missing-key [m] macro "m" has no condition']);
  });
  it('a new macro needs a condition; an appended one does not', () => {
    expect(schema('- macro: new_macro\n  condition: ""\n')).toEqual(['1:3 missing-key [new_macro] macro "new_macro" has no condition']);
    expect(schema('- macro: other_macro\n')).toEqual(['1:3 missing-key [other_macro] macro "other_macro" has no condition']);
    expect(schema('- macro: base_macro\n  condition: or evt.type = close\n  append: true\n')).toEqual([]);
  });
  it('a list needs nothing more than its items, and needs them even when appended (Falco: "Item has no mapping for key \'items\'")', () => {
    expect(schema('- list: new_list\n  items: []\n')).toEqual([]);
    expect(schema('- list: empty_l\n')).toEqual(['1:3 missing-key [empty_l] list "empty_l" has no items']);
    expect(schema('- list: base_list\n  append: true\n')).toEqual(['1:3 missing-key [base_list] list "base_list" has no items']);
  });
});

describe('keys Falco ignores', () => {
  it('append: true appends only condition and exceptions: every other key is a warning at that key', () => {
    expect(schema('- rule: Base\n  append: true\n  condition: and proc.pname != init\n  tags: [mitre_discovery, T1082]\n  output: more\n')).toEqual([
      '4:3 ignored-key [Base] append: true appends only condition and exceptions; tags ignored',
      '5:3 ignored-key [Base] append: true appends only condition and exceptions; output ignored',
    ]);
    expect(schema('- rule: Base\n  append: true\n  exceptions:\n    - name: known\n      values: [[cron]]\n')).toEqual([]);
  });
});

describe('names and versions Falco refuses', () => {
  it('a macro name is a letter, then letters, digits or _; a list name has no blank, quote, parenthesis, = or ,', () => {
    expect(schema('- macro: my_macro2\n  condition: c\n- list: my-list.d/x\n  items: []\n')).toEqual([]);
    expect(schema('- macro: my-macro\n  condition: c\n- list: "my list"\n  items: []\n- macro: _m\n  condition: c\n')).toEqual([
      '1:3 bad-name [my-macro] macro name "my-macro" is not one a condition can use (a letter, then letters, digits or _); Falco warns and loads it',
      '3:3 bad-name [my list] list name "my list" is not one a condition can use (no blank, quote, parenthesis, = or ,); Falco warns and loads it',
      '5:3 bad-name [_m] macro name "_m" is not one a condition can use (a letter, then letters, digits or _); Falco warns and loads it',
    ]);
    // Warnings since Falco 0.38 (falco#3167: LOAD_INVALID_MACRO_NAME, LOAD_INVALID_LIST_NAME), not errors (QA).
    const severities = parseRulesText('- macro: 9lives\n  condition: c\n- list: "a=b"\n  items: []\n', 's.yaml').flatMap((item) => checkItemSchema(item, new Set())).map((i) => i.severity);
    expect(severities).toEqual(['warning', 'warning']);
  });
  it('a plugin is named at most once among a requirement and its alternatives (Falco\'s collector refuses a repeat)', () => {
    const entry = (alternatives: string) => `- required_plugin_versions:\n    - name: k8saudit\n      version: 0.1.0\n      alternatives:\n${alternatives}`;
    const message = (name: string) => `1:3 bad-version [required_plugin_versions] plugin ${name} is named twice among a requirement and its alternatives: Falco refuses it ("Defined multiple alternative version requirements for plugin '${name}'")`;
    expect(schema(entry('        - name: k8saudit\n          version: 0.2.0\n'))).toEqual([message('k8saudit')]);
    expect(schema(entry('        - name: k8saudit-eks\n          version: 0.2.0\n        - name: k8saudit-eks\n          version: 0.3.0\n'))).toEqual([message('k8saudit-eks')]);
    expect(schema(entry('        - name: k8saudit-eks\n          version: 0.2.0\n        - name: k8saudit-gke\n          version: 0.2.0\n'))).toEqual([]);
    // Entries without a name, or no mapping at all, are their own errors, never a repeat (and no crash).
    expect(schema(entry('        - version: 0.2.0\n        - version: 0.3.0\n        - ~\n        - k8saudit\n')).map((line) => line.replace(/^.*\] /, ''))).toEqual([
      'an alternative of plugin k8saudit has no name', 'an alternative of plugin k8saudit has no name',
      'an alternative of plugin k8saudit must be a mapping (name: and version:)', 'an alternative of plugin k8saudit must be a mapping (name: and version:)',
    ]);
    // Two entries of the list are two requirements: the same plugin in each is not this error.
    expect(schema('- required_plugin_versions:\n    - name: json\n      version: 0.1.0\n    - name: json\n      version: 0.2.0\n')).toEqual([]);
  });
  it('required_engine_version is x.y.z or a number; a plugin version is x.y.z', () => {
    expect(schema('- required_engine_version: 0.31.0\n- required_engine_version: 10\n- required_plugin_versions:\n    - name: k8saudit\n      version: 0.7.0\n')).toEqual([]);
    expect(schema('- required_engine_version: 1e3\n')).toEqual(['1:3 bad-version [required_engine_version] required_engine_version "1e3" is not a version Falco reads (x.y.z)']);
    expect(schema('- required_engine_version: not-a-version\n- required_engine_version: 0.31\n- required_plugin_versions:\n    - name: k8saudit\n      version: latest\n'
      + '      alternatives:\n        - name: k8saudit-eks\n          version: "1"\n')).toEqual([
      '1:3 bad-version [required_engine_version] required_engine_version "not-a-version" is not a version Falco reads (x.y.z)',
      '2:3 bad-version [required_engine_version] required_engine_version "0.31" is not a version Falco reads (x.y.z)',
      '3:3 bad-version [required_plugin_versions] plugin k8saudit: version "latest" is not a version Falco reads (x.y.z)',
      '3:3 bad-version [required_plugin_versions] plugin k8saudit-eks: version "1" is not a version Falco reads (x.y.z)',
    ]);
  });
});

describe('override: as Falco reads it (loading refuses the file, as Falco does: QA, enabled: append was applied as a disable)', () => {
  const BASE = '- rule: Base\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n  tags: [T1082]\n- macro: m\n  condition: c\n';
  /** Where and why loading BASE then `text` is refused; 'loaded' when it is not. */
  function refusal(text: string): string {
    const items = parseRulesText(BASE + text, 'o.yaml');
    try {
      buildRuleset([{ info: { path: 'o.yaml', sha256: '' }, items }]);
      return 'loaded';
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).message;
    }
  }
  it('appends only to condition, output, desc, tags, exceptions; replaces only the keys Falco lists (not source)', () => {
    expect(refusal('- rule: Base\n  priority: ERROR\n  override:\n    priority: append\n')).toBe("o.yaml:11:3: rule \"Base\": key 'priority' cannot be appended to, use 'replace' instead");
    expect(refusal('- rule: Base\n  enabled: false\n  override:\n    enabled: append\n')).toBe("o.yaml:11:3: rule \"Base\": key 'enabled' cannot be appended to, use 'replace' instead");
    expect(refusal('- rule: Base\n  source: k8s_audit\n  override:\n    source: replace\n')).toBe("o.yaml:11:3: rule \"Base\": key 'source' cannot be replaced");
    expect(refusal('- macro: m\n  condition: c\n  override:\n    items: append\n')).toBe("o.yaml:11:3: macro \"m\": key 'items' cannot be appended to");
    expect(refusal('- rule: Base\n  capture_events: 10\n  tags: [x]\n  override:\n    capture_events: replace\n    tags: append\n')).toBe('loaded');
    expect(refusal('- rule: Base\n  enabled: false\n  override:\n    enabled: replace\n- macro: m\n  condition: or d\n  override:\n    condition: append\n')).toBe('loaded');
  });
  it('every key Falco could override must be listed under override', () => {
    expect(refusal('- rule: Base\n  condition: and proc.pname != init\n  tags: [T1082]\n  override:\n    condition: append\n')).toBe("o.yaml:11:3: rule \"Base\": key 'tags' has no entry under override: Falco refuses it");
  });
  it('append: true and override cannot be used together', () => {
    expect(refusal('- rule: Base\n  append: true\n  condition: and x\n  override:\n    condition: append\n')).toBe("o.yaml:10:3: rule \"Base\": keys 'override' and 'append: true' cannot be used together");
  });
  it('an item with no such problem has none (the check alone)', () => {
    const [item] = parseRulesText('- list: l\n  items: [a]\n  override:\n    items: replace\n', 'o.yaml');
    expect(overrideProblems(item!, { items: 'replace' }, false)).toEqual([]);
    // A macro's key that cannot be appended to is that one problem: not also "cannot be replaced", and its condition,
    // which a rule would have to list under override, is no problem for a macro.
    const [macro] = parseRulesText('- macro: m\n  condition: c\n  override:\n    items: append\n', 'o.yaml');
    expect(overrideProblems(macro!, { items: 'append' }, false)).toEqual([{ message: "key 'items' cannot be appended to", key: 'override' }]);
    // A kind without an override table (an item that is no rule, macro or list) has only the append: true problem.
    expect(overrideProblems({ ...item!, kind: 'other' }, { items: 'append' }, true)).toEqual([{ message: "keys 'override' and 'append: true' cannot be used together", key: 'append' }]);
  });
});

describe('keys and their types', () => {
  it('an unknown key, per kind', () => {
    expect(schema('- macro: base_macro\n  condition: evt.type = open\n  override: {condition: replace}\n  output: x\n')).toEqual([
      '4:3 unknown-key [base_macro] macro "base_macro" has an unknown key "output", which Falco ignores',
    ]);
    expect(schema('- list: base_list\n  items: [b]\n  condition: x\n')).toEqual(['3:3 unknown-key [base_list] list "base_list" has an unknown key "condition", which Falco ignores']);
  });
  it('the capture keys of Falco 0.44 are rule keys', () => {
    expect(schema('- rule: New\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  capture: true\n  capture_duration: 5000\n  capture_events: 100\n  capture_filesize: 1024\n')).toEqual([]);
  });
  it('tags and items must be lists', () => {
    expect(schema('- rule: Base\n  tags: T1059\n  override:\n    tags: replace\n')).toEqual(['2:3 bad-tags [Base] tags must be a list: write tags: [T1059]']);
    expect(schema('- rule: Base\n  tags: {a: b}\n  override:\n    tags: replace\n')).toEqual(['2:3 bad-tags [Base] tags must be a list']);
    expect(schema('- list: base_list\n  items: a\n')).toEqual(['2:3 bad-items [base_list] items must be a list']);
  });
  it('items is a list key only on lists', () => {
    expect(schema('- rule: Base\n  items: a\n  append: true\n')).toEqual(['2:3 unknown-key [Base] rule "Base" has an unknown key "items", which Falco ignores']);
  });
  it('a priority in any case is accepted; another word is not', () => {
    expect(schema('- rule: Base\n  priority: Warning\n  override:\n    priority: replace\n')).toEqual([]);
    expect(schema('- rule: Base\n  priority: LOUD\n  override:\n    priority: replace\n')).toEqual([
      '2:3 bad-priority [Base] priority "LOUD" is not one of EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFO, INFORMATIONAL, DEBUG',
    ]);
  });
  it('skip-if-unknown-filter, warn_evttypes and capture are bools Falco reads too (bad-boolean); empty is refused too', () => {
    const rule = (extra: string) => `- rule: R\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n${extra}`;
    for (const key of ['skip-if-unknown-filter', 'warn_evttypes', 'capture']) {
      for (const word of ['true', 'No', 'off']) expect(schema(rule(`  ${key}: ${word}\n`)), `${key}: ${word}`).toEqual([]);
      for (const empty of ['', '~', 'null']) expect(schema(rule(`  ${key}: ${empty}\n`))).toEqual([`6:3 bad-boolean [R] ${key} is empty: Falco refuses the file ("Mapping for key '${key}' is empty"); write true or false`]);
      expect(schema(rule(`  ${key}: maybe\n`))).toEqual([`6:3 bad-boolean [R] ${key} "maybe" is not a boolean Falco reads (true/false, yes/no, on/off, y/n)`]);
    }
    // only a rule's keys: on a macro, skip-if-unknown-filter is an unknown key and nothing more
    expect(schema('- macro: m\n  condition: evt.type = open\n  skip-if-unknown-filter: maybe\n')).toEqual(['3:3 unknown-key [m] macro "m" has an unknown key "skip-if-unknown-filter", which Falco ignores']);
  });
  it('enabled must be a bool yaml-cpp reads: yes/no, on/off, y/n in any of its cases pass; another word is an error', () => {
    for (const word of ['false', 'no', 'Off', 'N', 'YES', 'true']) expect(schema(`- rule: Base\n  enabled: ${word}\n`), word).toEqual([]);
    expect(schema('- rule: Base\n  enabled: maybe\n')).toEqual(['2:3 bad-enabled [Base] enabled "maybe" is not a boolean Falco reads (true/false, yes/no, on/off, y/n)']);
    expect(schema('- rule: Base\n  enabled: 0\n')).toEqual(['2:3 bad-enabled [Base] enabled "0" is not a boolean Falco reads (true/false, yes/no, on/off, y/n)']);
    // enabled is a rule's key: on a macro it is only an unknown key.
    expect(schema('- macro: m\n  condition: evt.type = open\n  enabled: maybe\n')).toEqual(['3:3 unknown-key [m] macro "m" has an unknown key "enabled", which Falco ignores']);
  });
  it('append must be a bool yaml-cpp reads, as enabled; yes makes a modification (no required keys)', () => {
    expect(schema('- list: base_list\n  items: [b]\n  append: yes\n')).toEqual([]);
    expect(schema('- rule: Base\n  condition: and proc.name = x\n  append: Y\n')).toEqual([]);
    expect(schema('- list: base_list\n  items: [b]\n  append: sure\n')).toEqual(['3:3 bad-append [base_list] append "sure" is not a boolean Falco reads (true/false, yes/no, on/off, y/n)']);
  });
  it('a key written twice is a warning at the second, naming where the first is', () => {
    expect(schema('- rule: Base\n  enabled: false\n  enabled: true\n')).toEqual([
      '3:3 duplicate-key [Base] key "enabled" is written again; Falco uses the first one, at line 2:3, and ignores this one',
    ]);
  });
  it('items of other kinds (required_engine_version) get only the duplicate-key check', () => {
    expect(schema('- required_engine_version: 10\n  colour: red\n')).toEqual([]);
    expect(schema('- required_engine_version: 10\n  colour: red\n  colour: blue\n')).toEqual([
      '3:3 duplicate-key [] key "colour" is written again; Falco uses the first one, at line 2:3, and ignores this one',
    ]);
  });
  it('a source the caller has no fields for is a warning at the source key', () => {
    const rule = (source: string) => `- rule: Base\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  source: ${source}\n`;
    expect(schema(rule('k8s_audit'))).toEqual([]);
    expect(schema(rule('gcp_auditlog'))).toEqual([
      '6:3 unknown-source [Base] source "gcp_auditlog" is not one attack-cov knows the fields of; its fields are not checked',
    ]);
  });
});
