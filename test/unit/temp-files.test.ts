// src/temp-files.ts: what a signal removes (tracked temporaries, files or folders, and the folders made for them,
// deepest first across all of them, so the cache root one made and another filled goes too once it is empty), what
// the signal handlers print and exit with, and which leftovers the stale-temporary sweep may remove.
import { lstatSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  installSignalCleanup, removeEmptyDirs, removeStaleTemporaries, removeStaleTemporariesSync, removeTrackedTemps, trackEmptyDirs,
  trackTemp, untrackEmptyDirs, untrackTemp,
} from '../../src/temp-files.js';
import { deadPid } from '../helpers/processes.js';

const fresh = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-temps-'));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('removeTrackedTemps', () => {
  it('removes the tracked folders deepest first across chains, whatever order they were tracked in', async () => {
    const base = await fresh();
    const root = path.join(base, 'cache');
    await mkdir(path.join(root, 'parsed', 'rules'), { recursive: true });
    await mkdir(path.join(root, 'urls'));
    const temp = trackTemp(path.join(root, 'urls', 'x.json.1.0123abcd.tmp'));
    await writeFile(temp, 'half a download');
    // The parse cache made the root first; the download then made urls/ inside it.
    trackEmptyDirs([path.join(root, 'parsed', 'rules'), path.join(root, 'parsed'), root]);
    trackEmptyDirs([path.join(root, 'urls')]);
    removeTrackedTemps();
    expect(await readdir(base)).toEqual([]);
  });

  it('keeps a tracked folder that holds something else', async () => {
    const base = await fresh();
    await mkdir(path.join(base, 'cache', 'urls'), { recursive: true });
    await writeFile(path.join(base, 'cache', 'notes'), 'not ours');
    trackEmptyDirs([path.join(base, 'cache', 'urls'), path.join(base, 'cache')]);
    removeTrackedTemps();
    expect(await readdir(path.join(base, 'cache'))).toEqual(['notes']);
  });

  it('removes a tracked temporary folder with what is in it (a draft\'s work folder), and skips one already gone', async () => {
    const base = await fresh();
    const work = trackTemp(path.join(base, 'draft-work'));
    await mkdir(path.join(work, 'inner'), { recursive: true });
    await writeFile(path.join(work, 'inner', 'rules.yaml'), 'half a draft');
    trackTemp(path.join(base, 'never-written.tmp'));
    removeTrackedTemps();
    expect(await readdir(base)).toEqual([]);
  });

  it('leaves a file that was untracked (renamed into place under the same name, say)', async () => {
    const base = await fresh();
    const kept = trackTemp(path.join(base, 'report.json'));
    await writeFile(kept, 'finished');
    untrackTemp(kept);
    removeTrackedTemps();
    expect(await readdir(base)).toEqual(['report.json']);
  });
});

describe('removeEmptyDirs', () => {
  it('removes the folders of a chain while they are empty, and stops at the first it cannot remove', async () => {
    const base = await fresh();
    const chain = [path.join(base, 'a', 'b', 'c'), path.join(base, 'a', 'b'), path.join(base, 'a')];
    await mkdir(chain[0]!, { recursive: true });
    removeEmptyDirs(chain);
    expect(await readdir(base)).toEqual([]);

    await mkdir(chain[1]!, { recursive: true });
    await writeFile(path.join(chain[1]!, 'entry.bin'), 'another run\'s entry');
    removeEmptyDirs(chain);
    expect(await readdir(path.join(base, 'a'))).toEqual(['b']);
  });

  it('stops at a folder already gone: someone else is clearing the tree, so the empty folders above it are left', async () => {
    const base = await fresh();
    await mkdir(path.join(base, 'a'));
    removeEmptyDirs([path.join(base, 'a', 'gone'), path.join(base, 'a')]);
    expect(await readdir(base)).toEqual(['a']);
  });
});

