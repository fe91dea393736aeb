// Finds and reads Falco rules files (given paths, `official[:set][@ref]` specs, Falco's standard
// locations, or the embedded official rules), then builds the Ruleset. The edge that touches fs for rules.
import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, UsageError, withOfflineHint } from '../errors.js';
import { embeddedRules, embeddedRulesRef, OFFICIAL_SETS, type EmbeddedRules } from '../embedded.js';
import { fetchIntoCache, readCacheSource } from '../net/cache.js';
import type { DownloadOptions } from '../net/download.js';
import { redactUrl } from '../net/url.js';
import { linkTarget, OUTSIDE_ROOT_NOTE, showPath, showPaths, type ShownPath } from '../source-root.js';
import { falcoRulesUrlTemplate, readUpstream } from '../upstream.js';
import { parseRulesText } from './parse.js';
import { readRulesItems } from './rules-cache.js';
import type { ParseCache } from '../parse-cache.js';
import { listRulesDir, readRulesBytesSync, statRulesPath } from './read-guard.js';
import { identityOfFiles, rememberedSha256s, rememberSha256s } from '../file-sha256.js';
import { CONFIG_FILE_NAME } from '../paths.js';
import { UTF16_HINT, utf16Of } from '../regular-file.js';
import { readIgnoreComments, type IgnoreComment } from './ignore-comments.js';
import { buildRuleset } from './ruleset.js';
import { cachedRuleset, cachedRulesetOutline, type BuildRuleset } from './ruleset-cache.js';
import type { RawItem, RulesFileInfo, Ruleset, RulesetOutline } from './types.js';

export interface RulesLoadOptions {
  cacheRoot: string;
  cwd?: string;
  /** Outputs name files relative to it (default: cwd). */
  sourceRoot?: string;
  download?: DownloadOptions;
  /** Falco's standard locations; overridable for tests. */
  standardLocations?: string[];
  /** Where parsed rules files are kept between runs; absent = parse every time. */
  parseCache?: ParseCache;
}

/** Path as the user should see it: relative to `root` when inside it, its base name otherwise, / separators. */
export function displayPath(file: string, root: string = process.cwd()): string {
  return showPath(file, root).path;
}

/** The files of a rules directory Falco loads: falco::utils::matches_wildcard("*.yaml" or "*.yml"), case and all. */
const DIR_RULES_FILE = /\.ya?ml$/;
const OFFICIAL_SPEC = /^official(?::([A-Za-z0-9_.-]+))?(?:@([A-Za-z0-9_.\/-]+))?$/;

export function isOfficialSpec(spec: string): boolean {
  return OFFICIAL_SPEC.test(spec);
}

/** The longest ref, percent-encoded, that is one folder name on common file systems (255 bytes). */
const MAX_REF_CHARS = 255;

/** Refuses a ref no git tag or branch can have (git check-ref-format's rules, within the characters refs may use here):
 * `..`, a part that is empty or starts with `.`, a leading `-` or `/`, a trailing `.`, `.lock`; one longer than
 * MAX_REF_CHARS as the cache stores it. */
export function checkRulesRef(ref: string, spec: string): void {
  const parts = ref.split('/');
  if (!/^[A-Za-z0-9_.\/-]+$/.test(ref) || ref.startsWith('-') || ref.includes('..') || ref.endsWith('.') || parts.some((p) => p === '' || p.startsWith('.') || p.endsWith('.lock'))) {
    throw new UsageError(`${spec}: ${ref} is not a git tag or branch name`, 'name a falcosecurity/rules tag, such as falco-rules-5.0.0');
  }
  // The ref is one folder name of the cache (officialRulesCachePath), which file systems cap at 255 bytes (QA: a longer
  // one failed as "cannot create the cache folder", with a hint to move the cache).
  const stored = encodeURIComponent(ref).length;
  if (stored > MAX_REF_CHARS) {
    const shown = spec.length > 60 ? `${spec.slice(0, 60)}…` : spec;
    throw new UsageError(`${shown}: a tag or branch name of ${ref.length} characters, longer than attack-cov can keep (at most ${MAX_REF_CHARS} as stored, here ${stored})`, 'name a falcosecurity/rules tag, such as falco-rules-5.0.0');
  }
}

