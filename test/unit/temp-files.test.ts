// src/temp-files.ts: what a signal removes. The folders downloads and the parse cache made are removed deepest
// first across all of them, so the cache root one made and another filled goes too once it is empty.
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeTrackedTemps, trackEmptyDirs, trackTemp } from '../../src/temp-files.js';

describe('removeTrackedTemps', () => {
  it('removes the tracked folders deepest first across chains, whatever order they were tracked in', async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-temps-'));
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
    const base = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-temps-'));
    await mkdir(path.join(base, 'cache', 'urls'), { recursive: true });
    await writeFile(path.join(base, 'cache', 'notes'), 'not ours');
    trackEmptyDirs([path.join(base, 'cache', 'urls'), path.join(base, 'cache')]);
    removeTrackedTemps();
    expect(await readdir(path.join(base, 'cache'))).toEqual(['notes']);
  });
});
