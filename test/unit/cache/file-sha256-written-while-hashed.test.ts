// A file written to while memoizedSha256 hashes it: the hash (of old bytes, new ones or a mix) is not remembered,
// since the identity it would be kept under is no longer the file's. No file changes mid-read on demand, so the
// hashing is made to write to it here.
import { appendFileSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { memoizedSha256 } from '../../../src/file-sha256.js';

vi.mock('../../../src/parse-cache.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/parse-cache.js')>();
  return {
    ...original,
    sha256OfFile: (file: string) => {
      const sha256 = original.sha256OfFile(file);
      appendFileSync(file, ' and more');
      return sha256;
    },
  };
});

describe('a file written while it is hashed', () => {
  it('is hashed, and its hash not remembered', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-file-sha256-written-'));
    const file = path.join(dir, 'bundle.json');
    await writeFile(file, 'first content');
    const cache = { prebuilt: [], dir: path.join(dir, 'parsed') };
    expect(memoizedSha256(file, cache, Date.now() + 60_000)).toMatch(/^[0-9a-f]{64}$/);
    await expect(readdir(cache.dir)).rejects.toThrow(/ENOENT/);
  });
});
