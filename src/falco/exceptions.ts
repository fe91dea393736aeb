// Rule exceptions as Falco reads and compiles them: a rule item's `exceptions:` decoded
// (rule_loader_reader.cpp), checked (rule_loader_collector.cpp validate_exception_info) and joined to the
// condition as `(condition) and not (…) and not (…)` (rule_loader_compiler.cpp build_rule_exception_infos).
// Pure. See https://falco.org/docs/concepts/rules/exceptions/
import { COMPARISON_OPERATORS, LIST_OPERATORS, UNARY_OPERATORS } from './condition/ast.js';
import { quoteItem } from './condition/parse.js';
import type { SourcePosition } from './types.js';
import { scalarText } from './yaml-cst.js';

/** One of an exception's fields, comps or values as Falco decodes it: a string, or a list of them. */
export type ExceptionEntry = string | ExceptionEntry[];

export interface RuleException {
  name: string;
  /** One field (its values are matched with one operator) or a list of fields (each value is a tuple). */
  fields?: ExceptionEntry;
  /** As written; absent: "=" for each field of a list, "in" for one field. */
  comps?: ExceptionEntry;
  values: ExceptionEntry[];
  /** Where the rule item's `exceptions:` is. */
  position: SourcePosition;
}

/** A warning of Falco's reader (it loads the rule), in its words. */
export interface ExceptionWarning {
  kind: 'duplicate' | 'no-values';
  message: string;
}

/** What Falco refuses in an exception, in Falco's words. */
export class ExceptionError extends Error {}

const OPERATORS = new Set([...COMPARISON_OPERATORS, ...LIST_OPERATORS, ...UNARY_OPERATORS]);
const SINGLE_FIELD_OPERATORS = ['in', 'pmatch', 'intersects'];

function entry(value: unknown): ExceptionEntry | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map((v) => entry(v) ?? '');
  const text = scalarText(value);
  if (text === '') throw new ExceptionError('Value must be non-empty');
  return text;
}

/** An exception's name as Falco's decode_val reads it (rule_loader_reader.cpp): a non-empty scalar. */
function nameOf(value: unknown): string {
  if (value === undefined) throw new ExceptionError("Item has no mapping for key 'name'");
  if (value === null) throw new ExceptionError("Mapping for key 'name' is empty");
  if (typeof value === 'object') throw new ExceptionError('Value is not a scalar value');
  const name = scalarText(value);
  if (name === '') throw new ExceptionError('Value must be non-empty');
  return name;
}

/** A rule item's `exceptions:` (undefined or null: none); throws ExceptionError for a shape Falco does not read. */
export function decodeExceptions(value: unknown, position: SourcePosition): RuleException[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ExceptionError('Rule exceptions must be a sequence');
  return value.map((ex: unknown) => {
    if (typeof ex !== 'object' || ex === null || Array.isArray(ex)) throw new ExceptionError('Rule exception must be a mapping');
    const map = ex as Record<string, unknown>;
    const name = nameOf(map.name);
    if (map.values !== undefined && !Array.isArray(map.values)) throw new ExceptionError('Rule exception values must be a sequence');
    const fields = entry(map.fields);
    const comps = entry(map.comps);
    const values = ((map.values as unknown[] | undefined) ?? []).map((v) => entry(v) ?? '');
    return { name, ...(fields !== undefined ? { fields } : {}), ...(comps !== undefined ? { comps } : {}), values, position };
  });
}

/** Falco's reader outside an append (a rule's own exceptions, or override: {exceptions: replace}) requires each
 * exception's fields (rule_loader_reader.cpp decode_exception_fields, not optional); throws ExceptionError. */
export function requireFields(exceptions: readonly RuleException[]): void {
  const missing = exceptions.find((ex) => ex.fields === undefined);
  if (missing) throw new ExceptionError(`exception ${missing.name}: Item has no mapping for key 'fields'`);
}

/** What Falco's reader warns about in an item's `exceptions:` and loads (read_rule_exceptions): a name given twice
 * in the item, and, in an append, an exception without `values`. `value`: a sequence of mappings with names (as
 * decodeExceptions reads it). */
export function exceptionWarnings(value: readonly Record<string, unknown>[], isAppend: boolean): ExceptionWarning[] {
  const seen = new Set<string>();
  const warnings: ExceptionWarning[] = [];
  for (const ex of value) {
    const name = scalarText(ex.name);
    if (seen.has(name)) warnings.push({ kind: 'duplicate', message: `Multiple definitions of exception '${name}' in the same rule` });
    seen.add(name);
    if (isAppend && ex.values === undefined) warnings.push({ kind: 'no-values', message: `exception ${name}: Overriding/appending exception with no values` });
  }
  return warnings;
}

