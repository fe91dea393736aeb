// `attack-cov cache add|list|dir|clean`: seed the download cache from files (air-gapped hosts), show it,
// empty it. Entries go in through a temporary name and a rename, exactly as downloads do.
import { copyFile, lstat, readdir, rm, rmdir, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import path from 'node:path';
import { checkAttackUrl, namedVersion, readBundleFile } from '../attack/load.js';
import { NotABundleFileError } from '../attack/read-bundle.js';
import { EXIT_OK, InputError, UsageError } from '../errors.js';
import { CACHE_FOLDERS, cachePathForUrl, makeCacheFolder, writeCacheSource, writeThroughTemp } from '../net/cache.js';
import { isUrl, redactUrl, shownUrl } from '../net/url.js';
import { checkRulesRef, officialRulesCachePath, readRulesText } from '../falco/load.js';
import { parseRulesText } from '../falco/parse.js';
import { kindOf, readFailure } from '../regular-file.js';
import { stringifyJson } from '../report/reporter.js';
import { firstNames } from '../report/words.js';
import { readUpstream } from '../upstream.js';
import type { Environment } from './inputs.js';
import type { Io } from './report.js';

export interface CacheOptions {
  url?: string;
  rulesRef?: string;
  format?: string;
}

async function storeAtomically(source: string, target: string): Promise<void> {
  makeCacheFolder(path.dirname(target));
  await writeThroughTemp(target, (temp) => copyFile(source, temp));
}

/** What cache add takes, for the errors about a file it cannot store. */
const CACHE_ADD_HINT = 'cache add stores a file: an ATT&CK bundle (enterprise-attack-18.1.json), or an official rules file with --rules-ref';

/**
 * `cache add` stores one file it can read. Checked here so the hint is about `cache add`: the bundle reader's own hint
 * offers URLs and versions, which `cache add` does not take.
 */
async function requireFile(file: string): Promise<void> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) throw new InputError(file, readFailure(info), CACHE_ADD_HINT);
  if (!info.isFile()) throw new InputError(file, `${kindOf(info)}, not a file to cache`, CACHE_ADD_HINT);
}

/** Where `file` goes: the ATT&CK version's (or --url's) slot, or an official rules file's slot for --rules-ref. */
async function cacheTarget(file: string, options: CacheOptions, cacheRoot: string): Promise<{ target: string; what: string }> {
  if (options.url !== undefined) {
    if (!isUrl(options.url)) throw new UsageError(`--url takes an https://, http:// or file:// URL, not ${shownUrl(options.url)}`);
    checkAttackUrl(options.url, '--url');
  }
  await requireFile(file);
  if (options.rulesRef !== undefined) {
    const name = path.basename(file);
    const known = readUpstream().falcoRules.files;
    if (!known.includes(name)) throw new UsageError(`--rules-ref stores official rules files: ${known.join(', ')}; not ${name}`);
    checkRulesRef(options.rulesRef, '--rules-ref');
    parseRulesText((await readRulesText(file, file)).text, file);
    return { target: officialRulesCachePath(cacheRoot, options.rulesRef, name), what: `official:${name}@${options.rulesRef}` };
  }
  // A file that is no bundle (a rules file without --rules-ref, say): the bundle reader's hint offers --attack, which
  // is not what cache add takes (QA).
  const { catalog } = await readBundleFile(file, file).catch((error: unknown) => {
    throw error instanceof NotABundleFileError ? new InputError(error.location, error.detail, CACHE_ADD_HINT) : error;
  });
  const { domain } = readUpstream().attack;
  if (catalog.domain !== domain) throw new InputError(file, `an ATT&CK ${catalog.domain} bundle; attack-cov reads ${domain}`);
  if (options.url !== undefined) {
    return { target: cachePathForUrl(cacheRoot, options.url), what: `ATT&CK ${catalog.version} as ${redactUrl(options.url)}` };
  }
  const version = namedVersion(catalog, file, 'store it for a URL instead: --url');
  return { target: path.join(cacheRoot, 'attack', `${domain}-${version}.json`), what: `ATT&CK ${version} (--attack ${version})` };
}

/** The entries of the cache root, or undefined when there is none; a root that is not a folder, or that cannot be read,
 * is a usage error ("cache <root>: not a folder; <consequence>"): never taken for an empty cache. */
