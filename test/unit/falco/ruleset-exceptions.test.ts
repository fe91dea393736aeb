// The ruleset keeps each rule's exceptions as Falco's collector does (a definition sets them, override: append and
// the legacy append: true add values to the exception of that name or add the exception, override: replace
// replaces them, none is no key at all) and skip-if-unknown-filter (set, or replaced by an override).
import { describe, expect, it } from 'vitest';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';

const RULE = '- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n';
const rule = (text: string) => buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items: parseRulesText(text, 'r.yaml') }]).rules.find((r) => r.name === 'R')!;
const names = (text: string) => rule(text).exceptions?.map((e) => [e.name, e.values]);

describe('a rule\'s exceptions in the ruleset', () => {
  it('are set by the definition, with where they are written; none, or an empty list, is no key', () => {
    const r = rule(`${RULE}  exceptions:\n    - name: a\n      fields: proc.pname\n      values: [sshd]\n`);
    expect(r.exceptions).toEqual([{ name: 'a', fields: 'proc.pname', values: ['sshd'], position: { file: 'r.yaml', line: 6, column: 3 } }]);
    expect(rule(RULE)).not.toHaveProperty('exceptions');
    expect(rule(`${RULE}  exceptions: []\n`)).not.toHaveProperty('exceptions');
  });
  it('take values appended to the exception of that name, or a new exception, by override: append and by append: true', () => {
    const base = `${RULE}  exceptions:\n    - name: a\n      fields: proc.pname\n      values: [sshd]\n`;
    expect(names(`${base}- rule: R\n  override:\n    exceptions: append\n  exceptions:\n    - name: a\n      values: [cron]\n`)).toEqual([['a', ['sshd', 'cron']]]);
    expect(names(`${base}- rule: R\n  append: yes\n  exceptions:\n    - name: b\n      fields: proc.name\n      values: [x]\n`)).toEqual([['a', ['sshd']], ['b', ['x']]]);
  });
  it('are replaced by override: replace (an empty list removes them), and a shape Falco refuses leaves them as they were', () => {
    const base = `${RULE}  exceptions:\n    - name: a\n      fields: proc.pname\n      values: [sshd]\n`;
    expect(names(`${base}- rule: R\n  override:\n    exceptions: replace\n  exceptions:\n    - name: c\n      fields: proc.name\n      values: [y]\n`)).toEqual([['c', ['y']]]);
    expect(rule(`${base}- rule: R\n  override:\n    exceptions: replace\n  exceptions: []\n`)).not.toHaveProperty('exceptions');
    expect(names(`${base}- rule: R\n  override:\n    exceptions: append\n  exceptions: {name: bad}\n`)).toEqual([['a', ['sshd']]]);
    expect(rule(`${RULE}  exceptions: {name: bad}\n`)).not.toHaveProperty('exceptions');
  });
  it('skip-if-unknown-filter as yaml-cpp reads a bool, replaced by an override', () => {
    expect(rule(`${RULE}  skip-if-unknown-filter: yes\n`).skipsUnknownFilter).toBe(true);
    expect(rule(`${RULE}  skip-if-unknown-filter: false\n`)).not.toHaveProperty('skipsUnknownFilter');
    expect(rule(RULE)).not.toHaveProperty('skipsUnknownFilter');
    const replaced = (value: string) => rule(`${RULE}  skip-if-unknown-filter: true\n- rule: R\n  skip-if-unknown-filter: ${value}\n  override:\n    skip-if-unknown-filter: replace\n`);
    // Absent, not false, when replaced by a false: as the stored ruleset reads it back.
    expect(replaced('false')).not.toHaveProperty('skipsUnknownFilter');
    expect(replaced('on').skipsUnknownFilter).toBe(true);
  });
});