/** The exception's comps with Falco's defaults, or what Falco refuses in its fields and comps (isKnownField: the
 * rule's source has the field). */
export function exceptionComps(ex: RuleException, isKnownField: (field: string) => boolean = () => true): ExceptionEntry {
  const { fields } = ex;
  if (fields === undefined) throw new ExceptionError('Rule exception item must have fields property with a list of fields');
  const unknown = (Array.isArray(fields) ? fields : [fields]).map(String).find((f) => !isKnownField(f));
  if (Array.isArray(fields)) {
    const comps = ex.comps ?? fields.map(() => '=');
    if (!Array.isArray(comps) || comps.length !== fields.length) throw new ExceptionError('Fields and comps lists must have equal length');
    const bad = comps.map(String).find((c) => !OPERATORS.has(c));
    if (bad !== undefined) throw new ExceptionError(`'${bad}' is not a supported comparison operator`);
    if (unknown !== undefined) throw new ExceptionError(`'${unknown}' is not a supported filter field`);
    return comps;
  }
  const comp = ex.comps ?? 'in';
  if (Array.isArray(comp)) throw new ExceptionError('Fields and comps must both be strings');
  if (!SINGLE_FIELD_OPERATORS.includes(comp)) throw new ExceptionError('When fields is a single value, comps must be one of (in, pmatch, intersects)');
  if (unknown !== undefined) throw new ExceptionError(`'${unknown}' is not a supported filter field`);
  return comp;
}

function valueText(value: ExceptionEntry, comp: string): string {
  if (Array.isArray(value)) return `(${value.map((v) => quoteItem(String(v))).join(', ')})`;
  if (LIST_OPERATORS.includes(comp)) return value.startsWith('(') ? value : `(${value})`;
  return quoteItem(value);
}

/** One exception as the condition text Falco builds for it ('' when it has no values). */
function exceptionCondition(ex: RuleException, comps: ExceptionEntry): string {
  const { fields } = ex;
  if (!Array.isArray(fields)) {
    const values = ex.values.map((v) => {
      if (Array.isArray(v)) throw new ExceptionError('Expected values array to contain a list of strings');
      return quoteItem(v);
    });
    return values.length > 0 ? `(${String(fields)} ${String(comps)} (${values.join(', ')}))` : '';
  }
  const tuples = ex.values.map((tuple) => {
    // A value that is not a list has no items: it matches only an empty list of fields.
    const items = Array.isArray(tuple) ? tuple : [];
    if (items.length !== fields.length) throw new ExceptionError('Fields and values lists must have equal length');
    return `(${fields.map((f, k) => `${String(f)} ${String((comps as ExceptionEntry[])[k])} ${valueText(items[k]!, String((comps as ExceptionEntry[])[k]))}`).join(' and ')})`;
  });
  return tuples.length > 0 ? `(${tuples.join(' or ')})` : '';
}

/** The condition Falco compiles for a rule with these exceptions; throws ExceptionError for what it refuses. */
export function conditionWithExceptions(condition: string, exceptions: readonly RuleException[], isKnownField?: (field: string) => boolean): string {
  if (exceptions.length === 0) return condition;
  let joined = `(${condition})`;
  for (const ex of exceptions) {
    let text: string;
    try {
      text = exceptionCondition(ex, exceptionComps(ex, isKnownField));
    } catch (error) {
      if (error instanceof ExceptionError) throw new ExceptionError(`exception ${ex.name}: ${error.message}`);
      throw error;
    }
    if (text !== '') joined += ` and not ${text}`;
  }
  return joined;
}

/** Exceptions appended to a rule's (append: true, override: {exceptions: append}), as Falco's collector appends
 * them: values of an exception of the same name are added to it, another exception is added whole. */
export function appendExceptions(existing: readonly RuleException[], added: readonly RuleException[]): RuleException[] {
  const result = existing.map((ex) => ({ ...ex, values: [...ex.values] }));
  for (const ex of added) {
    const previous = result.find((p) => p.name === ex.name);
    if (!previous) {
      if (ex.fields === undefined) throw new ExceptionError(`exception ${ex.name}: Rule exception must have fields property with a list of fields`);
      if (ex.values.length === 0) throw new ExceptionError(`exception ${ex.name}: Rule exception must have values property with a list of values`);
      result.push(ex);
    } else {
      if (ex.fields !== undefined) throw new ExceptionError(`exception ${ex.name}: Can not append exception fields to existing exception, only values`);
      if (ex.comps !== undefined) throw new ExceptionError(`exception ${ex.name}: Can not append exception comps to existing exception, only values`);
      previous.values.push(...ex.values);
    }
  }
  return result;
}
