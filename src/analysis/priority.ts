// Gap priority: gaps Falco can close first, then by threat relevance (adversaries active on the scope
// that use the technique or its sub-techniques, plus a weight per chosen --threat profile). Every gap
// carries the sentence saying why it ranks where it does. Pure.
import type { Catalog } from '../attack/types.js';
import type { DetectabilityVerdict, GapEntry, GapPriority, TechniqueEntry, ThreatProfile } from '../coverage-report.js';
import { appendTo, compareText, countsOf } from '../collections.js';

/** Detectability tiers, first to last: gaps a loaded source can close come first. */
export const TIERS: DetectabilityVerdict[] = ['closable-loaded', 'closable-other', 'unknown', 'not-observable'];
/** A chosen --threat profile using the technique counts as this many active adversaries. */
export const PROFILE_WEIGHT = 100;

/** Actor IDs using each technique directly (ATT&CK "uses"), sub-techniques rolled up into their parent. */
export function usersByTechnique(catalog: Catalog): Map<string, Set<string>> {
  return techniqueUsers(catalog).users;
}

/** usersByTechnique, and how many of those actors use each technique directly (its own ID, not a sub-technique's),
 * in one pass over the actors' techniques. */
function techniqueUsers(catalog: Catalog): { users: Map<string, Set<string>>; direct: Map<string, number> } {
  const users = new Map<string, Set<string>>();
  const direct = new Map<string, number>();
  const add = (technique: string, actor: string) => users.set(technique, (users.get(technique) ?? new Set()).add(actor));
  for (const actor of catalog.threats.values()) {
    for (const id of actor.techniques) {
      add(id, actor.id);
      direct.set(id, (direct.get(id) ?? 0) + 1);
      const parent = catalog.techniques.get(id)?.parent;
      if (parent) add(parent, actor.id);
    }
  }
  return { users, direct };
}

/** Profile names using each technique (directly or through software), sub-techniques rolled up. A name two profiles
 * share (the group Machete and its software Machete) is followed by the profile's ID. */
function profilesByTechnique(profiles: ThreatProfile[], entries: Map<string, TechniqueEntry>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  // Evilnum (a group) and EVILNUM (a software) are one name to a reader.
  const named = countsOf(profiles.map((p) => p.name.toLowerCase()));
  for (const profile of profiles) {
    // A sub-technique counts for its parent too; a top-level technique is added once (entries hold every profile technique).
    const ids = new Set([...profile.direct, ...profile.viaSoftware].flatMap((t) => [t.id, entries.get(t.id)!.parent ?? t.id]));
    const label = named.get(profile.name.toLowerCase())! > 1 ? `${profile.name} (${profile.id})` : profile.name;
    for (const id of ids) appendTo(result, id, label);
  }
  return result;
}

function explain(p: Omit<GapPriority, 'why' | 'rank'>, rank: number, entry: TechniqueEntry, directUsers: number, scope: string[]): string {
  // A parent's users include its sub-techniques' (`users`); coverage.csv's used_by counts those using it directly, so
  // where they differ the sentence names both: 483 and 152 for T1027 in 18.1 read as a contradiction otherwise.
  const using = directUsers === p.users ? 'using it' : `using it or its sub-techniques (${directUsers} using it directly)`;
  const threat = `${p.activeUsers} of the ${p.users} adversaries ${using} are active on ${scope.join(', ') || 'the scope'}`;
  const profiles = p.profiles.length > 0 ? `; used by --threat ${p.profiles.join(', ')} (+${PROFILE_WEIGHT} each)` : '';
  // Every number before the names the inputs bring (platforms, profiles, sources, log sources): a report that cuts the
  // sentence (summary.md, at 300 characters) cuts names, never the counts.
  return `#${rank}: tier ${p.tier + 1} of ${TIERS.length}, score ${p.score}; ${threat}${profiles}; ${entry.detectability?.reason ?? 'detectability unknown'}`;
}

/** In-scope gaps in priority order, each with its rank, score and reason. */
export function prioritizeGaps(techniques: TechniqueEntry[], catalog: Catalog, active: Set<string>, profiles: ThreatProfile[], scope: string[]): GapEntry[] {
  const entries = new Map(techniques.map((t) => [t.id, t]));
  const { users, direct: directUsers } = techniqueUsers(catalog);
  const profileUse = profilesByTechnique(profiles, entries);
  const scored = techniques
    .filter((t) => t.inScope && t.status === 'gap')
    .map((t) => {
      const all = [...(users.get(t.id) ?? [])];
      const activeUsers = all.filter((a) => active.has(a)).length;
      const usedByProfiles = profileUse.get(t.id) ?? [];
      const detectability = t.detectability?.verdict ?? 'unknown';
      const priority = { tier: TIERS.indexOf(detectability), detectability, activeUsers, users: all.length, profiles: usedByProfiles, score: activeUsers + PROFILE_WEIGHT * usedByProfiles.length };
      return { t, priority };
    })
    .sort((a, b) => a.priority.tier - b.priority.tier || b.priority.score - a.priority.score || b.t.usedBy - a.t.usedBy || compareText(a.t.id, b.t.id));
  return scored.map(({ t, priority }, i) => ({
    id: t.id,
    name: t.name,
    tactics: t.tactics,
    isSubtechnique: t.isSubtechnique,
    usedBy: t.usedBy,
    priority: { rank: i + 1, ...priority, why: explain(priority, i + 1, t, directUsers.get(t.id) ?? 0, scope) },
  }));
}
