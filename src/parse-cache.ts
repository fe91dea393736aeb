// The parse cache: what attack-cov derived from an input (a normalized ATT&CK catalog, the parsed items of a
// rules file), stored by the input's content hash so the next run skips the parse. Entries are written to a
// temporary name and renamed; on read every byte is checked, and anything doubtful is a miss, never trusted.
import { closeSync, mkdirSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { dirsBetween, temporaryPathFor } from './net/cache.js';
import { openRegularFile } from './regular-file.js';
import { removeEmptyDirs, removeStaleTemporariesSync, RUN_STARTED_MS, trackEmptyDirs, trackTemp, untrackEmptyDirs, untrackTemp } from './temp-files.js';

/** Where entries are looked for (in order) and where new ones go. */
export interface ParseCache {
  /** Read-only stores tried first (the catalog prebuilt for the embedded bundle at build time). */
  prebuilt: string[];
  /** The writable store (`<cache>/parsed`); absent = read only. */
  dir?: string;
  /** Entries written under a temporary name until the run has succeeded: flushParseCache renames them into
   * place, discardParseCache removes them. Absent = each written in place at once. */
  pending?: PendingEntry[];
}

/** An entry on disk under its temporary name (not in memory: at 10,000 rules they are ~25 MB). */
export interface PendingEntry {
  kind: EntryKind;
  key: string;
  temp: string;
  /** The folders writing it made (deepest first): a signal before it is in place removes them if empty. */
  madeDirs: string[];
}

/** One kind of entry: its folder name, the format version of what it holds, how many entries to keep. */
export interface EntryKind {
  name: string;
  /** Bump whenever the stored value's shape or meaning changes: old entries then miss. */
  format: number;
  keep: number;
  /** How the value is stored: v8's structured clone (the default: Maps, Sets, any plain data), or JSON text
   * (plain data only; JSON.parse builds many small arrays and strings quicker than v8.deserialize). */
  codec?: 'v8' | 'json';
}

const MAGIC = 'attack-cov parsed\n';

interface Header {
  kind: string;
  format: number;
  key: string;
  /** v8's serialization depends on the engine; another Node reads a v8-coded entry as a miss. */
  v8: string;
  bytes: number;
  sha256: string;
}

/** The file name of an entry: a hash of everything that must match, so a stale entry is never even opened. */
export function entryName(kind: EntryKind, key: string): string {
  return `${createHash('sha256').update(`${kind.name}\0${kind.format}\0${key}`).digest('hex').slice(0, 40)}.bin`;
}

/** The entry's bytes: a magic line, a JSON header line, the value in the kind's codec (v8: structured clone,
 * so Maps, Sets and nested plain objects survive and new catalog fields are carried without code here). */
export function encodeEntry(kind: EntryKind, key: string, value: unknown): Buffer {
  const payload = kind.codec === 'json' ? Buffer.from(JSON.stringify(value)) : serialize(value);
  const header: Header = { kind: kind.name, format: kind.format, key, v8: process.versions.v8, bytes: payload.length, sha256: sha256(payload) };
  return Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`), payload]);
}

/** The value stored in `bytes`, or undefined when anything (magic, header, key, checksum) is off. A cut or
 * lengthened payload fails its sha256 (the header's length is not checked apart); an entry without the
 * header's newline has a header running to its end, which fails to parse or to match. */
export function decodeEntry(bytes: Buffer, kind: EntryKind, key: string): unknown {
  if (bytes.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) return undefined;
  const end = bytes.indexOf(10, MAGIC.length);
  let header: Header;
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length, end).toString('utf8')) as Header;
  } catch {
    return undefined;
  }
  const payload = bytes.subarray(end + 1);
  const isJson = kind.codec === 'json';
  const isMatch = header.kind === kind.name && header.format === kind.format && header.key === key && (isJson || header.v8 === process.versions.v8);
  if (!isMatch || header.sha256 !== sha256(payload)) return undefined;
  try {
    return isJson ? (JSON.parse(payload.toString('utf8')) as unknown) : deserialize(payload);
  }
  // Stryker disable next-line BlockStatement: an empty catch falls through to the same undefined
  catch {
    return undefined;
  }
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of a file, read in 1 MiB chunks into one buffer (a 45 MB bundle never sits in memory whole). Throws for
 * what is no regular file (openRegularFile): hashing a FIFO would wait for a writer, /dev/zero would never end. */
export function sha256OfFile(file: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  const { fd } = openRegularFile(file);
  try {
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** Looks `key` up in the prebuilt stores, then the writable one. `isValid` checks the value's outline. */
export function readEntry<T>(cache: ParseCache, kind: EntryKind, key: string, isValid: (value: unknown) => value is T): T | undefined {
  return readEntryAs(cache, kind, key, (value) => (isValid(value) ? value : undefined));
}

/** readEntry for values stored in a form of their own: `expand` checks the stored value as it builds the
 * one wanted from it, and gives undefined (a miss) for anything it does not recognise. */
export function readEntryAs<T>(cache: ParseCache, kind: EntryKind, key: string, expand: (stored: unknown) => T | undefined): T | undefined {
  const name = entryName(kind, key);
  for (const dir of cache.dir === undefined ? cache.prebuilt : [...cache.prebuilt, cache.dir]) {
    const file = path.join(dir, kind.name, name);
    let bytes: Buffer;
    try {
      // The cache writes regular files only: anything else there (a FIFO, a device) is a miss, never waited on.
      const { fd } = openRegularFile(file);
      try {
        bytes = readFileSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      continue;
    }
    const value = expand(decodeEntry(bytes, kind, key));
    if (value !== undefined) return value;
  }
  return undefined;
}

/** Stores `value` under `key` (temporary name, then rename: at once, or when the run has succeeded if the
 * cache defers) and trims the kind's folder to its newest `keep` entries. A cache that cannot be written is
 * no error: the run has its value already. */
export function writeEntry(cache: ParseCache, kind: EntryKind, key: string, value: unknown): void {
  if (!cache.dir) return;
  // Encoded now: the caller may go on to change `value`.
  // A deferred entry waits through the analysis for the run to end, so it is tracked quietly (temp-files.ts): a
  // signal then ends the run at once rather than wait for the analysis (or a hang) to end, and the next run that
  // stores an entry of this kind removes what it left (trim's removeStaleTemporariesSync).
  const entry = writeTemporary(cache.dir, kind, key, encodeEntry(kind, key, value), !cache.pending);
  if (!entry) return;
  if (cache.pending) cache.pending.push(entry);
  else renameIntoPlace(cache.dir, entry);
}

/** Renames into place the entries written while the run went on: call it once the run has succeeded. A run
 * that fails (bad input, an interrupted download) calls discardParseCache instead, and leaves nothing. */
export function flushParseCache(cache: ParseCache): void {
  for (const entry of cache.pending?.splice(0) ?? []) renameIntoPlace(cache.dir!, entry);
}

/** Removes the entries written while a failed run went on, and the folders writing them made (deepest
 * first) if nothing else is in them: the cache's own root too, when this run made it. */
export function discardParseCache(cache: ParseCache): void {
  const made: string[][] = [];
  for (const { temp, madeDirs } of cache.pending?.splice(0) ?? []) {
    removeTemporary(temp);
    untrackEmptyDirs(madeDirs);
    made.push(madeDirs);
  }
  // The last made first: a later entry's folder may sit inside an earlier one's.
  for (const chain of made.reverse()) removeEmptyDirs(chain);
}

/** The entry's bytes in a temporary file beside where it goes (tracked, with the folders made for it: a signal
 * removes them; `wakes`: see trackTemp), or undefined when the cache cannot be written. */
function writeTemporary(dir: string, kind: EntryKind, key: string, bytes: Buffer, wakes: boolean): PendingEntry | undefined {
  const folder = path.join(dir, kind.name);
  const temp = trackTemp(temporaryPathFor(path.join(folder, entryName(kind, key))), wakes);
  try {
    const madeDirs = trackEmptyDirs(dirsBetween(folder, mkdirSync(folder, { recursive: true })), wakes);
    writeFileSync(temp, bytes);
    return { kind, key, temp, madeDirs };
  }
  // Stryker disable next-line BlockStatement: untested: as root nothing makes mkdir pass and the write fail half-way (a full disk), the one case that leaves a temporary to remove
  catch {
    removeTemporary(temp);
    return undefined;
  }
}

function renameIntoPlace(dir: string, { kind, key, temp, madeDirs }: PendingEntry): void {
  const folder = path.join(dir, kind.name);
  untrackEmptyDirs(madeDirs);
  try {
    renameSync(temp, path.join(folder, entryName(kind, key)));
    untrackTemp(temp);
    trim(folder, kind.keep);
  } catch {
    removeTemporary(temp);
  }
}

/** Best effort: a temporary that cannot be removed is no error (the cache never is). */
function removeTemporary(temp: string): void {
  untrackTemp(temp);
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: without force a missing temporary throws, which the empty catch takes
  try { rmSync(temp, { force: true }); } catch { /* nothing was created, or it is gone */ }
}

/** Keeps the newest `keep` entries, and removes what a killed run (SIGKILL: no handler ran) left half-done. */
function trim(folder: string, keep: number): void {
  const names = readdirSync(folder);
  removeStaleTemporariesSync(folder, names, RUN_STARTED_MS);
  const entries = names.filter((n) => n.endsWith('.bin'));
  const excess = entries.length - keep;
  if (excess < 1) return;
  const oldestFirst = entries.map((n) => ({ n, t: statSync(path.join(folder, n)).mtimeMs })).sort((a, b) => a.t - b.t);
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: the entries were just listed; force only matters for one removed in between
  for (const { n } of oldestFirst.slice(0, excess)) rmSync(path.join(folder, n), { force: true });
}

/** The cache of a run (writes held until flushParseCache), honouring ATTACK_COV_PARSE_CACHE=off (every run parses from scratch). */
export function parseCacheFor(cacheRoot: string, prebuilt: string[], env: NodeJS.ProcessEnv): ParseCache | undefined {
  if (env.ATTACK_COV_PARSE_CACHE === 'off') return undefined;
  return { prebuilt, dir: path.join(cacheRoot, 'parsed'), pending: [] };
}
