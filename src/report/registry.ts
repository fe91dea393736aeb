// Reporters by name: --format picks from here.
import { UsageError } from '../errors.js';
import { jsonReporter } from './json.js';
import type { Reporter } from './reporter.js';

export const REPORTERS: Record<string, Reporter> = {
  [jsonReporter.name]: jsonReporter,
};

/** Resolves --format values ("all", or names separated by commas); report.json is always written. */
export function selectReporters(formats: string[] | undefined): Reporter[] {
  const names = (formats ?? ['all']).flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
  if (names.includes('all')) return Object.values(REPORTERS);
  const unknown = names.filter((n) => !REPORTERS[n]);
  if (unknown.length > 0) throw new UsageError(`unknown format: ${unknown.join(', ')}`, `formats: all, ${Object.keys(REPORTERS).join(', ')}`);
  return [...new Set(['json', ...names])].map((n) => REPORTERS[n]!);
}
