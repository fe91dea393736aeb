// A download whose announced length is past ATTACK_COV_MAX_BUNDLE_BYTES: the CLI refuses it with one line and
// exit 2. (It used to crash with an unhandled 'Request aborted' error event of the dropped undici body.)
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { serve, startServer, type TestServer } from '../helpers/http-server.js';
import { fixture, MINI_BUNDLE } from '../helpers/paths.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ '/mini.json': serve(await readFile(MINI_BUNDLE)) });
});
afterAll(() => server.close());

it('refuses a bundle announced larger than the cap with one error line, writing nothing', async () => {
  const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-cap-')), 'out');
  const cache = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-cap-cache-'));
  const result = await runCli(['report', '--attack', server.url('/mini.json'), '--rules', fixture('rules', 'conventional.yaml'), '--out', out, '-q'], {
    env: { ATTACK_COV_MAX_BUNDLE_BYTES: '1000', ATTACK_COV_CACHE: cache },
  });
  expectOneLineError(result, /^error: download failed: http:\/\/127\.0\.0\.1:\d+\/mini\.json: the response is larger than 1000 bytes$/);
  expect(result.stderr).toMatch(/\nhint: raise ATTACK_COV_MAX_BUNDLE_BYTES if the file is genuine\n$/);
  expect(await readdir(out).catch(() => [])).toEqual([]);
  expect(await readdir(cache, { recursive: true })).toEqual([]);
});
