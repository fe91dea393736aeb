// What loadAttack (src/attack/load.ts) holds --attack to, down to the words: which specs are a version, a URL or a
// file (`embedded`, a blank value, names that end or begin like a version, a path holding "://"), the errors and hints
// of an unknown version, a download naming no version, a slot holding another one, a URL that does not parse and an
// offline mirror, where `latest` downloads from with a mirror set, how a version's cache slot is named and recorded,
// and the parse cache keeping the same bytes under two version names apart. A server on 127.0.0.1 stands in for MITRE,
// its index and the mirrors; every file is in a temporary folder.
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkAttackUrl, loadAttack, urlForVersion } from '../../../src/attack/load.js';
import { InputError, NetworkError, UsageError } from '../../../src/errors.js';
import { DEFAULT_LIMITS, limits } from '../../../src/limits.js';
import { flushParseCache, parseCacheFor } from '../../../src/parse-cache.js';
import { rejection, thrown } from '../../helpers/errors.js';
import { serve, startServer, type TestServer } from '../../helpers/http-server.js';
import { fixture, MINI_BUNDLE } from '../../helpers/paths.js';

const FAST = { attempts: 1, backoffMs: 5, timeoutMs: 2_000 };
const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-load-'));

let server: TestServer;
/** mini-bundle-17.1.json: a bundle whose x-mitre-collection names 17.1. */
let mini17: Buffer;
/** The same bundle with its collection naming `version` instead. */
const namingVersion = (version: string) => Buffer.from(mini17.toString('utf8').replace('"x_mitre_version":"17.1"', `"x_mitre_version":"${version}"`));

beforeAll(async () => {
  mini17 = await readFile(fixture('attack', 'mini-bundle-17.1.json'));
  expect(namingVersion('18.10').toString()).toContain('"x_mitre_version":"18.10"');
  server = await startServer({
    '/v-prefixed/enterprise-attack-17.1.json': serve(namingVersion('v17.1')),
    '/suffixed/enterprise-attack-17.1.json': serve(namingVersion('17.1-rc1')),
    '/index.json': (req, res, call) => serve(Buffer.from(JSON.stringify({ collections: [{ name: 'Enterprise ATT&CK', versions: [{ version: '18.9', url: server.url('/e-18.9.json') }, { version: '18.10', url: server.url('/e-18.10.json') }] }] })))(req, res, call),
    '/e-18.10.json': serve(namingVersion('18.10')),
    '/mirror/enterprise-attack-18.10.json': serve(namingVersion('18.10')),
    '/down/enterprise-attack-17.1.json': (_req, res) => res.writeHead(503).end(),
    '/file:enterprise-attack-17.1.json': serve(mini17),
    // A mirror without {version} in its path (the version goes in the query): its file name names no version.
    '/gz/bundle.json': serve(gzipSync(mini17), 'application/octet-stream'),
  });
});
afterAll(() => server.close());
afterEach(() => {
  delete process.env.ATTACK_COV_ATTACK_MIRROR;
  delete process.env.ATTACK_COV_ATTACK_INDEX;
  limits.maxBundleBytes = DEFAULT_LIMITS.maxBundleBytes;
});

describe('which --attack values are a version, a URL or a file', () => {
  it('reads the embedded bundle for "embedded", as for no --attack at all', async () => {
    const cacheRoot = await tempDir();
    const loaded = await loadAttack('embedded', { cacheRoot, download: FAST });
    expect(loaded.source).toBe('embedded:enterprise-attack-18.1.json.gz');
    expect(loaded.isEmbedded).toBe(true);
    expect(loaded.catalog.version).toBe('18.1');
    expect(await readdir(cacheRoot)).toEqual([]);
  });

  it.each([[''], ['   '], ['\t']])('refuses --attack %j as a usage error naming the flag, not as a missing file', async (spec) => {
    const error = await rejection(loadAttack(spec, { cacheRoot: await tempDir(), download: FAST }), UsageError);
    expect(error.message).toBe(`--attack ${JSON.stringify(spec)}: no value in it`);
    expect(error.hint).toBe('give a bundle file, a URL, a version such as 18.1, or leave --attack out for the embedded one');
  });

  it('reads a file whose name ends in a version as that file, not as the version', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'attack-17.1');
    await copyFile(MINI_BUNDLE, file);
    const loaded = await loadAttack(file, { cacheRoot: dir, download: FAST });
    expect(loaded.source).toBe(file);
    // mini-bundle-2.0.json has no collection: the version is the one its name holds.
    expect(loaded.catalog.version).toBe('17.1');
  });

  it('takes a version followed by more (17.1.json) for a file name: missing, it is a missing file, not an unknown version', async () => {
    // No 17.1.json in the working directory (the repository's root).
    const error = await rejection(loadAttack('17.1.json', { cacheRoot: await tempDir(), download: FAST }), InputError);
    expect(error.message).toBe('17.1.json: no such file');
    expect(error.hint).toBe('pass a STIX bundle file, a URL, or a version such as 18.1');
  });

  it('takes a minor of two digits (99.10) for a version: read from its cache slot, named after the slot when nothing records where it came from', async () => {
    const cacheRoot = await tempDir();
    await mkdir(path.join(cacheRoot, 'attack'));
    const slot = path.join(cacheRoot, 'attack', 'enterprise-attack-99.10.json');
    await copyFile(MINI_BUNDLE, slot);
    const loaded = await loadAttack('99.10', { cacheRoot, download: FAST });
    expect(loaded.catalog.version).toBe('99.10');
    expect(loaded.source).toBe('cache:enterprise-attack-99.10.json');
    expect(loaded.file).toBe(slot);
    expect(loaded.isFromCache).toBe(true);
  });

  it('reads a path holding "://" after its start as a file, not as a URL of a scheme it cannot fetch', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'ftp:'));
    await copyFile(MINI_BUNDLE, path.join(dir, 'ftp:', 'enterprise-attack-17.1.json'));
    const loaded = await loadAttack(`${dir}/ftp://enterprise-attack-17.1.json`, { cacheRoot: dir, download: FAST });
    expect(loaded.source).toBe(path.join(dir, 'ftp:', 'enterprise-attack-17.1.json'));
    expect(loaded.catalog.version).toBe('17.1');
  });
});

