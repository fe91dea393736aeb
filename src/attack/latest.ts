// Resolves `--attack latest` through the ATT&CK STIX data collection index (index.json), which lists
// every published version of every domain. The index is cached for a day; offline, a stale copy serves.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, NetworkError, unlessInputError } from '../errors.js';
import { damagedCopyError, fetchIntoCache } from '../net/cache.js';
import type { DownloadOptions } from '../net/download.js';
import { redactUrl } from '../net/url.js';
import { limits } from '../limits.js';
import { readRegularText } from '../regular-file.js';

const MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface LatestVersion {
  version: string;
  /** The bundle URL the index gives for it. */
  url: string;
  /** The index was older than a day and could not be refreshed. */
  isStale: boolean;
  /** Why the refresh failed, when it did (isStale). */
  refreshError?: string;
}

interface IndexFile {
  collections?: { name?: unknown; versions?: { version?: unknown; url?: unknown }[] }[];
}

/** Compares "18.1" and "9.0" as version numbers. */
export function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** The newest version of `domain` ("enterprise-attack") in an index.json text. Pure. */
export function newestInIndex(text: string, domain: string, label: string): { version: string; url: string } {
  let index: IndexFile | null;
  try {
    index = JSON.parse(text) as IndexFile | null;
  } catch {
    throw new InputError(label, 'not valid JSON; expected the ATT&CK STIX data index.json');
  }
  if (typeof index !== 'object' || index === null || Array.isArray(index)) throw new InputError(label, 'not a JSON object; expected the ATT&CK STIX data index.json');
  const wanted = `${domain.replace(/-attack$/, '')} att&ck`;
  const collection = (Array.isArray(index.collections) ? index.collections : []).find((c) => typeof c?.name === 'string' && c.name.toLowerCase() === wanted);
  const versions = (Array.isArray(collection?.versions) ? collection.versions : [])
    .filter((v): v is { version: string; url: string } => typeof v?.version === 'string' && /^\d+\.\d+$/.test(v.version) && typeof v.url === 'string')
    .sort((a, b) => compareVersions(b.version, a.version));
  const newest = versions[0];
  if (!newest) throw new InputError(label, `lists no version of ${domain}`, 'check ATTACK_COV_ATTACK_INDEX, or pass a version such as --attack 18.1');
  return { version: newest.version, url: newest.url };
}

/** The age of the cached index; undefined when there is none (or what is there is no regular file: never read). */
async function ageMs(file: string): Promise<number | undefined> {
  return stat(file).then((s) => (s.isFile() ? Date.now() - s.mtimeMs : undefined), () => undefined);
}

/** Downloads (or reads from the cache) the index and returns the newest version of `domain`. */
export async function resolveLatest(indexUrl: string, domain: string, cacheRoot: string, download: DownloadOptions = {}): Promise<LatestVersion> {
  const cachePath = path.join(cacheRoot, 'attack', 'index.json');
  const label = redactUrl(indexUrl);
  const isIndexLocal = /^file:/i.test(indexUrl);
  const check = async (file: string) => {
    const text = readRegularText(file, label, { what: 'an index.json', maxBytes: limits.maxBundleBytes, raiseHint: 'raise ATTACK_COV_MAX_BUNDLE_BYTES if the index is genuine' });
    const newest = newestInIndex(text, domain, label);
    // A server's index must not make attack-cov read local files: only a local index may name a file:// bundle.
    if (!isIndexLocal && !/^https?:\/\//i.test(newest.url)) throw new InputError(label, `names ${redactUrl(newest.url)} for ${domain} ${newest.version}: a downloaded index may name http(s) URLs only`, 'check ATTACK_COV_ATTACK_INDEX, or pass a version such as --attack 18.1');
    return newest;
  };
  const age = await ageMs(cachePath);
  // A cached index that does not read as one (cut short, damaged on disk) is refreshed, however young.
  const fresh = age !== undefined && age < MAX_AGE_MS ? await check(cachePath).catch(unlessInputError) : undefined;
  if (fresh) return { ...fresh, isStale: false };
  try {
    const fetched = await fetchIntoCache(indexUrl, cachePath, check, download, { isRefresh: age !== undefined });
    return { ...fetched.validated, isStale: false };
  } catch (error) {
    // The server down, or answering what is no index (a captive portal's 200 page, an index naming a file://
    // bundle): the copy that was good yesterday serves, and says why. The failed refresh replaced nothing.
    if (age === undefined || !(error instanceof NetworkError || error instanceof InputError)) throw error;
    const stale = await check(cachePath).catch((damaged: unknown) => {
      throw damaged instanceof InputError ? damagedCopyError(cachePath, damaged, error) : damaged;
    });
    return { ...stale, isStale: true, refreshError: error.message };
  }
}
