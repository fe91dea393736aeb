// The download cache: where it is, and how a file enters it (temporary name, validation, rename).
import { accessSync, constants, mkdirSync } from 'node:fs';
import { rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { downloadToFile, type DownloadOptions } from './download.js';
import { InputError, NetworkError, UsageError } from '../errors.js';
import { describeFsError, readRegularText } from '../regular-file.js';
import { pseudoFilesystemOf } from '../paths.js';
import { removeStaleTemporaries, RUN_STARTED_MS, trackEmptyDirs, trackTemp, untrackEmptyDirs, untrackTemp } from '../temp-files.js';

/** ATTACK_COV_CACHE, else $XDG_CACHE_HOME/attack-cov, else ~/.cache/attack-cov; never under /proc, /sys or /dev. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(os.homedir(), '.cache');
  const root = env.ATTACK_COV_CACHE ? path.resolve(env.ATTACK_COV_CACHE) : path.join(base, 'attack-cov');
  const pseudo = pseudoFilesystemOf(root);
  if (pseudo) throw new UsageError(`cache ${root}: refusing to keep a cache in ${pseudo}`, 'set ATTACK_COV_CACHE (or XDG_CACHE_HOME) to a folder on a real filesystem');
  return root;
}

/**
 * Makes the cache folder `dir` (with its parents) and checks that it can be written; returns the first folder it made, as
 * mkdirSync does. A folder that cannot be made (a file in the way, no permission) or written is an InputError naming it,
 * with ATTACK_COV_CACHE in the hint, not a crash nor a download retried as if the network had failed.
 */
export function makeCacheFolder(dir: string): string | undefined {
  const failed = (what: string, error: NodeJS.ErrnoException) => new InputError(dir, `${what}: ${describeFsError(error)}`, 'set ATTACK_COV_CACHE (or XDG_CACHE_HOME) to a folder you can write');
  let made: string | undefined;
  try {
    made = mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw failed('cannot create the cache folder', error as NodeJS.ErrnoException);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw failed('cannot write to the cache folder', error as NodeJS.ErrnoException);
  }
  return made;
}

/** The folders attack-cov keeps in its cache root: `cache clean` removes these and nothing else. */
export const CACHE_FOLDERS = ['attack', 'falco-rules', 'parsed', 'urls'];

/** A cache path for an arbitrary URL: a short hash keeps distinct URLs apart, the basename keeps it readable. */
export function cachePathForUrl(root: string, url: string): string {
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 16);
  const base = path.basename(new URL(url).pathname).replace(/[^A-Za-z0-9._-]/g, '_') || 'download';
  return path.join(root, 'urls', `${hash}-${base}`);
}

export function temporaryPathFor(finalPath: string): string {
  return `${finalPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Lets `fill` write a temporary file beside `target` (tracked, so a signal removes it), then renames it
 * into place; whatever happens, the temporary is gone afterwards. Returns what `fill` returned.
 */
export async function writeThroughTemp<T>(target: string, fill: (temp: string) => Promise<T>): Promise<T> {
  const temp = trackTemp(temporaryPathFor(target));
  try {
    const result = await fill(temp);
    await rename(temp, target);
    return result;
  } finally {
    // Best effort (a renamed temporary is gone already): a failure here (e.g. ENAMETOOLONG) must not hide the error that brought us here.
    await rm(temp).catch(() => undefined);
    untrackTemp(temp);
  }
}

/** Whether a cache slot (or any path) holds a regular file. */
export async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

/**
 * Returns `cachePath` if cached (unless `isRefresh`) and it passes `validate`; otherwise downloads to a temporary file,
 * runs `validate` on it (which throws an InputError on a bad file and may return what it parsed), then renames it into
 * place. A cached copy that `validate` refuses (cut short, damaged on disk) is a miss: downloaded again and replaced; when
 * the download fails, the error names the cached copy and how to remove it.
 */
export async function fetchIntoCache<T>(
  url: string,
  cachePath: string,
  validate: (file: string) => Promise<T>,
  options: DownloadOptions = {},
  { isRefresh = false }: { isRefresh?: boolean } = {},
): Promise<{ file: string; isFromCache: boolean; validated: T }> {
  let damaged: InputError | undefined;
  if (!isRefresh && (await isFile(cachePath))) {
    try {
      return { file: cachePath, isFromCache: true, validated: await validate(cachePath) };
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      damaged = error;
    }
  }
  // Made and tracked in one synchronous step: a signal handled between an asynchronous mkdir and the tracking
  // would leave the folders it made behind (seen under load: an empty urls/ after SIGTERM).
  const madeDirs = trackEmptyDirs(dirsBetween(path.dirname(cachePath), makeCacheFolder(path.dirname(cachePath))));
  await removeStaleTemporaries(path.dirname(cachePath), RUN_STARTED_MS);
  try {
    const validated = await writeThroughTemp(cachePath, async (temp) => {
      await downloadToFile(url, temp, options);
      return validate(temp);
    });
    // What a record beside it said (`cache add`, a mirror) was about a copy replaced, or one deleted by hand.
    await rm(`${cachePath}.source`, { force: true });
    return { file: cachePath, isFromCache: false, validated };
  } catch (error) {
    // A failed download leaves no directory behind that it made (one that is not empty stays, and so do its parents).
    for (const dir of madeDirs) await rmdir(dir).catch(() => undefined);
    if (damaged && error instanceof NetworkError) throw damagedCopyError(cachePath, damaged, error);
    throw error;
  } finally {
    untrackEmptyDirs(madeDirs);
  }
}

/** The error for a cached copy that does not read as valid and could not be downloaded again (offline). */
export function damagedCopyError(cachePath: string, damaged: InputError, failed: Error): InputError {
  return new InputError(cachePath, `the cached copy does not read as valid (${damaged.detail}), and fetching it again failed (${failed.message})`, 'remove it: attack-cov cache clean (or delete that file), then run again with the network');
}

/** `dir` and its parents up to `top` (the first directory mkdir made, if it made one), deepest first. */
export function dirsBetween(dir: string, top: string | undefined): string[] {
  // Stryker disable next-line ArrayDeclaration: an extra first entry is a relative name no download made; its rmdir fails and is ignored like any other
  const chain: string[] = [];
  if (top === undefined) return chain;
  for (let current = path.resolve(dir); current.startsWith(path.resolve(top)); current = path.dirname(current)) chain.push(current);
  return chain;
}

/** Records where a cache entry came from (a redacted URL, or `cache add` of a file) beside it. */
export async function writeCacheSource(cachePath: string, source: string): Promise<void> {
  await writeThroughTemp(`${cachePath}.source`, (temp) => writeFile(temp, `${source}\n`));
}

/** Where a cache entry came from, if recorded (one line, in a regular file: anything else there is no record). */
export async function readCacheSource(cachePath: string): Promise<string | undefined> {
  try {
    return readRegularText(`${cachePath}.source`, cachePath, {
      // Stryker disable next-line StringLiteral: the words of an error that is dropped: a record that cannot be read is none
      what: 'a record', maxBytes: 64 * 1024, raiseHint: '',
    }).trim() || undefined;
  }
  // Stryker disable next-line BlockStatement: an empty catch falls through to the same undefined
  catch {
    return undefined;
  }
}
