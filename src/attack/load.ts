// Reads an ATT&CK bundle from a file, a URL or a version number, and normalizes it into a Catalog.
// The edge that touches fs and the network for ATT&CK; parsing is streamed (read-bundle.ts, stix-stream.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, UsageError, noValueError, unlessInputError, withOfflineHint } from '../errors.js';
import { versionInFileName } from './version-name.js';
import { cachePathForUrl, fetchIntoCache, isFile, readCacheSource, writeCacheSource } from '../net/cache.js';
import type { DownloadOptions } from '../net/download.js';
import type { Catalog } from './types.js';
import { attackIndexUrl, attackUrlTemplate, readUpstream } from '../upstream.js';
import { embeddedAttack } from '../embedded.js';
import { checkUrlParses, isUrl, redactUrl } from '../net/url.js';
import { resolveLatest } from './latest.js';
import { cachedCatalog } from './catalog-cache.js';
import type { ParseCache } from '../parse-cache.js';
import { checkSha256Pin, type Sha256Pin } from './sha256-pin.js';

export interface LoadedCatalog {
  catalog: Catalog;
  /** Where it came from, as outputs name it: `embedded:enterprise-attack-18.1.json.gz`, a URL without
   * credentials or query, or a path relative to the source root. */
  source: string;
  /** `latest` when the version was resolved through MITRE's index. */
  requested?: string;
  /** `latest` used a cached index older than a day (the refresh failed). */
  isIndexStale?: boolean;
  /** Why the index could not be refreshed (with isIndexStale). */
  indexRefreshError?: string;
  isEmbedded?: boolean;
  /** The file read (the cached copy for downloads). */
  file: string;
  sha256: string;
  isFromCache?: boolean;
}

export interface AttackLoadOptions {
  cacheRoot: string;
  download?: DownloadOptions;
  /** Where normalized catalogs are kept between runs (the warm path); absent = parse every time. */
  parseCache?: ParseCache;
  /** The sha256 the bundle must have: any other is refused (a download so refused is not cached; a cached copy so
   * refused is downloaded again). */
  pin?: Sha256Pin;
}

/** readBundleFile through the parse cache (the catalog holds everything every command reads). */
async function readCatalog(file: string, label: string, givenVersion: string | undefined, options: AttackLoadOptions, trustedSha256?: string): Promise<{ catalog: Catalog; sha256: string }> {
  // Worked out before the cache: the same bytes under another name are another catalog (its version is part of it).
  const versionHint = givenVersion ?? versionInFileName(label);
  const { catalog, sha256 } = await cachedCatalog(file, versionHint, options.parseCache, (sha256) => readBundleFile(file, label, versionHint, sha256), trustedSha256);
  // Every bundle is read here (embedded, cached, downloaded, a file): one place checks the pin.
  checkSha256Pin(label, sha256, options.pin);
  return { catalog, sha256 };
}

/** Reads and normalizes one bundle file (plain or gzip). `label` names it in errors; a `knownSha256` is not computed again. */
export async function readBundleFile(file: string, label: string, versionHint?: string, knownSha256?: string): Promise<{ catalog: Catalog; sha256: string }> {
  return (await import('./read-bundle.js')).readBundleFile(file, label, versionHint, knownSha256);
}

/** Maps "18.1" or "v18.1" to MITRE's published URL; throws a UsageError for a version attack-cov does not know. */
export function urlForVersion(version: string): string {
  const { attack } = readUpstream();
  const normalized = version.replace(/^v/i, '');
  if (!attack.versions.includes(normalized)) {
    throw new UsageError(`unknown ATT&CK version: ${version}`, `known versions: ${attack.versions.slice(-6).join(', ')} … (newest ${attack.default}), or latest; or pass a bundle file or URL`);
  }
  return attackUrlTemplate().replace('{version}', normalized);
}

export function isVersionSpec(spec: string): boolean {
  return /^v?\d+\.\d+$/i.test(spec);
}

async function loadEmbedded(options: AttackLoadOptions): Promise<LoadedCatalog> {
  const embedded = embeddedAttack();
  const { catalog, sha256 } = await readCatalog(embedded.file, embedded.label, embedded.version, options, embedded.sha256);
  return { catalog, source: embedded.label, file: embedded.file, sha256, isEmbedded: true };
}

/**
 * The ATT&CK version a bundle names, read as `cache add` reads it: its x-mitre-collection's x_mitre_version, else a
 * version in the name it was read under (a file name, a URL; readBundleFile without a version hint). An InputError
 * naming `label` when it names none: such a bundle cannot stand for a version.
 */
export function namedVersion(catalog: Catalog, label: string, hint: string): string {
  if (!/^\d+\.\d+$/.test(catalog.version)) throw new InputError(label, `names no ATT&CK version (found "${catalog.version}")`, hint);
  return catalog.version;
}

