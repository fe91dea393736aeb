// Checks rule and macro conditions and outputs: syntax, fields for the rule's source, macros and lists
// referenced, evt.type values, and the known bad idioms (time compared as a string, no evt.type
// restriction, a hand-written shell list where the ruleset has shell_procs). Pure.
import { walk, walkWithMacros, type ConditionNode, type FieldRef, type Operand, type Position, type ScalarValue } from '../falco/condition/ast.js';
import { listAsValue, ListItemError, listValues } from '../falco/condition/lists.js';
import { macroOrderProblem, type DefinitionOrder } from '../falco/condition/macro-order.js';
import { EVENT_TYPE_FIELDS, eventTypeCheckProblem, falcoType, fieldValueProblem, hexValueProblem, operatorTypeProblem, orderingValueProblem, transformerProblem, unquoted, valueTypeProblem } from '../falco/condition/operator-types.js';
import { EventTypeSearch, tooManyEventTypes } from '../falco/condition/event-types.js';
import { ConditionSyntaxError, parseCondition } from '../falco/condition/parse.js';
import { regexProblem } from '../falco/condition/regex-posix.js';
import { deprecationNote, fieldsOf, lookupField, type FieldCatalog, type FieldInfo } from '../falco/field-catalog.js';
import { conditionPartsOf, type ConditionPart } from '../falco/ruleset.js';
import type { FalcoMacro, FalcoRule, Ruleset, SourcePosition } from '../falco/types.js';
import { eventTypesMessage, searchedTree } from './event-types.js';
import type { ValidationIssue } from './types.js';

/** Not a field: an output token Falco still accepts, with a warning, and removes (rule_loader_compiler.cpp). */
const CONTAINER_INFO = '%container.info';
/** Fields holding a timestamp as text: comparing them with < or > compares strings, not times. The plugins' are the
 * string fields of their field tables that hold the event's time as ISO 8601 text (data/falco-fields.json). */
const TIME_TEXT_FIELDS = new Set(['evt.time', 'evt.time.s', 'evt.time.iso8601', 'evt.datetime', 'evt.datetime.s', 'ct.time', 'gcp.time', 'okta.published']);
/** A date or a time of day written in a value: a year and month at the start (`2022-12`), an ISO 8601 time anywhere
 * (`T02:`), or a clock time at the start (`02:00`). Matched in a timestamp's text, it ties the rule to that moment (and
 * that time zone; QA: `contains "T02:"` and `startswith "2022-12-31T02"` passed). */
const DATE_LIKE = /^\d{4}-\d{2}|T\d{2}:|^\d{1,2}:\d{2}/;
/** Nanosecond types, as libsinsp names them (falcoType: plugin field tables write them in lower case, container.start_ts). */
const TIME_TYPES = new Set(['ABSTIME', 'RELTIME']);
const SHELLS = new Set(['sh', 'bash', 'csh', 'ksh', 'tcsh', 'zsh', 'dash', 'ash', 'fish', 'mksh']);
const EXEC_EVENTS = new Set(['execve', 'execveat']);
/** Bare list items that read like a list's name: an LLM's invented `shell_procs` is not a literal. */
const LIST_LIKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*_(?:binaries|bins|procs|processes|files|dirs|directories|paths|names|images|ports|list|users|hosts|domains|ips|containers|commands|programs)$/;

interface Owner {
  name: string;
  kind: 'rule' | 'macro';
  at: SourcePosition;
  /** The condition and its parts as loaded (appends, overrides): an issue inside it is put where its part is written. */
  condition?: { text: string; parts: readonly ConditionPart[] };
}

/** The condition of a rule or macro with its parts, when the ruleset was built here (not read from the cache). */
function conditionOf(item: FalcoRule | FalcoMacro): Pick<Owner, 'condition'> {
  // conditionPartsOf gives undefined or at least one part.
  const parts = conditionPartsOf(item);
  return parts ? { condition: { text: item.condition, parts } } : {};
}

/** Where a place in a joined condition was written: the `condition:` key of the part holding it, and the place
 * in that part's own text. */
export function placeInParts(condition: string, parts: readonly ConditionPart[], pos: Position): { at: SourcePosition; line: number; column: number } | undefined {
  const part = parts.findLast((p) => p.start <= pos.offset);
  if (!part) return undefined;
  const before = condition.slice(part.start, pos.offset);
  return { at: part.at, line: before.split('\n').length, column: before.length - before.lastIndexOf('\n') };
}

