// Procedures to emulate: Atomic Red Team tests for linux and containers (data/embedded/atomic-red-team,
// MIT) with their input arguments' defaults substituted, and attack-cov's benign corpus
// (data/benign-corpus.yaml). Reading the files is the only I/O; malformed entries are input errors.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parse, parseDocument } from 'yaml';
import { InputError } from '../errors.js';
import { firstYamlError } from '../falco/yaml-errors.js';
import { dataPath } from '../paths.js';
import { yamlFileRole } from '../falco/read-guard.js';
import { readRegularText } from '../regular-file.js';

export interface Procedure {
  /** The atomic test's GUID, or the benign item's id. */
  id: string;
  /** ATT&CK technique (atomics only), as the loaded catalog numbers it. */
  technique?: string;
  /** The atomics file's own technique ID, when the catalog numbers that technique differently (data/attack-renumbering.json). */
  atomicTechnique?: string;
  name: string;
  /** sh or bash; other executors are not emulated. */
  executor: string;
  /** The command with input arguments substituted. */
  command: string;
  kind: 'atomic' | 'benign';
  /** What the benign item stands for (package install, CI shell…). */
  category?: string;
}

export interface SkippedProcedure {
  id: string;
  technique: string;
  /** As Procedure's. */
  atomicTechnique?: string;
  name: string;
  why: string;
}

const PLATFORMS = new Set(['linux', 'containers']);
const SHELL_EXECUTORS = new Set(['sh', 'bash']);
/** Where Invoke-AtomicTest keeps the atomics; defaults refer to it. */
export const ATOMICS_FOLDER = '/opt/AtomicRedTeam/atomics';

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `#{name}` replaced by the input argument's default (and PathToAtomicsFolder by the usual folder). */
export function substituteArguments(command: string, inputs: Record<string, unknown>): string {
  const substituted = command.replace(/#\{([^}]+)\}/g, (whole, name: string) => {
    const value = asRecord(inputs[name]).default;
    return value === undefined || value === null ? whole : String(value);
  });
  return substituted.replace(/\$?PathToAtomicsFolder/gi, ATOMICS_FOLDER);
}

/** The linux/containers tests of one technique file. */
export function proceduresOfAtomicFile(text: string, file: string): { procedures: Procedure[]; skipped: SkippedProcedure[] } {
  // Errors as rules files say them: file:line:col, an unclosed quote or bracket where it opens (QA: an unclosed flow list
  // was named at a line past the end of the file).
  const lines = new LineCounter();
  const parsed = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const refused = firstYamlError(text, file, parsed.errors, lines, 'not YAML');
  if (refused) throw refused;
  let doc: Record<string, unknown>;
  try {
    doc = asRecord(parsed.toJS());
  } catch (error) {
    // What only making the values finds (too many aliases): said with the file.
    throw new InputError(file, `not YAML: ${(error as Error).message.split('\n')[0]!}`);
  }
  // Typed as Atomic Red Team writes them: a list (`[T1000]`) is no technique ID, whatever String() makes of it (QA).
  const technique = typeof doc.attack_technique === 'string' ? doc.attack_technique : '';
  if (!/^T\d{4}(\.\d{3})?$/.test(technique) || !Array.isArray(doc.atomic_tests)) throw new InputError(file, 'not an Atomic Red Team technique file (attack_technique and atomic_tests expected)');
  const procedures: Procedure[] = [];
  const skipped: SkippedProcedure[] = [];
  for (const raw of doc.atomic_tests) {
    const test = asRecord(raw);
    // One platform written as a scalar (`supported_platforms: linux`) is that platform, not none (QA: dropped unsaid).
    const given = typeof test.supported_platforms === 'string' ? [test.supported_platforms] : test.supported_platforms;
    const platforms = Array.isArray(given) ? given.filter((p): p is string => typeof p === 'string') : [];
    if (!platforms.some((p) => PLATFORMS.has(p))) continue;
    const executor = asRecord(test.executor);
    const id = typeof test.auto_generated_guid === 'string' ? test.auto_generated_guid : `${technique}-${procedures.length + skipped.length + 1}`;
    const name = typeof test.name === 'string' ? test.name.trim() : '';
    const executorName = typeof executor.name === 'string' ? executor.name : '';
    const why = !SHELL_EXECUTORS.has(executorName) ? `${executorName || 'no'} executor (only sh and bash are emulated)`
      // Each test's own fault, said as such (QA: a command written as a list was "sh executor (only sh and bash …)").
      : typeof executor.command !== 'string' ? 'its command is not text (a YAML list or map?)'
      : typeof test.name !== 'string' ? 'its name is not text' : undefined;
    if (why !== undefined) {
      skipped.push({ id, technique, name, why });
      continue;
    }
    procedures.push({ id, technique, name, executor: executorName, command: substituteArguments(executor.command as string, asRecord(test.input_arguments)), kind: 'atomic' });
  }
  return { procedures, skipped };
}

const ATOMICS_HINT = "point --atomics at an atomic-red-team checkout's atomics/ folder";

/** Every linux/containers atomic under `root` (atomics/<T>/<T>.yaml), in technique order. */
export function readAtomics(root = dataPath(path.join('embedded', 'atomic-red-team', 'atomics'))): { procedures: Procedure[]; skipped: SkippedProcedure[] } {
  const procedures: Procedure[] = [];
  const skipped: SkippedProcedure[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync(root).filter((d) => /^T\d{4}(\.\d{3})?$/.test(d)).sort();
  } catch {
    throw new InputError(root, 'no atomics folder here', ATOMICS_HINT);
  }
  let read = 0;
  for (const dir of dirs) {
    const file = path.join(root, dir, `${dir}.yaml`);
    // A technique folder without its file holds no atomic; one whose file is no regular file (a FIFO …) is refused.
    if (!existsSync(file)) continue;
    const text = readRegularText(file, file, yamlFileRole('an Atomic Red Team technique file', ATOMICS_HINT));
    read++;
    const found = proceduresOfAtomicFile(text, file);
    procedures.push(...found.procedures);
    skipped.push(...found.skipped);
  }
  // A folder without one atomic (a wrong path in CI) would emulate nothing and pass: say so instead.
  if (read === 0) throw new InputError(root, 'no atomics here (no T*/T*.yaml file)', ATOMICS_HINT);
  return { procedures, skipped };
}

/** The benign corpus: everyday activity no detection should alert on. */
export function readBenignCorpus(file = dataPath('benign-corpus.yaml')): Procedure[] {
  const doc = asRecord(parse(readFileSync(file, 'utf8')));
  const items = Array.isArray(doc.items) ? doc.items : [];
  return items.map((raw, i) => {
    const item = asRecord(raw);
    if (typeof item.id !== 'string' || typeof item.command !== 'string') throw new InputError(file, `item ${i + 1}: id and command are required`);
    return { id: item.id, name: String(item.name ?? item.id), category: String(item.category ?? ''), executor: String(item.executor ?? 'sh'), command: item.command, kind: 'benign' as const };
  });
}
