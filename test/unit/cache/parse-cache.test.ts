// The parse cache's store: round trip, and every way an entry can be wrong (corrupt, truncated, another
// format, another key, another engine, not an entry at all) reads as a miss, never as a value.
import { mkdir, mkdtemp, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEntry, discardParseCache, encodeEntry, entryName, flushParseCache, parseCacheFor, readEntry, sha256OfFile, writeEntry, type EntryKind, type ParseCache } from '../../../src/parse-cache.js';
import { createHash } from 'node:crypto';
import { deadPid } from '../../helpers/processes.js';

const KIND: EntryKind = { name: 'thing', format: 3, keep: 4 };
const VALUE = { id: 'x', list: [1, 'two', null], byId: new Map([['a', { n: 1, tags: new Set(['t']) }]]), absent: undefined };
const anything = (value: unknown): value is unknown => value !== undefined;
const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-parse-cache-'));

async function stored(): Promise<{ cache: ParseCache; file: string }> {
  const cache = { prebuilt: [], dir: await tempDir() };
  writeEntry(cache, KIND, 'key-1', VALUE);
  return { cache, file: path.join(cache.dir, KIND.name, entryName(KIND, 'key-1')) };
}

describe('parse cache entries', () => {
  it('give back what was stored: Maps, Sets, undefined and key order intact, through a temporary name', async () => {
    const { cache } = await stored();
    const value = readEntry(cache, KIND, 'key-1', anything) as typeof VALUE;
    expect(value).toEqual(VALUE);
    expect(Object.keys(value)).toEqual(['id', 'list', 'byId', 'absent']);
    expect(value.byId.get('a')!.tags).toBeInstanceOf(Set);
    expect(await readdir(path.join(cache.dir, KIND.name))).toEqual([entryName(KIND, 'key-1')]);
  });

  it('miss when a byte of the payload is flipped, or the file is cut short', async () => {
    const { cache, file } = await stored();
    const bytes = await readFile(file);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3]! ^= 0xff;
    await writeFile(file, flipped);
    expect(readEntry(cache, KIND, 'key-1', anything)).toBeUndefined();
    await writeFile(file, bytes.subarray(0, bytes.length - 10));
    expect(readEntry(cache, KIND, 'key-1', anything)).toBeUndefined();
    await writeFile(file, bytes.subarray(0, 12));
    expect(readEntry(cache, KIND, 'key-1', anything)).toBeUndefined();
    await writeFile(file, 'not an entry');
    expect(readEntry(cache, KIND, 'key-1', anything)).toBeUndefined();
  });

  it('miss for another format version, another key or another V8, even under the right file name', async () => {
    const bytes = encodeEntry(KIND, 'key-1', VALUE);
    expect(decodeEntry(bytes, KIND, 'key-1')).toEqual(VALUE);
    expect(decodeEntry(bytes, { ...KIND, format: 4 }, 'key-1')).toBeUndefined();
    expect(decodeEntry(bytes, KIND, 'key-2')).toBeUndefined();
    expect(decodeEntry(bytes, { ...KIND, name: 'other' }, 'key-1')).toBeUndefined();
    const otherEngine = Buffer.from(bytes.toString('latin1').replace(`"v8":"${process.versions.v8}"`, '"v8":"0.0.0"'), 'latin1');
    expect(decodeEntry(otherEngine, KIND, 'key-1')).toBeUndefined();
    // An entry copied to another key's name is not that key's value.
    const { cache, file } = await stored();
    await writeFile(path.join(path.dirname(file), entryName(KIND, 'key-2')), await readFile(file));
    expect(readEntry(cache, KIND, 'key-2', anything)).toBeUndefined();
    expect(entryName(KIND, 'key-1')).not.toBe(entryName({ ...KIND, format: 4 }, 'key-1'));
  });

  it('miss when the magic line is off, even with a header and payload that would match', async () => {
    const bytes = encodeEntry(KIND, 'key-1', VALUE);
    const wrongMagic = Buffer.from(bytes);
    wrongMagic[0] = 'A'.charCodeAt(0);
    expect(decodeEntry(wrongMagic, KIND, 'key-1')).toBeUndefined();
  });

  it('miss when the checksum matches a payload that does not decode', () => {
    const JSON_KIND: EntryKind = { ...KIND, codec: 'json' };
    for (const [kind, payload] of [[JSON_KIND, Buffer.from('{"cut": [1, 2')], [KIND, Buffer.from([0xff, 0x0f, 0x99, 0x01])]] as const) {
      const header = { kind: kind.name, format: kind.format, key: 'key-1', v8: process.versions.v8, bytes: payload.length, sha256: createHash('sha256').update(payload).digest('hex') };
      expect(decodeEntry(Buffer.concat([Buffer.from(`attack-cov parsed\n${JSON.stringify(header)}\n`), payload]), kind, 'key-1')).toBeUndefined();
    }
    // The same frame around a payload that decodes gives it back: the frame above is right.
    const good = Buffer.from('{"whole": [1, 2]}');
    const header = { kind: KIND.name, format: KIND.format, key: 'key-1', v8: '0.0.0', bytes: good.length, sha256: createHash('sha256').update(good).digest('hex') };
    expect(decodeEntry(Buffer.concat([Buffer.from(`attack-cov parsed\n${JSON.stringify(header)}\n`), good]), JSON_KIND, 'key-1')).toEqual({ whole: [1, 2] });
  });

  it('read past a store whose entry is a miss to the next one that holds it', async () => {
    const prebuilt = await tempDir();
    writeEntry({ prebuilt: [], dir: prebuilt }, KIND, 'key-1', { from: 'prebuilt' });
    const file = path.join(prebuilt, KIND.name, entryName(KIND, 'key-1'));
    await writeFile(file, (await readFile(file)).subarray(0, 60));
    const cache = { prebuilt: [prebuilt], dir: await tempDir() };
    writeEntry(cache, KIND, 'key-1', { from: 'user' });
    expect(readEntry(cache, KIND, 'key-1', anything)).toEqual({ from: 'user' });
    // A cache with prebuilt stores only reads them.
    expect(readEntry({ prebuilt: [cache.dir] }, KIND, 'key-1', anything)).toEqual({ from: 'user' });
  });

  it('miss when the value fails the caller\'s outline check', async () => {
    const { cache } = await stored();
    expect(readEntry(cache, KIND, 'key-1', (v): v is string => typeof v === 'string')).toBeUndefined();
  });

  it('read prebuilt stores first and never write to them', async () => {
    const prebuilt = await tempDir();
    writeEntry({ prebuilt: [], dir: prebuilt }, KIND, 'key-1', { from: 'prebuilt' });
    const cache = { prebuilt: [prebuilt], dir: await tempDir() };
    writeEntry(cache, KIND, 'key-1', { from: 'user' });
    expect(readEntry(cache, KIND, 'key-1', anything)).toEqual({ from: 'prebuilt' });
    writeEntry(cache, KIND, 'key-2', { from: 'user' });
    expect(await readdir(path.join(prebuilt, KIND.name))).toHaveLength(1);
  });

  it.runIf(process.platform === 'linux')('close every entry they read, found or not (a run reads hundreds)', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir() };
    writeEntry(cache, KIND, 'key-1', VALUE);
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 50; i++) {
      expect(readEntry(cache, KIND, 'key-1', anything)).toEqual(VALUE);
      // Read whole, then refused by the check: still closed.
      expect(readEntry(cache, KIND, 'key-1', (value): value is unknown => value === 'other')).toBeUndefined();
    }
    expect(open()).toBe(before);
  });

  it('hold entries under a temporary name until flushed when the run defers them, encoded when written (later changes do not leak in)', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir(), pending: [] };
    const value = { n: 1 };
    writeEntry(cache, KIND, 'key-1', value);
    value.n = 2;
    expect(await readdir(path.join(cache.dir!, KIND.name))).toEqual([expect.stringMatching(/\.tmp$/)]);
    expect(readEntry(cache, KIND, 'key-1', anything)).toBeUndefined();
    flushParseCache(cache);
    expect(readEntry(cache, KIND, 'key-1', anything)).toEqual({ n: 1 });
    expect(await readdir(path.join(cache.dir!, KIND.name))).toEqual([entryName(KIND, 'key-1')]);
    expect(cache.pending).toEqual([]);
  });

  it('discard the entries of a failed run, and the folders they made when nothing else is there', async () => {
    const root = await tempDir();
    const cache: ParseCache = { prebuilt: [], dir: path.join(root, 'parsed'), pending: [] };
    writeEntry(cache, KIND, 'key-1', VALUE);
    writeEntry(cache, { ...KIND, name: 'other' }, 'key-2', VALUE);
    discardParseCache(cache);
    expect(cache.pending).toEqual([]);
    await expect(readdir(root)).resolves.toEqual([]);
    // A folder holding entries of earlier runs stays, with them.
    writeEntry({ prebuilt: [], dir: cache.dir }, KIND, 'key-0', VALUE);
    writeEntry(cache, KIND, 'key-1', VALUE);
    discardParseCache(cache);
    expect(await readdir(path.join(cache.dir!, KIND.name))).toEqual([entryName(KIND, 'key-0')]);
  });

  it('remove a deferred entry that cannot be renamed into place, and go on', async () => {
    const cache: ParseCache = { prebuilt: [], dir: await tempDir(), pending: [] };
    writeEntry(cache, KIND, 'key-1', VALUE);
    writeEntry(cache, KIND, 'key-2', VALUE);
    // Its name is taken by a folder that is not empty: rename fails.
    await mkdir(path.join(cache.dir!, KIND.name, entryName(KIND, 'key-1'), 'x'), { recursive: true });
    expect(() => flushParseCache(cache)).not.toThrow();
    expect((await readdir(path.join(cache.dir!, KIND.name))).sort()).toEqual([entryName(KIND, 'key-1'), entryName(KIND, 'key-2')].sort());
    expect(readEntry(cache, KIND, 'key-2', anything)).toEqual(VALUE);
  });

  it('trim by entries, never counting (or removing) a deferred entry not yet in place', async () => {
    const dir = await tempDir();
    const deferred: ParseCache = { prebuilt: [], dir, pending: [] };
    writeEntry(deferred, KIND, 'late', 'late');
    // The entries get times in the future, so the temporary (written now, by this run: not stale) is the
    // oldest file in the folder: counted as an entry, it would be the first removed.
    const later = Date.now() / 1000 + 1000;
    for (let i = 0; i < KIND.keep; i++) {
      writeEntry({ prebuilt: [], dir }, KIND, `key-${i}`, i);
      await utimes(path.join(dir, KIND.name, entryName(KIND, `key-${i}`)), later + i, later + i);
    }
    const names = await readdir(path.join(dir, KIND.name));
    expect(names.filter((n) => n.endsWith('.bin'))).toHaveLength(KIND.keep);
    expect(names).toContain(path.basename(deferred.pending![0]!.temp));
    // Renamed into place, it is the oldest entry (its time kept) and the one the next trim removes.
    flushParseCache(deferred);
    expect(readEntry(deferred, KIND, 'late', anything)).toBeUndefined();
    expect((await readdir(path.join(dir, KIND.name))).sort()).toEqual(Array.from({ length: KIND.keep }, (_, i) => entryName(KIND, `key-${i}`)).sort());
  });

  it('removes what a killed run left half-done when it next stores an entry, never a live temporary', async () => {
    const cache = { prebuilt: [], dir: await tempDir() };
    writeEntry(cache, KIND, 'key-0', 0);
    const folder = path.join(cache.dir, KIND.name);
    const killed = path.join(folder, `${entryName(KIND, 'key-1')}.${deadPid()}.0123abcd.tmp`);
    const live = path.join(folder, `${entryName(KIND, 'key-2')}.${deadPid()}.89abcdef.tmp`);
    const other = path.join(folder, 'notes.tmp');
    for (const file of [killed, live, other]) await writeFile(file, 'x');
    await utimes(killed, 1000, 1000);
    await utimes(other, 1000, 1000);
    writeEntry(cache, KIND, 'key-3', 3);
    expect((await readdir(folder)).sort()).toEqual([entryName(KIND, 'key-0'), entryName(KIND, 'key-3'), path.basename(live), 'notes.tmp'].sort());
  });

  it('discard the cache folder itself when the failed run made it', async () => {
    const root = await tempDir();
    const cache: ParseCache = { prebuilt: [], dir: path.join(root, 'new', 'parsed'), pending: [] };
    writeEntry(cache, KIND, 'key-1', VALUE);
    discardParseCache(cache);
    await expect(readdir(root)).resolves.toEqual([]);
  });

  it('is off with ATTACK_COV_PARSE_CACHE=off, and else defers its writes into <cache>/parsed', () => {
    expect(parseCacheFor('/c', ['/p'], { ATTACK_COV_PARSE_CACHE: 'off' })).toBeUndefined();
    expect(parseCacheFor('/c', ['/p'], { ATTACK_COV_PARSE_CACHE: 'on' })).toEqual({ prebuilt: ['/p'], dir: path.join('/c', 'parsed'), pending: [] });
    expect(parseCacheFor('/c', [], {})).toEqual({ prebuilt: [], dir: path.join('/c', 'parsed'), pending: [] });
  });

  it('a cache that cannot be written is no error', async () => {
    const blocker = path.join(await tempDir(), 'a-file');
    writeFileSync(blocker, '');
    expect(() => writeEntry({ prebuilt: [], dir: blocker }, KIND, 'key-1', VALUE)).not.toThrow();
    expect(readEntry({ prebuilt: [], dir: blocker }, KIND, 'key-1', anything)).toBeUndefined();
  });

  it('keep only the newest entries of a kind', async () => {
    const cache = { prebuilt: [], dir: await tempDir() };
    for (let i = 0; i < 6; i++) {
      writeEntry(cache, KIND, `key-${i}`, i);
      await utimes(path.join(cache.dir, KIND.name, entryName(KIND, `key-${i}`)), 1000 + i, 1000 + i);
    }
    writeEntry(cache, KIND, 'key-6', 6);
    const names = await readdir(path.join(cache.dir, KIND.name));
    expect(names.sort()).toEqual(['key-3', 'key-4', 'key-5', 'key-6'].map((k) => entryName(KIND, k)).sort());
  });

  it('hash files as createHash does, closing each file', async () => {
    const file = path.join(await tempDir(), 'f');
    const bytes = Buffer.alloc(3 * (1 << 20) + 7, 'ab');
    await writeFile(file, bytes);
    const open = () => readdirSync('/proc/self/fd').length;
    const before = open();
    for (let i = 0; i < 20; i++) expect(sha256OfFile(file)).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(open()).toBe(before);
  });
});
