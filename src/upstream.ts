// attack-cov's own pinned data (data/*.json): upstream versions and URLs, source → platform map.
import { readFileSync } from 'node:fs';
import { dataPath } from './paths.js';
import { badUrlError, isUrl } from './net/url.js';

export interface Upstream {
  attack: { default: string; domain: string; urlTemplate: string; indexUrl: string; versions: string[] };
  falcoRules: { tag: string; urlTemplate: string; files: string[]; standardLocations: string[] };
}

let upstream: Upstream | undefined;
export function readUpstream(): Upstream {
  upstream ??= JSON.parse(readFileSync(dataPath('upstream.json'), 'utf8')) as Upstream;
  return upstream;
}

/**
 * A data/*.json table keyed by names from the inputs (a rule's source), without its `$comment` keys. Null prototype:
 * a source such as "constructor" finds nothing here.
 */
function readNameTable<T>(file: string): Record<string, T> {
  const raw = JSON.parse(readFileSync(dataPath(file), 'utf8')) as Record<string, T>;
  return Object.assign(Object.create(null) as object, Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('$')))) as Record<string, T>;
}

let sourcePlatforms: Record<string, string[]> | undefined;
/** data/source-platforms.json: the ATT&CK platforms each Falco source observes. */
export function readSourcePlatforms(): Record<string, string[]> {
  sourcePlatforms ??= readNameTable<string[]>('source-platforms.json');
  return sourcePlatforms;
}

let pluginSources: Record<string, string> | undefined;
/** data/plugin-sources.json: plugins whose name is not their events' source (k8saudit-eks → k8s_audit). */
export function readPluginSources(): Record<string, string> {
  pluginSources ??= readNameTable<string>('plugin-sources.json');
  return pluginSources;
}

/** One row of data/log-sources.json: an ATT&CK log source name (or `prefix:*`) and the Falco source that observes it. */
export interface LogSourceMapping {
  name: string;
  source: string;
  /** The Falco plugin providing `source`; absent for syscall (Falco's own kernel instrumentation). */
  plugin?: string;
  why: string;
}

let logSources: LogSourceMapping[] | undefined;
export function readLogSourceMap(): LogSourceMapping[] {
  logSources ??= (JSON.parse(readFileSync(dataPath('log-sources.json'), 'utf8')) as { mappings: LogSourceMapping[] }).mappings;
  return logSources;
}

/** ATT&CK bundle URL template ({version}); ATTACK_COV_ATTACK_MIRROR points it at a mirror. */
export function attackUrlTemplate(env: NodeJS.ProcessEnv = process.env): string {
  return downloadVariable(env, 'ATTACK_COV_ATTACK_MIRROR') ?? readUpstream().attack.urlTemplate;
}

/** Official Falco rules URL template ({tag}, {file}); ATTACK_COV_FALCO_RULES_MIRROR points it at a mirror. */
export function falcoRulesUrlTemplate(env: NodeJS.ProcessEnv = process.env): string {
  return downloadVariable(env, 'ATTACK_COV_FALCO_RULES_MIRROR') ?? readUpstream().falcoRules.urlTemplate;
}

/** MITRE's ATT&CK STIX data collection index, for `--attack latest`; ATTACK_COV_ATTACK_INDEX points it elsewhere. */
export function attackIndexUrl(env: NodeJS.ProcessEnv = process.env): string {
  return downloadVariable(env, 'ATTACK_COV_ATTACK_INDEX') ?? readUpstream().attack.indexUrl;
}

const DOWNLOAD_VARIABLES = ['ATTACK_COV_ATTACK_MIRROR', 'ATTACK_COV_FALCO_RULES_MIRROR', 'ATTACK_COV_ATTACK_INDEX'] as const;

/** The variable's URL (template), or undefined when it is unset or empty. Anything but an http(s) or file URL is a
 * usage error: it would fail deep inside the HTTP client ("Invalid URL protocol", hinting at the network), and a
 * user:password written without its scheme would be named whole. */
function downloadVariable(env: NodeJS.ProcessEnv, name: (typeof DOWNLOAD_VARIABLES)[number]): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (!isUrl(value) || !URL.canParse(value)) {
    throw badUrlError(name, value, 'not an http(s) or file URL', 'write it with its scheme, e.g. https://mirror.example/… or file:///srv/mirror/…');
  }
  return value;
}

/** Checks every download variable before any work (the CLI does, as it checks its limits): a bad one fails at once,
 * not after the rules and the bundle were read. */
export function checkDownloadVariables(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of DOWNLOAD_VARIABLES) downloadVariable(env, name);
}
