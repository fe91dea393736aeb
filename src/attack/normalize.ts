// Turns the STIX objects of an ATT&CK bundle into a Catalog. Pure: no I/O, no clock.
import { apiNamesIn } from './api-names.js';
import { InputError } from '../errors.js';
import { readLogSourceComponents, readThreatActors } from './normalize-threats.js';
import type { Catalog, DetectionStrategy, Tactic, Technique } from './types.js';
import { appendTo } from '../collections.js';

/** The subset of a STIX object attack-cov reads. */
export interface StixObject {
  type: string;
  id: string;
  name?: string;
  description?: string;
  spec_version?: string;
  revoked?: boolean;
  x_mitre_deprecated?: boolean;
  x_mitre_is_subtechnique?: boolean;
  x_mitre_platforms?: string[];
  x_mitre_shortname?: string;
  x_mitre_version?: string;
  x_mitre_domains?: string[];
  tactic_refs?: string[];
  kill_chain_phases?: { kill_chain_name: string; phase_name: string }[];
  external_references?: { source_name: string; external_id?: string; url?: string }[];
  relationship_type?: string;
  source_ref?: string;
  target_ref?: string;
  x_mitre_detection?: string;
  /** Not STIX: the API names of a technique's whole description (apiNamesIn), which slimStixObject cuts to its
   * first paragraph. */
  x_attack_cov_api_names?: string[];
  x_mitre_analytic_refs?: string[];
  x_mitre_log_source_references?: { name: string; channel: string; x_mitre_data_component_ref?: string }[];
  /** Group and campaign aliases (the first is the name itself). */
  aliases?: string[];
  /** Software aliases (the first is the name itself). */
  x_mitre_aliases?: string[];
}

export interface BundleInput {
  /** Objects of the types attack-cov needs (others may be left out by the loader). */
  objects: StixObject[];
  /** spec_version of the bundle itself (STIX 2.0 only). */
  bundleSpecVersion?: string;
  /** Version the caller knows the bundle to be (from --attack 18.1 or the file name). */
  versionHint?: string;
  /** File or URL, for error messages. */
  source: string;
}

/** Object types of the adversaries that use techniques: groups, software, campaigns. */
export const THREAT_TYPES = ['intrusion-set', 'malware', 'tool', 'campaign'];
/** Object types of ATT&CK ≥ 18 detection guidance (strategies → analytics → data components). */
export const DETECTION_TYPES = ['x-mitre-detection-strategy', 'x-mitre-analytic', 'x-mitre-data-component'];
/** Relationship types attack-cov reads; the loader may drop all others. */
export const NEEDED_RELATIONSHIPS = new Set(['subtechnique-of', 'revoked-by', 'uses', 'attributed-to', 'detects']);
/** STIX object types attack-cov reads; the loader may skip all others without parsing them. */
export const NEEDED_TYPES = new Set(['attack-pattern', 'x-mitre-tactic', 'x-mitre-matrix', 'x-mitre-collection', 'relationship', ...THREAT_TYPES, ...DETECTION_TYPES]);

const KEPT_FIELDS: (keyof StixObject)[] = [
  'type', 'id', 'name', 'description', 'spec_version', 'revoked', 'x_mitre_deprecated', 'x_mitre_is_subtechnique',
  'x_mitre_platforms', 'x_mitre_shortname', 'x_mitre_version', 'x_mitre_domains', 'tactic_refs', 'kill_chain_phases',
  'relationship_type', 'source_ref', 'target_ref', 'x_mitre_detection', 'x_mitre_analytic_refs', 'x_mitre_log_source_references',
  'aliases', 'x_mitre_aliases',
];

/** Keeps only the fields normalizeBundle reads, so 20,000 relationships cost little memory. */
export function slimStixObject(object: StixObject): StixObject {
  const slim: Record<string, unknown> = {};
  const isRelationship = object.type === 'relationship';
  // Skipping keys rather than deleting them afterwards: `delete` drops V8 into slow dictionary objects, and
  // every later pass over the 20,000 relationships would pay for it.
  for (const key of KEPT_FIELDS) if (object[key] !== undefined && !(isRelationship && key === 'description')) slim[key] = object[key];
  if (typeof slim.description === 'string') {
    if (object.type === 'attack-pattern') slim.x_attack_cov_api_names = apiNamesIn(slim.description);
    slim.description = firstParagraph(slim.description);
  }
  slim.external_references = object.external_references?.filter((r) => r.source_name.startsWith('mitre') && r.external_id);
  return slim as unknown as StixObject;
}

export function attackId(object: StixObject): { id: string; url: string } | undefined {
  const ref = object.external_references?.find((r) => r.source_name.startsWith('mitre') && r.external_id);
  return ref?.external_id ? { id: ref.external_id, url: ref.url ?? '' } : undefined;
}

