// apply-config: where .attack-cov.yaml is found (the working directory, then upward, stopping at the top of the git
// work tree or at the filesystem's root), how --config and --no-config choose it, the error and hint for each way the
// file cannot be used, which config values are taken as they are (versions, URLs, official rules) and which are paths
// resolved against the config's folder, and that a value only lands where the command line left the option unset.
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfigPaths, configOptionValues, findConfigFile, loadProjectConfig, mergeConfig } from '../../../src/config/apply-config.js';
import { parseProjectConfig } from '../../../src/config/project-config.js';
import { InputError, UsageError } from '../../../src/errors.js';
import { UTF16_HINT } from '../../../src/regular-file.js';
import { rejection, thrown } from '../../helpers/errors.js';

const CONFIG = '.attack-cov.yaml';

/** A fresh folder outside any git work tree (the run's temporary root, test/global-setup.ts). */
const tempDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'apply-config-'));

/** Writes `files` (relative path → content; a name ending in / is a folder) under `root`; returns `root`. */
function tree(root: string, files: Record<string, string | Buffer>): string {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    if (name.endsWith('/')) {
      mkdirSync(file, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return root;
}

/** The message and hint of an error, to compare both at once. */
const said = (error: { message: string; hint?: string | undefined }) => ({ message: error.message, hint: error.hint });

describe('findConfigFile', () => {
  it('finds the config in the working directory itself', async () => {
    const root = tree(tempDir(), { [CONFIG]: 'rules: [a.yaml]\n' });
    expect(await findConfigFile(root)).toBe(path.join(root, CONFIG));
  });

  it('climbs from a subfolder to the nearest config above it', async () => {
    const root = tree(tempDir(), { [CONFIG]: '', 'a/b/': '', 'a/rules.yaml': '' });
    expect(await findConfigFile(path.join(root, 'a', 'b'))).toBe(path.join(root, CONFIG));
  });

  it('takes the nearest of two configs on the way up', async () => {
    const root = tree(tempDir(), { [CONFIG]: '', [`a/${CONFIG}`]: '', 'a/b/': '' });
    expect(await findConfigFile(path.join(root, 'a', 'b'))).toBe(path.join(root, 'a', CONFIG));
  });

  it('takes a file only: a folder named .attack-cov.yaml on the way is passed by', async () => {
    const root = tree(tempDir(), { [CONFIG]: '', [`a/${CONFIG}/`]: '' });
    expect(await findConfigFile(path.join(root, 'a'))).toBe(path.join(root, CONFIG));
  });

  it('finds a config at the top of the git work tree, where the .git folder is', async () => {
    const root = tree(tempDir(), { [`repo/${CONFIG}`]: '', 'repo/.git/': '', 'repo/src/': '' });
    expect(await findConfigFile(path.join(root, 'repo', 'src'))).toBe(path.join(root, 'repo', CONFIG));
  });

  it.each([
    ['a .git folder', 'repo/.git/', ''],
    // A linked worktree's or a submodule's top holds a .git file naming the real git folder.
    ['a .git file (a worktree or a submodule)', 'repo/.git', 'gitdir: ../.git/worktrees/repo\n'],
  ])('does not climb past the top of the git work tree, marked by %s: a config above it is another project\'s', async (_what, git, content) => {
    const root = tree(tempDir(), { [CONFIG]: 'rules: [outside.yaml]\n', [git]: content, 'repo/src/': '' });
    expect(await findConfigFile(path.join(root, 'repo', 'src'))).toBeUndefined();
    expect(await findConfigFile(path.join(root, 'repo'))).toBeUndefined();
  });

  it('stops at the filesystem root when no git work tree holds the folder', async () => {
    const start = path.join(tree(tempDir(), { 'a/b/': '' }), 'a', 'b');
    // The walk reads every folder above the temporary one up to /: none of them may hold a config or a .git, or this
    // test would be about them instead.
    const above: string[] = [];
    for (let dir = path.dirname(start); ; dir = path.dirname(dir)) {
      above.push(dir);
      if (path.dirname(dir) === dir) break;
    }
    expect(above.filter((dir) => existsSync(path.join(dir, CONFIG)) || existsSync(path.join(dir, '.git')))).toEqual([]);
    expect(await findConfigFile(start)).toBeUndefined();
  });
});

describe('loadProjectConfig', () => {
  it('reads none with --no-config (false), even where one would be found', async () => {
    const root = tree(tempDir(), { [CONFIG]: 'rules: [a.yaml]\n' });
    expect(await loadProjectConfig(false, root)).toBeUndefined();
  });

  it('reads none when none is found', async () => {
    const root = tree(tempDir(), { '.git/': '' });
    expect(await loadProjectConfig(undefined, root)).toBeUndefined();
  });

  it('reads the config found from the working directory: named by its path from there, its folder the one it is in', async () => {
    const root = tree(tempDir(), { [CONFIG]: 'rules: [rules/]\n', 'src/deep/': '' });
    expect(await loadProjectConfig(undefined, root)).toEqual({ file: CONFIG, dir: root, rules: ['rules/'], suppressions: [], valueAt: { rules: ['.attack-cov.yaml:1:9'] } });
    // QA: found two folders up, it was named `.attack-cov.yaml`, as if it were in the working directory.
    expect(await loadProjectConfig(undefined, path.join(root, 'src', 'deep'))).toEqual({ file: '../../.attack-cov.yaml', dir: root, rules: ['rules/'], suppressions: [], valueAt: { rules: ['../../.attack-cov.yaml:1:9'] } });
  });

  it('reads --config as typed, relative to the working directory, with its own folder for its paths', async () => {
    const root = tree(tempDir(), { 'ci/attack-cov.yaml': 'attack: latest\n' });
    expect(await loadProjectConfig('ci/attack-cov.yaml', root)).toEqual({ file: 'ci/attack-cov.yaml', dir: path.join(root, 'ci'), attack: 'latest', suppressions: [], valueAt: { attack: 'ci/attack-cov.yaml:1:9' } });
  });

  it.each(['', '  '])('refuses --config %j: no value in it, not the working directory or a file named with blanks', async (given) => {
    const root = tree(tempDir(), { [CONFIG]: '', '  ': '' });
    const error = await rejection(loadProjectConfig(given, root), UsageError);
    expect(said(error)).toEqual({ message: `--config ${JSON.stringify(given)}: no value in it`, hint: 'give a .attack-cov.yaml file, or --no-config' });
  });

  it('refuses --config naming a folder, and names the config inside it when there is one', async () => {
    const root = tree(tempDir(), { [`ci/${CONFIG}`]: '' });
    const error = await rejection(loadProjectConfig('ci', root), InputError);
    expect(said(error)).toEqual({ message: 'ci: a folder, not a config file', hint: 'give the file: --config ci/.attack-cov.yaml' });
  });

  it('refuses --config naming a folder without a config: --config takes a file', async () => {
    const root = tree(tempDir(), { 'ci/': '' });
    const error = await rejection(loadProjectConfig('ci', root), InputError);
    expect(said(error)).toEqual({ message: 'ci: a folder, not a config file', hint: '--config takes a .attack-cov.yaml file' });
  });

  it('refuses --config naming a missing file: cannot read the config, check the --config path', async () => {
    const error = await rejection(loadProjectConfig('nope.yaml', tempDir()), InputError);
    expect(said(error)).toEqual({ message: 'nope.yaml: cannot read the config: no such file or directory', hint: 'check the --config path' });
  });

  it.each([
    ['given with --config', 'ci.yaml', 'ci.yaml'],
    ['found', undefined, CONFIG],
  ])('refuses a config in UTF-16 (%s): a config file is read as UTF-8', async (_how, given, file) => {
    const root = tree(tempDir(), { [file]: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('rules: [a.yaml]\n', 'utf16le')]) });
    const error = await rejection(loadProjectConfig(given, root), InputError);
    expect(said(error)).toEqual({ message: `${file}: UTF-16LE text; attack-cov reads a config file as UTF-8`, hint: UTF16_HINT });
  });

  // Root reads a file whatever its mode: a config found as a link to /proc/self/mem (a file every read of which fails,
  // EIO, for root too) is one it cannot read, whoever runs the test.
  it('refuses a found config it cannot read without the --config hint: no --config was given', async () => {
    const root = tempDir();
    symlinkSync('/proc/self/mem', path.join(root, CONFIG));
    const error = await rejection(loadProjectConfig(undefined, root), InputError);
    expect(said(error)).toEqual({ message: '.attack-cov.yaml: cannot read the config: EIO', hint: undefined });
  });
});

