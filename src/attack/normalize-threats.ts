// Reads the adversaries of an ATT&CK bundle (groups, software, campaigns) and what they use, and the
// data components analytics name. Pure: STIX objects in, plain data out (part of normalize.ts).
import { attackId, type StixObject } from './normalize.js';
import type { ThreatActor, ThreatKind } from './types.js';

const KIND_OF_TYPE: Record<string, ThreatKind> = { 'intrusion-set': 'group', malware: 'software', tool: 'software', campaign: 'campaign' };

function isCurrent(object: StixObject): boolean {
  return object.revoked !== true && object.x_mitre_deprecated !== true;
}

function newActor(object: StixObject, kind: ThreatKind): ThreatActor | undefined {
  const ref = attackId(object);
  if (!ref || !object.name) return undefined;
  const aliases = [...new Set([...(object.aliases ?? []), ...(object.x_mitre_aliases ?? [])])].filter((a) => a !== object.name).sort();
  return {
    id: ref.id,
    kind,
    name: object.name,
    aliases,
    url: ref.url,
    platforms: kind === 'software' ? [...(object.x_mitre_platforms ?? [])].sort() : [],
    techniques: [],
    software: [],
    attributedTo: [],
  };
}

/** Groups, software and campaigns by ATT&CK ID, with the techniques and software they use (revoked and deprecated left out). */
export function readThreatActors(objects: StixObject[], techniqueIdOf: Map<string, string>): Map<string, ThreatActor> {
  const byStixId = new Map<string, ThreatActor>();
  for (const object of objects) {
    const kind = KIND_OF_TYPE[object.type];
    if (!kind || !isCurrent(object)) continue;
    const actor = newActor(object, kind);
    if (actor) byStixId.set(object.id, actor);
  }
  for (const relation of objects) {
    if (relation.type !== 'relationship' || !isCurrent(relation)) continue;
    const actor = byStixId.get(relation.source_ref ?? '');
    if (!actor) continue;
    const target = relation.target_ref ?? '';
    if (relation.relationship_type === 'uses') {
      const technique = techniqueIdOf.get(target);
      const software = byStixId.get(target);
      if (technique) actor.techniques.push(technique);
      else if (software?.kind === 'software') actor.software.push(software.id);
    } else if (relation.relationship_type === 'attributed-to') {
      const group = byStixId.get(target);
      if (group) actor.attributedTo.push(group.id);
    }
  }
  const actors = [...byStixId.values()].map((a) => ({ ...a, techniques: unique(a.techniques), software: unique(a.software), attributedTo: unique(a.attributedTo) }));
  return new Map(actors.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((a) => [a.id, a]));
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/** Data component names by STIX ID (analytics name their log sources' components by reference). */
export function readLogSourceComponents(objects: StixObject[]): Map<string, string> {
  return new Map(objects.filter((o) => o.type === 'x-mitre-data-component' && o.name).map((o) => [o.id, o.name!]));
}
