// Every file input but --rules (which hostile-rules.test.ts covers), and the cache's own files, given something that is
// no regular file: a FIFO is refused (never waited on) and a device such as /dev/zero never read, in one error line
// naming the file, exit 2; in the caches such a thing is a miss. Each run is killed after a generous limit, so that a
// regression (a run waiting on the FIFO for ever) fails its test rather than hanging the suite.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCliOrKill } from '../helpers/cli.js';
import { MINI_BUNDLE, fixture } from '../helpers/paths.js';

const RULES = fixture('rules', 'conventional.yaml');
let dir: string;
let fifo: string;
let cache: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-irregular-'));
  fifo = path.join(dir, 'f.yaml');
  execFileSync('mkfifo', [fifo]);
  cache = path.join(dir, 'cache');
});

// No FIFO outlives the tests.
afterAll(() => rm(dir, { recursive: true, force: true }));

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCliOrKill(args, { cwd: dir, env: { ATTACK_COV_CACHE: cache, ...env } });

/** Exit 2 in one line (not a run killed after waiting on the FIFO). */
async function expectRefused(args: string[], pattern: RegExp, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const result = await run(args, env);
  expect(result.killed).toBe(false);
  expectOneLineError(result, pattern);
}

describe('a FIFO or a device given as a file input', () => {
  const FIFO = 'a FIFO \\(named pipe\\)';
  const cases: [string, string[], RegExp][] = [
    ['--config', ['report', '--config', 'f.yaml', '--rules', RULES, '--attack', MINI_BUNDLE], new RegExp(`^error: f\\.yaml: cannot read the config: ${FIFO}, not a config file$`)],
    ['--baseline', ['report', '--no-config', '--baseline', 'f.yaml', '--rules', RULES, '--attack', MINI_BUNDLE], new RegExp(`^error: f\\.yaml: cannot read: ${FIFO}, not a report\\.json$`)],
    ['suggest --apply-from', ['suggest', '--rules', RULES, '--attack', MINI_BUNDLE, '--apply-from', 'f.yaml'], new RegExp(`^error: f\\.yaml: cannot read: ${FIFO}, not a suggest --format json output$`)],
    ['--attack', ['lint', '--no-config', '--rules', RULES, '--attack', 'f.yaml'], new RegExp(`^error: f\\.yaml: ${FIFO}, not a bundle file$`)],
    ['attack diff', ['attack', 'diff', 'f.yaml', '18.1'], new RegExp(`^error: f\\.yaml: ${FIFO}, not a bundle file$`)],
    ['--attack file://', ['lint', '--no-config', '--rules', RULES, '--attack', 'FILE_URL'], new RegExp(`^error: cannot read file://.*/f\\.yaml: ${FIFO}, not a file to copy$`)],
    ['--attack /dev/zero (it was hashed for ever)', ['lint', '--no-config', '--rules', RULES, '--attack', '/dev/zero'], /^error: \/dev\/zero: a character device, not a bundle file$/],
    ['--baseline /dev/zero (600 MB read, then "Invalid string length")', ['report', '--no-config', '--baseline', '/dev/zero', '--rules', RULES, '--attack', MINI_BUNDLE], /^error: \/dev\/zero: cannot read: a character device, not a report\.json$/],
    ['--config /dev/zero', ['report', '--config', '/dev/zero'], /^error: \/dev\/zero: cannot read the config: a character device, not a config file$/],
  ];
  for (const [what, args, pattern] of cases) {
    it(`${what}: refused in one line, exit 2, nothing written`, async () => {
      const out = path.join(dir, 'out');
      const withOut = args[0] === 'report' ? [...args, '--out', out] : args;
      await expectRefused(withOut.map((a) => (a === 'FILE_URL' ? pathToFileURL(fifo).href : a)), pattern);
      expect(await readdir(dir)).not.toContain('out');
    });
  }

  it('emulate --atomics: a technique file that is a FIFO', async () => {
    const atomics = path.join(dir, 'atomics');
    await mkdir(path.join(atomics, 'T1529'), { recursive: true });
    execFileSync('mkfifo', [path.join(atomics, 'T1529', 'T1529.yaml')]);
    await expectRefused(['emulate', '--rules', RULES, '--attack', MINI_BUNDLE, '--atomics', atomics], new RegExp(`^error: .*atomics/T1529/T1529\\.yaml: cannot read: ${FIFO}, not an Atomic Red Team technique file$`));
  });
});

