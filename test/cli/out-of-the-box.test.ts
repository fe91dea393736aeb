// A new user's first runs: no --attack, no --rules, no /etc/falco, an empty cache and no network — the
// embedded defaults serve. Outputs name files relative to the source root, never by a machine path.
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { serve, startServer } from '../helpers/http-server.js';
import { MINI_BUNDLE, OFFICIAL_RULES, fixture, repoRoot } from '../helpers/paths.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-new-'));
/** No network: a download attempt would hit this closed port and fail. */
const OFFLINE = { ATTACK_COV_ATTACK_MIRROR: 'http://127.0.0.1:9/{version}.json', ATTACK_COV_FALCO_RULES_MIRROR: 'http://127.0.0.1:9/{tag}/{file}', ATTACK_COV_ATTACK_INDEX: 'http://127.0.0.1:9/index.json' };

async function outputsOf(dir: string): Promise<Map<string, string>> {
  const names = await readdir(dir);
  expect(names.length).toBeGreaterThan(0);
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n), 'utf8')] as [string, string])));
}

describe('report on the embedded defaults', () => {
  it('runs offline with an empty cache, says which defaults it took, and finds T1529 a gap', async () => {
    const cwd = await tempDir();
    const cache = path.join(cwd, 'cache');
    const result = await runCli(['report', '--out', 'out', '--top', '200'], { cwd, env: { ...OFFLINE, ATTACK_COV_CACHE: cache } });
    expect(result.stderr).not.toMatch(/error|download/i);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ATT&CK from embedded:enterprise-attack-18.1.json.gz');
    expect(result.stdout).toContain('rules: official:falco_rules.yaml@c72713e — no --rules and no /etc/falco');
    expect(result.stdout).toMatch(/T1529\s+System Shutdown\/Reboot/);
    const report = JSON.parse(await readFile(path.join(cwd, 'out', 'report.json'), 'utf8'));
    expect(report.inputs.attack).toMatchObject({ version: '18.1', source: 'embedded:enterprise-attack-18.1.json.gz' });
    expect(report.inputs.rulesOrigin).toBe('official-default');
    expect(report.gaps.map((g: { id: string }) => g.id)).toContain('T1529');
    await expect(readdir(cache)).rejects.toThrow(/ENOENT/); // nothing downloaded, nothing cached
    for (const [name, text] of await outputsOf(path.join(cwd, 'out'))) {
      expect(text, name).not.toContain(cwd);
      expect(text, name).not.toContain(repoRoot);
    }
  });

  it('official:all reads the three embedded files', async () => {
    const cwd = await tempDir();
    const result = await runCli(['report', '--rules', 'official:all', '--out', 'out', '--format', 'json', '-q'], { cwd, env: OFFLINE });
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(path.join(cwd, 'out', 'report.json'), 'utf8'));
    expect(report.inputs.rules.map((r: { path: string }) => r.path)).toEqual([
      'official:falco_rules.yaml@c72713e', 'official:falco-incubating_rules.yaml@c72713e', 'official:falco-sandbox_rules.yaml@c72713e',
    ]);
    expect(report.summary.rules.total).toBe(93);
  });

  it('an unknown official set is a usage error naming the sets', async () => {
    const result = await runCli(['lint', '--rules', 'official:nightly'], { env: OFFLINE });
    expectOneLineError(result, /^error: /);
    expect(result.stderr).toMatch(/^error: unknown official rules set: nightly\nhint: use official \(stable, as Falco installs it\), or official:stable, official:incubating, official:sandbox, official:all, official:k8saudit\n$/);
  });
});

