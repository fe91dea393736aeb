// Checks rule items' `exceptions:` as Falco's loader does: its reader (shape, fields required outside an append,
// warnings), its collector (fields for the rule's source, comparison operators, what an append may add to the
// exceptions the rule already has) and its compiler (the condition it builds must parse, and each comparison in it
// must take the field's type). Pure.
import { appendExceptions, conditionWithExceptions, decodeExceptions, exceptionWarnings, ExceptionError, requireFields, type RuleException } from '../falco/exceptions.js';
import { lookupField, type FieldInfo } from '../falco/field-catalog.js';
import { walk, type ConditionNode } from '../falco/condition/ast.js';
import { hexValueProblem, operatorTypeProblem, orderingValueProblem, transformerProblem, valueTypeProblem } from '../falco/condition/operator-types.js';
import { regexProblem } from '../falco/condition/regex-posix.js';
import { ConditionSyntaxError, parseCondition } from '../falco/condition/parse.js';
import type { RawItem, SourcePosition } from '../falco/types.js';
import { isEnableItem, isLegacyAppend } from '../falco/ruleset.js';
import type { ValidationIssue } from './types.js';

/** How an item sets its rule's exceptions: a rule's definition, `override: {exceptions: replace}`, or an append. */
type Mode = 'define' | 'replace' | 'append';

const REPLACE_HINT = 'override: {exceptions: replace} replaces the exceptions whole; to add values to one, use override: {exceptions: append}';

function modeOf(item: RawItem): Mode | undefined {
  const { override } = item.fields;
  if (override !== undefined) {
    const mode = (override as Record<string, unknown> | null)?.exceptions;
    return mode === 'append' || mode === 'replace' ? mode : undefined;
  }
  if (isLegacyAppend(item)) return 'append';
  return isEnableItem(item) ? undefined : 'define';
}

