// Which operators Falco accepts on which field types (libsinsp filter_compare.cpp flt_is_comparable): a check
// with another operator is a load error ("'contains' operator not supported for numeric filters"); the types the
// transformers take (sinsp_filter_transformer.cpp); a field on the right (val()) against the left one's type
// (sinsp_filter_check::add_filter_value); the hex bcontains and bstartswith take (sinsp_utils::unhex); and the
// numbers the ordering operators need. Pure.
import { isIPv4, isIPv6 } from 'node:net';
import { fieldWithArg, type FieldRef, type Operand } from './ast.js';

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
  // flt_is_comparable_string: not bcontains or bstartswith, which take bytes.
  string: { operators: ['=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'in', 'exists', 'icontains', 'startswith', 'glob', 'pmatch', 'endswith', 'intersects', 'iglob', 'regex'], what: 'for string filters' },
  buffer: { operators: ['=', '==', '!=', 'contains', 'in', 'exists', 'startswith', 'endswith', 'intersects', 'bcontains', 'bstartswith'], what: 'for buffer filters' },
  list: { operators: ['in', 'intersects', 'exists'], what: 'list filters' },
};

/** A field's type as libsinsp names it (param_type_to_string), and whether the field is a list (EPF_IS_LIST). */
export interface FalcoType {
  type: string;
  isList: boolean;
}

/** The types libsinsp handles as text (flt_is_comparable_string; what tolower, toupper and basename take). */
const TEXT_TYPES = new Set(['CHARBUF', 'FSPATH', 'FSRELPATH']);

/** The libsinsp type of a catalogue type: the plugin tables' lower-case names (`string` is CHARBUF, `uint64`),
 * `LIST(CHARBUF)` and `string (list)` for lists; undefined for evt.rawarg's DYNAMIC, which each event's parameter decides. */
export function falcoType(catalogType: string): FalcoType | undefined {
  const list = /^LIST\((.*)\)$/i.exec(catalogType) ?? /^(.*) \(list\)$/i.exec(catalogType);
  const base = (list ? list[1]! : catalogType).toUpperCase();
  if (base === 'DYNAMIC') return undefined;
  return { type: base === 'STRING' ? 'CHARBUF' : base, isList: list !== null };
}

/** What each transformer takes and gives (transform_type); undefined where it refuses the type. tolower, toupper,
 * basename and b64 do not look at the list flag: of a list field they transform each item. */
type Transform = { takes: string; to: (t: FalcoType) => FalcoType | undefined };
const TEXT_TO_TEXT: Transform = { takes: 'text', to: (t) => (TEXT_TYPES.has(t.type) ? t : undefined) };
const TRANSFORMS: Record<string, Transform> = {
  tolower: TEXT_TO_TEXT,
  toupper: TEXT_TO_TEXT,
  basename: TEXT_TO_TEXT,
  b64: { takes: 'text or a buffer', to: (t) => (t.type === 'CHARBUF' || t.type === 'BYTEBUF' ? t : undefined) },
  len: { takes: 'text, a buffer or a list', to: (t) => (t.isList || TEXT_TYPES.has(t.type) || t.type === 'BYTEBUF' ? { type: 'UINT64', isList: false } : undefined) },
};

const shownType = (t: FalcoType): string => `${t.type}${t.isList ? ' (list)' : ''}`;

/** A field reference as written: tolower(proc.aname[1]). */
export function shownField(ref: Pick<FieldRef, 'name' | 'arg' | 'transformers'>): string {
  return ref.transformers.reduceRight((inner, t) => `${t}(${inner})`, fieldWithArg(ref));
}

/**
 * The type of `ref` once its transformers apply, innermost first, as libsinsp's add_transformer types it, or Falco's
 * refusal of the first transformer that does not take the type it is given ("can't add field transformer: type
 * 'INT64' is not supported by 'len' transformer"); undefined for a DYNAMIC field. val() is no transformer.
 */
export function transformedType(catalogType: string, ref: Pick<FieldRef, 'name' | 'arg' | 'transformers'>): FalcoType | { problem: string } | undefined {
  let type = falcoType(catalogType);
  let shown = fieldWithArg(ref);
  for (const name of [...ref.transformers].reverse()) {
    const transform = TRANSFORMS[name];
    if (!type || !transform) continue;
    const to = transform.to(type);
    if (!to) {
      const falco = `can't add field transformer: type '${type.type}' is not supported by '${name}' transformer applied on ${type.isList ? 'list ' : ''}field '${ref.name}'`;
      return { problem: `${name}() takes ${transform.takes}, not ${shown} (${shownType(type)}) (Falco: ${falco})` };
    }
    type = to;
    shown = `${name}(${shown})`;
  }
  return type;
}

/** Falco's refusal of a transformer of `ref` (a field of catalogue type `type`), if it refuses one. */
export function transformerProblem(type: string, ref: Pick<FieldRef, 'name' | 'arg' | 'transformers'>): string | undefined {
  const transformed = transformedType(type, ref);
  return transformed && 'problem' in transformed ? transformed.problem : undefined;
}

function kindOf(t: FalcoType): string | undefined {
  if (t.isList) return 'list';
  if (NUMERIC.test(t.type)) return 'numeric';
  if (t.type === 'BOOL') return 'bool';
  if (IP.test(t.type)) return 'ip';
  if (TEXT_TYPES.has(t.type)) return 'string';
  return t.type === 'BYTEBUF' ? 'buffer' : undefined;
}

/** Falco's refusal of `operator` on a field of catalogue type `type` (with the ref's transformers), if it refuses it:
 * the operator is checked against the type the transformers give (check_op_type_compatibility); a transformer Falco
 * refuses is transformerProblem's to say. */
export function operatorTypeProblem(operator: string, type: string, ref: Pick<FieldRef, 'name' | 'arg' | 'transformers'>): string | undefined {
  const transformed = transformedType(type, ref);
  if (!transformed || 'problem' in transformed) return undefined;
  const kind = kindOf(transformed);
  if (!kind || ALLOWED[kind]!.operators.includes(operator)) return undefined;
  const outer = ref.transformers.find((t) => t !== 'val');
  const what = outer === 'len' ? 'a length' : outer ? shownType(transformed) : type;
  return `'${operator}' operator not supported ${ALLOWED[kind]!.what} (${ref.name} is ${what})`;
}

/** A field reference with its catalogue type, when the catalogue knows the field. */
export interface TypedRef {
  type: string | undefined;
  ref: Pick<FieldRef, 'name' | 'arg' | 'transformers'>;
}

/** libsinsp's name of an operator in "operator 'PMATCH' …" (std::to_string of its cmpop). */
const CMPOP_NAMES: Record<string, string> = { pmatch: 'PMATCH', regex: 'REGEX' };

/**
 * Falco's refusal of a field on the right of `operator` (val(proc.ppid), tolower(proc.pname)) as add_filter_value
 * checks it: pmatch and regex take none, a network field on the left takes none, and the two fields, transformers
 * applied, must have one type and both be lists or neither (check_rhs_field_type_consistency). Types attack-cov's
 * catalogue does not tell apart (FSPATH is listed as CHARBUF) are taken as one.
 */
export function fieldValueProblem(operator: string, left: TypedRef, right: TypedRef): string | undefined {
  if (CMPOP_NAMES[operator]) return `${operator} compares with values, not with a field (${shownField(right.ref)}) (Falco: operator '${CMPOP_NAMES[operator]}' doesn't support right-hand side fields)`;
  const lhs = left.type === undefined ? undefined : transformedType(left.type, left.ref);
  if (!lhs || 'problem' in lhs) return undefined;
  if (/^IP(?:V[46])?NET$/.test(lhs.type)) return `${left.ref.name} is a network, which compares with values, not with a field (${shownField(right.ref)}) (Falco: field type 'IPNET' doesn't support right-hand side fields)`;
  const rhs = right.type === undefined ? undefined : transformedType(right.type, right.ref);
  if (!rhs || 'problem' in rhs || (rhs.type === lhs.type && rhs.isList === lhs.isList)) return undefined;
  const falco = `field '${left.ref.name}' has type '${shownType(lhs)}' while the right-hand side field '${right.ref.name}' has incompatible type '${shownType(rhs)}'`;
  return `${shownField(left.ref)} (${shownType(lhs)}) and ${shownField(right.ref)} (${shownType(rhs)}) are not of one type (Falco: ${falco})`;
}

/** Falco's refusal of a bcontains or bstartswith value: hex digits only, two per byte (sinsp_utils::unhex: no blanks,
 * no 0x). */
export function hexValueProblem(operator: string, value: string): string | undefined {
  if ((operator !== 'bcontains' && operator !== 'bstartswith') || (value.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(value))) return undefined;
  return `${operator} takes hex digits, two per byte (7368 for "sh"), not ${JSON.stringify(value)} (Falco: bcontains and bstartswith operator support hex strings only)`;
}

/** The fields Falco's event code search reads a syscall rule's event types from (ppm_codes.cpp field_expr;
 * syscall.type since libs 0.21.0). */
export const EVENT_TYPE_FIELDS = new Set(['evt.type', 'syscall.type']);
/** The operators of the checks it reads them from (is_evttype_operator, and exists). */
export const EVENT_TYPE_OPERATORS = new Set(['=', '==', '!=', 'in', 'exists']);
const NO_TRANSFORMER = 'event code search does not support `evt.type` checks with transformers';

/** Falco's refusal of an evt.type or syscall.type check of a syscall rule, which it reads the rule's event types from
 * (ppm_codes.cpp, for =, ==, !=, in and exists): a transformer on the field, or a field on the right. */
export function eventTypeCheckProblem(ref: Pick<FieldRef, 'name' | 'arg' | 'transformers'>, operator: string, value: Operand | undefined): string | undefined {
  if (!EVENT_TYPE_FIELDS.has(ref.name) || ref.arg !== undefined || !EVENT_TYPE_OPERATORS.has(operator)) return undefined;
  const why = `Falco reads the event types a syscall rule needs from its ${ref.name} checks`;
  if (ref.transformers.length > 0) return `${ref.transformers[0]}(${ref.name}): ${why}, which take no transformer (Falco: ${NO_TRANSFORMER})`;
  if (value?.kind !== 'field') return undefined;
  // A field on the right always stands in val() or another transformer: evt.type there is one with a transformer.
  const inner = value.field;
  const falco = EVENT_TYPE_FIELDS.has(inner.name) && inner.arg === undefined ? NO_TRANSFORMER : 'right-hand field comparisons on `evt.type`/`syscall.type` checks are not supported by event code search';
  return `${ref.name} compared with a field (${shownField(inner)}): ${why}, which take event names (Falco: ${falco})`;
}

const INTEGER = /^U?INT(?:8|16|32|64)$/i;

/** A value without the quotes a list item may carry as Falco pastes it (`"22"` → `22`). */
export function unquoted(text: string): string {
  return /^(["']).*\1$/s.test(text) ? text.slice(1, -1) : text;
}

/** An IPv6 address as inet_pton(AF_INET6) reads it: node's isIPv6 also takes a zone (fe80::1%eth0), inet_pton not. */
function isIpv6Address(text: string): boolean {
  return isIPv6(text) && !text.includes('%');
}

/** libsinsp's PT_IPADDR: with a dot an IPv4 address (inet_pton), else IPv6. */
function isIpAddress(text: string): boolean {
  return text.includes('.') ? isIPv4(text) : isIpv6Address(text);
}

/** A whole decimal number as sscanf's %d and %u read it (leading blanks and a sign taken, nothing after it). */
// sscanf skips white space as isspace() has it in the C locale (Falco never sets another): ASCII only, where \s also
// takes U+00A0, U+2000–U+200A, U+FEFF …, which sscanf reads as the first character of no number.
const DECIMAL = /^[ \t\n\v\f\r]*[+-]?\d+$/;
const ULONG_MAX = 2n ** 64n - 1n;

/** A prefix length as libsinsp reads it (sinsp_numparser::parseu8): sscanf "%u", whose strtoul takes a sign and
 * clamps past 64 bits, the number cast to 8 bits, so /288 is /32 and /-1 is /255; undefined where sscanf fails. */
function prefixLength(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  // Stryker disable next-line MethodExpression: BigInt() skips leading white space itself (StrWhiteSpace, which holds the ASCII white space DECIMAL lets before the digits), and DECIMAL lets none through after them
  const n = BigInt(text.trim());
  const magnitude = n < 0n ? -n : n;
  const unsigned = magnitude > ULONG_MAX ? ULONG_MAX : n < 0n ? ULONG_MAX + 1n - magnitude : n;
  return Number(unsigned % 256n);
}

/**
 * libsinsp's refusal of a network (PT_IPNET), in its words: with a dot anywhere an IPv4 network (string_to_rawval,
 * PT_IPV4NET: a prefix up to 32), else an IPv6 one (tuples.cpp, ipv6net's constructor: a prefix from 1 to 128, so
 * `::/0` is refused); the address before the first "/", the prefix all after it.
 */
function ipNetworkProblem(text: string): string | undefined {
  const isV4 = text.includes('.');
  const slash = text.indexOf('/');
  if (slash === -1) return isV4 ? `unrecognized IP network ${text}` : `invalid v6 netmask: ${text}`;
  const [address, mask] = [text.slice(0, slash), text.slice(slash + 1)];
  if (isV4 ? !isIPv4(address) : !isIpv6Address(address)) return `unrecognized IP${isV4 ? '' : 'v6'} address ${text}`;
  const prefix = prefixLength(mask);
  if (prefix === undefined) return `${mask} is not a valid number`;
  if (isV4 ? prefix > 32 : prefix === 0 || prefix > 128) return `invalid ${isV4 ? '' : 'v6 '}netmask ${mask}`;
  return undefined;
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
  if (/^IPADDR$/i.test(type)) return isIpAddress(value) || !ipNetworkProblem(value) ? undefined : `${ref.name} holds an IP address, not ${shown} (Falco: unrecognized IPv${value.includes('.') ? 4 : 6} address ${value})`;
  const networkProblem = /^IPNET$/i.test(type) ? ipNetworkProblem(value) : undefined;
  if (networkProblem) return `${ref.name} holds a network (address/prefix, 10.0.0.0/8), not ${shown} (Falco: ${networkProblem})`;
  return undefined;
}
