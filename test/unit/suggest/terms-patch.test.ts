// The pure pieces of suggest that need no ATT&CK: words and stems, a rule's terms (macros and lists
// expanded, exceptions left out), the tag writer (only tag lines change), the text edit for SARIF.
import { describe, expect, it } from 'vitest';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import { stemOf, wordsOf } from '../../../src/suggest/terms.js';
import { ruleTerms } from '../../../src/suggest/rule-terms.js';
import { applyTagAdditions } from '../../../src/suggest/patch.js';
import { textEdit } from '../../../src/suggest/edit.js';
import { procedureText } from '../../../src/suggest/procedures.js';

// A tiny ruleset: one rule whose meaning is in its macro and list, with an allow-list under `not`.
const RULES = `
- list: shell_binaries
  items: [bash, zsh]
- list: trusted_images
  items: [registry/allowed]
- macro: spawned_shell
  condition: evt.type = execve and proc.name in (shell_binaries)
- rule: Odd thing
  desc: Something happened
  condition: spawned_shell and not container.image.repository in (trusted_images)
  output: thing (user=%user.name)
  priority: WARNING
`;

describe('words and stems', () => {
  it('splits identifiers on dots, underscores and camelCase and drops stop words', () => {
    expect(wordsOf('ka.req.pod.containers.privileged shell_procs hostNetwork the and')).toEqual(['req', 'pod', 'containers', 'privileged', 'shell', 'procs', 'host', 'network']);
    expect(stemOf('privileged')).toBe(stemOf('privilege'));
  });
});

describe('rule terms', () => {
  const ruleset = rulesetFromTexts([{ path: 'r.yaml', text: RULES }]);
  const terms = ruleTerms(ruleset.rules[0]!, ruleset);
  const byTerm = new Map(terms.map((t) => [t.term, t]));

  it('follows macros and lists to their values, remembering where each word came from', () => {
    expect(byTerm.get(stemOf('bash'))?.origins).toContainEqual({ kind: 'list', value: 'shell_binaries' });
    expect(byTerm.get(stemOf('execve'))?.origins).toContainEqual({ kind: 'event', value: 'execve' });
    expect(byTerm.get(stemOf('spawned'))?.origins).toContainEqual({ kind: 'macro', value: 'spawned_shell' });
    expect(byTerm.get(stemOf('odd'))?.weight).toBeGreaterThan(byTerm.get(stemOf('bash'))!.weight);
  });

  it('leaves negated parts (allow-lists) and output fields out', () => {
    expect(byTerm.has(stemOf('trusted'))).toBe(false);
    expect(byTerm.has('registri')).toBe(false);
    expect(byTerm.has(stemOf('allowed'))).toBe(false);
    expect(terms.map((t) => t.term)).toEqual([...terms.map((t) => t.term)].sort());
  });
});

// Rules written four ways: flow tags, block tags with a comment, no tags key, empty tags; plus a
// comment and blank lines that must survive byte for byte.
const TAGGED = `# header comment
- rule: Flow
  desc: a
  condition: evt.type = open
  output: o
  priority: WARNING
  tags: [host, "quoted"]   # keep me

- rule: Block
  desc: b
  condition: evt.type = open
  output: o
  priority: WARNING
  tags:
    - host # why
    - container

- rule: Untagged
  desc: >
    folded
    text

  condition: evt.type = open
  output: o
  priority: WARNING
# a comment after the rule

- rule: Empty
  desc: d
  condition: evt.type = open
  output: o
  priority: WARNING
  tags: []
`;

describe('writing suggested tags', () => {
  const ruleset = rulesetFromTexts([{ path: 'r.yaml', text: TAGGED }]);
  const rule = (name: string) => ruleset.rules.find((r) => r.name === name)!;
  const additions = ['Flow', 'Block', 'Untagged', 'Empty'].map((name) => ({ rule: rule(name), tags: ['mitre_execution', 'T1059'] }));
  const { text, skipped } = applyTagAdditions(TAGGED, 'r.yaml', additions);

  it('changes the tag lines only, and adds a tags line to a rule without one', () => {
    expect(skipped).toEqual([]);
    const before = TAGGED.split('\n');
    const after = text.split('\n');
    const removed = before.filter((line) => !after.includes(line));
    const added = after.filter((line) => !before.includes(line));
    expect(removed).toEqual(['  tags: [host, "quoted"]   # keep me', '  tags: []']);
    expect(added).toEqual([
      '  tags: [host, "quoted", mitre_execution, T1059]   # keep me',
      '    - mitre_execution',
      '    - T1059',
      '  tags: [mitre_execution, T1059]',
      '  tags: [mitre_execution, T1059]',
    ]);
    // The new key sits right after the rule's last key, before the blank line and the comment.
    expect(text).toContain('  priority: WARNING\n  tags: [mitre_execution, T1059]\n# a comment after the rule');
    expect(text).toContain('    - container\n    - mitre_execution\n    - T1059\n');
  });

  it('gives rules that Falco reads with the new tags', () => {
    const reread = rulesetFromTexts([{ path: 'r.yaml', text }]);
    for (const name of ['Flow', 'Block', 'Untagged', 'Empty']) expect(reread.rules.find((r) => r.name === name)!.tags.map((t) => t.value)).toEqual(expect.arrayContaining(['mitre_execution', 'T1059']));
    expect(reread.rules.find((r) => r.name === 'Untagged')!.desc).toBe(rule('Untagged').desc);
  });

  it('adds a tags line at the end of a file without a final newline', () => {
    const source = '- rule: Last\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING';
    const last = rulesetFromTexts([{ path: 'x.yaml', text: source }]).rules[0]!;
    expect(applyTagAdditions(source, 'x.yaml', [{ rule: last, tags: ['T1059'] }]).text).toBe(`${source}\n  tags: [T1059]\n`);
  });

  it('skips a rule written as a flow mapping, with why', () => {
    const source = '- {rule: Flowmap, desc: d, condition: evt.type = open, output: o, priority: WARNING}\n';
    const flowRule = rulesetFromTexts([{ path: 'x.yaml', text: source }]).rules[0]!;
    const result = applyTagAdditions(source, 'x.yaml', [{ rule: flowRule, tags: ['T1059'] }]);
    expect(result.text).toBe(source);
    expect(result.skipped[0]!.reason).toMatch(/flow mapping/);
  });
});

describe('text edits for SARIF fixes', () => {
  it('is the smallest replaced region, in 1-based lines and columns', () => {
    expect(textEdit('f', 'a\n  tags: [x]\n', 'a\n  tags: [x, T1]\n')).toEqual({ file: 'f', startLine: 2, startColumn: 11, endLine: 2, endColumn: 11, text: ', T1' });
    expect(textEdit('f', 'same', 'same')).toBeUndefined();
  });
});

describe('procedure text from atomics', () => {
  it('keeps the tests for the wanted platforms and drops input placeholders', () => {
    const atomic = 'attack_technique: T1059.004\ndisplay_name: Bash\natomic_tests:\n- name: Run bash\n  description: runs it\n  supported_platforms: [linux]\n  executor:\n    command: bash #{script}\n- name: Windows only\n  supported_platforms: [windows]\n  executor:\n    command: cmd.exe\n';
    const found = procedureText(atomic, ['Linux']);
    expect(found?.technique).toBe('T1059.004');
    expect(found?.text).toContain('bash');
    expect(found?.text).not.toContain('script');
    expect(found?.text).not.toContain('cmd.exe');
    expect(procedureText('not: [an atomic', ['Linux'])).toBeUndefined();
  });
});
