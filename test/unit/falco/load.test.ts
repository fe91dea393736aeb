import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection } from '../../helpers/errors.js';
import { seededRandom } from '../../helpers/random.js';
import { InputError, UsageError } from '../../../src/errors.js';
import { LINK_OUTSIDE_ROOT_NOTE, OUTSIDE_ROOT_NOTE } from '../../../src/source-root.js';
import { firstInvalidUtf8, loadRules } from '../../../src/falco/load.js';
import { utf16Of } from '../../../src/regular-file.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset, falcoBool } from '../../../src/falco/ruleset.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

const load = (...files: string[]) => loadRules(files.map((f) => fixture('rules', f)), { cacheRoot: '/nonexistent', cwd: repoRoot });

describe('parseRulesText', () => {
  it('records file, line and column of items and of each tag', () => {
    const items = parseRulesText('- rule: A\n  condition: x\n  tags: [a,\n    T1059]\n', 'r.yaml');
    expect(items[0]).toMatchObject({ kind: 'rule', name: 'A', position: { file: 'r.yaml', line: 1, column: 3 } });
    expect(items[0]!.tagPositions).toEqual([{ file: 'r.yaml', line: 3, column: 10, endColumn: 11 }, { file: 'r.yaml', line: 4, column: 5, endColumn: 10 }]);
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

// Falco reads every scalar of a rules file as the text written (yaml-cpp); the YAML 1.2 core schema would
// make `1070.010` the number 1070.01 (QA: the tag covered nothing, report.json held '1070.01') and refuse
// `- rule: 2024` as a rule without a name. The same on each reader: the line scanner, the CST reader (a `---`
// the scanner hands over) and the composer (an anchor the CST reader hands over).
describe('parseRulesText: scalars as Falco reads them', () => {
  const body = '- rule: 2024\n  desc: 1e3\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  enabled: False\n  tags: [1070.010, 0x1F, 010, True, .inf, "null", null]\n- list: l\n  items: [0x10, 1e3, ~, -1]\n';
  const texts = { scanner: body, 'CST reader': `---\n${body}`, composer: `${body}- list: a\n  items: &x [b]\n` };
  for (const [reader, text] of Object.entries(texts)) {
    it(`keeps the text of numbers and bools, and reads only the null words as null (${reader})`, () => {
      const [rule, list] = parseRulesText(text, 'n.yaml');
      expect(rule!.name).toBe('2024');
      expect(rule!.fields).toMatchObject({ rule: '2024', desc: '1e3', enabled: 'False', tags: ['1070.010', '0x1F', '010', 'True', '.inf', 'null', null] });
      expect(list!.fields.items).toEqual(['0x10', '1e3', null, '-1']);
    });
  }
});

describe('loadRules: overrides across files', async () => {
  const { ruleset } = await load('base.yaml', 'override.yaml');
  const rule = (name: string) => ruleset.rules.find((r) => r.name === name)!;

  it('appends tags with override: tags: append, keeping where each tag was written', () => {
    expect(rule('Tagged later').tags.map((t) => t.value)).toEqual(['host', 'mitre_privilege_escalation', 'T1611']);
    expect(rule('Tagged later').tags[1]!.file).toBe('test/fixtures/rules/override.yaml');
  });
  it('replaces enabled with override: enabled: replace', () => expect(rule('Disabled later').isEnabled).toBe(false));
  it('appends the condition with the deprecated append: true, and not its tags (Falco reads condition and exceptions only)', () => {
    expect(rule('Legacy append').condition).toBe('base_cond and proc.name=sh');
    expect(rule('Legacy append').tags.map((t) => t.value)).toEqual(['mitre_execution']);
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
  it('takes what Falco takes: regular files (a symlink to one too) named *.yaml or *.yml in that case; not a dangling link, a folder named x.yaml, EXTRA.YAML', async () => {
    const { mkdir, symlink } = await import('node:fs/promises');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-rulesd-'));
    const rule = (name: string) => `- rule: ${name}\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n`;
    await writeFile(path.join(dir, '10-a.yml'), rule('A'));
    await writeFile(path.join(dir, 'EXTRA.YAML'), rule('Upper'));
    await writeFile(path.join(dir, 'real.txt'), rule('Linked'));
    await symlink(path.join(dir, 'real.txt'), path.join(dir, '15-link.yaml'));
    await symlink('/nonexistent/removed.yaml', path.join(dir, '20-old.yaml'));
    await mkdir(path.join(dir, 'backup.yaml'));
    const { ruleset } = await loadRules([dir], { cacheRoot: '/nonexistent', cwd: dir });
    expect(ruleset.rules.map((r) => r.name)).toEqual(['A', 'Linked']);
  });
  it('passes over attack-cov\'s own project config, which `init` writes beside the rules (`--rules .`)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-rulesd-'));
    await writeFile(path.join(dir, '.attack-cov.yaml'), 'gates:\n  fail-on: error\n');
    await writeFile(path.join(dir, 'rules.yaml'), '- rule: A\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n');
    const { ruleset } = await loadRules([dir], { cacheRoot: '/nonexistent', cwd: dir });
    expect(ruleset.files.map((f) => f.path)).toEqual(['rules.yaml']);
  });
});

describe('loadRules: items Falco loads past', () => {
  it('an unknown item and an empty one: the rules around them load (validate warns about the first)', async () => {
    const { ruleset } = await load('unknown-item.yaml');
    expect(ruleset.rules.map((r) => r.name)).toEqual(['Fine', 'Also fine']);
  });
});

describe('loadRules: bad input', () => {
  const cases: [string, RegExp][] = [
    ['bad/syntax-error.yaml', /syntax-error\.yaml:\d+:\d+: YAML syntax error/],
    ['bad/not-a-list.yaml', /not-a-list\.yaml:2:1: not a Falco rules file/],
    ['bad/utf16le-bom.yaml', /utf16le-bom\.yaml: UTF-16LE text; Falco reads rules files as UTF-8$/],
    ['bad/utf16be-no-bom.yaml', /utf16be-no-bom\.yaml: UTF-16BE text; Falco reads rules files as UTF-8$/],
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

describe('utf16Of: UTF-16 told from UTF-8 by its byte-order mark or its NULs', () => {
  const cases: [string, Buffer, ReturnType<typeof utf16Of>][] = [
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('- rule: a\n', 'utf16le')]), 'UTF-16LE'],
    ['UTF-16BE with a BOM', Buffer.from([0xfe, 0xff, 0x00, 0x2d]), 'UTF-16BE'],
    ['UTF-16LE without one', Buffer.from('- rule: a\n', 'utf16le'), 'UTF-16LE'],
    ['UTF-16BE without one', Buffer.from('- rule: a\n', 'utf16le').swap16(), 'UTF-16BE'],
    // Text with no ASCII in it has no NUL bytes: only the byte-order mark tells.
    ['UTF-16LE with a BOM, no ASCII', Buffer.from('\ufeff漢字のテキスト', 'utf16le'), 'UTF-16LE'],
    ['UTF-16BE with a BOM, no ASCII', Buffer.from('\ufeff漢字のテキスト', 'utf16le').swap16(), 'UTF-16BE'],
    ['one character of UTF-16LE', Buffer.from('a', 'utf16le'), 'UTF-16LE'],
    // Latin-1 bytes where half a byte-order mark would stand.
    ['Latin-1 with þ second', Buffer.from('aþ b', 'latin1'), undefined],
    ['Latin-1 with ÿ second', Buffer.from('aÿ b', 'latin1'), undefined],
    ['Latin-1 with þ first', Buffer.from('þa b', 'latin1'), undefined],
    // NULs in exactly half of the odd bytes of the first 4 KiB, and one more just past them: not most.
    ['half NULs in the first 4 KiB', Buffer.concat([Buffer.from('a'.repeat(1024), 'utf16le'), Buffer.from('ab'.repeat(1024)), Buffer.from('a', 'utf16le')]), undefined],
    ['UTF-8', Buffer.from('- rule: ä\n  desc: d\n'), undefined],
    ['UTF-8 with its BOM', Buffer.from('\ufeff- rule: a\n'), undefined],
    ['UTF-8 with a stray NUL', Buffer.from('- rule: a\u0000b\n'), undefined],
    ['nothing', Buffer.alloc(0), undefined],
  ];
  for (const [what, bytes, expected] of cases) it(what, () => expect(utf16Of(bytes)).toBe(expected));

  it('says what to do about it', async () => {
    const error = (await load('bad/utf16le-bom.yaml').catch((e: unknown) => e)) as InputError;
    expect(error.hint).toMatch(/^save it as UTF-8 /);
  });
});

describe('parseRulesText: an unclosed quote', () => {
  it('is reported where it opens, not where the yaml library stopped (the end of the file), with the line it runs to', () => {
    const cases = [
      // A double quote left open runs to the end of the file; the escaped quote of the line before is no opening.
      ['- rule: A\n  desc: "an \\" escape"\n  condition: "evt.type = open\n  output: o\n- rule: B\n  desc: d\n', 'r.yaml:3:14', '"', 'the end of the file'],
      // A single quote, with a doubled one ('') inside an earlier closed string and a flow list.
      ["- rule: A\n  desc: 'it''s'\n  tags: [a, 'b]\n", 'r.yaml:3:13', "'", 'the end of the file'],
      // Items after it do not stop it: a double-quoted string may span lines, so they are its text.
      ['- rule: A\n  desc: "d\n- rule: B\n  desc: d\n', 'r.yaml:2:9', '"', 'the end of the file'],
    ] as const;
    for (const [text, at, quote, endLine] of cases) {
      let error: unknown;
      try {
        parseRulesText(text, 'r.yaml');
      } catch (thrown) {
        error = thrown;
      }
      if (!(error instanceof InputError)) return expect.unreachable(`expected an InputError, got ${String(error)}`);
      expect(error.message).toBe(`${at}: YAML syntax error: the ${quote}quoted${quote} string that starts here is not closed`);
      expect(error.hint).toBe(`it runs on to ${endLine}; close it, or write the value without quotes`);
    }
  });
});

describe('firstInvalidUtf8 (where lint --fix refuses a file that is not UTF-8)', () => {
  it('finds the start of the first bad sequence, and -1 for UTF-8', () => {
    const bytes = (...values: number[]) => Uint8Array.from(values);
    expect(firstInvalidUtf8(Buffer.from('- rule: Café ✓ 𝄞\n', 'utf8'))).toBe(-1);
    expect(firstInvalidUtf8(bytes())).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from('- rule: Caf\xe9\n', 'latin1'))).toBe(11); // Latin-1 é: a lead byte with no continuation
    expect(firstInvalidUtf8(bytes(0x61, 0x80))).toBe(1); // a continuation byte alone
    expect(firstInvalidUtf8(bytes(0x61, 0xe2, 0x9c))).toBe(1); // cut at the end
    expect(firstInvalidUtf8(bytes(0xc0, 0xaf))).toBe(0); // overlong '/'
    expect(firstInvalidUtf8(bytes(0xe0, 0x80, 0xaf))).toBe(0); // overlong, three bytes
    expect(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80))).toBe(0); // a UTF-16 surrogate
    expect(firstInvalidUtf8(bytes(0xf0, 0x80, 0x80, 0xaf))).toBe(0); // overlong, four bytes
    expect(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80))).toBe(0); // past U+10FFFF
    expect(firstInvalidUtf8(bytes(0xf5, 0x80, 0x80, 0x80))).toBe(0);
  });

  it('takes the first and last code point of each length and of each range with a restricted second byte', () => {
    // U+0080, U+07FF, U+0800, U+D7FF (before the surrogates), U+E000, U+FFFF, U+10000, U+10FFFF: each valid, so the
    // bad byte after it is where the scan stops.
    for (const char of ['\u0080', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}']) {
      const valid = Buffer.from(char, 'utf8');
      expect(firstInvalidUtf8(valid), valid.toString('hex')).toBe(-1);
      expect(firstInvalidUtf8(Buffer.concat([valid, Buffer.from([0xff])])), valid.toString('hex')).toBe(valid.length);
    }
  });

  it('agrees with a strict TextDecoder on 5,000 random byte strings: it is the length of the longest prefix that decodes', () => {
    // Seeded (xorshift), biased towards the bytes where UTF-8 gets interesting.
    const random = seededRandom(0x1badb002);
    const interesting = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff];
    const strict = (bytes: Uint8Array) => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        return true;
      } catch {
        return false;
      }
    };
    for (let n = 0; n < 5000; n++) {
      const bytes = Uint8Array.from({ length: Math.floor(random() * 8) }, () => interesting[Math.floor(random() * interesting.length)]!);
      // UTF-8 is self-synchronizing: no valid sequence starts inside a bad one, so the first bad one starts where the
      // longest prefix that decodes ends (-1 when that prefix is the whole).
      let longest = bytes.length;
      while (!strict(bytes.subarray(0, longest))) longest--;
      expect(firstInvalidUtf8(bytes), Buffer.from(bytes).toString('hex')).toBe(longest === bytes.length ? -1 : longest);
    }
  });
});

