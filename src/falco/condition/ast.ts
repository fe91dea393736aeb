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

/** A field as written without its transformers: proc.aname[1]. */
export function fieldWithArg(ref: Pick<FieldRef, 'name' | 'arg'>): string {
  return ref.arg === undefined ? ref.name : `${ref.name}[${ref.arg}]`;
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

/** A macro reference met by walkWithMacros. */
export interface MacroVisit<C> {
  ref: Extract<ConditionNode, { kind: 'macro' }>;
  /** Whether the reference sits under a `not` in the tree that holds it. */
  isNegated: boolean;
  /** The context of the tree that holds it. */
  context: C;
  /** The macros being walked into, outermost first (after the path walkWithMacros was given); read it only here. */
  path: readonly string[];
  /** Whether the macro is on the path: a cycle, which is never entered. */
  isOnPath: boolean;
}

/** Every node of `root` and of the macros `enter` gives trees for, depth first: a macro's nodes right after its
 * reference, each with the context of its tree and whether it sits under a `not` there. With a stack of its own:
 * macros nest as deep as a rules file makes them (20,000 ran out of the call stack). */
export function* walkWithMacros<C>(
  root: ConditionNode,
  context: C,
  enter: (visit: MacroVisit<C>) => { node: ConditionNode; context: C } | undefined,
  rootPath: readonly string[] = [],
): Generator<{ node: ConditionNode; isNegated: boolean; context: C }> {
  const path = [...rootPath];
  const onPath = new Set(path);
  const trees = [{ nodes: walk(root), context, isMacro: false }];
  while (trees.length > 0) {
    const tree = trees[trees.length - 1]!;
    const next = tree.nodes.next();
    if (next.done) {
      trees.pop();
      if (tree.isMacro) onPath.delete(path.pop()!);
      continue;
    }
    const { node, isNegated } = next.value;
    yield { node, isNegated, context: tree.context };
    if (node.kind !== 'macro') continue;
    const isOnPath = onPath.has(node.name);
    const inner = enter({ ref: node, isNegated, context: tree.context, path, isOnPath });
    if (!inner || isOnPath) continue;
    path.push(node.name);
    onPath.add(node.name);
    trees.push({ nodes: walk(inner.node), context: inner.context, isMacro: true });
  }
}
