// Checks each rule item's `exceptions:` as Falco's loader does: its shape, its fields for the rule's source,
// its comparison operators, and values matching its fields. Pure.
import { conditionWithExceptions, decodeExceptions, ExceptionError } from '../falco/exceptions.js';
import { lookupField, type FieldInfo } from '../falco/field-catalog.js';
import { ConditionSyntaxError, parseCondition } from '../falco/condition/parse.js';
import type { RawItem, SourcePosition } from '../falco/types.js';
import { isLegacyAppend } from '../falco/ruleset.js';
import type { ValidationIssue } from './types.js';

/** `fields`: those of the rule's source. Falco stops at the first problem; so does this, one issue per item. */
export function checkExceptions(item: RawItem, fields: Map<string, FieldInfo>): ValidationIssue[] {
  if (item.kind !== 'rule' || item.fields.exceptions === undefined) return [];
  const at = item.keyPositions.exceptions ?? item.position;
  const isKnownField = (field: string): boolean => {
    // A field with a bracket that does not close (evt.arg[) names no field.
    const match = /^([^[]*)(?:\[(.*)\])?$/s.exec(field);
    if (!match) return false;
    const [, name, arg] = match;
    return !('error' in lookupField(fields, { name: name!, ...(arg !== undefined ? { arg } : {}) }));
  };
  try {
    const exceptions = decodeExceptions(item.fields.exceptions, at);
    // Appended to an existing exception (append: true, override: append), an exception may name only values.
    const isModification = isLegacyAppend(item) || item.fields.override !== undefined;
    const checked = isModification ? exceptions.filter((ex) => ex.fields !== undefined) : exceptions;
    // Falco parses the text it builds: a value it cannot read there (a=b, an unsupported escape) is refused.
    parseCondition(conditionWithExceptions('evt.num = 0', checked, isKnownField));
    return [];
  } catch (error) {
    if (error instanceof ConditionSyntaxError) return [issue(item, at, `its values do not parse once joined to the condition: ${error.detail}`)];
    if (!(error instanceof ExceptionError)) throw error;
    return [issue(item, at, error.message)];
  }
}

function issue(item: RawItem, at: SourcePosition, message: string): ValidationIssue {
  return { code: 'bad-exception', severity: 'error', file: at.file, line: at.line, column: at.column, item: item.name, message: `${message} (Falco refuses the rule)` };
}
