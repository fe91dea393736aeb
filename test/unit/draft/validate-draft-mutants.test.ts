// src/draft/validate-draft.ts: a drafted rule checked in the context of the user's ruleset. The user's ruleset
// below is the smallest that shows each point: a macro the draft may use, a rule whose name a draft may take,
// and a broken rule of the user's own whose problems are not the draft's.
import { describe, expect, it } from 'vitest';
import { describeIssue, validateDraft, type DraftContext } from '../../../src/draft/validate-draft.js';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import { readSourcePlatforms } from '../../../src/upstream.js';
import { miniCatalog } from '../../helpers/load.js';

const USER_RULES = `- macro: spawned_process
  condition: (evt.type in (execve, execveat))
- rule: Existing shutdown rule
  desc: the user's own
  condition: spawned_process and proc.name = shutdown
  output: shutdown (user=%user.name)
  priority: WARNING
  tags: [mitre_impact, T1529]
- rule: Users own broken rule
  desc: not the draft's problem
  condition: spawned_process and proc.nonexistent_field = x
  output: broken (user=%user.name)
  priority: WARNING
`;
const draft = (name: string, condition = 'spawned_process and proc.name in (reboot, halt)') =>
  `- rule: ${name}\n  desc: A reboot or halt command ran.\n  condition: ${condition}\n  output: Reboot requested (user=%user.name command=%proc.cmdline)\n  priority: WARNING\n  tags: [host, mitre_impact, T1529]\n`;

async function context(): Promise<DraftContext> {
  return { ruleset: rulesetFromTexts([{ path: 'user.yaml', text: USER_RULES }]), fields: readFieldCatalog(), catalog: await miniCatalog(), sourcePlatforms: readSourcePlatforms() };
}

