// The Falco condition evaluator: compiles a rule's condition, with its macros and lists expanded as the
// ruleset defines them (overrides already applied), into a function from a synthetic event to true,
// false or unknown. Three-valued (Kleene) logic: a check on a field the synthesis does not know is
// unknown, and the result says which fields it needed. Pure.
import { LIST_OPERATORS, walk, type ConditionNode, type FieldRef, type ListValue, type Operand, type ScalarValue } from '../falco/condition/ast.js';
import { listAsValue, ListItemError, listValues } from '../falco/condition/lists.js';
import { eventTypeCheckProblem, fieldValueProblem, hexValueProblem, operatorTypeProblem, orderingValueProblem, transformerProblem, unquoted, valueTypeProblem } from '../falco/condition/operator-types.js';
import { regexProblem } from '../falco/condition/regex-posix.js';
import { parseCondition } from '../falco/condition/parse.js';
import { fieldsOf, lookupField, readFieldCatalog, type FieldCatalog } from '../falco/field-catalog.js';
import type { Ruleset } from '../falco/types.js';
import type { SyntheticEvent } from './event.js';
import { fieldExtractor, type Extracted, type FieldContext } from './field-values.js';
import { compareScalar, compareSet } from './operators.js';

export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;
export type Truth = typeof FALSE | typeof TRUE | typeof UNKNOWN;

/** A compiled condition; adds the fields an unknown result depended on to `needs`. */
export type CompiledCondition = (event: SyntheticEvent, needs: Set<string>) => Truth;

/** A condition that cannot be evaluated (an undefined macro, a macro that includes itself, one nested too deep). */
export class ConditionError extends Error {}

/**
 * The deepest condition evaluated: `not`s, chains of `and`/`or` (a chain is one level however long) and checks, one
 * inside the other, through every macro it uses. Compiling takes any depth (stacks of its own), but evaluating is a call
 * per level: `report --emulate` ran out of the call stack between 5,000 and 8,000 levels. A fifth of that is far deeper
 * than any real rule (the official ones nest a handful of macros), and a rule past it is listed as not evaluated.
 */
export const MAX_EVALUATION_DEPTH = 1_000;

type Extractor = (event: SyntheticEvent) => Extracted;

/** A macro's condition compiled, with what is wrong with the fields it (and the macros it uses) names. */
interface CompiledMacro {
  test: CompiledCondition;
  fieldProblems: Set<string>;
}

export class ConditionCompiler {
  /** Each macro compiled once, with the field problems its condition has. */
  private readonly macros = new Map<string, CompiledMacro | 'compiling'>();
  private readonly context: FieldContext;
  /** Whether the rules are syscall rules, whose evt.type checks Falco reads event types from. */
  private readonly isSyscall: boolean;

  constructor(
    private readonly ruleset: Pick<Ruleset, 'macros' | 'lists'>,
    source = 'syscall',
    catalog: FieldCatalog = readFieldCatalog(),
  ) {
    this.context = { fields: fieldsOf(catalog, source) ?? new Map(), eventParams: catalog.events };
    this.isSyscall = source === 'syscall';
  }

  /** How many calls deep each compiled condition evaluates (a macro's condition is used as it is, and so its depth). */
  private readonly depths = new WeakMap<CompiledCondition, number>();

  compile(condition: string): CompiledCondition {
    const test = this.node(parseCondition(condition));
    const depth = this.depths.get(test)!;
    if (depth > MAX_EVALUATION_DEPTH) throw new ConditionError(`nested ${depth} levels deep with its macros, and the emulator evaluates at most ${MAX_EVALUATION_DEPTH}`);
    return test;
  }

  /** What is wrong with the fields the condition being compiled names (its macros' included), as lookupField says it. */
  private fieldProblems = new Set<string>();

  /** A rule's condition compiled, with what is wrong with the fields it names: a field Falco does not have, or
   * an argument a field does not take or lacks (such checks are false here, and Falco does not load the rule). */
  compileRule(condition: string): { test: CompiledCondition; fieldProblems: string[] } {
    this.fieldProblems = new Set();
    const test = this.compile(condition);
    return { test, fieldProblems: [...this.fieldProblems].sort() };
  }

  /** `test`, with its depth recorded: one more than its deepest operand's. */
  private deeper(test: CompiledCondition, operands: CompiledCondition[]): CompiledCondition {
    let deepest = 0;
    for (const operand of operands) deepest = Math.max(deepest, this.depths.get(operand)!);
    this.depths.set(test, deepest + 1);
    return test;
  }

