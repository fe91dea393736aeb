// src/falco/parse.ts's OTHER_ITEM_KEYS, each member, read by the item schema check: a top-level item holding
// required_engine_version, required_plugin_versions or exception is one Falco reads, not an unknown item. The modules
// are loaded afresh in each test (vi.resetModules): the list is made when parse.ts loads, so only a test that loads it
// sees a change to it.
import { describe, expect, it, vi } from 'vitest';

async function issuesOf(text: string): Promise<string[]> {
  vi.resetModules();
  const { parseRulesText } = await import('../../../src/falco/parse.js');
  const { checkItemSchema } = await import('../../../src/validate/schema.js');
  return parseRulesText(text, 'r.yaml').flatMap((item) => checkItemSchema(item, new Set(['syscall']))).map((i) => i.code);
}

describe('parse.ts OTHER_ITEM_KEYS, each member', () => {
  it('items Falco reads that are no rule, macro or list are not unknown items; anything else is', async () => {
    expect(await issuesOf('- required_engine_version: 0.50.0\n')).toEqual([]);
    expect(await issuesOf('- required_plugin_versions:\n  - name: k8saudit\n    version: 0.7.0\n')).toEqual([]);
    expect(await issuesOf('- exception: x\n')).not.toContain('unknown-item');
    expect(await issuesOf('- required_version: 1\n')).toEqual(['unknown-item']);
  });
});
