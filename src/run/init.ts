// `attack-cov init`: writes a commented .attack-cov.yaml for the repository in the working directory,
// naming the Falco rules files and folders found there, with the official rules first when the repository's
// rules load only after them. Refuses to overwrite without --force.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_FILE_NAME } from '../config/project-config.js';
import { starterConfig, type StarterRules } from '../config/starter.js';
import { embeddedAttack } from '../embedded.js';
import { EXIT_OK, InputError, UsageError } from '../errors.js';
import { isOfficialSpec, readRulesTexts, rulesetFromTexts } from '../falco/load.js';
import { readRulesBytes } from '../falco/read-guard.js';
import { yamlLib } from '../falco/yaml-lib.js';
import { writeOutputs } from '../output.js';
import { escapeForTerminal } from '../terminal-text.js';
import type { Environment } from './inputs.js';
import type { Io } from './report.js';

const RULES_FILE = /rules.*\.ya?ml$/i;
const RULES_DIR = /^(rules(\.d)?|falco(-rules)?)$/i;
const YAML_FILE = /\.ya?ml$/i;

/** Falco's own load order: the official files, then the local overrides, then everything else, folders last. */
const FALCO_ORDER = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml', 'falco_rules.local.yaml'];

/** The embedded official sets tried before the repository's rules when they do not load alone, smallest first
 * (a repository that appends to `shell_binaries` or disables an official rule is written to load after them). */
const OFFICIAL_PREFIXES = [['official'], ['official', 'official:k8saudit'], ['official:all'], ['official:all', 'official:k8saudit']];

function loadRank(name: string): number {
  const known = FALCO_ORDER.indexOf(path.basename(name));
  if (known >= 0) return known;
  return name.endsWith('/') ? FALCO_ORDER.length + 1 : FALCO_ORDER.length;
}

/** False for YAML whose document is a mapping or a scalar (Falco's own falco.yaml, a values file): every command
 * would stop on it as "not a Falco rules file". A file that does not parse counts as rules: loading it says where. */
export function isRulesYaml(text: string): boolean {
  const yaml = yamlLib();
  return yaml.parseAllDocuments(text).every((doc) => {
    if (!('contents' in doc) || doc.errors.length > 0) return true;
    const root = doc.contents;
    return root === null || yaml.isSeq(root) || (yaml.isScalar(root) && (root.value === null || root.value === ''));
  });
}

async function rulesYamlIn(dir: string, names: string[]): Promise<{ rules: string[]; others: string[] }> {
  const rules: string[] = [];
  const others: string[] = [];
  for (const name of names) (isRulesYaml((await readRulesBytes(path.join(dir, name), name)).toString('utf8')) ? rules : others).push(name);
  return { rules, others };
}

/**
 * Rules files at the top of `dir`, and folders named like rules folders that hold YAML files, in the order Falco
 * loads them (a local file overrides rules it must come after). A folder that also holds YAML that is not rules
 * (Falco's falco.yaml) is named by its rules files instead, which load in the order the folder would; `skipped`
 * names the YAML left out.
 */
export async function detectRulesPaths(dir: string): Promise<{ paths: string[]; skipped: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  const skipped: string[] = [];
  const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const topFiles = entries.filter((e) => e.isFile() && RULES_FILE.test(e.name) && e.name !== CONFIG_FILE_NAME).map((e) => e.name);
  const top = await rulesYamlIn(dir, topFiles);
  found.push(...top.rules);
  skipped.push(...top.others);
  for (const entry of entries.filter((e) => e.isDirectory() && RULES_DIR.test(e.name))) {
    const inside = (await readdir(path.join(dir, entry.name), { withFileTypes: true })).filter((e) => e.isFile() && YAML_FILE.test(e.name)).map((e) => e.name).sort(byName);
    const { rules, others } = await rulesYamlIn(path.join(dir, entry.name), inside);
    if (others.length === 0 && rules.length > 0) found.push(`${entry.name}/`);
    else found.push(...rules.map((name) => `${entry.name}/${name}`));
    skipped.push(...others.map((name) => `${entry.name}/${name}`));
  }
  return { paths: found.sort((a, b) => loadRank(a) - loadRank(b) || byName(a, b)), skipped: skipped.sort(byName) };
}

async function isLoadable(paths: string[], dir: string): Promise<boolean> {
  try {
    rulesetFromTexts(await readRulesTexts(paths.map((p) => (isOfficialSpec(p) ? p : path.join(dir, p))), dir));
    return true;
  } catch (error) {
    if (error instanceof InputError) return false;
    throw error;
  }
}

/** `paths`, after the smallest official set they load after when they do not load alone (unchanged when none helps:
 * the first run then names the error). */
export async function withOfficialFirst(paths: string[], dir: string): Promise<StarterRules> {
  if (paths.length === 0 || (await isLoadable(paths, dir))) return { paths, officialFirst: [] };
  for (const official of OFFICIAL_PREFIXES) {
    if (await isLoadable([...official, ...paths], dir)) return { paths: [...official, ...paths], officialFirst: official };
  }
  return { paths, officialFirst: [] };
}

export async function runInit(options: { force?: boolean }, env: Environment, io: Io): Promise<number> {
  const target = path.join(env.cwd, CONFIG_FILE_NAME);
  if (!options.force && (await stat(target).then(() => true, () => false))) {
    throw new UsageError(`${CONFIG_FILE_NAME} already exists here`, 'attack-cov init --force replaces it');
  }
  const { paths, skipped } = await detectRulesPaths(env.cwd);
  const rules = { ...(await withOfficialFirst(paths, env.cwd)), skipped };
  await writeOutputs(env.cwd, [{ name: CONFIG_FILE_NAME, content: starterConfig(rules, embeddedAttack().version, embeddedAttack().sha256) }]);
  // File names as lint names them: one escaped field each, so that a name cannot forge a line or colour the terminal.
  const names = (list: string[]): string => list.map(escapeForTerminal).join(', ');
  const named = rules.paths.length ? ` (rules: ${names(rules.paths)})` : ' (no rules files found: it names the official rules)';
  const left = skipped.length ? `; left out, not rules files: ${names(skipped)}` : '';
  io.stderr(`wrote ${CONFIG_FILE_NAME}${named}${left}\n`);
  return EXIT_OK;
}