describe('portable paths', () => {
  /** A repository (its .git marks the root) with rules two folders down, and a file outside it. */
  async function repository(): Promise<{ root: string; outside: string }> {
    const base = await tempDir();
    const root = path.join(base, 'repo');
    await mkdir(path.join(root, '.git'), { recursive: true });
    await mkdir(path.join(root, 'deploy', 'rules'), { recursive: true });
    await cp(fixture('rules', 'tactic-mismatch.yaml'), path.join(root, 'deploy', 'rules', 'team.yaml'));
    const outside = path.join(base, 'elsewhere.yaml');
    await cp(fixture('rules', 'base.yaml'), outside);
    return { root, outside };
  }

  it('names files relative to the git work tree holding the rules, from any working directory', async () => {
    const { root, outside } = await repository();
    const cwd = await tempDir();
    const result = await runCli(['report', '--attack', MINI_BUNDLE, '--rules', path.join(root, 'deploy', 'rules'), outside, '--out', path.join(cwd, 'out'), '-q'], { cwd, env: OFFLINE });
    expect(result.code).toBe(0);
    const outputs = await outputsOf(path.join(cwd, 'out'));
    const report = JSON.parse(outputs.get('report.json')!);
    expect(report.inputs.rules).toEqual([
      expect.objectContaining({ path: 'deploy/rules/team.yaml' }),
      expect.objectContaining({ path: 'elsewhere.yaml', note: 'outside the source root: named by its base name, with the folders above it that tell it from another file of that name' }),
    ]);
    expect(report.findings.map((f: { file: string }) => f.file)).toContain('deploy/rules/team.yaml');
    const sarif = JSON.parse(outputs.get('findings.sarif')!);
    const location = sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    expect(location).toEqual({ uri: 'deploy/rules/team.yaml', uriBaseId: '%SRCROOT%' });
    expect(Object.keys(sarif.runs[0].originalUriBaseIds)).toEqual(['%SRCROOT%']);
    expect(outputs.size).toBeGreaterThan(5);
    for (const [name, text] of outputs) {
      expect(text, name).not.toContain(root);
      expect(text, name).not.toContain(os.tmpdir());
      expect(text, name).not.toContain('../');
    }
  });

  it('--source-root overrides the default', async () => {
    const { root } = await repository();
    const result = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', path.join(root, 'deploy', 'rules', 'team.yaml'), '--source-root', path.join(root, 'deploy'), '--format', 'json'], { env: OFFLINE });
    const findings = JSON.parse(result.stdout).findings as { file: string }[];
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => f.file))).toEqual(new Set(['rules/team.yaml']));
  });

  it('refuses a --source-root that is no folder, rather than naming every file by its base name', async () => {
    const { root } = await repository();
    const team = path.join(root, 'deploy', 'rules', 'team.yaml');
    const lint = (sourceRoot: string) => runCli(['lint', '--attack', MINI_BUNDLE, '--rules', team, '--source-root', sourceRoot], { env: OFFLINE });
    expectOneLineError(await lint(path.join(root, 'nope')), /^error: --source-root \(or source-root in \.attack-cov\.yaml\) .*nope: no such directory$/);
    expectOneLineError(await lint(team), /^error: --source-root \(or source-root in \.attack-cov\.yaml\) .*team\.yaml: not a directory$/);
    expectOneLineError(await lint(''), /^error: --source-root "": no value in it$/);
  });
});

