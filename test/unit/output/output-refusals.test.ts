// src/output.ts where the system refuses what a user asks, which these tests, run as root, never meet: a folder on the
// way to --out that may not be looked into, a read-only file system under --out, a file of another user that may not
// be given back to them, a write or a folder refused. The calls that would fail are made to fail here, for the paths a
// test names only; every other call is the real one.
import { chmod, chown, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError, UsageError } from '../../../src/errors.js';
import { checkOutputDir, checkReplaceable, replaceFileAtomically, writeOutputs } from '../../../src/output.js';

const refuse = vi.hoisted(() => ({
  /** stat of this path fails with EACCES (a folder without x for this user). */
  statOf: '',
  /** Under this folder, a read-only file system: a recursive mkdir says ENOENT (QA), one mkdir EROFS or ENOENT. */
  readOnly: '',
  /** chown: 'user' refuses to give a file to another user (EPERM) or to a group this user is not in; 'eio' fails. */
  chown: '' as '' | 'user' | 'eio',
  /** The mode of the temporary chown is called on, each time. */
  modesAtChown: [] as number[],
  /** access(W_OK) of this path fails with EACCES. */
  accessOf: '',
  /** writeFile of a path in this folder fails with EACCES. */
  writeIn: '',
}));

const errno = (code: string) => Object.assign(new Error(code), { code });
const isUnder = (file: string, dir: string) => dir !== '' && (file === dir || file.startsWith(`${dir}/`));

vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  const stat = (async (file: string, ...rest: []) => {
    if (String(file) === refuse.statOf) throw errno('EACCES');
    return fs.stat(file, ...rest);
  }) as typeof fs.stat;
  const mkdir = (async (dir: string, options?: object) => {
    if (isUnder(String(dir), refuse.readOnly) && String(dir) !== refuse.readOnly) throw errno('ENOENT');
    return fs.mkdir(dir, options);
  }) as typeof fs.mkdir;
  const chown = (async (file: string, uid: number, gid: number) => {
    if (String(file).endsWith('.tmp')) refuse.modesAtChown.push((await fs.stat(file)).mode & 0o777);
    if (refuse.chown === 'eio') throw errno('EIO');
    if (refuse.chown === 'user' && (uid !== -1 || gid === 0)) throw errno('EPERM');
    return fs.chown(file, uid, gid);
  }) as typeof fs.chown;
  const access = (async (file: string, mode?: number) => {
    if (String(file) === refuse.accessOf) throw errno('EACCES');
    return fs.access(file, mode);
  }) as typeof fs.access;
  const writeFile = (async (file: string, ...rest: [string]) => {
    if (isUnder(path.dirname(String(file)), refuse.writeIn)) throw errno('EACCES');
    return fs.writeFile(file, ...rest);
  }) as typeof fs.writeFile;
  const mocked = { stat, mkdir, chown, access, writeFile };
  return { ...fs, ...mocked, default: { ...fs, ...mocked } };
});

vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  // As the kernel does on a read-only file system: a folder whose parent is missing is ENOENT, any other EROFS.
  const mkdirSync = ((dir: string, options?: object) => {
    if (isUnder(String(dir), refuse.readOnly)) throw errno(fs.existsSync(path.dirname(String(dir))) ? 'EROFS' : 'ENOENT');
    return fs.mkdirSync(dir, options);
  }) as typeof fs.mkdirSync;
  return { ...fs, mkdirSync, default: { ...fs, mkdirSync } };
});

afterEach(() => {
  Object.assign(refuse, { statOf: '', readOnly: '', chown: '', modesAtChown: [], accessOf: '', writeIn: '' });
});

const fresh = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-output-refused-'));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as Error & { hint?: string });
const FOLDER_HINT = 'the new text is written beside the file, then renamed over it: this user must be able to write the file and its folder';

describe('checkOutputDir: a folder that may not be looked into', () => {
  it('names the folder on the way to --out that refused, or only why when it is --out itself', async () => {
    const root = await fresh();
    const locked = path.join(root, 'locked');
    refuse.statOf = locked;
    expect(await failure(checkOutputDir(path.join(locked, 'out')))).toMatchObject({ message: `--out ${path.join(locked, 'out')}: cannot use ${locked}: permission denied` });
    const error = await failure(checkOutputDir(locked, '--out-dir'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error?.message).toBe(`--out-dir ${locked}: permission denied`);
  });
});

describe('writeOutputs on a read-only file system', () => {
  it('says why in words (a read-only file system), from making the first missing folder alone', async () => {
    const out = await fresh();
    refuse.readOnly = out;
    const error = await failure(writeOutputs(out, [{ name: 'layers/deep/x.json', content: 'x' }]));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${out}: cannot create the output directory: a read-only file system`);
    expect(existsSync(path.join(out, 'layers'))).toBe(false);
  });
});

describe('replaceFileAtomically as a user who may not give files away', () => {
  async function othersFile(): Promise<{ dir: string; file: string }> {
    const dir = await fresh();
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, 'old');
    await chown(file, 1000, 1000);
    await chmod(file, 0o640);
    return { dir, file };
  }

  it('keeps the group where the owner cannot be kept, the file becoming this user\'s, as an editor leaves it', async () => {
    const { file } = await othersFile();
    refuse.chown = 'user';
    await replaceFileAtomically(file, 'new', sha('old'));
    const after = await stat(file);
    expect([after.uid, after.gid, after.mode & 0o7777]).toEqual([process.getuid!(), 1000, 0o640]);
    expect(await readFile(file, 'utf8')).toBe('new');
  });

  it('keeps the temporary private (0600) until it has the file\'s owner and mode', async () => {
    const { file } = await othersFile();
    await chmod(file, 0o644);
    await replaceFileAtomically(file, 'new', sha('old'));
    expect(refuse.modesAtChown.length).toBeGreaterThan(0);
    expect(refuse.modesAtChown.filter((mode) => mode !== 0o600)).toEqual([]);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
  });

  it('fails on any other error of chown, changing nothing and leaving no temporary', async () => {
    const { dir, file } = await othersFile();
    refuse.chown = 'eio';
    const error = await failure(replaceFileAtomically(file, 'new', sha('old')));
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toBe(`${file}: cannot write: EIO`);
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['rules.yaml']);
  });
});

describe('replaceFileAtomically where writing is refused', () => {
  it('says "permission denied", and that the folder must be writable too, for EACCES', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, 'old');
    refuse.writeIn = dir;
    const error = await failure(replaceFileAtomically(file, 'new', sha('old')));
    expect(error).toMatchObject({ message: `${file}: cannot write: permission denied`, hint: FOLDER_HINT });
  });

  it('refuses a writable file in a folder this user may not write, before writing anything', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, 'old');
    refuse.accessOf = dir;
    const error = await failure(checkReplaceable(file));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ message: `${file}: cannot write: permission denied`, hint: FOLDER_HINT });
    refuse.accessOf = '';
    expect(await checkReplaceable(file)).toBe(file);
  });
});
