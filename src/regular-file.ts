// Opens and reads only regular files, for every file attack-cov is given or keeps in its cache: a FIFO is never
// waited on (O_NONBLOCK, then fstat), a device such as /dev/zero never read, and a file is read up to a cap. The fs
// edge's one guard for reading; the callers decide which files to read and what their errors say.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { InputError } from './errors.js';
import { describeSize } from './limits.js';

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

/** A path that is there but is no regular file: `kind` says what it is (kindOf). */
export class NotRegularFileError extends Error {
  constructor(readonly kind: string) {
    super(kind);
  }
}

/**
 * Opens `file` for reading if it is a regular file: its descriptor and size. Throws NotRegularFileError for anything
 * else (without reading it, and without waiting for a FIFO's writer), or the open's own errno error. With
 * `isLinkRefused`, a symbolic link is not followed: the open fails (ELOOP).
 */
export function openRegularFile(file: string, { isLinkRefused = false } = {}): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (isLinkRefused ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    // A socket cannot be opened at all (ENXIO): say what it is rather than the errno.
    const info = statSync(file, { throwIfNoEntry: false });
    throw info && !info.isFile() ? new NotRegularFileError(kindOf(info)) : error;
  }
  const info = fstatSync(fd);
  if (info.isFile()) return { fd, size: info.size };
  closeSync(fd);
  throw new NotRegularFileError(kindOf(info));
}

/** What a file read with readRegularFile is meant to be, for its errors, and how large it may be. */
export interface FileRole {
  /** What it should be, after "not": `a rules file`, `a config file`. */
  what: string;
  maxBytes: number;
  /** How to raise maxBytes, as the hint of a file over it. */
  raiseHint: string;
  /** The hint for a path that is no regular file or cannot be read. */
  hint?: string;
  /** The words before the reason a file cannot be read (default `cannot read`). */
  cannotRead?: string;
  /** What a missing file is called (default: cannotRead + `no such file or directory`). */
  missing?: string;
}

/** The bytes of `file`, a regular file of at most `role.maxBytes`, or an InputError naming `shownAs`. */
export function readRegularFile(file: string, shownAs: string, role: FileRole): Buffer {
  const cannotRead = role.cannotRead ?? 'cannot read';
  let opened: { fd: number; size: number };
  try {
    opened = openRegularFile(file);
  } catch (error) {
    if (error instanceof NotRegularFileError) throw new InputError(shownAs, `${cannotRead}: ${error.kind}, not ${role.what}`, role.hint);
    const err = error as NodeJS.ErrnoException;
    throw new InputError(shownAs, err.code === 'ENOENT' && role.missing ? role.missing : `${cannotRead}: ${describeFsError(err)}`, role.hint);
  }
  const { fd, size } = opened;
  const tooLarge = (what: string): InputError => new InputError(shownAs, `${what} more than the ${describeSize(role.maxBytes)} ${role.what} may have`, role.raiseHint);
  try {
    if (size > role.maxBytes) throw tooLarge(`is ${size} bytes, which is`);
    return readCapped(fd, size, role.maxBytes, () => tooLarge('its content is'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(shownAs, `${cannotRead}: ${describeFsError(error as NodeJS.ErrnoException)}`, role.hint);
  } finally {
    closeSync(fd);
  }
}

/** Reads `fd` to its end, at most one byte past `max`: a file that grows while read (or reports size 0, as /proc does)
 * is capped too. */
function readCapped(fd: number, size: number, max: number, tooLarge: () => Error): Buffer {
  let buffer = Buffer.alloc(Math.min(max + 1,
    // Stryker disable next-line MethodExpression,ArithmeticOperator: the first buffer's size only sets how many reads it takes: any size from 1 grows by doubling to max + 1 and reads the same bytes
    Math.max(size + 1, 64 * 1024)));
  let filled = 0;
  for (;;) {
    if (filled === buffer.length) {
      if (buffer.length > max) throw tooLarge();
      const grown = Buffer.alloc(Math.min(max + 1, buffer.length * 2));
      buffer.copy(grown);
      buffer = grown;
    }
    const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, null);
    if (bytesRead === 0) return buffer.subarray(0, filled);
    filled += bytesRead;
  }
}

/** Which UTF-16 `bytes` are in, or undefined when they are not: a byte-order mark (FF FE, FE FF, as PowerShell's `>`
 * writes), or a NUL in most of the even or odd bytes of the first 4 KiB (ASCII in UTF-16 without one). UTF-8 text has no
 * NUL: decoded as UTF-8, such a file is "not a YAML list", which sends the user looking in the wrong place. */
export function utf16Of(bytes: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16LE';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16BE';
  const pairs = Math.min(bytes.length, 4096) >> 1;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (bytes[i] === 0) evenNuls++;
    if (bytes[i + 1] === 0) oddNuls++;
  }
  if (oddNuls > pairs / 2) return 'UTF-16LE';
  return evenNuls > pairs / 2 ? 'UTF-16BE' : undefined;
}

/** How to turn a UTF-16 file into UTF-8. */
export const UTF16_HINT = 'save it as UTF-8 (PowerShell: Set-Content -Encoding utf8 or Out-File -Encoding utf8; elsewhere iconv -f utf-16 -t utf-8)';

/** readRegularFile as text (UTF-8); UTF-16 (utf16Of) is refused, as decoded as UTF-8 it would be misread as something else. */
export function readRegularText(file: string, shownAs: string, role: FileRole): string {
  const bytes = readRegularFile(file, shownAs, role);
  const utf16 = utf16Of(bytes);
  if (utf16) throw new InputError(shownAs, `${utf16} text; attack-cov reads ${role.what} as UTF-8`, UTF16_HINT);
  return bytes.toString('utf8');
}