describe('cache add', () => {
  it('seeds the cache from a file so that --attack <version> works offline, and lists it', async () => {
    const cwd = await tempDir();
    const env = { ...OFFLINE, ATTACK_COV_CACHE: path.join(cwd, 'cache') };
    const added = await runCli(['cache', 'add', fixture('attack', 'mini-bundle-2.1.json')], { cwd, env });
    expect(added.code).toBe(0);
    expect(added.stderr).toBe('cached ATT&CK 99.1 (--attack 99.1)\n');
    const report = await runCli(['report', '--attack', '99.1', '--rules', fixture('rules', 'base.yaml'), '--out', 'out', '--format', 'json', '-q'], { cwd, env });
    expect(report.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(cwd, 'out', 'report.json'), 'utf8')).inputs.attack).toMatchObject({ version: '99.1', source: 'cache add: mini-bundle-2.1.json' });
    const listed = await runCli(['cache', 'list', '--format', 'json'], { cwd, env });
    // The bundle, and what the report parsed from it and from base.yaml (the warm path's entries), with base.yaml's
    // sha256 remembered (a file of the checkout: settled long ago).
    expect(JSON.parse(listed.stdout).entries.map((e: { path: string }) => e.path.replace(/[0-9a-f]{40}\.bin$/, '*.bin'))).toEqual(['attack/enterprise-attack-99.1.json', 'parsed/catalog/*.bin', 'parsed/files-sha256/*.bin', 'parsed/rules/*.bin']);
  });

  it('is named in the hint when a version cannot be downloaded (offline), and an empty --attack is refused as empty', async () => {
    const cwd = await tempDir();
    const env = { ...OFFLINE, ATTACK_COV_CACHE: path.join(cwd, 'cache') };
    const offline = await runCli(['lint', '--attack', '17.1', '--rules', fixture('rules', 'base.yaml')], { cwd, env });
    expectOneLineError(offline, /^error: download failed: http:\/\/127\.0\.0\.1:9\/17\.1\.json: /);
    expect(offline.stderr).toMatch(/\nhint: check the network or proxy, .*; without network, add a copy of the bundle to the cache once: attack-cov cache add enterprise-attack-17\.1\.json\n$/);
    expectOneLineError(await runCli(['lint', '--attack', '', '--rules', fixture('rules', 'base.yaml')], { cwd, env }), /^error: --attack "": no value in it$/);
    // The same for official rules at a tag (QA: the hint said only to check the network).
    const rules = await runCli(['lint', '--rules', 'official@falco-rules-4.0.0'], { cwd, env });
    expectOneLineError(rules, /^error: download failed: /);
    expect(rules.stderr).toMatch(/\nhint: check the network or proxy, .*; without network, add a copy to the cache once: attack-cov cache add falco_rules\.yaml --rules-ref falco-rules-4\.0\.0\n$/);
  });

  it('seeds an official rules file for a tag, which report.json then says was stored by cache add, not downloaded', async () => {
    const cwd = await tempDir();
    const env = { ...OFFLINE, ATTACK_COV_CACHE: path.join(cwd, 'cache') };
    const added = await runCli(['cache', 'add', OFFICIAL_RULES[0]!, '--rules-ref', 'falco-rules-4.0.0'], { cwd, env });
    expect(added.stderr).toBe('cached official:falco_rules.yaml@falco-rules-4.0.0\n');
    const report = await runCli(['report', '--rules', 'official@falco-rules-4.0.0', '--out', 'out', '-q'], { cwd, env });
    expect(report.code).toBe(0);
    const [rules] = JSON.parse(await readFile(path.join(cwd, 'out', 'report.json'), 'utf8')).inputs.rules as { path: string; url?: string; note?: string }[];
    expect(rules).toMatchObject({ path: 'official:falco_rules.yaml@falco-rules-4.0.0', note: 'stored by cache add: falco_rules.yaml' });
    expect(rules).not.toHaveProperty('url');
  });

  it('refuses a file that is not a bundle, caching nothing', async () => {
    const cwd = await tempDir();
    const cache = path.join(cwd, 'cache');
    await writeFile(path.join(cwd, 'page.html'), '<html>login</html>');
    const result = await runCli(['cache', 'add', 'page.html'], { cwd, env: { ATTACK_COV_CACHE: cache } });
    expectOneLineError(result, /^error: page\.html: /);
    await expect(readdir(cache)).rejects.toThrow(/ENOENT/);
    // A rules file without --rules-ref: the hint is about what cache add takes, not --attack (QA).
    const rules = await runCli(['cache', 'add', fixture('rules', 'base.yaml')], { cwd, env: { ATTACK_COV_CACHE: cache } });
    expectOneLineError(rules, /: not a STIX bundle/);
    expect(rules.stderr).toMatch(/\nhint: cache add stores a file: an ATT&CK bundle \(enterprise-attack-18\.1\.json\), or an official rules file with --rules-ref\n$/);
  });

  it('refuses a folder or a missing file with a hint about what cache add takes (not URLs or versions), caching nothing', async () => {
    const cwd = await tempDir();
    const env = { ATTACK_COV_CACHE: path.join(cwd, 'cache') };
    await mkdir(path.join(cwd, 'falco_rules.yaml'));
    for (const args of [['cache', 'add', '.'], ['cache', 'add', 'falco_rules.yaml', '--rules-ref', 'main'], ['cache', 'add', 'gone.json']]) {
      const result = await runCli(args, { cwd, env });
      expectOneLineError(result, args[2] === 'gone.json' ? /^error: gone\.json: no such file$/ : /^error: [^:]+: a directory, not a file to cache$/);
      expect(result.stderr).toMatch(/\nhint: cache add stores a file: an ATT&CK bundle .*, or an official rules file with --rules-ref\n$/);
    }
    await expect(readdir(env.ATTACK_COV_CACHE)).rejects.toThrow(/ENOENT/);
  });

  it('refuses a --url that is no URL, naming it without its user:password (its scheme forgotten)', async () => {
    const cwd = await tempDir();
    const env = { ATTACK_COV_CACHE: path.join(cwd, 'cache') };
    const result = await runCli(['cache', 'add', fixture('attack', 'mini-bundle-2.1.json'), '--url', 'admin:Sup3rS3cretPw@mirror.example/a.json'], { cwd, env });
    expectOneLineError(result, /^error: --url takes an https:\/\/, http:\/\/ or file:\/\/ URL, not \[redacted\]@mirror\.example\/a\.json$/);
    expect(result.stderr).not.toMatch(/Sup3rS3cretPw|admin/);
    await expect(readdir(env.ATTACK_COV_CACHE)).rejects.toThrow(/ENOENT/);
  });

  it('seeds an official rules file for another ref', async () => {
    const cwd = await tempDir();
    const env = { ...OFFLINE, ATTACK_COV_CACHE: path.join(cwd, 'cache') };
    await cp(fixture('rules', 'conventional.yaml'), path.join(cwd, 'falco_rules.yaml'));
    expect((await runCli(['cache', 'add', 'falco_rules.yaml', '--rules-ref', 'falco-rules-4.0.0'], { cwd, env })).code).toBe(0);
    const lint = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', 'official@falco-rules-4.0.0', '--format', 'json'], { cwd, env });
    expect(JSON.parse(lint.stdout).inputs.rules).toEqual([expect.objectContaining({ path: 'official:falco_rules.yaml@falco-rules-4.0.0' })]);
  });

  it('refuses a ref no git tag can have, so no entry lands outside falco-rules/', async () => {
    const cwd = await tempDir();
    const env = { ...OFFLINE, ATTACK_COV_CACHE: path.join(cwd, 'cache') };
    await cp(fixture('rules', 'conventional.yaml'), path.join(cwd, 'falco_rules.yaml'));
    expectOneLineError(await runCli(['cache', 'add', 'falco_rules.yaml', '--rules-ref', '..'], { cwd, env }), /^error: --rules-ref: \.\. is not a git tag or branch name$/);
    await expect(readdir(env.ATTACK_COV_CACHE)).rejects.toThrow(/ENOENT/);
  });
});