/** The fields of a source with no field table: none is checked (a distinct empty map, told apart by identity). */
const UNCHECKED: Map<string, FieldInfo> = new Map();

export class ConditionChecker {
  private readonly parsed = new Map<string, ConditionNode | ConditionSyntaxError>();
  private readonly checked = new Map<Map<string, FieldInfo> | undefined, WeakSet<ConditionNode>>();
  readonly issues = new Map<string, ValidationIssue>();
  private readonly allFields: Map<string, FieldInfo>;
  /** Every parameter name of every event: what evt.arg.<name> may name. */
  private readonly eventParams: Set<string>;
  private readonly eventTypes: EventTypeSearch;

  constructor(
    private readonly ruleset: Ruleset,
    private readonly catalog: FieldCatalog,
    /** Where each macro and rule is defined, for the order Falco requires of macro uses. */
    private readonly order?: DefinitionOrder,
  ) {
    this.allFields = new Map([...catalog.sources.values()].flatMap((m) => [...m]));
    this.eventParams = new Set([...catalog.events.values()].flat());
    this.eventTypes = new EventTypeSearch(catalog, ruleset.lists, (name) => {
      const macro = ruleset.macros.get(name);
      return macro && this.parse(`macro:${name}`, macro.condition, this.macroOwner(macro));
    });
  }

  private report(owner: Owner, code: string, severity: ValidationIssue['severity'], message: string, pos?: Position): void {
    // Inside the condition: the part that holds the place (an append in another file), else where the condition is.
    const place = pos && owner.condition ? placeInParts(owner.condition.text, owner.condition.parts, pos) : undefined;
    const first = owner.condition?.parts[0];
    const at = place?.at ?? first?.at ?? owner.at;
    const inCondition = place ?? pos;
    const text = inCondition ? `condition ${inCondition.line}:${inCondition.column}: ${message}` : message;
    const issue: ValidationIssue = { code, severity, file: at.file, line: at.line, column: at.column, item: owner.name, message: text, ...(inCondition ? { inCondition: { line: inCondition.line, column: inCondition.column } } : {}) };
    // Stryker disable next-line StringLiteral: the separator only keeps keys apart; without it two keys could meet only if a message began with a digit, and none does
    this.issues.set([code, at.file, at.line, text].join('|'), issue);
  }

  /** The tree of `condition`, parsed once per key; undefined (and one issue) for a syntax error. */
  private parse(key: string, condition: string, owner: Owner): ConditionNode | undefined {
    const result = this.parsed.get(key) ?? this.parseOnce(key, condition, owner);
    return result instanceof ConditionSyntaxError ? undefined : result;
  }

  private parseOnce(key: string, condition: string, owner: Owner): ConditionNode | ConditionSyntaxError {
    let result: ConditionNode | ConditionSyntaxError;
    try {
      result = parseCondition(condition);
    } catch (error) {
      if (!(error instanceof ConditionSyntaxError)) throw error;
      result = error;
      this.report(owner, 'condition-syntax', 'error', error.detail, error.pos);
    }
    this.parsed.set(key, result);
    return result;
  }

  private macroOwner(macro: FalcoMacro): Owner {
    return { name: macro.name, kind: 'macro', at: macro.conditionAt ?? macro.position, ...conditionOf(macro) };
  }

  /** The values a list name stands for where it is used, as Falco pastes its items; undefined (and one issue) when
   * they do not parse there, or when `value` names no list. */
  private listAt(value: ScalarValue, operand: Operand, owner: Owner): readonly string[] | undefined {
    if (value.isQuoted || !this.ruleset.lists.has(value.text)) return undefined;
    try {
      return operand.kind === 'list' ? listValues(this.ruleset.lists, value.text) : [listAsValue(this.ruleset.lists, value.text)];
    } catch (error) {
      if (!(error instanceof ListItemError)) throw error;
      this.report(owner, 'condition-syntax', 'error', error.message, value.pos);
      return [];
    }
  }

  private values(operand: Operand | undefined): ScalarValue[] {
    if (!operand || operand.kind === 'field') return [];
    return operand.kind === 'list' ? operand.items : [operand];
  }