describe('validateDraft', () => {
  it('passes a good draft that uses a macro of the user ruleset, and ignores the problems of the user\'s own rules', async () => {
    expect(validateDraft(draft('Reboot or halt'), 'draft.yaml', await context())).toEqual([]);
  });

  it('refuses a name the ruleset already has, before the other problems', async () => {
    const issues = validateDraft(draft('Existing shutdown rule', 'spawned_process and proc.bogus = 1'), 'draft.yaml', await context());
    expect(issues[0]).toEqual({ code: 'name-taken', severity: 'error', file: 'draft.yaml', line: 1, column: 3, item: 'Existing shutdown rule', message: 'the ruleset already has a rule named "Existing shutdown rule"; choose another name' });
    expect(issues.slice(1).map((i) => i.code)).toContain('unknown-field');
  });

  it('checks the draft in place of the rule it shares a name with, not beside it', async () => {
    // The user's rule of that name is fine; the draft's condition is what gets checked.
    const issues = validateDraft(draft('Existing shutdown rule', 'spawned_process and proc.bogus = 1'), 'draft.yaml', await context());
    expect(issues.filter((i) => i.code === 'unknown-field')).toHaveLength(1);
    expect(issues.find((i) => i.code === 'unknown-field')!.item).toBe('Existing shutdown rule');
  });

  it('fails a draft holding a character nobody can see: a zero-width space in a value, a bidi override in the output', async () => {
    // A reviewer reads "re\u200bboot" as reboot; Falco compares it as written and never matches reboot.
    const hidden = validateDraft(draft('Reboot or halt', 'spawned_process and proc.name in (re\u200bboot, halt)'), 'draft.yaml', await context());
    expect(hidden).toEqual([{ code: 'invisible-character', severity: 'warning', file: 'draft.yaml', line: 3, column: 3, item: 'Reboot or halt', message: 'condition holds U+200B, a character that cannot be seen (control, zero-width or bidi), at 1:37 of its text: a reader does not see what Falco reads; remove it' }]);
    const reversed = validateDraft(draft('Reboot or halt').replace('Reboot requested', 'Reboot \u202erequested'), 'draft.yaml', await context());
    expect(reversed.map((i) => [i.code, i.line, i.message.split(',')[0]])).toEqual([['invisible-character', 4, 'output holds U+202E']]);
  });

  it('refuses a plugin-source draft whose condition narrows nothing: exists tests only, negations only, a test or its negation', async () => {
    // QA: "ka.verb exists" and "ka.verb = create or not ka.verb = create" passed for k8s_audit.
    const k8s = (condition: string) => `- rule: Deploy container via API\n  desc: A pod was created.\n  condition: ${condition}\n  output: Pod created (user=%ka.user.name)\n  priority: WARNING\n  source: k8s_audit\n  tags: [k8s, mitre_execution, T1610]\n`;
    const codes = async (condition: string) => validateDraft(k8s(condition), 'draft.yaml', await context()).map((i) => `${i.code} ${i.line}`);
    const tooBroad = 'too-broad 3';
    expect(await codes('ka.verb exists')).toEqual([tooBroad]);
    expect(await codes('ka.verb = create or not ka.verb = create')).toEqual([tooBroad]);
    expect(await codes('not ka.verb in (get, list) and ka.target.resource exists')).toEqual([tooBroad]);
    expect(await codes('ka.verb = create or ka.target.resource exists')).toEqual([tooBroad]);
    // Narrowing on one field is enough to pass (a CloudTrail event name alone is a fine rule); so is either side of an or that both narrow.
    expect(await codes('ka.verb = create')).toEqual([]);
    expect(await codes('ka.verb = create and ka.target.resource = pods and not ka.user.name startswith "system:"')).toEqual([]);
    expect(await codes('(ka.verb = create or ka.verb = update) and ka.target.resource = pods')).toEqual([]);
    expect(await codes('ka.verb = create or ka.verb = update')).toEqual([]);
    expect(await codes('ka.verb = create or not ka.user.name = admin')).toEqual([tooBroad]);
    // A macro of the ruleset is trusted to narrow (this one is unknown: that is its own error, not breadth).
    expect(await codes('k8s_pod_created')).toEqual(['unknown-macro 3']);
    // Syscall drafts are held to the event-type check and the benign corpus, not to this.
    expect(validateDraft(draft('Reboot or halt', 'spawned_process and proc.name exists'), 'draft.yaml', await context()).map((i) => i.code)).not.toContain('too-broad');
  });

  it('refuses a plugin-source draft whose only tests match every value: a negative test, "" after contains/startswith/endswith, a glob of only *, pmatch (/), a field against itself', async () => {
    // QA: "ka.verb != qa_nonexistent_verb", 'ka.verb contains ""', 'ka.verb startswith ""' and 'ka.verb glob "*"' passed for k8s_audit.
    const k8s = (condition: string) => `- rule: Deploy container via API\n  desc: A pod was created.\n  condition: ${condition}\n  output: Pod created (user=%ka.user.name)\n  priority: WARNING\n  source: k8s_audit\n  tags: [k8s, mitre_execution, T1610]\n`;
    const ctx = await context();
    const codes = (condition: string) => validateDraft(k8s(condition), 'draft.yaml', ctx).map((i) => `${i.code} ${i.line}`);
    const broad = [
      'ka.verb != qa_nonexistent_verb',
      'ka.verb = create or ka.verb != create',
      'ka.verb != get and ka.verb != list',
      'ka.verb contains ""',
      "ka.verb icontains ''",
      'tolower(ka.verb) startswith ""',
      'ka.verb endswith ""',
      'ka.verb glob "*"',
      'ka.verb iglob **',
      // QA: every non-empty value, every value on one line.
      'ka.verb glob "?*"',
      'ka.verb glob "*?*"',
      'ka.verb regex ".*"',
      'ka.verb regex "^(.+)$"',
      'ka.uri pmatch (/)',
      'ka.uri pmatch (/api, "")',
      'ka.verb = val(ka.verb)',
      'ka.verb contains ""  and ka.target.resource exists',
      '(ka.verb startswith "" or ka.verb = create) and not ka.verb in (get)',
    ];
    for (const condition of broad) expect(codes(condition), condition).toEqual(['too-broad 3']);
    expect(validateDraft(k8s('ka.verb glob "*"'), 'draft.yaml', ctx)[0]!.message).toMatch(/^the condition has no positive test that narrows the events \(only exists tests, negative tests such as != or not … in, tests every value passes such as contains "", glob "\*" or regex "\.\*", or a test or its negation\)/);
    // One positive test that not every value passes is enough; a negative test beside it narrows further.
    const narrow = [
      'ka.verb != get and ka.verb = create',
      'ka.verb contains "cre"',
      'ka.verb startswith c',
      'ka.verb glob "cr*"',
      'ka.uri pmatch (/api)',
      'ka.verb = val(ka.uri)',
      'ka.verb in (create, update) and ka.target.resource glob "*"',
    ];
    for (const condition of narrow) expect(codes(condition), condition).toEqual([]);
  });

  it('counts as narrowing what only looks like a test every value passes: = "*", a glob with more than *, a field against a transformed or other-argument copy of itself', async () => {
    const k8s = (condition: string) => `- rule: Deploy container via API\n  desc: A pod was created.\n  condition: ${condition}\n  output: Pod created (user=%ka.user.name)\n  priority: WARNING\n  source: k8s_audit\n  tags: [k8s, mitre_execution, T1610]\n`;
    const ctx = await context();
    const codes = (condition: string) => validateDraft(k8s(condition), 'draft.yaml', ctx).map((i) => `${i.code} ${i.line}`);
    // "*" is a wildcard only to glob and iglob; a glob that ends in more than * (a suffix) does not pass every value.
    // ".*" is a pattern only to regex: `= ".*"` is the one value.
    for (const condition of ['ka.verb = "*"', 'ka.verb = ".*"', 'ka.verb in (".*")', 'ka.verb glob "*create"', 'ka.verb iglob "**x"', 'ka.verb glob "??*"', 'ka.verb glob "?"', 'ka.verb regex ".*x"', 'ka.verb regex "^.$"', 'ka.verb regex "(.*)(.*)"']) expect(codes(condition), condition).toEqual([]);
    // A path of no components is every path only to pmatch: `in (/)` is the one value "/".
    for (const condition of ['ka.uri in (/)', 'ka.uri in ("")']) expect(codes(condition), condition).toEqual([]);
    // The same field on the right only when val() is all that wraps it, and with the same argument.
    for (const condition of ['ka.verb = tolower(ka.verb)', 'jevt.value[/verb] = val(jevt.value[/stage])', 'ka.verb = val(ka.uri)']) expect(codes(condition), condition).toEqual([]);
    for (const condition of ['tolower(ka.verb) = tolower(ka.verb)', 'jevt.value[/verb] = val(jevt.value[/verb])']) expect(codes(condition), condition).toEqual(['too-broad 3']);
  });

  it('reports YAML that does not parse as one error at the top of the draft', async () => {
    const issues = validateDraft('- rule: x\n  condition: [unclosed\n', 'draft.yaml', await context());
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'yaml', severity: 'error', file: 'draft.yaml', line: 1, column: 1, item: '' });
    expect(issues[0]!.message).toMatch(/^draft\.yaml/);
  });
});

describe('describeIssue', () => {
  it('reads as the model and the header see it', () => {
    expect(describeIssue({ code: 'unknown-field', severity: 'error', file: 'd.yaml', line: 4, column: 3, item: 'r', message: 'condition 1:21: no field x' })).toBe('line 4: unknown-field: condition 1:21: no field x');
  });
});
