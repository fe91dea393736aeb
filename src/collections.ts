// Small collection helpers for the pure middle. Pure.

/** Appends to the list under `key`, in place: copying the list per item makes grouping quadratic. */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Repeated and comma-separated option values as one list, trimmed, blanks left out. */
export function splitCommaList(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/** Code-point order: the same on every machine, unlike localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