describe('enabled: as Falco reads it (yaml-cpp bools)', () => {
  it('takes y/yes/true/on and n/no/false/off in lower, UPPER and Capitalized case, and nothing else', () => {
    for (const word of ['n', 'no', 'false', 'off', 'N', 'NO', 'FALSE', 'OFF', 'No', 'False', 'Off']) expect(falcoBool(word), String(word)).toBe(false);
    for (const word of ['y', 'yes', 'true', 'on', 'Y', 'YES', 'TRUE', 'ON', 'Yes', 'True', 'On']) expect(falcoBool(word), String(word)).toBe(true);
    for (const value of ['maybe', 'fAlse', 'nO', '0', '1', '', ' no', 'no ', 'constructor', 'toString', 0, 1, null, undefined, ['no']]) expect(falcoBool(value), String(value)).toBeUndefined();
    // The reader gives every scalar as text (yaml-cpp's view): a JS bool never comes from a rules file.
    for (const value of [true, false]) expect(falcoBool(value), String(value)).toBeUndefined();
  });
  it('disables a rule written with enabled: no or off, and keeps one with enabled: yes', () => {
    const items = (enabled: string) => parseRulesText(`- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  enabled: ${enabled}\n`, 'r.yaml');
    const built = (enabled: string) => buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items: items(enabled) }]).rules[0]!.isEnabled;
    expect(built('no')).toBe(false);
    expect(built('Off')).toBe(false);
    expect(built('yes')).toBe(true);
    // A later item holding only enabled toggles it the same way.
    const toggled = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items: [...items('true'), ...parseRulesText('- rule: R\n  enabled: n\n', 'r.yaml')] }]);
    expect(toggled.rules[0]!.isEnabled).toBe(false);
  });
  it('enables a rule with an item holding enabled and other keys but no condition, output, desc or priority (its tags ignored)', () => {
    const items = [...parseRulesText('- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  enabled: false\n  tags: [mitre_impact, T1529]\n', 'a.yaml'),
      ...parseRulesText('- rule: R\n  enabled: true\n  tags: [T1082, mitre_discovery]\n', 'b.yaml')];
    const rule = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]).rules[0]!;
    expect(rule.isEnabled).toBe(true);
    expect(rule.tags.map((t) => t.value)).toEqual(['mitre_impact', 'T1529']);
  });
});

