// The warm path changes nothing but time: every output file of `report` is byte-identical whether the
// catalog and rules were parsed (cache off, or an empty cache) or read back from the parse cache (file by file,
// or the ruleset's outline alone).
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { BUNDLE_17, OFFICIAL_RULES, fixture } from '../helpers/paths.js';
import type { CoverageReport } from '../../src/coverage-report.js';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'attack-cov-warm-'));
const FIXED = { SOURCE_DATE_EPOCH: '1767225600' };

async function outputs(dir: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(dir)).sort();
  return new Map(await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n))] as [string, Buffer])));
}

async function report(args: string[], env: NodeJS.ProcessEnv): Promise<Map<string, Buffer>> {
  const out = await tempDir();
  const result = await runCli(['report', ...args, '--out', out, '-q'], { env: { ...FIXED, ...env } });
  expect(result.stderr).not.toMatch(/error/);
  expect(result.code).toBe(0);
  return outputs(out);
}

function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>): void {
  expect([...b.keys()]).toEqual([...a.keys()]);
  expect(a.size).toBeGreaterThanOrEqual(7);
  for (const [name, bytes] of a) expect(b.get(name)!.equals(bytes), `${name} differs`).toBe(true);
}

describe('report, cold and warm', () => {
  it('writes the same bytes with no cache, an empty cache and a warm cache (ATT&CK 17.1, the official rules)', async () => {
    const args = ['--attack', BUNDLE_17, '--rules', ...OFFICIAL_RULES];
    const cache = await tempDir();
    const off = await report(args, { ATTACK_COV_CACHE: await tempDir(), ATTACK_COV_PARSE_CACHE: 'off' });
    const cold = await report(args, { ATTACK_COV_CACHE: cache });
    const stored = await readdir(path.join(cache, 'parsed'), { recursive: true });
    // (and, once the files have settled, the remembered sha256 of the bundle and of the rules files:
    // test/unit/cache/file-sha256.test.ts, test/unit/cache/rules-sha256.test.ts)
    expect(stored.filter((n) => n.endsWith('.bin') && !/^files?-sha256/.test(n)).map((n) => path.dirname(n)).sort()).toEqual(['catalog', 'rules', 'rules', 'rules']);
    // The second run reads every file's entry and stores the ruleset and its outline; the third reads the outline
    // alone (so it still works with the ruleset and the files' entries gone, and stores nothing again).
    const warm = await report(args, { ATTACK_COV_CACHE: cache });
    const binsIn = async (kind: string) => (await readdir(path.join(cache, 'parsed', kind)).catch(() => [])).filter((n) => n.endsWith('.bin'));
    expect(await binsIn('ruleset')).toHaveLength(1);
    expect(await binsIn('ruleset-outline')).toHaveLength(1);
    for (const kind of ['ruleset', 'rules']) await rm(path.join(cache, 'parsed', kind), { recursive: true });
    const warmer = await report(args, { ATTACK_COV_CACHE: cache });
    expect(await binsIn('ruleset')).toEqual([]);
    expect(await binsIn('rules')).toEqual([]);
    expectSameFiles(off, cold);
    expectSameFiles(off, warm);
    expectSameFiles(off, warmer);
  });

  it('knows the rules Falco drops (skip-if-unknown-filter over an unknown field) from the outline alone, warm or cold', async () => {
    // test/fixtures/rules/skip-unknown.yaml: two enabled rules Falco drops tag T1529; the outline keeps the key, so
    // a warm run (which reads only the outline) loads the whole ruleset to look, and says what a cold run says.
    const args = ['--rules', fixture('rules', 'skip-unknown.yaml'), '--no-config'];
    const cache = await tempDir();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await report(args, { ATTACK_COV_CACHE: cache }));
    expect((await readdir(path.join(cache, 'parsed', 'ruleset-outline'))).filter((n) => n.endsWith('.bin'))).toHaveLength(1);
    for (const run of runs.slice(1)) expectSameFiles(runs[0]!, run);
    const json = JSON.parse(runs[2]!.get('report.json')!.toString()) as CoverageReport;
    expect(json.summary.rules).toMatchObject({ enabled: 4, skippedByFalco: 2 });
    expect(json.techniques.find((t) => t.id === 'T1529')).toMatchObject({ status: 'gap', rules: [], disabledRules: ['Needs a newer Falco', 'Needs a newer Falco through a macro'] });
    expect(json.techniques.find((t) => t.id === 'T1485')!.status).toBe('covered');
    expect(json.findings.filter((f) => f.code === 'skipped-rule').map((f) => f.rule)).toEqual(['Needs a newer Falco through a macro', 'Needs a newer Falco']);
    const lint = await runCli(['lint', ...args, '--fail-on', 'none'], { env: { ATTACK_COV_CACHE: cache } });
    expect(lint.stdout).toContain('warning  skipped-rule  Falco drops this rule at load: condition 1:23: unknown field proc.other_future (skip-if-unknown-filter: true); it covers nothing (rule "Needs a newer Falco")');
  });

  it('a run that fails caches nothing it parsed', async () => {
    const cache = await tempDir();
    const result = await runCli(['report', '--attack', BUNDLE_17, '--rules', ...OFFICIAL_RULES, '/no/such/rules.yaml', '--out', await tempDir(), '-q'], { env: { ATTACK_COV_CACHE: cache } });
    expectOneLineError(result, /^error: \/no\/such\/rules\.yaml: no such file or directory$/);
    await expect(readdir(cache)).resolves.toEqual([]);
  });

  it('a run that fails after parsing some files leaves none of their entries behind', async () => {
    const cache = await tempDir();
    const bad = path.join(await tempDir(), 'late.yaml');
    await writeFile(bad, '- rule: Not defined anywhere\n  enabled: false\n');
    const result = await runCli(['report', '--attack', BUNDLE_17, '--rules', ...OFFICIAL_RULES, bad, '--out', await tempDir(), '-q'], { env: { ATTACK_COV_CACHE: cache } });
    // Named as given: the file lies outside the source root, where outputs would show only its base name.
    const given = bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expectOneLineError(result, new RegExp(`^error: ${given}:1:3: rule "Not defined anywhere" is enabled or disabled before it is defined$`));
    await expect(readdir(cache)).resolves.toEqual([]);
  });

  it('writes the same bytes on the embedded defaults with the prebuilt catalog as with no cache, caching nothing new', async () => {
    const cache = await tempDir();
    const off = await report(['--rules', 'official:all'], { ATTACK_COV_CACHE: await tempDir(), ATTACK_COV_PARSE_CACHE: 'off' });
    const prebuilt = await report(['--rules', 'official:all'], { ATTACK_COV_CACHE: cache });
    expectSameFiles(off, prebuilt);
    await expect(readdir(cache)).resolves.toEqual([]);
  });
});
