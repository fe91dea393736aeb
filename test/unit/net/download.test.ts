// Downloads against a real HTTP server on 127.0.0.1: retries, failures, validation, and the cache.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAttack } from '../../../src/attack/load.js';
import { InputError, NetworkError } from '../../../src/errors.js';
import { MINI_BUNDLE } from '../../helpers/paths.js';
import { dropMidway, serve, startServer, type TestServer } from '../../helpers/http-server.js';

const FAST = { attempts: 3, backoffMs: 5, timeoutMs: 2_000 };
let server: TestServer;
let bundle: Buffer;

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).map((e) => e.name);
}

beforeAll(async () => {
  bundle = await readFile(MINI_BUNDLE);
  server = await startServer({
    '/ok.json': serve(bundle),
    '/flaky.json': (req, res, call) => (call === 1 ? res.writeHead(503, { 'retry-after': '0' }).end() : serve(bundle)(req, res, call)),
    '/drop-once.json': (req, res, call) => (call === 1 ? dropMidway(bundle)(req, res, call) : serve(bundle)(req, res, call)),
    '/drop-always.json': dropMidway(bundle),
    '/not-a-bundle.json': serve(Buffer.from('<html>login page</html>'), 'text/html'),
    '/slow.json': (_req, res) => {
      res.writeHead(200, { 'content-length': bundle.length });
      res.write(bundle.subarray(0, 10)); // then silence: the body timeout must fire
    },
  });
});
afterAll(() => server.close());

const tempCache = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-cache-'));

describe('loadAttack from a URL', () => {
  it('downloads, validates and caches; the second load reads the cache without the server', async () => {
    const cacheRoot = await tempCache();
    const first = await loadAttack(server.url('/ok.json'), { cacheRoot, download: FAST });
    expect(first.catalog.techniques.size).toBe(13);
    expect(first.isFromCache).toBe(false);
    const second = await loadAttack(server.url('/ok.json'), { cacheRoot, download: FAST });
    expect(second.isFromCache).toBe(true);
    expect(server.calls('/ok.json')).toBe(1);
    expect(second.sha256).toBe(first.sha256);
  });

  it('retries a 503 and succeeds', async () => {
    const loaded = await loadAttack(server.url('/flaky.json'), { cacheRoot: await tempCache(), download: FAST });
    expect(loaded.catalog.tactics).toHaveLength(6);
    expect(server.calls('/flaky.json')).toBe(2);
  });

  it('retries a connection dropped mid-download and succeeds', async () => {
    const loaded = await loadAttack(server.url('/drop-once.json'), { cacheRoot: await tempCache(), download: FAST });
    expect(loaded.catalog.techniques.has('T1529')).toBe(true);
  });

  it('gives up on a connection that always drops, leaving nothing in the cache', async () => {
    const cacheRoot = await tempCache();
    const error = await loadAttack(server.url('/drop-always.json'), { cacheRoot, download: FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/download failed: http:\/\/127\.0\.0\.1:\d+\/drop-always\.json/);
    expect(await filesUnder(cacheRoot)).toEqual([]);
  });

  it('rejects a download that is not a bundle and does not cache it', async () => {
    const cacheRoot = await tempCache();
    const error = await loadAttack(server.url('/not-a-bundle.json'), { cacheRoot, download: FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/not-a-bundle\.json: not a STIX bundle/);
    expect(await filesUnder(cacheRoot)).toEqual([]);
  });

  it('does not retry a 404', async () => {
    const error = await loadAttack(server.url('/missing.json'), { cacheRoot: await tempCache(), download: FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/HTTP 404/);
    expect(server.calls('/missing.json')).toBe(1);
  });

  it('times out a stalled body', async () => {
    const cacheRoot = await tempCache();
    const error = await loadAttack(server.url('/slow.json'), { cacheRoot, download: { attempts: 1, timeoutMs: 300 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(await filesUnder(cacheRoot)).toEqual([]);
  });

  it('resolves a version through ATTACK_COV_ATTACK_MIRROR into the versioned cache path', async () => {
    const cacheRoot = await tempCache();
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/ok.json?v={version}');
    try {
      const loaded = await loadAttack('17.1', { cacheRoot, download: FAST });
      // The query string (a mirror's token lives there) is never recorded.
      expect(loaded.source).toBe(server.url('/ok.json'));
      expect(loaded.catalog.version).toBe('17.1');
      expect(await filesUnder(cacheRoot)).toEqual(['enterprise-attack-17.1.json', 'enterprise-attack-17.1.json.source']);
      // Read again from the cache: the recorded source, not a cache path.
      expect((await loadAttack('17.1', { cacheRoot, download: FAST })).source).toBe(server.url('/ok.json'));
      expect(server.calls('/ok.json')).toBeGreaterThan(0);
    } finally {
      delete process.env.ATTACK_COV_ATTACK_MIRROR;
    }
  });
});