describe('configOptionValues', () => {
  const values = (text: string) => configOptionValues(parseProjectConfig(text, CONFIG, '/repo'));

  it.each([
    ['18.1', '18.1'],
    ['16.10', '16.10'],
    ['18', '18'],
    ['latest', 'latest'],
    ['https://example.com/enterprise-attack.json', 'https://example.com/enterprise-attack.json'],
    ['HTTP://EXAMPLE.COM/a.json', 'HTTP://EXAMPLE.COM/a.json'],
    ['file:///srv/attack/enterprise-attack.json', 'file:///srv/attack/enterprise-attack.json'],
    ['git+ssh://example.com/attack.json', 'git+ssh://example.com/attack.json'],
    // Everything else is a bundle file, relative to the config's folder: even a name that starts or ends like a version,
    // or holds :// past its start.
    ['bundles/enterprise-attack.json', '/repo/bundles/enterprise-attack.json'],
    ['latest.json', '/repo/latest.json'],
    ['18.1.json', '/repo/18.1.json'],
    ['./17.1', '/repo/17.1'],
    ['v18.1', '/repo/v18.1'],
    ['../shared/enterprise-attack.json.gz', '/shared/enterprise-attack.json.gz'],
    ['mirror/https://enterprise-attack.json', '/repo/mirror/https:/enterprise-attack.json'],
    ['9p://share/attack.json', '/repo/9p:/share/attack.json'],
  ])('takes attack %j as %j: a version, latest and a URL as written, a bundle file resolved', (attack, expected) => {
    expect(values(`attack: ${JSON.stringify(attack)}\n`).attack).toBe(expected);
  });

  it('resolves every path against the config folder, and keeps the embedded official rules and every other value as written', () => {
    const text = `rules: [official, "official:all", rules/, ../shared/falco_rules.local.yaml]
attack-sha256: ${'AB'.repeat(32)}
scope: { platforms: [Linux] }
threats: [G0096]
outputs: { formats: [sarif], out: out/reports, score: maturity }
gates: { fail-on: warning, min-coverage: [25], max-coverage-drop: 2 }
source-root: ..
`;
    expect(values(text)).toEqual({
      rules: ['official', 'official:all', '/repo/rules', '/shared/falco_rules.local.yaml'],
      attack: undefined,
      attackSha256: 'ab'.repeat(32),
      platform: ['Linux'],
      threat: ['G0096'],
      format: ['sarif'],
      out: '/repo/out/reports',
      score: 'maturity',
      failOn: 'warning',
      minCoverage: ['25'],
      maxCoverageDrop: '2',
      sourceRoot: '/',
    });
  });

  it('names files in outputs relative to the config folder when the config gives no source-root', () => {
    expect(values('rules: [a.yaml]\n').sourceRoot).toBe('/repo');
    expect(values('source-root: .\n').sourceRoot).toBe('/repo');
  });
});

