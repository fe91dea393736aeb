// Finds and reads .attack-cov.yaml (from the working directory upward, or --config), and merges it under
// the command line: a flag given on the command line always wins. The only file access of config/.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError, noValueError } from '../errors.js';
import { isOfficialSpec } from '../falco/load.js';
import { yamlFileRole } from '../falco/read-guard.js';
import { readRegularText } from '../regular-file.js';
import { CONFIG_FILE_NAME, parseProjectConfig, type ProjectConfig } from './project-config.js';

const exists = (file: string) =>
  stat(file).then(
    (s) => s.isFile(),
    // Stryker disable next-line ArrowFunction: both callers test the answer for truth only, where undefined is as false as false
    () => false,
  );

/** The nearest .attack-cov.yaml at or above `cwd`, not climbing past the git work tree that holds it. */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (await exists(candidate)) return candidate;
    const isRepoTop = await stat(path.join(dir, '.git')).then(
      () => true,
      // Stryker disable next-line ArrowFunction: isRepoTop is only tested for truth (`isRepoTop || …`), where undefined is as false as false
      () => false,
    );
    if (isRepoTop || path.dirname(dir) === dir) return undefined;
  }
}

/** Reads the config `given` (--config), else the one found from `cwd`; none with --no-config (false). */
export async function loadProjectConfig(given: string | boolean | undefined, cwd: string): Promise<ProjectConfig | undefined> {
  if (given === false) return undefined;
  if (typeof given === 'string' && given.trim() === '') throw noValueError('--config', given, `give a ${CONFIG_FILE_NAME} file, or --no-config`);
  const file = typeof given === 'string' ? path.resolve(cwd, given) : await findConfigFile(cwd);
  if (!file) return undefined;
  // --config as typed (`.` is no name to show as the folder's own); a config found by looking up, relative to here,
  // `../../.attack-cov.yaml` when it lies above (QA: named as if it were here, it was not where the user looked).
  const shown = typeof given === 'string' ? given : path.relative(cwd, file).split(path.sep).join('/');
  if ((await stat(file).catch(() => undefined))?.isDirectory()) {
    const inside = path.join(given as string, CONFIG_FILE_NAME);
    throw new InputError(shown, 'a folder, not a config file', (await exists(path.join(file, CONFIG_FILE_NAME))) ? `give the file: --config ${inside}` : `--config takes a ${CONFIG_FILE_NAME} file`);
  }
  const text = readRegularText(file, shown, { ...yamlFileRole('a config file', typeof given === 'string' ? 'check the --config path' : undefined), cannotRead: 'cannot read the config' });
  return parseProjectConfig(text, shown, path.dirname(file));
}

/** Where in the config ("file:line:col") the values of options were written, when the config gave them: errors about
 * those values name that place, not a flag never given. One place per value for lists. */
export interface ConfigAt {
  platform?: string[];
  threat?: string[];
  /** Where the config pins the bundle's sha256. */
  attackSha256?: string;
  attack?: string;
  rules?: string[];
  minCoverage?: string[];
}

/** How the command line was used: which options it gave, and which the command has. */
export interface OptionSources {
  isFromCli: (key: string) => boolean;
  /** Whether the command takes this option with this value from the config (lint has --format of its own). */
  takes: (key: string, value: unknown) => boolean;
}

const isVersionOrUrl = (value: string) => /^(\d+(\.\d+)?|latest)$/.test(value) || /^[a-z][a-z0-9+.-]*:\/\//i.test(value);

/** Option values the config gives, with its paths resolved against the config's folder. */
export function configOptionValues(config: ProjectConfig): Record<string, unknown> {
  const resolve = (p: string) => path.resolve(config.dir, p);
  return {
    rules: config.rules?.map((p) => (isOfficialSpec(p) ? p : resolve(p))),
    attack: config.attack && (isVersionOrUrl(config.attack) ? config.attack : resolve(config.attack)),
    attackSha256: config.attackSha256,
    platform: config.platforms,
    threat: config.threats,
    format: config.formats,
    out: config.out && resolve(config.out),
    score: config.score,
    failOn: config.failOn,
    minCoverage: config.minCoverage,
    maxCoverageDrop: config.maxCoverageDrop,
    // Outputs and the suppressions' file globs name files relative to the project: the config's folder unless it says otherwise.
    // Stryker disable next-line StringLiteral: path.resolve skips an empty segment, so resolving '' gives the config's folder as '.' does
    sourceRoot: resolve(config.sourceRoot ?? '.'),
  };
}

/** Refuses a rules path or bundle file the config gave (`configAt`: mergeConfig's, so only values the command line did
 * not override) that is not there, at its place in the config (QA: the loaders named it by its absolute path, as if
 * given on the command line); the official specs, versions and URLs are no paths. */
export function checkConfigPaths(config: ProjectConfig, configAt: ConfigAt): void {
  const check = (values: string[], at: string[], key: string) => {
    for (const [i, value] of values.entries()) {
      if (isOfficialSpec(value) || existsSync(path.resolve(config.dir, value))) continue;
      throw new InputError(at[i]!, `${key} ${value}: no such file or directory`, `paths in ${CONFIG_FILE_NAME} are relative to its folder`);
    }
  };
  if (configAt.rules) check(config.rules!, configAt.rules, 'rules');
  if (configAt.attack && !isVersionOrUrl(config.attack!)) check([config.attack!], [configAt.attack], 'attack');
}

/** The options with the config's values wherever the command line did not set the option. */
export function mergeConfig<T extends object>(options: T, config: ProjectConfig, sources: OptionSources): T & { suppressions: ProjectConfig['suppressions']; configFile: string; configPath: string; configAt: ConfigAt } {
  const merged: Record<string, unknown> = { ...(options as Record<string, unknown>) };
  const taken = new Set<string>();
  for (const [key, value] of Object.entries(configOptionValues(config))) {
    if (value !== undefined && sources.takes(key, value) && !sources.isFromCli(key)) {
      merged[key] = value;
      taken.add(key);
    }
  }
  const configAt: ConfigAt = {
    ...(taken.has('platform') && config.valueAt.platforms ? { platform: config.valueAt.platforms } : {}),
    ...(taken.has('threat') && config.valueAt.threats ? { threat: config.valueAt.threats } : {}),
    ...(taken.has('attackSha256') && config.valueAt.attackSha256 ? { attackSha256: config.valueAt.attackSha256 } : {}),
    ...(taken.has('attack') && config.valueAt.attack ? { attack: config.valueAt.attack } : {}),
    ...(taken.has('rules') && config.valueAt.rules ? { rules: config.valueAt.rules } : {}),
    ...(taken.has('minCoverage') && config.valueAt.minCoverage ? { minCoverage: config.valueAt.minCoverage } : {}),
  };
  // config.dir is the folder of the file read: with the file's name, its whole path (config.file is as the user typed it).
  return { ...(merged as T), suppressions: config.suppressions, configFile: config.file, configPath: path.join(config.dir, path.basename(config.file)), configAt };
}
