// makeCacheFolder when the cache folder is there but may not be written (another user's, a read-only mount): as root,
// which these tests run as, every folder may be written, so accessSync is made to refuse the one a test names.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { makeCacheFolder } from '../../../src/net/cache.js';
import { thrown } from '../../helpers/errors.js';

const refused = vi.hoisted(() => ({ dir: '' }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const accessSync = ((file: string, mode?: number) => {
    if (String(file) === refused.dir) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    return fs.accessSync(file, mode);
  }) as typeof fs.accessSync;
  return { ...fs, accessSync, default: { ...fs, accessSync } };
});

describe('makeCacheFolder: a folder that may not be written', () => {
  it('is an InputError naming it and why, with ATTACK_COV_CACHE in the hint', async () => {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-cache-unwritable-')), 'attack');
    refused.dir = dir;
    expect(thrown(() => makeCacheFolder(dir), InputError)).toMatchObject({ message: `${dir}: cannot write to the cache folder: permission denied`, hint: 'set ATTACK_COV_CACHE (or XDG_CACHE_HOME) to a folder you can write' });
  });
});