/** The cache slot of an official rules file at `ref`: the ref percent-encoded, so that two refs never share a slot. */
export function officialRulesCachePath(cacheRoot: string, ref: string, name: string): string {
  return path.join(cacheRoot, 'falco-rules', encodeURIComponent(ref), name);
}

/** An empty --rules path would resolve to the working directory and load whatever rules lie there. */
function refuseEmptyPath(given: string): void {
  if (given.trim() === '') throw new UsageError('an empty rules path (""): it would name the working directory', 'name rules files or directories, or official, official:all');
}

/** Expands files and directories (a directory means its *.yaml files in name order, like Falco's rules.d). */
async function expandPaths(paths: string[], isStrict: boolean): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const info = await statRulesPath(given);
    if (!info) {
      // `emulate --rules official T1529`: --rules takes every value after it, a technique ID too.
      const isTechnique = /^T\d{4}(?:\.\d{3})?$/i.test(path.basename(given));
      const hint = isTechnique ? `${path.basename(given)} looks like a technique ID: --rules takes every value after it, so name techniques before --rules, or after --` : 'pass Falco rules files or directories, or official, official:all';
      if (isStrict) throw new InputError(given, 'no such file or directory', hint);
      continue;
    }
    if (info.isDirectory()) {
      // As Falco reads a rules directory: regular files (through symlinks; a dangling one, or a folder named
      // x.yaml, is passed over), named *.yaml or *.yml in that case, in name order; but not attack-cov's own project
      // config (`init` writes it where the rules are, and `--rules .` then read it as a rules file).
      const names = (await listRulesDir(given)).filter((n) => DIR_RULES_FILE.test(n) && n !== CONFIG_FILE_NAME).sort();
      const isFile = await Promise.all(names.map((n) => stat(path.join(given, n)).then((s) => s.isFile(),
        // Stryker disable next-line ArrowFunction: `false` and the mutant's `undefined` are both falsy, and the filter below keeps neither
        () => false)));
      files.push(...names.filter((_, i) => isFile[i]).map((n) => path.join(given, n)));
    } else files.push(given);
  }
  return files;
}

interface ReadFile {
  info: RulesFileInfo;
  /** Absolute path of the file read (never shown in outputs). */
  file: string;
  /** The file's items and ignore comments, parsed (or read from the parse cache: isCached) on first call (a
   * cached ruleset needs neither); throws on a file that does not parse. */
  parsed: () => { items: RawItem[]; ignores: IgnoreComment[]; isCached: boolean };
  /** An error about this file named as the user gave it (namedAsGiven); absent for files named as shown. */
  named?: (error: unknown) => unknown;
}

/** A rules file's text as read, for commands that rewrite it (lint --fix). */
export interface RulesText {
  /** Absolute path. */
  file: string;
  /** Path as shown (and as findings name it). */
  path: string;
  /** The text, without a byte-order mark. */
  text: string;
  sha256: string;
  /** The file starts with a byte-order mark, kept apart from `text` and written back by rulesFileContent. */
  hasBom?: true;
  /** Where the first bytes that are not UTF-8 stand (file:line:col): such a file is never rewritten. */
  notUtf8At?: string;
  /** One of the embedded official rules files (`official…`): read, never rewritten. */
  isEmbedded?: true;
  /** The other names the file was given by (again through a symlink, or in its folder), read once (isOncePerFile): the
   * rules loaded from those names are this text's. */
  otherPaths?: string[];
  /** An error about this text (a YAML error, an item that cannot be built: both name it by `path`) named as the loaders
   * name it, as the user gave the file (namedAsGiven); absent for files named as shown. See namedByText. */
  named?: (error: unknown) => unknown;
}

const BOM = '\uFEFF';

/** `text` without a leading byte-order mark: the YAML CST the fixers edit would not find the tags behind one. */
export function withoutBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** What a fixer writes back for `file`: the new text, behind the byte-order mark the file had. */
export function rulesFileContent(file: RulesText, text: string): string {
  return file.hasBom ? `${BOM}${text}` : text;
}

/** `bytes` as UTF-8 text (a byte-order mark kept), or undefined when they are not UTF-8. */
function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Not UTF-8: undefined.
  }
  return undefined;
}