  private node(node: ConditionNode): CompiledCondition {
    switch (node.kind) {
      case 'and':
      case 'or': {
        const tests = this.chain(node);
        // One operand FALSE decides an `and`, one TRUE an `or`; none deciding, an unknown one leaves it unknown.
        const decides = node.kind === 'and' ? FALSE : TRUE;
        const otherwise = node.kind === 'and' ? TRUE : FALSE;
        return this.deeper((e, needs) => {
          let isUnknown = false;
          for (const test of tests) {
            const v = test(e, needs);
            if (v === decides) return decides;
            if (v === UNKNOWN) isUnknown = true;
          }
          return isUnknown ? UNKNOWN : otherwise;
        }, tests);
      }
      case 'not': {
        const operand = this.node(node.operand);
        return this.deeper((e, needs) => {
          const v = operand(e, needs);
          return v === UNKNOWN ? UNKNOWN : v === TRUE ? FALSE : TRUE;
        }, [operand]);
      }
      case 'macro':
        // The macro's own compiled condition, and so its depth: a macro is no call of its own.
        return this.macro(node.name);
      case 'check':
        return this.deeper(this.check(node.field, node.operator, node.value), []);
    }
  }

  /**
   * The operands of a chain of `and` (or of `or`), left to right, each compiled: the chain evaluated as one loop, with
   * Kleene logic's answer and short-circuits (and so the fields an unknown result needed) those of the nested pairs. A
   * chain is as deep as it is long: 32,000 terms compiled and evaluated pair by pair ran out of the call stack.
   */
  private chain(node: Extract<ConditionNode, { kind: 'and' | 'or' }>): CompiledCondition[] {
    const operands: ConditionNode[] = [];
    const pending: ConditionNode[] = [node];
    for (let at = pending.pop(); at; at = pending.pop()) {
      if (at.kind === node.kind) pending.push(at.right, at.left);
      else operands.push(at);
    }
    return operands.map((operand) => this.node(operand));
  }

  private macro(name: string): CompiledCondition {
    // Never 'compiling' here: compileMacros compiles a macro only once those it uses are compiled, and throws at a cycle.
    const known = this.macros.get(name) as CompiledMacro | undefined;
    // Stryker disable next-line BlockStatement: without the shortcut the macro is compiled again, to the same condition and the same field problems (only slower)
    if (known) {
      for (const problem of known.fieldProblems) this.fieldProblems.add(problem);
      return known.test;
    }
    this.compileMacros(name);
    return this.macro(name);
  }

  /**
   * Compiles macro `name` and every macro it uses that is not compiled yet, the used ones first (depth first, with a stack
   * of its own: macros nest as deep as a rules file makes them, and 2,000 compiled one inside the other ran out of the
   * call stack), so that compiling each finds the macros it names compiled. A macro met again while it waits for the
   * ones it uses includes itself. On an error nothing of this call stays marked: the next call fails the same way.
   */
  private compileMacros(name: string): void {
    const waiting: { name: string; tree: ConditionNode; uses: Iterator<string> }[] = [];
    const enter = (macroName: string) => {
      const macro = this.ruleset.macros.get(macroName);
      if (!macro) throw new ConditionError(`undefined macro ${macroName}`);
      this.macros.set(macroName, 'compiling');
      const tree = parseCondition(macro.condition);
      waiting.push({ name: macroName, tree, uses: macroNamesOf(tree) });
    };
    try {
      enter(name);
      while (waiting.length > 0) {
        const top = waiting[waiting.length - 1]!;
        const next = top.uses.next();
        if (!next.done) {
          const state = this.macros.get(next.value);
          if (state === 'compiling') throw new ConditionError(`macro ${next.value} includes itself`);
          if (state === undefined) enter(next.value);
          continue;
        }
        this.compileOne(top.name, top.tree);
        waiting.pop();
      }
    } catch (error) {
      for (const { name: pending } of waiting) this.macros.delete(pending);
      throw error;
    }
  }

  /** Compiles a macro whose macros are compiled already, with the field problems its condition (theirs included) has. */
  private compileOne(name: string, tree: ConditionNode): void {
    const outer = this.fieldProblems;
    this.fieldProblems = new Set();
    try {
      const test = this.node(tree);
      this.macros.set(name, { test, fieldProblems: this.fieldProblems });
    } finally {
      this.fieldProblems = outer;
    }
  }

  /** The values of a literal or list, list names expanded as Falco pastes them (a quoted value is a literal). */
  private items(operand: ScalarValue | ListValue): string[] {
    const lists = this.ruleset.lists;
    const isList = (v: ScalarValue): boolean => !v.isQuoted && lists.has(v.text);
    try {
      if (operand.kind === 'value') return [isList(operand) ? listAsValue(lists, operand.text) : operand.text];
      return operand.items.flatMap((v) => (isList(v) ? listValues(lists, v.text) : [v.text]));
    } catch (error) {
      if (error instanceof ListItemError) throw new ConditionError(error.message);
      throw error;
    }
  }

