// What changes between two ATT&CK releases: tactics added or renamed, techniques added, revoked (with
// replacements), deprecated, removed, renamed, moved between tactics, platform changes. Pure.
// Tactics are matched by ID, so a renamed tactic (v19: TA0005 Defense Evasion → Stealth) does not make
// every technique under it look moved.
import type { Catalog, Tactic, Technique } from './types.js';

export interface TacticChange {
  id: string;
  from?: Pick<Tactic, 'name' | 'shortname'>;
  to?: Pick<Tactic, 'name' | 'shortname'>;
}

export interface AttackDiff {
  from: string;
  to: string;
  tactics: { added: TacticChange[]; removed: TacticChange[]; renamed: TacticChange[] };
  techniques: {
    added: { id: string; name: string; tactics: string[] }[];
    revoked: { id: string; name: string; replacements: string[] }[];
    deprecated: { id: string; name: string }[];
    removed: { id: string; name: string }[];
    renamed: { id: string; from: string; to: string }[];
    /** Tactic IDs left and joined. */
    moved: { id: string; name: string; fromTactics: string[]; toTactics: string[] }[];
    platforms: { id: string; name: string; added: string[]; removed: string[] }[];
  };
  /** Old tactic shortname → new one, for tactics whose ID stayed. */
  tacticRenames: Record<string, string>;
}

const isCurrent = (t: Technique | undefined): t is Technique => !!t && !t.isRevoked && !t.isDeprecated;
const minus = (a: string[], b: string[]): string[] => a.filter((x) => !b.includes(x));
const byId = <T extends { id: string }>(a: T, b: T): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function tacticIds(technique: Technique, catalog: Catalog): string[] {
  return technique.tactics.map((s) => catalog.tactics.find((t) => t.shortname === s)?.id ?? s);
}

function diffTactics(from: Catalog, to: Catalog): AttackDiff['tactics'] {
  const before = new Map(from.tactics.map((t) => [t.id, t]));
  const after = new Map(to.tactics.map((t) => [t.id, t]));
  const pick = (t: Tactic) => ({ name: t.name, shortname: t.shortname });
  return {
    added: to.tactics.filter((t) => !before.has(t.id)).map((t) => ({ id: t.id, to: pick(t) })),
    removed: from.tactics.filter((t) => !after.has(t.id)).map((t) => ({ id: t.id, from: pick(t) })),
    renamed: to.tactics
      .filter((t) => before.has(t.id) && (before.get(t.id)!.name !== t.name || before.get(t.id)!.shortname !== t.shortname))
      .map((t) => ({ id: t.id, from: pick(before.get(t.id)!), to: pick(t) })),
  };
}

export function diffCatalogs(from: Catalog, to: Catalog): AttackDiff {
  const tactics = diffTactics(from, to);
  const techniques: AttackDiff['techniques'] = { added: [], revoked: [], deprecated: [], removed: [], renamed: [], moved: [], platforms: [] };
  for (const [id, after] of to.techniques) {
    const before = from.techniques.get(id);
    if (isCurrent(after) && !isCurrent(before)) techniques.added.push({ id, name: after.name, tactics: after.tactics });
    if (!isCurrent(before)) continue;
    if (after.isRevoked) techniques.revoked.push({ id, name: before.name, replacements: after.revokedBy });
    else if (after.isDeprecated) techniques.deprecated.push({ id, name: before.name });
    else {
      if (after.name !== before.name) techniques.renamed.push({ id, from: before.name, to: after.name });
      const [was, is] = [tacticIds(before, from), tacticIds(after, to)];
      if (minus(was, is).length || minus(is, was).length) techniques.moved.push({ id, name: after.name, fromTactics: was, toTactics: is });
      const [added, removed] = [minus(after.platforms, before.platforms), minus(before.platforms, after.platforms)];
      if (added.length || removed.length) techniques.platforms.push({ id, name: after.name, added, removed });
    }
  }
  for (const [id, before] of from.techniques) if (isCurrent(before) && !to.techniques.has(id)) techniques.removed.push({ id, name: before.name });
  for (const list of Object.values(techniques)) list.sort(byId);
  const tacticRenames = Object.fromEntries(tactics.renamed.filter((t) => t.from!.shortname !== t.to!.shortname).map((t) => [t.from!.shortname, t.to!.shortname]));
  return { from: from.version, to: to.version, tactics, techniques, tacticRenames };
}
