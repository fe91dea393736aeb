// The warm path's way around reading every rules file just to hash it: the sha256 of a list of local rules files is
// remembered under the identity of all of them (path, device, inode, size, mtime, ctime), only once all have settled;
// a load that finds it reads no file unless one must be parsed, and then refuses content that no longer has the
// remembered hash rather than parsing it under the wrong key.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { copyFile, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { FILES_SHA256_KIND, fileIdentity, identityOfFiles, rememberedSha256s, rememberSha256s } from '../../../src/file-sha256.js';
import { loadRules, loadRulesOutline } from '../../../src/falco/load.js';
import { cachedRuleset } from '../../../src/falco/ruleset-cache.js';
import { writeEntry, type ParseCache } from '../../../src/parse-cache.js';
import { fixture } from '../../helpers/paths.js';
import { rejection } from '../../helpers/errors.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-rules-sha256-'));
const newCache = async (): Promise<ParseCache> => ({ prebuilt: [], dir: await tempDir() });
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const LATER = Date.now() + 60_000;
/** Files of the checkout: written when it was cloned, settled long before the tests run. */
const SETTLED_FILES = ['base.yaml', 'override.yaml'].map((f) => fixture('rules', f));
const remembered = (cache: ParseCache) => readdir(path.join(cache.dir!, FILES_SHA256_KIND.name)).catch(() => [] as string[]);

async function twoFiles(): Promise<string[]> {
  const dir = await tempDir();
  return Promise.all(SETTLED_FILES.map(async (file) => {
    const copy = path.join(dir, path.basename(file));
    await copyFile(file, copy);
    return copy;
  }));
}

