// Without --rules: Falco's standard locations where present, else the official rules embedded in
// attack-cov (no download). `official…` specs name the embedded sets; `official@<ref>` downloads another
// tag (here from a server on 127.0.0.1 standing in for GitHub) and caches it.
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkRulesPaths, checkRulesRef, defaultRulesPaths, loadRules, officialRulesCachePath, parseOfficialSpec } from '../../../src/falco/load.js';
import { mkdir } from 'node:fs/promises';
import { InputError, NetworkError, UsageError } from '../../../src/errors.js';
import { usageError } from '../../helpers/analysis-builders.js';
import { rejection } from '../../helpers/errors.js';
import { serve, startServer, type TestServer } from '../../helpers/http-server.js';
import { fixture, repoRoot } from '../../helpers/paths.js';

let server: TestServer;
const REF = 'falco-rules-9.9.9';
const NO_DOWNLOAD = { attempts: 1, timeoutMs: 50 };

beforeAll(async () => {
  server = await startServer({
    [`/${REF}/falco_rules.yaml`]: serve(await readFile(fixture('rules', 'conventional.yaml')), 'text/yaml'),
    '/broken/falco_rules.yaml': serve(Buffer.from('rule: [not a list'), 'text/yaml'),
    [`/${REF}/falco-incubating_rules.yaml`]: serve(Buffer.from('- rule: Incubating rule\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: NOTICE\n'), 'text/yaml'),
    [`/${REF}/falco-sandbox_rules.yaml`]: serve(Buffer.from('- rule: Sandbox rule\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: NOTICE\n'), 'text/yaml'),
    // Two tags that the old cache slot (every '/' as '_') put in one folder.
    '/tags/v1%2Fx/falco_rules.yaml': serve(Buffer.from('- rule: Shell in container\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n'), 'text/yaml'),
    '/tags/v1_x/falco_rules.yaml': serve(Buffer.from('- rule: Escape attempt\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n'), 'text/yaml'),
  });
});
afterAll(() => server.close());
afterEach(() => {
  delete process.env.ATTACK_COV_FALCO_RULES_MIRROR;
});

const tempCache = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));

describe('defaultRulesPaths (what validate reads without paths)', () => {
  it('is the files of the standard locations that exist, a folder as its rules files, else official', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-rules.d-'));
    expect(await defaultRulesPaths(['/nonexistent/falco_rules.yaml', fixture('rules', 'rules.d'), empty])).toEqual((await readdir(fixture('rules', 'rules.d'))).filter((n) => /\.ya?ml$/.test(n)).sort().map((n) => path.join(fixture('rules', 'rules.d'), n)));
    expect(await defaultRulesPaths([fixture('rules', 'base.yaml')])).toEqual([fixture('rules', 'base.yaml')]);
    // Nothing there, or only an empty folder: the official rules, not an error.
    expect(await defaultRulesPaths(['/nonexistent/falco_rules.yaml', empty])).toEqual(['official']);
    expect(await defaultRulesPaths([])).toEqual(['official']);
  });
});

describe('checkRulesPaths', () => {
  it('throws for a path that names no rules file, reads nothing for one that does', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-rules-empty-'));
    await mkdir(path.join(empty, 'sub'));
    await expect(checkRulesPaths([fixture('rules', 'base.yaml'), 'official'])).resolves.toBeUndefined();
    expect((await rejection(checkRulesPaths(['/nonexistent/r.yaml']), InputError)).message).toMatch(/^\/nonexistent\/r\.yaml: no such file or directory/);
    expect((await rejection(checkRulesPaths([empty]), InputError)).message).toMatch(/no \*\.yaml rules files found/);
  });
});

