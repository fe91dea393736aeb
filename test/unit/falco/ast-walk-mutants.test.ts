// walkWithMacros's path of macros being walked into: empty when no root path is given (a root macro is then no
// cycle), and back to the root path it was given once the walk is over (only the macros it entered are taken off).
import { describe, expect, it } from 'vitest';
import { walkWithMacros, type ConditionNode, type MacroVisit } from '../../../src/falco/condition/ast.js';
import { parseCondition } from '../../../src/falco/condition/parse.js';

const MACROS: Record<string, ConditionNode> = { m: parseCondition('proc.name = cat and n'), n: parseCondition('proc.pid = 1') };

describe('walkWithMacros: the path of macros being walked into', () => {
  it('starts empty when no root path is given: a macro of the root is met with no path and is no cycle', () => {
    const visits: { name: string; path: string[]; isOnPath: boolean }[] = [];
    const enter = (visit: MacroVisit<string>) => {
      visits.push({ name: visit.ref.name, path: [...visit.path], isOnPath: visit.isOnPath });
      const node = MACROS[visit.ref.name];
      return node ? { node, context: visit.ref.name } : undefined;
    };
    const contexts = [...walkWithMacros(parseCondition('m or proc.name = ls'), 'root', enter)].map((v) => v.context);
    expect(visits).toEqual([{ name: 'm', path: [], isOnPath: false }, { name: 'n', path: ['m'], isOnPath: false }]);
    expect(contexts).toEqual(['root', 'root', 'm', 'm', 'm', 'n', 'root']);
  });

  it('leaves the path as the root path given once the walk is over: only the macros it entered are taken off', () => {
    let kept: readonly string[] | undefined;
    const enter = (visit: MacroVisit<string>) => {
      kept ??= visit.path;
      const node = MACROS[visit.ref.name];
      return node ? { node, context: visit.ref.name } : undefined;
    };
    const rootPath = ['outer'];
    expect([...walkWithMacros(parseCondition('m'), 'root', enter, rootPath)]).toHaveLength(5);
    expect(kept).toEqual(['outer']);
    expect(rootPath).toEqual(['outer']);
  });
});
