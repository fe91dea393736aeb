// --attack-sha256: a bundle that is not the pinned one is refused wherever it came from (embedded, a file, a version's
// download, its cached copy, a URL, the parse cache's catalog), a download so refused is not cached, and a cached copy
// so refused is downloaded again; a pin written with a sha256: prefix, or otherwise wrong, is named as such. A server on
// 127.0.0.1 stands in for the mirror.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAttack } from '../../../src/attack/load.js';
import { checkSha256Pin, normalizedSha256, sha256PinProblem } from '../../../src/attack/sha256-pin.js';
import { embeddedAttack } from '../../../src/embedded.js';
import { InputError } from '../../../src/errors.js';
import { rejection } from '../../helpers/errors.js';
import { parseCacheFor } from '../../../src/parse-cache.js';
import { serve, startServer, type TestServer } from '../../helpers/http-server.js';
import { MINI_BUNDLE } from '../../helpers/paths.js';

const FAST = { attempts: 1, backoffMs: 5, timeoutMs: 2_000 };
const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-pin-'));
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const OTHER = '0'.repeat(64);
const BY = '--attack-sha256';

let server: TestServer;
let mini: Buffer;
/** The same bundle with one more newline: another sha256, the same catalog (so only the pin tells them apart). */
let mini2: Buffer;

beforeAll(async () => {
  mini = await readFile(MINI_BUNDLE);
  mini2 = Buffer.concat([mini, Buffer.from('\n')]);
  server = await startServer({
    '/m/enterprise-attack-17.1.json': serve(mini),
    '/swapped/enterprise-attack-17.1.json': serve(mini2),
    '/down/enterprise-attack-17.1.json': (_req, res) => res.writeHead(503).end(),
    '/mini.json': serve(mini),
  });
});
afterAll(() => server.close());
afterEach(() => {
  delete process.env.ATTACK_COV_ATTACK_MIRROR;
});

const HINT = "if the bundle is meant to change, pin its sha256 (report.json's inputs.attack.sha256, or sha256sum of the file); else this is not the bundle that was pinned";
const refusal = (label: string, actual: string, by = BY, pinned = OTHER) => new InputError(label, `its sha256 is ${actual}, not ${pinned} as pinned by ${by}`, HINT);

describe('the pinned value', () => {
  it.each([
    ['a'.repeat(64), undefined],
    ['ABCDEF0123456789'.repeat(4), undefined],
    [`sha256:${'a'.repeat(64)}`, 'expected the 64 hexadecimal digits alone, without "sha256:"'],
    [`SHA256:${'a'.repeat(64)}`, 'expected the 64 hexadecimal digits alone, without "SHA256:"'],
    // Only a prefix is taken for one: "sha256:" inside the value, or a prefix before what is still no sha256, is named whole.
    [`${'a'.repeat(32)}sha256:${'a'.repeat(32)}`, `expected a sha256: 64 hexadecimal digits, not "${'a'.repeat(32)}sha256:${'a'.repeat(32)}" (71 characters)`],
    [`sha256:${'a'.repeat(63)}`, `expected a sha256: 64 hexadecimal digits, not "sha256:${'a'.repeat(63)}" (70 characters)`],
    ['a'.repeat(63), `expected a sha256: 64 hexadecimal digits, not "${'a'.repeat(63)}" (63 characters)`],
    ['a'.repeat(65), `expected a sha256: 64 hexadecimal digits, not "${'a'.repeat(65)}" (65 characters)`],
    [`${'a'.repeat(63)}g`, `expected a sha256: 64 hexadecimal digits, not "${'a'.repeat(63)}g" (64 characters)`],
    [` ${'a'.repeat(64)}`, `expected a sha256: 64 hexadecimal digits, not " ${'a'.repeat(64)}" (65 characters)`],
    ['', 'expected a sha256: 64 hexadecimal digits, not "" (0 characters)'],
    // A long value is quoted in part: the error stays one readable line.
    ['x'.repeat(81), `expected a sha256: 64 hexadecimal digits, not "${'x'.repeat(80)}…" (81 characters)`],
    ['x'.repeat(80), `expected a sha256: 64 hexadecimal digits, not "${'x'.repeat(80)}" (80 characters)`],
  ])('%j: %s', (value, problem) => {
    expect(sha256PinProblem(value)).toBe(problem);
  });

  it('is compared in lower case, as sha256sum and report.json write it', () => {
    expect(normalizedSha256('ABCDEF0123456789'.repeat(4))).toBe('abcdef0123456789'.repeat(4));
    expect(() => checkSha256Pin('b.json', 'a'.repeat(64), { sha256: 'a'.repeat(64), by: BY })).not.toThrow();
    expect(() => checkSha256Pin('b.json', 'a'.repeat(64), undefined)).not.toThrow();
    const error = (() => {
      try {
        checkSha256Pin('b.json', 'a'.repeat(64), { sha256: OTHER, by: 'attack-sha256 at .attack-cov.yaml:2:16' });
      } catch (e) {
        return e as InputError;
      }
    })();
    expect(error).toEqual(refusal('b.json', 'a'.repeat(64), 'attack-sha256 at .attack-cov.yaml:2:16'));
  });
});