describe("a FIFO in place of one of the cache's own files", () => {
  /** Replaces every entry under the parse cache with a FIFO; returns the folders (kinds) they were in. */
  async function parseCacheToFifos(): Promise<string[]> {
    const parsed = path.join(cache, 'parsed');
    const kinds: string[] = [];
    for (const kind of await readdir(parsed)) {
      for (const name of (await readdir(path.join(parsed, kind))).filter((n) => n.endsWith('.bin'))) {
        await rm(path.join(parsed, kind, name));
        execFileSync('mkfifo', [path.join(parsed, kind, name)]);
        kinds.push(kind);
      }
    }
    return [...new Set(kinds)].sort();
  }

  it('parse-cache entries (parsed rules, ruleset outlines, file hashes, catalogs) are misses: the run parses again', async () => {
    const report = ['report', '--no-config', '--rules', RULES, '--attack', MINI_BUNDLE, '--out', path.join(dir, 'reports'), '--format', 'json', '-q'];
    // Twice: the second run stores the ruleset and its outline.
    for (let i = 0; i < 2; i++) expect((await run(report)).code).toBe(0);
    expect(await parseCacheToFifos()).toEqual(expect.arrayContaining(['catalog', 'file-sha256', 'rules', 'ruleset-outline']));
    const result = await run(report);
    expect(result.killed).toBe(false);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it("a download's .source record that is a FIFO is no record", async () => {
    const source = path.join(dir, 'seed.json');
    execFileSync('cp', [MINI_BUNDLE, source]);
    const url = 'https://mirror.example/attack.json';
    expect((await run(['cache', 'add', source, '--url', url])).code).toBe(0);
    const urls = path.join(cache, 'urls');
    const record = (await readdir(urls)).find((n) => n.endsWith('.source'))!;
    await rm(path.join(urls, record));
    execFileSync('mkfifo', [path.join(urls, record)]);
    const result = await run(['lint', '--no-config', '--rules', RULES, '--attack', url]);
    expect(result.killed).toBe(false);
    expect(result.code).toBe(0);
  });

  it("latest's cached index.json that is a FIFO is no index: fetched again", async () => {
    const index = path.join(dir, 'index.json');
    await writeFile(index, JSON.stringify({ collections: [{ name: 'Enterprise ATT&CK', versions: [{ version: '18.1', url: 'https://x.example/a.json' }] }] }));
    await mkdir(path.join(cache, 'attack'), { recursive: true });
    execFileSync('mkfifo', [path.join(cache, 'attack', 'index.json')]);
    const result = await run(['lint', '--no-config', '--rules', RULES, '--attack', 'latest'], { ATTACK_COV_ATTACK_INDEX: pathToFileURL(index).href });
    expect(result.killed).toBe(false);
    expect(result.stderr).toMatch(/^note: ATT&CK latest is 18\.1\n/);
    expect(result.code).toBe(0);
  });
});

describe('a UTF-16 text input (as PowerShell writes it with >)', () => {
  // Decoded as UTF-8 it was misread: a config of NULs is "not a map", a baseline "not JSON at 1:1".
  const utf16 = (text: string, withMark: boolean) => Buffer.concat([withMark ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]);
  const cases: [string, string, Buffer, (file: string) => string[], RegExp][] = [
    ['the config found in the working directory', '.attack-cov.yaml', utf16('rules: [rules.yaml]\n', true), () => ['report', '--rules', RULES, '--attack', MINI_BUNDLE], /^error: \.attack-cov\.yaml: UTF-16LE text; attack-cov reads a config file as UTF-8$/],
    ['--config', 'c16.yaml', utf16('rules: [rules.yaml]\n', false), (file) => ['report', '--config', file, '--rules', RULES, '--attack', MINI_BUNDLE], /^error: c16\.yaml: UTF-16LE text; attack-cov reads a config file as UTF-8$/],
    ['--baseline', 'b16.json', utf16('{"schemaVersion": 1}\n', true), (file) => ['report', '--no-config', '--baseline', file, '--rules', RULES, '--attack', MINI_BUNDLE], /^error: b16\.json: UTF-16LE text; attack-cov reads a report\.json as UTF-8$/],
  ];
  for (const [what, name, bytes, args, pattern] of cases) {
    it(`${what}: named as such, with how to save it as UTF-8`, async () => {
      const folder = await mkdtemp(path.join(dir, 'utf16-'));
      await writeFile(path.join(folder, name), bytes);
      const result = await runCliOrKill([...args(name), '--out', path.join(folder, 'out')], { cwd: folder, env: { ATTACK_COV_CACHE: cache } });
      expectOneLineError(result, pattern);
      expect(result.stderr).toMatch(/hint: save it as UTF-8 \(PowerShell: Set-Content -Encoding utf8/);
      expect(await readdir(folder)).not.toContain('out');
    });
  }
});