describe('cache clean', () => {
  it("removes attack-cov's folders and the root, and says so when there is nothing", async () => {
    const cwd = await tempDir();
    const env = { ...OFFLINE, ATTACK_COV_CACHE: path.join(cwd, 'cache') };
    expect((await runCli(['cache', 'add', fixture('attack', 'mini-bundle-2.1.json')], { cwd, env })).code).toBe(0);
    await mkdir(path.join(cwd, 'cache', 'parsed', 'rules'), { recursive: true });
    expect(await runCli(['cache', 'clean'], { cwd, env })).toMatchObject({ code: 0, stderr: `removed ${path.join(cwd, 'cache')}\n` });
    expect(await readdir(cwd)).toEqual([]);
    expect(await runCli(['cache', 'clean'], { cwd, env })).toMatchObject({ code: 0, stderr: `${path.join(cwd, 'cache')}: no cache there, nothing to remove\n` });
  });

  it('empties a cache root that is a symlink and leaves the link and its folder in place', async () => {
    const cwd = await tempDir();
    await mkdir(path.join(cwd, 'real', 'parsed', 'rules'), { recursive: true });
    await symlink(path.join(cwd, 'real'), path.join(cwd, 'link'));
    expect(await runCli(['cache', 'clean'], { cwd, env: { ATTACK_COV_CACHE: path.join(cwd, 'link') } })).toMatchObject({ code: 0, stderr: `emptied ${path.join(cwd, 'link')}\n` });
    expect((await readdir(cwd)).sort()).toEqual(['link', 'real']);
    expect(await readdir(path.join(cwd, 'link'))).toEqual([]);
  });

  it('refuses, whole, a folder holding anything attack-cov never writes (ATTACK_COV_CACHE=. by mistake)', async () => {
    const cwd = await tempDir();
    await mkdir(path.join(cwd, 'attack'));
    await writeFile(path.join(cwd, 'important.txt'), 'precious');
    await mkdir(path.join(cwd, 'src'));
    const result = await runCli(['cache', 'clean'], { cwd, env: { ATTACK_COV_CACHE: '.' } });
    expectOneLineError(result, /^error: cache .* holds important\.txt, src, which attack-cov never writes; refusing to clean it$/);
    expect((await readdir(cwd)).sort()).toEqual(['attack', 'important.txt', 'src']);
    // A file named as the cache is not removed either.
    expectOneLineError(await runCli(['cache', 'clean'], { cwd, env: { ATTACK_COV_CACHE: 'important.txt' } }), /not a folder; refusing to clean it/);
    expect(await readFile(path.join(cwd, 'important.txt'), 'utf8')).toBe('precious');
  });

  it('cache list walks only its own folders: a root of other files (ATTACK_COV_CACHE=. or / by mistake) is noted, not listed as the cache', async () => {
    const cwd = await tempDir();
    await mkdir(path.join(cwd, 'parsed', 'rules'), { recursive: true });
    await writeFile(path.join(cwd, 'parsed', 'rules', 'entry'), 'x'.repeat(3));
    await mkdir(path.join(cwd, 'src', 'deep'), { recursive: true });
    await writeFile(path.join(cwd, 'src', 'deep', 'mine.ts'), 'precious');
    await writeFile(path.join(cwd, 'important.txt'), 'precious');
    const text = await runCli(['cache', 'list'], { cwd, env: { ATTACK_COV_CACHE: '.' } });
    expect(text).toMatchObject({ code: 0, stdout: 'parsed/rules/entry  0.0 MB\n' });
    expect(text.stderr).toMatch(/^note: cache \S+ also holds important\.txt, src, which attack-cov never writes \(not listed\); is ATTACK_COV_CACHE meant to point there\?\n$/);
    const json = await runCli(['cache', 'list', '--format', 'json', '--quiet'], { cwd, env: { ATTACK_COV_CACHE: '.' } });
    expect(JSON.parse(json.stdout).entries).toEqual([{ path: 'parsed/rules/entry', bytes: 3 }]);
    expect(json.stderr).toBe('');
    // Neither "empty": a folder with nothing cached in it, and no folder at all.
    await rm(path.join(cwd, 'parsed'), { recursive: true });
    expect((await runCli(['cache', 'list', '--quiet'], { cwd, env: { ATTACK_COV_CACHE: '.' } })).stdout).toBe(`${cwd}: nothing cached\n`);
    expect(await runCli(['cache', 'list'], { cwd, env: { ATTACK_COV_CACHE: 'none' } })).toMatchObject({ code: 0, stdout: `${path.join(cwd, 'none')}: no cache there yet\n`, stderr: '' });
  });

  it('refuses a cache root under /proc, /sys or /dev before any work (a recursive mkdir under /proc never returns)', async () => {
    for (const root of ['/proc/x', '/sys/x', '/dev/attack-cov-cache']) {
      const result = await runCli(['lint', '--rules', fixture('rules', 'conventional.yaml')], { env: { ATTACK_COV_CACHE: root } });
      expectOneLineError(result, new RegExp(`^error: cache ${root}: refusing to keep a cache in /${root.split('/')[1]}$`));
    }
    expectOneLineError(await runCli(['cache', 'dir'], { env: { ATTACK_COV_CACHE: '', XDG_CACHE_HOME: '/proc/self' } }), /refusing to keep a cache in \/proc/);
  });
});

