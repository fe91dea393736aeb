// Writes output files into --out: every file goes to a temporary name (rendered just before, so that only
// one large output is in memory at a time), then all are renamed into place, so a crash, a full disk, a
// renderer that throws or one unwritable name leaves --out as it was.
// Names may not leave the directory. Temporaries are tracked (temp-files.ts) and removed on signals.
import { access, chmod, chown, lstat, mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { closeSync, constants, existsSync, mkdirSync, openSync, realpathSync, rmdirSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { InputError, noValueError, UsageError } from './errors.js';
import { pseudoFilesystemOf } from './paths.js';
import { temporaryPathFor } from './net/cache.js';
import { redactSecrets } from './secrets.js';
import { removeStaleTemporaries, RUN_STARTED_MS, trackTemp, untrackTemp } from './temp-files.js';
import { describeFsError } from './regular-file.js';

export interface OutputFile {
  /** Path relative to the output directory, with / separators. */
  name: string;
  /** The text, or a function rendering it (whole or in pieces) when its turn comes (it may throw:
   * nothing is then renamed). */
  content: string | (() => string | Iterable<string>);
}

/** Resolves `name` inside `dir`, refusing absolute paths and `..` that would escape it. */
export function pathInside(dir: string, name: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, name);
  // The root itself may end in a separator (`/`): then it is the prefix as it is.
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  if (path.isAbsolute(name) || (target !== root && !target.startsWith(prefix))) {
    throw new InputError(name, `refusing to write outside the output directory ${dir}`);
  }
  return target;
}

/**
 * Refuses, before any work, an --out that cannot hold files: under /proc, /sys or /dev, an existing
 * non-directory, or below one. Creates nothing.
 */
export async function checkOutputDir(dir: string, flag = '--out'): Promise<void> {
  const resolved = path.resolve(dir);
  const pseudo = pseudoFilesystemOf(resolved);
  if (pseudo) throw new UsageError(`${flag} ${dir}: refusing to write into ${pseudo}`, 'choose a directory on a real filesystem, e.g. reports/');
  // `--out "$DIR/"` with $DIR empty in CI: the outputs would land in / (also through a symlink to it).
  const real = await realpath(resolved).catch(() => resolved);
  if (real === path.parse(real).root) throw new UsageError(`${flag} ${dir}: refusing to write into the root of the file system`, `choose a folder for the outputs, e.g. ${flag} reports/ (an empty variable in ${flag} "$DIR/" gives /)`);
  for (let current = resolved; ; current = path.dirname(current)) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' || error.code === 'ENOTDIR' ? undefined : error));
    if (info instanceof Error) throw new UsageError(`${flag} ${dir}: ${current === resolved ? '' : `cannot use ${current}: `}${describeFsError(info as NodeJS.ErrnoException)}`);
    if (info && !info.isDirectory()) throw new UsageError(`${flag} ${dir}: ${current === resolved ? 'exists and is not a directory' : `${current} is not a directory`}`, 'choose a directory (it is created if missing)');
    // Stryker disable next-line ConditionalExpression: the ancestors of an existing directory are directories, so walking on to / finds nothing more
    if (info) return;
    // Stryker disable next-line ConditionalExpression: stat('/') never fails with ENOENT/ENOTDIR, so the walk has returned at / already; this only guards the loop
    if (path.dirname(current) === current) return;
  }
}

/** --out as given, resolved against the working directory; empty is a usage error (it would be the working directory). */
export function outDirOf(given: string, cwd: string, flag = '--out'): string {
  if (given.trim() === '') throw noValueError(flag, '', `give ${flag} a folder, or leave it out`);
  return path.resolve(cwd, given);
}

/** UTF-8 is encoded this many characters at a time: writeFile would hold a second, encoded copy of a
 * whole 12 MB report.json in memory. Small enough that a slice and its encoded bytes reuse memory already
 * in use (V8's young generation, malloc's heap) rather than pages mapped for each and unmapped after. */
export const SLICE_CHARS = 1 << 16;

/** A piece of a rendered output at least this long is written alone rather than gathered with others. */
export const LARGE_PIECE_CHARS = 1 << 16;