async function readCacheRoot(root: string, consequence: string): Promise<Dirent[] | undefined> {
  return readdir(root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new UsageError(`cache ${root}: ${error.code === 'ENOTDIR' ? 'not a folder' : `cannot read it (${error.code ?? error.message})`}; ${consequence}`, 'set ATTACK_COV_CACHE to attack-cov\'s cache folder');
  });
}

/** Whether an entry of the cache root is one of attack-cov's folders (CACHE_FOLDERS). */
const isOwnFolder = (e: Dirent): boolean => e.isDirectory() && CACHE_FOLDERS.includes(e.name);
/** Names in the cache root that are not attack-cov's folders, sorted. */
const foreignNames = (entries: Dirent[]): string[] => entries.filter((e) => !isOwnFolder(e)).map((e) => e.name).sort();

/** The cached files under `root` (in attack-cov's folders only: a root set to a folder of other files by mistake is
 * not walked, QA), with what else the root holds; undefined when there is no root folder yet. */
async function listEntries(root: string): Promise<{ entries: { path: string; bytes: number }[]; foreign: string[] } | undefined> {
  const top = await readCacheRoot(root, 'nothing to list');
  if (!top) return undefined;
  const folders = top.filter(isOwnFolder);
  const found = await Promise.all(folders.map((folder) => readdir(path.join(root, folder.name), { recursive: true, withFileTypes: true }).catch(() => [])));
  const files = found.flat().filter((e) => e.isFile() && !e.name.endsWith('.tmp') && !e.name.endsWith('.source'));
  const result = await Promise.all(files.map(async (e) => {
    const full = path.join(e.parentPath, e.name);
    return { path: path.relative(root, full).split(path.sep).join('/'), bytes: (await stat(full)).size };
  }));
  return { entries: result.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), foreign: foreignNames(top) };
}

/**
 * Removes what attack-cov keeps in the cache root, and the root once empty. A root holding anything else is
 * refused whole: ATTACK_COV_CACHE=. or =$HOME by mistake must not delete a folder of someone's files.
 */
async function cleanCache(root: string, io: Io): Promise<void> {
  const entries = await readCacheRoot(root, 'refusing to clean it');
  if (entries === undefined) return io.stderr(`${root}: no cache there, nothing to remove\n`);
  const foreign = foreignNames(entries);
  if (foreign.length > 0) {
    throw new UsageError(`cache ${root} holds ${firstNames(foreign)}, which attack-cov never writes; refusing to clean it`, 'point ATTACK_COV_CACHE at attack-cov\'s cache folder (attack-cov cache dir), or remove the folder yourself');
  }
  for (const entry of entries) await rm(path.join(root, entry.name), { recursive: true, force: true });
  // A root that is a symlink stays, and so does the (now empty) folder it points at: both are the user's.
  if ((await lstat(root)).isSymbolicLink()) return io.stderr(`emptied ${root}\n`);
  await rmdir(root);
  io.stderr(`removed ${root}\n`);
}

export async function runCache(action: 'add' | 'list' | 'dir' | 'clean', file: string | undefined, options: CacheOptions, env: Environment, io: Io): Promise<number> {
  const root = env.cacheRoot;
  if (action === 'dir') io.stdout(`${root}\n`);
  if (action === 'clean') await cleanCache(root, io);
  if (action === 'list') {
    const listed = await listEntries(root);
    const entries = listed?.entries ?? [];
    if (listed && listed.foreign.length > 0) env.notify?.(`cache ${root} also holds ${firstNames(listed.foreign)}, which attack-cov never writes (not listed); is ATTACK_COV_CACHE meant to point there?`);
    if (options.format === 'json') io.stdout(stringifyJson({ cache: root, entries }));
    else if (!listed) io.stdout(`${root}: no cache there yet\n`);
    else io.stdout(entries.length === 0 ? `${root}: nothing cached\n` : entries.map((e) => `${e.path}  ${(e.bytes / 1e6).toFixed(1)} MB\n`).join(''));
  }
  if (action === 'add') {
    const { target, what } = await cacheTarget(file!, options, root);
    await storeAtomically(file!, target);
    await writeCacheSource(target, `cache add: ${path.basename(file!)}`);
    io.stderr(`cached ${what}\n`);
  }
  return EXIT_OK;
}