describe('a cache folder that cannot be made or written', () => {
  const BUNDLE_17 = fixture('attack', 'mini-bundle-17.1.json');
  /** A download of ATT&CK 17.1 from a file:// mirror (no network), and cache add of the same bundle. */
  const runs = (cwd: string, cache: string) => {
    const env = { ...OFFLINE, ATTACK_COV_CACHE: cache, ATTACK_COV_ATTACK_MIRROR: `file://${BUNDLE_17}` };
    return [['report', '--attack', '17.1', '--rules', fixture('rules', 'base.yaml'), '--out', 'out'], ['cache', 'add', BUNDLE_17]].map((args) => ({ args, options: { cwd, env, isPermissionChecked: true } }));
  };

  it('ATTACK_COV_CACHE naming a regular file: one error line naming the folder and ATTACK_COV_CACHE, no crash', async () => {
    const cwd = await tempDir();
    const cache = path.join(cwd, 'not-a-folder');
    await writeFile(cache, 'mine');
    for (const { args, options } of runs(cwd, cache)) {
      const result = await runCli(args, options);
      expectOneLineError(result, new RegExp(`^error: ${cache}/attack: cannot create the cache folder: a path component is not a directory$`));
      expect(result.stderr).toMatch(/\nhint: set ATTACK_COV_CACHE .*to a folder you can write\n$/);
    }
    // cache list says what cache clean says, not "empty".
    for (const format of ['text', 'json']) {
      expectOneLineError(await runCli(['cache', 'list', '--format', format], { cwd, env: { ATTACK_COV_CACHE: cache } }), new RegExp(`^error: cache ${cache}: not a folder; nothing to list$`));
    }
    expect(await readFile(cache, 'utf8')).toBe('mine');
    expect(await readdir(cwd)).toEqual(['not-a-folder']);
  });

  it('a cache root or folder the user cannot write (permissions met even as root): permission denied, not a crash nor a download error', async () => {
    const cwd = await tempDir();
    const locked = path.join(cwd, 'locked');
    await mkdir(locked, { mode: 0o555 });
    for (const { args, options } of runs(cwd, locked)) {
      expectOneLineError(await runCli(args, options), new RegExp(`^error: ${locked}/attack: cannot create the cache folder: permission denied$`));
    }
    // The root is writable, its attack/ folder is not: the download would have failed on its temporary file, as a network error.
    const open = path.join(cwd, 'open');
    await mkdir(path.join(open, 'attack'), { recursive: true, mode: 0o555 });
    for (const { args, options } of runs(cwd, open)) {
      expectOneLineError(await runCli(args, options), new RegExp(`^error: ${open}/attack: cannot write to the cache folder: permission denied$`));
    }
    expect(await readdir(locked)).toEqual([]);
    expect(await readdir(path.join(open, 'attack'))).toEqual([]);
  });
});

