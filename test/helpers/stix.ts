// Hand-written STIX objects for tests of normalizeBundle: each carries only the fields it needs, so a test's
// bundle shows just what the test is about. Techniques match tinyCatalog's technique() (name "Technique <id>",
// no URL, execution on Linux), so a test can state the whole Technique it expects.
import { normalizeBundle, type StixObject } from '../../src/attack/normalize.js';
import type { Catalog } from '../../src/attack/types.js';

/** external_references holding an ATT&CK ID (and a URL when given). */
export function mitreRef(id: string, url?: string): NonNullable<StixObject['external_references']> {
  return [{ source_name: 'mitre-attack', external_id: id, ...(url === undefined ? {} : { url }) }];
}

/** The tactic execution (TA0002), without URL. */
export function executionTactic(): StixObject {
  return { type: 'x-mitre-tactic', id: 'x-mitre-tactic--execution', name: 'Execution', x_mitre_shortname: 'execution', external_references: mitreRef('TA0002') };
}

/** A matrix that orders these tactics (STIX IDs). */
export function matrix(tacticRefs: string[]): StixObject {
  return { type: 'x-mitre-matrix', id: 'x-mitre-matrix--1', tactic_refs: tacticRefs };
}

/** The least a bundle needs besides its techniques: the tactic execution and a matrix listing it. */
export function executionOnly(): StixObject[] {
  return [executionTactic(), matrix(['x-mitre-tactic--execution'])];
}

/** An attack-pattern with STIX ID `attack-pattern--<id>`, in execution on Linux. */
export function stixTechnique(id: string, extra: Partial<StixObject> = {}): StixObject {
  return {
    type: 'attack-pattern',
    id: `attack-pattern--${id}`,
    name: `Technique ${id}`,
    external_references: mitreRef(id),
    kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }],
    x_mitre_platforms: ['Linux'],
    ...extra,
  };
}

export function relationship(kind: string, from: string, to: string, extra: Partial<StixObject> = {}): StixObject {
  return { type: 'relationship', id: `relationship--${from}-${kind}-${to}`, relationship_type: kind, source_ref: from, target_ref: to, ...extra };
}

/** normalizeBundle on these objects, from the file "tiny.json". */
export function normalizeObjects(objects: StixObject[]): Catalog {
  return normalizeBundle({ source: 'tiny.json', objects });
}
