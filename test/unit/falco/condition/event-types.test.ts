// The event types Falco's event code search (libsinsp ppm_codes.cpp) finds in a syscall rule's condition, and the
// warning rule_loader_compiler.cpp compile_rule_infos gives of too many (LOAD_NO_EVTTYPE), checked on
// src/falco/condition/event-types.ts and src/validate/event-types.ts directly with a small hand-made event table:
// generic syscalls found under the generic event's name `syscall` and counted as its 2 codes; `exists` under a
// `not` giving no type and any other field every type; and/or of sets and complements (De Morgan under a `not`);
// a macro's set found once for each side of a `not` and reused; a list pasted as items in `in (…)` and as one
// value with `=`; an unknown event name refusing the rule; and the warning's exact words, the exceptions joined
// to the searched tree, and how many names the warning lists.
import { describe, expect, it } from 'vitest';
import type { ConditionNode } from '../../../../src/falco/condition/ast.js';
import { EventTypeSearch, MAX_EVENT_CODES, tooManyEventTypes, type EventCodeTable, type EventTypes } from '../../../../src/falco/condition/event-types.js';
import { parseCondition } from '../../../../src/falco/condition/parse.js';
import type { RuleException } from '../../../../src/falco/exceptions.js';
import type { FalcoList } from '../../../../src/falco/types.js';
import { eventTypesMessage, searchedTree, TOO_MANY_EVENT_TYPES } from '../../../../src/validate/event-types.js';

/** syncfs and mlock are generic syscalls (PPME_GENERIC_E/X); the others have codes of their own. */
const TABLE: EventCodeTable = {
  genericEvents: new Set(['syncfs', 'mlock']),
  eventCodes: new Map([
    ['open', 2],
    ['close', 2],
    ['read', 2],
    ['execve', 2],
    ['switch', 1],
    ['big', 98],
  ]),
};
const position = { file: 'r.yaml', line: 1, column: 1 };

/** A ruleset's lists from name -> items (a new map each time: lists.ts caches what it reads per map). */
function listsOf(lists: Record<string, string[]> = {}): Map<string, FalcoList> {
  return new Map(Object.entries(lists).map(([name, items]) => [name, { name, position, items }]));
}

/** A search over `macros` (name -> condition) and `lists`, counting how often each macro's tree is asked for. */
function searchOf(macros: Record<string, string> = {}, lists: Record<string, string[]> = {}, table: EventCodeTable = TABLE) {
  const calls = new Map<string, number>();
  const search = new EventTypeSearch(table, listsOf(lists), (name) => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
    const condition = macros[name];
    return condition === undefined ? undefined : parseCondition(condition);
  });
  return { search, calls };
}

/** The set found for `condition`, as plain data with sorted names; undefined where Falco refuses the rule. */
function typesOf(condition: string, macros: Record<string, string> = {}, lists: Record<string, string[]> = {}): { isComplement: boolean; names: string[] } | undefined {
  return shown(searchOf(macros, lists).search.of(parseCondition(condition)));
}
function shown(types: EventTypes | undefined): { isComplement: boolean; names: string[] } | undefined {
  return types && { isComplement: types.isComplement, names: [...types.names].sort() };
}
const set = (...names: string[]) => ({ isComplement: false, names });
const allBut = (...names: string[]) => ({ isComplement: true, names });
const types = (isComplement: boolean, ...names: string[]): EventTypes => ({ isComplement, names: new Set(names) });

