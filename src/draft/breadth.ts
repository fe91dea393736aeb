// How broad a drafted rule of a source the benign corpus does not cover (k8s_audit, aws_cloudtrail, …) can be
// told from its condition alone: one with no positive test that narrows (only `exists` tests, negative tests such
// as `!=` or `not … in`, tests every value passes such as `contains ""` or `glob "*"`) or that is always true
// (`A or not A`) matches every event of its source. Syscall drafts are held to the event-type restriction and the
// benign corpus instead. Pure.
import type { ConditionNode, FieldRef, Operand } from '../falco/condition/ast.js';

/** Operators that every value passes with an empty string on the right: every string contains, starts and ends
 * with "" (case folded or not), and every byte string holds the empty one. */
const PASSED_BY_EMPTY = new Set(['contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith']);

/** Operators a value always passes against itself (`ka.verb = val(ka.verb)`). */
const REFLEXIVE = new Set(['=', '==', '<=', '>=', 'contains', 'icontains', 'startswith', 'endswith']);

/** `field` as written on the right of a comparison with `val(…)` around it, against the left side. */
function isSameField(left: FieldRef, right: FieldRef): boolean {
  const inner = right.transformers[0] === 'val' ? right.transformers.slice(1) : right.transformers;
  return left.name === right.name && left.arg === right.arg && inner.join() === left.transformers.join();
}

/** A glob every non-empty value passes: `*`s, with at most one `?` among them (`?*`: one character, then any); with a
 * `*` (a lone `?` is one character). */
const GLOB_OF_ANY = /^\**\??\**$/;
/** A regular expression every value on one line passes: `.*` or `.+`, anchored or not, in a group or not (`^(.*)$`). */
const REGEX_OF_ANY = /^\^?\(?\.[*+]\)?\$?$/;

/** Whether a comparison matches (nearly) every event that has the field, and so narrows nothing: a negative test
 * (`!=`: every value but one), "" after contains/startswith/endswith (and their case-folded and byte forms), a glob
 * of only `*` and at most one `?` (matches any string, or any but the empty one, `/` included: Falco's glob is fnmatch
 * without FNM_PATHNAME), a regex of only `.*` or `.+` (every value but one with a line break, or an empty one), pmatch
 * with a path of no components (`/`: every path is under it), or the field compared with itself. What a value cannot
 * tell for certain (`in` a list that happens to hold every value, `>= 0`, which depends on the field's type) counts as
 * narrowing. (QA: `regex ".*"` and `glob "?*"` passed for k8s_audit.) */
function passesEveryValue(operator: string, field: FieldRef, value: Operand): boolean {
  if (operator === '!=') return true;
  if (value.kind === 'field') return REFLEXIVE.has(operator) && isSameField(field, value.field);
  if (value.kind === 'list') return operator === 'pmatch' && value.items.some((item) => item.text.split('/').every((part) => part === ''));
  if (PASSED_BY_EMPTY.has(operator)) return value.text === '';
  if (operator === 'glob' || operator === 'iglob') return value.text.includes('*') && GLOB_OF_ANY.test(value.text);
  if (operator === 'regex') return REGEX_OF_ANY.test(value.text);
  return false;
}

/** Whether `node` narrows the events it matches: a positive comparison with a value that not every value passes
 * (every operator but `exists` has one), or a macro of the ruleset (trusted to narrow); `and` narrows when a side
 * does, `or` only when both do; `not` narrows nothing, so neither does `A or not B` (a test or its negation,
 * `A or not A`, among them), nor a negative test (`!=`) alone. */
function narrows(node: ConditionNode): boolean {
  switch (node.kind) {
    case 'check':
      return node.value !== undefined && !passesEveryValue(node.operator, node.field, node.value);
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
  return 'the condition has no positive test that narrows the events (only exists tests, negative tests such as != or not … in, tests every value passes such as contains "", glob "*" or regex ".*", or a test or its negation), so it matches every event of its source; narrow it with a test of the activity of the technique (=, in, contains "…")';
}
