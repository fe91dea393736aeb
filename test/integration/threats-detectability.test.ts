// Issue 9 on the real inputs the repository embeds (ATT&CK 18.1, the official rules) and ATT&CK 17.1:
// coverage per platform and source, threat profiles checked against the raw bundle, detectability, gap priority.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readBundleFile } from '../../src/attack/load.js';
import { analyze } from '../../src/analysis/analyze.js';
import { rankThreats } from '../../src/analysis/threat-ranking.js';
import type { Catalog } from '../../src/attack/types.js';
import type { CoverageReport } from '../../src/coverage-report.js';
import { UsageError } from '../../src/errors.js';
import { loadRules } from '../../src/falco/load.js';
import { readLogSourceMap, readSourcePlatforms } from '../../src/upstream.js';
import { buildPriorityLayer, buildProfileLayer } from '../../src/report/threat-layers.js';
import { validateLayer } from '../../src/report/layer-schema.js';
import { renderSummary } from '../../src/report/terminal.js';
import { renderSummaryMarkdown } from '../../src/report/summary-md.js';
import { coverageCsvReporter } from '../../src/report/csv.js';
import { BUNDLE_17, BUNDLE_18, OFFICIAL_RULES, repoRoot } from '../helpers/paths.js';

const catalog18 = (await readBundleFile(BUNDLE_18, BUNDLE_18)).catalog;
const official = await loadRules(OFFICIAL_RULES, { cacheRoot: '/nonexistent', cwd: repoRoot });

function reportOn(catalog: Catalog, options: { platforms?: string[]; threats?: string[] } = {}): CoverageReport {
  return analyze({
    catalog,
    attack: { source: 'bundle', sha256: '0' },
    ruleset: official.ruleset,
    rulesOrigin: official.origin,
    sourcePlatforms: readSourcePlatforms(),
    logSources: readLogSourceMap(),
    generatedAt: new Date(0),
    tool: { name: 'attack-cov', version: 'test' },
    ...options,
  });
}

interface RawObject { type: string; id: string; name?: string; revoked?: boolean; x_mitre_deprecated?: boolean; x_mitre_platforms?: string[]; relationship_type?: string; source_ref?: string; target_ref?: string; external_references?: { source_name: string; external_id?: string }[] }

/** TeamTNT's techniques straight from the raw bundle, without attack-cov's loader or normalizer. */
async function rawUsesOf(groupName: string, scope: string[]): Promise<string[]> {
  const bundle = JSON.parse(gunzipSync(await readFile(BUNDLE_18)).toString('utf8')) as { objects: RawObject[] };
  const live = (o: RawObject) => !o.revoked && !o.x_mitre_deprecated;
  const group = bundle.objects.find((o) => o.type === 'intrusion-set' && o.name === groupName && live(o))!;
  const patterns = new Map(bundle.objects.filter((o) => o.type === 'attack-pattern' && live(o)).map((o) => [o.id, o]));
  const ids = bundle.objects
    .filter((o) => o.type === 'relationship' && o.relationship_type === 'uses' && o.source_ref === group.id && live(o) && patterns.has(o.target_ref!))
    .map((o) => patterns.get(o.target_ref!)!)
    .filter((p) => (p.x_mitre_platforms ?? []).some((x) => scope.includes(x)))
    .map((p) => p.external_references!.find((r) => r.source_name === 'mitre-attack')!.external_id!);
  return [...new Set(ids)].sort();
}

describe('coverage per platform and source (ATT&CK 18.1, official rules)', () => {
  const iaas = reportOn(catalog18, { platforms: ['IaaS'] });

  it('shows no coverage on IaaS from syscall rules', () => {
    expect(iaas.summary.techniques).toMatchObject({ covered: 0, partial: 0 });
    expect(iaas.summary.techniques.total).toBeGreaterThan(50);
    const t1059 = iaas.techniques.find((t) => t.id === 'T1059')!;
    expect(t1059.rules.length).toBeGreaterThan(5); // the tags are still listed…
    expect(t1059).toMatchObject({ status: 'gap', observingRules: [] }); // …but cover nothing on IaaS
    expect(t1059.platformCoverage.find((c) => c.platform === 'Linux')).toMatchObject({ status: 'covered' });
    expect(iaas.tactics.every((t) => t.covered === 0 && t.partial === 0)).toBe(true);
  });

  it('counts coverage per in-scope platform', () => {
    const report = reportOn(catalog18);
    expect(report.summary.platforms.map((p) => p.platform)).toEqual(['Containers', 'Linux']);
    expect(report.summary.platforms.every((p) => p.covered > 0)).toBe(true);
  });

  it('draws the Navigator layer from the rules that observe the scope', () => {
    const layer = buildPriorityLayer(iaas);
    expect(validateLayer(layer)).toEqual([]);
  });
});

