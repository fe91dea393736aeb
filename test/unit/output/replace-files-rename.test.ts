// replaceFilesAtomically when a rename fails after others succeeded (a sticky folder, a file turned into a folder
// meanwhile): rename is made to fail for one name, since no check made beforehand can foresee such a failure.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { replaceFilesAtomically } from '../../../src/output.js';

/** The name whose rename fails, with the error a sticky folder gives another user's file. */
const failing = vi.hoisted(() => ({ name: '' }));

vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  const rename: typeof fs.rename = async (from, to) => {
    if (path.basename(String(to)) === failing.name) throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
    return fs.rename(from, to);
  };
  return { ...fs, default: { ...fs, rename }, rename };
});

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('replaceFilesAtomically: a rename that fails after others', () => {
  it('names the files already rewritten, and leaves no temporary', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-output-'));
    const files = ['a.yaml', 'b.yaml', 'c.yaml'].map((name) => path.join(dir, name));
    for (const file of files) await writeFile(file, 'old');
    failing.name = 'c.yaml';
    const error = await replaceFilesAtomically(files.map((file) => ({ file, content: 'new', sha256: sha('old') }))).catch((e: unknown) => e as InputError);
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${files[2]}: cannot write: permission denied; already rewritten: ${files[0]}, ${files[1]}`);
    expect(error?.hint).toBe('the files named as rewritten hold the new text, the others the old one: fix the cause and run the command again');
    expect(await Promise.all(files.map((file) => readFile(file, 'utf8')))).toEqual(['new', 'new', 'old']);
    expect(await readdir(dir)).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    // Given how each is shown, the message names them so.
    for (const file of files) await writeFile(file, 'old');
    const shown = await replaceFilesAtomically(files.map((file) => ({ file, shown: `r/${path.basename(file)}`, content: 'new', sha256: sha('old') }))).catch((e: unknown) => e as InputError);
    expect(shown?.message).toBe('r/c.yaml: cannot write: permission denied; already rewritten: r/a.yaml, r/b.yaml');
  });

  it('says only why when the first rename fails: nothing was rewritten', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-output-'));
    const files = ['d.yaml', 'e.yaml'].map((name) => path.join(dir, name));
    for (const file of files) await writeFile(file, 'old');
    failing.name = 'd.yaml';
    const error = await replaceFilesAtomically(files.map((file) => ({ file, content: 'new', sha256: sha('old') }))).catch((e: unknown) => e as InputError);
    expect(error?.message).toBe(`${files[0]}: cannot write: permission denied`);
    expect(await Promise.all(files.map((file) => readFile(file, 'utf8')))).toEqual(['old', 'old']);
    expect(await readdir(dir)).toEqual(['d.yaml', 'e.yaml']);
  });
});