/** Falco's is_valid_lhs_field (falco_source.h): a field with a transformer is compiled as `<field> exists`. */
function isKnownField(fields: Map<string, FieldInfo>, field: string): boolean {
  let ref: { name: string; arg?: string } | undefined;
  if (field.includes('(')) {
    try {
      const node = parseCondition(`${field} exists`);
      if (node.kind === 'check') ref = node.field;
    } catch {
      // What does not parse as the left side of a comparison names no field, whatever stopped the parser.
    }
  } else {
    // A field with a bracket that does not close (evt.arg[) names no field.
    const match = /^([^[]*)(?:\[(.*)\])?$/s.exec(field);
    if (match) ref = { name: match[1]!, arg: match[2] };
  }
  return ref !== undefined && !('error' in lookupField(fields, ref));
}

/** Falco's refusal of a value of a comparison that the field's type cannot read; a list name (`lists`) stands for
 * its items, which are not looked at here. */
function valueProblem(node: Extract<ConditionNode, { kind: 'check' }>, type: string, lists: ReadonlySet<string>): string | undefined {
  const operand = node.value;
  if (operand === undefined || operand.kind === 'field') return undefined;
  for (const value of operand.kind === 'list' ? operand.items : [operand]) {
    if (value.isQuoted || !lists.has(value.text)) {
      const problem = (node.operator === 'regex' ? regexProblem(value.text) : undefined) ?? hexValueProblem(node.operator, value.text) ?? valueTypeProblem(type, node.field, value.text);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** What Falco refuses in one exception once it is checked and compiled, in its words, prefixed with its name. */
function exceptionProblem(ex: RuleException, fields: Map<string, FieldInfo>, lists: ReadonlySet<string>): string | undefined {
  // Throws ExceptionError (the collector's checks and the compiler's shapes) with the exception's name.
  const text = conditionWithExceptions('evt.num = 0', [ex], (field) => isKnownField(fields, field));
  let tree;
  try {
    // Falco parses the text it builds: a value it cannot read there (a=b, an unsupported escape) is refused.
    tree = parseCondition(text);
  } catch (error) {
    if (!(error instanceof ConditionSyntaxError)) throw error;
    return `exception ${ex.name}: its values do not parse once joined to the condition: ${error.detail}`;
  }
  // Falco compiles it: each transformer must take its field's type, each comparison the field's type, < <= > >= a
  // number, bcontains and bstartswith hex.
  for (const { node } of walk(tree)) {
    if (node.kind !== 'check') continue;
    const found = lookupField(fields, node.field);
    const type = 'error' in found ? undefined : found.info.type;
    const problem = (type && (transformerProblem(type, node.field) ?? operatorTypeProblem(node.operator, type, node.field))) ?? orderingValueProblem(node.operator, node.value) ?? (type && valueProblem(node, type, lists));
    if (problem) return `exception ${ex.name}: ${problem}`;
  }
  return undefined;
}

interface ItemResult {
  /** The rule's exceptions after the item; absent when Falco refuses them (the rule keeps those it had). */
  exceptions?: RuleException[];
  issues: ValidationIssue[];
}

function checkItem(item: RawItem, mode: Mode, held: readonly RuleException[], fields: Map<string, FieldInfo>, lists: ReadonlySet<string>): ItemResult {
  const at = item.keyPositions.exceptions ?? item.position;
  let issues: ValidationIssue[] = [];
  try {
    const read = decodeExceptions(item.fields.exceptions, at);
    // Read as a sequence of mappings with names: the warnings Falco's reader gives on the way.
    const warnings = exceptionWarnings((item.fields.exceptions ?? []) as Record<string, unknown>[], mode === 'append');
    issues = warnings.map((w) => issue(item, at, w.kind === 'duplicate' ? 'duplicate-exception' : 'exception-without-values', `${w.message} (Falco loads the rule with a warning)`));
    if (mode !== 'append') requireFields(read);
    const exceptions = mode === 'append' ? appendExceptions(held, read) : read;
    for (const ex of read) {
      // Values appended to an exception the rule has are compiled with its fields and comps.
      const previous = mode === 'append' ? held.find((p) => p.name === ex.name) : undefined;
      const problem = exceptionProblem(previous ? { ...previous, values: ex.values } : ex, fields, lists);
      if (problem) return { exceptions, issues: [...issues, refusal(item, at, problem)] };
    }
    return { exceptions, issues };
  } catch (error) {
    if (!(error instanceof ExceptionError)) throw error;
    const hint = mode === 'replace' && error.message.endsWith("no mapping for key 'fields'") ? REPLACE_HINT : undefined;
    return { issues: [...issues, refusal(item, at, error.message, hint)] };
  }
}

/**
 * `items` in load order (exceptions are appended to those earlier items gave the rule); `fieldsOf`: the fields of a
 * rule's source; `isChecked`: the rules whose items are reported (drafts), all by default; `lists`: the ruleset's
 * list names (a value naming one stands for its items). Falco stops at the first problem; so does this, one error
 * per item (after the warnings Falco gives on the way).
 */
export function checkExceptions(items: readonly RawItem[], fieldsOf: (rule: string) => Map<string, FieldInfo>, isChecked: (rule: string) => boolean = () => true, lists: ReadonlySet<string> = new Set()): ValidationIssue[] {
  const held = new Map<string, RuleException[]>();
  const issues: ValidationIssue[] = [];
  for (const item of items) {
    const mode = item.kind === 'rule' ? modeOf(item) : undefined;
    // A definition without exceptions leaves none; an append: true without them, those the rule had.
    if (mode === undefined) continue;
    const result = checkItem(item, mode, held.get(item.name) ?? [], fieldsOf(item.name), lists);
    if (result.exceptions) held.set(item.name, result.exceptions);
    if (isChecked(item.name)) issues.push(...result.issues);
  }
  return issues;
}

function issue(item: RawItem, at: SourcePosition, code: string, message: string): ValidationIssue {
  return { code, severity: code === 'bad-exception' ? 'error' : 'warning', file: at.file, line: at.line, column: at.column, item: item.name, message };
}

function refusal(item: RawItem, at: SourcePosition, message: string, hint?: string): ValidationIssue {
  return issue(item, at, 'bad-exception', `${message} (Falco refuses the rule)${hint ? `; ${hint}` : ''}`);
}
