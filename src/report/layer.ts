// layer.json: an ATT&CK Navigator layer (format 4.5): score per technique (--score), every technique painted
// explicitly with its legend colour, the rules named in comments and metadata (at most NAMED_RULES each). Validated against data/navigator-layer-4.5.schema.json.
import type { CoverageReport, RuleEntry, TechniqueEntry } from '../coverage-report.js';
import { legendLabel, scoreBucket, SCORE_DESCRIPTIONS, techniqueScore, type ScoreMode } from './layer-score.js';
import { COVERED_COLORS, GAP_COLOR, PARTIAL_COLOR } from './palette.js';
import { validateLayer } from './layer-schema.js';
import { statusChangeWords } from './words.js';
import { stringifyJson, type Reporter } from './reporter.js';
import { visibleName } from '../terminal-text.js';

/** The Navigator release whose layer format is 4.5. */
const NAVIGATOR_VERSION = '5.1.0';

function ruleLocations(report: CoverageReport): Map<string, string> {
  return new Map(report.rules.map((r) => [r.name, `${r.file}:${r.line}`]));
}

/**
 * Rules a technique's tooltip names, in its comment and in its metadata, before saying how many more there are:
 * Navigator shows both whole in a tooltip, where 290 names (a 10,000-rule set) are a wall of text no one reads;
 * report.json, coverage.csv and the heatmap list them all. At 10,000 rules layer.json was 2.7 MB, most of it names.
 */
export const NAMED_RULES = 25;

/** `rules` made into items by `each`, at most NAMED_RULES of them, then one item made by `rest` of the words
 * saying how many more report.json lists. */
function upToNamed<T>(rules: string[], each: (name: string) => T, rest: (words: string) => T): T[] {
  const named = rules.slice(0, NAMED_RULES).map(each);
  return rules.length > NAMED_RULES ? [...named, rest(`… and ${rules.length - NAMED_RULES} more (report.json lists every rule)`)] : named;
}

/** Rule names as a Navigator tooltip shows them: no control or bidi character from the rules, none longer than 300,
 * at most NAMED_RULES of them. */
const names = (rules: string[]): string => upToNamed(rules, visibleName, (words) => words).join('; ');

/** The metadata naming the rules that observe a technique, each with its place, at most NAMED_RULES of them. */
function ruleMetadata(rules: string[], locations: Map<string, string>): { name: string; value: string }[] {
  return upToNamed(rules, (name) => ({ name: 'rule', value: `${visibleName(name)} (${visibleName(locations.get(name) ?? '?')})` }), (value) => ({ name: 'rule', value }));
}

function commentFor(entry: TechniqueEntry, change: string | undefined): string {
  const status =
    entry.status === 'covered'
      ? `Covered by ${entry.observingRules.length} enabled rule(s): ${names(entry.observingRules)}`
      : entry.status === 'partial'
        ? `Partly covered: sub-techniques ${entry.coveredSubtechniques.join(', ')}`
        : entry.rules.length > 0
          ? `Gap: ${entry.rules.length} enabled rule(s) tag it, but their sources observe none of its platforms in scope: ${names(entry.rules)}`
          : 'Gap: no enabled rule tags this technique';
  const comment = `${change ? `${change} since the baseline. ` : ''}${status}`;
  return entry.disabledRules.length > 0 ? `${comment}. Disabled: ${names(entry.disabledRules)}` : comment;
}

/** The colour a technique is painted with: the legend's, set explicitly so that Navigator paints exactly it. */
function colorFor(entry: TechniqueEntry, score: number): string {
  if (entry.status === 'covered') return COVERED_COLORS[scoreBucket(score, COVERED_COLORS.length)]!;
  return entry.status === 'partial' ? PARTIAL_COLOR : GAP_COLOR;
}

function layerTechnique(entry: TechniqueEntry, context: { locations: Map<string, string>; changes: Map<string, string>; rules: Map<string, RuleEntry>; mode: ScoreMode }) {
  const score = techniqueScore(entry, context.rules, context.mode);
  return {
    techniqueID: entry.id,
    score,
    color: colorFor(entry, score),
    comment: commentFor(entry, context.changes.get(entry.id)),
    ...(entry.observingRules.length > 0 ? { metadata: ruleMetadata(entry.observingRules, context.locations) } : {}),
    ...(entry.url.startsWith('https://') ? { links: [{ label: `ATT&CK ${entry.id}`, url: entry.url }] } : {}),
    ...(!entry.isSubtechnique && entry.coveredSubtechniques.length > 0 ? { showSubtechniques: true } : {}),
  };
}

