// src/attack/read-bundle.ts when reading a plain bundle fails after its first bytes were read (a disk error, a
// file on a network mount gone away): no file fails that way on demand, so readSync is made to fail here.
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readBundleFile } from '../../../src/attack/read-bundle.js';
import { InputError } from '../../../src/errors.js';

const failing = vi.hoisted(() => ({ reads: false }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readSync = ((...args: Parameters<typeof fs.readSync>) => {
    if (failing.reads) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    return fs.readSync(...args);
  }) as typeof fs.readSync;
  return { ...fs, readSync, default: { ...fs, readSync } };
});

describe('a plain bundle that cannot be read', () => {
  it('is "cannot read" with the reason, no gzip hint, and its descriptor closed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-read-error-'));
    const file = path.join(dir, 'bundle.json');
    await writeFile(file, '{"type": "bundle", "objects": []}');
    const open = async () => (await readdir('/proc/self/fd')).length;
    const before = await open();
    failing.reads = true;
    const error = await readBundleFile(file, 'bundle.json').then(() => undefined, (e: unknown) => e).finally(() => (failing.reads = false));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ message: 'bundle.json: cannot read: EIO: i/o error, read', hint: undefined });
    expect(await open()).toBe(before);
  });
});
