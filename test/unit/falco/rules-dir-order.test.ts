// A rules directory is read in name order, as Falco reads rules.d (alphabetically), whatever order the
// filesystem lists it in: the listing is handed over reversed here, since this machine's filesystem happens to
// list in name order and would hide a loader that forgot to sort.
import { describe, expect, it, vi } from 'vitest';
import { loadRules, readRulesTexts } from '../../../src/falco/load.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

vi.mock('../../../src/falco/read-guard.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/falco/read-guard.js')>();
  return { ...original, listRulesDir: async (dir: string) => (await original.listRulesDir(dir)).sort().reverse() };
});

describe('a rules directory listed out of order', () => {
  const inOrder = ['test/fixtures/rules/rules.d/10-first.yaml', 'test/fixtures/rules/rules.d/20-second.yaml'];

  it('is loaded in name order', async () => {
    const { ruleset } = await loadRules([fixture('rules', 'rules.d')], { cacheRoot: '/nonexistent', cwd: repoRoot });
    expect(ruleset.files.map((f) => f.path)).toEqual(inOrder);
  });

  it('is read as text in name order', async () => {
    expect((await readRulesTexts([fixture('rules', 'rules.d')], repoRoot)).map((t) => t.path)).toEqual(inOrder);
  });
});
