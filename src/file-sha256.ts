// The sha256 a parse-cache entry is looked up by, remembered per file so that a warm run does not read a
// 45 MB bundle just to find its catalog. Remembered by the file's identity and times (path, device,
// inode, size, mtime and ctime in ns) and only once the file has settled; anything else is hashed again.
import { statSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { readEntry, sha256OfFile, writeEntry, type EntryKind, type ParseCache } from './parse-cache.js';

/** Bump if the key or the value changes meaning. */
export const FILE_SHA256_KIND: EntryKind = { name: 'file-sha256', format: 1, keep: 64 };

/**
 * A file whose ctime is newer than this may still be written to within the same timestamp tick (coarse
 * clocks, 1–2 s on some file systems) without its times changing: its hash is not remembered (git's
 * "racy clean" problem). Any later write sets ctime to the time of writing, which user space cannot set back.
 */
const SETTLED_MS = 3000;

/** What must stay the same for a remembered hash to hold. */
export function fileIdentity(file: string, stats: BigIntStats): string {
  return [path.resolve(file), stats.dev, stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs].join('\0');
}

const isSha256 = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

/**
 * The sha256 of `file`: remembered in the parse cache under its identity, else computed (and remembered
 * when the file did not change while it was hashed and has settled). Throws when the file cannot be read.
 * The trade-off: a content change that keeps size, mtime and ctime (a clock set back, raw disk writes, a
 * file system without ctime) would go unseen; `ATTACK_COV_PARSE_CACHE=off` hashes every run.
 */
export function memoizedSha256(file: string, cache: ParseCache, now: number = Date.now()): string {
  const key = fileIdentity(file, statSync(file, { bigint: true }));
  const known = readEntry(cache, FILE_SHA256_KIND, key, isSha256);
  if (known) return known;
  const sha256 = sha256OfFile(file);
  const after = statSync(file, { bigint: true });
  if (fileIdentity(file, after) === key && Number(after.ctimeNs / 1_000_000n) <= now - SETTLED_MS) writeEntry(cache, FILE_SHA256_KIND, key, sha256);
  return sha256;
}

/** Bump if the key or the value changes meaning. One entry per list of rules files: a warm run on 10,000 rules reads
 * ~11 MB of YAML only to hash it, and the outline it then reads is keyed by those hashes. */
export const FILES_SHA256_KIND: EntryKind = { name: 'files-sha256', format: 1, keep: 8 };

/** What must stay the same for the remembered hashes of a list of files to hold: each one's fileIdentity, in order. */
export interface FilesIdentity {
  key: string;
  count: number;
  /** The newest ctime among them, in ms: the list has settled once it is SETTLED_MS old. */
  newestCtimeMs: number;
}

/** The identity of `files` (regular files, in order), or undefined when one is missing or no regular file (its read
 * says why). */
export function identityOfFiles(files: string[]): FilesIdentity | undefined {
  const identities: string[] = [];
  let newestCtimeMs = 0;
  for (const file of files) {
    const stats = statSync(file, { bigint: true, throwIfNoEntry: false });
    if (!stats?.isFile()) return undefined;
    identities.push(fileIdentity(file, stats));
    newestCtimeMs = Math.max(newestCtimeMs, Number(stats.ctimeNs / 1_000_000n));
  }
  return { key: identities.join('\0\0'), count: files.length, newestCtimeMs };
}

/** The sha256 of each file, remembered for exactly this identity (rememberSha256s), or undefined. */
export function rememberedSha256s(cache: ParseCache, identity: FilesIdentity): string[] | undefined {
  const isList = (value: unknown): value is string[] => Array.isArray(value) && value.length === identity.count && value.every(isSha256);
  return readEntry(cache, FILES_SHA256_KIND, identity.key, isList);
}

/**
 * Remembers the sha256 of each of `files` (read whole, accepted and hashed by the caller, who found them as `before`
 * says) when none changed meanwhile and all have settled.
 */
export function rememberSha256s(cache: ParseCache, files: string[], before: FilesIdentity, sha256s: string[], now: number = Date.now()): void {
  if (before.newestCtimeMs > now - SETTLED_MS || identityOfFiles(files)?.key !== before.key) return;
  writeEntry(cache, FILES_SHA256_KIND, before.key, sha256s);
}
