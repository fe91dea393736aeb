// Finds and reads Falco rules files (given paths, Falco's standard locations, or the pinned official
// rules, downloaded and cached), then builds the Ruleset. The edge that touches fs for rules.

import { createHash } from 'node:crypto';
import path from 'node:path';
import { InputError } from '../errors.js';
import { fetchIntoCache } from '../net/cache.js';
import type { DownloadOptions } from '../net/download.js';
import { falcoRulesUrlTemplate, readUpstream } from '../upstream.js';
import { parseRulesText } from './parse.js';
import { listRulesDir, readRulesBytes, statRulesPath } from './read-guard.js';
import { buildRuleset } from './ruleset.js';
import type { RawItem, RulesFileInfo, Ruleset } from './types.js';

export interface RulesLoadOptions {
  cacheRoot: string;
  cwd?: string;
  download?: DownloadOptions;
  /** Falco's standard locations; overridable for tests. */
  standardLocations?: string[];
}

/** Path as the user should see it: relative to the working directory when inside it, with / separators. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, file);
  const shown = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
  return shown.split(path.sep).join('/');
}

const RULES_FILE = /\.ya?ml$/i;

/** Expands files and directories (a directory means its *.yaml files in name order, like Falco's rules.d). */
async function expandPaths(paths: string[], isStrict: boolean): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const info = await statRulesPath(given);
    if (!info) {
      if (isStrict) throw new InputError(given, 'no such file or directory', 'pass Falco rules files or directories with --rules');
      continue;
    }
    if (info.isDirectory()) {
      const names = (await listRulesDir(given)).filter((n) => RULES_FILE.test(n)).sort();
      files.push(...names.map((n) => path.join(given, n)));
    } else files.push(given);
  }
  return files;
}

interface ReadFile {
  info: RulesFileInfo;
  items: RawItem[];
}

/** A rules file's text as read, for commands that rewrite it (lint --fix). */
export interface RulesText {
  /** Absolute path. */
  file: string;
  /** Path as shown (and as findings name it). */
  path: string;
  text: string;
  sha256: string;
}

async function readRulesText(file: string, shownAs: string): Promise<RulesText> {
  const bytes = await readRulesBytes(file, shownAs);
  return { file: path.resolve(file), path: shownAs, text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') };
}

async function readRulesFile(file: string, shownAs: string, url?: string): Promise<ReadFile> {
  const { text, sha256 } = await readRulesText(file, shownAs);
  return { info: { path: shownAs, sha256, ...(url ? { url } : {}) }, items: parseRulesText(text, shownAs) };
}

/** Reads the rules files named by `paths` (files or directories) as text, without building a ruleset. */
export async function readRulesTexts(paths: string[], cwd: string = process.cwd()): Promise<RulesText[]> {
  const expanded = await expandPaths(paths, true);
  if (expanded.length === 0) throw new InputError(paths.join(', '), 'no *.yaml rules files found', 'pass Falco rules files, or directories holding them');
  return Promise.all(expanded.map((f) => readRulesText(f, displayPath(f, cwd))));
}

/** The ruleset of rules files given as text (in order). Pure apart from hashing. */
export function rulesetFromTexts(files: { path: string; text: string }[]): Ruleset {
  return buildRuleset(
    files.map((f) => ({ info: { path: f.path, sha256: createHash('sha256').update(f.text).digest('hex') }, items: parseRulesText(f.text, f.path) })),
  );
}

async function downloadOfficialRules(options: RulesLoadOptions): Promise<ReadFile[]> {
  const { falcoRules } = readUpstream();
  const result: ReadFile[] = [];
  for (const name of falcoRules.files) {
    const url = falcoRulesUrlTemplate().replace('{tag}', falcoRules.tag).replace('{file}', name);
    const cachePath = path.join(options.cacheRoot, 'falco-rules', falcoRules.tag, name);
    const fetched = await fetchIntoCache(url, cachePath, (temp) => readRulesFile(temp, url, url), options.download);
    result.push(fetched.validated ?? (await readRulesFile(fetched.file, displayPath(fetched.file, options.cwd), url)));
  }
  return result;
}

export interface LoadedRuleset {
  ruleset: Ruleset;
  /** How the files were chosen, for the summary. */
  origin: 'given' | 'standard-locations' | 'official-download';
}

/** Loads `--rules` paths, or Falco's standard locations, or the pinned official rules. */
export async function loadRules(paths: string[] | undefined, options: RulesLoadOptions): Promise<LoadedRuleset> {
  const cwd = options.cwd ?? process.cwd();
  let files: ReadFile[];
  let origin: LoadedRuleset['origin'] = 'given';
  if (paths && paths.length > 0) {
    const expanded = await expandPaths(paths, true);
    if (expanded.length === 0) throw new InputError(paths.join(', '), 'no *.yaml rules files found', 'pass Falco rules files, or directories holding them');
    files = await Promise.all(expanded.map((f) => readRulesFile(f, displayPath(f, cwd))));
  } else {
    const standard = await expandPaths(options.standardLocations ?? readUpstream().falcoRules.standardLocations, false);
    if (standard.length > 0) {
      origin = 'standard-locations';
      files = await Promise.all(standard.map((f) => readRulesFile(f, displayPath(f, cwd))));
    } else {
      origin = 'official-download';
      files = await downloadOfficialRules(options);
    }
  }
  return { ruleset: buildRuleset(files), origin };
}
