// Falco's comparison operators over extracted values, with its type semantics: numbers compare as
// numbers, booleans as true/false, IP addresses and networks by CIDR containment, byte operators take
// hex, glob and regex match the whole value, pmatch matches path prefixes by component.
// Pure. See https://falco.org/docs/concepts/rules/conditions/ and libsinsp's flt_compare.
import { compileFalcoRegex } from '../falco/condition/regex-posix.js';
import type { Scalar } from './event.js';
import { globMatcher, untilNul } from './glob.js';

/** How values of a field compare. */
export type ValueType = 'string' | 'number' | 'bool' | 'ip' | 'net';

const NUMERIC = /^(U?INT\d+|PORT|RELTIME|ABSTIME|DOUBLE|ERRNO|FD|PID|UID|GID|MODE|FLAGS\d*|SYSCALLID)$/i;

/** The comparison type of a field from its catalogue type (data/falco-fields.json). */
export function valueTypeOf(catalogType: string | undefined): ValueType {
  if (!catalogType) return 'string';
  if (NUMERIC.test(catalogType)) return 'number';
  if (/^bool$/i.test(catalogType)) return 'bool';
  if (/^IPADDR$/i.test(catalogType)) return 'ip';
  if (/^IPNET$/i.test(catalogType)) return 'net';
  return 'string';
}

export function isListType(catalogType: string | undefined): boolean {
  // "LIST(CHARBUF)" and "string (list)" both occur in the catalogue.
  return catalogType?.toLowerCase().includes('list') ?? false;
}

function ipv4ToNumber(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** Whether an IP address lies in a network given as CIDR, or equals an address given without a mask. */
export function ipMatches(address: string, network: string): boolean {
  const [base, bitsText] = network.split('/');
  const ip = ipv4ToNumber(address);
  const net = ipv4ToNumber(base!);
  if (ip === undefined || net === undefined) return address.toLowerCase() === network.toLowerCase();
  // A mask is 0 to 32 written in digits: "10.0.0.0/" is no network (Number('') would make it /0, every address).
  if (bitsText !== undefined && !/^\d{1,2}$/.test(bitsText)) return false;
  const bits = Number(bitsText ?? 32);
  if (bits > 32) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((ip & mask) >>> 0) === ((net & mask) >>> 0);
}

/** pmatch: some path is a prefix of value, component by component (globs allowed in the paths since Falco 0.36). */
export function pathPrefixMatches(value: string, prefixes: string[]): boolean {
  const parts = value.split('/').filter(Boolean);
  return prefixes.some((prefix) => {
    const wanted = prefix.split('/').filter(Boolean);
    if (wanted.length > parts.length) return false;
    return wanted.every((w, i) => (/[*?[]/.test(w) ? globMatcher(w).matches(parts[i]!) : w === parts[i]));
  });
}

/** The bytes of a bcontains or bstartswith value as sinsp_utils::unhex reads it: hex digits only, two per byte (no
 * blanks; Falco refuses any other value). */
function hexBytes(hex: string): Buffer | undefined {
  return /^(?:[0-9a-fA-F]{2})*$/.test(hex) ? Buffer.from(hex, 'hex') : undefined;
}

function asBool(value: Scalar | string): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : undefined;
}

function equals(value: Scalar, rhs: string, type: ValueType): boolean {
  if (type === 'number') return Number(value) === Number(rhs) && rhs.trim() !== '';
  if (type === 'bool') return asBool(value) === asBool(rhs);
  if (type === 'ip' || type === 'net') return ipMatches(String(value), rhs);
  return String(value) === rhs;
}

function ordered(value: Scalar, rhs: string, type: ValueType): number | undefined {
  if (type === 'number' || typeof value === 'number') {
    const r = Number(rhs);
    return Number.isNaN(r) || rhs.trim() === '' ? undefined : Number(value) - r;
  }
  const text = String(value);
  return text < rhs ? -1 : text > rhs ? 1 : 0;
}

/** A–Z lowered and nothing else: strcasestr folds case with tolower in the C locale (Falco never sets another), so
 * É and é, or the Kelvin sign and k, are different bytes to it. */
function asciiLower(text: string): string {
  // Stryker disable next-line Regex: a run of capitals at a time or one at a time, the same letters are lowered
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** One scalar operator applied to one extracted value. */
export function compareScalar(operator: string, value: Scalar, rhs: string, type: ValueType): boolean {
  const text = String(value);
  switch (operator) {
    case '=':
    case '==':
      return equals(value, rhs, type);
    case '!=':
      return !equals(value, rhs, type);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const d = ordered(value, rhs, type);
      if (d === undefined) return false;
      return operator === '<' ? d < 0 : operator === '<=' ? d <= 0 : operator === '>' ? d > 0 : d >= 0;
    }
    case 'contains':
      return untilNul(text).includes(untilNul(rhs));
    case 'icontains':
      return asciiLower(untilNul(text)).includes(asciiLower(untilNul(rhs)));
    case 'startswith':
      return untilNul(text).startsWith(untilNul(rhs));
    case 'endswith':
      return untilNul(text).endsWith(untilNul(rhs));
    case 'bcontains':
    case 'bstartswith': {
      const bytes = hexBytes(rhs);
      if (!bytes) return false;
      const have = Buffer.from(text, 'utf8');
      return operator === 'bcontains' ? have.includes(bytes) : have.subarray(0, bytes.length).equals(bytes);
    }
    case 'glob':
      return globMatcher(rhs).matches(text);
    case 'iglob':
      return globMatcher(rhs, true).matches(text);
    case 'regex': {
      // A pattern Falco refuses matches nothing (the evaluator does not run such a rule).
      const regex = compileFalcoRegex(rhs);
      return typeof regex !== 'string' && regex.matches(text);
    }
    default:
      return false;
  }
}

/** `in`, `intersects` and `pmatch` against a set of values; `isList` for list fields (in = every value in the set). */
export function compareSet(operator: string, values: Scalar[], items: string[], type: ValueType, isList: boolean): boolean {
  if (operator === 'pmatch') return values.some((v) => pathPrefixMatches(String(v), items));
  const inSet = (v: Scalar): boolean => items.some((item) => equals(v, item, type));
  if (operator === 'intersects') return values.some(inSet);
  return isList ? values.length > 0 && values.every(inSet) : values.some(inSet);
}
