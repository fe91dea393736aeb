// The values a list stands for in a condition (falco/condition/lists.ts): nested lists expanded once on a path, an
// unknown list empty, the one value a list used as a value must have (Falco pastes all its items there), and each
// ruleset's lists read once however many conditions use them.
import { describe, expect, it } from 'vitest';
import { listAsValue, ListItemError, listValues } from '../../../src/falco/condition/lists.js';
import type { FalcoList } from '../../../src/falco/types.js';

const at = { file: 'l.yaml', line: 1, column: 1 };

/** Lists from plain objects, counting each list's reads (`get`). */
class CountedLists extends Map<string, FalcoList> {
  readonly reads = new Map<string, number>();
  constructor(lists: Record<string, string[]>) {
    super(Object.entries(lists).map(([name, items]) => [name, { name, items, position: at }]));
  }
  override get(name: string): FalcoList | undefined {
    this.reads.set(name, (this.reads.get(name) ?? 0) + 1);
    return super.get(name);
  }
}

describe('listValues', () => {
  it('expands the lists among the items, each once on a path; an unknown list has no values', () => {
    const lists = new CountedLists({ shells: ['bash', 'sh'], more: ['shells', 'zsh', 'more'], loop: ['loop2'], loop2: ['loop', 'x'] });
    expect(listValues(lists, 'more')).toEqual(['bash', 'sh', 'zsh', 'more']);
    expect(listValues(lists, 'loop')).toEqual(['loop', 'x']);
    expect(listValues(lists, 'no_such_list')).toEqual([]);
  });

  it('expands a list again on another path, and cuts a cycle only where it closes', () => {
    expect(listValues(new CountedLists({ a: ['b', 'c'], b: ['d'], c: ['d'], d: ['v'] }), 'a')).toEqual(['v', 'v']);
    expect(listValues(new CountedLists({ a: ['b', 'b'], b: ['a', 'y'] }), 'a')).toEqual(['a', 'y', 'a', 'y']);
  });

  it('expands a chain of 20,000 lists each naming the next, which Falco loads (a recursive expansion ran out of stack at 2,000)', () => {
    const chain = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`l${i}`, [i === 19_999 ? 'x' : `l${i + 1}`]]));
    expect(listValues(new CountedLists(chain), 'l0')).toEqual(['x']);
  });

  it('reads a ruleset\'s list once, however many conditions use it; another ruleset\'s lists apart', () => {
    const lists = new CountedLists({ shells: ['bash', 'sh'] });
    expect(listValues(lists, 'shells')).toEqual(['bash', 'sh']);
    expect(listValues(lists, 'shells')).toEqual(['bash', 'sh']);
    expect(listAsValue(new CountedLists({ shells: ['bash'] }), 'shells')).toBe('bash');
    expect(lists.reads.get('shells')).toBe(1);
  });

  it('an item that does not parse in a condition is an error, each time the list is used', () => {
    const lists = new CountedLists({ bad: ['ok', 'a"b'] });
    for (let i = 0; i < 2; i++) expect(() => listValues(lists, 'bad')).toThrow(ListItemError);
    expect(lists.reads.get('bad')).toBe(1);
  });
});

describe('listAsValue', () => {
  it('is the one value of a list of one; more or fewer do not parse where one value goes', () => {
    const lists = new CountedLists({ one: ['bash'], none: [], three: ['a', 'b', 'c'], four: ['a', 'b', 'c', 'd'] });
    expect(listAsValue(lists, 'one')).toBe('bash');
    expect(() => listAsValue(lists, 'none')).toThrow('list none is used as one value, but Falco pastes its 0 values there (): use "in (none)"');
    expect(() => listAsValue(lists, 'three')).toThrow('list three is used as one value, but Falco pastes its 3 values there (a, b, c): use "in (three)"');
    expect(() => listAsValue(lists, 'four')).toThrow('list four is used as one value, but Falco pastes its 4 values there (a, b, c, …): use "in (four)"');
  });
});
