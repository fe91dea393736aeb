// attack-cov's own pinned data (data/*.json): upstream versions and URLs, source → platform map.
import { readFileSync } from 'node:fs';
import { dataPath } from './paths.js';

export interface Upstream {
  attack: { default: string; domain: string; urlTemplate: string; indexUrl: string; versions: string[] };
  falcoRules: { tag: string; urlTemplate: string; files: string[]; standardLocations: string[] };
}

let upstream: Upstream | undefined;
export function readUpstream(): Upstream {
  upstream ??= JSON.parse(readFileSync(dataPath('upstream.json'), 'utf8')) as Upstream;
  return upstream;
}

/** Falco source → ATT&CK platforms it can observe. */
let sourcePlatforms: Record<string, string[]> | undefined;
export function readSourcePlatforms(): Record<string, string[]> {
  if (!sourcePlatforms) {
    const raw = JSON.parse(readFileSync(dataPath('source-platforms.json'), 'utf8')) as Record<string, unknown>;
    // Null prototype: a rule's source (text from the input) such as "constructor" finds nothing here.
    sourcePlatforms = Object.assign(Object.create(null) as object, Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith('$')))) as Record<string, string[]>;
  }
  return sourcePlatforms;
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
  return env.ATTACK_COV_ATTACK_MIRROR || readUpstream().attack.urlTemplate;
}

/** Official Falco rules URL template ({tag}, {file}); ATTACK_COV_FALCO_RULES_MIRROR points it at a mirror. */
export function falcoRulesUrlTemplate(env: NodeJS.ProcessEnv = process.env): string {
  return env.ATTACK_COV_FALCO_RULES_MIRROR || readUpstream().falcoRules.urlTemplate;
}

/** MITRE's ATT&CK STIX data collection index, for `--attack latest`; ATTACK_COV_ATTACK_INDEX points it elsewhere. */
export function attackIndexUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.ATTACK_COV_ATTACK_INDEX || readUpstream().attack.indexUrl;
}