  private checkField(ref: FieldRef, fields: Map<string, FieldInfo> | undefined, owner: Owner): FieldInfo | undefined {
    if (fields === UNCHECKED) return undefined;
    const found = lookupField(fields ?? this.allFields, ref);
    if ('error' in found) {
      this.report(owner, 'unknown-field', 'error', found.error, ref.pos);
      return undefined;
    }
    if (found.info.deprecatedSince) this.report(owner, 'deprecated-field', 'warning', deprecationNote(found.name, found.info), ref.pos);
    if (found.name === 'evt.arg' || found.name === 'evt.rawarg') {
      // Stryker disable next-line StringLiteral: lookupField always gives evt.arg and evt.rawarg a key (without one it is an error), so the default is never used
      const key = found.key ?? '';
      const isKnownParam = /^\d+$/.test(key) || this.eventParams.has(key);
      if (!isKnownParam) this.report(owner, 'unknown-field', 'error', `${found.name}.${key}: no Falco event has a parameter "${key}"`, ref.pos);
    }
    return found.info;
  }

  /** The first value (a list's items, `lists[i]`, for a list name) that Falco cannot read as the field's type: one
   * error per check. */
  private checkValueTypes(node: Extract<ConditionNode, { kind: 'check' }>, info: FieldInfo, values: ScalarValue[], lists: (readonly string[] | undefined)[], owner: Owner): void {
    for (const [i, value] of values.entries()) {
      for (const text of lists[i] ?? [value.text]) {
        const problem = valueTypeProblem(info.type, node.field, unquoted(text));
        if (problem) return this.report(owner, 'value-type', 'error', problem, value.pos);
      }
    }
  }

  /** The field's catalogue entry, and Falco's refusal of a transformer of it (one error, at the transformer). */
  private checkFieldAndTransformers(ref: FieldRef, fields: Map<string, FieldInfo> | undefined, owner: Owner): FieldInfo | undefined {
    const info = this.checkField(ref, fields, owner);
    const problem = info && transformerProblem(info.type, ref);
    if (problem) this.report(owner, 'operator-type', 'error', problem, ref.pos);
    return info;
  }

  /** Falco's refusals of a check's fields beyond their names: the operator on the left field's type, a field on the
   * right against the left one, and (syscall rules) an evt.type check it cannot read event types from. */
  private checkFieldTypes(node: Extract<ConditionNode, { kind: 'check' }>, info: FieldInfo | undefined, fields: Map<string, FieldInfo> | undefined, owner: Owner, isSyscall: boolean): boolean {
    const typeProblem = info && operatorTypeProblem(node.operator, info.type, node.field);
    if (typeProblem) this.report(owner, 'operator-type', 'error', typeProblem, node.pos);
    if (node.value?.kind === 'field') {
      const right = this.checkFieldAndTransformers(node.value.field, fields, owner);
      // Types only where the catalogue knows both fields (a source without a field table checks none).
      const problem = fieldValueProblem(node.operator, { type: info?.type, ref: node.field }, { type: right?.type, ref: node.value.field });
      if (problem) this.report(owner, 'operator-type', 'error', problem, node.value.field.pos);
    }
    const eventTypeProblem = isSyscall ? eventTypeCheckProblem(node.field, node.operator, node.value) : undefined;
    if (eventTypeProblem) this.report(owner, 'operator-type', 'error', eventTypeProblem, node.field.pos);
    return typeProblem !== undefined;
  }

  /** The first bcontains or bstartswith value (a list's items, `lists[i]`, for a list name) that is not hex. */
  private checkHexValues(node: Extract<ConditionNode, { kind: 'check' }>, values: ScalarValue[], lists: (readonly string[] | undefined)[], owner: Owner): void {
    for (const [i, value] of values.entries()) {
      for (const text of lists[i] ?? [value.text]) {
        const problem = hexValueProblem(node.operator, unquoted(text));
        if (problem) return this.report(owner, 'value-type', 'error', problem, value.pos);
      }
    }
  }

