// The remembered sha256 of a file (the warm path's way around hashing a 45 MB bundle each run): used while
// the file's identity and times are unchanged, recomputed as soon as anything changes (even content of the
// same size written back with its old mtime: ctime moves), and never remembered for a file still settling.
import { readdir, stat, utimes, writeFile, mkdtemp } from 'node:fs/promises';
import { statSync, type BigIntStats } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FILE_SHA256_KIND, fileIdentity, memoizedSha256 } from '../../../src/file-sha256.js';
import { writeEntry, type ParseCache } from '../../../src/parse-cache.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-file-sha256-'));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const LATER = Date.now() + 60_000;

async function setup(): Promise<{ cache: ParseCache; file: string }> {
  const dir = await tempDir();
  const file = path.join(dir, 'bundle.json');
  await writeFile(file, 'first content');
  return { cache: { prebuilt: [], dir: path.join(dir, 'parsed') }, file };
}

describe('memoizedSha256', () => {
  it('hashes a settled file once and then answers from what it remembered', async () => {
    const { cache, file } = await setup();
    expect(memoizedSha256(file, cache, LATER)).toBe(sha256('first content'));
    expect(await readdir(path.join(cache.dir!, FILE_SHA256_KIND.name))).toHaveLength(1);
    // Prove the second answer is the remembered one: plant another value under the file's identity.
    writeEntry(cache, FILE_SHA256_KIND, fileIdentity(file, statSync(file, { bigint: true })), 'f'.repeat(64));
    expect(memoizedSha256(file, cache, LATER)).toBe('f'.repeat(64));
  });

  it('hashes again after any change, even same-size content written back with the old mtime', async () => {
    const { cache, file } = await setup();
    const { atime, mtime } = await stat(file);
    memoizedSha256(file, cache, LATER);
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the clock move past the first ctime
    await writeFile(file, 'other content');
    await utimes(file, atime, mtime);
    expect(memoizedSha256(file, cache, LATER + 60_000)).toBe(sha256('other content'));
    await writeFile(file, 'longer content than before');
    expect(memoizedSha256(file, cache, LATER + 60_000)).toBe(sha256('longer content than before'));
  });

  it('does not remember the hash of a file changed within the last seconds', async () => {
    const { cache, file } = await setup();
    expect(memoizedSha256(file, cache, Date.now())).toBe(sha256('first content'));
    await expect(readdir(cache.dir!)).rejects.toThrow(/ENOENT/);
  });

  it('remembers a file whose ctime is exactly 3 s old (SETTLED_MS), and not one a millisecond younger', async () => {
    const { cache, file } = await setup();
    const ctimeMs = Number(statSync(file, { bigint: true }).ctimeNs / 1_000_000n);
    memoizedSha256(file, cache, ctimeMs + 2999);
    await expect(readdir(cache.dir!)).rejects.toThrow(/ENOENT/);
    memoizedSha256(file, cache, ctimeMs + 3000);
    expect(await readdir(path.join(cache.dir!, FILE_SHA256_KIND.name))).toHaveLength(1);
  });

  it('hashes again when what is remembered is no sha256 (one character before or after 64 hex digits)', async () => {
    const { cache, file } = await setup();
    const key = fileIdentity(file, statSync(file, { bigint: true }));
    for (const planted of [`x${'f'.repeat(64)}`, `${'f'.repeat(64)}x`]) {
      writeEntry(cache, FILE_SHA256_KIND, key, planted);
      expect(memoizedSha256(file, cache, LATER)).toBe(sha256('first content'));
    }
  });

  it('throws for a file that is not there (the caller lets the reader report it)', async () => {
    const { cache } = await setup();
    expect(() => memoizedSha256(path.join(cache.dir!, 'missing.json'), cache, LATER)).toThrow(/ENOENT/);
  });
});

describe('fileIdentity', () => {
  // Fields run together would make dev 1, inode 23 the same file as dev 12, inode 3, and give one the other's hash.
  it('keeps every field apart, so two files never share an identity', () => {
    const stats = (dev: bigint, ino: bigint) => ({ dev, ino, size: 5n, mtimeNs: 1n, ctimeNs: 1n }) as BigIntStats;
    expect(fileIdentity('/data/bundle.json', stats(1n, 23n))).not.toBe(fileIdentity('/data/bundle.json', stats(12n, 3n)));
  });
});