describe('append: true (deprecated) as Falco reads it', () => {
  const BASE = '- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  tags: [mitre_impact, T1529]\n'
    + '  exceptions:\n    - name: known_parents\n      fields: [proc.pname]\n      values:\n        - [sshd]\n';
  const build = (...texts: string[]) => buildRuleset(texts.map((text, i) => ({ info: { path: `r${i}.yaml`, sha256: '' }, items: parseRulesText(text, `r${i}.yaml`) })));

  it('takes an item with only exceptions (adding exception values), leaving the condition as it is', () => {
    const ruleset = build(BASE, '- rule: R\n  append: true\n  exceptions:\n    - name: known_parents\n      values:\n        - [cron]\n');
    expect(ruleset.rules[0]).toMatchObject({ condition: 'evt.type = execve', modifiedAt: [{ file: 'r1.yaml', line: 1, column: 3 }] });
  });
  it('still appends a condition alone', () => {
    expect(build(BASE, '- rule: R\n  append: true\n  condition: and proc.name = sh\n').rules[0]!.condition).toBe('evt.type = execve and proc.name = sh');
  });
  it('reads append as yaml-cpp reads a bool: yes, on, "true" append to a list, a macro and a rule', () => {
    const ruleset = build(`${BASE}- list: bins\n  items: [shutdown]\n- macro: m\n  condition: evt.type = execve\n`,
      '- list: bins\n  items: [halt]\n  append: yes\n- macro: m\n  condition: or evt.type = open\n  append: On\n- rule: R\n  condition: and proc.name = sh\n  append: "true"\n');
    expect(ruleset.lists.get('bins')!.items).toEqual(['shutdown', 'halt']);
    expect(ruleset.macros.get('m')!.condition).toBe('evt.type = execve or evt.type = open');
    expect(ruleset.rules[0]!.condition).toBe('evt.type = execve and proc.name = sh');
  });
  it('refuses an item with neither condition nor exceptions, as Falco does', () => {
    expect(() => build(BASE, '- rule: R\n  append: true\n  output: more\n')).toThrow(/r1\.yaml:1:3: rule "R": append: true needs a condition or exceptions to append/);
  });
});

