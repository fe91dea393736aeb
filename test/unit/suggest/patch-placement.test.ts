// Where suggested tags are written, on small rules files made for each case: the file of the rule's last
// tag (an appended override), a tags: line indented like the rule's keys, after a folded last value,
// several untagged rules in one file, a tagged rule below an untagged one (line numbers shift), and the
// rules that cannot be written with why (not a list, moved, flow mapping, tags shared through a YAML alias).
import { describe, expect, it } from 'vitest';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import type { FalcoRule } from '../../../src/falco/types.js';
import { applyTagAdditions, fileOfAddition } from '../../../src/suggest/patch.js';

const rulesIn = (text: string, file = 'r.yaml'): FalcoRule[] => rulesetFromTexts([{ path: file, text }]).rules;
const add = (text: string, tags: string[] = ['T1059'], file = 'r.yaml') => applyTagAdditions(text, file, rulesIn(text, file).map((rule) => ({ rule, tags })));

describe('fileOfAddition', () => {
  it('is the file of the last tag (an override in another file), else the file the rule is in', () => {
    const ruleset = rulesetFromTexts([
      { path: 'base.yaml', text: '- rule: A\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n- rule: B\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n' },
      { path: 'local.yaml', text: '- rule: A\n  tags: [host]\n  override:\n    tags: append\n' },
    ]);
    const [a, b] = ruleset.rules;
    expect([fileOfAddition({ rule: a!, tags: ['T1'] }), fileOfAddition({ rule: b!, tags: ['T1'] })]).toEqual(['local.yaml', 'base.yaml']);
    expect(applyTagAdditions('- rule: A\n  tags: [host]\n  override:\n    tags: append\n', 'local.yaml', [{ rule: a!, tags: ['T1'] }, { rule: b!, tags: ['T2'] }]).text).toBe('- rule: A\n  tags: [host, T1]\n  override:\n    tags: append\n');
  });
});

describe('a file named twice (read once)', () => {
  it('takes the additions of rules loaded from its other names', () => {
    const text = '- rule: A\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: [host]\n';
    const additions = rulesIn(text, 'link.yaml').map((rule) => ({ rule, tags: ['T1059'] }));
    expect(applyTagAdditions(text, 'r.yaml', additions).text).toBe(text);
    expect(applyTagAdditions(text, 'r.yaml', additions, ['link.yaml']).text).toBe(text.replace('[host]', '[host, T1059]'));
  });
});

