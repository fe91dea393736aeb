// The warm path for ATT&CK: a second read of a bundle comes from the parse cache and equals a fresh parse;
// a corrupt entry or another version hint is rebuilt; a bad bundle stores nothing; and the catalog's
// shape and content are pinned to CATALOG_FORMAT so a change without a bump fails here.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_FORMAT, CATALOG_KIND, cachedCatalog, catalogKey } from '../../../src/attack/catalog-cache.js';
import { loadAttack, readBundleFile } from '../../../src/attack/load.js';
import { entryName, type ParseCache } from '../../../src/parse-cache.js';
import { contentHash, outlineOf } from '../../helpers/fingerprint.js';
import { BUNDLE_18, MINI_BUNDLE, fixture, repoRoot } from '../../helpers/paths.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-catalog-cache-'));

/** readBundleFile with a counter, as load.ts wires it. */
function counted(file: string, hint?: string) {
  const reads = { count: 0 };
  const read = async () => {
    reads.count++;
    return readBundleFile(file, path.basename(file), hint);
  };
  return { reads, read };
}

describe('cachedCatalog', () => {
  it('parses once, then serves an equal catalog from the cache', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const { reads, read } = counted(MINI_BUNDLE, '2.0');
    const cold = await cachedCatalog(MINI_BUNDLE, '2.0', cache, read);
    const warm = await cachedCatalog(MINI_BUNDLE, '2.0', cache, read);
    expect(reads.count).toBe(1);
    expect([cold.isCached, warm.isCached]).toEqual([false, true]);
    expect(warm.catalog).toEqual(cold.catalog);
    expect(contentHash(warm.catalog)).toBe(contentHash(cold.catalog));
    expect(warm.sha256).toBe(cold.sha256);
  });

  it('rebuilds a corrupt or truncated entry and stores a good one in its place', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const { reads, read } = counted(MINI_BUNDLE, '2.0');
    const { sha256, catalog } = await cachedCatalog(MINI_BUNDLE, '2.0', cache, read);
    const file = path.join(cache.dir!, 'catalog', entryName(CATALOG_KIND, catalogKey(sha256, '2.0')));
    const good = readFileSync(file);
    await writeFile(file, good.subarray(0, good.length - 100));
    expect((await cachedCatalog(MINI_BUNDLE, '2.0', cache, read)).catalog).toEqual(catalog);
    expect(reads.count).toBe(2);
    expect(readFileSync(file)).toEqual(good);
    const corrupt = Buffer.from(good);
    corrupt[corrupt.length - 50]! ^= 1;
    await writeFile(file, corrupt);
    expect((await cachedCatalog(MINI_BUNDLE, '2.0', cache, read)).isCached).toBe(false);
    expect((await cachedCatalog(MINI_BUNDLE, '2.0', cache, read)).isCached).toBe(true);
    expect(reads.count).toBe(3);
  });

  it('keys by the version hint too: a bundle without a collection takes its version from it', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const a = await cachedCatalog(MINI_BUNDLE, '2.0', cache, counted(MINI_BUNDLE, '2.0').read);
    const b = await cachedCatalog(MINI_BUNDLE, '7.7', cache, counted(MINI_BUNDLE, '7.7').read);
    expect([a.catalog.version, b.catalog.version, b.isCached]).toEqual(['2.0', '7.7', false]);
  });

  it('stores nothing when the bundle is replaced between hashing and reading, and reports the new bytes', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const file = path.join(await tempDir(), 'bundle.json');
    await writeFile(file, readFileSync(MINI_BUNDLE));
    const replacement = readFileSync(fixture('attack', 'mini-bundle-2.1.json'));
    const read = async (knownSha256?: string) => {
      if (knownSha256 !== undefined) await writeFile(file, replacement); // another process replaces it
      return readBundleFile(file, 'bundle.json', undefined, knownSha256);
    };
    const result = await cachedCatalog(file, undefined, cache, read);
    expect(result.sha256).toBe(createHash('sha256').update(replacement).digest('hex'));
    expect(result.catalog.version).toBe('99.1');
    await expect(readdir(path.join(cache.dir!, 'catalog'))).rejects.toThrow(/ENOENT/);
  });

  it('stores nothing for a bundle that does not parse', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    const truncated = fixture('attack', 'truncated.json');
    await expect(cachedCatalog(truncated, undefined, cache, counted(truncated).read)).rejects.toThrow(/truncated|JSON/);
    await expect(readdir(path.join(cache.dir!, 'catalog'))).rejects.toThrow(/ENOENT/);
  });

  it('loadAttack reads the embedded bundle from the catalog prebuilt at build time, equal to a fresh parse', async () => {
    const empty = await tempDir();
    const cache: ParseCache = { prebuilt: [path.join(repoRoot, 'dist', 'parsed')], dir: path.join(empty, 'parsed') };
    const [warm, fresh] = await Promise.all([loadAttack(undefined, { cacheRoot: empty, parseCache: cache }), readBundleFile(BUNDLE_18, 'x', '18.1')]);
    expect(contentHash(warm.catalog)).toBe(contentHash(fresh.catalog));
    expect(warm.sha256).toBe(fresh.sha256);
    await expect(readdir(empty)).resolves.toEqual([]); // served by dist/parsed: nothing written
  });
});

/** Per CATALOG_FORMAT: the outline of the catalog and content hashes of two bundles' catalogs. */
const GOLDEN = path.join(repoRoot, 'test', 'golden', 'catalog-format.json');

describe(`CATALOG_FORMAT ${CATALOG_FORMAT}`, () => {
  it('pins the catalog: a change of shape or content needs a format bump', async () => {
    const [mini, attack18] = await Promise.all([readBundleFile(MINI_BUNDLE, 'mini', undefined), readBundleFile(BUNDLE_18, '18.1', '18.1')]);
    const current = { outline: outlineOf(attack18.catalog), mini: contentHash(mini.catalog), attack18: contentHash(attack18.catalog) };
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, unknown>;
    const recorded = golden[String(CATALOG_FORMAT)];
    expect(recorded, `no entry for CATALOG_FORMAT ${CATALOG_FORMAT} in test/golden/catalog-format.json; add "${CATALOG_FORMAT}": ${JSON.stringify(current)}`).toBeDefined();
    expect(current, `the normalized catalog changed: bump CATALOG_FORMAT in src/attack/catalog-cache.ts (to ${CATALOG_FORMAT + 1}) so that cached catalogs are rebuilt, and add its entry to test/golden/catalog-format.json (leave the old ones)`).toEqual(recorded);
  });
});
