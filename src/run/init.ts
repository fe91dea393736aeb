// `attack-cov init`: writes a commented .attack-cov.yaml for the repository in the working directory,
// naming the Falco rules files and folders found there. Refuses to overwrite without --force.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_FILE_NAME } from '../config/project-config.js';
import { starterConfig } from '../config/starter.js';
import { embeddedAttack } from '../embedded.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { writeOutputs } from '../output.js';
import type { Environment } from './inputs.js';
import type { Io } from './report.js';

const RULES_FILE = /rules.*\.ya?ml$/i;
const RULES_DIR = /^(rules(\.d)?|falco(-rules)?)$/i;

/** Falco's own load order: the official files, then the local overrides, then everything else, folders last. */
const FALCO_ORDER = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml', 'falco_rules.local.yaml'];

function loadRank(name: string): number {
  const known = FALCO_ORDER.indexOf(name);
  if (known >= 0) return known;
  return name.endsWith('/') ? FALCO_ORDER.length + 1 : FALCO_ORDER.length;
}

/** Rules files at the top of `dir`, and folders named like rules folders that hold YAML files, in the
 * order Falco loads them (a local file overrides rules it must come after). */
export async function detectRulesPaths(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.isFile() && RULES_FILE.test(entry.name) && entry.name !== CONFIG_FILE_NAME) found.push(entry.name);
    if (entry.isDirectory() && RULES_DIR.test(entry.name)) {
      const inside = await readdir(path.join(dir, entry.name));
      if (inside.some((n) => /\.ya?ml$/i.test(n))) found.push(`${entry.name}/`);
    }
  }
  return found.sort((a, b) => loadRank(a) - loadRank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export async function runInit(options: { force?: boolean }, env: Environment, io: Io): Promise<number> {
  const target = path.join(env.cwd, CONFIG_FILE_NAME);
  if (!options.force && (await stat(target).then(() => true, () => false))) {
    throw new UsageError(`${CONFIG_FILE_NAME} already exists here`, 'attack-cov init --force replaces it');
  }
  const rules = await detectRulesPaths(env.cwd);
  await writeOutputs(env.cwd, [{ name: CONFIG_FILE_NAME, content: starterConfig(rules, embeddedAttack().version) }]);
  io.stderr(`wrote ${CONFIG_FILE_NAME}${rules.length ? ` (rules: ${rules.join(', ')})` : ' (no rules files found: it names the official rules)'}\n`);
  return EXIT_OK;
}
