// The `latest` index in-process (the CLI tests reach it only through dist/): how versions compare, which index
// entries count, when the cached index is fresh, and which bundle URLs a downloaded index may name.
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { compareVersions, newestInIndex, resolveLatest } from '../../../src/attack/latest.js';
import { InputError } from '../../../src/errors.js';
import { serve, startServer, type TestServer } from '../../helpers/http-server.js';

const FAST = { attempts: 1, backoffMs: 5, timeoutMs: 2_000 };
const DAY_MS = 24 * 60 * 60 * 1000;
const HINT = 'check ATTACK_COV_ATTACK_INDEX, or pass a version such as --attack 18.1';

/** An index.json with one enterprise collection holding `versions`. */
const indexOf = (versions: unknown[], name = 'Enterprise ATT&CK') => JSON.stringify({ collections: [{ name, versions }] });
const thrown = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('did not throw');
};

describe('compareVersions', () => {
  it.each([
    ['18.1', '9.0', 9], // major by number, not by text
    ['17.3', '17.1', 2], // the minor decides when the majors are equal
    ['17.1', '17.3', -2],
    ['18', '18.0', 0], // a missing minor is 0
  ])('%s against %s is %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});

describe('newestInIndex', () => {
  it('skips collections and versions that are not what an index holds, and ranks 18.10 above 18.9', () => {
    const text = JSON.stringify({
      collections: [null, { name: 42 }, { name: 'Enterprise ATT&CK', versions: [null, { version: '18.9', url: 'https://x/old' }, { version: '18.10', url: 'https://x/new' }] }],
    });
    expect(newestInIndex(text, 'enterprise-attack', 'index')).toEqual({ version: '18.10', url: 'https://x/new' });
  });

  // Each entry alone: none is a version the index may give (the version is "<number>.<number>", the URL a string).
  it.each([
    [{ version: 99.2, url: 'https://x/number' }],
    [{ version: '99.3x', url: 'https://x/suffix' }],
    [{ version: 'x99.4', url: 'https://x/prefix' }],
    [{ version: '99', url: 'https://x/major-only' }],
    [{ version: '99.5', url: 5 }],
    [{ version: '99.6' }],
  ])('%j is no version', (entry) => {
    const error = thrown(() => newestInIndex(indexOf([entry]), 'enterprise-attack', 'index'));
    expect(error).toEqual(new InputError('index', 'lists no version of enterprise-attack', HINT));
    expect((error as InputError).hint).toBe(HINT);
  });

  it('drops only a final -attack from the domain to name its collection', () => {
    const text = JSON.stringify({
      collections: [
        { name: 'Enterprise-beta ATT&CK', versions: [{ version: '2.0', url: 'https://x/wrong' }] },
        { name: 'Enterprise-attack-beta ATT&CK', versions: [{ version: '1.0', url: 'https://x/right' }] },
      ],
    });
    expect(newestInIndex(text, 'enterprise-attack-beta', 'index')).toEqual({ version: '1.0', url: 'https://x/right' });
  });
});

describe('resolveLatest', () => {
  let server: TestServer;
  const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-latest-'));
  /** A cache root whose index.json says `version` and was written `ageMs` before now. */
  async function cachedIndex(version: string, ageMs: number): Promise<string> {
    const cacheRoot = await tempDir();
    const file = path.join(cacheRoot, 'attack', 'index.json');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, indexOf([{ version, url: `https://x/cached-${version}` }]));
    const when = new Date(Date.now() - ageMs);
    await utimes(file, when, when);
    return cacheRoot;
  }
  /** A local index (file://) that says `version`. */
  async function localIndex(version: string, url = `https://x/fresh-${version}`): Promise<string> {
    const file = path.join(await tempDir(), 'index.json');
    await writeFile(file, indexOf([{ version, url }]));
    return pathToFileURL(file).href;
  }

  beforeAll(async () => {
    server = await startServer({
      // A downloaded index whose URL merely contains "file:" (it is no local index) naming a file:// bundle.
      '/file:/index.json': serve(Buffer.from(indexOf([{ version: '99.1', url: 'file:///etc/passwd' }]))),
      // A downloaded index naming a URL that only contains https://, after another scheme.
      '/embedded-https.json': serve(Buffer.from(indexOf([{ version: '99.1', url: 'ftp://h/https://x/b.json' }]))),
      // Upper case schemes are still http(s).
      '/upper.json': serve(Buffer.from(indexOf([{ version: '99.1', url: 'HTTPS://X/B.JSON' }]))),
    });
  });
  afterAll(() => server.close());
  afterEach(() => vi.useRealTimers());

  it('reads a cached index younger than a day without asking, and says it is not stale', async () => {
    const cacheRoot = await cachedIndex('50.1', DAY_MS / 2);
    const latest = await resolveLatest(await localIndex('60.1'), 'enterprise-attack', cacheRoot, FAST);
    expect(latest).toEqual({ version: '50.1', url: 'https://x/cached-50.1', isStale: false });
  });

  it('refreshes a cached index exactly a day old, and the fresh one is not stale', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000; // whole seconds: the mtime holds them exactly
    const cacheRoot = await cachedIndex('50.1', 0);
    const when = new Date(now - DAY_MS);
    await utimes(path.join(cacheRoot, 'attack', 'index.json'), when, when);
    const indexUrl = await localIndex('60.1');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    const latest = await resolveLatest(indexUrl, 'enterprise-attack', cacheRoot, FAST);
    expect(latest).toEqual({ version: '60.1', url: 'https://x/fresh-60.1', isStale: false });
  });

  it('takes a file:// index only when the index URL starts with file:', async () => {
    const error = await resolveLatest(server.url('/file:/index.json'), 'enterprise-attack', await tempDir(), FAST).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/: names file:\/\/\/etc\/passwd for enterprise-attack 99\.1: a downloaded index may name http\(s\) URLs only$/);
    expect((error as InputError).hint).toBe(HINT);
  });

  it('takes a bundle URL from a downloaded index when it starts with http(s)://, in any case', async () => {
    await expect(resolveLatest(server.url('/embedded-https.json'), 'enterprise-attack', await tempDir(), FAST)).rejects.toThrow(/names ftp:\/\/h\/https:\/\/x\/b\.json for/);
    expect(await resolveLatest(server.url('/upper.json'), 'enterprise-attack', await tempDir(), FAST)).toEqual({ version: '99.1', url: 'HTTPS://X/B.JSON', isStale: false });
  });
});