describe('the remembered sha256 of a list of rules files', () => {
  it('is remembered for the files as they were, and only once all have settled', async () => {
    const files = await twoFiles();
    const cache = await newCache();
    const identity = identityOfFiles(files)!;
    const hashes = files.map((f) => sha256(readFileSync(f)));
    rememberSha256s(cache, files, identity, hashes, Date.now());
    expect(await remembered(cache)).toEqual([]);
    rememberSha256s(cache, files, identity, hashes, LATER);
    expect(rememberedSha256s(cache, identity)).toEqual(hashes);
    // The same files in another order are another list.
    expect(rememberedSha256s(cache, identityOfFiles([...files].reverse())!)).toBeUndefined();
  });

  it('is remembered once the newest ctime is exactly 3 s old (SETTLED_MS), not a millisecond before', async () => {
    const files = await twoFiles();
    const cache = await newCache();
    const identity = identityOfFiles(files)!;
    const hashes = files.map((f) => sha256(readFileSync(f)));
    rememberSha256s(cache, files, identity, hashes, identity.newestCtimeMs + 2999);
    expect(await remembered(cache)).toEqual([]);
    rememberSha256s(cache, files, identity, hashes, identity.newestCtimeMs + 3000);
    expect(rememberedSha256s(cache, identity)).toEqual(hashes);
  });

  it('finds what an earlier run stored: the key is each file\'s fileIdentity, in order, joined by two NULs', async () => {
    // The key is kept across runs and releases (FILES_SHA256_KIND's format says when it changes meaning).
    const files = await twoFiles();
    const cache = await newCache();
    const key = files.map((f) => fileIdentity(f, statSync(f, { bigint: true }))).join('\0\0');
    writeEntry(cache, FILES_SHA256_KIND, key, ['a'.repeat(64), 'b'.repeat(64)]);
    expect(rememberedSha256s(cache, identityOfFiles(files)!)).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
  });

  it('is not remembered when a file changed after it was found, and misses after any change', async () => {
    const files = await twoFiles();
    const cache = await newCache();
    const identity = identityOfFiles(files)!;
    await writeFile(files[1]!, '- list: changed\n  items: []\n');
    rememberSha256s(cache, files, identity, ['a'.repeat(64), 'b'.repeat(64)], LATER);
    expect(await remembered(cache)).toEqual([]);
    const now = identityOfFiles(files)!;
    rememberSha256s(cache, files, now, ['a'.repeat(64), 'b'.repeat(64)], LATER);
    expect(rememberedSha256s(cache, now)).toEqual(['a'.repeat(64), 'b'.repeat(64)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(files[0]!, readFileSync(files[0]!));
    expect(identityOfFiles(files)!.key).not.toBe(now.key);
    expect(rememberedSha256s(cache, identityOfFiles(files)!)).toBeUndefined();
  });

  it('has no identity for a list with a missing file or one that is no regular file', async () => {
    const files = await twoFiles();
    const fifo = path.join(path.dirname(files[0]!), 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(identityOfFiles([...files, path.join(path.dirname(files[0]!), 'missing.yaml')])).toBeUndefined();
    expect(identityOfFiles([files[0]!, path.dirname(files[0]!)])).toBeUndefined();
    expect(identityOfFiles([files[0]!, fifo])).toBeUndefined();
    expect(identityOfFiles(files)!.count).toBe(2);
  });

  it('ignores a stored value of another length or one that is no list of sha256s', async () => {
    const files = await twoFiles();
    const cache = await newCache();
    const identity = identityOfFiles(files)!;
    for (const value of [['a'.repeat(64)], ['a'.repeat(64), 'B'.repeat(64)], 'a'.repeat(64)]) {
      writeEntry(cache, FILES_SHA256_KIND, identity.key, value);
      expect(rememberedSha256s(cache, identity)).toBeUndefined();
    }
  });
});

describe('loading rules with the sha256 remembered', () => {
  it('remembers the sha256 of settled files it read, and next time takes them without reading the files', async () => {
    const cache = await newCache();
    const root = path.dirname(SETTLED_FILES[0]!);
    const first = await loadRules(SETTLED_FILES, { cacheRoot: root, sourceRoot: root, parseCache: cache });
    expect(await remembered(cache)).toHaveLength(1);
    expect(rememberedSha256s(cache, identityOfFiles(SETTLED_FILES)!)).toEqual(SETTLED_FILES.map((f) => sha256(readFileSync(f))));
    // The next load takes the remembered values: with others planted, the stored ruleset misses and the files parsed
    // do not have them.
    writeEntry(cache, FILES_SHA256_KIND, identityOfFiles(SETTLED_FILES)!.key, ['c'.repeat(64), 'd'.repeat(64)]);
    const changed = await rejection(loadRulesOutline(SETTLED_FILES, { cacheRoot: root, sourceRoot: root, parseCache: cache }), InputError);
    expect([changed.message, changed.hint]).toEqual(['base.yaml: changed while attack-cov was reading the rules', 'run the command again']);
    expect(first.ruleset.files.map((f) => f.sha256)).toEqual(SETTLED_FILES.map((f) => sha256(readFileSync(f))));
  });

  it('reads no rules file when the remembered sha256s find the stored ruleset', async () => {
    const cache = await newCache();
    const root = path.dirname(SETTLED_FILES[0]!);
    const options = { cacheRoot: root, sourceRoot: root, parseCache: cache };
    const built = (await loadRules(SETTLED_FILES, options)).ruleset;
    // sha256s no content has, remembered for the files, and a ruleset stored under them: a load that read or parsed a
    // file would refuse it (as above); one that reads none gives the stored ruleset, which names those sha256s.
    const planted = ['c'.repeat(64), 'd'.repeat(64)];
    writeEntry(cache, FILES_SHA256_KIND, identityOfFiles(SETTLED_FILES)!.key, planted);
    const files = built.files.map((f, i) => ({ ...f, sha256: planted[i]! }));
    cachedRuleset(files, () => ({ ruleset: { ...built, files }, isSeenBefore: true }), cache);
    const warm = await loadRules(SETTLED_FILES, options);
    expect(warm.ruleset.files.map((f) => f.sha256)).toEqual(planted);
    expect(warm.ruleset.rules).toStrictEqual(built.rules);
    expect(warm.localFiles).toEqual(SETTLED_FILES);
  });

  it('remembers the local files of a list that names the official rules too', async () => {
    const cache = await newCache();
    const root = path.dirname(SETTLED_FILES[0]!);
    await loadRules(['official', ...SETTLED_FILES], { cacheRoot: root, sourceRoot: root, parseCache: cache });
    expect(rememberedSha256s(cache, identityOfFiles(SETTLED_FILES)!)).toEqual(SETTLED_FILES.map((f) => sha256(readFileSync(f))));
  });

  it('remembers nothing without a parse cache, and nothing for the embedded official rules', async () => {
    const cache = await newCache();
    await loadRules(['official'], { cacheRoot: cache.dir!, parseCache: cache });
    expect(await remembered(cache)).toEqual([]);
    const root = path.dirname(SETTLED_FILES[0]!);
    const plain = await loadRules(SETTLED_FILES, { cacheRoot: root, sourceRoot: root });
    expect(plain.ruleset.files.map((f) => f.sha256)).toEqual(SETTLED_FILES.map((f) => sha256(readFileSync(f))));
  });
});
