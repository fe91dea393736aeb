// The searchable side of suggestions: a BM25 index (MiniSearch) over the techniques a Falco source can
// observe — name, parent name, description, and the v18 detection strategies and analytics for the
// source's platforms — plus which of them have analytics on a log source the source maps to. Pure.
import MiniSearch from 'minisearch';
import { apiNamesIn } from '../attack/api-names.js';
import type { Catalog, Technique } from '../attack/types.js';
import { compareText } from '../collections.js';
import type { LogSourceMapping } from '../upstream.js';
import { isLogSourceOf } from './log-sources.js';
import { termsOf } from './terms.js';

export interface TechniqueIndex {
  search: MiniSearch<TechniqueDoc>;
  techniques: Map<string, Technique>;
  /** Technique ID → log sources of its analytics (on the observed platforms) that the Falco source maps to. */
  logSources: Map<string, string[]>;
  /** Technique ID → the API names its detection text (strategies, analytics, their log source channels) holds. */
  detectionApiNames: Map<string, Set<string>>;
}

interface TechniqueDoc {
  id: string;
  name: string;
  parent: string;
  description: string;
  detection: string;
  procedures: string;
}

/** How much a match counts by where it is in the technique's text. */
export const FIELD_BOOSTS = { name: 3, parent: 1, description: 1, detection: 1, procedures: 1 };

/** Techniques that a rule of `source` can be about: current, and on a platform the source observes. */
export function candidateTechniques(catalog: Catalog, observable: string[]): Technique[] {
  return [...catalog.techniques.values()]
    .filter((t) => !t.isRevoked && !t.isDeprecated && t.platforms.some((p) => observable.includes(p)))
    .sort((a, b) => compareText(a.id, b.id));
}

function documentOf(technique: Technique, catalog: Catalog, observable: string[], procedures: Map<string, string[]>): TechniqueDoc {
  const strategies = catalog.detections?.get(technique.id) ?? [];
  const analytics = strategies.flatMap((s) => s.analytics.filter((a) => a.platforms.some((p) => observable.includes(p))));
  return {
    id: technique.id,
    name: technique.name,
    parent: technique.parent ? (catalog.techniques.get(technique.parent)?.name ?? '') : '',
    description: technique.description,
    detection: [technique.detection ?? '', ...strategies.map((s) => s.name), ...analytics.flatMap((a) => [a.description, ...a.logSources.map((l) => l.channel)])].join('\n'),
    procedures: (procedures.get(technique.id) ?? []).join('\n'),
  };
}

function logSourcesOf(technique: Technique, catalog: Catalog, source: string, observable: string[], mappings: LogSourceMapping[]): string[] {
  const names = (catalog.detections?.get(technique.id) ?? [])
    .flatMap((s) => s.analytics)
    .filter((a) => a.platforms.some((p) => observable.includes(p)))
    .flatMap((a) => a.logSources.map((l) => l.name))
    .filter((name) => isLogSourceOf(source, name, mappings));
  return [...new Set(names)].sort();
}

/**
 * `procedures`: technique ID → texts of how it is done (Atomic Red Team tests, see procedures.ts);
 * `mappings`: data/log-sources.json, which ATT&CK log source each Falco source observes.
 */
export function buildTechniqueIndex(catalog: Catalog, source: string, observable: string[], procedures: Map<string, string[]> = new Map(), mappings: LogSourceMapping[] = []): TechniqueIndex {
  const techniques = candidateTechniques(catalog, observable);
  const search = new MiniSearch<TechniqueDoc>({
    fields: ['name', 'parent', 'description', 'detection', 'procedures'],
    tokenize: (text) => termsOf(text),
    processTerm: (term) => term,
    searchOptions: { tokenize: (text) => text.split(' '), processTerm: (term) => term, boost: FIELD_BOOSTS, combineWith: 'OR' },
  });
  const documents = techniques.map((t) => documentOf(t, catalog, observable, procedures));
  search.addAll(documents);
  return {
    search,
    techniques: new Map(techniques.map((t) => [t.id, t])),
    logSources: new Map(techniques.map((t) => [t.id, logSourcesOf(t, catalog, source, observable, mappings)])),
    detectionApiNames: new Map(documents.map((d) => [d.id, new Set(apiNamesIn(d.detection))])),
  };
}

/** The technique's text fields (description, detection) that name the API name `value`, as a whole token. */
export function fieldsNaming(index: TechniqueIndex, id: string, value: string): string[] {
  return [
    ...(index.techniques.get(id)?.apiNames.includes(value) ? ['description'] : []),
    ...(index.detectionApiNames.get(id)?.has(value) ? ['detection'] : []),
  ];
}
