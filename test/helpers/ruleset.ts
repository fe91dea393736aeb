// A ruleset's macros and lists from plain objects, for tests of code that expands them (the condition evaluator).
import type { FalcoList, FalcoMacro, Ruleset } from '../../src/falco/types.js';

const at = { file: 'test.yaml', line: 1, column: 1 };

export function macrosAndLists(macros: Record<string, string> = {}, lists: Record<string, string[]> = {}): Pick<Ruleset, 'macros' | 'lists'> {
  return {
    macros: new Map(Object.entries(macros).map(([name, condition]): [string, FalcoMacro] => [name, { name, condition, position: at }])),
    lists: new Map(Object.entries(lists).map(([name, items]): [string, FalcoList] => [name, { name, items, position: at }])),
  };
}