  private checkCheck(node: Extract<ConditionNode, { kind: 'check' }>, fields: Map<string, FieldInfo> | undefined, owner: Owner, isSyscall: boolean): void {
    const info = this.checkFieldAndTransformers(node.field, fields, owner);
    const isOperatorRefused = this.checkFieldTypes(node, info, fields, owner, isSyscall);
    const values = this.values(node.value);
    // An event name is no invented list, list-like as it reads (get_robust_list is a syscall).
    const isEventName = (text: string) => EVENT_TYPE_FIELDS.has(node.field.name) && this.catalog.events.has(text);
    for (const value of values) {
      if (value.isQuoted || this.ruleset.lists.has(value.text) || !LIST_LIKE.test(value.text) || isEventName(value.text)) continue;
      if (this.ruleset.macros.has(value.text)) {
        this.report(owner, 'unknown-list', 'error', `"${value.text}" is a macro, not a list: use it as a condition ("and ${value.text}"), not as a value`, value.pos);
      } else {
        this.report(owner, 'unknown-list', 'error', `"${value.text}" reads like a list name but no list of that name is defined`, value.pos);
      }
    }
    // Every list used is checked where it is used (once); the value types and event names need its values.
    const lists = values.map((v) => this.listAt(v, node.value!, owner));
    const name = node.field.name;
    const isOrdering = ['<', '<=', '>', '>='].includes(node.operator);
    const isDateLike = values.some((v) => DATE_LIKE.test(v.text));
    if (TIME_TEXT_FIELDS.has(name) && (isOrdering || isDateLike)) {
      this.report(owner, 'time-compared-as-string', 'error', `${name} is text: "${node.operator}" compares strings, not times; compare evt.rawtime (nanoseconds since the epoch) with a number`, node.pos);
    } else if (info && TIME_TYPES.has(falcoType(info.type)?.type ?? '') && values.some((v) => !/^-?\d+$/.test(v.text))) {
      this.report(owner, 'time-compared-as-string', 'error', `${name} counts nanoseconds: compare it with a number, not "${values.find((v) => !/^-?\d+$/.test(v.text))!.text}"`, node.pos);
    } else {
      // After the time idioms, which say more about the same mistake.
      const numberProblem = orderingValueProblem(node.operator, node.value);
      if (numberProblem) this.report(owner, 'condition-syntax', 'error', numberProblem, node.value?.kind === 'value' ? node.value.pos : node.pos);
      else if (info) this.checkValueTypes(node, info, values, lists, owner);
    }
    // Falco refuses the operator on the field's type before it reads a value (bcontains on text: not the hex too).
    if (!isOperatorRefused) this.checkHexValues(node, values, lists, owner);
    if (node.operator === 'regex') {
      for (const value of values) {
        const problem = regexProblem(value.text);
        if (problem) this.report(owner, 'bad-regex', 'error', `regex "${value.text}": ${problem}`, value.pos);
      }
    }
    if (isSyscall && EVENT_TYPE_FIELDS.has(name) && !node.field.transformers.length) {
      for (const value of values.flatMap((v, i) => lists[i] ?? [v.text])) {
        if (!this.catalog.events.has(value)) this.report(owner, 'unknown-event', 'error', `${name} "${value}" is not a Falco event name`, node.pos);
      }
    }
  }

  /** Whether a check (of a macro, walked again for each rule that uses it) is seen the first time with these fields
   * (a source's; the syscall ones exactly for syscall rules): its findings would be the same again. */
  private isFirstVisit(check: ConditionNode, fields: Map<string, FieldInfo> | undefined): boolean {
    const seen = this.checked.get(fields) ?? new WeakSet<ConditionNode>();
    this.checked.set(fields, seen);
    const isFirst = !seen.has(check);
    seen.add(check);
    return isFirst;
  }

  /** Walks a condition, macros expanded, checking each check once per fields. `path`: the macros being checked, for
   * cycles. */
  private visit(root: ConditionNode, fields: Map<string, FieldInfo> | undefined, rootOwner: Owner, isSyscall: boolean, path: string[]): void {
    const nodes = walkWithMacros(root, { owner: rootOwner }, ({ ref, context, path: through, isOnPath }) => {
      const macro = this.ruleset.macros.get(ref.name);
      if (!macro) {
        this.report(context.owner, 'unknown-macro', 'error', `macro "${ref.name}" is not defined${this.ruleset.lists.has(ref.name) ? ` (${ref.name} is a list: use it inside "in (…)")` : ''}`, ref.pos);
        return undefined;
      }
      if (isOnPath) {
        this.report(context.owner, 'macro-cycle', 'error', `macro "${ref.name}" refers to itself through ${through.join(' → ')}`, ref.pos);
        return undefined;
      }
      const orderProblem = this.order && macroOrderProblem(this.order, context.owner, ref.name);
      if (orderProblem) this.report(context.owner, 'macro-order', 'error', orderProblem, ref.pos);
      const owner = this.macroOwner(macro);
      const ast = this.parse(`macro:${ref.name}`, macro.condition, owner);
      return ast && { node: ast, context: { owner } };
    }, path);
    for (const { node: n, context } of nodes) {
      if (n.kind === 'check' && this.isFirstVisit(n, fields)) this.checkCheck(n, fields, context.owner, isSyscall);
    }
  }