describe('event types of one check (ppm_codes.cpp)', () => {
  it('evt.type = / == / in give their names; != gives every name but them', () => {
    expect(typesOf('evt.type = open')).toEqual(set('open'));
    expect(typesOf('evt.type == open')).toEqual(set('open'));
    expect(typesOf('evt.type in (open, close)')).toEqual(set('close', 'open'));
    expect(typesOf('syscall.type = read')).toEqual(set('read'));
    expect(typesOf('evt.type != open')).toEqual(allBut('open'));
  });

  it('under a not, = gives every name but its own and != gives its own', () => {
    expect(typesOf('not evt.type = open')).toEqual(allBut('open'));
    expect(typesOf('not evt.type != open')).toEqual(set('open'));
    expect(typesOf('not not evt.type = open')).toEqual(set('open'));
  });

  it('a generic syscall is found as the generic event, named syscall', () => {
    expect(typesOf('evt.type = syncfs')).toEqual(set('syscall'));
    expect(typesOf('evt.type in (syncfs, mlock, open)')).toEqual(set('open', 'syscall'));
    expect(typesOf('evt.type != mlock')).toEqual(allBut('syscall'));
  });

  it('a check of another field gives every type, even under a not', () => {
    expect(typesOf('proc.name = open')).toEqual(allBut());
    expect(typesOf('not proc.name = open')).toEqual(allBut());
    expect(tooManyEventTypes(searchOf().search.of(parseCondition('proc.name = open'))!, TABLE)).toEqual({ kind: 'every', but: [] });
  });

  it('evt.type exists gives every type, and under a not no type at all', () => {
    expect(typesOf('evt.type exists')).toEqual(allBut());
    expect(typesOf('not evt.type exists')).toEqual(set());
    expect(tooManyEventTypes(searchOf().search.of(parseCondition('not evt.type exists'))!, TABLE)).toEqual({ kind: 'none' });
    // No type and'ed with anything is still no type.
    expect(typesOf('evt.type = open and not evt.type exists')).toEqual(set());
  });

  it('evt.type with an argument, or with an operator the search does not read, gives every type', () => {
    expect(typesOf('evt.type[1] = open')).toEqual(allBut());
    expect(typesOf('evt.type contains open')).toEqual(allBut());
    expect(typesOf('evt.type startswith op')).toEqual(allBut());
  });

  it('Falco refuses an evt.type check with a transformer or a field on the right: no set (undefined)', () => {
    expect(typesOf('tolower(evt.type) = open')).toBeUndefined();
    expect(typesOf('evt.type = val(proc.name)')).toBeUndefined();
  });

  it('an event name the table lacks refuses the rule: no set, whatever it is combined with', () => {
    expect(typesOf('evt.type = bogus')).toBeUndefined();
    expect(typesOf('evt.type in (open, bogus)')).toBeUndefined();
    expect(typesOf('evt.type = bogus or proc.name = x')).toBeUndefined();
    expect(typesOf('proc.name = x and evt.type != bogus')).toBeUndefined();
  });

  it('a quoted name is the name itself, never a list of that name', () => {
    expect(typesOf('evt.type in ("my_events")', {}, { my_events: ['open'] })).toBeUndefined();
    expect(typesOf('evt.type = "open"')).toEqual(set('open'));
  });
});

describe('and / or of event types (De Morgan under a not)', () => {
  it('and of two sets keeps their common names; or of two sets keeps all', () => {
    expect(typesOf('evt.type in (open, close) and evt.type in (close, read)')).toEqual(set('close'));
    expect(typesOf('evt.type = open or evt.type = close')).toEqual(set('close', 'open'));
  });

  it('and of two complements excludes the names of both', () => {
    expect(typesOf('evt.type != open and evt.type != close')).toEqual(allBut('close', 'open'));
  });

  it('or of two complements excludes only the names both exclude', () => {
    expect(typesOf('evt.type != open or evt.type != close')).toEqual(allBut());
    expect(typesOf('(evt.type != open and evt.type != close) or (evt.type != open and evt.type != read)')).toEqual(allBut('open'));
    expect(typesOf('(evt.type != read and evt.type != close and evt.type != open) or (evt.type != open and evt.type != read)')).toEqual(allBut('open', 'read'));
  });

  it('and of a set and a complement is the set without the excluded names, either way round', () => {
    expect(typesOf('evt.type in (open, close, read) and evt.type != close')).toEqual(set('open', 'read'));
    expect(typesOf('evt.type != close and evt.type in (open, close, read)')).toEqual(set('open', 'read'));
  });

  it('or of a set and a complement excludes only names the set does not hold, either way round', () => {
    expect(typesOf('evt.type = open or (evt.type != open and evt.type != close)')).toEqual(allBut('close'));
    expect(typesOf('(evt.type != open and evt.type != close) or evt.type = open')).toEqual(allBut('close'));
    expect(typesOf('evt.type in (open, close) or evt.type != open')).toEqual(allBut());
  });

  it('under a not, and is a union and or an intersection', () => {
    expect(typesOf('not (evt.type = open and evt.type = close)')).toEqual(allBut());
    expect(typesOf('not (evt.type = open or evt.type = close)')).toEqual(allBut('close', 'open'));
    expect(typesOf('not (evt.type != open or evt.type != close)')).toEqual(set());
    expect(typesOf('not (evt.type != open and evt.type != close)')).toEqual(set('close', 'open'));
  });

  it('every type and a set: and keeps the set, or gives every type', () => {
    expect(typesOf('proc.name = x and evt.type = open')).toEqual(set('open'));
    expect(typesOf('proc.name = x or evt.type = open')).toEqual(allBut());
  });
});

