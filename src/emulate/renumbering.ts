// Atomic Red Team numbers techniques for a later ATT&CK than the one loaded may be (data/attack-renumbering.json):
// the catalog's own ID for an atomic's technique, so that its procedures are credited where the catalog has it.
// Pure but for reading that file.
import { readFileSync } from 'node:fs';
import type { Catalog } from '../attack/types.js';
import { dataPath } from '../paths.js';

/** One technique a later ATT&CK renumbered: `from` (that version's ID, as the atomics use it) is `to` in the earlier one. */
export interface RenumberedId {
  from: string;
  fromName: string;
  to: string;
  toName: string;
}

export interface Renumbering {
  /** The ATT&CK version the `from` IDs belong to. */
  from: string;
  /** The ATT&CK version the `to` IDs belong to. */
  to: string;
  ids: RenumberedId[];
}

let cached: Renumbering | undefined;
export function readRenumbering(): Renumbering {
  cached ??= JSON.parse(readFileSync(dataPath('attack-renumbering.json'), 'utf8')) as Renumbering;
  return cached;
}

/** The pair that applies to `id` in a catalog holding `has`: only when the catalog lacks `id` and has its `to`. */
export function renumberedIdOf(id: string, has: (id: string) => boolean, renumbering: Renumbering): RenumberedId | undefined {
  if (has(id)) return undefined;
  return renumbering.ids.find((r) => r.from === id && has(r.to));
}

/** Items (procedures, skipped tests) with their technique in the catalog's numbering; `atomicTechnique` keeps the atomics' own ID. */
export function renumberTechniques<T extends { technique?: string }>(items: T[], has: (id: string) => boolean, renumbering: Renumbering): (T & { atomicTechnique?: string })[] {
  return items.map((item) => {
    const pair = item.technique === undefined ? undefined : renumberedIdOf(item.technique, has, renumbering);
    return pair ? { ...item, technique: pair.to, atomicTechnique: pair.from } : item;
  });
}

/** Whether the catalog has `id` as a technique in use (not revoked or deprecated). */
export function hasCurrentTechnique(catalog: Pick<Catalog, 'techniques'>): (id: string) => boolean {
  return (id) => {
    const technique = catalog.techniques.get(id);
    return technique !== undefined && !technique.isRevoked && !technique.isDeprecated;
  };
}

/** The hint for an ID `catalog` does not have: the ID it has for it when it is another ATT&CK's number (`command`
 * names what to run with it: emulate, draft), else what IDs look like and where the version comes from. */
export function unknownTechniqueHint(id: string, catalog: Pick<Catalog, 'techniques' | 'version'>, command: string): string {
  const renumbering = readRenumbering();
  const pair = renumberedIdOf(id, hasCurrentTechnique(catalog), renumbering);
  if (pair) return `${id} is ATT&CK v${renumbering.from}'s number (Atomic Red Team's too) for what ATT&CK ${catalog.version} numbers ${pair.to} ${pair.toName}: attack-cov ${command} ${pair.to}`;
  return 'technique IDs look like T1059 or T1059.004; --attack chooses the ATT&CK version';
}
