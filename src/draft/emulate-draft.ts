// Drafts must fire: evaluates a draft's condition on the synthetic events of its technique's Linux
// procedures (Atomic Red Team) and of the benign corpus. A draft that fires on none of them, or on
// benign activity, gets issues the model can act on (what the procedures make, the benign event it
// matched); a passing one lists the procedures it catches. Pure.
import type { ContextName, SyntheticEvent } from '../emulate/event.js';
import { ConditionCompiler } from '../emulate/evaluate.js';
import type { Procedure } from '../emulate/procedures.js';
import { describeEvent, emulateProcedure, type CompiledRule } from '../emulate/run-rules.js';
import type { ShellParser } from '../emulate/shell-ast.js';
import type { EmulationTables } from '../emulate/tables.js';
import type { Ruleset } from '../falco/types.js';

export interface DraftEmulationInputs {
  parse: ShellParser;
  tables: EmulationTables;
  procedures: Procedure[];
  benign: Procedure[];
}

export interface DraftEmulation {
  /** Problems to send back to the model (empty when the draft fires on its procedures and on no benign item). */
  issues: string[];
  /** Procedures it fires on: "GUID name (host, container)". */
  catches: string[];
  /** How many of the technique's procedures were emulated. */
  procedures: number;
}

/** The technique's procedures (its sub-techniques' too). */
export function proceduresOf(technique: string, procedures: Procedure[]): Procedure[] {
  return procedures.filter((p) => p.technique === technique || p.technique?.startsWith(`${technique}.`));
}

/** What a procedure makes, in the words the model needs: its execve events' fields. */
function whatItMakes(streams: Record<ContextName, SyntheticEvent[]>): string {
  const execs = streams.host.filter((e) => e.fields['evt.type'] === 'execve').slice(1, 4);
  const shown = (execs.length > 0 ? execs : streams.host.slice(0, 3)).map((e) => `${describeEvent(e)} (proc.name=${e.fields['proc.name']}, proc.args=${JSON.stringify(e.fields['proc.args'])})`);
  return shown.join('; ');
}

/** Emulates the draft `condition` for `technique`: on its Linux procedures, and on the benign corpus, which holds a
 * draft for a technique with none to what it must not match as well (QA: `spawned_process` alone passed for T1068). */
export function emulateDraft(condition: string, technique: string, ruleset: Pick<Ruleset, 'macros' | 'lists'>, inputs: DraftEmulationInputs): DraftEmulation {
  const own = proceduresOf(technique, inputs.procedures);
  let rule: CompiledRule;
  try {
    rule = { name: 'draft', test: new ConditionCompiler(ruleset).compile(condition) };
  } catch (error) {
    return { issues: [`emulation: the condition cannot be evaluated: ${(error as Error).message}`], catches: [], procedures: own.length };
  }
  const issues: string[] = [];
  const catches: string[] = [];
  const missed: string[] = [];
  for (const procedure of own) {
    const result = emulateProcedure(procedure, [rule], inputs.tables, inputs.parse);
    const contexts = [...new Set(result.fired.map((f) => f.context))];
    if (contexts.length > 0) catches.push(`${procedure.id} ${procedure.name} (${contexts.join(', ')})`);
    else missed.push(`${procedure.id} "${procedure.name}" runs \`${procedure.command.trim().split('\n')[0]!.slice(0, 120)}\` and makes: ${whatItMakes(result.streams)}`);
  }
  if (own.length > 0 && catches.length === 0) issues.push(`emulation: the rule fires on none of ${technique}'s ${own.length} Linux procedures (Atomic Red Team). For example:`, ...missed.slice(0, 3).map((m) => `  ${m}`));
  for (const item of inputs.benign) {
    const result = emulateProcedure(item, [rule], inputs.tables, inputs.parse);
    const match = result.fired[0];
    if (match) issues.push(`emulation: the rule fires on benign activity "${item.name}" (${item.category}): ${match.event}; exclude it`);
  }
  return { issues, catches, procedures: own.length };
}
