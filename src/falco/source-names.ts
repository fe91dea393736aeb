// A rule's `source:` that names no event source when attack-cov can tell: a plugin's name whose events have
// another source (`source: k8saudit-eks`, where the events' source is k8s_audit), or a known source in other
// letter case (`Syscall`). Falco warns "Unknown source …, skipping" and leaves such a rule out, unless a loaded
// plugin has a source of exactly that name (no plugin attack-cov knows does). Any other name it does not know may
// be a custom plugin's source, and is not judged. Reads data/source-platforms.json and data/plugin-sources.json.
import { own } from '../own.js';
import { readPluginSources, readSourcePlatforms } from '../upstream.js';
import { editDistance } from './tags.js';

/** The sources attack-cov knows by name: those it maps to platforms and those plugins give their events. */
function knownSources(): string[] {
  return [...new Set([...Object.keys(readSourcePlatforms()), ...Object.values(readPluginSources())])];
}

/** The event source a plugin's name stands for (k8saudit-eks → k8s_audit), or undefined for any other name. */
export function sourceOfPlugin(name: string): string | undefined {
  return own(readPluginSources(), name);
}

/** What is wrong with `source` when attack-cov can tell that Falco skips its rules (see above); undefined otherwise. */
export function misnamedSource(source: string): string | undefined {
  const target = sourceOfPlugin(source);
  if (target !== undefined) return `source ${source} is the name of a plugin, not an event source (its events' source is ${target})`;
  const known = knownSources();
  if (known.includes(source)) return undefined;
  const other = known.find((name) => name.toLowerCase() === source.toLowerCase());
  return other === undefined ? undefined : `source ${source} is not ${other} (source names are case-sensitive)`;
}

/** What Falco says as it skips a rule of `source`. */
export function skipsSource(source: string): string {
  return `Falco skips the rule ("Unknown source ${source}, skipping")`;
}

/** A known source one or two edits from `source` (sycall → syscall), for a hint; undefined when none is, or it is known. */
export function closeSource(source: string): string | undefined {
  const known = knownSources();
  if (known.includes(source) || source.length < 4) return undefined;
  return known.map((name) => ({ name, d: editDistance(name, source) })).filter((c) => c.d <= 2).sort((a, b) => a.d - b.d)[0]?.name;
}
