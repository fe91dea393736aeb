// Which operators Falco accepts on which field types (libsinsp filter_compare.cpp flt_is_comparable): a check
// with another operator is a load error ("'contains' operator not supported for numeric filters"); and the
// numbers the ordering operators need. Pure.
// Strings and byte buffers are not checked here.
import type { FieldRef, Operand } from './ast.js';

/** What the ordering operators take (libsinsp parse_num_value_or_transformer: RGX_HEXNUM or RGX_NUMBER, unquoted). */
const NUMBER_VALUE = /^(?:0[xX][0-9a-fA-F]+|[+-]?[0-9]+\.?[0-9]*(?:[eE][+-][0-9]+)?)$/;
const ORDERING_OPERATORS = new Set(['<', '<=', '>', '>=']);

/** Falco's parse error for a value an ordering operator does not take (a string, a quoted number). */
export function orderingValueProblem(operator: string, value: Operand | undefined): string | undefined {
  if (!ORDERING_OPERATORS.has(operator) || value?.kind !== 'value' || (!value.isQuoted && NUMBER_VALUE.test(value.text))) return undefined;
  return `"${operator}" takes a number, not ${value.isQuoted ? JSON.stringify(value.text) : value.text} (Falco: expected a number value)`;
}

const NUMERIC = /^(?:U?INT(?:8|16|32|64)|ERRNO|FD|PID|SYSCALLID|SIGTYPE|RELTIME|ABSTIME|PORT|(?:ENUM)?FLAGS(?:8|16|32)|DOUBLE|MODE)$/i;
const IP = /^IP(?:V[46])?(?:ADDR|NET)$/i;

const ALLOWED: Record<string, { operators: string[]; what: string }> = {
  numeric: { operators: ['=', '==', '!=', '<', '<=', '>', '>=', 'in', 'intersects', 'exists'], what: 'for numeric filters' },
  bool: { operators: ['=', '==', '!=', 'in', 'intersects', 'exists'], what: 'for numeric filters' },
  ip: { operators: ['=', '==', '!=', 'in', 'intersects', 'exists'], what: 'for ip address and network filters' },
  list: { operators: ['in', 'intersects', 'exists'], what: 'list filters' },
};

function kindOf(type: string, transformers: string[]): string | undefined {
  // len() gives a number; the other transformers give text (of each item, for a list field).
  if (transformers[0] === 'len') return 'numeric';
  if (type.toLowerCase().includes('list')) return 'list';
  if (transformers.length > 0) return undefined;
  if (NUMERIC.test(type)) return 'numeric';
  if (/^bool$/i.test(type)) return 'bool';
  return IP.test(type) ? 'ip' : undefined;
}

/** Falco's refusal of `operator` on a field of catalogue type `type` (with the ref's transformers), if it refuses it. */
export function operatorTypeProblem(operator: string, type: string, ref: Pick<FieldRef, 'name' | 'transformers'>): string | undefined {
  const kind = kindOf(type, ref.transformers);
  if (!kind || ALLOWED[kind]!.operators.includes(operator)) return undefined;
  return `'${operator}' operator not supported ${ALLOWED[kind]!.what} (${ref.name} is ${ref.transformers[0] === 'len' ? 'a length' : type})`;
}
