// src/attack/read-bundle.ts, called directly: what it says about a file that is no bundle (each message and hint
// exactly), which objects it skips unread, the size cap's bound, the gzip sniff, the version in a file name, the
// sha256 it returns and the descriptors it closes. Each bundle is written here, a few objects long.
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readBundleFile } from '../../../src/attack/read-bundle.js';
import type { StixObject } from '../../../src/attack/normalize.js';
import { InputError } from '../../../src/errors.js';
import { DEFAULT_LIMITS, limits } from '../../../src/limits.js';
import { executionOnly, relationship, stixTechnique } from '../../helpers/stix.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-read-bundle-'));
});
afterEach(() => Object.assign(limits, DEFAULT_LIMITS));

/** The least bundle that reads: the tactic execution, its matrix and T1001, then `extra` objects. */
function bundle(extra: (StixObject | string)[] = [], keys = ''): string {
  const objects = [...executionOnly(), stixTechnique('T1001'), ...extra].map((o) => (typeof o === 'string' ? o : JSON.stringify(o)));
  return `{"type": "bundle", "id": "bundle--1",${keys} "objects": [${objects.join(', ')}]}`;
}

async function write(name: string, bytes: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** The InputError reading `file` ends in, as message and hint. */
async function failure(file: string, label = path.basename(file)): Promise<{ message: string; hint: string | undefined }> {
  const error = await readBundleFile(file, label).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return { message: (error as InputError).message, hint: (error as InputError).hint };
}

describe('a path that is no bundle file', () => {
  const hint = 'pass a STIX bundle file, a URL, or a version such as 18.1';

  it('a missing file is "no such file"; a path through a file is the reason stat gave', async () => {
    expect(await failure(path.join(dir, 'missing.json'))).toEqual({ message: 'missing.json: no such file', hint });
    const file = await write('plain.json', bundle());
    expect(await failure(path.join(file, 'inner.json'), 'inner.json')).toEqual({ message: 'inner.json: cannot read: a path component is not a directory', hint });
  });

  it('a version in another form than major.minor (QA: --attack 18, --attack 17.1.0) gets a hint saying how versions are written', async () => {
    const versionHint = (label: string) => `${label} is no file; ATT&CK versions are written major.minor, such as 18.1 or 17.1 (attack-cov cache list shows those stored here)`;
    for (const label of ['18', '17.1.0', 'v18']) expect(await failure(path.join(dir, label), label)).toEqual({ message: `${label}: no such file`, hint: versionHint(label) });
    // 17.1 itself is a version the loader resolves before any file is looked for; a name with a letter is a file name.
    expect((await failure(path.join(dir, 'v18.json'), 'v18.json')).hint).toBe(hint);
    // The whole label is the version, each part as many digits as written: no more, no less.
    expect((await failure(path.join(dir, '17.10.0'), '17.10.0')).hint).toBe(versionHint('17.10.0'));
    for (const label of ['x17.1.0', '17.1.0x', 'x18', 'rules-18']) expect((await failure(path.join(dir, label), label)).hint, label).toBe(hint);
  });

  it('a URL with its scheme forgotten (admin:pw@host/x.json) is named without its password', async () => {
    const label = 'admin:Sup3rS3cretPw@mirror.example/enterprise-attack.json';
    const error = await failure(path.join(dir, label), label);
    expect(error).toEqual({ message: '[redacted]@mirror.example/enterprise-attack.json: no such file', hint: 'a URL needs its scheme: https://…' });
    // A path whose user:password@ shape comes after a folder is a file name, named as given.
    expect(await failure(path.join(dir, 'old', 'a:b@c.json'), 'old/a:b@c.json')).toEqual({ message: 'old/a:b@c.json: no such file', hint });
  });

  it('a directory says what it is', async () => {
    expect(await failure(dir, 'dir')).toEqual({ message: 'dir: a directory, not a bundle file', hint });
  });

  // /proc/self/mem is a regular file whose first bytes cannot be read (EIO): the gzip sniff fails.
  it('a regular file whose first bytes cannot be read', async () => {
    expect(await failure('/proc/self/mem', 'mem')).toEqual({ message: 'mem: cannot read: EIO', hint: undefined });
  });
});

describe('an element that is not JSON', () => {
  const hint = 'the bundle is damaged there: download it again, or use the bundle as MITRE publishes it';

  it('is refused at the first parse error, named by line and column in the file (QA: "at position 26" of the object)', async () => {
    const text = bundle(['{"type": "attack-pattern", "name": nope}', '{"type": "attack-pattern", "id": 7x}']);
    const file = await write('bad-element.json', text);
    expect(await failure(file)).toEqual({ message: `bad-element.json:1:${text.indexOf('nope') + 1}: not valid JSON: unexpected "n"`, hint });
  });

  it('counts lines and characters (not bytes) before it, in a plain file and in a gzip one', async () => {
    // A colon missing after a key on line 4, after a two-byte character on that line; the objects before span lines.
    const broken = '{"type": "attack-pattern",\n "name": "é" "id": "x"}';
    const text = bundle([]).replace('"objects": [', '"objects": [\n').replace(/\]\}$/, `,\n${broken}]}`);
    const line = text.slice(0, text.indexOf('"id": "x"')).split('\n').length;
    const column = text.slice(text.lastIndexOf('\n', text.indexOf('"id": "x"')) + 1, text.indexOf('"id": "x"')).length + 1;
    expect(line).toBe(4);
    const plain = await write('bad-line.json', text);
    expect(await failure(plain)).toEqual({ message: `bad-line.json:4:${column}: not valid JSON: unexpected "\\""`, hint });
    const { gzipSync } = await import('node:zlib');
    const gzip = await write('bad-line.json.gz', gzipSync(text));
    expect((await failure(gzip)).message).toBe(`bad-line.json.gz:4:${column}: not valid JSON: unexpected "\\""`);
  });

  it('past the first chunk the file is read in (1 MiB): lines are counted on over the chunks before it', async () => {
    // A skipped object of 1.5 MB on line 2 (read, never parsed), then the broken one on line 3.
    const padding = `{"type": "note", "content": "${'x'.repeat(1_500_000)}"}`;
    const text = bundle([]).replace('"objects": [', `"objects": [\n${padding},\n{"type": "attack-pattern", "name": nope}, `);
    const file = await write('bad-late.json', text);
    expect(text.indexOf('nope')).toBeGreaterThan(1 << 20);
    expect((await failure(file)).message).toBe('bad-late.json:3:36: not valid JSON: unexpected "n"');
  });
});

