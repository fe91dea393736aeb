// The priority-gaps layer and the per-profile layers on the fixture report with a hand-made profile: each
// technique's score, colour, comment and metadata, the gradient and legend, and the file names of the
// per-profile layers (a repeated slug gets the ID, a repeated profile is written once).
import { describe, expect, it } from 'vitest';
import type { CoverageReport, ThreatProfile } from '../../../src/coverage-report.js';
import { COVERED_COLORS, GAP_COLOR, PARTIAL_COLOR } from '../../../src/report/palette.js';
import { buildPriorityLayer, buildProfileLayer, priorityLayerReporter, threatLayersReporter } from '../../../src/report/threat-layers.js';
import { layerGradient } from '../../../src/report/layer.js';
import { FIXTURE_RULES, PROFILE } from './full-report.js';
import { reportFor } from '../../helpers/load.js';

const report = await reportFor(FIXTURE_RULES);
const context = { outDir: '/' };

describe('the priority-gaps layer', () => {
  /** The fixture report with its first three gaps in tiers 1, 2 and 4, the first scored 250. */
  function tiered(): CoverageReport {
    const copy: CoverageReport = structuredClone(report);
    const verdicts = ['closable-loaded', 'closable-other', 'not-observable'] as const;
    copy.gaps.slice(0, 3).forEach((g, i) => Object.assign(g.priority, { tier: [0, 1, 3][i], detectability: verdicts[i], score: [250, 7, 0][i] }));
    return copy;
  }

  it('paints each gap by its detectability tier, scores it by priority and says why', () => {
    const layer = buildPriorityLayer(tiered());
    expect(layer.techniques.map((t) => t.techniqueID)).toEqual(report.gaps.map((g) => g.id));
    expect(report.gaps.length).toBeGreaterThan(3);
    expect(layer.techniques.map((t) => t.color)).toEqual(['#b35806', '#f1a340', '#f0f0f0', ...report.gaps.slice(3).map(() => '#d8d8d8')]);
    expect(layer.techniques.slice(0, 3).map((t) => t.score)).toEqual([250, 7, 0]);
    expect(layer.techniques[0]!.comment).toBe(report.gaps[0]!.priority.why);
    expect(layer.techniques.slice(0, 3).map((t) => t.metadata)).toEqual([
      [{ name: 'detectability', value: 'closable with loaded sources' }],
      [{ name: 'detectability', value: 'closable with another Falco source' }],
      [{ name: 'detectability', value: 'not observable by Falco' }],
    ]);
    expect(buildPriorityLayer(report).techniques[0]!.color).toBe('#d8d8d8');
  });
  it('falls back to the gap colour for a tier it does not know', () => {
    const copy = tiered();
    copy.gaps[0]!.priority.tier = 9;
    expect(buildPriorityLayer(copy).techniques[0]!.color).toBe(GAP_COLOR);
  });
  it('spans the gradient to the highest score, at least 1, and has a legend per tier', () => {
    expect(buildPriorityLayer(tiered()).gradient).toEqual({ colors: ['#ffffff', '#ffffff'], minValue: 0, maxValue: 250 });
    expect(buildPriorityLayer(report).gradient.maxValue).toBe(1);
    expect(buildPriorityLayer({ ...report, gaps: [] }).gradient.maxValue).toBe(1);
    expect(buildPriorityLayer(report).legendItems).toEqual([
      { label: 'closable with loaded sources', color: '#b35806' },
      { label: 'closable with another Falco source', color: '#f1a340' },
      { label: 'detectability unknown', color: '#d8d8d8' },
      { label: 'not observable by Falco', color: '#f0f0f0' },
    ]);
  });
  it('is named for the ATT&CK version and describes what it shows', () => {
    const layer = buildPriorityLayer(report);
    expect(layer.name).toBe('Priority gaps (ATT&CK mini)');
    expect(layer.description).toBe(`attack-cov test: ${report.gaps.length} in-scope gaps. Colour = detectability tier (darkest: closable with loaded Falco sources); score = adversaries active on the scope using it + 100 per --threat profile. The comment says why each ranks where it does.`);
  });
  it('the reporter writes it as JSON that validates as a layer', () => {
    const text = priorityLayerReporter.render(tiered(), context);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(buildPriorityLayer(tiered()))));
    expect(priorityLayerReporter.validate!(text)).toEqual([]);
    expect(priorityLayerReporter.validate!('{"name":1}')).not.toEqual([]);
  });
});

