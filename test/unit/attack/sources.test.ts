// Where an ATT&CK bundle comes from: the embedded default (no download), `latest` through MITRE's index
// (a server on 127.0.0.1 stands in for it), file:// mirrors, the cache seeded by `cache add`, and URLs
// recorded without credentials or query strings.
import { copyFile, mkdir, mkdtemp, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAttack } from '../../../src/attack/load.js';
import { compareVersions, newestInIndex } from '../../../src/attack/latest.js';
import { InputError, NetworkError } from '../../../src/errors.js';
import { redactUrl } from '../../../src/net/url.js';
import { serve, startServer, type TestServer } from '../../helpers/http-server.js';
import { BUNDLE_18, MINI_BUNDLE, fixture } from '../../helpers/paths.js';

const FAST = { attempts: 1, backoffMs: 5, timeoutMs: 2_000 };
const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-src-'));
let server: TestServer;

/** An index.json like attack-stix-data's: enterprise 17.1 and 99.1 (unordered), and another domain with a higher version. */
function indexFor(url: (p: string) => string): Buffer {
  return Buffer.from(JSON.stringify({
    collections: [
      { name: 'Mobile ATT&CK', versions: [{ version: '120.0', url: url('/mobile.json') }] },
      { name: 'Enterprise ATT&CK', versions: [{ version: '17.1', url: url('/e-17.1.json') }, { version: '99.1', url: url('/e-99.1.json') }, { version: '9.0', url: url('/e-9.0.json') }] },
    ],
  }));
}

