// Writes output files into --out: every file goes to a temporary name first and is renamed into place,
// so a crash or a full disk never leaves a half-written report. Names may not leave the directory.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { InputError } from './errors.js';
import { temporaryPathFor } from './net/cache.js';

export interface OutputFile {
  /** Path relative to the output directory, with / separators. */
  name: string;
  content: string;
}

/** Resolves `name` inside `dir`, refusing absolute paths and `..` that would escape it. */
export function pathInside(dir: string, name: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, name);
  if (path.isAbsolute(name) || (target !== root && !target.startsWith(root + path.sep))) {
    throw new InputError(name, `refusing to write outside the output directory ${dir}`);
  }
  return target;
}

export async function writeOutputs(dir: string, files: OutputFile[]): Promise<string[]> {
  const targets = files.map((file) => ({ ...file, target: pathInside(dir, file.name) }));
  const written: string[] = [];
  for (const { target, content } of targets) {
    await mkdir(path.dirname(target), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(dir, `cannot create the output directory: ${error.code ?? error.message}`);
    });
    const temp = temporaryPathFor(target);
    try {
      await writeFile(temp, content);
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      const err = error as NodeJS.ErrnoException;
      throw new InputError(target, `cannot write: ${err.code ?? err.message}`);
    }
    written.push(target);
  }
  return written;
}

/**
 * Replaces `file` with `content` through a temporary file and a rename, keeping its mode, and refuses
 * when the file on disk no longer has `expectedSha256` (someone changed it after attack-cov read it).
 */
export async function replaceFileAtomically(file: string, content: string, expectedSha256: string): Promise<void> {
  const current = await readFile(file).catch(() => undefined);
  if (!current || createHash('sha256').update(current).digest('hex') !== expectedSha256) {
    throw new InputError(file, 'changed on disk after attack-cov read it; not overwritten', 'run the command again');
  }
  const { mode } = await stat(file);
  const temp = temporaryPathFor(file);
  try {
    await writeFile(temp, content, { mode });
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    const err = error as NodeJS.ErrnoException;
    throw new InputError(file, `cannot write: ${err.code ?? err.message}`);
  }
}