/** Where a slice of at most `max` characters of `text` from `start` ends: one character early where it would
 * end between the two halves of a surrogate pair (each half alone would be written as U+FFFD). */
export function sliceEnd(text: string, start: number, max: number): number {
  const end = Math.min(start + max, text.length);
  const last = text.charCodeAt(end - 1);
  return end < text.length && last >= 0xd800 && last <= 0xdbff ? end - 1 : end;
}

/** Writes `text` (redacted) as UTF-8 in slices, never splitting a surrogate pair. Pieces are gathered
 * into slices first; a registered secret lies inside one piece (one JSON element), never across two.
 * Synchronous: nothing else runs meanwhile, and a round trip to libuv's thread pool per slice was wall
 * time spent waiting (with each folder prepared once, 2.5–4% of a warm 93-rule run's wall time). */
function writeText(file: string, content: string | Iterable<string>): void {
  const fd = openSync(file, 'w');
  const writeSlices = (text: string) => {
    for (let start = 0; start < text.length; ) {
      const end = sliceEnd(text, start, SLICE_CHARS);
      writeSync(fd, text.slice(start, end), null, 'utf8');
      start = end;
    }
  };
  try {
    if (typeof content === 'string') return writeSlices(redactSecrets(content));
    let gathered: string[] = [];
    let length = 0;
    for (const piece of content) {
      // A large piece (one report.json element of 64 Ki characters or more) is written as it is: joined with the small
      // ones around it, it would be copied once more, into a string as large, for nothing.
      // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: with SLICE_CHARS no larger than LARGE_PIECE_CHARS, a large piece gathered with the small ones fills a slice at once, so the same bytes are written at the same point; written alone it is only not copied into a join
      if (piece.length >= LARGE_PIECE_CHARS) {
        writeSlices(redactSecrets(gathered.join('')));
        writeSlices(redactSecrets(piece));
        gathered = [];
        length = 0;
        continue;
      }
      gathered.push(piece);
      length += piece.length;
      if (length < SLICE_CHARS) continue;
      writeSlices(redactSecrets(gathered.join('')));
      gathered = [];
      length = 0;
    }
    writeSlices(redactSecrets(gathered.join('')));
  } finally {
    closeSync(fd);
  }
}

/** Whether `folder`, through every symlink on its way, is `dir` or lies inside it (`dir` itself resolved too: an --out
 * reached through a link is the user's choice). A folder that does not resolve is not inside. */
export function isReallyInside(dir: string, folder: string): boolean {
  try {
    const root = realpathSync(dir);
    const real = realpathSync(folder);
    return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  } catch {
    return false;
  }
}

/** Makes `folder` (inside `dir`) and removes what a killed run left in it. A folder of --out that is a symlink out of it
 * (`rejected -> ../elsewhere`, which a cloned repository can hold) is refused: writes would land outside --out (QA). */
async function prepareFolder(dir: string, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(dir, `cannot create the output directory: ${describeFsError(mkdirReason(folder) ?? error)}`, 'choose --out in a folder you may write');
  });
  if (!isReallyInside(dir, folder)) throw new InputError(folder, 'leads out of the output directory through a symlink; nothing was written', 'remove the link, or choose another --out');
  await removeStaleTemporaries(folder, RUN_STARTED_MS);
}

/** Why the first folder of `folder` that does not exist cannot be made: a recursive mkdir says ENOENT on a read-only
 * file system (QA), making that one folder says EROFS, EACCES … Undefined when it can be made after all. */
function mkdirReason(folder: string): NodeJS.ErrnoException | undefined {
  let first = path.resolve(folder);
  while (!existsSync(path.dirname(first))
    // Stryker disable next-line ConditionalExpression: / always exists, so the walk has stopped there already; this only guards the loop
    && path.dirname(first) !== first) first = path.dirname(first);
  try {
    mkdirSync(first);
    rmdirSync(first);
    return undefined;
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
}

/**
 * A written file as the terminal's `wrote …` line names it: relative to the working directory when it is
 * inside it, else by its whole path (the line is for the person who ran the command, on their machine; a
 * base name alone would point them at the wrong folder).
 */
export function writtenPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('../') ? file : relative;
}

