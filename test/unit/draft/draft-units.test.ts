// The pure parts of drafting: reading the model's answer, the draft file, the source choice.
import { describe, expect, it } from 'vitest';
import { parseRulesText } from '../../../src/falco/parse.js';
import { draftTags, readDraftAnswer, renderDraftFile } from '../../../src/draft/draft-file.js';
import { chooseSource } from '../../../src/draft/grounding.js';
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
    expect(items[0]!.fields).toMatchObject({ rule: 'R\n- rule: injected', enabled: false, tags: ['maturity_sandbox', 'attack_cov_draft', 'host', 'container', 'mitre_impact', 'T1529'] });
    expect(text.split('\n').filter((l) => !l.startsWith('#') && l.startsWith('- '))).toHaveLength(1);
  });
  it('takes its source from the technique platforms', async () => {
    const catalog = await miniCatalog();
    expect(chooseSource(catalog.techniques.get('T1529')!, readSourcePlatforms())).toBe('syscall');
    expect(chooseSource(catalog.techniques.get('T1530')!, readSourcePlatforms())).toBe('aws_cloudtrail');
  });
});

describe('ChatClient.redact', () => {
  it('scrubs the key from any text', () => {
    const client = new ChatClient({ baseUrl: 'http://x', model: 'm', apiKey: 'sk-abcdef', timeoutMs: 1, attempts: 1, backoffMs: 1 });
    expect(client.redact('Bearer sk-abcdef failed; sk-abcdef')).toBe('Bearer [redacted] failed; [redacted]');
  });
});
