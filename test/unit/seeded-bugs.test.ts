// The kinds of bug an audit seeded into the code that guards users and that the suite used to miss, each
// caught here by a test whose title names the bug (issue 14). Each was proven by seeding the bug and
// watching its test fail; the heatmap injections (the eighth kind) are in test/browser/heatmap-injection.test.ts.
import { watch, writeFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundleFile } from '../../src/attack/load.js';
import { analyze } from '../../src/analysis/analyze.js';
import { ChatClient } from '../../src/draft/llm-client.js';
import { InputError } from '../../src/errors.js';
import { loadRules } from '../../src/falco/load.js';
import { downloadToFile } from '../../src/net/download.js';
import { writeOutputs } from '../../src/output.js';
import { neutralizeFormula, toCsv } from '../../src/report/csv.js';
import { sarifReporter } from '../../src/report/sarif.js';
import { fixRulesFiles } from '../../src/run/lint-fix.js';
import { readSourcePlatforms } from '../../src/upstream.js';
import { reportFor } from '../helpers/load.js';
import { startServer, type TestServer } from '../helpers/http-server.js';
import { BUNDLE_18, MINI_BUNDLE, fixture, repoRoot } from '../helpers/paths.js';

const tempDir = (name: string) => mkdtemp(path.join(os.tmpdir(), `attack-cov-${name}-`));

/** A rules file of one rule whose tags draw findings (a wrong tactic), `blankLines` empty lines above it. */
async function ruleFileIn(dir: string, blankLines: number, rule = 'Wrong tactic', enabled = true): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'rules.yaml');
  const body = `- rule: ${rule}\n  desc: x\n  condition: evt.type=setns\n  output: x\n  priority: WARNING\n  enabled: ${enabled}\n  tags: [mitre_execution, T1611, T1059.004]\n`;
  await writeFile(file, '\n'.repeat(blankLines) + body);
  return file;
}