  /** Falco's warning of a syscall rule whose condition, its exceptions joined, matches too many event types. */
  private checkEventTypes(rule: FalcoRule, ast: ConditionNode, owner: Owner): void {
    const types = this.eventTypes.of(searchedTree(rule, ast));
    const tooMany = types && tooManyEventTypes(types, this.catalog);
    if (tooMany) this.report(owner, 'no-event-type', 'warning', eventTypesMessage(tooMany));
  }

  private checkIdioms(ast: ConditionNode, owner: Owner): void {
    const hasShellProcs = this.ruleset.macros.has('shell_procs');
    const hasShellList = this.ruleset.lists.has('shell_binaries');
    for (const { node } of walk(ast)) {
      // values() is empty for a check without a value or against a field: neither idiom applies then.
      if (node.kind !== 'check') continue;
      const values = this.values(node.value).map((v) => v.text);
      if (node.field.name === 'proc.name' && ['=', '==', 'in'].includes(node.operator) && values.length > 0 && values.every((v) => SHELLS.has(v)) && (hasShellProcs || hasShellList)) {
        this.report(owner, 'prefer-ruleset-macro', 'warning', `proc.name ${node.operator} ${values.join(', ')} lists shells by hand; the ruleset has ${hasShellProcs ? 'the macro shell_procs' : 'the list shell_binaries'}, which knows them all`, node.pos);
      }
      if (node.field.name === 'evt.type' && ['=', '==', 'in'].includes(node.operator) && values.length > 0 && values.every((v) => EXEC_EVENTS.has(v)) && this.ruleset.macros.has('spawned_process')) {
        this.report(owner, 'prefer-ruleset-macro', 'warning', `evt.type ${node.operator} ${values.join(', ')} without the exit direction; the ruleset's spawned_process macro matches a successful process start`, node.pos);
      }
    }
  }

  private checkOutput(rule: FalcoRule, fields: Map<string, FieldInfo> | undefined): void {
    const owner: Owner = { name: rule.name, kind: 'rule', at: rule.outputAt ?? rule.position };
    for (const match of rule.output.matchAll(/%([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+)+)(?:\[([^\]]*)\])?/g)) {
      if (match[0] === CONTAINER_INFO) {
        this.report(owner, 'deprecated-field', 'warning', 'output %container.info is deprecated: Falco loads the rule with a warning and drops it from the output (write %container.id and %container.name)');
        continue;
      }
      if (fields === UNCHECKED) continue;
      const found = lookupField(fields ?? this.allFields, { name: match[1]!, arg: match[2] });
      if ('error' in found) this.report(owner, 'unknown-output-field', 'error', `output %${match[1]}: ${found.error}`);
      else if (found.info.deprecatedSince) this.report(owner, 'deprecated-field', 'warning', `output %${match[1]}: ${deprecationNote(found.name, found.info)}`);
    }
  }

  checkRule(rule: FalcoRule): void {
    const owner: Owner = { name: rule.name, kind: 'rule', at: rule.conditionAt ?? rule.position, ...conditionOf(rule) };
    // A plugin source attack-cov has no field table for (gitlab, a custom one): its fields cannot be told known or
    // unknown, so none is checked (validate's unknown-source warning says so); macros it uses are read the same way.
    const fields = fieldsOf(this.catalog, rule.source) ?? UNCHECKED;
    const ast = this.parse(`rule:${rule.name}`, rule.condition, owner);
    if (ast) {
      const isSyscall = rule.source === 'syscall';
      this.visit(ast, fields, owner, isSyscall, []);
      if (isSyscall) this.checkEventTypes(rule, ast, owner);
      this.checkIdioms(ast, owner);
    }
    this.checkOutput(rule, fields);
  }

  /** Macros no rule reaches: syntax, macro references and fields of any source. */
  checkUnusedMacro(macro: FalcoMacro): void {
    const ast = this.parse(`macro:${macro.name}`, macro.condition, this.macroOwner(macro));
    if (ast) this.visit(ast, undefined, this.macroOwner(macro), false, [macro.name]);
  }

  isParsed(macro: string): boolean {
    return this.parsed.has(`macro:${macro}`);
  }
}
