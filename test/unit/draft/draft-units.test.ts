// The pure parts of drafting: reading the model's answer, the draft file, the source choice.
import { describe, expect, it } from 'vitest';
import { parseRulesText } from '../../../src/falco/parse.js';
import { draftTags, readDraftAnswer, renderDraftFile } from '../../../src/draft/draft-file.js';
import { chooseSource, namesOfSource } from '../../../src/draft/grounding.js';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import { ChatClient, extractJson } from '../../../src/draft/llm-client.js';
import { readSourcePlatforms } from '../../../src/upstream.js';
import { miniCatalog } from '../../helpers/load.js';

describe('extractJson', () => {
  it('reads plain JSON, fenced JSON and JSON inside prose', () => {
    expect(extractJson('{"a":1}')).toEqual({ value: { a: 1 } });
    expect(extractJson('Here:\n```json\n{"a":2}\n```\nDone.')).toEqual({ value: { a: 2 } });
    expect(extractJson('The rule is {"a":3} as asked.')).toEqual({ value: { a: 3 } });
    expect(extractJson('no json here')).toMatchObject({ error: expect.stringContaining('not a JSON object') });
  });
});

describe('readDraftAnswer', () => {
  it('lists missing and empty keys', () => {
    expect(readDraftAnswer({ rule: 'x', desc: '', condition: 'a' })).toEqual({
      errors: ['"desc" is missing or not a non-empty string', '"output" is missing or not a non-empty string', '"priority" is missing or not a non-empty string'],
    });
    expect(readDraftAnswer([])).toHaveProperty('errors');
  });
});

describe('the draft file', async () => {
  const technique = (await miniCatalog()).techniques.get('T1529')!;
  it('is a loadable rules file whose header no model text can break out of', () => {
    const rule = { rule: 'R\n- rule: injected', desc: 'line\nbreak', condition: 'evt.type = reboot', output: 'o', priority: 'WARNING' };
    const text = renderDraftFile(rule, draftTags(technique, 'syscall'), 'syscall', {
      tool: 'attack-cov test', model: 'm\n- rule: evil', date: 'd', technique, validation: 'passed', notes: ['a\nb'],
    });
    const items = parseRulesText(text, 'd.yaml');
    expect(items).toHaveLength(1);
    expect(items[0]!.fields).toMatchObject({ rule: 'R\n- rule: injected', enabled: 'false', tags: ['maturity_sandbox', 'attack_cov_draft', 'host', 'container', 'mitre_impact', 'T1529'] });
    expect(text.split('\n').filter((l) => !l.startsWith('#') && l.startsWith('- '))).toHaveLength(1);
  });
  it('takes its source from the technique platforms', async () => {
    const catalog = await miniCatalog();
    expect(chooseSource(catalog.techniques.get('T1529')!, readSourcePlatforms())).toBe('syscall');
    expect(chooseSource(catalog.techniques.get('T1530')!, readSourcePlatforms())).toBe('aws_cloudtrail');
  });
});

// Review finding: a syscall draft was offered k8s audit lists, a CloudTrail one spawned_process. Macros and lists
// carry no source: they belong to the source whose rules reach them, or whose fields a macro names.
describe('the macros and lists a draft may use', () => {
  const ruleset = rulesetFromTexts([{ path: 'r.yaml', text: [
    '- list: shells', '  items: [bash]', '- list: k8s_users', '  items: [admin]', '- list: unused', '  items: [x]',
    '- macro: spawned', '  condition: evt.type = execve', '- macro: shell_spawned', '  condition: spawned and proc.name in (shells)',
    '- macro: k8s_admin', '  condition: ka.user.name in (k8s_users)', '- macro: ct_console', '  condition: ct.name = ConsoleLogin',
    '- rule: Shell', '  desc: d', '  condition: shell_spawned', '  output: o', '  priority: WARNING',
    '- rule: Admin', '  desc: d', '  condition: k8s_admin', '  output: o', '  priority: WARNING', '  source: k8s_audit', '',
  ].join('\n') }]);
  it('follows the source\'s rules through macros of any depth, and takes macros naming the source\'s fields', () => {
    expect([...namesOfSource(ruleset, 'syscall', ['proc.name'])].sort()).toEqual(['shell_spawned', 'shells', 'spawned']);
    expect([...namesOfSource(ruleset, 'k8s_audit', ['ka.user.name'])].sort()).toEqual(['k8s_admin', 'k8s_users']);
    // No CloudTrail rule: only the macro over its fields.
    expect([...namesOfSource(ruleset, 'aws_cloudtrail', ['ct.name'])]).toEqual(['ct_console']);
  });
});

describe('ChatClient.redact', () => {
  it('scrubs the key from any text', () => {
    const client = new ChatClient({ baseUrl: 'http://x', model: 'm', apiKey: 'sk-abcdef', timeoutMs: 1, attempts: 1, backoffMs: 1 });
    expect(client.redact('Bearer sk-abcdef failed; sk-abcdef')).toBe('Bearer [redacted] failed; [redacted]');
  });
});