/** Where the first byte sequence that is not UTF-8 starts (0-based), or -1 (TextDecoder, fatal, gives no offset).
 * A scan of every byte: readRulesText calls it only for bytes the decoder refused. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    // A sequence cut short by the end reads undefined there, and undefined & 0xc0 is 0: no continuation byte either.
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
    const second = bytes[i + 1]!;
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) return i;
    i += length;
  }
  return -1;
}

/** A rules file's bytes (read as read-guard allows) and their sha256; UTF-16 is refused, as Falco reads UTF-8. */
function readHashed(file: string, shownAs: string): { bytes: Buffer; sha256: string } {
  const bytes = readRulesBytesSync(file, shownAs);
  const utf16 = utf16Of(bytes);
  if (utf16) throw new InputError(shownAs, `${utf16} text; Falco reads rules files as UTF-8`, UTF16_HINT);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** A rules file as text (read as readHashed reads it), for commands that rewrite it or only check it. */
export async function readRulesText(file: string, shownAs: string): Promise<RulesText> {
  const { bytes, sha256 } = readHashed(file, shownAs);
  // One strict decoding: UTF-8 (the usual case) is decoded once; only a file that is not is scanned for where.
  const strict = strictUtf8(bytes);
  let notUtf8At: string | undefined;
  if (strict === undefined) {
    const before = bytes.subarray(0, firstInvalidUtf8(bytes));
    const lineStart = before.lastIndexOf(0x0a) + 1;
    const line = before.filter((b) => b === 0x0a).length + 1;
    notUtf8At = `${shownAs}:${line}:${before.subarray(lineStart).toString('utf8').length + 1}`;
  }
  const text = strict ?? bytes.toString('utf8');
  return { file: path.resolve(file), path: shownAs, text: withoutBom(text), sha256, ...(text.startsWith(BOM) ? { hasBom: true as const } : {}), ...(notUtf8At ? { notUtf8At } : {}) };
}

/** Refuses to rewrite a file that is not UTF-8: decoded lossily, every byte that is not would be written back as
 * U+FFFD. Such a file is read (and shown in a dry run) like any other; only writing it is refused. */
export function checkRewritable(file: RulesText): void {
  if (file.notUtf8At) throw new InputError(file.notUtf8At, 'not UTF-8; attack-cov rewrites only UTF-8 rules files (Falco reads UTF-8)', 'convert it first, e.g. iconv -f latin1 -t utf-8');
}

/** A rules file read and hashed now, parsed on first call. With `knownSha256` (what the parse cache remembers for the
 * file's identity: sha256sOfLocal) it is read only if it must be parsed, and must then still have that sha256. */
function readRulesFile(file: string, shownAs: string, cache: ParseCache | undefined, extra: Partial<RulesFileInfo> = {}, knownSha256?: string): ReadFile {
  const read = knownSha256 === undefined ? readHashed(file, shownAs) : undefined;
  const sha256 = read?.sha256 ?? knownSha256!;
  let parsed: ReturnType<ReadFile['parsed']> | undefined;
  const parse = () => {
    const { bytes, sha256: now } = read ?? readHashed(file, shownAs);
    // The ruleset was looked up by the remembered sha256: content that no longer has it changed during this run.
    if (now !== sha256) throw new InputError(shownAs, 'changed while attack-cov was reading the rules', 'run the command again');
    const text = bytes.toString('utf8');
    return { ...readRulesItems(text, sha256, shownAs, cache), ignores: readIgnoreComments(text, shownAs) };
  };
  return { info: { path: shownAs, sha256, ...extra }, file: path.resolve(file), parsed: () => (parsed ??= parse()) };
}

/**
 * The sha256 of each of the local rules files `files` as the parse cache remembers it for their identity (path, device,
 * inode, size, mtime and ctime: file-sha256.ts), so that a warm run reads no YAML at all; `remember` stores them after a
 * run that had to read them all. No cache, or a file missing or no regular file: nothing known (the read says why).
 */
function sha256sOfLocal(files: string[], cache: ParseCache | undefined): { known?: Map<string, string>; remember: (read: ReadFile[]) => void } {
  const identity = cache && files.length > 0 ? identityOfFiles(files) : undefined;
  const remembered = identity && rememberedSha256s(cache!, identity);
  if (remembered) return { known: new Map(files.map((file, i) => [file, remembered[i]!])), remember: () => undefined };
  return {
    remember: (read) => {
      if (!identity) return;
      const sha256Of = new Map(read.map((r) => [r.file, r.info.sha256]));
      rememberSha256s(cache!, files, identity, files.map((file) => sha256Of.get(path.resolve(file))!));
    },
  };
}

/** readRulesFile for a download: parsed at once, so that a file that is no rules file is refused before it is kept. */
async function readDownloadedRulesFile(file: string, shownAs: string, cache: ParseCache | undefined, extra: Partial<RulesFileInfo>): Promise<ReadFile> {
  const read = readRulesFile(file, shownAs, cache, extra);
  read.parsed();
  return read;
}

/** Reads a user's file, named relative to the source root (or by its base name, with a note), with the file of the root
 * a symlink resolves to. */
function readLocalRulesFile(file: string, shown: ShownPath, root: string, cache: ParseCache | undefined, knownSha256?: string): ReadFile {
  return readRulesFile(file, shown.path, cache, shown.isOutsideRoot ? { note: OUTSIDE_ROOT_NOTE } : linkTarget(file, shown, root), knownSha256);
}

/** A `--rules` entry expanded: an `official…` spec, or the rules files of a path as given (a file, or a directory's). */
type GivenEntry = { spec: string } | { given: string; files: string[] };

/** Every entry expanded first (so that a missing path stops the run before any download), with the name each local
 * file is shown by: showPaths over all of them, so that two files outside the root never share one. */
async function expandGiven(paths: string[], cwd: string, root: string): Promise<{ entries: GivenEntry[]; shown: Map<string, ShownPath> }> {
  const entries: GivenEntry[] = [];
  for (const given of paths) {
    refuseEmptyPath(given);
    if (isOfficialSpec(given)) {
      checkedOfficialSpec(given);
      entries.push({ spec: given });
      continue;
    }
    const files = await expandPaths([path.resolve(cwd, given)], true).catch((error: unknown) => {
      // Named as given, with the reason kept (a FIFO, a symlink loop, a directory that cannot be listed …).
      throw error instanceof InputError ? new InputError(given, error.detail, error.hint) : error;
    });
    if (files.length === 0) throw new InputError(given, 'no *.yaml rules files found', 'pass Falco rules files, or directories holding them');
    entries.push({ given, files });
  }
  // Stryker disable next-line ArrayDeclaration: an extra relative name lies inside the root, and showPaths compares only the names of files outside it
  return { entries, shown: showPaths(entries.flatMap((e) => ('files' in e ? e.files : [])), root) };
}

/**
 * `read`, with its errors about a file outside the source root named by the path as given (`/dev/zero`, not `zero`;
 * `../b/rules.yaml:3:4`): outputs name such a file by its base name, but an error must say which file the user means.
 */
function namedAsGiven(error: unknown, file: string, entry: { given: string }, shown: ShownPath, cwd: string): unknown {
  if (!(error instanceof InputError) || !shown.isOutsideRoot || !isAbout(error.location, shown.path)) return error;
  const resolved = path.resolve(cwd, entry.given);
  const asGiven = file === resolved ? entry.given : path.join(entry.given, path.relative(resolved, file));
  return new InputError(`${asGiven}${error.location.slice(shown.path.length)}`, error.detail, error.hint);
}

/** Whether an error's location (`file`, `file:line:column`) is in the file shown as `shown`. */
function isAbout(location: string, shown: string): boolean {
  return location === shown || location.startsWith(`${shown}:`);
}

/** readLocalRulesFile, its errors (reading now, parsing and building the ruleset later) named by namedAsGiven. */
function readGivenFile(file: string, entry: { given: string }, shown: ShownPath, options: RulesLoadOptions, cwd: string, root: string, knownSha256?: string): ReadFile {
  const named = (error: unknown): unknown => namedAsGiven(error, file, entry, shown, cwd);
  const rename = (error: unknown): never => {
    throw named(error);
  };
  let read: ReadFile;
  try {
    read = readLocalRulesFile(file, shown, root, options.parseCache, knownSha256);
  } catch (error) {
    return rename(error);
  }
  return {
    ...read,
    named,
    parsed: () => {
      try {
        return read.parsed();
      } catch (error) {
        return rename(error);
      }
    },
  };
}

/** An error of parsing or building `files` (it names an item's file as shown), named by the file it is about, as the user
 * gave it (`/abs/x.yaml:8:4`, not the base name outputs show a file outside the source root by), if only one is shown
 * so (a file inside the root and one outside may share a name: which one is meant cannot be told then). For the
 * loaders' files and for the texts lint --fix and validate read, so that every command names a file alike. */
export function namedByText(files: readonly { path: string; named?: (error: unknown) => unknown }[], error: unknown): unknown {
  if (!(error instanceof InputError)) return error;
  const about = files.filter((f) => isAbout(error.location, f.path));
  return about.length === 1 ? (about[0]!.named?.(error) ?? error) : error;
}

/** The embedded official files an `official…` spec names, as text (for commands that only read them). */
async function readOfficialTexts(spec: string): Promise<RulesText[]> {
  const { files, ref } = parseOfficialSpec(spec);
  if (ref !== undefined) throw new UsageError(`${spec}: only the embedded official rules can be read here, not another tag`, 'download them with report --rules first, or name the files');
  return Promise.all(embeddedOfficial(files).map(async (e): Promise<RulesText> => ({ ...(await readRulesText(e.file, e.label)), isEmbedded: true })));
}

/** The embedded copies of official files a spec named (parseOfficialSpec only names embedded ones). */
function embeddedOfficial(files: string[]): EmbeddedRules[] {
  return files.map((name) => embeddedRules(name)!);
}

/** `entries` with each real file (through symlinks) kept where it is first named: a command that rewrites files edits
 * one text of each (a second edit of the same file, read before the first was written, would undo it). Also the
 * files' other names, by the file kept. */
async function oncePerFile(entries: GivenEntry[]): Promise<{ entries: GivenEntry[]; otherNames: Map<string, string[]> }> {
  const keptFor = new Map<string, string>();
  const otherNames = new Map<string, string[]>();
  const once: GivenEntry[] = [];
  for (const entry of entries) {
    if ('spec' in entry) {
      once.push(entry);
      continue;
    }
    const files: string[] = [];
    for (const file of entry.files) {
      // A file that cannot be resolved is refused when it is read.
      const real = await realpath(file).catch(() => file);
      const kept = keptFor.get(real);
      if (kept === undefined) {
        keptFor.set(real, file);
        files.push(file);
      } else otherNames.set(kept, [...(otherNames.get(kept) ?? []), file]);
    }
    once.push({ ...entry, files });
  }
  return { entries: once, otherNames };
}

/**
 * Reads the rules files named by `paths` (files, directories and the embedded `official…` specs, marked
 * `isEmbedded`: the fixers read them, for the user's files may depend on them, and never rewrite them) as
 * text, in order, without building a ruleset. `isOncePerFile` (for the commands that rewrite them): a file named
 * twice (or through a symlink) is read where it is first named.
 */
export async function readRulesTexts(paths: string[], root: string = process.cwd(), { isOncePerFile = false }: { isOncePerFile?: boolean } = {}): Promise<RulesText[]> {
  // Each path gives at least one file or throws (expandGiven), so only no path gives no text.
  if (paths.length === 0) throw new InputError('', 'no *.yaml rules files found', 'pass Falco rules files, or directories holding them');
  const texts: RulesText[] = [];
  const cwd = process.cwd();
  const { entries: given, shown } = await expandGiven(paths, cwd, root);
  const { entries, otherNames } = isOncePerFile ? await oncePerFile(given) : { entries: given, otherNames: new Map<string, string[]>() };
  for (const entry of entries) {
    if ('spec' in entry) texts.push(...(await readOfficialTexts(entry.spec)));
    else {
      const read = entry.files.map(async (f) => {
        const named = (error: unknown): unknown => namedAsGiven(error, f, entry, shown.get(f)!, cwd);
        const text = await readRulesText(f, shown.get(f)!.path).catch((error: unknown) => {
          throw named(error);
        });
        return shown.get(f)!.isOutsideRoot ? { ...text, named } : text;
      });
      texts.push(...(await Promise.all(read)));
    }
  }
  for (const text of texts) {
    const others = [...new Set((otherNames.get(text.file) ?? []).map((f) => shown.get(f)!.path))].filter((p) => p !== text.path);
    if (others.length > 0) text.otherPaths = others;
  }
  return texts;
}

/** Throws as readRulesTexts would for a path that names no rules file (missing, or a folder without any); reads no
 * file and downloads nothing (official refs are left to their reading): a command that downloads first checks them. */
export async function checkRulesPaths(paths: string[], root: string = process.cwd()): Promise<void> {
  await expandGiven(paths, process.cwd(), root);
}

/** The ruleset of rules files given as text (in order). Pure apart from hashing. */
export function rulesetFromTexts(files: { path: string; text: string }[]): Ruleset {
  return buildRuleset(
    files.map((f) => ({ info: { path: f.path, sha256: createHash('sha256').update(f.text).digest('hex') }, items: parseRulesText(f.text, f.path), ignores: readIgnoreComments(f.text, f.path) })),
  );
}

/** `official`, `official:all`, `official:incubating`, `official:falco_rules.yaml`, `official@falco-rules-5.0.0` → file names and ref. */
export function parseOfficialSpec(spec: string): { files: string[]; ref?: string } {
  const match = OFFICIAL_SPEC.exec(spec);
  if (!match) throw new UsageError(`not an official rules spec: ${spec}`);
  const [, set = 'stable', ref] = match;
  if (ref !== undefined) checkRulesRef(ref, spec);
  const files = Object.hasOwn(OFFICIAL_SETS, set) ? OFFICIAL_SETS[set]! : embeddedRules(set) ? [set] : undefined;
  if (!files) throw new UsageError(`unknown official rules set: ${set}`, `use official (stable, as Falco installs it), or official:${Object.keys(OFFICIAL_SETS).join(', official:')}`);
  return { files, ...(ref && ref !== embeddedRulesRef() ? { ref } : {}) };
}

/** parseOfficialSpec, refusing a file that is embedded only at another ref: checked for every spec before any is
 * loaded, so that a refusal leaves nothing in the cache (not even the download of an earlier spec). */
function checkedOfficialSpec(spec: string): { files: string[]; ref?: string } {
  const parsed = parseOfficialSpec(spec);
  if (parsed.ref === undefined) return parsed;
  const downloadable = new Set(readUpstream().falcoRules.files);
  const embeddedOnly = parsed.files.find((name) => !downloadable.has(name));
  if (embeddedOnly) throw new UsageError(`${embeddedOnly} is embedded only; it cannot be downloaded at another ref (${parsed.ref})`, 'name a file or URL of your own instead');
  return parsed;
}

async function loadOfficial(spec: string, options: RulesLoadOptions): Promise<ReadFile[]> {
  const { files, ref } = checkedOfficialSpec(spec);
  if (ref === undefined) {
    return embeddedOfficial(files).map((e) => readRulesFile(e.file, e.label, options.parseCache));
  }
  const result: ReadFile[] = [];
  for (const name of files) {
    const url = falcoRulesUrlTemplate().replace('{tag}', encodeURIComponent(ref)).replace('{file}', name);
    const label = `official:${name}@${ref}`;
    const cachePath = officialRulesCachePath(options.cacheRoot, ref, name);
    const extra = { url: redactUrl(url) };
    // A copy `cache add --rules-ref` stored was never downloaded from that URL: say where it came from instead.
    const seeded = await readCacheSource(cachePath);
    const origin = seeded?.startsWith('cache add:') ? { note: `stored by ${seeded}` } : extra;
    // The cached copy is parsed as a download is: one that does not parse is fetched again (fetchIntoCache).
    const fetched = await fetchIntoCache(url, cachePath, (file) => readDownloadedRulesFile(file, label, options.parseCache, file === cachePath ? origin : extra), options.download).catch((error: unknown) => {
      // Offline (the usual reason a tag cannot be fetched), the way in is a copy carried over: say how to store it.
      throw withOfflineHint(error, `add a copy to the cache once: attack-cov cache add ${name} --rules-ref ${ref}`);
    });
    result.push(fetched.validated);
  }
  return result;
}

export interface LoadedRuleset<R extends RulesetOutline = Ruleset> {
  ruleset: R;
  /** How the files were chosen, for the summary: given paths/specs, Falco's standard locations, or the embedded official default. */
  origin: 'given' | 'standard-locations' | 'official-default';
  /** Absolute paths of the files read, in order (for tools that need them on disk, e.g. falco -V). */
  localFiles: string[];
}

type CachedBuild<R extends RulesetOutline> = (files: RulesFileInfo[], build: BuildRuleset, cache: ParseCache | undefined) => R;

function loaded<R extends RulesetOutline>(files: ReadFile[], origin: LoadedRuleset['origin'], cache: ParseCache | undefined, cached: CachedBuild<R>): LoadedRuleset<R> {
  const build = () => {
    const parsed = files.map((f) => ({ info: f.info, ...f.parsed() }));
    try {
      return { ruleset: buildRuleset(parsed), isSeenBefore: parsed.every((p) => p.isCached) };
    } catch (error) {
      throw namedByText(files.map((f) => ({ path: f.info.path, named: f.named })), error);
    }
  };
  return { ruleset: cached(files.map((f) => f.info), build, cache), origin, localFiles: files.map((f) => f.file) };
}

/** Reads `--rules` entries in order: files, directories and `official…` specs may be mixed. */
async function readGiven(paths: string[], options: RulesLoadOptions, root: string): Promise<ReadFile[]> {
  const files: ReadFile[] = [];
  const cwd = options.cwd ?? process.cwd();
  const { entries, shown } = await expandGiven(paths, cwd, root);
  const locals = sha256sOfLocal(entries.flatMap((e) => ('files' in e ? e.files : [])), options.parseCache);
  for (const entry of entries) {
    if ('spec' in entry) files.push(...(await loadOfficial(entry.spec, options)));
    else files.push(...entry.files.map((f) => readGivenFile(f, entry, shown.get(f)!, options, cwd, root, locals.known?.get(f))));
  }
  locals.remember(files);
  return files;
}

/** Loads `--rules` entries, or Falco's standard locations, or the embedded official rules (stable). */
export function loadRules(paths: string[] | undefined, options: RulesLoadOptions): Promise<LoadedRuleset> {
  return loadWith(paths, options, cachedRuleset);
}

/** loadRules for what the analysis reads (no rule text, macro or list): from the parse cache, a warm run reads about a
 * quarter of the bytes, and files whose sha256 the cache remembers for their identity are not even read (sha256sOfLocal). */
export function loadRulesOutline(paths: string[] | undefined, options: RulesLoadOptions): Promise<LoadedRuleset<RulesetOutline>> {
  return loadWith(paths, options, cachedRulesetOutline);
}

/** The rules a command reads when given none: the files of Falco's standard locations (/etc/falco's rules file, local
 * file and rules.d, each where present), else the embedded official rules, as loadRules reads them. */
export async function defaultRulesPaths(standardLocations?: string[]): Promise<string[]> {
  const standard = await standardRulesFiles(standardLocations);
  return standard.length > 0 ? standard : ['official'];
}

/** The rules files of Falco's standard locations (data/upstream.json's, or `standardLocations`) that are there. */
function standardRulesFiles(standardLocations: string[] | undefined): Promise<string[]> {
  return expandPaths(standardLocations ?? readUpstream().falcoRules.standardLocations, false);
}

async function loadWith<R extends RulesetOutline>(paths: string[] | undefined, options: RulesLoadOptions, cached: CachedBuild<R>): Promise<LoadedRuleset<R>> {
  const root = options.sourceRoot ?? options.cwd ?? process.cwd();
  if (paths && paths.length > 0) return loaded(await readGiven(paths, options, root), 'given', options.parseCache, cached);
  const standard = await standardRulesFiles(options.standardLocations);
  if (standard.length > 0) {
    const shown = showPaths(standard, root);
    const locals = sha256sOfLocal(standard, options.parseCache);
    const files = standard.map((f) => readLocalRulesFile(f, shown.get(path.resolve(root, f))!, root, options.parseCache, locals.known?.get(f)));
    locals.remember(files);
    return loaded(files, 'standard-locations', options.parseCache, cached);
  }
  return loaded(await loadOfficial('official', options), 'official-default', options.parseCache, cached);
}
