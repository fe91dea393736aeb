// Downloads against a real HTTP server on 127.0.0.1: retries, failures, validation, and the cache.
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAttack } from '../../../src/attack/load.js';
import { InputError, NetworkError } from '../../../src/errors.js';
import { fixture, MINI_BUNDLE } from '../../helpers/paths.js';
import { dropMidway, serve, startServer, type TestServer } from '../../helpers/http-server.js';

const FAST = { attempts: 3, backoffMs: 5, timeoutMs: 2_000 };
let server: TestServer;
let bundle: Buffer;
let bundle17: Buffer;

async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((e) => e.isFile()).map((e) => e.name);
}

beforeAll(async () => {
  bundle = await readFile(MINI_BUNDLE);
  bundle17 = await readFile(fixture('attack', 'mini-bundle-17.1.json'));
  server = await startServer({
    '/ok.json': serve(bundle),
    // A bundle whose collection names 17.1 (mini-bundle-17.1.json), at a URL without {version} in it.
    '/enterprise-attack.json': serve(bundle17),
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
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/enterprise-attack.json?v={version}');
    try {
      const loaded = await loadAttack('17.1', { cacheRoot, download: FAST });
      // The query string (a mirror's token lives there) is never recorded.
      expect(loaded.source).toBe(server.url('/enterprise-attack.json'));
      expect(loaded.catalog.version).toBe('17.1');
      expect(await filesUnder(cacheRoot)).toEqual(['enterprise-attack-17.1.json', 'enterprise-attack-17.1.json.source']);
      // Read again from the cache: the recorded source, not a cache path.
      expect((await loadAttack('17.1', { cacheRoot, download: FAST })).source).toBe(server.url('/enterprise-attack.json'));
      expect(server.calls('/enterprise-attack.json')).toBeGreaterThan(0);
    } finally {
      delete process.env.ATTACK_COV_ATTACK_MIRROR;
    }
  });
});

describe('a version downloaded must be the version asked for', () => {
  const withMirror = async <T>(template: string, run: () => Promise<T>): Promise<T> => {
    process.env.ATTACK_COV_ATTACK_MIRROR = template;
    try {
      return await run();
    } finally {
      delete process.env.ATTACK_COV_ATTACK_MIRROR;
    }
  };

  it('refuses a bundle naming another version (a mirror URL without {version}), caching nothing for either', async () => {
    const cacheRoot = await tempCache();
    const error = await withMirror(server.url('/enterprise-attack.json?token=t0ken-abcdef'), () => loadAttack('16.1', { cacheRoot, download: FAST }).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${server.url('/enterprise-attack.json')}: is ATT&CK 17.1, not the 16.1 asked for; not cached`);
    expect((error as InputError).hint).toMatch(/ATTACK_COV_ATTACK_MIRROR.*\{version\}/);
    expect(await filesUnder(cacheRoot)).toEqual([]);
  });

  it('refuses a bundle that names no version, as cache add does: neither its collection nor its URL says one', async () => {
    const cacheRoot = await tempCache();
    const error = await withMirror(server.url('/ok.json?v={version}'), () => loadAttack('16.1', { cacheRoot, download: FAST }).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${server.url('/ok.json')}: names no ATT&CK version (found "unknown")`);
    expect(await filesUnder(cacheRoot)).toEqual([]);
  });

  it('refuses a slot that holds another version (filled before this check), rather than serve it as the one asked for', async () => {
    const cacheRoot = await tempCache();
    await mkdir(path.join(cacheRoot, 'attack'));
    await writeFile(path.join(cacheRoot, 'attack', 'enterprise-attack-16.1.json'), bundle17);
    const error = await loadAttack('16.1', { cacheRoot, download: FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(`${path.join(cacheRoot, 'attack', 'enterprise-attack-16.1.json')}: is ATT&CK 17.1, not 16.1`);
  });
});