describe('override: replace on a macro or a list is a definition, as in Falco', () => {
  it('defines a macro and a list that were not defined before, and replaces ones that were', () => {
    const items = parseRulesText('- macro: m\n  condition: proc.name = bash\n  override:\n    condition: replace\n- list: l\n  items: [bash]\n  override:\n    items: replace\n'
      + '- list: l\n  items: [sh]\n  override:\n    items: replace\n', 'r.yaml');
    const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]);
    expect(ruleset.macros.get('m')).toMatchObject({ condition: 'proc.name = bash', conditionAt: { line: 2, column: 3 } });
    expect(ruleset.lists.get('l')).toMatchObject({ items: ['sh'], position: { line: 9, column: 3 } });
  });
  it('still refuses an append to a macro that is not defined yet', () => {
    const items = parseRulesText('- macro: m\n  condition: or x\n  override:\n    condition: append\n', 'r.yaml');
    expect(() => buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }])).toThrow(/r\.yaml:1:3: macro "m" is appended to before it is defined/);
  });
});

describe('a rule defined again', () => {
  const build = (text: string) => buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items: parseRulesText(text, 'r.yaml') }]);
  const RULE = (name: string, source = '') => `- rule: ${name}\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n${source ? `  source: ${source}\n` : ''}`;

  it('with another source is refused, as Falco does', () => {
    expect(() => build(RULE('First') + RULE('First', 'k8s_audit'))).toThrow(/r\.yaml:6:3: rule "First" is defined again with source k8s_audit; its definition at r\.yaml:1:3 has source syscall/);
  });
  it('with the same source (written or not) replaces it, keeping its first place in the rule order', () => {
    expect(build(RULE('First') + RULE('Second') + RULE('First', 'syscall')).rules.map((r) => `${r.name}@${r.position.line}`)).toEqual(['First@11', 'Second@6']);
  });
});

