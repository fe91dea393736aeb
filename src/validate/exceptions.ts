// Checks each rule item's `exceptions:` as Falco's loader does: its shape, its fields for the rule's source,
// its comparison operators, and values matching its fields. Pure.
import { conditionWithExceptions, decodeExceptions, ExceptionError } from '../falco/exceptions.js';
import { lookupField, type FieldInfo } from '../falco/field-catalog.js';
import type { RawItem } from '../falco/types.js';
import type { ValidationIssue } from './types.js';

/** `fields`: those of the rule's source. Falco stops at the first problem; so does this, one issue per item. */
export function checkExceptions(item: RawItem, fields: Map<string, FieldInfo>): ValidationIssue[] {
  if (item.kind !== 'rule' || item.fields.exceptions === undefined) return [];
  const at = item.keyPositions.exceptions ?? item.position;
  const isKnownField = (field: string): boolean => {
    const [, name, arg] = /^([^[]*)(?:\[(.*)\])?$/s.exec(field)!;
    return !('error' in lookupField(fields, { name: name!, ...(arg !== undefined ? { arg } : {}) }));
  };
  try {
    const exceptions = decodeExceptions(item.fields.exceptions, at);
    // Appended to an existing exception (append: true, override: append), an exception may name only values.
    const isModification = item.fields.append === true || item.fields.override !== undefined;
    conditionWithExceptions('', isModification ? exceptions.filter((ex) => ex.fields !== undefined) : exceptions, isKnownField);
    return [];
  } catch (error) {
    if (!(error instanceof ExceptionError)) throw error;
    return [{ code: 'bad-exception', severity: 'error', file: at.file, line: at.line, column: at.column, item: item.name, message: `${error.message} (Falco refuses the rule)` }];
  }
}
