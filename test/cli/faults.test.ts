// Faults around downloads, signals and secrets, through the built binary (issue 8, item 4): a deadline
// that ends a trickling download, SIGINT/SIGTERM removing every temporary file and directory, and no
// credential of a mirror ever printed, even when the server echoes it.
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, startCli } from '../helpers/cli.js';
import { serve, startServer, type TestServer } from '../helpers/http-server.js';
import { fixture, officialRules, repoRoot } from '../helpers/paths.js';

const RULES = 'test/fixtures/rules/conventional.yaml';
let server: TestServer;

/** Headers announcing a large body, then one byte every 100 ms. */
const trickle = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
  res.writeHead(200, { 'content-length': 1_000_000 });
  const drip = (): void => {
    if (!res.destroyed) res.write('{', () => setTimeout(drip, 100));
  };
  drip();
};

beforeAll(async () => {
  server = await startServer({
    '/trickle.json': trickle,
    // Echoes what it was sent (URL and authorization) in a 500 body, as some proxies do.
    '/echo.json': (req, res) => res.writeHead(500).end(`upstream failed for ${req.url} auth=${req.headers.authorization ?? ''}`),
    // ATT&CK 17.1 by its collection (a hand-made mini bundle), at a URL that names no version.
    '/enterprise-attack.json': serve(readFileSync(fixture('attack', 'mini-bundle-17.1.json'))),
  });
});
afterAll(() => server.close());

const cache = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-faults-'));

