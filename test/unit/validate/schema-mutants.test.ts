// checkItemSchema corners the item-schema tests leave open: a macro or list with `append: true` is not a rule's
// legacy append (its keys are not "ignored"), and plugin version requirements that are not mappings, or carry no
// version, ask for nothing.
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
    expect(schema('- macro: m\n  condition: and proc.name = x\n  append: true\n  source: syscall\n')).toEqual([]);
  });
});

describe('plugin version requirements', () => {
  it('skip entries that are no mapping (null, a word, a list) and requirements without a version', () => {
    const text = '- required_plugin_versions:\n'
      + '    - ~\n    - k8saudit\n    - [k8saudit, 0.7.0]\n'
      + '    - name: json\n' // no version: nothing to check
      + '    - name: k8saudit\n      version: 0.7.0\n      alternatives:\n        - ~\n        - eks\n        - name: k8saudit-eks\n          version: latest\n';
    expect(schema(text)).toEqual(['1:3 bad-version [required_plugin_versions] plugin k8saudit-eks: version "latest" is not a version Falco reads (x.y.z)']);
  });
});
