// The real inputs the repository holds: ATT&CK 18.1 (embedded) and 17.1 (test/data), the three official Falco rules files (embedded).
import { readFile, mkdtemp, readdir } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAttack, readBundleFile } from '../../src/attack/load.js';
import { analyze } from '../../src/analysis/analyze.js';
import type { CoverageReport } from '../../src/coverage-report.js';
import { NetworkError } from '../../src/errors.js';
import { loadRules } from '../../src/falco/load.js';
import { readSourcePlatforms } from '../../src/upstream.js';
import { runCli } from '../helpers/cli.js';
import { dropMidway, serve, startServer, type TestServer } from '../helpers/http-server.js';
import { repoRoot, BUNDLE_17, BUNDLE_18, OFFICIAL_RULES } from '../helpers/paths.js';

const OFFICIAL = OFFICIAL_RULES;

async function officialReport(bundle: string): Promise<CoverageReport> {
  const [{ catalog, sha256 }, { ruleset, origin }] = await Promise.all([readBundleFile(bundle, bundle), loadRules(OFFICIAL, { cacheRoot: '/nonexistent', cwd: repoRoot })]);
  return analyze({
    catalog,
    attack: { source: bundle, sha256 },
    ruleset,
    rulesOrigin: origin,
    sourcePlatforms: readSourcePlatforms(),
    generatedAt: new Date(0),
    tool: { name: 'attack-cov', version: 'test' },
  });
}

describe('official Falco rules on ATT&CK 18.1', async () => {
  const report = await officialReport(BUNDLE_18);

  it('counts the 93 official rules', () => {
    expect(report.summary.rules.total).toBe(93);
    expect(report.inputs.attack.version).toBe('18.1');
  });

  it('has the 14 Enterprise tactics as columns, in matrix order', () => {
    expect(report.tactics.map((t) => t.id)).toEqual([
      'TA0043', 'TA0042', 'TA0001', 'TA0002', 'TA0003', 'TA0004', 'TA0005', 'TA0006', 'TA0007', 'TA0008', 'TA0009', 'TA0011', 'TA0010', 'TA0040',
    ]);
  });

  it('lists T1529 System Shutdown/Reboot among the gaps', () => {
    expect(report.gaps.find((g) => g.id === 'T1529')).toMatchObject({ name: 'System Shutdown/Reboot', tactics: ['impact'] });
    expect(report.techniques.find((t) => t.id === 'T1529')).toMatchObject({ inScope: true, status: 'gap', rules: [] });
  });

  it('reports every technique tagged under a tactic it does not belong to', () => {
    const mismatches = report.findings.filter((f) => f.code === 'tactic-mismatch').map((f) => `${f.rule} | ${f.technique}`);
    expect(mismatches.sort()).toEqual(
      [
        'Backdoored library loaded into SSHD (CVE-2024-3094) | T1556',
        'Contact K8S API Server From Container | T1565',
        'Contact cloud metadata service from container | T1565',
        'DB program spawned process | T1190',
        'Launch Disallowed Container | T1610',
        'Modify Container Entrypoint | T1611',
        'Mkdir binary dirs | T1222.002',
        'Network Tool Executed During NPM Package Install | T1195.002',
        'Read Shell Configuration File | T1546.004',
        'Write below rpm database | T1072',
      ].sort(),
    );
  });

  it('reports tactic IDs that contradict the tactic names beside them', () => {
    const conflicts = report.findings.filter((f) => f.code === 'tactic-id-name-conflict').map((f) => `${f.rule} | ${f.tag}`);
    expect(conflicts.sort()).toEqual([
      'Interpreted procs inbound network activity | TA0011',
      'Interpreted procs outbound network activity | TA0011',
      'Unexpected UDP Traffic | TA0011',
    ]);
  });

  it('scopes syscall rules to Linux and Containers', () => {
    expect(report.scope).toEqual({ platforms: ['Containers', 'Linux'], from: 'sources', sources: ['syscall'] });
  });
});

describe('official Falco rules on ATT&CK 17.1', async () => {
  const report = await officialReport(BUNDLE_17);
  it('loads the older release with its own tactics and techniques', () => {
    expect(report.inputs.attack.version).toBe('17.1');
    expect(report.tactics).toHaveLength(14);
    expect(report.summary.rules.total).toBe(93);
    expect(report.techniques.length).toBeGreaterThan(600);
  });
});

describe('downloading the real 18.1 bundle from a server on 127.0.0.1', () => {
  let server: TestServer;
  let bundle: Buffer;
  beforeAll(async () => {
    bundle = gunzipSync(await readFile(BUNDLE_18));
    server = await startServer({
      '/enterprise-attack-18.1.json': serve(bundle),
      '/enterprise-attack-18.1.json.gz': serve(gzipSync(bundle), 'application/gzip'),
      '/dropped.json': dropMidway(bundle, 0.6),
    });
  });
  afterAll(() => server.close());

  it('downloads, validates and caches it', async () => {
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
    const loaded = await loadAttack(server.url('/enterprise-attack-18.1.json'), { cacheRoot, download: { backoffMs: 5 } });
    expect(loaded.catalog.techniques.get('T1529')?.name).toBe('System Shutdown/Reboot');
    expect((await readdir(path.join(cacheRoot, 'urls'))).length).toBe(1);
  });

  it('reads a gzipped download', async () => {
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
    const loaded = await loadAttack(server.url('/enterprise-attack-18.1.json.gz'), { cacheRoot, download: { backoffMs: 5 } });
    expect(loaded.catalog.version).toBe('18.1');
  });

  it('leaves nothing in the cache when the connection drops mid-download every time', async () => {
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
    await expect(loadAttack(server.url('/dropped.json'), { cacheRoot, download: { attempts: 2, backoffMs: 5 } })).rejects.toBeInstanceOf(NetworkError);
    expect(await readdir(cacheRoot, { recursive: true })).toEqual([]);
  });
});

describe('the CLI on the real data', () => {
  it('attack-cov report --attack <18.1> --rules <official files> summarizes 93 rules and the gaps', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-'));
    const result = await runCli(['report', '--attack', BUNDLE_18, '--rules', ...OFFICIAL, '--out', out, '--top', '200']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/3 rules files · 93 rules/);
    expect(result.stdout).toMatch(/T1529\s+System Shutdown\/Reboot/);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport;
    expect(report.findings.filter((f) => f.code === 'tactic-mismatch')).toHaveLength(10);
  });
});