describe('(1) outputs go through a temporary file, then a rename', () => {
  it('writing outputs directly is caught: a later output that cannot be written leaves no earlier output in --out', async () => {
    const dir = await tempDir('out');
    await mkdir(path.join(dir, 'taken')); // a directory where the second output should go
    const files = [{ name: 'report.json', content: '{}\n' }, { name: 'taken', content: 'x' }];
    await expect(writeOutputs(dir, files)).rejects.toBeInstanceOf(InputError);
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('writing outputs directly is caught: a failed run leaves the previous report.json byte for byte', async () => {
    const dir = await tempDir('out');
    await writeFile(path.join(dir, 'report.json'), 'yesterday\n');
    await mkdir(path.join(dir, 'taken'));
    await expect(writeOutputs(dir, [{ name: 'report.json', content: 'today\n' }, { name: 'taken', content: 'x' }])).rejects.toThrow(/is a directory|EISDIR/);
    expect(await readFile(path.join(dir, 'report.json'), 'utf8')).toBe('yesterday\n');
  });

  it('writing outputs directly is caught: the final name appears only by a rename of a temporary beside it', async () => {
    const dir = await tempDir('out');
    const seen: string[] = [];
    const watcher = watch(dir, (_event, name) => name && seen.push(name));
    await writeOutputs(dir, [{ name: 'report.json', content: 'x'.repeat(1 << 20) }]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // inotify events arrive after the calls return
    watcher.close();
    const temporaries = [...new Set(seen)].filter((n) => n !== 'report.json');
    expect(temporaries.length, `events: ${seen.join(', ')}`).toBeGreaterThan(0);
    for (const name of temporaries) expect(name).toMatch(/^report\.json\.\d+\.[0-9a-f]{8}\.tmp$/);
    expect(await readdir(dir)).toEqual(['report.json']);
  });
});

describe('(2) lint --fix checks that the file did not change since it was read', () => {
  it('writing without the changed-since-read check is caught: an edit made while lint analyses is kept, not overwritten', async () => {
    const dir = await tempDir('fix');
    const file = path.join(dir, 'fixable.yaml');
    await copyFile(fixture('rules', 'fixable.yaml'), file);
    const edited = `${await readFile(file, 'utf8')}# someone saved this while lint --fix was running\n`;
    // The clock is read during the analysis, after the file was read and before it is rewritten: the edit lands there.
    const now = (): Date => {
      writeFileSync(file, edited);
      return new Date(0);
    };
    const io = { stdout: () => undefined, stderr: () => undefined, style: { isColor: false } };
    const run = fixRulesFiles({ attack: MINI_BUNDLE, rules: [file], isDryRun: false, failOn: 'none' }, { cacheRoot: dir, cwd: repoRoot, now, download: {} }, io);
    await expect(run).rejects.toThrow(/changed on disk after attack-cov read it; not overwritten/);
    expect(await readFile(file, 'utf8')).toBe(edited);
    expect(await readdir(dir)).toEqual(['fixable.yaml']);
  });
});

describe('(3) SARIF fingerprints', () => {
  it('a fingerprint that includes the line number is caught: the same rule moved down by blank lines keeps every fingerprint', async () => {
    const [top, lower] = await Promise.all([ruleFileIn(path.join(await tempDir('sarif'), 'a'), 0), ruleFileIn(path.join(await tempDir('sarif'), 'a'), 7)]);
    type Result = { partialFingerprints: Record<string, string>; locations: { physicalLocation: { region: { startLine: number } } }[] };
    // Each under its own source root, so the file is one of the repository (SARIF holds no other).
    const results = async (file: string): Promise<Result[]> => (JSON.parse(sarifReporter.render(await reportFor([file], undefined, path.dirname(path.dirname(file))), { outDir: '/out' })) as { runs: { results: Result[] }[] }).runs[0]!.results;
    const [before, after] = await Promise.all([results(top), results(lower)]);
    expect(before.length).toBeGreaterThan(0);
    expect(after.map((r) => r.locations[0]!.physicalLocation.region.startLine)).toEqual(before.map((r) => r.locations[0]!.physicalLocation.region.startLine + 7));
    expect(after.map((r) => r.partialFingerprints)).toEqual(before.map((r) => r.partialFingerprints));
  });
});

describe('(4) Retry-After and backoff, timed by the gaps the server sees', () => {
  let server: TestServer;
  const completion = JSON.stringify({ choices: [{ message: { role: 'assistant', content: '{"ok":true}' } }] });
  beforeAll(async () => {
    const limited = (status: number) => (_q: unknown, res: import('node:http').ServerResponse, call: number) =>
      call === 1 ? res.writeHead(status, { 'retry-after': '1' }).end('wait') : res.writeHead(200, { 'content-type': 'application/json' }).end(completion);
    server = await startServer({
      '/429.json': limited(429),
      '/503.json': limited(503),
      '/always-503.json': (_q, res) => res.writeHead(503).end('down'),
      '/v1/chat/completions': (req, res, call) => req.resume().on('end', () => limited(429)(req, res, call)),
    });
  });
  afterAll(() => server.close());
  const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

  for (const status of [429, 503]) {
    it(`ignoring Retry-After is caught: a download answered ${status} with Retry-After: 1 asks again no sooner than 1 s later`, async () => {
      const dir = await tempDir('dl');
      await downloadToFile(server.url(`/${status}.json`), path.join(dir, 'x.json'), { attempts: 3, backoffMs: 20, timeoutMs: 5_000 });
      const arrivals = server.arrivals(`/${status}.json`);
      expect(arrivals).toHaveLength(2);
      expect(gaps(arrivals)[0]).toBeGreaterThanOrEqual(980);
    });
  }

  it('ignoring Retry-After is caught: the LLM client answered 429 with Retry-After: 1 asks again no sooner than 1 s later', async () => {
    const client = new ChatClient({ baseUrl: server.url('/v1'), model: 'm', timeoutMs: 5_000, attempts: 3, backoffMs: 20 });
    await expect(client.complete([{ role: 'user', content: 'x' }], {})).resolves.toBe('{"ok":true}');
    const arrivals = server.arrivals('/v1/chat/completions');
    expect(arrivals).toHaveLength(2);
    expect(gaps(arrivals)[0]).toBeGreaterThanOrEqual(980);
  });

  it('a backoff that does not grow is caught: without Retry-After the gaps double (150, 300, 600 ms)', async () => {
    const dir = await tempDir('dl');
    await expect(downloadToFile(server.url('/always-503.json'), path.join(dir, 'x.json'), { attempts: 4, backoffMs: 150, timeoutMs: 5_000 })).rejects.toThrow(/HTTP 503/);
    const seen = gaps(server.arrivals('/always-503.json'));
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBeGreaterThanOrEqual(145);
    expect(seen[1]).toBeGreaterThanOrEqual(295);
    expect(seen[2]).toBeGreaterThanOrEqual(595);
  });
});

describe('(5) revoked-by chains in ATT&CK 18.1 (the embedded bundle)', async () => {
  const { catalog } = await readBundleFile(BUNDLE_18, '18.1', '18.1');
  const CHAINS = [
    ['T1150', 'T1547.011', 'T1647'],
    ['T1162', 'T1547.011', 'T1647'],
    ['T1073', 'T1574.002', 'T1574.001'],
  ] as const;

  it('not following revoked-by chains is caught: T1150, T1162 and T1073 resolve to the end of their chain', () => {
    for (const [start, middle, end] of CHAINS) {
      expect(catalog.techniques.get(start)?.isRevoked).toBe(true);
      expect(catalog.techniques.get(middle)?.isRevoked, `${middle} is itself revoked: the chain has two steps`).toBe(true);
      expect(catalog.techniques.get(end)?.isRevoked).toBe(false);
      expect(catalog.techniques.get(start)?.revokedBy, start).toEqual([end]);
    }
  });

  it('not following revoked-by chains is caught: a rule tagged T1150 gets a revoked-technique finding whose fix is T1647', async () => {
    const dir = await tempDir('revoked');
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, CHAINS.map(([start], i) => `- rule: R${i}\n  desc: x\n  condition: evt.type=open\n  output: x\n  priority: WARNING\n  tags: [${start}]\n`).join('\n'));
    const { ruleset, origin } = await loadRules([file], { cacheRoot: '/nonexistent', cwd: dir });
    const report = analyze({ catalog, attack: { source: '18.1', sha256: '0' }, ruleset, rulesOrigin: origin, sourcePlatforms: readSourcePlatforms(), generatedAt: new Date(0), tool: { name: 'attack-cov', version: 'test' } });
    const revoked = report.findings.filter((f) => f.code === 'revoked-technique').map((f) => [f.technique, f.fix?.with]);
    expect(revoked).toEqual(CHAINS.map(([start, , end]) => [start, [end]]));
  });
});

describe('(6) the CSV formula guard', () => {
  const TRIGGERS = ['=', '+', '-', '@', '\t', '\r'];
  it('dropping a character from the formula guard is caught: cells starting with = + - @ tab or CR get an apostrophe', () => {
    expect(TRIGGERS).toHaveLength(6);
    for (const c of TRIGGERS) expect(neutralizeFormula(`${c}cmd|' /C calc'!A0`), JSON.stringify(c)).toBe(`'${c}cmd|' /C calc'!A0`);
    const cells = parseCsv(toCsv(['rule'], TRIGGERS.map((c) => [`${c}1+1`])), { from_line: 2 }) as string[][];
    expect(cells.map(([cell]) => cell)).toEqual(TRIGGERS.map((c) => `'${c}1+1`));
    expect(neutralizeFormula('plain = text')).toBe('plain = text');
  });
});

describe('(7) disabled rules and sub-techniques', () => {
  it('rolling disabled sub-technique rules up to their parent is caught: a disabled rule tagged T1059.004 leaves T1059 a gap', async () => {
    const dir = await tempDir('disabled');
    const [disabled, enabled] = await Promise.all([ruleFileIn(path.join(dir, 'off'), 0, 'Off', false), ruleFileIn(path.join(dir, 'on'), 0, 'On', true)]);
    const statuses = async (file: string) => {
      const report = await reportFor([file]);
      const entry = (id: string) => report.techniques.find((t) => t.id === id)!;
      return { parent: entry('T1059').status, sub: entry('T1059.004').status, subs: entry('T1059').coveredSubtechniques, disabled: entry('T1059.004').disabledRules };
    };
    expect(await statuses(enabled)).toEqual({ parent: 'partial', sub: 'covered', subs: ['T1059.004'], disabled: [] });
    expect(await statuses(disabled)).toEqual({ parent: 'gap', sub: 'gap', subs: [], disabled: ['Off'] });
  });
});
