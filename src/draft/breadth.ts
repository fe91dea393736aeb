// How broad a drafted rule of a source the benign corpus does not cover (k8s_audit, aws_cloudtrail, …) can be
// told from its condition alone: one that compares no field with a value (only `exists` tests, only negations)
// or is always true (`A or not A`) matches every event of its source. Syscall drafts are held to the event-type
// restriction and the benign corpus instead. Pure.
import type { ConditionNode } from '../falco/condition/ast.js';

/** Whether `node` narrows the events it matches: a comparison with a value (every operator but `exists` has one),
 * or a macro of the ruleset (trusted to narrow); `and` narrows when a side does, `or` only when both do; `not`
 * narrows nothing, so neither does `A or not B` (a test or its negation, `A or not A`, among them). */
function narrows(node: ConditionNode): boolean {
  switch (node.kind) {
    case 'check':
      return node.value !== undefined;
    case 'macro':
      return true;
    case 'not':
      return false;
    case 'and':
      return narrows(node.left) || narrows(node.right);
    case 'or':
      return narrows(node.left) && narrows(node.right);
  }
}

/** Why a drafted condition of a plugin source is too broad, or undefined. */
export function breadthProblem(tree: ConditionNode): string | undefined {
  if (narrows(tree)) return undefined;
  return 'the condition compares no field with a value (only exists tests, negations, or a test or its negation), so it matches every event of its source; narrow it to the activity of the technique';
}
