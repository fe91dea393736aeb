// Threat profiles: a group, software or campaign named by ID, name or alias, and the in-scope techniques
// it uses directly and through its software, with their coverage. Also which adversaries are active on
// the scope's platforms (used by gap priority and `attack-cov threats`). Pure.
import type { Catalog, ThreatActor } from '../attack/types.js';
import type { ProfileCounts, ProfileTechnique, TechniqueEntry, ThreatProfile } from '../coverage-report.js';
import { UsageError } from '../errors.js';
import { editDistance } from '../falco/tags.js';
import { appendTo, compareText } from '../collections.js';

function namesOf(actor: ThreatActor): string[] {
  return [actor.id, actor.name, ...actor.aliases];
}

/** The closest IDs, names and aliases to a ref nobody has, for the usage error. */
export function closestThreatNames(ref: string, catalog: Catalog, count = 5): string[] {
  const wanted = ref.toLowerCase();
  const scored = [...catalog.threats.values()].flatMap((actor) =>
    namesOf(actor).map((name) => {
      const lower = name.toLowerCase();
      const distance = lower.includes(wanted) || wanted.includes(lower) ? Math.abs(lower.length - wanted.length) / 100 : editDistance(wanted, lower);
      return { label: `${name}${name === actor.id ? ` (${actor.name})` : ` (${actor.id})`}`, distance };
    }),
  );
  return scored.sort((a, b) => a.distance - b.distance || compareText(a.label, b.label)).slice(0, count).map((s) => s.label);
}

/** Finds a group, software or campaign by ATT&CK ID, name or alias (case-insensitive). `label` names where the ref was given. */
export function resolveThreatRef(ref: string, catalog: Catalog, label = '--threat'): ThreatActor {
  const wanted = ref.trim().toLowerCase();
  const actors = [...catalog.threats.values()];
  const byId = actors.find((a) => a.id.toLowerCase() === wanted);
  if (byId) return byId;
  const byName = actors.filter((a) => a.name.toLowerCase() === wanted);
  const matches = byName.length > 0 ? byName : actors.filter((a) => a.aliases.some((alias) => alias.toLowerCase() === wanted));
  if (matches.length === 0) throw new UsageError(`${label} ${ref}: no group, software or campaign of ATT&CK ${catalog.version} has this ID, name or alias`, `closest: ${closestThreatNames(ref, catalog).join(', ')}`);
  if (matches.length > 1) throw new UsageError(`${label} ${ref} is ambiguous: ${matches.map((m) => `${m.id} ${m.name} (${m.kind})`).join(', ')}`, 'name it by ATT&CK ID');
  return matches[0]!;
}

function countProfile(techniques: ProfileTechnique[]): ProfileCounts {
  const count = (status: string) => techniques.filter((t) => t.status === status).length;
  return { total: techniques.length, covered: count('covered'), partial: count('partial'), gap: count('gap') };
}

/** File-name-safe form of a profile's name, for layer-<slug>.json. */
export function profileSlug(actor: ThreatActor): string {
  return actor.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || actor.id.toLowerCase();
}

/** Techniques the actor's software uses, with the software each comes through. */
function throughSoftware(actor: ThreatActor, catalog: Catalog): Map<string, string[]> {
  const via = new Map<string, string[]>();
  for (const softwareId of actor.software) {
    // Software the bundle does not hold (revoked or deprecated) adds nothing.
    const software = catalog.threats.get(softwareId);
    if (software) for (const technique of software.techniques) appendTo(via, technique, softwareId);
  }
  return via;
}

export function buildProfile(actor: ThreatActor, ref: string, catalog: Catalog, entries: Map<string, TechniqueEntry>): ThreatProfile {
  const entryOf = (id: string): ProfileTechnique | undefined => {
    const e = entries.get(id);
    return e?.inScope ? { id, name: e.name, status: e.status, isSubtechnique: e.isSubtechnique } : undefined;
  };
  const direct = actor.techniques.flatMap((id) => entryOf(id) ?? []);
  const via = throughSoftware(actor, catalog);
  const viaSoftware = [...via.keys()].filter((id) => !actor.techniques.includes(id)).sort().flatMap((id) => {
    const entry = entryOf(id);
    return entry ? [{ ...entry, via: via.get(id)!.sort() }] : [];
  });
  const all = new Set([...actor.techniques, ...via.keys()].filter((id) => entries.has(id)));
  return {
    ref,
    id: actor.id,
    kind: actor.kind,
    name: actor.name,
    aliases: actor.aliases,
    url: actor.url,
    slug: profileSlug(actor),
    software: actor.software.map((id) => ({ id, name: catalog.threats.get(id)?.name ?? id })),
    attributedTo: actor.attributedTo,
    direct,
    viaSoftware,
    outOfScope: all.size - direct.length - viaSoftware.length,
    counts: { direct: countProfile(direct), viaSoftware: countProfile(viaSoftware) },
  };
}

/** Techniques with platforms only within the scope: using one shows an actor works there. */
function isScopeOnly(technique: TechniqueEntry | undefined, scope: Set<string>): boolean {
  return technique !== undefined && technique.platforms.length > 0 && technique.platforms.every((p) => scope.has(p));
}

/** Why an actor counts as active on the scope's platforms (empty when it does not). */
export function scopeActivity(actor: ThreatActor, catalog: Catalog, entries: Map<string, TechniqueEntry>, scope: Set<string>): { software: string[]; scopeOnlyTechniques: string[] } {
  const runsThere = (a: ThreatActor | undefined) => a !== undefined && a.platforms.some((p) => scope.has(p));
  const software = actor.kind === 'software' ? (runsThere(actor) ? [actor.id] : []) : actor.software.filter((id) => runsThere(catalog.threats.get(id)));
  const scopeOnlyTechniques = actor.kind === 'software' ? [] : actor.techniques.filter((id) => isScopeOnly(entries.get(id), scope));
  return { software, scopeOnlyTechniques };
}

/** Actors active on the scope: software running on a scope platform; groups and campaigns using such software or a technique that exists only there. */
export function activeActors(catalog: Catalog, entries: Map<string, TechniqueEntry>, scope: Set<string>): Set<string> {
  const active = new Set<string>();
  for (const actor of catalog.threats.values()) {
    const activity = scopeActivity(actor, catalog, entries, scope);
    if (activity.software.length > 0 || activity.scopeOnlyTechniques.length > 0) active.add(actor.id);
  }
  return active;
}
