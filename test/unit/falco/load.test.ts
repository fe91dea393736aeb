import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadRules } from '../../../src/falco/load.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

const load = (...files: string[]) => loadRules(files.map((f) => fixture('rules', f)), { cacheRoot: '/nonexistent', cwd: repoRoot });

describe('parseRulesText', () => {
  it('records file, line and column of items and of each tag', () => {
    const items = parseRulesText('- rule: A\n  condition: x\n  tags: [a,\n    T1059]\n', 'r.yaml');
    expect(items[0]).toMatchObject({ kind: 'rule', name: 'A', position: { file: 'r.yaml', line: 1, column: 3 } });
    expect(items[0]!.tagPositions).toEqual([{ file: 'r.yaml', line: 3, column: 10 }, { file: 'r.yaml', line: 4, column: 5 }]);
  });
  it('reads YAML with anchors and aliases through the composer, with the same positions', () => {
    const items = parseRulesText('- list: a\n  items: &shells [bash, sh]\n- list: b\n  items: *shells\n', 'r.yaml');
    expect(items.map((i) => [i.name, i.fields.items, i.position.line])).toEqual([
      ['a', ['bash', 'sh'], 1],
      ['b', ['bash', 'sh'], 3],
    ]);
  });
  it('treats an empty file as no items', () => {
    expect(parseRulesText('# only a comment\n', 'e.yaml')).toEqual([]);
  });
});

describe('loadRules: overrides across files', async () => {
  const { ruleset } = await load('base.yaml', 'override.yaml');
  const rule = (name: string) => ruleset.rules.find((r) => r.name === name)!;

  it('appends tags with override: tags: append, keeping where each tag was written', () => {
    expect(rule('Tagged later').tags.map((t) => t.value)).toEqual(['host', 'mitre_privilege_escalation', 'T1611']);
    expect(rule('Tagged later').tags[1]!.file).toBe('test/fixtures/rules/override.yaml');
  });
  it('replaces enabled with override: enabled: replace', () => expect(rule('Disabled later').isEnabled).toBe(false));
  it('appends condition and tags with the deprecated append: true', () => {
    expect(rule('Legacy append').condition).toBe('base_cond and proc.name=sh');
    expect(rule('Legacy append').tags.map((t) => t.value)).toEqual(['mitre_execution', 'T1059.004']);
  });
  it('toggles a rule with an item that holds only enabled', () => expect(rule('Enabled only toggle').isEnabled).toBe(false));
  it('appends list items', () => expect(ruleset.lists.get('allowed')?.items).toEqual(['a', 'b']));
  it('keeps the rule at its first definition and records where it was modified', () => {
    expect(rule('Tagged later').position.line).toBe(6);
    expect(rule('Tagged later').modifiedAt[0]).toMatchObject({ file: 'test/fixtures/rules/override.yaml', line: 3 });
  });
  it('defaults source to syscall', () => expect(rule('Tagged later').source).toBe('syscall'));
});

describe('loadRules: directories', () => {
  it('loads *.yaml in name order, ignoring other files', async () => {
    const { ruleset } = await load('rules.d');
    expect(ruleset.files.map((f) => f.path)).toEqual(['test/fixtures/rules/rules.d/10-first.yaml', 'test/fixtures/rules/rules.d/20-second.yaml']);
    expect(ruleset.rules[0]!.tags.map((t) => t.value)).toEqual(['mitre_impact', 'T1529']);
  });
});

describe('loadRules: bad input', () => {
  const cases: [string, RegExp][] = [
    ['bad/syntax-error.yaml', /syntax-error\.yaml:\d+:\d+: YAML syntax error/],
    ['bad/not-a-list.yaml', /not-a-list\.yaml:2:1: not a Falco rules file/],
    ['bad/unknown-item.yaml', /unknown-item\.yaml:7:3: not a Falco item: expected one of rule, macro, list \(found policy\)/],
    ['bad/override-undefined.yaml', /override-undefined\.yaml:2:3: rule "Never defined" is overridden before it is defined/],
    ['missing.yaml', /missing\.yaml: no such file or directory/],
  ];
  for (const [file, message] of cases) {
    it(`rejects ${file}`, async () => {
      const error = await load(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
    });
  }
});
