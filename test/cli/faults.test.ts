// Faults around downloads, signals and secrets, through the built binary (issue 8, item 4): a deadline
// that ends a trickling download, SIGINT/SIGTERM removing every temporary file and directory, and no
// credential of a mirror ever printed, even when the server echoes it.
import { mkdtemp, readdir } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, startCli } from '../helpers/cli.js';
import { startServer, type TestServer } from '../helpers/http-server.js';

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

  it('a download timeout that is not a number is a usage error', async () => {
    expectOneLineError(await runCli(['report', '--rules', RULES], { env: { ATTACK_COV_DOWNLOAD_TIMEOUT: 'soon' } }), /ATTACK_COV_DOWNLOAD_TIMEOUT must be seconds between 0 and 86400, not "soon"$/);
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} during a download removes the temporary file and the directories it made, exit ${code}`, async () => {
      const cacheRoot = await cache();
      const { child, done } = startCli(['report', '--attack', server.url('/trickle.json'), '--rules', RULES, '--out', path.join(cacheRoot, 'out')], { env: { ATTACK_COV_CACHE: cacheRoot } });
      // Wait until the temporary file exists, then interrupt.
      for (let i = 0; i < 100; i++) {
        const files = await readdir(cacheRoot, { recursive: true });
        if (files.some((f) => f.endsWith('.tmp'))) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await readdir(cacheRoot, { recursive: true })).some((f) => f.endsWith('.tmp'))).toBe(true);
      child.kill(signal);
      const result = await done;
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(new RegExp(`interrupted \\(${signal}\\); temporary files removed`));
      expect(await readdir(cacheRoot, { recursive: true })).toEqual([]);
    });
  }
});

describe('secrets', () => {
  it("a mirror's user:password and query token never appear, even when the server echoes them", async () => {
    const cacheRoot = await cache();
    const mirror = server.url('/echo.json').replace('http://', 'http://mirroruser:mirror-pass-1234@') + '?version={version}&token=tok-abcdef-123456';
    const result = await runCli(['report', '--attack', '17.1', '--rules', RULES, '--out', path.join(cacheRoot, 'out')], { env: { ATTACK_COV_CACHE: cacheRoot, ATTACK_COV_ATTACK_MIRROR: mirror } });
    expectOneLineError(result, /^error: download failed: http:\/\/127\.0\.0\.1:\d+\/echo\.json: HTTP 500$/m);
    for (const secret of ['mirror-pass-1234', 'tok-abcdef-123456', 'mirroruser']) expect(result.stderr + result.stdout).not.toContain(secret);
  });
});
