// The embedded data is what data/embedded.json says it is: every file present with its sha256 and its
// licence notice, and nothing embedded that the manifest does not describe.
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { embedded, repoRoot } from '../helpers/paths.js';
import path from 'node:path';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const manifest = JSON.parse(await readFile(path.join(repoRoot, 'data', 'embedded.json'), 'utf8'));

describe('data/embedded.json', () => {
  it('the ATT&CK bundle: gzip and JSON checksums, MITRE notice', async () => {
    const gz = await readFile(embedded(manifest.attack.file));
    expect(sha256(gz)).toBe(manifest.attack.sha256);
    expect(sha256(gunzipSync(gz))).toBe(manifest.attack.uncompressedSha256);
    expect(await readFile(embedded(manifest.attack.notice), 'utf8')).toMatch(/The MITRE Corporation \(MITRE\) hereby grants you a non-exclusive, royalty-free license/);
  });

  it.each(['falcoRules', 'falcoPlugins'])('%s: every file with its checksum and an Apache-2.0 notice', async (key) => {
    const entries = Object.values(manifest[key].files) as { file: string; sha256: string }[];
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) expect(sha256(await readFile(embedded(entry.file))), entry.file).toBe(entry.sha256);
    expect(await readFile(embedded(manifest[key].notice), 'utf8')).toMatch(/Apache License, Version 2\.0/);
  });

  it('Atomic Red Team: the 127 technique files exactly, with checksums and the MIT licence', async () => {
    const dir = embedded('atomic-red-team', 'atomics');
    const onDisk = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.yaml')).map((f) => path.basename(f)).sort();
    expect(onDisk).toHaveLength(127);
    expect(onDisk).toEqual(Object.keys(manifest.atomicRedTeam.files).sort());
    for (const name of onDisk) expect(sha256(await readFile(path.join(dir, name.replace(/\.yaml$/, ''), name))), name).toBe(manifest.atomicRedTeam.files[name]);
    expect(await readFile(embedded(manifest.atomicRedTeam.notice), 'utf8')).toMatch(/The MIT License/);
  });
});
