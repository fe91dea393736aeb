// The syntax tree of a Falco condition (the filter language of rules and macros).
// See https://falco.org/docs/concepts/rules/conditions/

/** A place in the condition text; line and column are 1-based. */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

export interface FieldRef {
  /** The field as written, without its argument: "proc.aname", "evt.arg.flags". */
  name: string;
  /** The [argument], when written with brackets. */
  arg?: string;
  /** Transformers applied, outermost first: tolower(b64(x)) → ["tolower", "b64"]. */
  transformers: string[];
  pos: Position;
}

export interface ScalarValue {
  kind: 'value';
  text: string;
  isQuoted: boolean;
  pos: Position;
}

export interface ListValue {
  kind: 'list';
  items: ScalarValue[];
  pos: Position;
}

export interface FieldValue {
  kind: 'field';
  field: FieldRef;
}

export type Operand = ScalarValue | ListValue | FieldValue;

export type ConditionNode =
  | { kind: 'and' | 'or'; left: ConditionNode; right: ConditionNode; pos: Position }
  | { kind: 'not'; operand: ConditionNode; pos: Position }
  | { kind: 'macro'; name: string; pos: Position }
  | { kind: 'check'; field: FieldRef; operator: string; value?: Operand; pos: Position };

export const COMPARISON_OPERATORS = ['=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex'];
export const LIST_OPERATORS = ['in', 'intersects', 'pmatch'];
export const UNARY_OPERATORS = ['exists'];
export const TRANSFORMERS = ['tolower', 'toupper', 'b64', 'basename', 'len', 'val'];

/** Every node of the tree, depth first, with whether it sits under a `not`. With a stack of its own: a chain of
 * and/or is as deep as it is long, and a recursive generator passes each node up through every level (quadratic)
 * and runs out of stack on a few thousand terms. */
export function* walk(node: ConditionNode, isNegated = false): Generator<{ node: ConditionNode; isNegated: boolean }> {
  const pending = [{ node, isNegated }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    yield next;
    const { node: at, isNegated: isUnderNot } = next;
    if (at.kind === 'and' || at.kind === 'or') pending.push({ node: at.right, isNegated: isUnderNot }, { node: at.left, isNegated: isUnderNot });
    else if (at.kind === 'not') pending.push({ node: at.operand, isNegated: !isUnderNot });
  }
}
