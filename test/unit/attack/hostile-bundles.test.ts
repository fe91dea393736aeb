// ATT&CK bundles that are damaged or hostile (issue 8, item 4): fields of the wrong type, revoked-by
// cycles and long chains, gzip bombs, truncated and garbage gzip. Each is an InputError naming the
// file, never a crash; a missing external_references just means "not a technique".
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readBundleFile } from '../../../src/attack/load.js';
import { normalizeBundle, type StixObject } from '../../../src/attack/normalize.js';
import { InputError } from '../../../src/errors.js';
import { DEFAULT_LIMITS, limits } from '../../../src/limits.js';
import { MINI_BUNDLE } from '../../helpers/paths.js';

interface Bundle {
  type: string;
  objects: Record<string, unknown>[];
}
let mini: Bundle;
let dir: string;

beforeAll(async () => {
  mini = JSON.parse(await readFile(MINI_BUNDLE, 'utf8')) as Bundle;
  dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-bundles-'));
});
afterEach(() => Object.assign(limits, DEFAULT_LIMITS));

async function load(name: string, bytes: Buffer | string): Promise<unknown> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return readBundleFile(file, name).catch((error: unknown) => error);
}

function damaged(change: (technique: Record<string, unknown>) => void): string {
  const bundle = structuredClone(mini);
  change(bundle.objects.find((o) => o.type === 'attack-pattern')!);
  return JSON.stringify(bundle);
}

describe('fields of the wrong type', () => {
  const cases: [string, (t: Record<string, unknown>) => void, RegExp][] = [
    ['a description that is an object', (t) => (t.description = { text: 'x' }), /"description" is an object, expected a string$/],
    ['tactic_refs as a string', () => undefined, /"tactic_refs" is a string, expected a list of strings$/],
    ['kill_chain_phases that is not a list', (t) => (t.kill_chain_phases = 'execution'), /"kill_chain_phases" is a string, expected a list of \{kill_chain_name, phase_name\}$/],
    ['an external reference without source_name', (t) => (t.external_references = [{ external_id: 'T1059' }]), /"external_references" is a list, expected a list of \{source_name, external_id, url\}$/],
    ['x_mitre_platforms with a number', (t) => (t.x_mitre_platforms = ['Linux', 7]), /"x_mitre_platforms" is a list, expected a list of strings$/],
    ['revoked as a string', (t) => (t.revoked = 'yes'), /"revoked" is a string, expected true or false$/],
  ];
  for (const [what, change, pattern] of cases) {
    it(`${what}: an InputError naming the file and the object`, async () => {
      const text = what.startsWith('tactic_refs')
        ? JSON.stringify({ ...mini, objects: mini.objects.map((o) => (o.type === 'x-mitre-matrix' ? { ...o, tactic_refs: 'x-mitre-tactic--1' } : o)) })
        : damaged(change);
      const error = await load('wrong-type.json', text);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(/^wrong-type\.json: not a usable ATT&CK bundle: /);
      expect((error as Error).message).toMatch(pattern);
    });
  }

  it('an attack-pattern without external_references is not a technique, and no crash', async () => {
    const loaded = (await load('no-refs.json', damaged((t) => delete t.external_references))) as { catalog: { techniques: Map<string, unknown> } };
    expect(loaded.catalog.techniques.size).toBeGreaterThan(5);
  });
});