/** The embedded bundle for its version; else the cached copy (downloaded, or seeded by `cache add`); else a download. */
async function loadVersion(version: string, options: AttackLoadOptions, display: Display, url?: string): Promise<LoadedCatalog> {
  // Stryker disable next-line Regex: every version that gets here is v?<digits>.<digits> (isVersionSpec) or <digits>.<digits> (the index's, newestInIndex), so a v is only ever its first character, the one replace() drops with or without the ^
  const normalized = version.replace(/^v/i, '');
  if (normalized === embeddedAttack().version) return loadEmbedded(options);
  const cachePath = path.join(options.cacheRoot, 'attack', `${readUpstream().attack.domain}-${normalized}.json`);
  // A cached copy that does not read (cut short, damaged on disk), or is not the pinned one, is fetched again:
  // fetchIntoCache names it if that fails.
  // Stryker disable next-line StringLiteral: the label names only this read's errors (its version is given, so no version is read from it), and each of them is an InputError (the reader's, the pin's) that unlessInputError drops: fetchIntoCache names the copy itself
  const cached = (await isFile(cachePath)) ? await readCatalog(cachePath, `cached ATT&CK ${normalized}`, normalized, options).catch(unlessInputError) : undefined;
  if (cached) {
    const { catalog, sha256 } = cached;
    // A slot filled before downloads were checked (below) may hold another version: refused, not served as this one.
    if (catalog.version !== normalized) throw new InputError(cachePath, `is ATT&CK ${catalog.version}, not ${normalized}`, 'remove it (attack-cov cache clean removes the whole cache) and run again');
    const source = (await readCacheSource(cachePath)) ?? `cache:${path.basename(cachePath)}`;
    return { catalog, source, file: cachePath, sha256, isFromCache: true };
  }
  const loaded = await loadFromUrl(url ?? urlForVersion(version), cachePath, normalized, options, display).catch((error: unknown) => {
    // Offline (the usual reason a version cannot be fetched), the way in is a bundle carried over: say how to store it.
    throw withOfflineHint(error, `add a copy of the bundle to the cache once: attack-cov cache add enterprise-attack-${normalized}.json`);
  });
  // A version's cache slot does not say where it came from (a mirror, MITRE, cache add): record it beside it.
  if (!loaded.isFromCache) await writeCacheSource(cachePath, loaded.source);
  return loaded;
}

/** Downloads `url` into `cachePath`; with a `version`, the bundle must name that version (as `cache add` reads it), so that
 * a mirror serving another one (a URL without `{version}`) cannot fill that version's slot for every later run. */
async function loadFromUrl(url: string, cachePath: string, version: string | undefined, options: AttackLoadOptions, display: Display): Promise<LoadedCatalog> {
  const shown = redactUrl(url);
  const validate = async (temp: string) => {
    const read = await readCatalog(temp, shown, undefined, options);
    if (version === undefined) return read;
    const named = namedVersion(read.catalog, shown, `--attack ${version} takes a bundle that says it is ${version}: pass this one as a file (--attack FILE)`);
    if (named !== version) throw new InputError(shown, `is ATT&CK ${named}, not the ${version} asked for; not cached`, 'a mirror (ATTACK_COV_ATTACK_MIRROR) is asked for each version by {version} in its URL, e.g. https://mirror.example/enterprise-attack-{version}.json');
    return read;
  };
  const fetched = await fetchIntoCache(url, cachePath, validate, options.download);
  const loaded = fetched.validated;
  return { ...loaded, source: recordedSource(url, display), file: fetched.file, isFromCache: fetched.isFromCache };
}

/** How outputs name where a bundle came from: a file:// URL as the file it names (as --source-root names
 * files: never a path of the machine), any other URL without credentials, query or fragment. */
function recordedSource(url: string, display: Display): string {
  // A file:// URL got here only by being read, so it is a path fileURLToPath accepts.
  return /^file:/i.test(url) ? display(fileURLToPath(url)) : redactUrl(url);
}

type Display = (file: string) => string;

/** Refuses a bundle URL that does not parse, named as given (`--attack`, or nothing for an argument), before any work. */
export function checkAttackUrl(spec: string, named: string | undefined): void {
  if (isUrl(spec)) checkUrlParses(named, spec, 'check the URL (e.g. https://mirror.example/enterprise-attack-17.1.json), or pass a bundle file or a version such as 18.1');
}

/**
 * Resolves `--attack` to a Catalog: nothing (or the embedded version) → the embedded bundle, no download;
 * `latest` → the newest version in MITRE's collection index; another version or a URL (https, http,
 * file) → downloaded into the cache; anything else → a bundle file. `display` names a file in outputs.
 */
export async function loadAttack(spec: string | undefined, options: AttackLoadOptions, display: Display = (f) => f): Promise<LoadedCatalog> {
  if (spec === undefined || spec === 'embedded') return loadEmbedded(options);
  if (spec.trim() === '') throw noValueError('--attack', spec, `give a bundle file, a URL, a version such as ${embeddedAttack().version}, or leave --attack out for the embedded one`);
  if (spec.toLowerCase() === 'latest') {
    const latest = await resolveLatest(attackIndexUrl(), readUpstream().attack.domain, options.cacheRoot, options.download);
    // The index may name a version newer than attack-cov knows: that is what latest is for, so no version check.
    const mirrored = process.env.ATTACK_COV_ATTACK_MIRROR ? attackUrlTemplate().replace('{version}', latest.version) : latest.url;
    const loaded = await loadVersion(latest.version, options, display, mirrored);
    return { ...loaded, requested: 'latest', ...(latest.isStale ? { isIndexStale: true, indexRefreshError: latest.refreshError } : {}) };
  }
  if (isVersionSpec(spec)) return loadVersion(spec, options, display);
  if (isUrl(spec)) {
    checkAttackUrl(spec, '--attack');
    return loadFromUrl(spec, cachePathForUrl(options.cacheRoot, spec), undefined, options, display);
  }
  // ftp://, s3:// …: a URL attack-cov cannot fetch, not a file name that happens to be missing.
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec);
  if (scheme) throw new InputError(redactUrl(spec), `${scheme[1]!.toLowerCase()}:// URLs cannot be downloaded`, 'use an https://, http:// or file:// URL, download the bundle yourself and pass the file, or a version such as 18.1');
  const { catalog, sha256 } = await readCatalog(spec, spec, undefined, options);
  return { catalog, source: display(path.resolve(spec)), file: path.resolve(spec), sha256 };
}