describe('downloads through the CLI', () => {
  it('a trickling server fails at ATTACK_COV_DOWNLOAD_TIMEOUT, with nothing cached', async () => {
    const cacheRoot = await cache();
    const started = Date.now();
    const result = await runCli(['report', '--attack', server.url('/trickle.json'), '--rules', RULES, '--out', path.join(cacheRoot, 'out')], { env: { ATTACK_COV_CACHE: cacheRoot, ATTACK_COV_DOWNLOAD_TIMEOUT: '1' } });
    expectOneLineError(result, /download failed: http:\/\/127\.0\.0\.1:\d+\/trickle\.json: no complete answer within 1 s \(the download deadline\)$/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await readdir(cacheRoot, { recursive: true })).toEqual([]);
  });

  it('a rules file cut off by a connection reset (HTTP/1.0, no content-length) is an error, not a cached ruleset', async () => {
    // 60% of the official rules, cut where an item starts: valid YAML, valid rules, only fewer of them.
    const rules = await readFile(officialRules('falco_rules.yaml'));
    const part = rules.subarray(0, rules.indexOf('\n- ', Math.floor(rules.length * 0.6)) + 1);
    const raw = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => {
        socket.write('HTTP/1.0 200 OK\r\ncontent-type: text/yaml\r\n\r\n');
        socket.write(part, () => setTimeout(() => socket.resetAndDestroy(), 50));
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const cacheRoot = await cache();
      const mirror = `http://127.0.0.1:${(raw.address() as net.AddressInfo).port}/{tag}/{file}`;
      const result = await runCli(['lint', '--rules', 'official@falco-rules-4.0.0'], { env: { ATTACK_COV_CACHE: cacheRoot, ATTACK_COV_FALCO_RULES_MIRROR: mirror } });
      expectOneLineError(result, /^error: download failed: http:\/\/127\.0\.0\.1:\d+\/falco-rules-4\.0\.0\/falco_rules\.yaml: the connection failed before the response ended: read ECONNRESET$/);
      expect(await readdir(cacheRoot, { recursive: true })).toEqual([]);
    } finally {
      await new Promise((resolve) => raw.close(resolve));
    }
  });

  it('a mirror serving another ATT&CK version than --attack asks for: one error line naming both, nothing cached', async () => {
    const cacheRoot = await cache();
    const env = { ATTACK_COV_CACHE: cacheRoot, ATTACK_COV_ATTACK_MIRROR: server.url('/enterprise-attack.json') };
    const result = await runCli(['report', '--attack', '16.1', '--rules', RULES, '--out', path.join(cacheRoot, 'out')], { env });
    expectOneLineError(result, /^error: http:\/\/127\.0\.0\.1:\d+\/enterprise-attack\.json: is ATT&CK 17\.1, not the 16\.1 asked for; not cached$/);
    expect(await readdir(cacheRoot, { recursive: true })).toEqual([]);
    // Asked for what it is, it is taken.
    const right = await runCli(['report', '--attack', '17.1', '--rules', RULES, '--out', path.join(cacheRoot, 'out'), '-q'], { env });
    expect(right.code, right.stderr).toBe(0);
    expect((await readdir(path.join(cacheRoot, 'attack'))).sort()).toEqual(['enterprise-attack-17.1.json', 'enterprise-attack-17.1.json.source']);
  });

  it('a download timeout that is not a number is a usage error', async () => {
    expectOneLineError(await runCli(['report', '--rules', RULES], { env: { ATTACK_COV_DOWNLOAD_TIMEOUT: 'soon' } }), /ATTACK_COV_DOWNLOAD_TIMEOUT must be seconds between 0 and 86400, not "soon"$/);
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} during a download removes the temporary file and the directories it made, exit ${code}`, async () => {
      const cacheRoot = await cache();
      const { child, done } = startCli(['report', '--attack', server.url('/trickle.json'), '--rules', RULES, '--out', path.join(cacheRoot, 'out')], { env: { ATTACK_COV_CACHE: cacheRoot } });
      // Wait until the download's temporary file exists, then interrupt. Not any .tmp: the parse cache's pending entry
      // of the rules (parsed/…, tracked quietly: it wakes no handler) comes first, and a signal then ends the process as
      // the default action does (CI, a loaded machine: code -1).
      const isDownloadTemp = (f: string) => f.endsWith('.tmp') && !f.startsWith(`parsed${path.sep}`);
      for (let i = 0; i < 100; i++) {
        const files = await readdir(cacheRoot, { recursive: true });
        if (files.some(isDownloadTemp)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await readdir(cacheRoot, { recursive: true })).some(isDownloadTemp)).toBe(true);
      child.kill(signal);
      const result = await done;
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(new RegExp(`interrupted \\(${signal}\\); temporary files removed`));
      expect(await readdir(cacheRoot, { recursive: true })).toEqual([]);
    });
  }
});

describe('signals during synchronous work', () => {
  it('SIGTERM while the analysis runs ends the run at once (no handler holds it): the parse cache\'s pending entry stays, and the next run removes it', async () => {
    // The handlers listen only while a temporary of the run must be removed: a handler is JavaScript, and during
    // synchronous work (an analysis, or a hang) it cannot run, so a listening handler held Ctrl-C until the work
    // ended (then exit 143 and the entry removed). The parse cache's entries wait, untracked, for the run's end.
    const dir = await cache();
    const { OFFICIAL, generateRuleset } = (await import(path.join(repoRoot, 'bench', 'generate-rules.mjs'))) as { OFFICIAL: string[]; generateRuleset: (n: number, dir: string, o: object) => string[] };
    const rules = [...OFFICIAL, ...generateRuleset(2907, path.join(dir, 'rules'), { seed: 3 })];
    const cacheRoot = path.join(dir, 'cache');
    const args = ['report', '--rules', ...rules, '--out', path.join(dir, 'out'), '-q'];
    const temporaries = async () => (await readdir(cacheRoot, { recursive: true }).catch(() => [] as string[])).filter((f) => f.endsWith('.tmp'));
    // A first sighting stores nothing; the second run stores the ruleset, and its entry waits under a temporary name.
    expect((await runCli(args, { env: { ATTACK_COV_CACHE: cacheRoot } })).code).toBe(0);
    const { child, done } = startCli(args, { env: { ATTACK_COV_CACHE: cacheRoot } });
    let sent = false;
    // The ruleset's entry, not any: the remembered rules sha256s are written (and renamed) under a temporary name of
    // their own just before, which a loaded machine let the poll see first (CI with a mutation run beside it).
    const isRulesetEntry = (f: string) => /^parsed\/ruleset\//.test(f);
    for (let i = 0; i < 20_000 && child.exitCode === null && !sent; i++) {
      if ((await temporaries()).some(isRulesetEntry)) sent = child.kill('SIGTERM');
      else await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const result = await done;
    expect(sent).toBe(true);
    // Ended by the signal itself, not by a handler's exit(143), and nothing printed.
    expect(child.signalCode).toBe('SIGTERM');
    expect(result.stderr).toBe('');
    // The ruleset's entry waits under its temporary name; on a loaded machine the remembered sha256s' entry may still
    // wait beside it (CI beside a mutation run). Only parse-cache entries, and the next run removes them all.
    const left = await temporaries();
    expect(left.filter(isRulesetEntry)).toEqual([expect.stringMatching(/^parsed\/ruleset\/[0-9a-f]{40}\.bin\.\d+\.[0-9a-f]{8}\.tmp$/)]);
    for (const temporary of left) expect(temporary).toMatch(/^parsed\/(?:ruleset|files-sha256)\/[0-9a-f]{40}\.bin\.\d+\.[0-9a-f]{8}\.tmp$/);
    const next = await runCli(args, { env: { ATTACK_COV_CACHE: cacheRoot } });
    expect(next.code, next.stderr).toBe(0);
    expect(await temporaries()).toEqual([]);
  }, 60_000);
});

describe('secrets', () => {
  it('a mirror or index variable that is no http(s) or file URL is refused before any work, its user:password not shown', async () => {
    const cacheRoot = await cache();
    for (const name of ['ATTACK_COV_ATTACK_MIRROR', 'ATTACK_COV_FALCO_RULES_MIRROR', 'ATTACK_COV_ATTACK_INDEX']) {
      // Its scheme forgotten: the URL parser reads "admin:" as one, and undici said "Invalid URL protocol" with the password.
      for (const [value, shown] of [['admin:Sup3rS3cretPw@gateway.internal/{version}.json', '[redacted]@gateway.internal/{version}.json'], ['ftp://mirror.example/x.json', 'ftp://mirror.example/x.json']]) {
        // The other two point at missing files: however the check failed, nothing would be fetched from the network.
        const env = { ATTACK_COV_ATTACK_MIRROR: 'file:///nonexistent/{version}.json', ATTACK_COV_FALCO_RULES_MIRROR: 'file:///nonexistent/{tag}/{file}', ATTACK_COV_ATTACK_INDEX: 'file:///nonexistent/index.json', [name]: value };
        const result = await runCli(['report', '--attack', 'latest', '--rules', 'official@falco-rules-4.0.0', '--out', path.join(cacheRoot, 'out')], { env: { ATTACK_COV_CACHE: cacheRoot, ...env } });
        expectOneLineError(result, new RegExp(`^error: ${name} ${shown.replace(/[[\]{}.]/g, '\\$&')}: not an http\\(s\\) or file URL$`));
        expect(result.stderr).toMatch(/^hint: write it with its scheme/m);
        expect(result.stderr).not.toMatch(/Sup3rS3cretPw|admin|UND_ERR/);
      }
    }
    expect(await readdir(cacheRoot, { recursive: true })).toEqual([]);
  });

  it("a mirror's user:password and query token never appear, even when the server echoes them", async () => {
    const cacheRoot = await cache();
    const mirror = server.url('/echo.json').replace('http://', 'http://mirroruser:mirror-pass-1234@') + '?version={version}&token=tok-abcdef-123456';
    const result = await runCli(['report', '--attack', '17.1', '--rules', RULES, '--out', path.join(cacheRoot, 'out')], { env: { ATTACK_COV_CACHE: cacheRoot, ATTACK_COV_ATTACK_MIRROR: mirror } });
    expectOneLineError(result, /^error: download failed: http:\/\/127\.0\.0\.1:\d+\/echo\.json: HTTP 500$/m);
    for (const secret of ['mirror-pass-1234', 'tok-abcdef-123456', 'mirroruser']) expect(result.stderr + result.stdout).not.toContain(secret);
  });
});
