// Reads rules files defensively: only regular files (a FIFO, a device such as /dev/zero or a socket is
// refused without blocking on it), at most limits.maxRulesBytes, with a clear error for symlink loops,
// permissions and the like. The fs edge for rules; rules/load.ts decides which files to read.
import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { InputError } from '../errors.js';
import { describeSize, limits } from '../limits.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ELOOP: 'a symlink loop (too many levels of symbolic links)',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a path component is not a directory',
  ENAMETOOLONG: 'the name is too long',
  EISDIR: 'is a directory',
  EROFS: 'a read-only file system',
  ENOSPC: 'no space left on the device',
  EEXIST: 'a file is in the way',
};

export function describeFsError(error: NodeJS.ErrnoException): string {
  return (error.code && REASONS[error.code]) ?? error.code ?? error.message;
}

/** Why a file named on the command line could not be read: `missing` when it is not there, else the reason in words. */
export function readFailure(error: NodeJS.ErrnoException, missing = 'no such file'): string {
  return error.code === 'ENOENT' ? missing : `cannot read: ${describeFsError(error)}`;
}

export function kindOf(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  if (info.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/** stat of a --rules path; undefined when it does not exist, an InputError for anything else that fails. */
export async function statRulesPath(given: string): Promise<Stats | undefined> {
  try {
    return await stat(given);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return undefined;
    throw new InputError(given, `cannot read: ${describeFsError(err)}`);
  }
}

/** The names in a rules directory; an unreadable directory is an InputError. */
export async function listRulesDir(dir: string): Promise<string[]> {
  return readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(dir, `cannot list the directory: ${describeFsError(error)}`, 'check its permissions');
  });
}

/** The bytes of a rules file: a regular file of at most limits.maxRulesBytes, or an InputError naming `shownAs`. */
export async function readRulesBytes(file: string, shownAs: string): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it without reading.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch(async (error: NodeJS.ErrnoException) => {
    // A socket cannot be opened at all (ENXIO): say what it is rather than the errno.
    const info = await stat(file).catch(() => undefined);
    throw new InputError(shownAs, `cannot read: ${info && !info.isFile() ? `${kindOf(info)}, not a rules file` : describeFsError(error)}`);
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new InputError(shownAs, `cannot read: ${kindOf(info)}, not a rules file`, 'pass regular YAML files or directories holding them');
    const max = limits.maxRulesBytes;
    const tooLarge = (size: string): InputError =>
      new InputError(shownAs, `${size} is more than the ${describeSize(max)} a rules file may have`, 'raise ATTACK_COV_MAX_RULES_BYTES (e.g. 64MiB) if the file is genuine');
    if (info.size > max) throw tooLarge(`is ${info.size} bytes, which`);
    // Read at most one byte past the limit: a file that grows while read (or reports size 0, as /proc does) is capped too.
    let buffer = Buffer.alloc(Math.min(max + 1, Math.max(info.size + 1, 64 * 1024)));
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        if (buffer.length > max) throw tooLarge('its content');
        const grown = Buffer.alloc(Math.min(max + 1, buffer.length * 2));
        buffer.copy(grown);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) return buffer.subarray(0, filled);
      filled += bytesRead;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(shownAs, `cannot read: ${describeFsError(error as NodeJS.ErrnoException)}`);
  } finally {
    await handle.close();
  }
}
