// readThreatActors on hand-written STIX objects: kinds, IDs, aliases, uses of techniques and software,
// attributed-to, and what it leaves out (revoked or deprecated actors and relationships, objects without an ATT&CK ID).
import { describe, expect, it } from 'vitest';
import type { StixObject } from '../../../src/attack/normalize.js';
import { readLogSourceComponents, readThreatActors } from '../../../src/attack/normalize-threats.js';

const ref = (id: string) => [{ source_name: 'mitre-attack', external_id: id, url: `https://attack.mitre.org/x/${id}` }];
const uses = (from: string, to: string, extra: Partial<StixObject> = {}): StixObject => ({ type: 'relationship', id: `relationship--${from}-${to}`, relationship_type: 'uses', source_ref: from, target_ref: to, ...extra });

const objects: StixObject[] = [
  { type: 'intrusion-set', id: 'intrusion-set--g', name: 'Group', aliases: ['Group', 'Other Name'], external_references: ref('G0001') },
  { type: 'malware', id: 'malware--m', name: 'Malw', x_mitre_aliases: ['Malw', 'M'], x_mitre_platforms: ['Linux', 'Containers'], external_references: ref('S0001') },
  { type: 'tool', id: 'tool--t', name: 'Tool', x_mitre_platforms: ['Windows'], external_references: ref('S0002') },
  { type: 'campaign', id: 'campaign--c', name: 'Camp', aliases: ['Camp'], external_references: ref('C0001') },
  { type: 'intrusion-set', id: 'intrusion-set--old', name: 'Old', revoked: true, external_references: ref('G0002') },
  { type: 'intrusion-set', id: 'intrusion-set--noid', name: 'No ID' },
  uses('intrusion-set--g', 'attack-pattern--1'),
  uses('intrusion-set--g', 'attack-pattern--1'),
  uses('intrusion-set--g', 'malware--m'),
  uses('intrusion-set--g', 'attack-pattern--2', { x_mitre_deprecated: true }),
  uses('malware--m', 'attack-pattern--2'),
  uses('campaign--c', 'tool--t'),
  uses('intrusion-set--old', 'attack-pattern--1'),
  { type: 'relationship', id: 'relationship--attr', relationship_type: 'attributed-to', source_ref: 'campaign--c', target_ref: 'intrusion-set--g' },
  { type: 'x-mitre-data-component', id: 'x-mitre-data-component--1', name: 'Process Creation' },
];
const techniqueIds = new Map([['attack-pattern--1', 'T1001'], ['attack-pattern--2', 'T1002']]);

describe('readThreatActors', () => {
  const actors = readThreatActors(objects, techniqueIds);

  it('keeps current actors with an ATT&CK ID, sorted by ID', () => {
    expect([...actors.keys()]).toEqual(['C0001', 'G0001', 'S0001', 'S0002']);
    expect([...actors.values()].map((a) => a.kind)).toEqual(['campaign', 'group', 'software', 'software']);
  });

  it('reads uses of techniques (once, current relationships only) and of software, and attribution', () => {
    expect(actors.get('G0001')).toMatchObject({ techniques: ['T1001'], software: ['S0001'], aliases: ['Other Name'], platforms: [] });
    expect(actors.get('S0001')).toMatchObject({ techniques: ['T1002'], aliases: ['M'], platforms: ['Containers', 'Linux'] });
    expect(actors.get('C0001')).toMatchObject({ software: ['S0002'], attributedTo: ['G0001'] });
  });

  it('reads data component names by STIX ID', () => {
    expect(readLogSourceComponents(objects).get('x-mitre-data-component--1')).toBe('Process Creation');
  });
});
