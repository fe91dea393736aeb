// src/draft/draft-file.ts, called directly: the model's answer as read, the tags a draft carries, and the draft
// file byte for byte (the CLI tests reach it only through the built dist, where a mutant never is).
import { describe, expect, it } from 'vitest';
import { commentText, draftFileStart, draftTags, readDraftAnswer, renderDraftFile, type DraftHeader } from '../../../src/draft/draft-file.js';
import { technique } from '../../helpers/tiny-catalog.js';

const NOT_AN_OBJECT = { errors: ['the answer must be a JSON object with rule, desc, condition, output, priority'] };

describe('readDraftAnswer', () => {
  it('refuses an answer that is not a JSON object: null, a list, a string, a number', () => {
    for (const value of [null, [], ['rule'], 'rule', 3, undefined]) expect(readDraftAnswer(value), String(value)).toEqual(NOT_AN_OBJECT);
  });

  it('counts a value of only spaces as missing', () => {
    expect(readDraftAnswer({ rule: 'r', desc: ' \t', condition: 'c', output: 'o', priority: 7 })).toEqual({
      errors: ['"desc" is missing or not a non-empty string', '"priority" is missing or not a non-empty string'],
    });
  });

  it('refuses a rule name over two lines or with a control, bidi or invisible character: every alert prints it (QA)', () => {
    const answer = { desc: 'd', condition: 'c', output: 'o', priority: 'INFO' };
    for (const rule of ['x\n- rule: injected\n  enabled: true', 'Reboot\u001b[31m', 'Reboot\u202e', 'Re\u200bboot', 'a\u2028b']) {
      expect(readDraftAnswer({ ...answer, rule }), JSON.stringify(rule)).toEqual({ errors: ['"rule" must be one line of printable text: no line break, control, bidirectional or invisible character'] });
    }
    // Twice in a row: the pattern keeps no state between answers.
    expect(readDraftAnswer({ ...answer, rule: 'ok' })).toHaveProperty('draft');
    expect(readDraftAnswer({ ...answer, rule: 'Reboot é 再起動' })).toHaveProperty('draft');
  });

  it('reads a complete answer: every value trimmed, the priority in capitals, other keys dropped', () => {
    const answer = { rule: ' Reboot run ', desc: '\tA reboot ran.\n', condition: ' evt.type = reboot ', output: ' reboot (user=%user.name) ', priority: ' warning ', tags: ['T1'] };
    expect(readDraftAnswer(answer)).toEqual({
      draft: { rule: 'Reboot run', desc: 'A reboot ran.', condition: 'evt.type = reboot', output: 'reboot (user=%user.name)', priority: 'WARNING' },
    });
  });
});

describe('draftTags', () => {
  it('adds host and container for syscall rules only, then a tag per tactic and the technique', () => {
    const t = technique('T1548.001', ['privilege-escalation', 'defense-evasion'], ['Linux']);
    expect(draftTags(t, 'syscall')).toEqual(['maturity_sandbox', 'attack_cov_draft', 'host', 'container', 'mitre_privilege_escalation', 'mitre_defense_evasion', 'T1548.001']);
    expect(draftTags(t, 'k8s_audit')).toEqual(['maturity_sandbox', 'attack_cov_draft', 'mitre_privilege_escalation', 'mitre_defense_evasion', 'T1548.001']);
  });
});

describe('commentText', () => {
  it('turns each run of line breaks or control characters into one space, keeping the words apart', () => {
    expect(commentText('a\nb\r\nc\u2028d\u0085e\u001b[31mf')).toBe('a b c d e [31mf');
  });
});

describe('renderDraftFile', () => {
  // A condition longer than the yaml library's default 80 columns: a draft keeps it on one line.
  const condition = 'evt.type in (execve, execveat) and proc.name in (reboot, halt, poweroff, shutdown) and not user.name = root';
  const rule = { rule: 'Reboot run', desc: 'A reboot ran.', condition, output: 'reboot (user=%user.name)', priority: 'WARNING' };
  const header: DraftHeader = {
    tool: 'attack-cov 1.0',
    model: 'm-1',
    date: '2026-01-02',
    technique: technique('T1529', ['impact', 'defense-evasion'], ['Linux'], { name: 'System Shutdown/Reboot' }),
    validation: 'rejected after 3 attempts',
    notes: ['first problem', 'second\nproblem'],
  };

  it('is the header, one comment line per field and per note, then the rule, disabled, on lines of any length', () => {
    expect(renderDraftFile(rule, ['attack_cov_draft', 'T1529'], 'syscall', header)).toBe(
      [
        '# DRAFT made by attack-cov 1.0. Review before use: it is disabled, and attack-cov never counts it as coverage.',
        '# technique: T1529 System Shutdown/Reboot (impact, defense-evasion)',
        '# model: m-1',
        '# date: 2026-01-02',
        '# validation: rejected after 3 attempts',
        '#   first problem',
        '#   second problem',
        '- rule: Reboot run',
        '  desc: A reboot ran.',
        `  condition: ${condition}`,
        '  output: reboot (user=%user.name)',
        '  priority: WARNING',
        '  source: syscall',
        '  tags:',
        '    - attack_cov_draft',
        '    - T1529',
        '  enabled: false',
        '',
      ].join('\n'),
    );
  });

  it("begins with draftFileStart of the tool's name, what tells a draft it wrote (and may replace) from any other file", () => {
    expect(draftFileStart('attack-cov')).toBe('# DRAFT made by attack-cov ');
    expect(renderDraftFile(rule, ['attack_cov_draft'], 'syscall', header).startsWith(draftFileStart('attack-cov'))).toBe(true);
    // Another tool whose name begins the same is not attack-cov: the blank after the name tells them apart.
    expect(renderDraftFile(rule, ['attack_cov_draft'], 'syscall', { ...header, tool: 'attack-cov-fork 1.0' }).startsWith(draftFileStart('attack-cov'))).toBe(false);
  });
});
