// Reads an ATT&CK bundle from a file, a URL or a version number, and normalizes it into a Catalog.
// The edge that touches fs and the network for ATT&CK; parsing is streamed (see stix-stream.ts).
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createGunzip } from 'node:zlib';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { cachePathForUrl, fetchIntoCache, isFile, readCacheSource, writeCacheSource } from '../net/cache.js';
import type { DownloadOptions } from '../net/download.js';
import { describeSize, limits } from '../limits.js';
import { stixShapeProblem } from './stix-shape.js';
import { StixBundleSplitter, peekStixType, readRelationshipFields } from './stix-stream.js';
import { NEEDED_RELATIONSHIPS, NEEDED_TYPES, normalizeBundle, slimStixObject, type StixObject } from './normalize.js';
import type { Catalog } from './types.js';
import { attackIndexUrl, attackUrlTemplate, readUpstream } from '../upstream.js';
import { embeddedAttack } from '../embedded.js';
import { isUrl, redactUrl } from '../net/url.js';
import { resolveLatest } from './latest.js';
import { cachedCatalog } from './catalog-cache.js';
import type { ParseCache } from '../parse-cache.js';

export interface LoadedCatalog {
  catalog: Catalog;
  /** Where it came from, as outputs name it: `embedded:enterprise-attack-18.1.json.gz`, a URL without
   * credentials or query, or a path relative to the source root. */
  source: string;
  /** `latest` when the version was resolved through MITRE's index. */
  requested?: string;
  /** `latest` used a cached index older than a day (the refresh failed). */
  isIndexStale?: boolean;
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
}

/** readBundleFile through the parse cache (the catalog holds everything every command reads). */
async function readCatalog(file: string, label: string, versionHint: string | undefined, options: AttackLoadOptions, trustedSha256?: string): Promise<{ catalog: Catalog; sha256: string }> {
  const { catalog, sha256 } = await cachedCatalog(file, versionHint, options.parseCache, (sha256) => readBundleFile(file, label, versionHint, sha256), trustedSha256);
  return { catalog, sha256 };
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Reads and normalizes one bundle file (plain or gzip). `label` names it in errors; a `knownSha256` is not computed again. */
export async function readBundleFile(file: string, label: string, versionHint?: string, knownSha256?: string): Promise<{ catalog: Catalog; sha256: string }> {
  const types = NEEDED_TYPES;
  const relationships = NEEDED_RELATIONSHIPS;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new InputError(label, 'no such file', 'pass a STIX bundle file, a URL, or a version such as 18.1');
  checkBundleSize(info.size, label);
  const objects: StixObject[] = [];
  let badElement: string | undefined;
  let badShape: string | undefined;
  const splitter = new StixBundleSplitter((element) => {
    const type = peekStixType(element);
    if (type !== undefined && !types.has(type)) return;
    try {
      const object = ((type === 'relationship' && readRelationshipFields(element)) || JSON.parse(element.toString('utf8'))) as StixObject;
      const problem = stixShapeProblem(object);
      if (problem) {
        badShape ??= problem;
        return;
      }
      if (!types.has(object.type)) return;
      if (object.type === 'relationship' && !relationships.has(object.relationship_type ?? '')) return;
      objects.push(slimStixObject(object));
    } catch (error) {
      badElement ??= (error as Error).message;
    }
  });
  const isGzip = await firstBytesAre(file, GZIP_MAGIC);
  let sha256: string;
  try {
    const isHashed = knownSha256 === undefined;
    const computed = isGzip ? await feedGzip(file, (chunk) => splitter.feed(chunk), isHashed) : feedPlain(file, (chunk) => splitter.feed(chunk), isHashed);
    sha256 = knownSha256 ?? computed;
  } catch (error) {
    if (error instanceof BundleTooLarge) throw new InputError(label, error.message.slice(error.location.length + 2), error.hint);
    throw new InputError(label, `cannot read${isGzip ? ' gzip data' : ''}: ${(error as Error).message}`, isGzip ? 'the gzip file is truncated or damaged; download it again' : undefined);
  }
  if (badElement) throw new InputError(label, `not valid JSON: ${badElement}`, 'the file may be truncated; download it again');
  if (badShape) throw new InputError(label, `not a usable ATT&CK bundle: ${badShape}`, 'use the bundle as MITRE publishes it');
  let bundle: { type?: unknown; spec_version?: string; objects?: unknown } | undefined;
  try {
    bundle = splitter.isComplete() ? JSON.parse(splitter.skeletonText()) : undefined;
  } catch {
    bundle = undefined;
  }
  if (!bundle || bundle.type !== 'bundle' || !Array.isArray(bundle.objects)) {
    throw new InputError(label, 'not a STIX bundle (expected a JSON object with "type": "bundle" and an "objects" array)', 'pass an ATT&CK Enterprise bundle, e.g. --attack 18.1');
  }
  const hint = versionHint ?? /(\d+\.\d+)/.exec(path.basename(label))?.[1];
  const catalog = normalizeBundle({ objects, bundleSpecVersion: bundle.spec_version, versionHint: hint, source: label });
  return { catalog, sha256 };
}

const CHUNK_BYTES = 1 << 20;

class BundleTooLarge extends InputError {}

/** limits.maxBundleBytes, for a plain file's size and for what a gzip inflates to. */
function checkBundleSize(bytes: number, label: string, how = ''): void {
  if (bytes > limits.maxBundleBytes) {
    throw new BundleTooLarge(label, `larger than the ${describeSize(limits.maxBundleBytes)} an ATT&CK bundle may be${how ? ` ${how}` : ''} (ATT&CK 18.1 is about 45 MB)`, 'raise ATTACK_COV_MAX_BUNDLE_BYTES if the file is genuine');
  }
}

/** Reads a plain file in 1 MiB chunks into one reused buffer (no per-chunk garbage); returns its sha256. */
function feedPlain(file: string, onChunk: (chunk: Buffer) => void, isHashed: boolean): string {
  const hash = isHashed ? createHash('sha256') : undefined;
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buffer, 0, CHUNK_BYTES, null); n > 0; n = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
      const chunk = buffer.subarray(0, n);
      hash?.update(chunk);
      onChunk(chunk); // must not keep `chunk`: the buffer is reused (StixBundleSplitter copies what it keeps)
    }
  } finally {
    closeSync(fd);
  }
  return hash?.digest('hex') ?? '';
}

