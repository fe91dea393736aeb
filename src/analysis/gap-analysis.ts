// The threat-informed half of the analysis: detectability of each in-scope technique, the --threat
// profiles, and the gaps in priority order. Pure: sets `detectability` on the technique entries it is given.
import type { Catalog } from '../attack/types.js';
import type { DetectabilityVerdict, GapEntry, TechniqueEntry, ThreatProfile } from '../coverage-report.js';
import type { LogSourceMapping } from '../upstream.js';
import { assessDetectability } from './detectability.js';
import { prioritizeGaps, TIERS } from './priority.js';
import { activeActors, buildProfile, resolveThreatRef } from './threats.js';

export interface GapAnalysis {
  gaps: GapEntry[];
  threats: ThreatProfile[];
  /** Top-level gaps per detectability verdict. */
  gapDetectability: Record<DetectabilityVerdict, number>;
}

export function analyzeGaps(catalog: Catalog, techniques: TechniqueEntry[], scope: Set<string>, loadedSources: string[], logSources: LogSourceMapping[], threatRefs: string[]): GapAnalysis {
  const entries = new Map(techniques.map((t) => [t.id, t]));
  // Refs first: an unknown one is a usage error before any work is done.
  const resolved = threatRefs.map((ref) => ({ ref, actor: resolveThreatRef(ref, catalog) }));
  // One profile per actor, as given first: `--threat TeamTNT --threat G0139` is one profile, not +200 to its gaps.
  const actors = resolved.filter(({ actor }, i) => resolved.findIndex((r) => r.actor.id === actor.id) === i);
  for (const t of techniques.filter((t) => t.inScope)) {
    t.detectability = assessDetectability(catalog, t.id, t.platforms.filter((p) => scope.has(p)), loadedSources, logSources);
  }
  const threats = actors.map(({ ref, actor }) => buildProfile(actor, ref, catalog, entries));
  const platforms = [...scope].sort();
  const gaps = prioritizeGaps(techniques, catalog, activeActors(catalog, entries, scope), threats, platforms);
  const topLevel = gaps.filter((g) => !g.isSubtechnique);
  const gapDetectability = Object.fromEntries(TIERS.map((v) => [v, topLevel.filter((g) => g.priority.detectability === v).length])) as Record<DetectabilityVerdict, number>;
  return { gaps, threats, gapDetectability };
}
