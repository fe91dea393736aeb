// Falco's comparison operators over extracted values, with its type semantics: numbers compare as
// numbers, booleans as true/false, IP addresses and networks by CIDR containment, byte operators take
// hex, glob and regex match the whole value, pmatch matches path prefixes by component.
// Pure. See https://falco.org/docs/concepts/rules/conditions/ and libsinsp's flt_compare.
import { compileFalcoRegex } from '../falco/condition/regex-posix.js';
import type { Scalar } from './event.js';

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

/** A compiled glob: whether it matches a whole value. */
export interface GlobMatcher {
  matches(value: string): boolean;
}

const globCache = new Map<string, GlobMatcher>();
/** A shell-style wildcard (*, ?, [...]) matching whole values. */
export function globMatcher(pattern: string, isCaseless = false): GlobMatcher {
  const key = isCaseless ? `i${pattern}` : pattern;
  const found = globCache.get(key) ?? compileGlob(pattern, isCaseless);
  globCache.set(key, found);
  return found;
}

/** A piece of a glob between two *s: a regular expression without quantifiers, and how many characters it takes. */
interface GlobPiece {
  source: string;
  length: number;
}

function compileGlob(pattern: string, isCaseless: boolean): GlobMatcher {
  // One regular expression with a .* per * would try every split of the value among the *s (`*a*a*a*a*b` on a
  // long value does not end). Each piece between *s takes a fixed number of characters, so the first must match at
  // the start, the last at the end, and each other one where it first occurs after the one before: no backtracking.
  const flags = isCaseless ? 'is' : 's';
  const compile = (p: GlobPiece) => ({ ...p, at: new RegExp(p.source, `${flags}y`), search: new RegExp(p.source, `${flags}g`) });
  const pieces = globPieces(pattern);
  const head = compile(pieces[0]!);
  if (pieces.length === 1) return { matches: (value) => value.length === head.length && matchesAt(head.at, value, 0) };
  const tail = compile(pieces[pieces.length - 1]!);
  // An empty piece (between two *s in a row) matches anywhere.
  // Stryker disable next-line MethodExpression,ConditionalExpression,EqualityOperator: an empty piece kept finds itself at `from`, which never passes the end of `before`, so it moves nothing: leaving them out only spares the search
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0).map(compile);
  return {
    matches(value) {
      const end = value.length - tail.length;
      if (end < head.length || !matchesAt(head.at, value, 0) || !matchesAt(tail.at, value, end)) return false;
      const before = value.slice(0, end);
      let from = head.length;
      for (const piece of middle) {
        piece.search.lastIndex = from;
        const found = piece.search.exec(before);
        if (!found) return false;
        from = found.index + piece.length;
      }
      return true;
    },
  };
}

function matchesAt(sticky: RegExp, value: string, at: number): boolean {
  sticky.lastIndex = at;
  return sticky.test(value);
}

/** The pieces of a glob between its *s (two *s in a row leave an empty one). */
function globPieces(pattern: string): GlobPiece[] {
  const pieces: GlobPiece[] = [{ source: '', length: 0 }];
  // Stryker disable next-line StringLiteral: lastIndexOf('') is the length, so the shortcut below applies less often; where it would have, indexOf finds no ] either
  const lastClose = pattern.lastIndexOf(']');
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const piece = pieces[pieces.length - 1]!;
    if (c === '*') {
      pieces.push({ source: '', length: 0 });
      continue;
    }
    piece.length++;
    if (c === '?') piece.source += '.';
    else if (c === '[') {
      // fnmatch: a ] right after [ or [! is one of the characters; in JavaScript it would close the class.
      const isNegated = pattern[i + 1] === '!';
      const first = i + (isNegated ? 2 : 1);
      // (Not searched for past the last ]: many unclosed [s would each scan the rest of the pattern.)
      // Stryker disable next-line ConditionalExpression,ArithmeticOperator: the test only spares a search that finds no ], so false and first - 1 give the same close (true, spared with them, is not: it reads every [ literally, and the tests kill it)
      const close = first + 1 > lastClose ? -1
        : pattern.indexOf(']', first + 1);
      if (close === -1) piece.source += '\\[';
      else {
        piece.source += `[${isNegated ? '^' : ''}${pattern.slice(first, close).replace(/[\\\]]/g, '\\$&')}]`;
        i = close;
      }
    } else piece.source += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return pieces;
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

function hexBytes(hex: string): Buffer | undefined {
  const clean = hex.replace(/\s/g, '');
  return /^([0-9a-fA-F]{2})*$/.test(clean) ? Buffer.from(clean, 'hex') : undefined;
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
      return text.includes(rhs);
    case 'icontains':
      return text.toLowerCase().includes(rhs.toLowerCase());
    case 'startswith':
      return text.startsWith(rhs);
    case 'endswith':
      return text.endsWith(rhs);
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