describe('--attack latest', () => {
  it('prints the version the index resolved to and records it, through file:// and http mirrors', async () => {
    const cwd = await tempDir();
    const mini = await readFile(fixture('attack', 'mini-bundle-2.1.json'));
    const server = await startServer({ '/index.json': serve(Buffer.from(JSON.stringify({ collections: [{ name: 'Enterprise ATT&CK', versions: [{ version: '99.1', url: 'https://example.invalid/never-used.json' }] }] }))) });
    try {
      await writeFile(path.join(cwd, 'enterprise-attack-99.1.json'), mini);
      const env = { ATTACK_COV_CACHE: path.join(cwd, 'cache'), ATTACK_COV_ATTACK_INDEX: server.url('/index.json'), ATTACK_COV_ATTACK_MIRROR: `file://${cwd}/enterprise-attack-{version}.json` };
      const result = await runCli(['report', '--attack', 'latest', '--rules', fixture('rules', 'base.yaml'), '--out', 'out', '--format', 'json'], { cwd, env });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('note: ATT&CK latest is 99.1\n');
      // -q silences everything but errors, this note included (report.json still records the version).
      const quiet = await runCli(['report', '--attack', 'latest', '--rules', fixture('rules', 'base.yaml'), '--out', 'out', '--format', 'json', '-q'], { cwd, env });
      expect(quiet).toMatchObject({ code: 0, stdout: '', stderr: '' });
      const report = JSON.parse(await readFile(path.join(cwd, 'out', 'report.json'), 'utf8'));
      // A file:// mirror is named as the file, as --source-root names files: outside the root, by its base name.
      expect(report.inputs.attack).toMatchObject({ version: '99.1', requested: 'latest', source: 'enterprise-attack-99.1.json' });
      expect(JSON.stringify(report)).not.toContain(cwd);
    } finally {
      await server.close();
    }
  });
});
