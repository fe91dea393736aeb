// Which operators Falco accepts on which field types (libsinsp filter_compare.cpp flt_is_comparable): a check
// with another operator is a load error ("'contains' operator not supported for numeric filters"); and the
// numbers the ordering operators need. Pure.
// Strings and byte buffers are not checked here.
import { isIPv4, isIPv6 } from 'node:net';
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

const INTEGER = /^U?INT(?:8|16|32|64)$/i;

/** A value without the quotes a list item may carry as Falco pastes it (`"22"` → `22`). */
export function unquoted(text: string): string {
  return /^(["']).*\1$/s.test(text) ? text.slice(1, -1) : text;
}

/** libsinsp's PT_IPADDR: with a dot an IPv4 address (inet_pton), else IPv6. */
function isIpAddress(text: string): boolean {
  return text.includes('.') ? isIPv4(text) : isIPv6(text);
}

/** A whole decimal number as sscanf's %d and %u read it (leading blanks and a sign taken, nothing after it). */
const DECIMAL = /^\s*[+-]?\d+$/;

/** libsinsp's PT_IPNET: an address and a prefix length (IPv4 up to 32, IPv6 up to 128). */
function isIpNetwork(text: string): boolean {
  const parts = text.split('/');
  if (parts.length !== 2 || !DECIMAL.test(parts[1]!)) return false;
  const [address, prefix] = [parts[0]!, Number(parts[1])];
  return address.includes('.') ? isIPv4(address) && prefix >= 0 && prefix <= 32 : isIPv6(address) && prefix >= 0 && prefix <= 128;
}

/**
 * Falco's refusal of `value` for a field of catalogue type `type`: libsinsp reads a value by the field's type
 * (value_parser.cpp string_to_rawval) and refuses the rule when it cannot: integers as sscanf reads a whole
 * decimal number ("abc is not a valid number"), booleans as exactly true or false, IP addresses (or networks) and
 * networks.
 * Not checked: ports (a service name from the host's /etc/services is taken too), times and doubles, strings, and
 * a field with a transformer.
 */
export function valueTypeProblem(type: string, ref: Pick<FieldRef, 'name' | 'transformers'>, value: string): string | undefined {
  if (ref.transformers.length > 0) return undefined;
  const shown = JSON.stringify(value);
  if (INTEGER.test(type)) return DECIMAL.test(value) ? undefined : `${ref.name} holds a whole number (${type}), not ${shown} (Falco: ${value} is not a valid number)`;
  if (/^bool$/i.test(type)) return value === 'true' || value === 'false' ? undefined : `${ref.name} is true or false, not ${shown} (Falco: unrecognized boolean value ${value})`;
  // A network on an address field is let through: whether Falco 0.44 takes `fd.sip in (10.0.0.0/8)` is not settled
  // here (the value parser read refuses it; the emulator matches it as a network).
  if (/^IPADDR$/i.test(type)) return isIpAddress(value) || isIpNetwork(value) ? undefined : `${ref.name} holds an IP address, not ${shown} (Falco: unrecognized IPv${value.includes('.') ? 4 : 6} address ${value})`;
  if (/^IPNET$/i.test(type)) return isIpNetwork(value) ? undefined : `${ref.name} holds a network (address/prefix, 10.0.0.0/8), not ${shown} (Falco: unrecognized IP network ${value})`;
  return undefined;
}
