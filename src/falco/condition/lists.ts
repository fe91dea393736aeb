// The values a `- list:` stands for in a condition, read as Falco reads them: list names among its items
// expanded, every other item pasted into the condition text and parsed there. Pure.
import type { FalcoList } from '../types.js';
import { ConditionSyntaxError, listItemValues } from './parse.js';

/** A list item that does not parse once pasted into a condition (Falco refuses the rule that uses the list). */
export class ListItemError extends Error {
  constructor(
    readonly list: string,
    readonly item: string,
    readonly detail: string,
  ) {
    super(`list ${list}: the item ${JSON.stringify(item)} does not parse in a condition (${detail})`);
  }
}

/** The values of list `name`: items naming a list are expanded (each list once on a path), the others read as
 * listItemValues reads them. Throws ListItemError. */
export function listValues(lists: ReadonlyMap<string, FalcoList>, name: string, seen: ReadonlySet<string> = new Set([name])): string[] {
  return (lists.get(name)?.items ?? []).flatMap((item) => {
    if (lists.has(item) && !seen.has(item)) return listValues(lists, item, new Set([...seen, item]));
    try {
      return listItemValues(item);
    } catch (error) {
      if (error instanceof ConditionSyntaxError) throw new ListItemError(name, item, error.detail);
      throw error;
    }
  });
}
