// The data attack-cov ships (data/embedded, described by data/embedded.json): ATT&CK Enterprise, the
// official Falco rules, the k8saudit plugin's rules. Names them as outputs show them; never downloads.
import { readFileSync } from 'node:fs';
import { dataPath } from './paths.js';

export interface EmbeddedFile {
  file: string;
  sha256: string;
}

interface Manifest {
  attack: { version: string; domain: string; file: string; sha256: string };
  falcoRules: { ref: string; files: Record<string, EmbeddedFile> };
  falcoPlugins: { ref: string; files: Record<string, EmbeddedFile> };
}

let manifest: Manifest | undefined;
function readManifest(): Manifest {
  manifest ??= JSON.parse(readFileSync(dataPath('embedded.json'), 'utf8')) as Manifest;
  return manifest;
}

export function embeddedPath(relative: string): string {
  return dataPath(`embedded/${relative}`);
}

/** The embedded ATT&CK bundle: its version, absolute path and the name outputs give it. */
export function embeddedAttack(): { version: string; domain: string; file: string; label: string; sha256: string } {
  const { attack } = readManifest();
  const base = attack.file.split('/').pop()!;
  return { version: attack.version, domain: attack.domain, file: embeddedPath(attack.file), label: `embedded:${base}`, sha256: attack.sha256 };
}

/** One embedded rules file, named as outputs show it: `official:falco_rules.yaml@c72713e`. */
export interface EmbeddedRules {
  name: string;
  file: string;
  label: string;
  sha256: string;
}

/** The sets `--rules official[:set]` names; `official` alone is what a Falco package installs (stable only). */
export const OFFICIAL_SETS: Record<string, string[]> = {
  stable: ['falco_rules.yaml'],
  incubating: ['falco-incubating_rules.yaml'],
  sandbox: ['falco-sandbox_rules.yaml'],
  all: ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'],
  k8saudit: ['k8s_audit_rules.yaml'],
};

export function embeddedRules(name: string): EmbeddedRules | undefined {
  const { falcoRules, falcoPlugins } = readManifest();
  const core = Object.hasOwn(falcoRules.files, name) ? falcoRules.files[name] : undefined;
  if (core) return { name, file: embeddedPath(core.file), label: `official:${name}@${falcoRules.ref}`, sha256: core.sha256 };
  const plugin = Object.hasOwn(falcoPlugins.files, name) ? falcoPlugins.files[name] : undefined;
  if (plugin) return { name, file: embeddedPath(plugin.file), label: `official:${name}@${falcoPlugins.ref}`, sha256: plugin.sha256 };
  return undefined;
}

export function embeddedRulesRef(): string {
  return readManifest().falcoRules.ref;
}