describe('a threat profile layer', () => {

  it('lists the techniques used directly and through software, scored by observing rules', () => {
    const layer = buildProfileLayer(report, PROFILE);
    expect(layer.techniques).toEqual([
      { techniqueID: 'T1611', score: 3, color: COVERED_COLORS[2], comment: `used directly by ${PROFILE.name}; covered by 3 enabled rule(s)` },
      { techniqueID: 'T1059', score: 0, color: PARTIAL_COLOR, comment: `used directly by ${PROFILE.name}; partial` },
      { techniqueID: 'T1027', score: 0, color: GAP_COLOR, comment: `used by ${PROFILE.name} through Kit, Other; gap` },
    ]);
  });
  it('scores a technique the report does not list as 0', () => {
    const profile: ThreatProfile = { ...PROFILE, direct: [{ id: 'T9999', name: 'x', status: 'gap', isSubtechnique: false }], viaSoftware: [] };
    expect(buildProfileLayer(report, profile).techniques).toEqual([{ techniqueID: 'T9999', score: 0, color: GAP_COLOR, comment: `used directly by ${PROFILE.name}; gap` }]);
  });
  it('is named for the profile, counts its techniques, and has its gradient and legend', () => {
    const layer = buildProfileLayer(report, PROFILE);
    expect(layer.name).toBe(`${PROFILE.name} (G9999) vs Falco rules`);
    expect(layer.description).toBe(`attack-cov test: ${PROFILE.name}'s in-scope techniques, 2 used directly (1 covered, 0 gaps) and 1 through its software (0 covered, 1 gaps). Score = enabled rules observing it.`);
    expect(layer.gradient).toEqual(layerGradient());
    // Every colour a technique is painted with is in the legend (the covered ones were painted by the gradient, unexplained).
    expect(layer.legendItems).toEqual([
      { label: 'gap', color: GAP_COLOR },
      { label: 'partly covered', color: PARTIAL_COLOR },
      { label: 'covered: 1 enabled rule', color: COVERED_COLORS[0] },
      { label: 'covered: 2 enabled rules', color: COVERED_COLORS[1] },
      { label: 'covered: 3 enabled rules', color: COVERED_COLORS[2] },
      { label: 'covered: 4+ enabled rules', color: COVERED_COLORS[3] },
    ]);
    const legend = new Set(layer.legendItems.map((l) => l.color));
    for (const t of layer.techniques) expect(legend.has(t.color)).toBe(true);
  });
});

describe('the threat-layers reporter', () => {
  const profile = (id: string, slug: string): ThreatProfile => ({ ...PROFILE, id, slug });

  it('writes one layer-<slug>.json per profile, valid layers', () => {
    const files = threatLayersReporter.renderFiles!({ ...report, threats: [profile('G1', 'one'), profile('S2', 'two')] }, context);
    expect(files.map((f) => f.name)).toEqual(['layer-one.json', 'layer-two.json']);
    expect(JSON.parse(files[0]!.content)).toEqual(JSON.parse(JSON.stringify(buildProfileLayer(report, profile('G1', 'one')))));
    for (const f of files) expect(threatLayersReporter.validate!(f.content)).toEqual([]);
  });
  it('adds the ID when two profiles share a slug, and writes a profile given twice once', () => {
    const files = threatLayersReporter.renderFiles!({ ...report, threats: [profile('G1', 'x'), profile('C0035', 'x'), profile('G1', 'x'), profile('G2', 'x-c0035')] }, context);
    expect(files.map((f) => f.name)).toEqual(['layer-x.json', 'layer-x-c0035.json']);
  });
  it('writes nothing without profiles, and render alone writes nothing', () => {
    expect(threatLayersReporter.renderFiles!({ ...report, threats: [] }, context)).toEqual([]);
    expect(threatLayersReporter.renderFiles!({ ...report, threats: undefined as never }, context)).toEqual([]);
    expect(threatLayersReporter.render(report, context)).toBe('');
  });
});
