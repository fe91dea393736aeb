// Runs procedures against a ruleset: synthesizes each procedure's events on the host and in a
// container, evaluates every enabled syscall rule on them and records which fire (with the first event
// that matched) and which are undetermined (with the fields they needed). Pure.
import { conditionWithExceptions } from '../falco/exceptions.js';
import type { FalcoRule, Ruleset } from '../falco/types.js';
import type { ContextName, SyntheticEvent } from './event.js';
import { ConditionCompiler, TRUE, UNKNOWN, type CompiledCondition } from './evaluate.js';
import type { Procedure } from './procedures.js';
import type { ShellParser } from './shell-ast.js';
import { synthesize } from './synthesize.js';
import type { EmulationTables } from './tables.js';
import type { ProcedureResult, RuleMatch, Undetermined } from './types.js';

export const CONTEXTS: ContextName[] = ['host', 'container'];

export interface CompiledRule {
  name: string;
  test: CompiledCondition;
}

/**
 * Compiles the enabled syscall rules, their exceptions joined to the condition as Falco joins them. `failed` lists, with why, the rules not evaluated as written: a condition
 * that cannot be compiled (left out), and one naming a field Falco does not have or with an argument it does not
 * take (evaluated, but those checks are false, so it may never fire here; Falco does not load it).
 */
export function compileRules(ruleset: Pick<Ruleset, 'rules' | 'macros' | 'lists'>, only?: (rule: FalcoRule) => boolean): { rules: CompiledRule[]; failed: { rule: string; why: string }[] } {
  const compiler = new ConditionCompiler(ruleset);
  const rules: CompiledRule[] = [];
  const failed: { rule: string; why: string }[] = [];
  for (const rule of ruleset.rules) {
    if (!rule.isEnabled || rule.source !== 'syscall' || (only && !only(rule))) continue;
    try {
      const { test, fieldProblems } = compiler.compileRule(conditionWithExceptions(rule.condition, rule.exceptions ?? []));
      const unknownFields = fieldProblems.filter((p) => p.startsWith('unknown field'));
      if (rule.skipsUnknownFilter && unknownFields.length > 0) {
        failed.push({ rule: rule.name, why: `not evaluated: Falco skips the rule (skip-if-unknown-filter: true) for what its condition names (${unknownFields.join('; ')})` });
        continue;
      }
      rules.push({ name: rule.name, test });
      if (fieldProblems.length > 0) failed.push({ rule: rule.name, why: `fields as Falco 0.44 does not take them (${fieldProblems.join('; ')}): those checks are false here, and Falco does not load the rule` });
    } catch (error) {
      failed.push({ rule: rule.name, why: `not evaluated: ${(error as Error).message}` });
    }
  }
  return { rules, failed };
}

/** One line saying what an event is: type, process and parent, and its file or address. */
export function describeEvent(event: SyntheticEvent): string {
  const f = event.fields;
  const what = f['fd.name'] ?? f['evt.arg.name'] ?? f['evt.arg.path'] ?? f['evt.arg.oldpath'] ?? f['evt.arg.filename'] ?? f['evt.arg.linkpath'] ?? f['fd.sip.name'] ?? '';
  const base = f['evt.type'] === 'execve' ? `execve ${f['proc.cmdline']}` : `${f['evt.type']} by ${f['proc.name']}${what !== '' ? ` ${what}` : ''}`;
  const flags = f['evt.type'] === 'openat' ? ` (${f['evt.arg.flags']})` : f['fd.sport'] !== undefined ? `:${f['fd.sport']}` : '';
  const line = `${base}${flags} [parent ${f['proc.pname']}]`.replace(/\s*\n\s*/g, ' ⏎ ');
  return line.length > 240 ? `${line.slice(0, 239)}…` : line;
}

function evaluateRule(rule: CompiledRule, events: SyntheticEvent[], context: ContextName): RuleMatch | Undetermined | undefined {
  const needs = new Set<string>();
  let isUnknown = false;
  for (const event of events) {
    const truth = rule.test(event, needs);
    if (truth === TRUE) return { rule: rule.name, context, eventNum: event.num, event: describeEvent(event) };
    if (truth === UNKNOWN) isUnknown = true;
  }
  return isUnknown ? { rule: rule.name, context, needs: [...needs].sort() } : undefined;
}

/** Emulates one procedure in both contexts against the compiled rules. */
export function emulateProcedure(procedure: Procedure, rules: CompiledRule[], tables: EmulationTables, parse: ShellParser): ProcedureResult & { streams: Record<ContextName, SyntheticEvent[]> } {
  const fired: RuleMatch[] = [];
  const undetermined: Undetermined[] = [];
  const unmodeled = new Set<string>();
  const streams = {} as Record<ContextName, SyntheticEvent[]>;
  for (const context of CONTEXTS) {
    const emulation = synthesize(procedure.command, procedure.executor, tables, context, parse);
    streams[context] = emulation.events;
    for (const note of emulation.unmodeled) unmodeled.add(note);
    for (const rule of rules) {
      const result = evaluateRule(rule, emulation.events, context);
      if (result && 'event' in result) fired.push(result);
      else if (result) undetermined.push(result);
    }
  }
  return {
    id: procedure.id,
    kind: procedure.kind,
    ...(procedure.technique ? { technique: procedure.technique } : {}),
    ...(procedure.atomicTechnique ? { atomicTechnique: procedure.atomicTechnique } : {}),
    name: procedure.name,
    executor: procedure.executor,
    ...(procedure.category ? { category: procedure.category } : {}),
    events: { host: streams.host.length, container: streams.container.length },
    unmodeled: [...unmodeled],
    fired,
    undetermined,
    streams,
  };
}

/** Emulates every procedure; the event streams are dropped (they are large). */
export function emulateAll(procedures: Procedure[], rules: CompiledRule[], tables: EmulationTables, parse: ShellParser): ProcedureResult[] {
  return procedures.map((p) => {
    const { streams: _streams, ...result } = emulateProcedure(p, rules, tables, parse);
    return result;
  });
}
