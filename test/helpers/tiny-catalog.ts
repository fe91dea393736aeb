// Hand-made ATT&CK catalogues of a few techniques, for tests where which technique should win is plain
// to the reader (a real bundle has 800 and takes seconds to load).
import { apiNamesIn } from '../../src/attack/api-names.js';
import type { Catalog, DetectionStrategy, Tactic, Technique } from '../../src/attack/types.js';

export function technique(id: string, tactics: string[], platforms: string[], extra: Partial<Technique> = {}): Technique {
  // The API names of its description, as normalize takes them from the whole description.
  return { id, name: `Technique ${id}`, url: '', tactics, platforms, isSubtechnique: false, isRevoked: false, revokedBy: [], isDeprecated: false, description: '', apiNames: apiNamesIn(extra.description ?? ''), usedBy: 0, ...extra };
}

const TACTICS: Tactic[] = [
  { id: 'TA0002', name: 'Execution', shortname: 'execution', url: '' },
  { id: 'TA0003', name: 'Persistence', shortname: 'persistence', url: '' },
  { id: 'TA0004', name: 'Privilege Escalation', shortname: 'privilege-escalation', url: '' },
];

/** ATT&CK 18.1 with these techniques, the tactics execution, persistence and privilege escalation, and these detections. */
export function tinyCatalog(techniques: Technique[], detections: [string, DetectionStrategy[]][] = []): Catalog {
  return { version: '18.1', domain: 'enterprise-attack', stixVersion: '2.1', tactics: TACTICS, techniques: new Map(techniques.map((t) => [t.id, t])), detections: new Map(detections), threats: new Map() };
}