describe('an unknown version', () => {
  it('is a usage error naming it as given, with the six newest known versions as the hint', async () => {
    const cacheRoot = await tempDir();
    const error = await rejection(loadAttack('v99.9', { cacheRoot, download: FAST }), UsageError);
    expect(error.message).toBe('unknown ATT&CK version: v99.9');
    // The last six of data/upstream.json's attack.versions.
    expect(error.hint).toBe('known versions: 16.0, 16.1, 17.0, 17.1, 18.0, 18.1 … (newest 18.1), or latest; or pass a bundle file or URL');
    expect(await readdir(cacheRoot)).toEqual([]);
  });

  it('is what urlForVersion makes of a v anywhere but first: it drops a leading v (of either case) only', () => {
    const error = thrown(() => urlForVersion('1v8.1'), UsageError);
    expect(error.message).toBe('unknown ATT&CK version: 1v8.1');
    expect(urlForVersion('V17.1')).toBe('https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack-17.1.json');
  });
});

describe('downloading a version', () => {
  it.each([
    ['/v-prefixed', 'v17.1'],
    ['/suffixed', '17.1-rc1'],
  ])('refuses a bundle from %s whose collection names "%s": no major.minor version, with how to use it anyway', async (mirror, named) => {
    const cacheRoot = await tempDir();
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url(`${mirror}/enterprise-attack-{version}.json`);
    const error = await rejection(loadAttack('17.1', { cacheRoot, download: FAST }), InputError);
    expect(error.message).toBe(`${server.url(`${mirror}/enterprise-attack-17.1.json`)}: names no ATT&CK version (found "${named}")`);
    expect(error.hint).toBe('--attack 17.1 takes a bundle that says it is 17.1: pass this one as a file (--attack FILE)');
    expect(await readdir(cacheRoot)).toEqual([]);
  });

  it('takes from latest a version with a minor of two digits (18.10) that its bundle names', async () => {
    const cacheRoot = await tempDir();
    process.env.ATTACK_COV_ATTACK_INDEX = server.url('/index.json');
    const loaded = await loadAttack('latest', { cacheRoot, download: FAST });
    expect(loaded.catalog.version).toBe('18.10');
    expect(loaded.requested).toBe('latest');
    expect(loaded.source).toBe(server.url('/e-18.10.json'));
    expect(loaded.file).toBe(path.join(cacheRoot, 'attack', 'enterprise-attack-18.10.json'));
  });

  it('downloads the version latest resolves to from ATTACK_COV_ATTACK_MIRROR when it is set, not from the index URL', async () => {
    const cacheRoot = await tempDir();
    process.env.ATTACK_COV_ATTACK_INDEX = server.url('/index.json');
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/mirror/enterprise-attack-{version}.json');
    const before = server.calls('/e-18.10.json');
    const loaded = await loadAttack('latest', { cacheRoot, download: FAST });
    expect(loaded.source).toBe(server.url('/mirror/enterprise-attack-18.10.json'));
    expect(loaded.catalog.version).toBe('18.10');
    expect(server.calls('/mirror/enterprise-attack-18.10.json')).toBe(1);
    expect(server.calls('/e-18.10.json')).toBe(before);
    expect(await readFile(path.join(cacheRoot, 'attack', 'enterprise-attack-18.10.json.source'), 'utf8')).toBe(`${server.url('/mirror/enterprise-attack-18.10.json')}\n`);
  });

  it('refuses a cache slot holding another version, with how to clear it', async () => {
    const cacheRoot = await tempDir();
    await mkdir(path.join(cacheRoot, 'attack'));
    const slot = path.join(cacheRoot, 'attack', 'enterprise-attack-16.1.json');
    await writeFile(slot, mini17);
    const error = await rejection(loadAttack('16.1', { cacheRoot, download: FAST }), InputError);
    expect(error.message).toBe(`${slot}: is ATT&CK 17.1, not 16.1`);
    expect(error.hint).toBe('remove it (attack-cov cache clean removes the whole cache) and run again');
  });

  it('says, when the mirror cannot be reached, how to add the bundle to the cache without network', async () => {
    const cacheRoot = await tempDir();
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/down/enterprise-attack-{version}.json');
    const error = await rejection(loadAttack('17.1', { cacheRoot, download: FAST }), NetworkError);
    expect(error.message).toBe(`download failed: ${server.url('/down/enterprise-attack-17.1.json')}: HTTP 503`);
    expect(error.hint).toBe('check the network or proxy, or pass a local file instead (--attack FILE, --rules FILE); without network, add a copy of the bundle to the cache once: attack-cov cache add enterprise-attack-17.1.json');
    expect(error.isUnreachable).toBe(true);
  });

  it('keeps the record of where a cached copy came from when the download step serves it from the cache, downloading nothing', async () => {
    // The copy came from /gz/ through the parse cache's key for a name without a version. With a lower size cap its
    // gzip is refused when read again under the version's own key (not in the parse cache), and the download step
    // then finds it valid (its catalog is in the parse cache under the mirror's key): a copy from the cache, which
    // the mirror now set (/other/, never asked) did not send.
    const cacheRoot = await tempDir();
    const parseCache = parseCacheFor(cacheRoot, [], {})!;
    const slot = path.join(cacheRoot, 'attack', 'enterprise-attack-17.1.json');
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/gz/bundle.json?v={version}');
    expect((await loadAttack('17.1', { cacheRoot, download: FAST, parseCache })).isFromCache).toBe(false);
    flushParseCache(parseCache);
    const record = `${server.url('/gz/bundle.json')}\n`;
    expect(await readFile(`${slot}.source`, 'utf8')).toBe(record);
    const gzipped = await readFile(slot);
    expect(gzipped.length).toBeLessThan(mini17.length);
    limits.maxBundleBytes = gzipped.length;
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/other/bundle.json?v={version}');
    const loaded = await loadAttack('17.1', { cacheRoot, download: FAST, parseCache });
    expect(loaded.isFromCache).toBe(true);
    expect(loaded.catalog.version).toBe('17.1');
    expect(server.calls('/other/bundle.json')).toBe(0);
    expect(await readFile(`${slot}.source`, 'utf8')).toBe(record);
  });
});