describe('macros: searched in place, their sets found once for each side of a not', () => {
  const M = { m: 'evt.type = open' };

  it('a macro counts as its condition written in place, and under a not as its negation', () => {
    expect(typesOf('m', M)).toEqual(set('open'));
    expect(typesOf('not m', M)).toEqual(allBut('open'));
    expect(typesOf('m and not m', M)).toEqual(set());
    expect(typesOf('not m and m', M)).toEqual(set());
    expect(typesOf('m or not m', M)).toEqual(allBut());
  });

  it('a macro used twice in one condition gives its set both times, its tree asked for once', () => {
    const { search, calls } = searchOf({ m: 'evt.type in (open, close)' });
    expect(shown(search.of(parseCondition('m and m')))).toEqual(set('close', 'open'));
    expect(calls.get('m')).toBe(1);
  });

  it('a macro used plainly and under a not is searched once for each, and each side keeps its own set', () => {
    const { search, calls } = searchOf(M);
    expect(shown(search.of(parseCondition('m and not m')))).toEqual(set());
    expect(calls.get('m')).toBe(2);
    // Both sides are now stored: later searches reuse them and ask for the tree no more.
    expect(shown(search.of(parseCondition('m')))).toEqual(set('open'));
    expect(shown(search.of(parseCondition('not m')))).toEqual(allBut('open'));
    expect(shown(search.of(parseCondition('not m or m')))).toEqual(allBut());
    expect(calls.get('m')).toBe(2);
  });

  it('a second search of the same ruleset reuses the set the first found', () => {
    const { search, calls } = searchOf(M);
    expect(shown(search.of(parseCondition('not m')))).toEqual(allBut('open'));
    expect(shown(search.of(parseCondition('not m')))).toEqual(allBut('open'));
    expect(calls.get('m')).toBe(1);
    expect(shown(search.of(parseCondition('m')))).toEqual(set('open'));
    expect(calls.get('m')).toBe(2);
  });

  it('a macro inside a macro is stored too: the outer macro and the inner one each asked for once', () => {
    const { search, calls } = searchOf({ outer: 'inner and evt.type != close', inner: 'evt.type in (open, close, read)' });
    expect(shown(search.of(parseCondition('outer and inner')))).toEqual(set('open', 'read'));
    expect(shown(search.of(parseCondition('inner or outer')))).toEqual(set('close', 'open', 'read'));
    expect([calls.get('outer'), calls.get('inner')]).toEqual([1, 1]);
  });

  it('the stored key keeps the two sides apart whatever the name holds', () => {
    // Names the condition parser never gives, built by hand: `!m` plainly and `m` under a not, `=m` under a not
    // and `m` plainly, must not share a stored set.
    const pos = { offset: 0, line: 1, column: 1 };
    const macro = (name: string): ConditionNode => ({ kind: 'macro', name, pos });
    const not = (operand: ConditionNode): ConditionNode => ({ kind: 'not', operand, pos });
    const macros = { m: 'evt.type = open', '!m': 'evt.type = close', '=m': 'evt.type = read' };
    const first = searchOf(macros).search;
    expect(shown(first.of(not(macro('m'))))).toEqual(allBut('open'));
    expect(shown(first.of(macro('!m')))).toEqual(set('close'));
    const second = searchOf(macros).search;
    expect(shown(second.of(macro('m')))).toEqual(set('open'));
    expect(shown(second.of(not(macro('=m'))))).toEqual(allBut('read'));
  });

  it('a macro Falco cannot use, or one used inside itself, gives every type', () => {
    expect(typesOf('missing and evt.type = open')).toEqual(set('open'));
    expect(typesOf('missing')).toEqual(allBut());
    expect(typesOf('m', { m: 'm or evt.type = open' })).toEqual(allBut());
    expect(typesOf('m', { m: 'm and evt.type = open' })).toEqual(set('open'));
  });

  it('a macro whose check Falco refuses refuses each rule that uses it, also when reused', () => {
    const { search } = searchOf({ m: 'evt.type = bogus' });
    expect(search.of(parseCondition('m'))).toBeUndefined();
    expect(search.of(parseCondition('evt.type = open and m'))).toBeUndefined();
  });
});

