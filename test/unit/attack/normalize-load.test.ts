import { gzipSync } from 'node:zlib';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundleFile, urlForVersion } from '../../../src/attack/load.js';
import { InputError, UsageError } from '../../../src/errors.js';
import { MINI_BUNDLE, fixture } from '../../helpers/paths.js';

describe('readBundleFile on the STIX 2.0 mini bundle', async () => {
  const { catalog, sha256 } = await readBundleFile(MINI_BUNDLE, 'mini-bundle-2.0.json');

  it('orders tactics as the matrix does, not by ID', () => {
    expect(catalog.tactics.map((t) => t.id)).toEqual(['TA0002', 'TA0004', 'TA0040', 'TA0005', 'TA0011', 'TA0010']);
  });
  it('links sub-techniques to their parent', () => {
    expect(catalog.techniques.get('T1059.004')).toMatchObject({ isSubtechnique: true, parent: 'T1059', tactics: ['execution'] });
  });
  it('follows revoked-by to the replacement', () => {
    expect(catalog.techniques.get('T1500')).toMatchObject({ isRevoked: true, revokedBy: ['T1027'] });
  });
  it('marks deprecated techniques', () => {
    expect(catalog.techniques.get('T1063')?.isDeprecated).toBe(true);
  });
  it('orders a technique\'s tactics by the matrix and counts who uses it', () => {
    expect(catalog.techniques.get('T1610')?.tactics).toEqual(['execution', 'defense-evasion']);
    expect(catalog.techniques.get('T1529')?.usedBy).toBe(2);
  });
  it('keeps the first paragraph of the description', () => {
    expect(catalog.techniques.get('T1529')?.description).toBe('System Shutdown/Reboot description.');
  });
  it('reads the STIX version and hashes the file', async () => {
    expect(catalog.stixVersion).toBe('2.0');
    expect(catalog.version).toBe('2.0'); // the file name "mini-bundle-2.0.json" is the only hint
    const { createHash } = await import('node:crypto');
    expect(sha256).toBe(createHash('sha256').update(await readFile(MINI_BUNDLE)).digest('hex'));
  });
});

describe('readBundleFile on STIX 2.1, gzipped', () => {
  it('reads the version from the collection object', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
    const gz = path.join(dir, 'bundle.json.gz');
    await writeFile(gz, gzipSync(await readFile(fixture('attack', 'mini-bundle-2.1.json'))));
    const { catalog } = await readBundleFile(gz, gz);
    expect(catalog).toMatchObject({ version: '99.1', stixVersion: '2.1', domain: 'enterprise-attack' });
    expect(catalog.techniques.size).toBe(13);
  });
});

describe('bad bundles', () => {
  const cases: [string, RegExp][] = [
    ['not-a-bundle.json', /not a STIX bundle/],
    ['no-techniques.json', /no ATT&CK techniques/],
    ['truncated.json', /: truncated: the JSON ends inside the bundle$/],
    ['does-not-exist.json', /no such file/],
  ];
  for (const [name, message] of cases) {
    it(`rejects ${name} with an InputError naming the file`, async () => {
      const file = fixture('attack', name);
      const error = await readBundleFile(file, file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain(name);
      expect((error as Error).message).toMatch(message);
    });
  }
  it('says a bundle cut short is truncated, with the hint to fetch it again; a directory is no bundle file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
    const cut = path.join(dir, 'cut.json');
    const whole = await readFile(MINI_BUNDLE, 'utf8');
    await writeFile(cut, whole.slice(0, whole.lastIndexOf('}', whole.length - 10)));
    const error = (await readBundleFile(cut, 'cut.json').catch((e: unknown) => e)) as InputError;
    expect(error.message).toBe('cut.json: truncated: the JSON ends inside the bundle');
    expect(error.hint).toBe('the file was cut short; download or copy it again');
    // Cut before any object, or inside the first: truncated all the same.
    await writeFile(cut, '{"type": "bundle", "objects": [');
    await expect(readBundleFile(cut, 'cut.json')).rejects.toThrow(/^cut\.json: truncated/);
    await writeFile(cut, whole.slice(0, 50));
    await expect(readBundleFile(cut, 'cut.json')).rejects.toThrow(/^cut\.json: truncated/);
    // Text that never began a JSON object is no bundle at all.
    await writeFile(cut, 'hello, "world" {');
    await expect(readBundleFile(cut, 'cut.json')).rejects.toThrow(/^cut\.json: not a STIX bundle/);
    await expect(readBundleFile(dir, 'dir')).rejects.toThrow(/^dir: a directory, not a bundle file$/);
  });
  it('rejects a gzip file whose data is corrupt', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
    const file = path.join(dir, 'broken.json.gz');
    await writeFile(file, gzipSync(Buffer.from('{"type":"bundle"')).subarray(0, 12));
    await expect(readBundleFile(file, file)).rejects.toThrow(/broken\.json\.gz: (cannot read gzip data|not a STIX bundle)/);
  });
});

describe('urlForVersion', () => {
  it('maps a known version to the published bundle', () => {
    expect(urlForVersion('18.1')).toMatch(/enterprise-attack-18\.1\.json$/);
    expect(urlForVersion('v17.1')).toMatch(/enterprise-attack-17\.1\.json$/);
  });
  it('rejects an unknown version with the known ones as a hint', () => {
    const error = (() => {
      try {
        urlForVersion('99.9');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toMatch(/18\.1/);
  });
});