describe('mergeConfig', () => {
  /** What a config of `rules: [rules/]` at /repo adds to the options: its rules, its folder as source root, itself. */
  const FROM_RULES_CONFIG = { rules: ['/repo/rules'], sourceRoot: '/repo', suppressions: [], configFile: CONFIG, configPath: '/repo/.attack-cov.yaml', configAt: { rules: ['.attack-cov.yaml:1:9'] } };

  it('leaves an option the config does not set at the value the command gave it, and asks only about values the config gives', () => {
    const config = parseProjectConfig('rules: [rules/]\n', CONFIG, '/repo');
    const asked: [string, unknown][] = [];
    const merged = mergeConfig({ out: 'reports', failOn: 'error', format: ['all'] }, config, {
      isFromCli: () => false,
      takes: (key, value) => {
        asked.push([key, value]);
        return true;
      },
    });
    expect(merged).toStrictEqual({
      out: 'reports',
      failOn: 'error',
      format: ['all'],
      ...FROM_RULES_CONFIG,
    });
    expect(asked).toEqual([
      ['rules', ['/repo/rules']],
      ['sourceRoot', '/repo'],
    ]);
  });

  it('gives every value to an option the command line left unset, and none to one it set or one the command does not take', () => {
    const config = parseProjectConfig('rules: [rules/]\noutputs: { out: out, formats: [csv] }\ngates: { fail-on: warning }\nthreats: [G0096]\n', CONFIG, '/repo');
    const merged = mergeConfig({ out: 'reports', failOn: 'none' }, config, { isFromCli: (key) => key === 'failOn', takes: (key) => key !== 'threat' });
    expect(merged).toStrictEqual({
      out: '/repo/out',
      failOn: 'none',
      format: ['csv'],
      ...FROM_RULES_CONFIG,
    });
  });
});

