// Where Falco lets a condition use a macro: a macro only macros defined before it (rule_loader_compiler.cpp
// compile_macros_infos: the used macro's first definition before the user's last definition or append), a rule
// any macro of its file or an earlier one (Falco reads and compiles the rules file by file,
// falco_engine::load_rules). Pure.
import type { RawItem, SourcePosition } from '../types.js';

/** One definition (or modification) of a macro or rule: where it is, and its place among all the items in load order
 * (two items may share a line, in a YAML flow sequence). */
export interface Definition {
  at: SourcePosition;
  index: number;
}

/** Where each macro was first defined and each macro and rule last defined or modified, from the items in load order. */
export interface DefinitionOrder {
  /** The files, in load order, as positions name them. */
  files: string[];
  firstMacro: Map<string, Definition>;
  lastMacro: Map<string, Definition>;
  lastRule: Map<string, Definition>;
}

export function definitionOrder(files: string[], items: RawItem[]): DefinitionOrder {
  const order: DefinitionOrder = { files, firstMacro: new Map(), lastMacro: new Map(), lastRule: new Map() };
  items.forEach((item, index) => {
    const definition = { at: item.position, index };
    if (item.kind === 'rule') order.lastRule.set(item.name, definition);
    if (item.kind !== 'macro') return;
    order.lastMacro.set(item.name, definition);
    // A macro's first item defines it (an append before any definition is refused when the ruleset is built), and
    // Falco keeps that index through redefinitions, `override: {condition: replace}` included (define_info).
    if (!order.firstMacro.has(item.name)) order.firstMacro.set(item.name, definition);
  });
  return order;
}

/** Falco's refusal of the rule or macro `user` using macro `macro`, if it refuses it. */
export function macroOrderProblem(order: DefinitionOrder, user: { kind: 'rule' | 'macro'; name: string }, macro: string): string | undefined {
  const used = order.firstMacro.get(macro);
  const last = (user.kind === 'macro' ? order.lastMacro : order.lastRule).get(user.name);
  if (!used || !last) return undefined;
  const { file, line } = used.at;
  if (user.kind === 'rule') {
    return order.files.indexOf(file) <= order.files.indexOf(last.at.file) ? undefined : `macro "${macro}" is defined in a later file (${file}:${line}): Falco compiles rule "${user.name}" before it reads that file`;
  }
  return used.index < last.index ? undefined : `macro "${macro}" is defined after macro "${user.name}" (at ${file}:${line}): a macro may only use macros defined before it`;
}
