// Which groups, software and campaigns matter to the scope: those whose software runs on its platforms,
// that use techniques existing only there, or whose techniques fall mostly within it. Pure.
import type { Catalog } from '../attack/types.js';
import type { ProfileCounts, TechniqueEntry } from '../coverage-report.js';
import { buildProfile, scopeActivity } from './threats.js';
import { compareText } from '../collections.js';

/** Share of an actor's techniques in scope from which they "fall mostly within it". */
export const MOSTLY_IN_SCOPE = 0.8;

export interface RankedThreat {
  id: string;
  kind: 'group' | 'software' | 'campaign';
  name: string;
  aliases: string[];
  url: string;
  /** Its software (or itself) running on a scope platform. */
  scopeSoftware: { id: string; name: string; platforms: string[] }[];
  /** Techniques it uses directly whose platforms all lie within the scope. */
  scopeOnlyTechniques: string[];
  /** In-scope techniques it uses (directly or through software) / all it uses. */
  inScope: number;
  techniques: number;
  /** Coverage of its in-scope techniques, direct and through software together. */
  coverage: ProfileCounts;
  /** Software running only on scope platforms + scopeOnlyTechniques: the order (then in-scope share, scope software, in-scope count). */
  score: number;
  /** One sentence: why it is listed. */
  why: string;
}

function add(a: ProfileCounts, b: ProfileCounts): ProfileCounts {
  return { total: a.total + b.total, covered: a.covered + b.covered, partial: a.partial + b.partial, gap: a.gap + b.gap };
}

function explain(r: Omit<RankedThreat, 'why'>, scope: string[]): string {
  const parts = [];
  if (r.scopeSoftware.length > 0) parts.push(`software on ${scope.join('/')}: ${r.scopeSoftware.map((s) => s.name).join(', ')} (${r.score - r.scopeOnlyTechniques.length} only there)`);
  const only = r.scopeOnlyTechniques;
  if (only.length > 0) parts.push(`uses ${only.length} technique(s) that exist only there (${only.slice(0, 5).join(', ')}${only.length > 5 ? `, and ${only.length - 5} more` : ''})`);
  parts.push(`${r.inScope} of its ${r.techniques} techniques in scope`);
  return parts.join('; ');
}

/** Software that runs only on scope platforms (Linux-only malware says more than Cobalt Strike, which runs everywhere);
 * `ids` are those scopeActivity found in the catalog. */
function exclusiveSoftware(catalog: Catalog, ids: string[], scope: Set<string>): number {
  return ids.filter((id) => catalog.threats.get(id)!.platforms.every((p) => scope.has(p))).length;
}

/** Actors relevant to the scope, most relevant first. */
export function rankThreats(catalog: Catalog, techniques: TechniqueEntry[], scopePlatforms: string[], kinds?: Set<string>): RankedThreat[] {
  const entries = new Map(techniques.map((t) => [t.id, t]));
  const scope = new Set(scopePlatforms);
  const ranked: RankedThreat[] = [];
  for (const actor of catalog.threats.values()) {
    if (kinds && !kinds.has(actor.kind)) continue;
    const activity = scopeActivity(actor, catalog, entries, scope);
    const profile = buildProfile(actor, actor.id, catalog, entries);
    const inScope = profile.direct.length + profile.viaSoftware.length;
    const total = inScope + profile.outOfScope;
    // Software runs where its platforms say; only groups and campaigns can be relevant by their techniques alone.
    // With no technique at all the share is 0/0, NaN, which is never mostly.
    const isMostly = actor.kind !== 'software' && inScope / total >= MOSTLY_IN_SCOPE;
    if (activity.software.length === 0 && activity.scopeOnlyTechniques.length === 0 && !isMostly) continue;
    const scopeSoftware = activity.software.map((id) => catalog.threats.get(id)!).map((s) => ({ id: s.id, name: s.name, platforms: s.platforms.filter((p) => scope.has(p)) }));
    const entry = { id: actor.id, kind: actor.kind, name: actor.name, aliases: actor.aliases, url: actor.url, scopeSoftware, scopeOnlyTechniques: activity.scopeOnlyTechniques, inScope, techniques: total, coverage: add(profile.counts.direct, profile.counts.viaSoftware), score: exclusiveSoftware(catalog, activity.software, scope) + activity.scopeOnlyTechniques.length };
    ranked.push({ ...entry, why: explain(entry, scopePlatforms) });
  }
  const share = (r: RankedThreat) => (r.techniques === 0 ? 0 : r.inScope / r.techniques);
  return ranked.sort((a, b) => b.score - a.score || share(b) - share(a) || b.scopeSoftware.length - a.scopeSoftware.length || b.inScope - a.inScope || compareText(a.id, b.id));
}
