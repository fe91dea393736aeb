// `attack-cov emulate`: does the rule fire? Runs the rules against synthetic events of Atomic Red Team
// procedures and the benign corpus; prints the listing (or JSON), writes emulation.json/.md with --out.
import { hasCurrentTechnique, unknownTechniqueHint } from '../emulate/renumbering.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { escapeForTerminal } from '../terminal-text.js';
import { checkOutputDir, outDirOf, writeOutputs, writtenPath } from '../output.js';
import { renderEmulationMarkdown, renderEmulationText } from '../report/emulation.js';
import { stringifyJson } from '../report/reporter.js';
import { emulateRuleset, loadEmulationInputs } from './emulation.js';
import { analyzeRuleset, checkTechniqueIds, loadCatalog, loadRulesFor, rulesFalcoDrops, type CommonOptions, type Environment } from './inputs.js';
import type { Io } from './report.js';

export interface EmulateOptions extends CommonOptions {
  format?: string;
  out?: string;
  atomics?: string;
}

/** For an ID a later ATT&CK gave (as Atomic Red Team uses it): the loaded version's ID of the same technique. */
export async function runEmulate(techniques: string[], options: EmulateOptions, env: Environment, io: Io): Promise<number> {
  const format = options.format ?? 'text';
  if (!['text', 'json'].includes(format)) throw new UsageError(`emulate --format must be text or json, not ${format}`);
  checkTechniqueIds(techniques);
  const outDir = options.out === undefined ? undefined : outDirOf(options.out, env.cwd);
  if (outDir !== undefined) await checkOutputDir(outDir);
  const rules = await loadRulesFor(options, env);
  const attack = await loadCatalog(options, env);
  const unknown = techniques.find((t) => !attack.catalog.techniques.has(t.toUpperCase()));
  if (unknown) throw new UsageError(`unknown technique ${unknown} in ATT&CK ${attack.catalog.version}`, unknownTechniqueHint(unknown.toUpperCase(), attack.catalog, 'emulate'));
  const skipped = await rulesFalcoDrops(rules.ruleset, options, env);
  const report = analyzeRuleset(attack, rules.ruleset, rules.origin, options, env, skipped ? { skipped } : {});
  const inputs = await loadEmulationInputs(hasCurrentTechnique(attack.catalog), options.atomics, env.cwd);
  const section = emulateRuleset(report, rules.ruleset, inputs, techniques.map((t) => t.toUpperCase()));
  if (outDir !== undefined) {
    const written = await writeOutputs(outDir, [
      { name: 'emulation.json', content: stringifyJson(section) },
      { name: 'emulation.md', content: renderEmulationMarkdown(section) },
    ]);
    for (const file of written) io.stderr(`wrote ${escapeForTerminal(writtenPath(file, env.cwd))}\n`);
  }
  if (format === 'json') io.stdout(stringifyJson(section));
  else if (!io.isQuiet) io.stdout(renderEmulationText(section, io.style));
  return EXIT_OK;
}