describe('lists in evt.type checks (rule_loader_compiler.cpp resolve_list)', () => {
  const LISTS = { my_events: ['open', 'close'], one_event: ['read'], generic: ['syncfs'], outer: ['my_events', 'execve'] };

  it('in (list) gives the list\'s items, lists inside it expanded', () => {
    expect(typesOf('evt.type in (my_events)', {}, LISTS)).toEqual(set('close', 'open'));
    expect(typesOf('evt.type in (outer, read)', {}, LISTS)).toEqual(set('close', 'execve', 'open', 'read'));
    expect(typesOf('evt.type in (generic)', {}, LISTS)).toEqual(set('syscall'));
    expect(typesOf('evt.type != one_event', {}, LISTS)).toEqual(allBut('read'));
  });

  it('a list used as one value with = is pasted whole: one item is that name, two are no value Falco reads (no type)', () => {
    expect(typesOf('evt.type = one_event', {}, LISTS)).toEqual(set('read'));
    expect(typesOf('evt.type = my_events', {}, LISTS)).toEqual(set());
    expect(typesOf('not evt.type = my_events', {}, LISTS)).toEqual(allBut());
  });

  it('a list whose item does not parse once pasted gives no names', () => {
    const broken = { bad: ['open)'], mixed: ['close', 'open)'] };
    expect(typesOf('evt.type in (bad)', {}, broken)).toEqual(set());
    expect(typesOf('evt.type in (mixed, read)', {}, broken)).toEqual(set('read'));
    expect(typesOf('evt.type = bad', {}, broken)).toEqual(set());
  });

  it('an unknown name among a list\'s items refuses the rule', () => {
    expect(typesOf('evt.type in (l)', {}, { l: ['open', 'bogus'] })).toBeUndefined();
  });
});

describe('too many event types (compile_rule_infos, LOAD_NO_EVTTYPE)', () => {
  it('Falco warns above 100 event codes', () => {
    expect(MAX_EVENT_CODES).toBe(100);
  });

  it('every type but some: the warning lists the excluded names sorted', () => {
    expect(tooManyEventTypes(types(true, 'read', 'close', 'syscall'), TABLE)).toEqual({ kind: 'every', but: ['close', 'read', 'syscall'] });
    expect(tooManyEventTypes(types(true), TABLE)).toEqual({ kind: 'every', but: [] });
  });

  it('no type at all: the rule can never match', () => {
    expect(tooManyEventTypes(types(false), TABLE)).toEqual({ kind: 'none' });
  });

  it('the codes of the names are summed: 100 is no warning, 101 is', () => {
    expect(tooManyEventTypes(types(false, 'big', 'open'), TABLE)).toBeUndefined();
    expect(tooManyEventTypes(types(false, 'big', 'open', 'switch'), TABLE)).toEqual({ kind: 'many', names: 3, codes: 101 });
    expect(tooManyEventTypes(types(false, 'open', 'close'), TABLE)).toBeUndefined();
  });

  it('the generic event counts 2 codes, whatever the table says of a name syscall', () => {
    expect(tooManyEventTypes(types(false, 'big', 'syscall'), TABLE)).toBeUndefined();
    expect(tooManyEventTypes(types(false, 'big', 'syscall', 'switch'), TABLE)).toEqual({ kind: 'many', names: 3, codes: 101 });
    const withSyscall: EventCodeTable = { genericEvents: TABLE.genericEvents, eventCodes: new Map([['big', 98], ['switch', 1], ['syscall', 1]]) };
    expect(tooManyEventTypes(types(false, 'big', 'syscall', 'switch'), withSyscall)).toEqual({ kind: 'many', names: 3, codes: 101 });
    const search = new EventTypeSearch(withSyscall, listsOf(), () => undefined);
    expect(tooManyEventTypes(search.of(parseCondition('evt.type in (big, syncfs, switch)'))!, withSyscall)).toEqual({ kind: 'many', names: 3, codes: 101 });
  });
});

describe('the warning (src/validate/event-types.ts)', () => {
  const FALCO = '(Falco: Rule matches too many evt.type values. This has a significant performance penalty.)';
  const RESTRICT = 'restrict it with evt.type or a macro such as spawned_process';

  it('quotes Falco\'s words exactly', () => {
    expect(TOO_MANY_EVENT_TYPES).toBe('Rule matches too many evt.type values. This has a significant performance penalty.');
  });

  it('no type: says the rule can never match', () => {
    expect(eventTypesMessage({ kind: 'none' })).toBe(`the evt.type checks leave no event type (an empty list, or checks that exclude each other): the rule can never match ${FALCO}`);
  });

  it('too many codes: says how many names and codes, and how to restrict the rule', () => {
    expect(eventTypesMessage({ kind: 'many', names: 3, codes: 101 })).toBe(`the condition matches 3 event types, 101 event codes or more (Falco warns above 100); ${RESTRICT} to fewer ${FALCO}`);
  });

  it('every type: names the excluded types, the generic event as the generic syscalls', () => {
    expect(eventTypesMessage({ kind: 'every', but: [] })).toBe(`the condition matches every event type, so Falco runs the rule on every system call; ${RESTRICT} ${FALCO}`);
    expect(eventTypesMessage({ kind: 'every', but: ['open', 'syscall'] })).toBe(`the condition matches every event type but open, the generic syscalls, so Falco runs the rule on every system call; ${RESTRICT} ${FALCO}`);
  });

  it('lists 5 excluded names in full, and of 6 the first 5 and "and 1 more"', () => {
    expect(eventTypesMessage({ kind: 'every', but: ['a', 'b', 'c', 'd', 'e'] })).toBe(`the condition matches every event type but a, b, c, d, e, so Falco runs the rule on every system call; ${RESTRICT} ${FALCO}`);
    expect(eventTypesMessage({ kind: 'every', but: ['a', 'b', 'c', 'd', 'e', 'f'] })).toBe(`the condition matches every event type but a, b, c, d, e and 1 more, so Falco runs the rule on every system call; ${RESTRICT} ${FALCO}`);
    expect(eventTypesMessage({ kind: 'every', but: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] })).toBe(`the condition matches every event type but a, b, c, d, e and 3 more, so Falco runs the rule on every system call; ${RESTRICT} ${FALCO}`);
  });
});

