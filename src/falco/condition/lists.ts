// The values a `- list:` stands for in a condition, read as Falco reads them: list names among its items
// expanded, every other item pasted into the condition text and parsed there. Pure.
import type { FalcoList } from '../types.js';
import { ConditionSyntaxError, listItemValues } from './parse.js';

/** A list whose items do not parse where it is used, once pasted into the condition (Falco refuses the rule). */
export class ListItemError extends Error {}

/** Each ruleset's lists read once (a ruleset is not changed once built): a list is used by many conditions. */
const cache = new WeakMap<ReadonlyMap<string, FalcoList>, Map<string, string[] | ListItemError>>();

/** The values of list `name`: items naming a list are expanded (each list once on a path, so a cycle ends), the others read as
 * listItemValues reads them. Throws ListItemError. */
export function listValues(lists: ReadonlyMap<string, FalcoList>, name: string): string[] {
  let known = cache.get(lists);
  if (!known) cache.set(lists, (known = new Map()));
  let values = known.get(name);
  if (!values) {
    try {
      values = expandList(lists, name);
    } catch (error) {
      if (!(error instanceof ListItemError)) throw error;
      values = error;
    }
    known.set(name, values);
  }
  if (values instanceof ListItemError) throw values;
  return values;
}

function expandList(lists: ReadonlyMap<string, FalcoList>, name: string): string[] {
  // Depth first with a stack of its own: a chain of lists each naming the next is as deep as it is long (2,000
  // ran out of the call stack), and Falco loads it.
  const values: string[] = [];
  const onPath = new Set([name]);
  const pending = [{ name, items: lists.get(name)?.items ?? [], next: 0 }];
  while (pending.length > 0) {
    const list = pending[pending.length - 1]!;
    if (list.next === list.items.length) {
      onPath.delete(list.name);
      pending.pop();
      continue;
    }
    const item = list.items[list.next++]!;
    if (lists.has(item) && !onPath.has(item)) {
      onPath.add(item);
      pending.push({ name: item, items: lists.get(item)!.items, next: 0 });
    } else values.push(...itemValues(list.name, item));
  }
  return values;
}

function itemValues(list: string, item: string): string[] {
  try {
    return listItemValues(item);
  } catch (error) {
    if (error instanceof ConditionSyntaxError) throw new ListItemError(`list ${list}: the item ${JSON.stringify(item)} does not parse in a condition (${error.detail})`);
    throw error;
  }
}

/** The one value of list `name` used where one value goes (`proc.name = my_list`): Falco pastes all its items
 * there, and more or fewer than one do not parse. Throws ListItemError. */
export function listAsValue(lists: ReadonlyMap<string, FalcoList>, name: string): string {
  const values = listValues(lists, name);
  if (values.length !== 1) throw new ListItemError(`list ${name} is used as one value, but Falco pastes its ${values.length} values there (${values.slice(0, 3).join(', ')}${values.length > 3 ? ', …' : ''}): use "in (${name})"`);
  return values[0]!;
}