function readTactics(objects: StixObject[], source: string): Tactic[] {
  const byStixId = new Map<string, Tactic>();
  for (const object of objects) {
    if (object.type !== 'x-mitre-tactic' || object.revoked || object.x_mitre_deprecated) continue;
    const ref = attackId(object);
    if (!ref || !object.x_mitre_shortname || !object.name) continue;
    byStixId.set(object.id, { id: ref.id, name: object.name, shortname: object.x_mitre_shortname, url: ref.url });
  }
  const matrix = objects.find((o) => o.type === 'x-mitre-matrix' && !o.revoked && !o.x_mitre_deprecated);
  if (!matrix?.tactic_refs) {
    throw new InputError(source, 'the bundle has no x-mitre-matrix, so the order of its tactics is unknown', 'use an ATT&CK bundle as MITRE publishes it');
  }
  // The matrix, not the tactic IDs, gives the order: ATT&CK adds tactics in the middle (TA0042, TA0043 came first).
  return matrix.tactic_refs.flatMap((ref) => byStixId.get(ref) ?? []);
}

function firstParagraph(text: string | undefined): string {
  return (text ?? '').split(/\n\s*\n/)[0]!.trim();
}

interface Relations {
  parentOf: Map<string, string>;
  revokedBy: Map<string, string[]>;
  usedBy: Map<string, number>;
  /** [detection strategy, technique] by STIX ID. */
  detects: [string, string][];
}

/** The relationships normalizeBundle reads, revoked and deprecated ones left out. */
function readRelations(objects: StixObject[]): Relations {
  const relations: Relations = { parentOf: new Map(), revokedBy: new Map(), usedBy: new Map(), detects: [] };
  for (const object of objects) {
    if (object.type !== 'relationship' || object.revoked || object.x_mitre_deprecated) continue;
    const { source_ref: from, target_ref: to, relationship_type: kind } = object;
    if (!from || !to) continue;
    if (kind === 'subtechnique-of') relations.parentOf.set(from, to);
    else if (kind === 'revoked-by') {
      const targets = relations.revokedBy.get(from);
      if (targets) targets.push(to);
      else relations.revokedBy.set(from, [to]);
    }
    // Counted for any target; only techniques' counts are read.
    else if (kind === 'uses') relations.usedBy.set(to, (relations.usedBy.get(to) ?? 0) + 1);
    else if (kind === 'detects') relations.detects.push([from, to]);
  }
  return relations;
}

/**
 * Follows revoked-by to techniques that are not themselves revoked (ATT&CK chains them across releases).
 * Iterative and memoized: a chain of any length costs linear time and no stack, and a cycle ends
 * (a revocation back into the path being followed adds nothing).
 */
function replacementResolver(relations: Relations, idOf: Map<string, string>): (stixId: string) => string[] {
  const memo = new Map<string, Set<string>>();
  // Every ID on the stack is revoked (a key of revokedBy): `pending` is what of its targets is left to visit.
  const frame = (id: string) => ({ id, pending: [...relations.revokedBy.get(id)!] });
  const resolve = (start: string): Set<string> => {
    const stack = [frame(start)];
    const inProgress = new Set([start]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const target = top.pending.pop();
      if (target !== undefined) {
        if (relations.revokedBy.has(target) && !memo.has(target) && !inProgress.has(target)) {
          inProgress.add(target);
          stack.push(frame(target));
        }
        continue;
      }
      const result = new Set<string>();
      for (const target of relations.revokedBy.get(top.id)!) {
        if (relations.revokedBy.has(target)) for (const id of memo.get(target) ?? []) result.add(id);
        else if (idOf.has(target)) result.add(idOf.get(target)!);
      }
      memo.set(top.id, result);
      inProgress.delete(top.id);
      stack.pop();
    }
    return memo.get(start)!;
  };
  return (stixId) => (relations.revokedBy.has(stixId) ? [...(memo.get(stixId) ?? resolve(stixId))].sort() : []);
}

function readDetections(objects: StixObject[], detects: [string, string][], idOf: Map<string, string>): Map<string, DetectionStrategy[]> | undefined {
  const components = readLogSourceComponents(objects);
  const strategies = new Map(objects.filter((o) => o.type === 'x-mitre-detection-strategy' && !o.revoked && !o.x_mitre_deprecated).map((o) => [o.id, o]));
  if (strategies.size === 0) return undefined;
  const analytics = new Map(objects.filter((o) => o.type === 'x-mitre-analytic').map((o) => [o.id, o]));
  const result = new Map<string, DetectionStrategy[]>();
  for (const [from, to] of detects) {
    const strategy = strategies.get(from);
    const technique = idOf.get(to);
    if (!strategy || !technique) continue;
    const entry: DetectionStrategy = {
      id: attackId(strategy)?.id ?? strategy.id,
      name: strategy.name ?? '',
      analytics: strategy.x_mitre_analytic_refs?.flatMap((ref) => {
        const analytic = analytics.get(ref);
        if (!analytic) return [];
        const logSources = (analytic.x_mitre_log_source_references ?? []).map((l) => ({ name: l.name, channel: l.channel, ...dataComponent(components, l.x_mitre_data_component_ref) }));
        return [{ id: attackId(analytic)?.id ?? ref, platforms: analytic.x_mitre_platforms ?? [], description: analytic.description ?? '', logSources }];
      }) ?? [],
    };
    appendTo(result, technique, entry);
  }
  return result;
}