describe('the searched tree: the condition with the exceptions Falco joins to it', () => {
  const exception = (fields: RuleException['fields'], values: RuleException['values'], comps?: RuleException['comps']): RuleException => ({
    name: 'e',
    ...(fields === undefined ? {} : { fields }),
    ...(comps === undefined ? {} : { comps }),
    values,
    position,
  });
  const treeOf = (condition: string, exceptions?: RuleException[]) => {
    const ast = parseCondition(condition);
    return { ast, tree: searchedTree({ condition, ...(exceptions ? { exceptions } : {}) }, ast) };
  };

  it('no exceptions, or none on evt.type: the condition\'s own tree is searched', () => {
    const none = treeOf('evt.type in (open, close)');
    expect(none.tree).toBe(none.ast);
    const empty = treeOf('evt.type in (open, close)', []);
    expect(empty.tree).toBe(empty.ast);
    const other = treeOf('evt.type in (open, close)', [exception('proc.name', ['bash'])]);
    expect(other.tree).toBe(other.ast);
    const tuple = treeOf('evt.type in (open, close)', [exception(['proc.name', 'fd.name'], [['bash', '/etc']])]);
    expect(tuple.tree).toBe(tuple.ast);
  });

  it('an exception without fields names no event type (and is not read as one)', () => {
    const noFields = treeOf('evt.type = open', [exception(undefined, [])]);
    expect(noFields.tree).toBe(noFields.ast);
  });

  it('an exception on evt.type or syscall.type is joined: `and not (evt.type in (…))` takes those types away', () => {
    const { tree } = treeOf('evt.type in (open, close)', [exception('evt.type', ['open'])]);
    expect(tree).toEqual(parseCondition('(evt.type in (open, close)) and not (evt.type in (open))'));
    expect(shown(searchOf().search.of(tree))).toEqual(set('close'));
    const sys = treeOf('evt.type in (open, close, read)', [exception('syscall.type', ['read', 'close'])]);
    expect(shown(searchOf().search.of(sys.tree))).toEqual(set('open'));
  });

  it('an exception whose fields include evt.type among others is joined too', () => {
    const { ast, tree } = treeOf('evt.type in (open, close)', [exception('proc.name', ['bash']), exception(['proc.name', 'evt.type'], [['bash', 'open']])]);
    expect(tree).not.toBe(ast);
    expect(tree).toEqual(parseCondition('(evt.type in (open, close)) and not (proc.name in (bash)) and not ((proc.name = bash and evt.type = open))'));
    const first = treeOf('evt.type != open', [exception(['evt.type', 'proc.name'], [['close', 'bash']])]);
    expect(first.tree).toEqual(parseCondition('(evt.type != open) and not ((evt.type = close and proc.name = bash))'));
  });

  it('an exception Falco refuses is reported apart: the condition alone is searched', () => {
    const badComps = treeOf('evt.type = open', [exception(['evt.type', 'proc.name'], [['open', 'bash']], ['=', 'bogus'])]);
    expect(badComps.tree).toBe(badComps.ast);
    const badLength = treeOf('evt.type = open', [exception(['evt.type', 'proc.name'], [['open']])]);
    expect(badLength.tree).toBe(badLength.ast);
  });

  it('an exception whose joined condition does not parse: the condition alone is searched', () => {
    const { ast, tree } = treeOf('evt.type in (open, close)', [exception('evt.type', ['open)'])]);
    expect(tree).toBe(ast);
  });
});
