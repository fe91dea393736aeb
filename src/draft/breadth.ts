// How broad a drafted rule of a source the benign corpus does not cover (k8s_audit, aws_cloudtrail, …) can be
// told from its condition alone: one that compares no field with a value (only `exists` tests, only negations)
// or is always true (`A or not A`) matches every event of its source. Syscall drafts are held to the event-type
// restriction and the benign corpus instead. Pure.
import type { ConditionNode } from '../falco/condition/ast.js';

/** Whether `node` narrows the events it matches: a comparison with a value, or a macro of the ruleset (trusted to
 * narrow); `and` narrows when a side does, `or` only when both do and one is not the other's negation; `not` and
 * `exists` alone narrow nothing. */
function narrows(node: ConditionNode): boolean {
  switch (node.kind) {
    case 'check':
      return node.operator !== 'exists' && node.value !== undefined;
    case 'macro':
      return true;
    case 'not':
      return false;
    case 'and':
      return narrows(node.left) || narrows(node.right);
    case 'or':
      return narrows(node.left) && narrows(node.right) && !isNegationOf(node.left, node.right) && !isNegationOf(node.right, node.left);
  }
}

/** `b` is `not a`, as written (positions aside). */
function isNegationOf(a: ConditionNode, b: ConditionNode): boolean {
  return b.kind === 'not' && sameShape(a, b.operand);
}

function sameShape(a: ConditionNode, b: ConditionNode): boolean {
  return JSON.stringify(a, withoutPositions) === JSON.stringify(b, withoutPositions);
}

const withoutPositions = (key: string, value: unknown): unknown => (key === 'pos' ? undefined : value);

/** Why a drafted condition of a plugin source is too broad, or undefined. */
export function breadthProblem(tree: ConditionNode): string | undefined {
  if (narrows(tree)) return undefined;
  return 'the condition compares no field with a value (only exists tests, negations, or a test or its negation), so it matches every event of its source; narrow it to the activity of the technique';
}
