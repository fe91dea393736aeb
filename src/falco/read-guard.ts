// Reads rules files defensively: only regular files (a FIFO, a device such as /dev/zero or a socket is
// refused without blocking on it: regular-file.ts), at most limits.maxRulesBytes, with a clear error for symlink
// loops, permissions and the like. The fs edge for rules; rules/load.ts decides which files to read.
import { readdir, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { InputError } from '../errors.js';
import { limits } from '../limits.js';
import { describeFsError, readRegularFile, type FileRole } from '../regular-file.js';

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

/** How a YAML input (a rules file, the config, an atomics file) is read: at most limits.maxRulesBytes. */
export function yamlFileRole(what: string, hint?: string): FileRole {
  return { what, maxBytes: limits.maxRulesBytes, raiseHint: 'raise ATTACK_COV_MAX_RULES_BYTES (e.g. 64MiB) if the file is genuine', hint };
}

/** The bytes of a rules file: a regular file of at most limits.maxRulesBytes, or an InputError naming `shownAs`. */
export async function readRulesBytes(file: string, shownAs: string): Promise<Buffer> {
  return readRulesBytesSync(file, shownAs);
}

/** readRulesBytes, for a caller that must not wait (a rules file read only when it is parsed). */
export function readRulesBytesSync(file: string, shownAs: string): Buffer {
  return readRegularFile(file, shownAs, yamlFileRole('a rules file', 'pass regular YAML files or directories holding them'));
}