describe('threat profiles', () => {
  const report = reportOn(catalog18, { threats: ['TeamTNT', 'S0599', 'C0035'] });
  const [teamTnt, kinsing, kv] = report.threats;

  it('reports TeamTNT\'s in-scope techniques exactly as the bundle\'s uses relationships give them', async () => {
    const expected = await rawUsesOf('TeamTNT', report.scope.platforms);
    expect(teamTnt!.direct.map((t) => t.id).sort()).toEqual(expected);
    expect(expected.length).toBe(45);
    const status = (s: string) => teamTnt!.direct.filter((t) => t.status === s).length;
    expect(teamTnt!.counts.direct).toEqual({ total: 45, covered: status('covered'), partial: status('partial'), gap: status('gap') });
    expect(teamTnt!.counts.direct.covered + teamTnt!.counts.direct.gap + teamTnt!.counts.direct.partial).toBe(45);
  });

  it('lists techniques used only through software apart, naming the software', () => {
    const direct = new Set(teamTnt!.direct.map((t) => t.id));
    expect(teamTnt!.viaSoftware.length).toBeGreaterThan(0);
    for (const t of teamTnt!.viaSoftware) {
      expect(direct.has(t.id)).toBe(false);
      expect(t.via!.every((id) => teamTnt!.software.some((s) => s.id === id))).toBe(true);
    }
  });

  it('resolves IDs, names and aliases of groups, software and campaigns', () => {
    expect([teamTnt!.id, kinsing!.id, kv!.id]).toEqual(['G0139', 'S0599', 'C0035']);
    expect([teamTnt!.kind, kinsing!.kind, kv!.kind]).toEqual(['group', 'software', 'campaign']);
    expect(reportOn(catalog18, { threats: ['kinsing'] }).threats[0]!.id).toBe('S0599');
    expect(reportOn(catalog18, { threats: ['Cozy Bear'] }).threats[0]!.id).toBe('G0016'); // an alias of APT29
  });

  it('refuses an unknown ref with the closest names', () => {
    expect(() => reportOn(catalog18, { threats: ['TeamTNTT'] })).toThrow(UsageError);
    try {
      reportOn(catalog18, { threats: ['TeamTNTT'] });
    } catch (error) {
      expect((error as UsageError).hint).toMatch(/TeamTNT \(G0139\)/);
    }
  });

  it('ranks TeamTNT first among the adversaries relevant to Linux and containers', () => {
    const ranked = rankThreats(catalog18, report.techniques, report.scope.platforms);
    expect(ranked[0]!.id).toBe('G0139');
    expect(ranked[0]!.why).toMatch(/Hildegard/);
    expect(rankThreats(catalog18, report.techniques, ['Containers'], new Set(['software'])).every((r) => r.kind === 'software')).toBe(true);
  });

  it('writes a valid Navigator layer per profile', () => {
    const layer = buildProfileLayer(report, teamTnt!);
    expect(validateLayer(layer)).toEqual([]);
    expect(layer.techniques.length).toBe(teamTnt!.direct.length + teamTnt!.viaSoftware.length);
  });
});

