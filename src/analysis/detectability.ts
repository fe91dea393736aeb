// Detectability: for a technique, the ATT&CK ≥ 18 analytics on the in-scope platforms, the log sources
// they name, and which Falco source (loaded, or another source/plugin) can observe each one. Pure.
// Drafting grounds its prompts in the same analytics (analyticsFor), so both read ATT&CK one way.
import type { Analytic, Catalog } from '../attack/types.js';
import type { Detectability, DetectabilityAnalytic, DetectabilityLogSource } from '../coverage-report.js';
import type { LogSourceMapping } from '../upstream.js';
import { compareText } from '../collections.js';

/** An analytic with the detection strategy it belongs to. */
export interface StrategyAnalytic {
  strategy: { id: string; name: string };
  analytic: Analytic;
}

/** The technique's analytics for any of `platforms`, strategy by strategy, in ATT&CK's order. */
export function analyticsFor(catalog: Catalog, techniqueId: string, platforms: string[]): StrategyAnalytic[] {
  const wanted = new Set(platforms);
  return (catalog.detections?.get(techniqueId) ?? []).flatMap((strategy) =>
    strategy.analytics.filter((a) => a.platforms.some((p) => wanted.has(p))).map((analytic) => ({ strategy: { id: strategy.id, name: strategy.name }, analytic })),
  );
}

/** Answers already given per mapping table: thousands of analytics name a few hundred log sources. */
const answered = new WeakMap<LogSourceMapping[], Map<string, LogSourceMapping | undefined>>();

/** The mapping row for a log source name: exact (case-insensitive) first, then the longest `prefix:*`. */
export function falcoSourceFor(logSource: string, mappings: LogSourceMapping[]): LogSourceMapping | undefined {
  let memo = answered.get(mappings);
  if (!memo) answered.set(mappings, (memo = new Map()));
  if (!memo.has(logSource)) memo.set(logSource, findFalcoSource(logSource, mappings));
  return memo.get(logSource);
}

function findFalcoSource(logSource: string, mappings: LogSourceMapping[]): LogSourceMapping | undefined {
  const name = logSource.trim().toLowerCase();
  const exact = mappings.find((m) => !m.name.endsWith('*') && m.name.toLowerCase() === name);
  if (exact) return exact;
  return mappings
    .filter((m) => m.name.endsWith('*') && name.startsWith(m.name.slice(0, -1).toLowerCase()))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

function describeLogSource(source: Analytic['logSources'][number], mappings: LogSourceMapping[], loaded: Set<string>): DetectabilityLogSource {
  const mapping = falcoSourceFor(source.name, mappings);
  return {
    name: source.name,
    channel: source.channel,
    ...(source.dataComponent ? { dataComponent: source.dataComponent } : {}),
    ...(mapping ? { falcoSource: mapping.source, ...(mapping.plugin ? { plugin: mapping.plugin } : {}), isLoaded: loaded.has(mapping.source) } : { isLoaded: false }),
  };
}

function verdictOf(analytics: DetectabilityAnalytic[], attackVersion: string, hasDetections: boolean, platforms: string[]): Pick<Detectability, 'verdict' | 'reason' | 'loadedSources' | 'otherSources'> {
  const sources = analytics.flatMap((a) => a.logSources).filter((l) => l.falcoSource);
  const loadedSources = [...new Set(sources.filter((l) => l.isLoaded).map((l) => l.falcoSource!))].sort();
  const others = new Map(sources.filter((l) => !l.isLoaded).map((l) => [l.falcoSource!, l.plugin ?? l.falcoSource!]));
  const otherSources = [...others].map(([source, plugin]) => ({ source, plugin })).sort((a, b) => compareText(a.source, b.source));
  const ids = (pick: (l: DetectabilityLogSource) => boolean) => analytics.filter((a) => a.logSources.some(pick)).map((a) => a.id).join(', ');
  if (!hasDetections) return { verdict: 'unknown', reason: `ATT&CK ${attackVersion} has no analytics (they came with v18): detectability unknown`, loadedSources, otherSources };
  if (analytics.length === 0) return { verdict: 'unknown', reason: `ATT&CK names no analytic for it on ${platforms.join(', ') || 'the scope'}: detectability unknown`, loadedSources, otherSources };
  if (loadedSources.length > 0) return { verdict: 'closable-loaded', reason: `closable with the loaded source ${loadedSources.join(', ')} (${ids((l) => l.isLoaded)})`, loadedSources, otherSources };
  if (otherSources.length > 0) {
    const named = otherSources.map((o) => (o.plugin === o.source ? o.source : `${o.source} (plugin ${o.plugin})`)).join(', ');
    return { verdict: 'closable-other', reason: `closable with another Falco source: ${named} (${ids((l) => Boolean(l.falcoSource))})`, loadedSources, otherSources };
  }
  const names = [...new Set(analytics.flatMap((a) => a.logSources.map((l) => l.name)))].sort();
  return { verdict: 'not-observable', reason: `not observable by Falco: its analytics name only ${names.join(', ') || 'no log source'}`, loadedSources, otherSources };
}

/** What ATT&CK says can detect the technique on `platforms`, and whether Falco can see it. */
export function assessDetectability(catalog: Catalog, techniqueId: string, platforms: string[], loadedSources: string[], mappings: LogSourceMapping[]): Detectability {
  const loaded = new Set(loadedSources);
  const analytics: DetectabilityAnalytic[] = analyticsFor(catalog, techniqueId, platforms).map(({ strategy, analytic }) => ({
    id: analytic.id,
    strategy: strategy.id,
    platforms: analytic.platforms.filter((p) => platforms.includes(p)),
    description: analytic.description,
    logSources: analytic.logSources.map((l) => describeLogSource(l, mappings, loaded)),
  }));
  return { ...verdictOf(analytics, catalog.version, catalog.detections !== undefined, platforms), analytics };
}