describe('a new tags: line', () => {
  it('is indented like the rule’s keys', () => {
    const text = '-   rule: Wide\n    desc: d\n    condition: evt.type = open\n    output: o\n    priority: WARNING\n';
    expect(add(text).text).toBe(`${text}    tags: [T1059]\n`);
  });
  it('goes after a folded last value and before the blank lines that follow it', () => {
    const text = '- rule: Folded\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  desc: >\n    long\n    text\n\n\n- rule: Next\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: [x]\n';
    const rule = rulesIn(text)[0]!;
    expect(applyTagAdditions(text, 'r.yaml', [{ rule, tags: ['T1', 'T2'] }]).text).toBe(text.replace('    text\n', '    text\n  tags: [T1, T2]\n'));
  });
  it('goes after the blank lines a kept block scalar (|+, >2+, with a tag) holds, so its value stays whole (QA: the alert lost its trailing lines)', () => {
    const next = '- rule: Next\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: [x]\n';
    for (const header of ['|+', '>2+', '|+2', '!!str |+']) {
      const text = `- rule: Kept\n  desc: d\n  condition: evt.type = open\n  priority: WARNING\n  output: ${header}\n    reboot %proc.name\n\n\n${next}`;
      const out = add(text).text;
      expect(out, header).toBe(text.replace(`\n\n\n${next}`, `\n\n\n  tags: [T1059]\n${next.replace('[x]', '[x, T1059]')}`));
      // The value read back is the value written: the same three line breaks at its end.
      expect(rulesIn(out)[0]!.output, header).toBe(rulesIn(text)[0]!.output);
    }
    // At the end of the file, and in a CRLF file.
    const last = '- rule: Kept\n  desc: d\n  condition: evt.type = open\n  priority: WARNING\n  output: |+\n    x\n\n';
    expect(add(last).text).toBe(`${last}  tags: [T1059]\n`);
    const crlf = last.replace(/\n/g, '\r\n');
    expect(add(crlf).text).toBe(`${crlf}  tags: [T1059]\r\n`);
    // A kept scalar that ends the file without a line break: the new line after it, on a line of its own.
    expect(add(last.slice(0, -2)).text).toBe(`${last.slice(0, -1)}  tags: [T1059]\n`);
    // A comment that says |+ after a clip header is no keep indicator: the line goes after the last word, as for any.
    const clip = '- rule: Clip\n  desc: d\n  condition: evt.type = open\n  priority: WARNING\n  output: | # not |+\n    x\n\n';
    expect(add(clip).text).toBe(clip.replace('    x\n', '    x\n  tags: [T1059]\n'));
  });
  it('is written for each untagged rule of a file, from the end, and the tagged ones below still get theirs', () => {
    const text = '# an empty document first\n---\n- list: l\n  items: [a]\n- rule: First\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n- rule: Second\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n- rule: Third\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags:\n    - host\n';
    const { text: out, skipped } = add(text, ['mitre_execution', 'T1059']);
    expect(skipped).toEqual([]);
    expect(out).toBe(text
      .replace('WARNING\n- rule: Second', 'WARNING\n  tags: [mitre_execution, T1059]\n- rule: Second')
      .replace('WARNING\n- rule: Third', 'WARNING\n  tags: [mitre_execution, T1059]\n- rule: Third')
      .replace('    - host\n', '    - host\n    - mitre_execution\n    - T1059\n'));
  });
  it('moves no tag edit above it, and moves one on the line it is inserted at', () => {
    const above = '- rule: Tagged\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: [host]\n- rule: Bare\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n';
    expect(add(above).text).toBe(above.replace('[host]', '[host, T1059]').replace(/WARNING\n$/, 'WARNING\n  tags: [T1059]\n'));
    // the next rule starts with its tags, on the line where the untagged one's tags: line goes in
    const same = '- rule: Bare\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n- tags: [host]\n  rule: Tagged\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n';
    expect(add(same).text).toBe(same.replace('WARNING\n- tags: [host]', 'WARNING\n  tags: [T1059]\n- tags: [host, T1059]'));
  });
  it('goes after a last key with an empty value', () => {
    const text = '- rule: Blank\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  desc:\n';
    expect(add(text).text).toBe(`${text}  tags: [T1059]\n`);
  });
  it('fills an empty tags list in place', () => {
    expect(add('- rule: E\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: []  # none yet\n').text).toBe('- rule: E\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: [T1059]  # none yet\n');
  });
  it('ends its line as the file does: a CRLF file stays CRLF, after the last line and at a file end without one', () => {
    const crlf = '- rule: Bare\r\n  desc: d\r\n  condition: evt.type = open\r\n  output: o\r\n  priority: WARNING\r\n';
    expect(add(crlf).text).toBe(`${crlf}  tags: [T1059]\r\n`);
    expect(add(crlf.slice(0, -2)).text).toBe(`${crlf}  tags: [T1059]\r\n`);
    // A tagged CRLF rule gets its block-list line with CRLF too (fix/apply.ts).
    const block = '- rule: Listed\r\n  desc: d\r\n  condition: evt.type = open\r\n  output: o\r\n  priority: WARNING\r\n  tags:\r\n    - host\r\n';
    expect(add(block).text).toBe(`${block}    - T1059\r\n`);
    expect(add(block.slice(0, -2)).text).toBe(`${block}    - T1059\r\n`);
  });
  it('goes after the last value in a file that starts with blank lines', () => {
    // The last value's end is counted from the file's start: 40 blank lines before it do not move the insertion.
    const text = `${'\n'.repeat(40)}- rule: Late\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n`;
    expect(add(text).text).toBe(`${text}  tags: [T1059]\n`);
  });
  it("ends its line as the rule's own last line does in a file of mixed line endings", () => {
    // The rule's last line ends with \n though another rule's lines end with \r\n: the new line is the rule's.
    const lf = '- rule: Lf\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n';
    const crlf = '- rule: Crlf\r\n  desc: d\r\n  condition: evt.type = open\r\n  output: o\r\n  priority: WARNING\r\n  tags: [host]\r\n';
    expect(add(`${lf}${crlf}`).text).toBe(`${lf}  tags: [T1059]\n${crlf.replace('[host]', '[host, T1059]')}`);
  });
  it('adds nothing for an addition without tags or for another file', () => {
    const text = '- rule: N\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n';
    expect(add(text, [])).toEqual({ text, skipped: [] });
    expect(applyTagAdditions(text, 'other.yaml', rulesIn(text).map((rule) => ({ rule, tags: ['T1'] })))).toEqual({ text, skipped: [] });
  });
});