describe('loadAttack with a pin', () => {
  it('reads the embedded bundle pinned to its sha256, and refuses it under another pin, with and without the parse cache', async () => {
    const { sha256: embedded, label } = embeddedAttack();
    const cacheRoot = await tempDir();
    for (const parseCache of [undefined, parseCacheFor(cacheRoot, [], {})]) {
      const loaded = await loadAttack(undefined, { cacheRoot, download: FAST, parseCache, pin: { sha256: embedded, by: BY } });
      expect(loaded.catalog.version).toBe('18.1');
      await expect(loadAttack('18.1', { cacheRoot, download: FAST, parseCache, pin: { sha256: OTHER, by: BY } })).rejects.toEqual(refusal(label, embedded));
    }
  });

  it('refuses a bundle file of another sha256, also once its catalog is in the parse cache', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'enterprise-attack-17.1.json');
    await copyFile(MINI_BUNDLE, file);
    const parseCache = parseCacheFor(dir, [], {});
    expect((await loadAttack(file, { cacheRoot: dir, download: FAST, parseCache, pin: { sha256: sha256(mini), by: BY } })).sha256).toBe(sha256(mini));
    // The catalog is cached now: the warm path checks the pin too.
    await expect(loadAttack(file, { cacheRoot: dir, download: FAST, parseCache, pin: { sha256: OTHER, by: BY } })).rejects.toEqual(refusal(file, sha256(mini)));
  });

  it('does not cache a download of another sha256, and caches the pinned one', async () => {
    const cacheRoot = await tempDir();
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/m/enterprise-attack-{version}.json');
    await expect(loadAttack('17.1', { cacheRoot, download: FAST, pin: { sha256: OTHER, by: BY } })).rejects.toEqual(refusal(server.url('/m/enterprise-attack-17.1.json'), sha256(mini)));
    // Nothing at all: the folders made for the download are removed with it.
    expect(await readdir(cacheRoot)).toEqual([]);
    const loaded = await loadAttack('17.1', { cacheRoot, download: FAST, pin: { sha256: sha256(mini), by: BY } });
    expect(loaded.isFromCache).toBe(false);
    expect(await readFile(path.join(cacheRoot, 'attack', 'enterprise-attack-17.1.json'))).toEqual(mini);
  });

  it('downloads again a cached copy that is not the pinned one, and replaces it', async () => {
    const cacheRoot = await tempDir();
    await mkdir(path.join(cacheRoot, 'attack'));
    const slot = path.join(cacheRoot, 'attack', 'enterprise-attack-17.1.json');
    await writeFile(slot, mini2);
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/m/enterprise-attack-{version}.json');
    const before = server.calls('/m/enterprise-attack-17.1.json');
    // Unpinned, the cached copy serves.
    expect((await loadAttack('17.1', { cacheRoot, download: FAST })).isFromCache).toBe(true);
    expect(server.calls('/m/enterprise-attack-17.1.json')).toBe(before);
    const loaded = await loadAttack('17.1', { cacheRoot, download: FAST, pin: { sha256: sha256(mini), by: BY } });
    expect(server.calls('/m/enterprise-attack-17.1.json')).toBe(before + 1);
    expect(loaded.sha256).toBe(sha256(mini));
    expect(await readFile(slot)).toEqual(mini);
  });

  it('keeps a cached copy when its download again is not the pinned one either, and names both when offline', async () => {
    const cacheRoot = await tempDir();
    await mkdir(path.join(cacheRoot, 'attack'));
    const slot = path.join(cacheRoot, 'attack', 'enterprise-attack-17.1.json');
    await writeFile(slot, mini2);
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/swapped/enterprise-attack-{version}.json');
    await expect(loadAttack('17.1', { cacheRoot, download: FAST, pin: { sha256: sha256(mini), by: BY } })).rejects.toEqual(refusal(server.url('/swapped/enterprise-attack-17.1.json'), sha256(mini2), BY, sha256(mini)));
    expect(await readFile(slot)).toEqual(mini2);
    process.env.ATTACK_COV_ATTACK_MIRROR = server.url('/down/enterprise-attack-{version}.json');
    const offline = await rejection(loadAttack('17.1', { cacheRoot, download: FAST, pin: { sha256: sha256(mini), by: BY } }), InputError);
    expect(offline.message).toMatch(new RegExp(`^${slot}: the cached copy does not read as valid \\(its sha256 is ${sha256(mini2)}, not ${sha256(mini)} as pinned by --attack-sha256\\), and fetching it again failed \\(.*503`));
    expect(await readFile(slot)).toEqual(mini2);
  });

  it('refuses a URL of another sha256 and caches nothing', async () => {
    const cacheRoot = await tempDir();
    await expect(loadAttack(server.url('/mini.json'), { cacheRoot, download: FAST, pin: { sha256: OTHER, by: BY } })).rejects.toEqual(refusal(server.url('/mini.json'), sha256(mini)));
    expect(await readdir(cacheRoot)).toEqual([]);
  });
});
