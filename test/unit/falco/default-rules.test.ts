// Without --rules: Falco's standard locations where present, else the pinned official rules, downloaded
// (here from a server on 127.0.0.1 standing in for GitHub) and cached.
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../../src/falco/load.js';
import { readUpstream } from '../../../src/upstream.js';
import { serve, startServer, type TestServer } from '../../helpers/http-server.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

let server: TestServer;
const { tag } = readUpstream().falcoRules;

beforeAll(async () => {
  server = await startServer({
    [`/${tag}/falco_rules.yaml`]: serve(await readFile(fixture('rules', 'conventional.yaml')), 'text/yaml'),
    '/broken/falco_rules.yaml': serve(Buffer.from('rule: [not a list'), 'text/yaml'),
  });
});
afterAll(() => server.close());

describe('default rules', () => {
  it('uses the standard locations when they exist (a directory means its *.yaml files)', async () => {
    const { ruleset, origin } = await loadRules(undefined, { cacheRoot: '/nonexistent', cwd: repoRoot, standardLocations: ['/nonexistent/falco_rules.yaml', fixture('rules', 'rules.d')] });
    expect(origin).toBe('standard-locations');
    expect(ruleset.files).toHaveLength(2);
  });

  it('downloads the pinned official rules into the cache when no standard location exists', async () => {
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
    process.env.ATTACK_COV_FALCO_RULES_MIRROR = server.url('/{tag}/{file}');
    try {
      const first = await loadRules(undefined, { cacheRoot, cwd: repoRoot, standardLocations: ['/nonexistent'], download: { backoffMs: 5 } });
      expect(first.origin).toBe('official-download');
      expect(first.ruleset.rules.map((r) => r.name)).toEqual(['Shell in container', 'Escape attempt']);
      expect(first.ruleset.files[0]!.url).toBe(server.url(`/${tag}/falco_rules.yaml`));
      expect(await readdir(path.join(cacheRoot, 'falco-rules', tag))).toEqual(['falco_rules.yaml']);
      const second = await loadRules(undefined, { cacheRoot, cwd: repoRoot, standardLocations: ['/nonexistent'] });
      expect(second.ruleset.rules).toHaveLength(2);
      expect(server.calls(`/${tag}/falco_rules.yaml`)).toBe(1);
    } finally {
      delete process.env.ATTACK_COV_FALCO_RULES_MIRROR;
    }
  });

  it('does not cache a download that is not a rules file', async () => {
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
    process.env.ATTACK_COV_FALCO_RULES_MIRROR = server.url('/broken/{file}');
    try {
      await expect(loadRules(undefined, { cacheRoot, cwd: repoRoot, standardLocations: ['/nonexistent'] })).rejects.toThrow(/falco_rules\.yaml:1:\d+: YAML syntax error/);
      // Not even the directories the failed download made.
      expect(await readdir(cacheRoot, { recursive: true })).toEqual([]);
    } finally {
      delete process.env.ATTACK_COV_FALCO_RULES_MIRROR;
    }
  });
});