beforeAll(async () => {
  const mini21 = await readFile(fixture('attack', 'mini-bundle-2.1.json'));
  server = await startServer({
    '/index.json': (req, res, call) => serve(indexFor((p) => server.url(p)))(req, res, call),
    '/e-99.1.json': serve(mini21),
    '/mini.json': serve(await readFile(MINI_BUNDLE)),
    // A mirror behind HTTP Basic authentication (user mirroruser, password s3cretpassw0rd).
    '/basic/enterprise-attack-17.1.json': async (req, res, call) => {
      if (req.headers.authorization !== `Basic ${Buffer.from('mirroruser:s3cretpassw0rd').toString('base64')}`) return void res.writeHead(401).end();
      serve(await readFile(MINI_BUNDLE))(req, res, call);
    },
    '/down/index.json': (_req, res) => res.writeHead(503).end(),
    // A captive portal: 200 and a login page where the index should be.
    '/portal/index.json': (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Sign in to the guest Wi-Fi</body></html>'),
    // Indexes that name a local file, or another scheme, for the newest version.
    '/file-index.json': (req, res, call) => serve(indexFor((p) => (p === '/e-99.1.json' ? pathToFileURL(fixture('attack', 'mini-bundle-2.1.json')).href : server.url(p))))(req, res, call),
    '/ftp-index.json': (req, res, call) => serve(indexFor((p) => `ftp://127.0.0.1${p}`))(req, res, call),
  });
});
afterAll(() => server.close());
afterEach(() => {
  delete process.env.ATTACK_COV_ATTACK_INDEX;
  delete process.env.ATTACK_COV_ATTACK_MIRROR;
});

describe('the embedded default', () => {
  it.each([[undefined], ['18.1'], ['v18.1']])('%s reads the embedded 18.1 and writes nothing to the cache', async (spec) => {
    const cacheRoot = await tempDir();
    const loaded = await loadAttack(spec, { cacheRoot, download: FAST });
    expect(loaded.catalog.version).toBe('18.1');
    expect(loaded.source).toBe('embedded:enterprise-attack-18.1.json.gz');
    expect(loaded.isEmbedded).toBe(true);
    expect(loaded.catalog.techniques.get('T1529')?.name).toBe('System Shutdown/Reboot');
    expect(await readdir(cacheRoot)).toEqual([]);
  });
});

describe('latest', () => {
  it('picks the newest enterprise version of the index, whatever the order and other domains', () => {
    expect(newestInIndex(indexFor((p) => `https://x${p}`).toString(), 'enterprise-attack', 'index')).toEqual({ version: '99.1', url: 'https://x/e-99.1.json' });
    expect(compareVersions('9.0', '17.1')).toBeLessThan(0);
    expect(() => newestInIndex('{"collections":[]}', 'enterprise-attack', 'index')).toThrow(/lists no version of enterprise-attack/);
    expect(() => newestInIndex('<html>', 'enterprise-attack', 'index')).toThrow(InputError);
    // JSON that is no object is an input error, not a TypeError (a crash).
    for (const text of ['null', '42', '"index"', '[]']) expect(() => newestInIndex(text, 'enterprise-attack', 'index')).toThrow(new InputError('index', 'not a JSON object; expected the ATT&CK STIX data index.json'));
  });

  it('resolves through the index, downloads that version, records it, and caches the index for a day', async () => {
    const cacheRoot = await tempDir();
    process.env.ATTACK_COV_ATTACK_INDEX = server.url('/index.json');
    const loaded = await loadAttack('latest', { cacheRoot, download: FAST });
    expect(loaded.catalog.version).toBe('99.1');
    expect(loaded.requested).toBe('latest');
    expect(loaded.source).toBe(server.url('/e-99.1.json'));
    const before = server.calls('/index.json');
    await loadAttack('latest', { cacheRoot, download: FAST });
    expect(server.calls('/index.json')).toBe(before);
    expect(server.calls('/e-99.1.json')).toBe(1);
  });

  it('refreshes an index older than a day, and falls back to it (stale) when the refresh fails', async () => {
    const cacheRoot = await tempDir();
    process.env.ATTACK_COV_ATTACK_INDEX = server.url('/index.json');
    await loadAttack('latest', { cacheRoot, download: FAST });
    const indexFile = path.join(cacheRoot, 'attack', 'index.json');
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(indexFile, old, old);
    process.env.ATTACK_COV_ATTACK_INDEX = server.url('/down/index.json');
    const stale = await loadAttack('latest', { cacheRoot, download: FAST });
    expect(stale.catalog.version).toBe('99.1');
    expect(stale.isIndexStale).toBe(true);
    expect(stale.indexRefreshError).toMatch(/503/);
  });

  it('falls back to the stale index, untouched, when the refresh answers what is no index (a 200 login page)', async () => {
    const cacheRoot = await tempDir();
    process.env.ATTACK_COV_ATTACK_INDEX = server.url('/index.json');
    await loadAttack('latest', { cacheRoot, download: FAST });
    const indexFile = path.join(cacheRoot, 'attack', 'index.json');
    const before = await readFile(indexFile);
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(indexFile, old, old);
    process.env.ATTACK_COV_ATTACK_INDEX = server.url('/portal/index.json');
    const stale = await loadAttack('latest', { cacheRoot, download: FAST });
    expect(stale.catalog.version).toBe('99.1');
    expect(stale.isIndexStale).toBe(true);
    expect(stale.indexRefreshError).toBe(`${server.url('/portal/index.json')}: not valid JSON; expected the ATT&CK STIX data index.json`);
    expect(await readFile(indexFile)).toEqual(before);
    // With no cached copy to fall back to, the same answer is the error it is.
    await expect(loadAttack('latest', { cacheRoot: await tempDir(), download: FAST })).rejects.toThrow(/not valid JSON; expected the ATT&CK STIX data index\.json/);
  });

  it('refuses a file:// (or any non-http) bundle URL from a downloaded index, and caches nothing; a local index may name one', async () => {
    const cacheRoot = await tempDir();
    for (const name of ['/file-index.json', '/ftp-index.json']) {
      process.env.ATTACK_COV_ATTACK_INDEX = server.url(name);
      const error = await loadAttack('latest', { cacheRoot, download: FAST }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/: names (file|ftp):\/\/\S+ for enterprise-attack 99\.1: a downloaded index may name http\(s\) URLs only$/);
    }
    expect(await readdir(cacheRoot)).toEqual([]);
    const local = path.join(await tempDir(), 'index.json');
    await writeFile(local, indexFor((p) => (p === '/e-99.1.json' ? pathToFileURL(fixture('attack', 'mini-bundle-2.1.json')).href : server.url(p))));
    process.env.ATTACK_COV_ATTACK_INDEX = pathToFileURL(local).href;
    expect((await loadAttack('latest', { cacheRoot, download: FAST })).catalog.version).toBe('99.1');
  });

  it('without a cached index and no network, fails as a network error', async () => {
    process.env.ATTACK_COV_ATTACK_INDEX = server.url('/down/index.json');
    await expect(loadAttack('latest', { cacheRoot: await tempDir(), download: FAST })).rejects.toBeInstanceOf(NetworkError);
  });
});

describe('mirrors, the cache and URLs', () => {
  it('refuses a URL of a scheme it cannot fetch as such, not as a missing file, with its password hidden', async () => {
    const cacheRoot = await tempDir();
    for (const spec of ['ftp://user:s3cretpassw0rd@example.org/enterprise-attack.json', 'S3://bucket/attack.json']) {
      const error = await loadAttack(spec, { cacheRoot, download: FAST }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toMatch(/^(ftp:\/\/example\.org\/enterprise-attack\.json: ftp|s3:\/\/bucket\/attack\.json: s3):\/\/ URLs cannot be downloaded$/);
      expect((error as InputError).message).not.toContain('s3cretpassw0rd');
      expect((error as InputError).hint).toBe('use an https://, http:// or file:// URL, download the bundle yourself and pass the file, or a version such as 18.1');
    }
    expect(await readdir(cacheRoot)).toEqual([]);
  });

  it('reads a version from a file:// mirror', async () => {
    const dir = await tempDir();
    await copyFile(MINI_BUNDLE, path.join(dir, 'enterprise-attack-17.1.json'));
    process.env.ATTACK_COV_ATTACK_MIRROR = `${pathToFileURL(dir).href}/enterprise-attack-{version}.json`;
    const loaded = await loadAttack('17.1', { cacheRoot: await tempDir(), download: FAST });
    expect(loaded.catalog.techniques.has('T1529')).toBe(true);
    // Named as the file the URL names, through the caller's display (the default shows the path itself).
    expect(loaded.source).toBe(path.join(dir, 'enterprise-attack-17.1.json'));
    const shown = await loadAttack('17.1', { cacheRoot: await tempDir(), download: FAST }, (file) => `shown:${path.basename(file)}`);
    expect(shown.source).toBe('shown:enterprise-attack-17.1.json');
  });

  it('names a bundle given as a file:// URL (any case of the scheme) through the display, like a path', async () => {
    const url = pathToFileURL(MINI_BUNDLE).href.replace(/^file:/, 'FILE:');
    expect((await loadAttack(url, { cacheRoot: await tempDir(), download: FAST }, (file) => `shown:${path.basename(file)}`)).source).toBe(`shown:${path.basename(MINI_BUNDLE)}`);
  });

  it('names a missing file:// mirror file in a one-line network error', async () => {
    process.env.ATTACK_COV_ATTACK_MIRROR = 'file:///nonexistent-mirror/{version}.json';
    const error = await loadAttack('17.1', { cacheRoot: await tempDir(), download: FAST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe('cannot read file:///nonexistent-mirror/17.1.json: no such file or directory');
  });

  it('downloads from a mirror behind HTTP Basic authentication, recording it without the credentials', async () => {
    const cacheRoot = await tempDir();
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/basic/enterprise-attack-{version}.json').replace('http://', 'http://mirroruser:s3cretpassw0rd@');
    const loaded = await loadAttack('17.1', { cacheRoot, download: FAST });
    expect(loaded.catalog.techniques.has('T1529')).toBe(true);
    expect(loaded.source).toBe(server.url('/basic/enterprise-attack-17.1.json'));
    const recorded = await readdir(path.join(cacheRoot, 'attack'));
    for (const file of recorded) expect(await readFile(path.join(cacheRoot, 'attack', file), 'utf8')).not.toMatch(/s3cretpassw0rd|mirroruser/);
  });

  it('uses a version the cache holds (seeded by cache add) without knowing its URL', async () => {
    const cacheRoot = await tempDir();
    await mkdir(path.join(cacheRoot, 'attack'));
    await copyFile(fixture('attack', 'mini-bundle-2.1.json'), path.join(cacheRoot, 'attack', 'enterprise-attack-99.1.json'));
    await writeFile(path.join(cacheRoot, 'attack', 'enterprise-attack-99.1.json.source'), 'cache add: mini.json\n');
    const loaded = await loadAttack('99.1', { cacheRoot, download: FAST });
    expect(loaded.catalog.version).toBe('99.1');
    expect(loaded.source).toBe('cache add: mini.json');
  });

  it('records a URL without its credentials, query string or fragment', async () => {
    const withSecrets = server.url('/mini.json').replace('http://', 'http://user:s3cret@') + '?token=s3cret#frag';
    const loaded = await loadAttack(withSecrets, { cacheRoot: await tempDir(), download: FAST });
    expect(loaded.source).toBe(server.url('/mini.json'));
    expect(JSON.stringify(loaded.source)).not.toContain('s3cret');
    expect(redactUrl('not a url')).toBe('<url>');
  });

  it('names a bundle file relative to the source root through the display function', async () => {
    const loaded = await loadAttack(BUNDLE_18, { cacheRoot: await tempDir() }, () => 'data/embedded/attack/enterprise-attack-18.1.json.gz');
    expect(loaded.source).toBe('data/embedded/attack/enterprise-attack-18.1.json.gz');
  });
});