/** Streams a gzip file through gunzip; returns the sha256 of the compressed bytes as stored. */
async function feedGzip(file: string, onChunk: (chunk: Buffer) => void, isHashed: boolean): Promise<string> {
  const hash = isHashed ? createHash('sha256') : undefined;
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash?.update(chunk);
      done(null, chunk);
    },
  });
  let inflated = 0;
  let tooLarge: unknown;
  try {
    await pipeline(createReadStream(file, { highWaterMark: CHUNK_BYTES }), hasher, createGunzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        // A gzip bomb inflates a few KB into gigabytes: stop at the cap, whatever the compressed size.
        inflated += chunk.length;
        try {
          checkBundleSize(inflated, file, 'once decompressed');
        } catch (error) {
          tooLarge = error;
          throw error;
        }
        onChunk(chunk);
      }
    });
  } catch (error) {
    // The pipeline reports its own abort rather than the reason it was stopped.
    throw tooLarge ?? error;
  }
  return hash?.digest('hex') ?? '';
}

async function firstBytesAre(file: string, magic: number[]): Promise<boolean> {
  const stream = createReadStream(file, { start: 0, end: magic.length - 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return magic.every((b, i) => bytes[i] === b);
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

/** The embedded bundle for its version; else the cached copy (downloaded, or seeded by `cache add`); else a download. */
async function loadVersion(version: string, options: AttackLoadOptions, url?: string): Promise<LoadedCatalog> {
  const normalized = version.replace(/^v/i, '');
  if (normalized === embeddedAttack().version) return loadEmbedded(options);
  const cachePath = path.join(options.cacheRoot, 'attack', `${readUpstream().attack.domain}-${normalized}.json`);
  if (await isFile(cachePath)) {
    const { catalog, sha256 } = await readCatalog(cachePath, `cached ATT&CK ${normalized}`, normalized, options);
    const source = (await readCacheSource(cachePath)) ?? `cache:${path.basename(cachePath)}`;
    return { catalog, source, file: cachePath, sha256, isFromCache: true };
  }
  const loaded = await loadFromUrl(url ?? urlForVersion(version), cachePath, normalized, options);
  // A version's cache slot does not say where it came from (a mirror, MITRE, cache add): record it beside it.
  if (!loaded.isFromCache) await writeCacheSource(cachePath, loaded.source);
  return loaded;
}

async function loadFromUrl(url: string, cachePath: string, version: string | undefined, options: AttackLoadOptions): Promise<LoadedCatalog> {
  const shown = redactUrl(url);
  const fetched = await fetchIntoCache(url, cachePath, (temp) => readCatalog(temp, shown, version, options), options.download);
  const loaded = fetched.validated ?? (await readCatalog(fetched.file, shown, version, options));
  return { ...loaded, source: shown, file: fetched.file, isFromCache: fetched.isFromCache };
}

/**
 * Resolves `--attack` to a Catalog: nothing (or the embedded version) → the embedded bundle, no download;
 * `latest` → the newest version in MITRE's collection index; another version or a URL (https, http,
 * file) → downloaded into the cache; anything else → a bundle file. `display` names a file in outputs.
 */
export async function loadAttack(spec: string | undefined, options: AttackLoadOptions, display: (file: string) => string = (f) => f): Promise<LoadedCatalog> {
  if (spec === undefined || spec === 'embedded') return loadEmbedded(options);
  if (spec.toLowerCase() === 'latest') {
    const latest = await resolveLatest(attackIndexUrl(), readUpstream().attack.domain, options.cacheRoot, options.download);
    // The index may name a version newer than attack-cov knows: that is what latest is for, so no version check.
    const mirrored = process.env.ATTACK_COV_ATTACK_MIRROR ? attackUrlTemplate().replace('{version}', latest.version) : latest.url;
    const loaded = await loadVersion(latest.version, options, mirrored);
    return { ...loaded, requested: 'latest', ...(latest.isStale ? { isIndexStale: true } : {}) };
  }
  if (isVersionSpec(spec)) return loadVersion(spec, options);
  if (isUrl(spec)) return loadFromUrl(spec, cachePathForUrl(options.cacheRoot, spec), undefined, options);
  const { catalog, sha256 } = await readCatalog(spec, spec, undefined, options);
  return { catalog, source: display(path.resolve(spec)), file: path.resolve(spec), sha256 };
}
