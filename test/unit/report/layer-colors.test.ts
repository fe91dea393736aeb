// The Navigator layer paints what its legend says: each technique's colour is computed the way ATT&CK
// Navigator computes it (explicit colour, else the score's place on the gradient, sampled in 100 steps
// with tinygradient as nav-app/src/app/classes/gradient.ts does) and compared with the legend's colour.
import tinygradient from 'tinygradient';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBundleFile } from '../../../src/attack/load.js';
import { analyze } from '../../../src/analysis/analyze.js';
import type { CoverageReport } from '../../../src/coverage-report.js';
import { loadRules } from '../../../src/falco/load.js';
import { buildLayer } from '../../../src/report/layer.js';
import { SCORE_MODES, scoreBucket } from '../../../src/report/layer-score.js';
import { COVERED_COLORS, GAP_COLOR, PARTIAL_COLOR } from '../../../src/report/palette.js';
import { readSourcePlatforms } from '../../../src/upstream.js';
import { BUNDLE_18, OFFICIAL_RULES, repoRoot } from '../../helpers/paths.js';

interface Gradient {
  colors: string[];
  minValue: number;
  maxValue: number;
}

/** Navigator's Gradient.getHexColor. */
function navigatorGradientColor(gradient: Gradient, score: number): string {
  const steps = tinygradient(gradient.colors).rgb(100);
  if (score >= gradient.maxValue) return steps[steps.length - 1]!.toHexString();
  if (score <= gradient.minValue) return steps[0]!.toHexString();
  return steps[Math.round(((score - gradient.minValue) / (gradient.maxValue - gradient.minValue)) * 100)]!.toHexString();
}

/** What Navigator paints a technique with: its own colour when it has one, else its score's gradient colour. */
function painted(technique: { color?: string; score?: number }, gradient: Gradient): string | undefined {
  if (technique.color) return technique.color;
  return technique.score ? navigatorGradientColor(gradient, technique.score) : undefined;
}

let report: CoverageReport;
beforeAll(async () => {
  const { catalog } = await readBundleFile(BUNDLE_18, 'attack-18.1', 'embedded');
  const { ruleset, origin } = await loadRules(OFFICIAL_RULES, { cacheRoot: '/nonexistent', cwd: repoRoot });
  report = analyze({ catalog, attack: { source: '18.1', sha256: '0' }, ruleset, rulesOrigin: origin, sourcePlatforms: readSourcePlatforms(), generatedAt: new Date(0), tool: { name: 'attack-cov', version: 'test' } });
});

describe('the layer gradient', () => {
  it('paints 1, 2, 3 and 4+ with the legend colours by itself', () => {
    const { gradient, legendItems } = buildLayer(report);
    const legend = legendItems.slice(2).map((item) => item.color);
    expect(legend).toEqual(COVERED_COLORS);
    expect([1, 2, 3, 4, 5, 12].map((score) => navigatorGradientColor(gradient, score))).toEqual([...legend, legend[3], legend[3]]);
  });

  it('paints every score the layer can hold (a multiple of 0.25, --score priority and maturity) with its legend colour by itself', () => {
    const { gradient } = buildLayer(report);
    for (let score = 0.25; score <= 12; score += 0.25) expect(navigatorGradientColor(gradient, score), String(score)).toBe(COVERED_COLORS[scoreBucket(score, 4)]);
  });

  it('would not with the old gradient (white to dark blue over 0 to the largest count)', () => {
    const old = { colors: ['#ffffff', ...COVERED_COLORS], minValue: 0, maxValue: 11 };
    expect([1, 2, 3, 4].map((score) => navigatorGradientColor(old, score))).not.toEqual(COVERED_COLORS);
  });
});

describe.each(SCORE_MODES)('the layer with --score %s', (mode) => {
  it('paints every technique with its legend colour: gap, partial, or the bucket of its score', () => {
    const layer = buildLayer(report, mode);
    const byLabel = new Map(layer.legendItems.map((item) => [item.label, item.color]));
    const entries = new Map(report.techniques.map((t) => [t.id, t]));
    const seen = new Set<string>();
    expect(layer.techniques.length).toBeGreaterThan(5);
    for (const technique of layer.techniques) {
      const entry = entries.get(technique.techniqueID)!;
      const expected = entry.status === 'gap' ? byLabel.get('gap: no enabled rule') : entry.status === 'partial' ? byLabel.get('partly covered (sub-techniques only)') : layer.legendItems[2 + scoreBucket(technique.score, 4)]!.color;
      expect(painted(technique, layer.gradient), technique.techniqueID).toBe(expected);
      // And without the explicit colour, as a user who clears it sees the layer (QA: 2.25, 3.5, 1.5 with --score priority).
      if (entry.status === 'covered') expect(navigatorGradientColor(layer.gradient, technique.score), `${technique.techniqueID} ${technique.score}`).toBe(expected);
      seen.add(expected!);
    }
    expect(seen).toContain(GAP_COLOR);
    expect(seen).toContain(PARTIAL_COLOR);
    expect([...seen].filter((c) => COVERED_COLORS.includes(c)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('the scores', () => {
  it('weigh rules by priority and by maturity', () => {
    const t1611 = report.techniques.find((t) => t.id === 'T1611')!;
    const rules = report.rules.filter((r) => t1611.rules.includes(r.name));
    const count = buildLayer(report, 'count').techniques.find((t) => t.techniqueID === 'T1611')!.score;
    const priority = buildLayer(report, 'priority').techniques.find((t) => t.techniqueID === 'T1611')!.score;
    const maturity = buildLayer(report, 'maturity').techniques.find((t) => t.techniqueID === 'T1611')!.score;
    expect(count).toBe(rules.length);
    const weights: Record<string, number> = { CRITICAL: 2, ERROR: 1.5, WARNING: 1, NOTICE: 0.75, INFORMATIONAL: 0.5 };
    expect(priority).toBe(rules.reduce((s, r) => s + (weights[r.priority.toUpperCase()] ?? 1), 0));
    const byMaturity: Record<string, number> = { stable: 2, incubating: 1, sandbox: 0.5 };
    expect(maturity).toBe(rules.reduce((s, r) => s + (byMaturity[r.maturity ?? ''] ?? 1), 0));
    expect(new Set([count, priority, maturity]).size).toBeGreaterThan(1);
  });
});