  /** `found`: the field looked up already (check() reads its type for the values too). */
  private extractor(ref: FieldRef, operator: string | undefined, found: ReturnType<typeof lookupField>): Extractor {
    // A field Falco does not have, or one written with an argument it does not take (or without one it needs).
    if ('error' in found) this.fieldProblems.add(found.error);
    // A transformer that does not take the field's type (len(proc.pid)), an operator that does not take the type the
    // transformers give: Falco refuses the rule.
    const problem = 'info' in found ? (transformerProblem(found.info.type, ref) ?? (operator !== undefined ? operatorTypeProblem(operator, found.info.type, ref) : undefined)) : undefined;
    if (problem) throw new ConditionError(problem);
    return fieldExtractor(ref, this.context, 'info' in found ? found.info : undefined);
  }

  private check(field: FieldRef, operator: string, value: Operand | undefined): CompiledCondition {
    const found = lookupField(this.context.fields, field);
    const lhs = this.extractor(field, operator, found);
    const valueProblem = orderingValueProblem(operator, value) ?? (this.isSyscall ? eventTypeCheckProblem(field, operator, value) : undefined);
    if (valueProblem) throw new ConditionError(valueProblem);
    if (operator === 'exists') {
      return (e, needs) => {
        const x = lhs(e);
        if (x.kind === 'unknown') return needs.add(x.field), UNKNOWN;
        return x.kind === 'values' ? TRUE : FALSE;
      };
    }
    // Every other operator has a value (the parser requires one).
    if (value!.kind === 'field') {
      const right = lookupField(this.context.fields, value!.field);
      const rhs = this.extractor(value!.field, undefined, right);
      // A field of another type on the right, a field after pmatch or regex: Falco refuses the rule.
      const typeOf = (f: typeof found) => ('info' in f ? f.info.type : undefined);
      const fieldProblem = fieldValueProblem(operator, { type: typeOf(found), ref: field }, { type: typeOf(right), ref: value!.field });
      if (fieldProblem) throw new ConditionError(fieldProblem);
      return this.fieldCheck(lhs, operator, rhs);
    }
    const items = this.items(value as ScalarValue | ListValue);
    // A value the field's type cannot read (proc.vpid = init), a bcontains value that is not hex: Falco refuses the rule.
    const typeProblem = items.map((item) => hexValueProblem(operator, unquoted(item)) ?? ('info' in found ? valueTypeProblem(found.info.type, field, unquoted(item)) : undefined)).find((p) => p !== undefined);
    if (typeProblem) throw new ConditionError(typeProblem);
    // A pattern RE2 (POSIX syntax) does not compile: Falco refuses the rule. (One pattern: the parser takes a single
    // operand after a scalar operator, and a list named there is pasted as one value.)
    const patternProblem = operator === 'regex' ? regexProblem(unquoted(items[0]!)) : undefined;
    if (patternProblem) throw new ConditionError(`regex: ${patternProblem}`);
    const itemSet = new Set(items);
    return (e, needs) => {
      const x = lhs(e);
      if (x.kind === 'absent') return FALSE;
      if (x.kind === 'unknown') return needs.add(x.field), UNKNOWN;
      // The common case, a string field `in` a literal list, as a Set lookup: what compare() would answer.
      // Stryker disable next-line StringLiteral,BooleanLiteral: these only turn the shortcut off (or on for a list field, whose one value is in the set exactly when it is in the list)
      if (operator === 'in' && x.type === 'string' && !x.isList) return x.values.some((v) => itemSet.has(String(v))) ? TRUE : FALSE;
      return compare(operator, x, items);
    };
  }

  /** A comparison with another field of the same event (val(...)). */
  private fieldCheck(lhs: Extractor, operator: string, rhs: Extractor): CompiledCondition {
    return (e, needs) => {
      const x = lhs(e);
      if (x.kind === 'absent') return FALSE;
      if (x.kind === 'unknown') return needs.add(x.field), UNKNOWN;
      const r = rhs(e);
      if (r.kind === 'absent') return FALSE;
      if (r.kind === 'unknown') return needs.add(r.field), UNKNOWN;
      return compare(operator, x, r.values.map(String));
    };
  }
}

function compare(operator: string, x: Extract<Extracted, { kind: 'values' }>, rhs: string[]): Truth {
  if (LIST_OPERATORS.includes(operator)) return compareSet(operator, x.values, rhs, x.type, x.isList) ? TRUE : FALSE;
  // One value: the parser takes a single operand after a scalar operator, and a field on the right (val()) is absent
  // or has values; of a list field's values, the first.
  const right = rhs[0]!;
  return x.values.some((v) => compareScalar(operator, v, right, x.type)) ? TRUE : FALSE;
}

/** The names of the macros a condition uses, in the order they stand (a name used twice comes twice: compileMacros
 * finds it compiled the second time). */
function* macroNamesOf(root: ConditionNode): Generator<string> {
  for (const { node } of walk(root)) if (node.kind === 'macro') yield node.name;
}
