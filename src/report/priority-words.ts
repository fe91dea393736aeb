// The words every reporter uses for detectability, gap priority and threat profiles, made in one place.
// Pure: report data in, short strings out (callers escape them for their format).
import type { DetectabilityVerdict, GapEntry, ThreatProfile } from '../coverage-report.js';
import { plural } from './words.js';

export const VERDICT_LABEL: Record<DetectabilityVerdict, string> = {
  'closable-loaded': 'closable with loaded sources',
  'closable-other': 'closable with another Falco source',
  'not-observable': 'not observable by Falco',
  unknown: 'detectability unknown',
};

/** "closable: syscall", "needs plugin cloudtrail", "not observable", "unknown". */
export function shortVerdict(gap: GapEntry, detail?: { loadedSources: string[]; otherSources: { source: string; plugin: string }[] }): string {
  switch (gap.priority.detectability) {
    case 'closable-loaded':
      return `closable: ${detail?.loadedSources.join(', ') ?? 'loaded source'}`;
    case 'closable-other':
      return `needs ${detail?.otherSources.map((o) => (o.plugin === o.source ? o.source : `${o.source} (plugin ${o.plugin})`)).join(', ') ?? 'another source'}`;
    case 'not-observable':
      return 'not observable';
    default:
      return 'unknown';
  }
}

/**
 * The gaps, in priority order, down to the `count`th top-level one: the top gaps a text report lists. The
 * sub-techniques ranked among them come along, so the ranks shown run 1, 2, 3 … without a number missing.
 */
export function topGapRows(gaps: readonly GapEntry[], count: number): GapEntry[] {
  if (count <= 0) return [];
  let topLevel = 0;
  const end = gaps.findIndex((g) => !g.isSubtechnique && ++topLevel === count);
  return end < 0 ? [...gaps] : gaps.slice(0, end + 1);
}

/** "100 closable with loaded sources, 11 closable with another Falco source, …" (verdicts with none left out). */
export function describeGapDetectability(counts: Partial<Record<DetectabilityVerdict, number>> | undefined): string {
  return (Object.keys(VERDICT_LABEL) as DetectabilityVerdict[])
    .filter((v) => (counts?.[v] ?? 0) > 0)
    .map((v) => `${counts![v]} ${VERDICT_LABEL[v]}`)
    .join(', ');
}

/**
 * One line per profile: what it uses in scope and how much of it is covered. `names` makes the bundle's names and
 * IDs fit the format (summary.md escapes and cuts each), so that the counts between them are never cut.
 */
export function describeProfile(profile: ThreatProfile, names: (text: string) => string = (text) => text): string {
  const { direct, viaSoftware } = profile.counts;
  const part = (c: typeof direct) => `${c.covered} covered, ${c.partial} partly, ${plural(c.gap, 'gap')}`;
  const software = profile.software.length > 0 ? `; ${viaSoftware.total} more only through its software (${names(profile.software.map((s) => s.name).join(', '))}): ${part(viaSoftware)}` : '';
  // Techniques and sub-techniques alike (the heatmap's profile view counts top-level cells): said, so the two agree.
  const what = direct.total === 1 ? '1 in-scope technique or sub-technique' : `${direct.total} in-scope techniques and sub-techniques`;
  return `${names(profile.name)} (${names(profile.id)}, ${profile.kind}): ${what} used directly: ${part(direct)}${software}; ${profile.outOfScope} outside the scope`;
}

/** The exact command that drafts a rule for a technique. */
export function draftCommand(id: string): string {
  return `attack-cov draft ${id}`;
}