describe('default rules', () => {
  it('uses the standard locations when they exist (a directory means its *.yaml files)', async () => {
    const { ruleset, origin } = await loadRules(undefined, { cacheRoot: '/nonexistent', cwd: repoRoot, standardLocations: ['/nonexistent/falco_rules.yaml', fixture('rules', 'rules.d')] });
    expect(origin).toBe('standard-locations');
    expect(ruleset.files).toHaveLength(2);
  });

  it('uses the embedded official stable rules when no standard location exists, downloading nothing', async () => {
    const cacheRoot = await tempCache();
    const loaded = await loadRules(undefined, { cacheRoot, cwd: repoRoot, standardLocations: ['/nonexistent'], download: NO_DOWNLOAD });
    expect(loaded.origin).toBe('official-default');
    expect(loaded.ruleset.files.map((f) => f.path)).toEqual(['official:falco_rules.yaml@c72713e']);
    expect(loaded.ruleset.files[0]!.url).toBeUndefined();
    expect(loaded.ruleset.rules.length).toBe(25);
    expect(loaded.localFiles[0]).toBe(path.join(repoRoot, 'data', 'embedded', 'falco-rules', 'falco_rules.yaml'));
    expect(await readdir(cacheRoot)).toEqual([]);
  });
});

describe('official rules specs', () => {
  it.each([
    ['official', ['falco_rules.yaml']],
    ['official:stable', ['falco_rules.yaml']],
    ['official:all', ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml']],
    ['official:sandbox', ['falco-sandbox_rules.yaml']],
    ['official:k8saudit', ['k8s_audit_rules.yaml']],
    ['official:falco-incubating_rules.yaml', ['falco-incubating_rules.yaml']],
  ])('%s names %j', (spec, files) => {
    expect(parseOfficialSpec(spec)).toEqual({ files });
  });

  it('treats @ the embedded ref as the embedded copy, and another ref as a download', () => {
    expect(parseOfficialSpec('official@c72713e')).toEqual({ files: ['falco_rules.yaml'] });
    expect(parseOfficialSpec(`official:all@${REF}`)).toEqual({ files: ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'], ref: REF });
  });

  it('refuses an unknown set with the sets it knows, and a name inherited from Object as no set', () => {
    for (const set of ['nightly', 'constructor', 'toString']) {
      const error = usageError(() => parseOfficialSpec(`official:${set}`));
      expect([error.message, error.hint]).toEqual([`unknown official rules set: ${set}`, 'use official (stable, as Falco installs it), or official:stable, official:incubating, official:sandbox, official:all, official:k8saudit']);
    }
  });

  it('refuses what is no official spec', () => {
    const error = usageError(() => parseOfficialSpec('officials'));
    expect(error.message).toBe('not an official rules spec: officials');
  });

  it('loads official:all in order, mixed with a file of the user\'s', async () => {
    const { ruleset, origin } = await loadRules(['official:all', fixture('rules', 'base.yaml')], { cacheRoot: '/nonexistent', cwd: repoRoot, sourceRoot: repoRoot });
    expect(origin).toBe('given');
    expect(ruleset.files.map((f) => f.path)).toEqual([
      'official:falco_rules.yaml@c72713e',
      'official:falco-incubating_rules.yaml@c72713e',
      'official:falco-sandbox_rules.yaml@c72713e',
      'test/fixtures/rules/base.yaml',
    ]);
    expect(ruleset.rules.filter((r) => r.position.file.startsWith('official:')).length).toBe(93);
  });

  it('loads the embedded k8saudit plugin rules with their source', async () => {
    const { ruleset } = await loadRules(['official:k8saudit'], { cacheRoot: '/nonexistent', cwd: repoRoot });
    expect(ruleset.files.map((f) => f.path)).toEqual(['official:k8s_audit_rules.yaml@0b3cbd8d84']);
    expect(ruleset.rules.length).toBe(48);
    expect(new Set(ruleset.rules.map((r) => r.source))).toEqual(new Set(['k8s_audit']));
  });

  it('downloads official@<another tag> into the cache once, named by the tag', async () => {
    const cacheRoot = await tempCache();
    process.env.ATTACK_COV_FALCO_RULES_MIRROR = server.url('/{tag}/{file}');
    try {
      const first = await loadRules([`official@${REF}`], { cacheRoot, cwd: repoRoot, download: { backoffMs: 5 } });
      expect(first.ruleset.rules.map((r) => r.name)).toEqual(['Shell in container', 'Escape attempt']);
      expect(first.ruleset.files).toEqual([expect.objectContaining({ path: `official:falco_rules.yaml@${REF}`, url: server.url(`/${REF}/falco_rules.yaml`) })]);
      expect(await readdir(path.join(cacheRoot, 'falco-rules', REF))).toEqual(['falco_rules.yaml']);
      const second = await loadRules([`official@${REF}`], { cacheRoot, cwd: repoRoot });
      expect(second.ruleset.rules).toHaveLength(2);
      expect(server.calls(`/${REF}/falco_rules.yaml`)).toBe(1);
    } finally {
      delete process.env.ATTACK_COV_FALCO_RULES_MIRROR;
    }
  });

  it('offline, names the way in: cache add of the file for that tag (a download that reached nothing only)', async () => {
    const cacheRoot = await tempCache();
    process.env.ATTACK_COV_FALCO_RULES_MIRROR = 'http://127.0.0.1:9/{tag}/{file}';
    try {
      const error = await loadRules([`official@${REF}`], { cacheRoot, cwd: repoRoot, download: { attempts: 1 } }).then(() => undefined, (e: unknown) => e as NetworkError);
      expect(error?.hint).toBe(`check the network or proxy, or pass a local file instead (--attack FILE, --rules FILE); without network, add a copy to the cache once: attack-cov cache add falco_rules.yaml --rules-ref ${REF}`);
    } finally {
      delete process.env.ATTACK_COV_FALCO_RULES_MIRROR;
    }
  });

  it('refuses a ref no git tag can have (it could leave falco-rules/ of the cache), before any download', async () => {
    for (const ref of ['..', '.', 'a/../b', '-x', '/abs', 'v1/', 'v1//x', '.hidden', 'v1.', 'v1.lock']) {
      expect(() => parseOfficialSpec(`official@${ref}`)).toThrow(UsageError);
      expect(() => parseOfficialSpec(`official@${ref}`)).toThrow(`official@${ref}: ${ref} is not a git tag or branch name`);
    }
    expect(parseOfficialSpec('official@release/v1.2').ref).toBe('release/v1.2');
  });

  it('checkRulesRef (also what cache add --rules-ref passes) refuses characters no ref here may have, and names the flag', () => {
    for (const ref of ['v1 x', 'v1~1', 'v1^', 'v1:x', 'v1?', 'v1*', 'v1[', 'v1\\x', '@{x}', 'é', '', 'v1\nx']) {
      const error = usageError(() => checkRulesRef(ref, '--rules-ref'));
      expect([error.message, error.hint]).toEqual([`--rules-ref: ${ref} is not a git tag or branch name`, 'name a falcosecurity/rules tag, such as falco-rules-5.0.0']);
    }
    // A part (not only the whole ref) may neither start with '.' nor end with '.lock'.
    for (const ref of ['a/.x', 'a/b.lock/c', 'a/b.lock']) expect(() => checkRulesRef(ref, '--rules-ref'), ref).toThrow(UsageError);
    for (const ref of ['a.b', 'v1-x', 'release/v1.2', 'a_b', 'v1.locked', 'a/b.c']) expect(() => checkRulesRef(ref, '--rules-ref'), ref).not.toThrow();
  });

  it('refuses a ref longer than one cache folder name can be (255 characters as stored), naming its length (QA)', () => {
    // Stored percent-encoded: 255 characters is the longest slot; a / counts three (%2F).
    expect(() => checkRulesRef('a'.repeat(255), '--rules-ref')).not.toThrow();
    const long = usageError(() => checkRulesRef('a'.repeat(256), '--rules-ref'));
    expect([long.message, long.hint]).toEqual(['--rules-ref: a tag or branch name of 256 characters, longer than attack-cov can keep (at most 255 as stored, here 256)', 'name a falcosecurity/rules tag, such as falco-rules-5.0.0']);
    const slashes = `${'a/'.repeat(84)}b`;
    expect(usageError(() => checkRulesRef(slashes, `official@${slashes}`)).message).toBe(`official@${slashes.slice(0, 51)}…: a tag or branch name of 169 characters, longer than attack-cov can keep (at most 255 as stored, here 337)`);
    // The spec as shown: whole up to 60 characters, cut after 60 beyond (a spec passed as the caller names it).
    expect(usageError(() => checkRulesRef('a'.repeat(256), 's'.repeat(60))).message).toMatch(/^s{60}: a tag/);
    expect(usageError(() => checkRulesRef('a'.repeat(256), 's'.repeat(61))).message).toMatch(/^s{60}…: a tag/);
  });

  it('keeps each ref in a cache slot of its own, percent-encoded', () => {
    expect(officialRulesCachePath('/cache', 'release/v1.2', 'falco_rules.yaml')).toBe(path.join('/cache', 'falco-rules', 'release%2Fv1.2', 'falco_rules.yaml'));
  });

  it('keeps tags apart in the cache: official@v1/x and official@v1_x never share a slot', async () => {
    const cacheRoot = await tempCache();
    process.env.ATTACK_COV_FALCO_RULES_MIRROR = server.url('/tags/{tag}/{file}');
    await loadRules(['official@v1/x'], { cacheRoot, cwd: repoRoot, download: { backoffMs: 5 } });
    const other = await loadRules(['official@v1_x'], { cacheRoot, cwd: repoRoot, download: { backoffMs: 5 } });
    expect(other.ruleset.rules.map((r) => r.name)).toEqual(['Escape attempt']);
    expect((await readdir(path.join(cacheRoot, 'falco-rules'))).sort()).toEqual(['v1%2Fx', 'v1_x']);
  });

  it('downloads official:all@<another tag>: the stable, incubating and sandbox files of that tag, in order', async () => {
    const cacheRoot = await tempCache();
    process.env.ATTACK_COV_FALCO_RULES_MIRROR = server.url('/{tag}/{file}');
    const { ruleset } = await loadRules([`official:all@${REF}`], { cacheRoot, cwd: repoRoot, download: { backoffMs: 5 } });
    expect(ruleset.files.map((f) => f.path)).toEqual(['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((name) => `official:${name}@${REF}`));
    expect(ruleset.rules.map((r) => r.name)).toEqual(['Shell in container', 'Escape attempt', 'Incubating rule', 'Sandbox rule']);
  });

  it('refuses an embedded-only file (the k8saudit plugin\'s) at another tag before any download, caching nothing', async () => {
    const cacheRoot = await tempCache();
    process.env.ATTACK_COV_FALCO_RULES_MIRROR = server.url('/{tag}/{file}');
    const error = await rejection(loadRules([`official:k8saudit@${REF}`], { cacheRoot, cwd: repoRoot, download: { backoffMs: 5 } }), UsageError);
    expect([error.message, error.hint]).toEqual([`k8s_audit_rules.yaml is embedded only; it cannot be downloaded at another ref (${REF})`, 'name a file or URL of your own instead']);
    expect(server.calls(`/${REF}/k8s_audit_rules.yaml`)).toBe(0);
    expect(await readdir(cacheRoot)).toEqual([]);
    // Named after a spec that downloads: every spec is checked before any loads, so that one is not fetched either.
    const before = server.calls(`/${REF}/falco_rules.yaml`);
    const second = await rejection(loadRules([`official@${REF}`, `official:k8saudit@${REF}`], { cacheRoot, cwd: repoRoot, download: { backoffMs: 5 } }), UsageError);
    expect(second.message).toBe(`k8s_audit_rules.yaml is embedded only; it cannot be downloaded at another ref (${REF})`);
    expect(server.calls(`/${REF}/falco_rules.yaml`)).toBe(before);
    expect(await readdir(cacheRoot)).toEqual([]);
  });

  it('does not cache a download that is not a rules file', async () => {
    const cacheRoot = await tempCache();
    process.env.ATTACK_COV_FALCO_RULES_MIRROR = server.url('/broken/{file}');
    try {
      await expect(loadRules([`official@${REF}`], { cacheRoot, cwd: repoRoot, download: { backoffMs: 5 } })).rejects.toThrow(/falco_rules\.yaml@falco-rules-9\.9\.9:1:\d+: YAML syntax error/);
      const entries = await readdir(cacheRoot, { recursive: true, withFileTypes: true });
      // No file, and not even the directories the failed download made.
      expect(entries).toEqual([]);
    } finally {
      delete process.env.ATTACK_COV_FALCO_RULES_MIRROR;
    }
  });
});