describe('checkConfigPaths (QA: a missing path the config gave was named by its absolute path, as if typed)', () => {
  const noCli = { isFromCli: () => false, takes: () => true };
  const refusal = (root: string, text: string, sources = noCli) => {
    const config = parseProjectConfig(text, CONFIG, root);
    return said(thrown(() => checkConfigPaths(config, mergeConfig({}, config, sources).configAt), InputError));
  };

  it('refuses a rules path or bundle file that is not there, at its place in the config, as written', () => {
    const root = tree(tempDir(), { 'a.yaml': '' });
    const hint = 'paths in .attack-cov.yaml are relative to its folder';
    expect(refusal(root, 'rules: [a.yaml, gone/b.yaml]\n')).toEqual({ message: '.attack-cov.yaml:1:17: rules gone/b.yaml: no such file or directory', hint });
    expect(refusal(root, 'rules: gone.yaml\n')).toEqual({ message: '.attack-cov.yaml:1:8: rules gone.yaml: no such file or directory', hint });
    expect(refusal(root, 'attack: bundles/x.json\n')).toEqual({ message: '.attack-cov.yaml:1:9: attack bundles/x.json: no such file or directory', hint });
  });

  it('takes paths that are there (relative to the config\'s folder), official specs, versions and URLs', () => {
    const root = tree(tempDir(), { 'a.yaml': '', 'rules/b.yaml': '', 'x.json': '' });
    const config = parseProjectConfig('rules: [a.yaml, rules/, official, official:all, official@falco-rules-4.0.0]\nattack: x.json\n', CONFIG, root);
    expect(() => checkConfigPaths(config, mergeConfig({}, config, noCli).configAt)).not.toThrow();
    for (const attack of ['18.1', 'latest', 'https://example.com/enterprise-attack.json', 'file:///nowhere.json']) {
      const given = parseProjectConfig(`attack: "${attack}"\n`, CONFIG, root);
      expect(() => checkConfigPaths(given, mergeConfig({}, given, noCli).configAt), attack).not.toThrow();
    }
  });

  it('leaves alone what the command line overrode: the config\'s value is not read', () => {
    const root = tempDir();
    const config = parseProjectConfig('rules: [gone.yaml]\nattack: gone.json\n', CONFIG, root);
    const merged = mergeConfig({}, config, { isFromCli: () => true, takes: () => true });
    expect(merged.configAt).toEqual({});
    expect(() => checkConfigPaths(config, merged.configAt)).not.toThrow();
  });
});