function dataComponent(components: Map<string, string>, ref: string | undefined): { dataComponent?: string } {
  const name = ref ? components.get(ref) : undefined;
  return name ? { dataComponent: name } : {};
}

/** A technique's ATT&CK ID: T and four digits, a sub-technique's with a dot and three more. */
const TECHNIQUE_ID = /^T\d{4}(?:\.\d{3})?$/;

export function normalizeBundle(input: BundleInput): Catalog {
  const { objects, source } = input;
  const tactics = readTactics(objects, source);
  const tacticOrder = new Map(tactics.map((t, i) => [t.shortname, i]));
  const relations = readRelations(objects);
  const patterns = objects.filter((o) => o.type === 'attack-pattern' && attackId(o)?.id.startsWith('T'));
  if (patterns.length === 0) {
    throw new InputError(source, 'the bundle holds no ATT&CK techniques (no attack-pattern with a mitre-attack ID)', 'is this an ATT&CK STIX bundle? Try --attack 18.1');
  }
  // An ID outside ATT&CK's form (T1529x) would reach every output, and a Navigator layer refuses it: a damaged bundle.
  const malformed = patterns.find((o) => !TECHNIQUE_ID.test(attackId(o)!.id));
  if (malformed) {
    throw new InputError(source, `technique ID ${JSON.stringify(attackId(malformed)!.id)} (${JSON.stringify(malformed.id)}) is not an ATT&CK technique ID (T1234 or T1234.567)`, 'the bundle is damaged or not from ATT&CK; pass an ATT&CK release, e.g. --attack 18.1');
  }
  const idOf = new Map(patterns.map((o) => [o.id, attackId(o)!.id]));
  const techniques = new Map<string, Technique>();
  const replacementsOf = replacementResolver(relations, idOf);
  for (const object of patterns) {
    const { id, url } = attackId(object)!;
    const isSubtechnique = object.x_mitre_is_subtechnique === true || id.includes('.');
    const parentStixId = relations.parentOf.get(object.id);
    const technique: Technique = {
      id,
      name: object.name ?? id,
      url,
      tactics: (object.kill_chain_phases ?? [])
        .filter((p) => p.kill_chain_name.startsWith('mitre'))
        .map((p) => p.phase_name)
        .filter((name, i, all) => all.indexOf(name) === i)
        .sort((a, b) => (tacticOrder.get(a) ?? 99) - (tacticOrder.get(b) ?? 99)),
      platforms: [...(object.x_mitre_platforms ?? [])].sort(),
      isSubtechnique,
      isRevoked: object.revoked === true,
      revokedBy: replacementsOf(object.id),
      isDeprecated: object.x_mitre_deprecated === true,
      description: firstParagraph(object.description),
      apiNames: object.x_attack_cov_api_names ?? apiNamesIn(object.description ?? ''),
      usedBy: relations.usedBy.get(object.id) ?? 0,
      ...(object.x_mitre_detection ? { detection: object.x_mitre_detection } : {}),
    };
    if (isSubtechnique) technique.parent = (parentStixId && idOf.get(parentStixId)) || id.split('.')[0]!;
    // A revoked object and its active replacement can share an ID across releases; the active one wins.
    const existing = techniques.get(id);
    if (!existing || (existing.isRevoked && !technique.isRevoked)) techniques.set(id, technique);
  }
  const collection = objects.find((o) => o.type === 'x-mitre-collection');
  const matrix = objects.find((o) => o.type === 'x-mitre-matrix');
  const specVersion = input.bundleSpecVersion ?? objects.find((o) => o.spec_version)?.spec_version ?? '2.0';
  const detections = readDetections(objects, relations.detects, idOf);
  return {
    version: collection?.x_mitre_version ?? input.versionHint ?? 'unknown',
    domain: collection?.x_mitre_domains?.[0] ?? matrix?.x_mitre_domains?.[0] ?? (matrix && attackId(matrix)?.id) ?? 'enterprise-attack',
    stixVersion: specVersion,
    tactics,
    techniques,
    ...(detections ? { detections } : {}),
    threats: readThreatActors(objects, idOf),
  };
}
