// Where Falco lets a condition use a macro: a macro only macros defined before it (rule_loader_compiler.cpp
// compile_macros_infos: the used macro's first definition before the user's last definition or append), a rule
// any macro of its file or an earlier one (Falco reads and compiles the rules file by file,
// falco_engine::load_rules). Pure.
import type { RawItem, SourcePosition } from '../types.js';
import { falcoBool } from '../ruleset.js';

/** Where each macro was first defined and each macro and rule last defined or modified, from the items in load order. */
export interface DefinitionOrder {
  /** The files, in load order, as positions name them. */
  files: string[];
  firstMacro: Map<string, SourcePosition>;
  lastMacro: Map<string, SourcePosition>;
  lastRule: Map<string, SourcePosition>;
}

export function definitionOrder(files: string[], items: RawItem[]): DefinitionOrder {
  const order: DefinitionOrder = { files, firstMacro: new Map(), lastMacro: new Map(), lastRule: new Map() };
  for (const item of items) {
    if (item.kind === 'rule') order.lastRule.set(item.name, item.position);
    if (item.kind !== 'macro') continue;
    order.lastMacro.set(item.name, item.position);
    const isModification = falcoBool(item.fields.append) === true || item.fields.override !== undefined;
    if (!isModification && !order.firstMacro.has(item.name)) order.firstMacro.set(item.name, item.position);
  }
  return order;
}

/** Falco's refusal of the rule or macro `user` using macro `macro`, if it refuses it. */
export function macroOrderProblem(order: DefinitionOrder, user: { kind: 'rule' | 'macro'; name: string }, macro: string): string | undefined {
  const used = order.firstMacro.get(macro);
  const last = (user.kind === 'macro' ? order.lastMacro : order.lastRule).get(user.name);
  if (!used || !last) return undefined;
  const [usedFile, lastFile] = [order.files.indexOf(used.file), order.files.indexOf(last.file)];
  if (user.kind === 'rule') {
    return usedFile <= lastFile ? undefined : `macro "${macro}" is defined in a later file (${used.file}:${used.line}): Falco compiles rule "${user.name}" before it reads that file`;
  }
  const isBefore = usedFile < lastFile || (usedFile === lastFile && used.line < last.line);
  return isBefore ? undefined : `macro "${macro}" is defined after macro "${user.name}" (at ${used.file}:${used.line}): a macro may only use macros defined before it`;
}