describe('revoked-by', () => {
  // IDs of ATT&CK's form for 30,001 techniques: T1000.000 … T1030.000.
  const chainId = (n: number): string => `T${1000 + Math.floor(n / 1000)}.${String(n % 1000).padStart(3, '0')}`;
  const pattern = (n: number): StixObject => ({
    type: 'attack-pattern',
    id: `attack-pattern--${n}`,
    name: `T${n}`,
    revoked: n !== 0,
    external_references: [{ source_name: 'mitre-attack', external_id: chainId(n) }],
    kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }],
    x_mitre_platforms: ['Linux'],
  });
  const base: StixObject[] = [
    { type: 'x-mitre-tactic', id: 'x-mitre-tactic--e', name: 'Execution', x_mitre_shortname: 'execution', external_references: [{ source_name: 'mitre-attack', external_id: 'TA0002' }] },
    { type: 'x-mitre-matrix', id: 'x-mitre-matrix--1', tactic_refs: ['x-mitre-tactic--e'] },
  ];
  const revokedBy = (from: number, to: number): StixObject => ({ type: 'relationship', id: `relationship--${from}-${to}`, relationship_type: 'revoked-by', source_ref: `attack-pattern--${from}`, target_ref: `attack-pattern--${to}` });

  it('a cycle ends (1 → 2 → 3 → 1), with no replacement to offer', () => {
    const catalog = normalizeBundle({ source: 'cycle', objects: [...base, pattern(0), pattern(1), pattern(2), pattern(3), revokedBy(1, 2), revokedBy(2, 3), revokedBy(3, 1)] });
    expect(catalog.techniques.get(chainId(1))).toMatchObject({ isRevoked: true, revokedBy: [] });
  });

  it('refuses a technique ID outside ATT&CK\'s form, which every output would carry and a Navigator layer refuses (QA: a crash in layer.json)', () => {
    for (const bad of ['T1529x', 'T152', 'T1529.1', 'T1529 ', 'T\u001b[31m1529']) {
      const objects: StixObject[] = [...base, pattern(0), { ...pattern(1), revoked: false, external_references: [{ source_name: 'mitre-attack', external_id: bad }] }];
      expect(() => normalizeBundle({ source: 'b.json', objects }), bad).toThrow(new InputError('b.json', `technique ID ${JSON.stringify(bad)} ("attack-pattern--1") is not an ATT&CK technique ID (T1234 or T1234.567)`, 'the bundle is damaged or not from ATT&CK; pass an ATT&CK release, e.g. --attack 18.1'));
    }
    // Its form, and a sub-technique's, pass.
    expect(normalizeBundle({ source: 'b.json', objects: [...base, pattern(0), pattern(1)] }).techniques.size).toBe(2);
  });
  // 30,000 links: three times what a recursive walk survives on Node's default stack.
  it('a chain of 30,000 revocations is followed to its end without exhausting the stack', () => {
    const n = 30_000;
    const objects: StixObject[] = [...base, pattern(0)];
    for (let i = 1; i <= n; i++) objects.push(pattern(i), revokedBy(i, i === n ? 0 : i + 1));
    const catalog = normalizeBundle({ source: 'chain', objects });
    expect(catalog.techniques.get(chainId(1))!.revokedBy).toEqual([chainId(0)]);
  });
});

describe('gzip', () => {
  it('a gzip bomb stops at the decompressed size cap', async () => {
    limits.maxBundleBytes = 1024 * 1024;
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const error = await load('bomb.json.gz', bomb);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^bomb\.json\.gz: larger than the 1 MiB an ATT&CK bundle may be once decompressed/);
    expect((error as InputError).hint).toMatch(/ATTACK_COV_MAX_BUNDLE_BYTES/);
  });

  it('a bomb under the size cap is refused at its first oversized object, string or nesting, plain or gzip, in words', async () => {
    // QA: a 255 KB gzip of one 250 MiB string took 1.1 GB and 8 s, and said "Maximum call stack size exceeded".
    const huge = 'a'.repeat(17 << 20);
    const cases = [
      [`{"type":"bundle","objects":[{"type":"attack-pattern","description":"${huge}"}]}`, /^not an ATT&CK bundle: an object of more than 16 MiB in "objects"$/],
      [`{"type":"bundle","note":"${huge}","objects":[]}`, /^not an ATT&CK bundle: more than 1 MiB outside "objects"$/],
      [`{"type":"bundle","objects":[{"type":"attack-pattern","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`, /^not an ATT&CK bundle: JSON nested more than 64 levels deep$/],
    ] as const;
    for (const [text, message] of cases) {
      for (const [name, bytes] of [['bomb.json', Buffer.from(text)], ['bomb.json.gz', gzipSync(text)]] as const) {
        const error = await load(name, bytes);
        expect(error).toBeInstanceOf(InputError);
        expect((error as Error).message.slice(name.length + 2)).toMatch(message);
        expect((error as InputError).hint).toBe('pass an ATT&CK Enterprise bundle, e.g. --attack 18.1');
      }
    }
  });

  it('a plain bundle over the cap is refused before it is read', async () => {
    limits.maxBundleBytes = 1000;
    expect(((await load('big.json', JSON.stringify(mini))) as Error).message).toMatch(/^big\.json: larger than the 1000 bytes an ATT&CK bundle may be \(/);
  });

  it('truncated gzip', async () => {
    const whole = gzipSync(JSON.stringify(mini));
    const error = await load('truncated.json.gz', whole.subarray(0, Math.floor(whole.length / 2)));
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^truncated\.json\.gz: cannot read gzip data: unexpected end of file$/);
  });

  it('garbage after the gzip magic bytes', async () => {
    const error = await load('garbage.json.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('this is not deflate data at all')]));
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^garbage\.json\.gz: cannot read gzip data: /);
  });
});