/** Removes the temporaries a failure left (not renamed into place). Best effort: a failure here (e.g. ENAMETOOLONG)
 * must not hide the error that brought us here. */
async function removeTemps(temps: Iterable<string>): Promise<void> {
  for (const temp of temps) {
    await rm(temp).catch(() => undefined);
    untrackTemp(temp);
  }
}

/** Refuses the first target that is a directory: its rename would fail. */
async function refuseDirectories(targets: { target: string }[]): Promise<void> {
  for (const { target } of targets) {
    if ((await lstat(target).catch(() => undefined))?.isDirectory()) throw new InputError(target, 'is a directory; nothing was written');
  }
}

export async function writeOutputs(dir: string, files: OutputFile[]): Promise<string[]> {
  const targets = files.map((file) => ({ content: file.content, target: pathInside(dir, file.name) }));
  const temps: string[] = [];
  /** Temporaries written and not (yet) renamed into place: what a failure removes. */
  const unrenamed = new Set<string>();
  /** Each folder is prepared once, before its first file: most outputs share --out. */
  const prepared = new Map<string, Promise<void>>();
  try {
    // Before any renderer runs, and again before the renames: a renderer may act (draft-out.ts removes an earlier
    // run's files as summary.json is rendered), and a name a directory takes would then fail the run after it (QA).
    await refuseDirectories(targets);
    for (const { target, content: given } of targets) {
      const content = typeof given === 'function' ? given() : given;
      const folder = path.dirname(target);
      const ready = prepared.get(folder) ?? prepareFolder(dir, folder);
      prepared.set(folder, ready);
      await ready;
      const temp = trackTemp(temporaryPathFor(target));
      temps.push(temp);
      unrenamed.add(temp);
      try {
        writeText(temp, content);
      } catch (error) {
        throw new InputError(target, `cannot write: ${describeFsError(error as NodeJS.ErrnoException)}`);
      }
    }
    // A name taken by a directory would fail its rename half-way: refuse before --out changes at all.
    await refuseDirectories(targets);
    // Every file is on disk under its temporary name: only now does --out change.
    for (const [index, { target }] of targets.entries()) {
      const temp = temps[index]!;
      await rename(temp, target).catch((error: NodeJS.ErrnoException) => {
        throw new InputError(target, `cannot write: ${describeFsError(error)}`);
      });
      unrenamed.delete(temp);
      untrackTemp(temp);
    }
    return targets.map((t) => t.target);
  } finally {
    await removeTemps(unrenamed);
  }
}

/** A file to replace: its new content, and the sha256 of the bytes it held when read. */
export interface Replacement {
  file: string;
  content: string;
  sha256: string;
  /** The file as errors name it (as findings do: from the source root); `file` when not given. */
  shown?: string;
}

/**
 * Replaces `file` with `content` through a temporary file and a rename, keeping its mode, owner and group, and refuses
 * when the file on disk no longer has `expectedSha256` (someone changed it after attack-cov read it).
 * A symlink is followed: its target is rewritten and the link stays. A read-only file is refused.
 */
export async function replaceFileAtomically(file: string, content: string, expectedSha256: string): Promise<void> {
  await replaceFilesAtomically([{ file, content, sha256: expectedSha256 }]);
}

/**
 * replaceFileAtomically for several files, all or nothing as far as a filesystem allows: every file is checked
 * (replaceable, then unchanged) and every new text written to a temporary name beside its file before the first
 * rename. A rename that fails after others (a sticky folder, a file turned into a folder) names the files already
 * rewritten. The callers name each real file once (readRulesTexts' isOncePerFile): a second rename of one file
 * would undo the first's edit.
 */