describe('rules it cannot write, with why', () => {
  // Falco refuses an empty tags: and a tag that is a map or a list, and so does the load since: the file gets them when
  // it is edited after the ruleset was read (before suggest --apply writes).
  const readThenEdited = (read: string, edited: string) => applyTagAdditions(edited, 'r.yaml', rulesIn(read).map((rule) => ({ rule, tags: ['T1059'] })));
  it('a tags: entry that is not a list', () => {
    const text = '- rule: Odd\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags:\n';
    // Read without tags, then given an empty tags: entry.
    expect(readThenEdited(text.replace('  tags:\n', ''), text)).toEqual({ text, skipped: [{ rule: 'Odd', reason: 'its tags: entry is not a list' }] });
  });
  it('a rule whose tags an override in another file replaced with none', () => {
    const base = '- rule: A\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: [host]\n';
    const rule = rulesetFromTexts([{ path: 'r.yaml', text: base }, { path: 'local.yaml', text: '- rule: A\n  tags: []\n  override:\n    tags: replace\n' }]).rules[0]!;
    expect(applyTagAdditions(base, 'r.yaml', [{ rule, tags: ['T1'] }])).toEqual({ text: base, skipped: [{ rule: 'A', reason: 'an override in another file replaced its tags; add them there by hand' }] });
  });
  it('a rule that is no longer where it was read', () => {
    const text = '- rule: Moved\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n';
    const rule = rulesIn(text)[0]!;
    const edited = `# a line added since\n${text}`;
    expect(applyTagAdditions(edited, 'r.yaml', [{ rule, tags: ['T1'] }])).toEqual({ text: edited, skipped: [{ rule: 'Moved', reason: 'the rule is not where it was read' }] });
  });
  it('a rule whose last tag is a map or a list, not a plain value (the file is left as it was, not broken)', () => {
    const rule = (tags: string) => `- rule: M\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: ${tags}\n`;
    // Where the last tag was read, the edited file has a map or a list.
    for (const [read, tags] of [['[host]', '[{a: 1}]'], ['[host, y]', '[host, [x]]']]) {
      expect(readThenEdited(rule(read!), rule(tags!))).toEqual({ text: rule(tags!), skipped: [{ rule: 'M', reason: 'its last tag is not a plain value (a map or a list); add the tags by hand' }] });
    }
    // A map before the last tag stays as written (the last tag read where host now is: 14 characters in).
    expect(readThenEdited(rule(`[${'p'.repeat(12)}, host]`), rule('[{a: 1}, k: v, host]')).text).toBe(rule('[{a: 1}, k: v, host, T1059]'));
  });
  it('a rule written as a flow mapping', () => {
    const text = '- {rule: F, desc: d, condition: evt.type = open, output: o, priority: WARNING}\n';
    expect(add(text).skipped).toEqual([{ rule: 'F', reason: 'the rule is a flow mapping ({ … }); add its tags by hand' }]);
  });

  describe('tags shared through a YAML anchor and alias: one edit would land in every rule that reads them', () => {
    const SHARED = 'its tags are shared with other places through a YAML anchor and alias (&name, *name): one edit would change them all; add its tags by hand';
    const rule = (name: string, tags: string) => `- rule: ${name}\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: ${tags}\n`;
    /** Each rule gets its own tags: before the fix, both went into the anchored list (both rules claimed both). */
    const both = (text: string) => {
      const [a, b] = rulesIn(text);
      return applyTagAdditions(text, 'r.yaml', [{ rule: a!, tags: ['mitre_defense_evasion', 'T1070.002'] }, { rule: b!, tags: ['mitre_credential_access', 'T1555'] }]);
    };

    it('refuses the anchored list and the rule that reads it through an alias, flow or block, leaving the file as it was', () => {
      for (const text of [
        rule('A', '&common [host]') + rule('B', '*common'),
        rule('A', '&common\n    - host') + rule('B', '*common'),
      ]) {
        const result = both(text);
        expect(result.text).toBe(text);
        expect(result.skipped).toEqual([{ rule: rulesIn(text)[0]!.name, reason: SHARED }, { rule: rulesIn(text)[1]!.name, reason: SHARED }]);
      }
    });

    it('follows an alias to the last anchor of its name before it: a list anchored again later, and read by no alias, is written', () => {
      const text = rule('A', '&common [host]') + rule('B', '*common') + rule('C', '&common [x]');
      expect(add(text)).toEqual({ text: text.replace('[x]', '[x, T1059]'), skipped: [{ rule: 'A', reason: SHARED }, { rule: 'B', reason: SHARED }] });
    });

    it('refuses the same suggestion for both rules (it was written twice into the one list)', () => {
      const text = rule('A', '&common [host]') + rule('B', '*common');
      expect(add(text, ['mitre_execution', 'T1059'])).toEqual({ text, skipped: [{ rule: 'A', reason: SHARED }, { rule: 'B', reason: SHARED }] });
    });

    it('refuses a list holding a tag an alias repeats, a rule an alias repeats, and an empty list read through an alias', () => {
      const anchoredTag = rule('A', '[&h host, x]') + rule('B', '[*h, y]');
      // B's own list only reads the tag: adding after its last tag changes no other place.
      expect(add(anchoredTag)).toEqual({ text: anchoredTag.replace('[*h, y]', '[*h, y, T1059]'), skipped: [{ rule: 'A', reason: SHARED }] });
      const emptyShared = rule('A', '&none []') + rule('B', '*none');
      expect(add(emptyShared)).toEqual({ text: emptyShared, skipped: [{ rule: 'A', reason: SHARED }, { rule: 'B', reason: SHARED }] });
      const untagged = '- &r\n  rule: A\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n- list: l\n  items: [*r]\n';
      expect(add(untagged).skipped).toEqual([{ rule: 'A', reason: SHARED }]);
    });

    it('writes as before where an anchor is used by no alias, or an alias repeats something else of the rule', () => {
      const unused = rule('A', '&common [host]');
      expect(add(unused)).toEqual({ text: unused.replace('[host]', '[host, T1059]'), skipped: [] });
      const otherPart = '- rule: A\n  desc: &d same words\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: [host]\n- rule: B\n  desc: *d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n  tags: [x]\n';
      expect(add(otherPart)).toEqual({ text: otherPart.replace('[host]', '[host, T1059]').replace('[x]', '[x, T1059]'), skipped: [] });
    });
  });
});
