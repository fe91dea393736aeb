// Reporters by name: --format picks from here. Aliases name groups or other spellings.
import { noValueError, UsageError } from '../errors.js';
import { splitCommaList } from '../collections.js';
import { ALIASES } from './format-names.js';
import { coverageCsvReporter, findingsCsvReporter } from './csv.js';
import { heatmapReporter } from './heatmap.js';
import { jsonReporter } from './json.js';
import { layerReporter } from './layer.js';
import type { Reporter } from './reporter.js';
import { sarifReporter } from './sarif.js';
import { summaryReporter } from './summary-md.js';
import { suggestionsCsvReporter } from './suggestions-csv.js';
import { priorityLayerReporter, threatLayersReporter } from './threat-layers.js';

export const REPORTERS: Record<string, Reporter> = Object.fromEntries(
  [jsonReporter, heatmapReporter, layerReporter, coverageCsvReporter, findingsCsvReporter, summaryReporter, sarifReporter, priorityLayerReporter, threatLayersReporter, suggestionsCsvReporter].map((r) => [r.name, r]),
);

export { ALIASES };

/** Resolves --format values ("all", names or aliases, comma-separated); report.json is always written. */
export function selectReporters(formats: string[] | undefined): Reporter[] {
  const names = splitCommaList(formats ?? ['all']);
  if (names.length === 0 && formats !== undefined && formats.length > 0) throw noValueError('--format', formats.join(','), `formats: all, ${[...Object.keys(REPORTERS), ...Object.keys(ALIASES)].join(', ')}`);
  // Own keys only: a --format of constructor or __proto__ must not find Object's prototype. Checked beside `all` too
  // (`all,bogus` was taken as all).
  const expanded = names.flatMap((n) => (Object.hasOwn(ALIASES, n) ? ALIASES[n]! : [n]));
  const unknown = expanded.filter((n) => n !== 'all' && !Object.hasOwn(REPORTERS, n));
  if (unknown.length > 0) throw new UsageError(`unknown format: ${unknown.join(', ')}`, `formats: all, ${[...Object.keys(REPORTERS), ...Object.keys(ALIASES)].join(', ')}`);
  if (names.includes('all')) return Object.values(REPORTERS);
  return [...new Set(['json', ...expanded])].map((n) => REPORTERS[n]!);
}
