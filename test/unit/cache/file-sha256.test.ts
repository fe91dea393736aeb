// The remembered sha256 of a file (the warm path's way around hashing a 45 MB bundle each run): used while
// the file's identity and times are unchanged, recomputed as soon as anything changes (even content of the
// same size written back with its old mtime: ctime moves), and never remembered for a file still settling.
import { readdir, stat, utimes, writeFile, mkdtemp } from 'node:fs/promises';
import { statSync } from 'node:fs';
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

  it('throws for a file that is not there (the caller lets the reader report it)', async () => {
    const { cache } = await setup();
    expect(() => memoizedSha256(path.join(cache.dir!, 'missing.json'), cache, LATER)).toThrow(/ENOENT/);
  });
});