describe('bundle URLs', () => {
  it('records a URL whose path holds "file:" as the URL it is', async () => {
    const loaded = await loadAttack(server.url('/file:enterprise-attack-17.1.json'), { cacheRoot: await tempDir(), download: FAST });
    expect(loaded.source).toBe(server.url('/file:enterprise-attack-17.1.json'));
    expect(loaded.catalog.version).toBe('17.1');
  });

  it('refuses a URL that does not parse as a usage error naming --attack, before any download', async () => {
    const cacheRoot = await tempDir();
    const error = await rejection(loadAttack('http://[::1/enterprise-attack.json', { cacheRoot, download: FAST }), UsageError);
    expect(error.message).toBe('--attack http://[::1/enterprise-attack.json: not a valid URL (an IPv6 address without its closing ])');
    expect(error.hint).toBe('check the URL (e.g. https://mirror.example/enterprise-attack-17.1.json), or pass a bundle file or a version such as 18.1');
    expect(await readdir(cacheRoot)).toEqual([]);
  });

  it('checkAttackUrl leaves what is no URL (a file name, a version) to be read as such, and names a bad URL given as an argument by itself', () => {
    expect(checkAttackUrl('enterprise-attack-17.1.json', undefined)).toBeUndefined();
    expect(checkAttackUrl('17.1', '--url')).toBeUndefined();
    const error = thrown(() => checkAttackUrl('https://[::1', undefined), UsageError);
    expect(error.message).toBe('https://[::1: not a valid URL (an IPv6 address without its closing ])');
  });
});

describe('the parse cache', () => {
  it('keeps the same bytes under two names apart: each catalog takes the version its own file name holds', async () => {
    const dir = await tempDir();
    const parseCache = parseCacheFor(dir, [], {})!;
    const [file16, file17] = ['16.1', '17.1'].map((version) => path.join(dir, `enterprise-attack-${version}.json`));
    await copyFile(MINI_BUNDLE, file16!);
    await copyFile(MINI_BUNDLE, file17!);
    expect((await loadAttack(file16, { cacheRoot: dir, parseCache })).catalog.version).toBe('16.1');
    flushParseCache(parseCache);
    const loaded = await loadAttack(file17, { cacheRoot: dir, parseCache });
    expect(loaded.catalog.version).toBe('17.1');
    expect(loaded.sha256).toBe((await loadAttack(file16, { cacheRoot: dir, parseCache })).sha256);
    flushParseCache(parseCache);
    // Both are in the cache now, each under its own version.
    expect((await readdir(path.join(dir, 'parsed', 'catalog'))).length).toBe(2);
    expect((await loadAttack(file16, { cacheRoot: dir, parseCache })).catalog.version).toBe('16.1');
  });
});
