// src/net/cache.ts: where the download cache lives, how a URL maps to a cache file, and how a file enters it
// (downloaded from a real server on 127.0.0.1 to a temporary name, validated, renamed) — and what is left on
// disk when the download or the validation fails.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheDir, cachePathForUrl, fetchIntoCache, isFile, makeCacheFolder, readCacheSource, temporaryPathFor, writeCacheSource, writeThroughTemp } from '../../../src/net/cache.js';
import { removeTrackedTemps } from '../../../src/temp-files.js';
import { InputError, UsageError } from '../../../src/errors.js';
import { serve, startServer, type TestServer } from '../../helpers/http-server.js';
import { deadPid } from '../../helpers/processes.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ '/v1.json': serve(Buffer.from('{"v":1}')) });
});
afterAll(() => server.close());

const fresh = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-cachetest-'));
const FAST = { attempts: 1, timeoutMs: 2_000 };
const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as unknown;
/** readJson refusing what is no JSON with an InputError, as attack-cov's validations do. */
const readJsonInput = async (file: string) => readJson(file).catch(() => { throw new InputError(file, 'not JSON'); });

describe('cacheDir', () => {
  it('prefers ATTACK_COV_CACHE, then $XDG_CACHE_HOME/attack-cov, then ~/.cache/attack-cov', () => {
    expect(cacheDir({ ATTACK_COV_CACHE: 'rel/cache', XDG_CACHE_HOME: '/xdg' })).toBe(path.resolve('rel/cache'));
    expect(cacheDir({ XDG_CACHE_HOME: 'xdg' })).toBe(path.join(path.resolve('xdg'), 'attack-cov'));
    expect(cacheDir({})).toBe(path.join(os.homedir(), '.cache', 'attack-cov'));
  });
  it('refuses a root under /proc, /sys or /dev (not /dev/shm, a tmpfs), naming it and what to set', () => {
    const refusal = (env: NodeJS.ProcessEnv) => {
      try {
        cacheDir(env);
      } catch (error) {
        return error as UsageError;
      }
      return undefined;
    };
    expect(refusal({ ATTACK_COV_CACHE: '/proc/x' })).toBeInstanceOf(UsageError);
    expect(refusal({ ATTACK_COV_CACHE: '/proc/x' })?.message).toBe('cache /proc/x: refusing to keep a cache in /proc');
    expect(refusal({ ATTACK_COV_CACHE: '/proc/x' })?.hint).toBe('set ATTACK_COV_CACHE (or XDG_CACHE_HOME) to a folder on a real filesystem');
    expect(refusal({ XDG_CACHE_HOME: '/sys' })?.message).toBe('cache /sys/attack-cov: refusing to keep a cache in /sys');
    expect(refusal({ ATTACK_COV_CACHE: '/dev/x' })?.message).toBe('cache /dev/x: refusing to keep a cache in /dev');
    expect(cacheDir({ ATTACK_COV_CACHE: '/dev/shm/attack-cov' })).toBe('/dev/shm/attack-cov');
  });
});

describe('cachePathForUrl', () => {
  it('keeps distinct URLs apart and the file name readable', () => {
    const a = cachePathForUrl('/c', 'https://mirror/a/rules+file.yaml?x=1');
    expect(a).toMatch(/^\/c\/urls\/[0-9a-f]{16}-rules_file\.yaml$/);
    expect(cachePathForUrl('/c', 'https://mirror/b/rules+file.yaml?x=1')).not.toBe(a);
    expect(cachePathForUrl('/c', 'https://mirror/a/rules+file.yaml?x=1')).toBe(a);
    expect(cachePathForUrl('/c', 'https://mirror/')).toMatch(/^\/c\/urls\/[0-9a-f]{16}-download$/);
  });
});