describe('objects attack-cov does not read', () => {
  it('skips a type it does not need unparsed: a broken one does not stop the read', async () => {
    const file = await write('other-types.json', bundle(['{"type": "course-of-action", "id": nope}', '{"type": "note", "name": 7}']));
    const { catalog } = await readBundleFile(file, 'other-types.json');
    expect([...catalog.techniques.keys()]).toEqual(['T1001']);
  });

  // The STIX version comes from the first object that has a spec_version when the bundle has none: an object
  // kept by mistake would name it. Each of these is parsed in full: the note's "type" comes after a long id (too
  // far to peek at), and a relationship with an escape in a reference or no relationship_type is not read by the
  // fast path (which reads no spec_version).
  it('drops a type it does not need even when it had to parse it, and relationships of types it does not read', async () => {
    const longId = `"id": "note--${'0'.repeat(80)}"`;
    const file = await write('late-type.json', bundle([
      `{${longId}, "type": "note", "spec_version": "9.9"}`,
      relationship('mitigates', 'course-of-action--1', 'attack-pattern--T1001', { spec_version: '8.8', source_ref: 'course-of-action--\\u0031' }),
      relationship('related-to', 'attack-pattern--T1001', 'attack-pattern--T1001', { spec_version: '7.7', source_ref: 'attack-pattern--T100\\u0031' }),
      { type: 'relationship', id: 'relationship--none', spec_version: '6.6', source_ref: 'attack-pattern--T1001', target_ref: 'attack-pattern--T1001' },
      stixTechnique('T1002', { spec_version: '2.1' }),
    ]));
    const { catalog } = await readBundleFile(file, 'late-type.json');
    expect(catalog.stixVersion).toBe('2.1');
    expect([...catalog.techniques.keys()].sort()).toEqual(['T1001', 'T1002']);
  });
});