describe('detectability', () => {
  const report = reportOn(catalog18);
  const entry = (id: string) => report.techniques.find((t) => t.id === id)!;

  it('marks T1529 closable with syscall, naming AN1539 and its channel', () => {
    const d = entry('T1529').detectability!;
    expect(d).toMatchObject({ verdict: 'closable-loaded', loadedSources: ['syscall'] });
    expect(d.reason).toMatch(/AN1539/);
    const an1539 = d.analytics.find((a) => a.id === 'AN1539')!;
    expect(an1539.logSources[0]).toMatchObject({ name: 'auditd:SYSCALL', channel: 'execve=/sbin/shutdown or /sbin/reboot', falcoSource: 'syscall', isLoaded: true });
    expect(an1539.logSources[1]).toMatchObject({ name: 'linux:syslog', isLoaded: false });
    expect(an1539.logSources[1]!.falcoSource).toBeUndefined();
  });

  it('marks a technique whose Linux analytics name only non-Falco log sources as not observable', () => {
    // T1111 Multi-Factor Authentication Interception: its Linux analytic reads linux:syslog only.
    const d = entry('T1111').detectability!;
    expect(d.verdict).toBe('not-observable');
    expect(d.analytics.flatMap((a) => a.logSources).every((l) => l.falcoSource === undefined)).toBe(true);
  });

  it('names another Falco source and its plugin when the loaded ones cannot see it', () => {
    const iaas = reportOn(catalog18, { platforms: ['IaaS'] });
    const d = iaas.techniques.find((t) => t.id === 'T1530')!.detectability!;
    expect(d.verdict).toBe('closable-other');
    expect(d.otherSources).toContainEqual({ source: 'aws_cloudtrail', plugin: 'cloudtrail' });
  });

  it('says detectability is unknown on ATT&CK 17.1, which has no analytics', async () => {
    const report17 = reportOn((await readBundleFile(BUNDLE_17, BUNDLE_17)).catalog);
    const verdicts = new Set(report17.techniques.filter((t) => t.inScope).map((t) => t.detectability!.verdict));
    expect([...verdicts]).toEqual(['unknown']);
    expect(report17.techniques.find((t) => t.id === 'T1529')!.detectability!.reason).toMatch(/17\.1 has no analytics/);
  });
});

describe('gap priority', () => {
  const plain = reportOn(catalog18);
  const withThreat = reportOn(catalog18, { threats: ['TeamTNT'] });

  it('puts gaps Falco can close first, then orders by score, and says why for each', () => {
    const tiers = plain.gaps.map((g) => g.priority.tier);
    expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
    const firstTier = plain.gaps.filter((g) => g.priority.tier === 0).map((g) => g.priority.score);
    expect(firstTier).toEqual([...firstTier].sort((a, b) => b - a));
    plain.gaps.forEach((g, i) => {
      expect(g.priority.rank).toBe(i + 1);
      expect(g.priority.why).toMatch(new RegExp(`^#${i + 1}: tier ${g.priority.tier + 1} of 4, `));
    });
    expect(plain.gaps.at(-1)!.priority.detectability).toBe('not-observable');
  });

  it('rolls sub-technique users up into the parent and counts only adversaries active on the scope', () => {
    const t1071 = plain.gaps.find((g) => g.id === 'T1071')!;
    expect(t1071.priority.users).toBeGreaterThan(t1071.usedBy); // with its sub-techniques
    expect(t1071.priority.activeUsers).toBeLessThan(t1071.priority.users);
    expect(t1071.priority.score).toBe(t1071.priority.activeUsers);
  });

  it('weights up the techniques of a --threat profile', () => {
    const tntGaps = new Set(withThreat.threats[0]!.direct.filter((t) => t.status === 'gap').map((t) => t.id));
    const top = withThreat.gaps.filter((g) => g.priority.tier === 0 && !g.isSubtechnique).slice(0, 5);
    expect(top.every((g) => g.priority.profiles.includes('TeamTNT'))).toBe(true);
    expect(top.some((g) => tntGaps.has(g.id))).toBe(true);
    expect(top[0]!.priority.why).toMatch(/used by --threat TeamTNT \(\+100 each\)/);
  });

  it('explains the order in the terminal, summary.md and coverage.csv', () => {
    const top = withThreat.gaps.filter((g) => !g.isSubtechnique)[0]!;
    const terminal = renderSummary(withThreat, { isColor: false }, 3);
    expect(terminal).toContain(`why: ${top.priority.why}`);
    expect(terminal).toMatch(/TeamTNT \(G0139, group\): 45 in-scope techniques and sub-techniques used directly/);
    expect(renderSummaryMarkdown(withThreat)).toMatch(/### Threat profiles/);
    expect(renderSummaryMarkdown(withThreat)).toContain(`| 1 | ${withThreat.gaps[0]!.id} |`);
    const csv = coverageCsvReporter.render(withThreat, { outDir: '/' }).split('\n');
    expect(csv[0]).toMatch(/,gap_rank,priority_score,detectability,falco_sources,analytics,threat_profiles,priority_reason,change,evidence,firing_rules$/);
    expect(csv[1]).toMatch(new RegExp(`^${withThreat.gaps[0]!.id},`));
  });
});