/**
 * A gradient that paints the legend's colours by itself too (for a user who clears the explicit colours):
 * Navigator samples 100 steps of it (tinygradient) at round((score - min) / (max - min) * 100). Every score is a
 * multiple of 0.25 (the --score weights are), so up to 1 takes step 0, 1.25-2 steps 8-33, 2.25-3 steps 42-67 and
 * 3.25 up steps 75-99: the 17 even stops (one, then runs of 5, 6 and 5) keep one colour over steps 0, 7-33, 39-69
 * and 75-99, and blend only between them, where no score falls.
 */
export function layerGradient() {
  const [c1, c2, c3, c4] = COVERED_COLORS;
  return { colors: [c1!, ...Array<string>(5).fill(c2!), ...Array<string>(6).fill(c3!), ...Array<string>(5).fill(c4!)], minValue: 1, maxValue: COVERED_COLORS.length };
}

function changesOf(report: CoverageReport): Map<string, string> {
  return new Map([
    ...(report.comparison?.newlyCovered ?? []).map((t): [string, string] => [t.id, 'Newly covered']),
    ...(report.comparison?.newlyUncovered ?? []).map((t): [string, string] => [t.id, 'No longer covered']),
    ...(report.comparison?.statusChanges ?? []).map((t): [string, string] => [t.id, statusChangeWords(t).replace(/^./, (first) => first.toUpperCase())]),
  ]);
}

/** The settings every attack-cov layer shares (format 4.5); `metadata` goes between the time and the scope. */
export function layerShell(report: CoverageReport, name: string, description: string, metadata: { name: string; value: string }[] = []) {
  const { attack } = report.inputs;
  const major = /^(\d+)\./.exec(attack.version)?.[1];
  return {
    name,
    versions: { ...(major ? { attack: major } : {}), navigator: NAVIGATOR_VERSION, layer: '4.5' },
    domain: attack.domain,
    description,
    filters: { platforms: report.scope.platforms },
    sorting: 3,
    layout: { layout: 'side', showID: true, showName: true, showAggregateScores: false, countUnscored: false, aggregateFunction: 'max', expandedSubtechniques: 'annotated' },
    hideDisabled: false,
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
    metadata: [
      { name: 'generated by', value: `${report.tool.name} ${report.tool.version}` },
      { name: 'generated at', value: report.generatedAt },
      ...metadata,
      { name: 'scope', value: report.scope.platforms.join(', ') },
    ],
  };
}

export function buildLayer(report: CoverageReport, mode: ScoreMode = 'count') {
  const { attack } = report.inputs;
  const context = { locations: ruleLocations(report), changes: changesOf(report), rules: new Map(report.rules.map((r) => [r.name, r])), mode };
  const inScope = report.techniques.filter((t) => t.inScope);
  const description = `attack-cov ${report.tool.version}: ${report.summary.rules.enabled} enabled Falco rules; ${report.summary.techniques.percent}% of in-scope techniques covered or partly covered. ${SCORE_DESCRIPTIONS[mode]}`;
  return {
    ...layerShell(report, `Falco rules coverage (ATT&CK ${attack.version})`, description, report.inputs.rules.map((r) => ({ name: 'rules file', value: visibleName(r.path) }))),
    techniques: inScope.map((t) => layerTechnique(t, context)),
    gradient: layerGradient(),
    legendItems: [
      { label: 'gap: no enabled rule', color: GAP_COLOR },
      { label: 'partly covered (sub-techniques only)', color: PARTIAL_COLOR },
      ...COVERED_COLORS.map((color, i) => ({ label: legendLabel(i, COVERED_COLORS.length, mode), color })),
    ],
  };
}

export const layerReporter: Reporter = {
  name: 'layer',
  fileName: 'layer.json',
  description: 'ATT&CK Navigator layer (format 4.5)',
  render: (report, context) => stringifyJson(buildLayer(report, context.score)),
  validate: (output) => validateLayer(JSON.parse(output)),
};