describe('a bundle of the wrong shape', () => {
  // QA of the splitter: any array two levels deep was read as "objects" (a technique in a bundle key's array entered
  // the catalog), and a bundle key with nested objects left a skeleton JSON.parse refused ("not a STIX bundle").
  it('reads only the "objects" array: another key\'s objects are not STIX objects, and nested bundle keys are kept whole', async () => {
    const fake = JSON.stringify([stixTechnique('T1002')]);
    const file = await write('keys.json', bundle([], ` "x_extra": ${fake}, "x_meta": {"a": {"b": [1, {"c": "]}"}]}},`));
    const { catalog } = await readBundleFile(file, 'keys.json');
    expect([...catalog.techniques.keys()]).toEqual(['T1001']);
  });

  it('"objects" that holds anything but objects, or comes twice, is no ATT&CK bundle', async () => {
    const hint = 'pass an ATT&CK Enterprise bundle, e.g. --attack 18.1';
    const scalar = await write('scalar.json', bundle(['"attack-pattern--T1002"']));
    expect(await failure(scalar)).toEqual({ message: 'scalar.json: not an ATT&CK bundle: "objects" holds something other than JSON objects', hint });
    const twice = await write('twice.json', bundle([], ' "objects": [],'));
    expect(await failure(twice)).toEqual({ message: 'twice.json: not an ATT&CK bundle: two "objects" arrays', hint });
  });

  it('an object with a field of the wrong type: the hint is to use the bundle as published', async () => {
    const file = await write('shape.json', bundle([stixTechnique('T1002', { name: 5 as unknown as string })]));
    expect(await failure(file)).toEqual({ message: 'shape.json: not a usable ATT&CK bundle: attack-pattern--T1002: "name" is a number, expected a string', hint: 'use the bundle as MITRE publishes it' });
  });

  it('a complete JSON object whose type is not "bundle", or that has no objects array, is not a STIX bundle', async () => {
    const message = (name: string) => `${name}: not a STIX bundle (expected a JSON object with "type": "bundle" and an "objects" array)`;
    const hint = 'pass an ATT&CK Enterprise bundle, e.g. --attack 18.1';
    const notBundle = await write('collection.json', bundle().replace('"type": "bundle"', '"type": "x-mitre-collection"'));
    expect(await failure(notBundle)).toEqual({ message: message('collection.json'), hint });
    const noArray = await write('no-array.json', '{"type": "bundle", "objects": {}}');
    expect(await failure(noArray)).toEqual({ message: message('no-array.json'), hint });
  });

  it('text that stops inside a JSON object begun at its start (after blanks) is truncated; one begun later is no bundle', async () => {
    const truncated = await write('cut.json', '\n  {"type": "bundle", "objects": [');
    expect(await failure(truncated)).toEqual({ message: 'cut.json: truncated: the JSON ends inside the bundle', hint: 'the file was cut short; download or copy it again' });
    const late = await write('late.json', 'x{"type": "bundle", "objects": [');
    expect((await failure(late)).message).toBe('late.json: not a STIX bundle (expected a JSON object with "type": "bundle" and an "objects" array)');
  });
});

describe('the size cap', () => {
  it('a plain file of exactly the cap is read', async () => {
    const text = bundle();
    limits.maxBundleBytes = Buffer.byteLength(text);
    const file = await write('at-cap.json', text);
    expect((await readBundleFile(file, 'at-cap.json')).catalog.techniques.size).toBe(1);
  });
});

describe('gzip', () => {
  it('is told by both magic bytes: a plain file that starts with 0x1f alone is read as plain text', async () => {
    const file = await write('one-magic.json', Buffer.concat([Buffer.from([0x1f]), Buffer.from(' {}')]));
    expect((await failure(file)).message).toMatch(/^one-magic\.json: not a STIX bundle /);
  });

  it('a damaged gzip file: the hint is to download it again', async () => {
    const file = await write('damaged.json.gz', Buffer.from([0x1f, 0x8b, 0x00, 0x01, 0x02]));
    expect((await failure(file)).hint).toBe('the gzip file is truncated or damaged; download it again');
  });
});

describe('the version in the file name', () => {
  it('is the first number.number of the label, a two-digit minor whole', async () => {
    const file = await write('b.json', bundle());
    expect((await readBundleFile(file, 'dir-1.2/enterprise-attack-18.10.json')).catalog.version).toBe('18.10');
    expect((await readBundleFile(file, 'enterprise-attack.json', '17.1')).catalog.version).toBe('17.1');
  });
});

describe('sha256', () => {
  it('is that of the file as stored; a known one is returned as given, not computed again', async () => {
    const text = bundle();
    const file = await write('hashed.json', text);
    const sha256 = createHash('sha256').update(text).digest('hex');
    expect((await readBundleFile(file, 'hashed.json')).sha256).toBe(sha256);
    expect((await readBundleFile(file, 'hashed.json', undefined, 'known')).sha256).toBe('known');
    const { gzipSync } = await import('node:zlib');
    const gz = await write('hashed.json.gz', gzipSync(text));
    expect((await readBundleFile(gz, 'hashed.json.gz')).sha256).toBe(createHash('sha256').update(await readFile(gz)).digest('hex'));
    expect((await readBundleFile(gz, 'hashed.json.gz', undefined, 'known')).sha256).toBe('known');
  });
});

describe('file descriptors', () => {
  it('are all closed after a read, plain or gzip', async () => {
    const { gzipSync } = await import('node:zlib');
    const plain = await write('fd.json', bundle());
    const gz = await write('fd.json.gz', gzipSync(bundle()));
    const open = async () => (await readdir('/proc/self/fd')).length;
    const before = await open();
    for (let i = 0; i < 5; i++) {
      await readBundleFile(plain, 'fd.json');
      await readBundleFile(gz, 'fd.json.gz');
    }
    expect(await open()).toBe(before);
  });
});