describe('tags appended again', () => {
  it('are kept once, at their first place, as Falco keeps a set of tags', () => {
    const items = parseRulesText('- rule: Escape\n  desc: d\n  condition: c\n  output: o\n  priority: INFO\n  tags: [mitre_initial_access, T1611]\n'
      + '- rule: Escape\n  tags: [mitre_initial_access, T1611, container, container]\n  override:\n    tags: append\n', 'r.yaml');
    const rule = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]).rules[0]!;
    expect(rule.tags.map((t) => `${t.value}@${t.line}:${t.column}`)).toEqual(['mitre_initial_access@6:10', 'T1611@6:32', 'container@8:39']);
  });
});

describe('loadRules: how --rules paths are named and refused', () => {
  const RULE = '- rule: Shell\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n';

  it('resolves a relative path against cwd and names it relative to the source root (cwd when none is given)', async () => {
    const given = 'test/fixtures/rules/base.yaml';
    const { ruleset, localFiles } = await loadRules([given], { cacheRoot: '/nonexistent', cwd: repoRoot });
    expect(ruleset.files).toEqual([{ path: given, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(localFiles).toEqual([fixture('rules', 'base.yaml')]);
    const fromRules = await loadRules([given], { cacheRoot: '/nonexistent', cwd: repoRoot, sourceRoot: fixture('rules') });
    expect(fromRules.ruleset.files[0]!.path).toBe('base.yaml');
  });

  it('names a file outside the source root by its base name, with a note saying so', async () => {
    const { ruleset } = await loadRules([fixture('rules', 'base.yaml')], { cacheRoot: '/nonexistent', cwd: repoRoot, sourceRoot: fixture('attack') });
    expect(ruleset.files).toEqual([{ path: 'base.yaml', sha256: expect.any(String), note: OUTSIDE_ROOT_NOTE }]);
  });

  it('names the file of the root a symlink resolves to (its own link or a linked folder) as its target, and a link out of the root by a note', async () => {
    // The repository holds a link's path, not its lines: code scanning must be pointed at the target (sarif.ts).
    const { mkdir, symlink } = await import('node:fs/promises');
    const outside = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-outside-'));
    const root = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-root-'));
    await mkdir(path.join(root, 'common'));
    await mkdir(path.join(root, 'rules.d'));
    await writeFile(path.join(root, 'common', 'a.yaml'), RULE);
    await writeFile(path.join(outside, 'b.yaml'), RULE.replace('Shell', 'Other'));
    await symlink('../common/a.yaml', path.join(root, 'rules.d', '10-a.yaml'));
    await symlink(path.join(outside, 'b.yaml'), path.join(root, 'rules.d', '20-b.yaml'));
    await symlink('common', path.join(root, 'linked'));
    const { ruleset } = await loadRules(['rules.d', 'linked/a.yaml', 'common/a.yaml'], { cacheRoot: '/nonexistent', cwd: root, sourceRoot: root });
    expect(ruleset.files.map(({ sha256, ...f }) => f)).toEqual([
      { path: 'rules.d/10-a.yaml', target: 'common/a.yaml' },
      { path: 'rules.d/20-b.yaml', note: LINK_OUTSIDE_ROOT_NOTE },
      { path: 'linked/a.yaml', target: 'common/a.yaml' },
      { path: 'common/a.yaml' },
    ]);
    // A root reached through a link names its files as before, with no target.
    const linkedRoot = path.join(outside, 'root-link');
    await symlink(root, linkedRoot);
    const throughLink = await loadRules(['common/a.yaml'], { cacheRoot: '/nonexistent', cwd: linkedRoot, sourceRoot: linkedRoot });
    expect(throughLink.ruleset.files.map(({ sha256, ...f }) => f)).toEqual([{ path: 'common/a.yaml' }]);
  });

  it('names a standard location relative to the source root too', async () => {
    const { ruleset, origin } = await loadRules([], { cacheRoot: '/nonexistent', cwd: repoRoot, standardLocations: [fixture('rules', 'base.yaml')] });
    expect(origin).toBe('standard-locations');
    expect(ruleset.files.map((f) => f.path)).toEqual(['test/fixtures/rules/base.yaml']);
  });

  it('refuses an empty path rather than reading the working directory', async () => {
    for (const given of ['', ' ']) {
      const error = await rejection(loadRules([given], { cacheRoot: '/nonexistent', cwd: repoRoot }), UsageError);
      expect([error.message, error.hint]).toEqual(['an empty rules path (""): it would name the working directory', 'name rules files or directories, or official, official:all']);
    }
  });

  it('names a path it cannot read as given, with the reason and hint', async () => {
    const missing = await rejection(loadRules(['test/fixtures/rules/missing.yaml'], { cacheRoot: '/nonexistent', cwd: repoRoot }), InputError);
    expect([missing.message, missing.hint, missing.location]).toEqual(['test/fixtures/rules/missing.yaml: no such file or directory', 'pass Falco rules files or directories, or official, official:all', 'test/fixtures/rules/missing.yaml']);
    // A technique ID swallowed by --rules (QA: emulate --rules official T1529): the hint says so.
    const technique = await rejection(loadRules(['official', 'T1529.003'], { cacheRoot: '/nonexistent', cwd: repoRoot }), InputError);
    expect([technique.message, technique.hint]).toEqual(['T1529.003: no such file or directory', 'T1529.003 looks like a technique ID: --rules takes every value after it, so name techniques before --rules, or after --']);
    // A technique ID is one, or a sub-technique's, and nothing around it.
    for (const [given, isTechnique] of [['T1529', true], ['t1529.003', true], ['rules/T1529', true], ['xT1529', false], ['T1529x', false], ['T1529.00', false]] as const) {
      const error = await rejection(loadRules([given], { cacheRoot: '/nonexistent', cwd: repoRoot }), InputError);
      expect(error.hint?.startsWith(`${path.basename(given)} looks like a technique ID`), given).toBe(isTechnique);
    }
    // A path through a file: stat fails with ENOTDIR, not ENOENT.
    const through = await rejection(loadRules(['test/fixtures/rules/base.yaml/r.yaml'], { cacheRoot: '/nonexistent', cwd: repoRoot }), InputError);
    expect(through.message).toBe('test/fixtures/rules/base.yaml/r.yaml: cannot read: a path component is not a directory');
  });

  it('refuses a folder that holds no *.yaml file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-load-'));
    await writeFile(path.join(dir, 'notes.txt'), RULE);
    const error = await rejection(loadRules([dir], { cacheRoot: '/nonexistent', cwd: repoRoot }), InputError);
    expect([error.message, error.hint]).toEqual([`${dir}: no *.yaml rules files found`, 'pass Falco rules files, or directories holding them']);
  });
});
