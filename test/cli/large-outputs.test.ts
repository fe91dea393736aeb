// From 2,000 rules report.json and heatmap.html are written in pieces (src/report/json-chunks.ts) rather
// than rendered whole: on a generated ruleset of 2,000 rules (bench/generate-rules.mjs, seeded) they must
// still be exactly the canonical JSON of the report and the page's data block the escaped compact JSON of its data.
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/coverage-report.js';
import { heatmapData } from '../../src/report/heatmap-data.js';
import { jsonForScript } from '../../src/report/html-safety.js';
import { stringifyJson } from '../../src/report/reporter.js';
import { runCli } from '../helpers/cli.js';
import { BUNDLE_17, repoRoot } from '../helpers/paths.js';

describe('report on 2,000 rules (outputs written in pieces)', () => {
  it('writes report.json and the heatmap data block byte for byte as rendered whole', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-large-'));
    const { OFFICIAL, generateRuleset } = (await import(path.join(repoRoot, 'bench', 'generate-rules.mjs'))) as { OFFICIAL: string[]; generateRuleset: (n: number, dir: string, o: object) => string[] };
    const rules = [...OFFICIAL, ...generateRuleset(1907, path.join(dir, 'rules'), { seed: 3 })];
    const out = path.join(dir, 'out');
    const result = await runCli(['report', '--attack', BUNDLE_17, '--rules', ...rules, '--out', out, '-q', '--format', 'json,heatmap'], { env: { SOURCE_DATE_EPOCH: '1767225600' } });
    expect(result.stderr).toBe('');
    const text = await readFile(path.join(out, 'report.json'), 'utf8');
    const report = JSON.parse(text) as CoverageReport;
    expect(report.rules.length).toBeGreaterThanOrEqual(2000);
    expect(text).toBe(stringifyJson(report));
    const page = await readFile(path.join(out, 'heatmap.html'), 'utf8');
    expect(page).toContain(`>${jsonForScript(heatmapData(report))}</script>`);
  }, 60_000);
});
