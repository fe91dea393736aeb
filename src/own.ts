// Lookups by text from the inputs (a rule's source, a --format name) in plain records: own keys only,
// so "constructor", "toString" or "__proto__" find nothing instead of Object.prototype's members. Pure.
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
