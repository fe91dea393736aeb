// Extra Navigator layers (format 4.5): "priority gaps" (layer-priority-gaps.json: gaps scored and
// coloured by priority, each with why) and one per --threat profile (layer-<profile>.json).
import type { CoverageReport, GapEntry, ProfileTechnique, ThreatProfile } from '../coverage-report.js';
import { COVERED_COLORS, GAP_COLOR, PARTIAL_COLOR } from './palette.js';
import { validateLayer } from './layer-schema.js';
import { layerGradient, layerShell } from './layer.js';
import { legendLabel, scoreBucket } from './layer-score.js';
import { VERDICT_LABEL } from './priority-words.js';
import { stringifyJson, type Reporter } from './reporter.js';
import { TIERS } from '../analysis/priority.js';

/** Dark to light: closable with loaded sources, with another source, unknown, not observable. */
const TIER_COLORS = ['#b35806', '#f1a340', '#d8d8d8', '#f0f0f0'];

function gapTechnique(gap: GapEntry) {
  return { techniqueID: gap.id, score: gap.priority.score, color: TIER_COLORS[gap.priority.tier] ?? GAP_COLOR, comment: gap.priority.why, metadata: [{ name: 'detectability', value: VERDICT_LABEL[gap.priority.detectability] }] };
}

export function buildPriorityLayer(report: CoverageReport) {
  const gaps = report.gaps;
  return {
    ...layerShell(report, `Priority gaps (ATT&CK ${report.inputs.attack.version})`, `attack-cov ${report.tool.version}: ${gaps.length} in-scope gaps. Colour = detectability tier (darkest: closable with loaded Falco sources); score = adversaries active on the scope using it + 100 per --threat profile. The comment says why each ranks where it does.`),
    techniques: gaps.map(gapTechnique),
    gradient: { colors: ['#ffffff', '#ffffff'], minValue: 0, maxValue: Math.max(1, ...gaps.map((g) => g.priority.score)) },
    legendItems: TIERS.map((tier, i) => ({ label: VERDICT_LABEL[tier], color: TIER_COLORS[i]! })),
  };
}

function profileTechnique(profile: ThreatProfile, t: ProfileTechnique, rules: number) {
  const how = t.via ? `used by ${profile.name} through ${t.via.join(', ')}` : `used directly by ${profile.name}`;
  return {
    techniqueID: t.id,
    score: rules,
    // Every technique painted with a colour of the legend, as in layer.json.
    color: t.status === 'covered' ? COVERED_COLORS[scoreBucket(rules, COVERED_COLORS.length)]! : t.status === 'partial' ? PARTIAL_COLOR : GAP_COLOR,
    comment: `${how}; ${t.status}${rules > 0 ? ` by ${rules} enabled rule(s)` : ''}`,
  };
}

export function buildProfileLayer(report: CoverageReport, profile: ThreatProfile) {
  const rules = new Map(report.techniques.map((t) => [t.id, t.observingRules.length]));
  const { direct, viaSoftware } = profile.counts;
  return {
    ...layerShell(report, `${profile.name} (${profile.id}) vs Falco rules`, `attack-cov ${report.tool.version}: ${profile.name}'s in-scope techniques, ${direct.total} used directly (${direct.covered} covered, ${direct.gap} gaps) and ${viaSoftware.total} through its software (${viaSoftware.covered} covered, ${viaSoftware.gap} gaps). Score = enabled rules observing it.`),
    techniques: [...profile.direct, ...profile.viaSoftware].map((t) => profileTechnique(profile, t, rules.get(t.id) ?? 0)),
    gradient: layerGradient(),
    legendItems: [
      { label: 'gap', color: GAP_COLOR },
      { label: 'partly covered', color: PARTIAL_COLOR },
      ...COVERED_COLORS.map((color, i) => ({ label: `covered: ${legendLabel(i, COVERED_COLORS.length, 'count')}`, color })),
    ],
  };
}

export const priorityLayerReporter: Reporter = {
  name: 'priority-layer',
  fileName: 'layer-priority-gaps.json',
  description: 'Navigator layer of the gaps in priority order, each with why',
  render: (report) => stringifyJson(buildPriorityLayer(report)),
  validate: (output) => validateLayer(JSON.parse(output)),
};

/** One file per --threat profile; nothing without profiles. */
export const threatLayersReporter: Reporter = {
  name: 'threat-layers',
  fileName: 'layer-<profile>.json',
  description: 'one Navigator layer per --threat profile (layer-<profile>.json)',
  render: () => '',
  renderFiles: (report) => uniqueNames(report.threats ?? []).map(({ profile, name }) => ({ name, content: stringifyJson(buildProfileLayer(report, profile)) })),
  validate: (output) => validateLayer(JSON.parse(output)),
};

/** layer-<slug>.json; a second profile with the same slug gets its ID added. */
function uniqueNames(profiles: ThreatProfile[]): { profile: ThreatProfile; name: string }[] {
  const seen = new Set<string>();
  return profiles.flatMap((profile) => {
    const name = seen.has(profile.slug) ? `layer-${profile.slug}-${profile.id.toLowerCase()}.json` : `layer-${profile.slug}.json`;
    if (seen.has(name) || seen.has(profile.id)) return [];
    seen.add(profile.slug).add(profile.id).add(name);
    return [{ profile, name }];
  });
}