describe('installSignalCleanup', () => {
  it('listens for SIGINT and SIGTERM only while something is tracked; each handler removes the temporaries, says so and exits 128 + the signal number', async () => {
    const before = new Map((['SIGINT', 'SIGTERM'] as const).map((signal) => [signal, process.listeners(signal)]));
    /** The listeners of `signal` added since the test began. */
    const ours = (signal: 'SIGINT' | 'SIGTERM') => process.listeners(signal).filter((l) => !before.get(signal)!.includes(l));
    const listening = () => [ours('SIGINT').length, ours('SIGTERM').length];
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const written: string[] = [];
    const base = await fresh();

    // Tracked before the install: nothing listens yet, and the install starts listening.
    const early = trackTemp(path.join(base, 'early.1.0123abcd.tmp'));
    expect(listening()).toEqual([0, 0]);
    installSignalCleanup((text) => written.push(text));
    expect(listening()).toEqual([1, 1]);
    untrackTemp(early);
    // Nothing tracked: a signal's default action ends the process, even inside synchronous work.
    expect(listening()).toEqual([0, 0]);
    installSignalCleanup((text) => written.push(`second: ${text}`));
    expect(listening()).toEqual([0, 0]);

    const file = trackTemp(path.join(base, 'report.json.1.0123abcd.tmp'));
    const other = trackTemp(path.join(base, 'layer.json.1.0123abcd.tmp'));
    expect(listening()).toEqual([1, 1]);
    untrackTemp(other);
    expect(listening()).toEqual([1, 1]);
    await writeFile(file, 'half');
    ours('SIGINT')[0]!();
    expect(await readdir(base)).toEqual([]);
    expect(listening()).toEqual([0, 0]);

    // Tracked quietly (a parse-cache entry waiting for the run's end), a file or folder wakes no handler; a handler
    // that runs for something else removes it too.
    const quiet = trackTemp(path.join(base, 'entry.bin.1.0123abcd.tmp'), false);
    await writeFile(quiet, 'pending');
    const quietChain = trackEmptyDirs([path.join(base, 'quiet')], false);
    await mkdir(quietChain[0]!);
    expect(listening()).toEqual([0, 0]);
    // Tracked again, waking: the last word counts, and untracked it wakes nothing any more.
    trackTemp(quiet);
    expect(listening()).toEqual([1, 1]);
    trackTemp(quiet, false);
    expect(listening()).toEqual([0, 0]);
    // A folder chain alone is something to remove too.
    const chain = trackEmptyDirs([path.join(base, 'made')]);
    await mkdir(chain[0]!);
    expect(listening()).toEqual([1, 1]);
    ours('SIGTERM')[0]!();
    expect(await readdir(base)).toEqual([]);
    expect(listening()).toEqual([0, 0]);
    // Nothing is left tracked: a waking file tracked and untracked after the cleanup leaves the count at nothing.
    untrackTemp(trackTemp(quiet));
    expect(listening()).toEqual([0, 0]);
    expect(written).toEqual(['attack-cov: interrupted (SIGINT); temporary files removed\n', 'attack-cov: interrupted (SIGTERM); temporary files removed\n']);
    expect(exit.mock.calls).toEqual([[130], [143]]);

    trackEmptyDirs(chain);
    untrackEmptyDirs(chain);
    expect(listening()).toEqual([0, 0]);
  });
});

/** A file named as one of our temporaries (`<name>.<pid>.<8 hex>.tmp`) of process `pid`, last written at `mtime`. */
async function temporary(dir: string, pid: number, mtime: Date | number = new Date(2020, 0, 1)): Promise<string> {
  const file = path.join(dir, `report.json.${pid}.0123abcd.tmp`);
  await writeFile(file, 'half');
  await utimes(file, mtime, mtime);
  return file;
}

describe.each([
  ['removeStaleTemporaries', (dir: string, runStartedMs: number) => removeStaleTemporaries(dir, runStartedMs)],
  ['removeStaleTemporariesSync', async (dir: string, runStartedMs: number) => removeStaleTemporariesSync(dir, await readdir(dir), runStartedMs)],
])('%s', (_, sweep) => {
  it('removes a temporary of a process that has exited, and keeps what is not named as ours, however old', async () => {
    const dir = await fresh();
    await temporary(dir, deadPid());
    // Almost ours: no pid, a short suffix, not .tmp.
    const others = ['notes.tmp', 'report.json.0123abcd.tmp', 'report.json.12.0123abc.tmp', 'report.json.12.0123abcd.tmp.bak'];
    for (const name of others) {
      await writeFile(path.join(dir, name), 'the user\'s');
      await utimes(path.join(dir, name), new Date(2020, 0, 1), new Date(2020, 0, 1));
    }
    await sweep(dir, Date.now());
    expect((await readdir(dir)).sort()).toEqual([...others].sort());
  });

  it('keeps a temporary written exactly when this run started (not older than the run)', async () => {
    const dir = await fresh();
    const file = await temporary(dir, deadPid(), 1_600_000_000);
    await sweep(dir, lstatSync(file).mtimeMs);
    expect(await readdir(dir)).toEqual([path.basename(file)]);
  });

  it('keeps a temporary whose process runs as another user (signal 0 answers EPERM)', async () => {
    const dir = await fresh();
    const file = await temporary(dir, deadPid());
    // As root (this suite may run as root) no process answers EPERM, so the answer is made here.
    vi.spyOn(process, 'kill').mockImplementation(() => {
      throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    });
    await sweep(dir, Date.now());
    expect(await readdir(dir)).toEqual([path.basename(file)]);
  });

  it('is no error when another run\'s sweep removes the same temporary while this one checks its process', async () => {
    const dir = await fresh();
    const file = await temporary(dir, deadPid());
    const kill = process.kill.bind(process);
    vi.spyOn(process, 'kill').mockImplementation((pid, signal) => {
      rmSync(file);
      return kill(pid, signal);
    });
    await sweep(dir, Date.now());
    expect(await readdir(dir)).toEqual([]);
  });
});
