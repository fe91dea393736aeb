// The event types a syscall rule's condition can match, found as Falco finds them to index the rule and to warn of
// one that matches too many (libsinsp filter/ppm_codes.cpp ppm_event_codes; falco rule_loader_compiler.cpp
// compile_rule_infos: LOAD_NO_EVTTYPE when the set is empty or holds more than 100 event codes; Falco 0.45 will warn
// only of the latter, falco#3918). Sets hold known event names only, so each step takes time bounded by their number. Pure.
import type { FalcoList } from '../types.js';
import type { ConditionNode } from './ast.js';
import { listAsValue, ListItemError, listValues } from './lists.js';
import { EVENT_TYPE_FIELDS, EVENT_TYPE_OPERATORS, eventTypeCheckProblem } from './operator-types.js';

/** Event names, or every event name but these (isComplement). Generic syscalls stand as GENERIC: they share its codes. */
export interface EventTypes {
  isComplement: boolean;
  names: ReadonlySet<string>;
}

/** What Falco's event table says of event names: which are syscalls of its generic event, and each other's codes. */
export interface EventCodeTable {
  genericEvents: ReadonlySet<string>;
  eventCodes: ReadonlyMap<string, number>;
}

/** The generic event's name in Falco's event table (PPME_GENERIC_E/X), which names_to_event_set gives every generic
 * syscall. */
const GENERIC = 'syscall';
/** Falco warns of a rule matching more event codes than this (rule_loader_compiler.cpp). */
export const MAX_EVENT_CODES = 100;

const EVERY: EventTypes = { isComplement: true, names: new Set() };
const NONE: EventTypes = { isComplement: false, names: new Set() };

function intersect(a: EventTypes, b: EventTypes): EventTypes {
  if (!a.isComplement && !b.isComplement) return { isComplement: false, names: new Set([...a.names].filter((n) => b.names.has(n))) };
  if (a.isComplement && b.isComplement) return { isComplement: true, names: new Set([...a.names, ...b.names]) };
  const [set, but] = a.isComplement ? [b, a] : [a, b];
  return { isComplement: false, names: new Set([...set.names].filter((n) => !but.names.has(n))) };
}

function union(a: EventTypes, b: EventTypes): EventTypes {
  if (!a.isComplement && !b.isComplement) return { isComplement: false, names: new Set([...a.names, ...b.names]) };
  if (a.isComplement && b.isComplement) return { isComplement: true, names: new Set([...a.names].filter((n) => b.names.has(n))) };
  const [set, but] = a.isComplement ? [b, a] : [a, b];
  return { isComplement: true, names: new Set([...but.names].filter((n) => !set.names.has(n))) };
}

type Check = Extract<ConditionNode, { kind: 'check' }>;
/** A node to search, two sets to combine, or a macro searched (its set found, under `key`). */
type Task = { node: ConditionNode; isNegated: boolean } | { combine: 'intersect' | 'union' } | { leave: string; key: string };
/** A set found, or undefined where Falco refuses the rule before or in the search (an event name it does not know,
 * an evt.type check it cannot read). */
type Found = EventTypes | undefined;

/** The event search of one ruleset: its macros' sets are found once (for each side of a `not`). */
export class EventTypeSearch {
  private readonly found = new Map<string, Found>();

  constructor(
    private readonly table: EventCodeTable,
    private readonly lists: ReadonlyMap<string, FalcoList>,
    /** A macro's tree; undefined for one Falco cannot use (unknown, or not parsing): it refuses the rule then. */
    private readonly macro: (name: string) => ConditionNode | undefined,
  ) {}