describe('temporaryPathFor', () => {
  it('names a temporary beside the file, with the pid and 8 random hex digits', () => {
    const temp = temporaryPathFor('/d/report.json');
    expect(temp).toMatch(new RegExp(`^/d/report\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
    expect(temporaryPathFor('/d/report.json')).not.toBe(temp);
  });
});

describe('writeThroughTemp', () => {
  it('renames what fill wrote into place and returns what fill returned', async () => {
    const dir = await fresh();
    const target = path.join(dir, 'f.json');
    await expect(writeThroughTemp(target, async (temp) => (await writeFile(temp, 'new'), 42))).resolves.toBe(42);
    expect(await readFile(target, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['f.json']);
  });

  it('leaves the target as it was and no temporary when fill fails', async () => {
    const dir = await fresh();
    const target = path.join(dir, 'f.json');
    await writeFile(target, 'old');
    const error = await writeThroughTemp(target, async (temp) => {
      await writeFile(temp, 'half');
      throw new Error('validation failed');
    }).catch((e: unknown) => e as Error);
    expect(error.message).toBe('validation failed');
    expect(await readFile(target, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['f.json']);
  });
});

describe('isFile', () => {
  it('is true for a regular file only', async () => {
    const dir = await fresh();
    await writeFile(path.join(dir, 'f'), '');
    expect(await isFile(path.join(dir, 'f'))).toBe(true);
    expect(await isFile(dir)).toBe(false);
    expect(await isFile(path.join(dir, 'missing'))).toBe(false);
  });
});

describe('makeCacheFolder', () => {
  it('makes the folder and its parents, returning the first it made (undefined when it was there)', async () => {
    const root = await fresh();
    expect(makeCacheFolder(path.join(root, 'a', 'b'))).toBe(path.join(root, 'a'));
    expect(makeCacheFolder(path.join(root, 'a', 'b'))).toBeUndefined();
  });

  it('names the folder, and why, when a file stands where it or a parent goes, downloading nothing', async () => {
    const root = await fresh();
    await writeFile(path.join(root, 'file'), 'x');
    const failure = (dir: string) => { try { makeCacheFolder(dir); } catch (error) { return error as InputError; } };
    expect(failure(path.join(root, 'file'))).toMatchObject({ message: `${path.join(root, 'file')}: cannot create the cache folder: a file is in the way`, hint: expect.stringMatching(/ATTACK_COV_CACHE/) });
    expect(failure(path.join(root, 'file', 'attack'))?.message).toBe(`${path.join(root, 'file', 'attack')}: cannot create the cache folder: a path component is not a directory`);
    const calls = server.calls('/v1.json');
    await expect(fetchIntoCache(server.url('/v1.json'), path.join(root, 'file', 'v1.json'), readJson, FAST)).rejects.toBeInstanceOf(InputError);
    expect(server.calls('/v1.json')).toBe(calls);
  });
});

describe('fetchIntoCache', () => {
  it('downloads into a new cache path, validating it, then serves it from the cache until a refresh', async () => {
    const root = await fresh();
    const slot = path.join(root, 'deep', 'er', 'v1.json');
    const first = await fetchIntoCache(server.url('/v1.json'), slot, readJson, FAST);
    expect(first).toEqual({ file: slot, isFromCache: false, validated: { v: 1 } });
    const calls = server.calls('/v1.json');
    expect(await fetchIntoCache(server.url('/v1.json'), slot, readJson, FAST)).toEqual({ file: slot, isFromCache: true, validated: { v: 1 } });
    expect(server.calls('/v1.json')).toBe(calls);
    expect(await fetchIntoCache(server.url('/v1.json'), slot, readJson, FAST, { isRefresh: true })).toEqual({ file: slot, isFromCache: false, validated: { v: 1 } });
    expect(server.calls('/v1.json')).toBe(calls + 1);
  });

  it('takes a cached copy that its validation refuses for a miss: downloaded again, it replaces the copy and its record', async () => {
    const root = await fresh();
    const slot = path.join(root, 'v1.json');
    await writeFile(slot, '{"v":');
    await writeFile(`${slot}.source`, 'cache add: v1.json\n');
    const calls = server.calls('/v1.json');
    expect(await fetchIntoCache(server.url('/v1.json'), slot, readJsonInput, FAST)).toEqual({ file: slot, isFromCache: false, validated: { v: 1 } });
    expect(server.calls('/v1.json')).toBe(calls + 1);
    expect(await readFile(slot, 'utf8')).toBe('{"v":1}');
    expect(await isFile(`${slot}.source`)).toBe(false);
  });

  it('takes a cached copy that its validation refuses, with no record beside it, for a miss too', async () => {
    const root = await fresh();
    const slot = path.join(root, 'v1.json');
    await writeFile(slot, '{"v":');
    expect(await fetchIntoCache(server.url('/v1.json'), slot, readJsonInput, FAST)).toEqual({ file: slot, isFromCache: false, validated: { v: 1 } });
    expect(await readdir(root)).toEqual(['v1.json']);
  });

  it('drops a record left beside no copy (the copy deleted by hand): it says nothing about the download', async () => {
    const root = await fresh();
    const slot = path.join(root, 'v1.json');
    await writeFile(`${slot}.source`, 'cache add: v1.json\n');
    expect(await fetchIntoCache(server.url('/v1.json'), slot, readJsonInput, FAST)).toEqual({ file: slot, isFromCache: false, validated: { v: 1 } });
    expect(await readCacheSource(slot)).toBeUndefined();
  });

  it('names a cached copy its validation refuses, and how to remove it, when it cannot be downloaded again', async () => {
    const root = await fresh();
    const slot = path.join(root, 'v1.json');
    await writeFile(slot, '{"v":');
    const offline = server.url('/v1.json').replace(/:\d+\//, ':9/');
    const error = await fetchIntoCache(offline, slot, readJsonInput, FAST).catch((e: unknown) => e as InputError);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ location: slot, hint: expect.stringMatching(/attack-cov cache clean/) });
    expect((error as InputError).message).toMatch(/: the cached copy does not read as valid \(not JSON\), and fetching it again failed \(download failed: /);
    expect(await readFile(slot, 'utf8')).toBe('{"v":');
  });

  it('downloads again when the slot is a directory, not a file', async () => {
    const root = await fresh();
    const slot = path.join(root, 'v1.json');
    await mkdir(slot);
    // The rename onto a directory fails: the point is that a directory is never taken for a cached file.
    await expect(fetchIntoCache(server.url('/v1.json'), slot, readJson, FAST)).rejects.toBeInstanceOf(Error);
    expect((await stat(slot)).isDirectory()).toBe(true);
  });

  it('leaves neither file nor the directories it made when validation fails, but keeps directories that were there', async () => {
    const root = await fresh();
    await mkdir(path.join(root, 'kept'));
    const slot = path.join(root, 'kept', 'made', 'deeper', 'v1.json');
    await expect(fetchIntoCache(server.url('/v1.json'), slot, () => Promise.reject(new Error('not a bundle')), FAST)).rejects.toThrow('not a bundle');
    expect(await readdir(root, { recursive: true })).toEqual(['kept']);
  });

  it('leaves a directory it made that something else filled meanwhile', async () => {
    const root = await fresh();
    const slot = path.join(root, 'made', 'v1.json');
    await fetchIntoCache(server.url('/v1.json'), slot, async (file) => {
      await writeFile(path.join(root, 'made', 'other'), 'x');
      return readJson(file).then(() => Promise.reject(new Error('bad')));
    }, FAST).catch(() => undefined);
    expect(await readdir(path.join(root, 'made'))).toEqual(['other']);
  });

  it('stops treating the directories it made as its own once the download is in place', async () => {
    const root = await fresh();
    const slot = path.join(root, 'made', 'v1.json');
    await fetchIntoCache(server.url('/v1.json'), slot, readJson, FAST);
    // Emptied later (say by the user), a directory a finished download made is no temporary for a signal to remove.
    await rm(slot);
    removeTrackedTemps();
    expect(await readdir(root)).toEqual(['made']);
  });

  it('removes a stale temporary of a killed run from an existing cache directory', async () => {
    const root = await fresh();
    const stale = path.join(root, `v1.json.${deadPid()}.deadbeef.tmp`);
    await writeFile(stale, 'half');
    await utimes(stale, new Date(2020, 0, 1), new Date(2020, 0, 1));
    await fetchIntoCache(server.url('/v1.json'), path.join(root, 'v1.json'), readJson, FAST);
    expect(await readdir(root)).toEqual(['v1.json']);
  });
});

describe('the stale-temporary sweep', () => {
  it('keeps an old temporary whose process still runs (another run\'s download, paused), even one of another user', async () => {
    const root = await fresh();
    const other = spawn('sleep', ['30']);
    try {
      // pid 1 runs as root: to a test that is not root, signal 0 answers EPERM, and that process runs too.
      const live = [`v1.json.${other.pid}.cafebabe.tmp`, 'v1.json.1.cafebabe.tmp'];
      for (const name of live) {
        await writeFile(path.join(root, name), 'still downloading');
        await utimes(path.join(root, name), new Date(2020, 0, 1), new Date(2020, 0, 1));
      }
      await fetchIntoCache(server.url('/v1.json'), path.join(root, 'v1.json'), readJson, FAST);
      expect((await readdir(root)).sort()).toEqual([...live, 'v1.json'].sort());
    } finally {
      other.kill();
    }
  });
});

describe('cache sources', () => {
  it('records where an entry came from and reads it back; nothing recorded or blank reads as undefined', async () => {
    const dir = await fresh();
    const entry = path.join(dir, 'bundle.json');
    expect(await readCacheSource(entry)).toBeUndefined();
    await writeCacheSource(entry, 'https://mirror/bundle.json');
    expect(await readFile(`${entry}.source`, 'utf8')).toBe('https://mirror/bundle.json\n');
    expect(await readCacheSource(entry)).toBe('https://mirror/bundle.json');
    await writeFile(`${entry}.source`, '  \n');
    expect(await readCacheSource(entry)).toBeUndefined();
    expect((await readdir(dir)).sort()).toEqual(['bundle.json.source']);
  });
});