export async function replaceFilesAtomically(replacements: readonly Replacement[]): Promise<void> {
  const targets: string[] = [];
  for (const { file, shown } of replacements) targets.push(await checkReplaceable(file, shown));
  /** Temporaries written and not (yet) renamed into place: what a failure removes. */
  const unrenamed = new Set<string>();
  try {
    const temps: string[] = [];
    const named = replacements.map((r) => r.shown ?? r.file);
    for (const [index, { content }] of replacements.entries()) {
      const temp = trackTemp(temporaryPathFor(targets[index]!));
      temps.push(temp);
      unrenamed.add(temp);
      await writeLike(temp, content, targets[index]!).catch((error: NodeJS.ErrnoException) => {
        throw cannotWrite(named[index]!, error);
      });
    }
    for (const [index, { sha256 }] of replacements.entries()) {
      const current = await readFile(targets[index]!).catch(() => undefined);
      if (!current || createHash('sha256').update(current).digest('hex') !== sha256) {
        throw new InputError(named[index]!, 'changed on disk after attack-cov read it; not overwritten', 'run the command again');
      }
    }
    const rewritten: string[] = [];
    for (const [index, temp] of temps.entries()) {
      await rename(temp, targets[index]!).catch((error: NodeJS.ErrnoException) => {
        throw cannotWrite(named[index]!, error, rewritten);
      });
      unrenamed.delete(temp);
      untrackTemp(temp);
      rewritten.push(named[index]!);
    }
  } finally {
    await removeTemps(unrenamed);
  }
}

/** Writes `content` to `temp` with the mode (exactly: writeFile's mode passes through the umask), owner and group of
 * `target`, as far as this process may give them: as root both; as another member of the file's group, the group;
 * else the file becomes this user's, as an editor would leave it. */
async function writeLike(temp: string, content: string, target: string): Promise<void> {
  const { mode, uid, gid } = await stat(target);
  await writeFile(temp, content, { mode: 0o600 });
  const give = (owner: number) => chown(temp, owner, gid).then(
    // Stryker disable next-line ArrowFunction,BooleanLiteral: a give that worked, said to have failed, is made again with the owner left as it is (-1) and the same group: the same owner and group
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPERM') throw error;
      return false;
    },
  );
  // -1 leaves the owner as it is.
  if (!(await give(uid))) await give(-1);
  // After chown, which clears the set-user-ID and set-group-ID bits.
  await chmod(temp, mode & 0o7777);
}

/** Why a file needs a writable folder too. */
const FOLDER_HINT = 'the new text is written beside the file, then renamed over it: this user must be able to write the file and its folder';

/** A write that failed, said as a person reads it; after some files were rewritten, which ones. */
function cannotWrite(file: string, error: NodeJS.ErrnoException, rewritten: string[] = []): InputError {
  const isDenied = error.code === 'EACCES' || error.code === 'EPERM';
  const reason = isDenied ? 'permission denied' : describeFsError(error);
  if (rewritten.length > 0) {
    return new InputError(file, `cannot write: ${reason}; already rewritten: ${rewritten.join(', ')}`, 'the files named as rewritten hold the new text, the others the old one: fix the cause and run the command again');
  }
  return new InputError(file, `cannot write: ${reason}`, isDenied ? FOLDER_HINT : undefined);
}

/** The real file behind `file` (through symlinks), refusing one that is read-only (by mode or by access), or whose
 * folder this process may not write (the temporary is made there). */
export async function checkReplaceable(file: string, shown = file): Promise<string> {
  const target = await realpath(file).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(shown, `cannot resolve: ${error.code ?? error.message}`);
  });
  const info = await stat(target);
  const canWrite = (at: string) => access(at, constants.W_OK).then(
    () => true,
    // Stryker disable next-line ArrowFunction: `false` and the mutant's `undefined` are both falsy
    () => false,
  );
  // root may write anything: the mode bits say what the owner meant.
  const isWritable = (info.mode & 0o222) !== 0 && (await canWrite(target));
  // Said of no one command: lint --fix and suggest --apply both rewrite rules files (QA: suggest's said --fix).
  if (!isWritable) throw new InputError(shown, 'is read-only; not changed', 'make it writable (chmod u+w) so that it can be rewritten');
  if (!(await canWrite(path.dirname(target)))) throw new InputError(shown, 'cannot write: permission denied', FOLDER_HINT);
  return target;
}
