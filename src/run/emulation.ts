// Loads what the emulation needs (the shell grammar, the tables, the atomics and the benign corpus) and
// adds the emulation section to a CoverageReport. Shared by emulate, report --emulate and draft.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { CoverageReport } from '../coverage-report.js';
import { buildEvidence, EMULATED_SOURCE } from '../emulate/evidence.js';
import { readAtomics, readBenignCorpus, type Procedure, type SkippedProcedure } from '../emulate/procedures.js';
import { readRenumbering, renumberTechniques } from '../emulate/renumbering.js';
import { compileRules, emulateAll } from '../emulate/run-rules.js';
import type { ShellParser } from '../emulate/shell-ast.js';
import { loadShellParser } from '../emulate/shell-parse.js';
import { readEmulationTables, type EmulationTables } from '../emulate/tables.js';
import type { EmulationSection } from '../emulate/types.js';
import type { Ruleset } from '../falco/types.js';
import { dataPath } from '../paths.js';
import { readSourcePlatforms } from '../upstream.js';

export interface EmulationInputs {
  parse: ShellParser;
  tables: EmulationTables;
  procedures: Procedure[];
  skipped: SkippedProcedure[];
  benign: Procedure[];
  source: EmulationSection['source'];
}

function embeddedRef(): string | undefined {
  const manifest = JSON.parse(readFileSync(dataPath('embedded.json'), 'utf8')) as { atomicRedTeam?: { ref?: string } };
  return manifest.atomicRedTeam?.ref;
}

/**
 * The grammar, tables, atomics (embedded, or from `atomicsDir`) and benign corpus. The atomics' techniques
 * are numbered as the catalog (`hasTechnique`) numbers them: the embedded ones use a later ATT&CK's IDs.
 */
export async function loadEmulationInputs(hasTechnique: (id: string) => boolean, atomicsDir?: string, cwd = process.cwd()): Promise<EmulationInputs> {
  const dir = atomicsDir ? path.resolve(cwd, atomicsDir) : undefined;
  const atomics = readAtomics(dir);
  const renumbering = readRenumbering();
  const ref = dir ? undefined : embeddedRef();
  return {
    parse: await loadShellParser(),
    tables: readEmulationTables(),
    procedures: renumberTechniques(atomics.procedures, hasTechnique, renumbering),
    skipped: renumberTechniques(atomics.skipped, hasTechnique, renumbering),
    benign: readBenignCorpus(),
    source: { atomics: dir ? atomicsDir! : `Atomic Red Team (embedded${ref ? `, ${ref}` : ''})`, ...(ref ? { ref } : {}), license: 'MIT', benign: 'data/benign-corpus.yaml' },
  };
}

/** Emulates the ruleset's enabled syscall rules on the procedures (of `techniques` when given) and the benign corpus. */
export function emulateRuleset(report: CoverageReport, ruleset: Ruleset, inputs: EmulationInputs, techniques: string[] = []): EmulationSection {
  const wanted = (p: Procedure): boolean => techniques.length === 0 || techniques.some((t) => p.technique === t || p.technique?.startsWith(`${t}.`));
  const { rules, failed } = compileRules(ruleset);
  const results = emulateAll([...inputs.procedures.filter(wanted), ...inputs.benign], rules, inputs.tables, inputs.parse);
  return buildEvidence({ report, results, skipped: inputs.skipped.filter((s) => techniques.length === 0 || techniques.some((t) => s.technique.startsWith(t))), source: inputs.source, notAsWritten: failed, emulatedPlatforms: readSourcePlatforms()[EMULATED_SOURCE] });
}