  /**
   * The event types `root` can match. Negations are pushed down to the checks (De Morgan): under a `not`, `and` is a
   * union and `or` an intersection; an evt.type check gives its names (the others under a `not`, or with `!=`; with
   * both, its names), and every other check every type, even under a `not`. Macros count as written in place. With stacks of its own:
   * and/or chains and macros nest as deep as a rules file makes them. Undefined where Falco's search refuses a check.
   */
  of(root: ConditionNode): EventTypes | undefined {
    const tasks: Task[] = [{ node: root, isNegated: false }];
    const values: Found[] = [];
    const path = new Set<string>();
    for (let task = tasks.pop(); task; task = tasks.pop()) {
      if ('combine' in task) {
        const right = values.pop();
        const left = values.pop();
        values.push(!left || !right ? undefined : task.combine === 'intersect' ? intersect(left, right) : union(left, right));
      } else if ('leave' in task) {
        path.delete(task.leave);
        this.found.set(task.key, values[values.length - 1]);
      } else {
        const { node, isNegated } = task;
        if (node.kind === 'not') tasks.push({ node: node.operand, isNegated: !isNegated });
        else if (node.kind === 'check') values.push(this.ofCheck(node, isNegated));
        else if (node.kind === 'macro') this.enter(node.name, isNegated, tasks, values, path);
        else {
          const combine = (node.kind === 'and') === !isNegated ? 'intersect' : 'union';
          tasks.push({ combine }, { node: node.right, isNegated }, { node: node.left, isNegated });
        }
      }
    }
    return values[0];
  }

  /** A macro's set: found before, or its tree to search (in place, as Falco pastes it); every type for a macro Falco
   * cannot use, or one on the path (a cycle: Falco refuses both). */
  private enter(name: string, isNegated: boolean, tasks: Task[], values: Found[], path: Set<string>): void {
    const key = `${isNegated ? '!' : '='}${name}`;
    if (this.found.has(key)) {
      values.push(this.found.get(key));
      return;
    }
    const tree = path.has(name) ? undefined : this.macro(name);
    if (!tree) {
      values.push(EVERY);
      return;
    }
    path.add(name);
    tasks.push({ leave: name, key }, { node: tree, isNegated });
  }

  private ofCheck(check: Check, isNegated: boolean): Found {
    const { field, operator, value } = check;
    if (eventTypeCheckProblem(field, operator, value)) return undefined;
    // A transformer needs no test here: eventTypeCheckProblem refuses one on evt.type with each operator read below
    // (=, ==, !=, in, exists), and any other operator gives every type.
    if (!EVENT_TYPE_FIELDS.has(field.name) || field.arg !== undefined) return EVERY;
    // `exists` says every type, and none under a `not`.
    if (operator === 'exists') return isNegated ? NONE : EVERY;
    if (!EVENT_TYPE_OPERATORS.has(operator) || !value || value.kind === 'field') return EVERY;
    const names = new Set<string>();
    for (const item of value.kind === 'list' ? value.items : [value]) {
      for (const name of this.valuesOf(item.text, item.isQuoted, value.kind === 'list')) {
        // A name the event table lacks: Falco's compiler refuses the rule before the search (unknown-event says so).
        if (!this.table.genericEvents.has(name) && !this.table.eventCodes.has(name)) return undefined;
        names.add(this.table.genericEvents.has(name) ? GENERIC : name);
      }
    }
    return { isComplement: isNegated !== (operator === '!='), names };
  }

  /** A value as Falco pastes it: a list's items where the list's name stands. */
  private valuesOf(text: string, isQuoted: boolean, isInList: boolean): readonly string[] {
    if (isQuoted || !this.lists.has(text)) return [text];
    try {
      return isInList ? listValues(this.lists, text) : [listAsValue(this.lists, text)];
    } catch (error) {
      if (error instanceof ListItemError) return [];
      throw error;
    }
  }
}

/** Why Falco warns that a syscall rule matches too many event types (none, every one but some, or over 100 codes);
 * undefined when it does not. */
export type TooManyEventTypes = { kind: 'every'; but: string[] } | { kind: 'none' } | { kind: 'many'; names: number; codes: number };

export function tooManyEventTypes(types: EventTypes, table: EventCodeTable): TooManyEventTypes | undefined {
  const names = [...types.names].sort();
  // Every code but those of a few names: far more than 100 of the event table's ~400.
  if (types.isComplement) return { kind: 'every', but: names };
  if (names.length === 0) return { kind: 'none' };
  const codes = names.reduce((sum, name) => sum + (name === GENERIC ? 2 : table.eventCodes.get(name)!), 0);
  return codes > MAX_EVENT_CODES ? { kind: 'many', names: names.length, codes } : undefined;
}
