// The warm path for ATT&CK: a normalized Catalog stored in the parse cache by the bundle's sha256, so a run
// on a bundle seen before reads ~2 MB instead of parsing ~45 MB. Holds everything every command needs
// (detection strategies included), so one entry serves report, lint, draft and diff alike.
import { statSync, type Stats } from 'node:fs';
import { readEntry, writeEntry, type EntryKind, type ParseCache } from '../parse-cache.js';
import { memoizedSha256 } from '../file-sha256.js';
import { limits } from '../limits.js';
import type { Catalog } from './types.js';

/**
 * Bump whenever normalizeBundle's result changes shape or content for the same bundle (a new Catalog field,
 * a different description rule …): entries of the old format then miss and are rebuilt. The golden
 * test/unit/attack/catalog-cache.test.ts fails until you do. 6: a bundle with a malformed technique ID is refused
 * (a catalog stored from one would otherwise be read back without the check).
 */
export const CATALOG_FORMAT = 6;

export const CATALOG_KIND: EntryKind = { name: 'catalog', format: CATALOG_FORMAT, keep: 8 };

/** A bundle read the slow way: its catalog and the sha256 of the file as stored. */
export interface ReadBundle {
  catalog: Catalog;
  sha256: string;
}

/** The key: the bundle's bytes and the version hint (a bundle without x-mitre-collection takes its version from it). */
export function catalogKey(sha256: string, versionHint: string | undefined): string {
  return `${sha256}\0${versionHint ?? ''}`;
}

function isSameFile(before: Stats, file: string): boolean {
  const after = statSync(file, { throwIfNoEntry: false });
  return after !== undefined && after.ino === before.ino && after.size === before.size && after.mtimeMs === before.mtimeMs;
}

function isCatalog(value: unknown): value is Catalog {
  const catalog = value as Catalog | undefined;
  return typeof catalog?.version === 'string' && Array.isArray(catalog.tactics) && catalog.techniques instanceof Map && catalog.techniques.size > 0;
}

/**
 * The catalog of `file` from the cache, else from `read` (which parses the bundle, is told the sha256
 * already computed, and throws on a bad bundle: nothing is then stored). Without a cache this is `read()`.
 * `trustedSha256`: the file's sha256 as attack-cov's own manifest records it (the embedded bundle, part of
 * the installed package like its code, its checksum checked by the tests): used as is, never recomputed.
 */
export async function cachedCatalog(file: string, versionHint: string | undefined, cache: ParseCache | undefined, read: (knownSha256?: string) => Promise<ReadBundle>, trustedSha256?: string): Promise<ReadBundle & { isCached: boolean }> {
  if (!cache) return { ...(await read()), isCached: false };
  let sha256: string | undefined;
  let before: Stats | undefined;
  try {
    before = statSync(file);
    // Over the cap the reader refuses it: hashing it first would read gigabytes for nothing.
    if (before.size <= limits.maxBundleBytes) sha256 = trustedSha256 ?? memoizedSha256(file, cache);
  } catch {
    // The reader reports the file it cannot read (or what is no regular file, which memoizedSha256 does not open).
  }
  if (sha256 === undefined || before === undefined) return { ...(await read()), isCached: false };
  const key = catalogKey(sha256, versionHint);
  const cached = readEntry(cache, CATALOG_KIND, key, isCatalog);
  if (cached) return { catalog: cached, sha256, isCached: true };
  const fresh = await read(sha256);
  // The file changed between hashing and reading (replaced under us): its hash is unknown, store nothing.
  if (!isSameFile(before, file)) return { ...(await read()), isCached: false };
  writeEntry(cache, CATALOG_KIND, key, fresh.catalog);
  return { ...fresh, isCached: false };
}
