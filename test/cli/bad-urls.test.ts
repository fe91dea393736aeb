// A URL that does not parse, given where attack-cov downloads (--attack, attack diff's arguments, cache add --url), is a
// usage error in one line naming it (without its user:password) and saying why, exit 2: it crashed with a stack trace
// ("TypeError: Invalid URL" in cachePathForUrl) before. Nothing is downloaded or cached.
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { MINI_BUNDLE, fixture } from '../helpers/paths.js';

const RULES = fixture('rules', 'conventional.yaml');
let cache: string;
beforeAll(async () => {
  cache = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-bad-urls-')), 'cache');
});
const run = (args: string[]) => runCli(args, { env: { ATTACK_COV_CACHE: cache } });

describe('URLs the URL parser refuses', () => {
  const cases: [string, string][] = [
    ['http://x:99999/a.json', 'port 99999 is past 65535'],
    ['https://[::1/a.json', 'an IPv6 address without its closing ]'],
    ['http://exa mple.com/a.json', 'white space in the host'],
    ['https://', 'no host'],
    ['http://x:8o/a.json', 'the port "8o" is no number'],
  ];
  for (const [url, why] of cases) {
    it(`--attack ${url}: ${why}`, async () => {
      const expected = `error: --attack ${url}: not a valid URL (${why})`;
      expectOneLineError(await run(['lint', '--no-config', '--rules', RULES, '--attack', url]), new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    });
  }

  it('is named without its user:password', async () => {
    const result = await run(['lint', '--no-config', '--rules', RULES, '--attack', 'https://mirror-user:mirror-secret-42@x:99999/a.json']);
    expectOneLineError(result, /^error: --attack https:\/\/\[redacted\]@x:99999\/a\.json: not a valid URL \(port 99999 is past 65535\)$/);
    expect(result.stderr).not.toMatch(/mirror-secret-42|mirror-user/);
  });

  it('attack diff names the argument as given', async () => {
    expectOneLineError(await run(['attack', 'diff', '18.1', 'http://x:99999/a.json']), /^error: http:\/\/x:99999\/a\.json: not a valid URL \(port 99999 is past 65535\)$/);
  });

  it('cache add --url refuses it before reading the file', async () => {
    expectOneLineError(await run(['cache', 'add', MINI_BUNDLE, '--url', 'http://exa mple.com/a.json']), /^error: --url http:\/\/exa mple\.com\/a\.json: not a valid URL \(white space in the host\)$/);
    expect(await readdir(cache).catch(() => [])).toEqual([]);
  });
});
