// checkItemSchema corners the item-schema tests leave open: a macro or list with `append: true` is not a rule's
// legacy append (its keys are not "ignored", though append is deprecated), and plugin version requirements that are
// not mappings, or carry no name or version, which Falco's reader refuses (decode_val, "Plugin version must be a
// mapping").
import { describe, expect, it } from 'vitest';
import { parseRulesText } from '../../../src/falco/parse.js';
import { checkItemSchema } from '../../../src/validate/schema.js';

function schema(text: string): string[] {
  return parseRulesText(text, 's.yaml')
    .flatMap((item) => checkItemSchema(item, new Set(['syscall'])))
    .map((i) => `${i.line}:${i.column} ${i.code} [${i.item}] ${i.message}`);
}

describe('ignored keys', () => {
  it('are a rule item\'s: a macro with append: true and a source is no legacy rule append', () => {
    expect(schema('- macro: m\n  condition: and proc.name = x\n  append: true\n  source: syscall\n')).toEqual([
      "3:3 deprecated-append [m] 'append' is deprecated (Falco warns on load): write override: {condition: append} instead",
    ]);
  });
});

describe('plugin version requirements', () => {
  it('refuse entries that are no mapping (null, a word, a list) and requirements without a name or a version, as Falco does', () => {
    const text = '- required_plugin_versions:\n'
      + '    - ~\n    - k8saudit\n    - [k8saudit, 0.7.0]\n'
      + '    - name: json\n'
      + '    - version: 0.1.0\n'
      + '    - name: cloudtrail\n      version: ""\n'
      + '    - name: k8saudit\n      version: 0.7.0\n      alternatives:\n        - ~\n        - eks\n        - name: k8saudit-eks\n          version: latest\n        - name: k8saudit-gke\n'
      + '    - name: okta\n      version: 0.1.0\n      alternatives: okta2\n';
    expect(schema(text)).toEqual([
      '1:3 bad-version [required_plugin_versions] a required plugin must be a mapping (name: and version:)',
      '1:3 bad-version [required_plugin_versions] a required plugin must be a mapping (name: and version:)',
      '1:3 bad-version [required_plugin_versions] a required plugin must be a mapping (name: and version:)',
      '1:3 bad-version [required_plugin_versions] a required plugin "json" has no version: Falco refuses an entry without one',
      '1:3 bad-version [required_plugin_versions] a required plugin has no name',
      '1:3 bad-version [required_plugin_versions] a required plugin "cloudtrail" has no version: Falco refuses an entry without one',
      '1:3 bad-version [required_plugin_versions] an alternative of plugin k8saudit must be a mapping (name: and version:)',
      '1:3 bad-version [required_plugin_versions] an alternative of plugin k8saudit must be a mapping (name: and version:)',
      '1:3 bad-version [required_plugin_versions] plugin k8saudit-eks: version "latest" is not a version Falco reads (x.y.z)',
      '1:3 bad-version [required_plugin_versions] an alternative of plugin k8saudit "k8saudit-gke" has no version: Falco refuses an entry without one',
      '1:3 bad-version [required_plugin_versions] the alternatives of plugin okta must be a list',
    ]);
    // Not a list at all, or null.
    expect(schema('- required_plugin_versions: k8saudit\n- required_plugin_versions: ~\n')).toEqual([
      '1:3 bad-version [required_plugin_versions] the value of required_plugin_versions must be a list',
      '2:3 bad-version [required_plugin_versions] the value of required_plugin_versions must be a list',
    ]);
    // An item that is neither requirement (a top-level exception, which Falco reads as nothing) asks for nothing.
    expect(schema('- exception: x\n').filter((line) => line.includes('bad-version'))).toEqual([]);
    // A well-formed requirement with a well-formed alternative: nothing.
    expect(schema('- required_plugin_versions:\n    - name: k8saudit\n      version: 0.7.0\n      alternatives:\n        - name: k8saudit-eks\n          version: 0.1.0\n')).toEqual([]);
  });
});

describe('deprecated forms Falco still loads, with a warning', () => {
  it('append: true on a rule, macro or list, and a rule item holding only enabled (without override)', () => {
    expect(schema('- list: l\n  items: [a]\n  append: true\n- macro: m\n  condition: x\n  append: yes\n- rule: R\n  condition: y\n  append: true\n- rule: R\n  enabled: false\n')).toEqual([
      "3:3 deprecated-append [l] 'append' is deprecated (Falco warns on load): write override: {items: append} instead",
      "6:3 deprecated-append [m] 'append' is deprecated (Falco warns on load): write override: {condition: append} instead",
      "9:3 deprecated-append [R] 'append' is deprecated (Falco warns on load): write override: {condition: append} instead",
      "11:3 deprecated-enabled [R] 'enabled' alone is deprecated (Falco warns on load): add override: {enabled: replace}",
    ]);
    // The current forms, and append: false: nothing.
    expect(schema('- list: l\n  items: [a]\n  override: {items: append}\n- rule: R\n  enabled: false\n  override: {enabled: replace}\n- macro: m\n  condition: x\n  append: false\n')).toEqual([]);
  });

  it('names, for a rule, the keys its append adds to: its exceptions, or both (before, always {condition: append})', () => {
    expect(schema('- rule: R\n  exceptions:\n    - name: e\n      fields: [proc.name]\n  append: true\n- rule: S\n  condition: and y\n  exceptions: []\n  append: true\n- rule: T\n  output: o\n  append: true\n')
      .filter((line) => line.includes('deprecated-append'))).toEqual([
      "5:3 deprecated-append [R] 'append' is deprecated (Falco warns on load): write override: {exceptions: append} instead",
      "9:3 deprecated-append [S] 'append' is deprecated (Falco warns on load): write override: {condition: append, exceptions: append} instead",
      // Neither (Falco refuses such an append): the condition, as before.
      "12:3 deprecated-append [T] 'append' is deprecated (Falco warns on load): write override: {condition: append} instead",
    ]);
    // A macro appends its condition only, whatever else it carries.
    expect(schema('- macro: m\n  condition: and x\n  exceptions: []\n  append: true\n').filter((line) => line.includes('deprecated-append'))).toEqual([
      "4:3 deprecated-append [m] 'append' is deprecated (Falco warns on load): write override: {condition: append} instead",
    ]);
  });
});
