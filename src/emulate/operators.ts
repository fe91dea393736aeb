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
/** A glob as libsinsp's glob_match reads it, fnmatch(3) with flags 0 (or FNM_CASEFOLD for iglob): *, ?, bracket
 * expressions with POSIX classes ([[:lower:]]), a backslash escaping the next character; * and ? match / and a
 * leading dot too. Matching whole values. */
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

const NEVER: GlobMatcher = { matches: () => false };

/** globMatcher without its cache: each call compiles `pattern` anew. (Tests of how a pattern is read call this: a
 * cached matcher compiled earlier in the same process, under another mutant of this file, would answer for it.) */
export function compileGlob(pattern: string, isCaseless = false): GlobMatcher {
  // One regular expression with a .* per * would try every split of the value among the *s (`*a*a*a*a*b` on a
  // long value does not end). Each piece between *s takes a fixed number of characters, so the first must match at
  // the start, the last at the end, and each other one where it first occurs after the one before: no backtracking.
  const pieces = globPieces(pattern);
  // A pattern fnmatch never matches (a trailing backslash, an unknown class name).
  if (!pieces) return NEVER;
  const flags = isCaseless ? 'is' : 's';
  const compile = (p: GlobPiece) => ({ ...p, at: new RegExp(p.source, `${flags}y`), search: new RegExp(p.source, `${flags}g`) });
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

/** A character as a regular expression matches it literally, outside brackets or in them. */
const literal = (c: string): string => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** The POSIX classes of the C locale (glibc's fnmatch in the locale Falco runs in), as members of a bracket. (An iglob
 * matches them in either case, where glibc tests the character itself: [[:upper:]] takes a there.) */
const CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', digit: '0-9', graph: '!-~',
  lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: ' \\t\\n\\v\\f\\r', upper: 'A-Z', xdigit: '0-9A-Fa-f',
};

/** A class name in a bracket, after its "[:". */
const CLASS_NAME = /([a-y]*):\]/y;

/** A bracket expression read from its [ (glibc fnmatch_loop.c): a regular expression matching one character; 'open'
 * when the pattern ends inside it (the [ is then a character); 'never' when fnmatch matches nothing at all (a
 * trailing backslash, an unknown class, a range to the end of the pattern). */
function bracket(pattern: string, open: number): { source: string; end: number } | 'open' | 'never' {
  let i = open + 1;
  const isNegated = pattern[i] === '!' || pattern[i] === '^';
  if (isNegated) i++;
  let members = '';
  /** One character, escaped or written as a collating symbol [.c.]; where the pattern ends inside it, 'never'. */
  const character = (): string | 'never' => {
    if (pattern[i] === '\\') {
      i += 2;
      return i > pattern.length ? 'never' : pattern[i - 1]!;
    }
    if (pattern.startsWith('[.', i)) {
      const close = pattern.indexOf('.]', i + 2);
      // Without collation rules (the C locale) only a symbol of one character is known.
      if (close !== i + 3) return 'never';
      i = close + 2;
      return pattern[close - 1]!;
    }
    return pattern[i++]!;
  };
  for (let isFirst = true; ; isFirst = false) {
    if (i >= pattern.length) return 'open';
    // A ] first (after [ or [!) is a member; any other closes the bracket.
    if (pattern[i] === ']' && !isFirst) return { source: `[${isNegated ? '^' : ''}${members}]`, end: i };
    if (pattern.startsWith('[:', i)) {
      CLASS_NAME.lastIndex = i + 2;
      const name = CLASS_NAME.exec(pattern);
      if (name) {
        const classMembers = CLASSES[name[1]!];
        if (classMembers === undefined) return 'never';
        members += classMembers;
        i = CLASS_NAME.lastIndex;
        continue;
      }
      // Not a class name (glibc reads one of the letters a to y): the [ is a member.
    } else if (pattern.startsWith('[=', i) && pattern.startsWith('=]', i + 3)) {
      // An equivalence class of one character: that character (the C locale has no others).
      members += literal(pattern[i + 2]!);
      i += 5;
      continue;
    }
    const low = character();
    if (low === 'never') return 'never';
    if (pattern[i] === '-' && pattern[i + 1] !== ']') {
      i++;
      // (A range to the end of the pattern: no end, and fnmatch matches nothing.)
      const high = character();
      if (high === 'never' || high === undefined) return 'never';
      // A range whose end comes before its start matches nothing.
      if (low <= high) members += `${literal(low)}-${literal(high)}`;
    } else members += literal(low);
  }
}

/** The pieces of a glob between its *s (two *s in a row leave an empty one); undefined when it matches nothing. */
function globPieces(pattern: string): GlobPiece[] | undefined {
  const pieces: GlobPiece[] = [{ source: '', length: 0 }];
  // Stryker disable next-line StringLiteral: lastIndexOf('') is the length, so the shortcut below applies less often; where it would have, the bracket is read to the end and found open
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
    else if (c === '\\') {
      // A trailing backslash matches nothing ("Trailing \ loses").
      if (++i === pattern.length) return undefined;
      piece.source += literal(pattern[i]!);
    } else if (c === '[') {
      // (Not read past the last ]: many unclosed [s would each read the rest of the pattern.)
      const read = lastClose > i ? bracket(pattern, i) : 'open';
      if (read === 'never') return undefined;
      if (read === 'open') piece.source += '\\[';
      else {
        piece.source += read.source;
        i = read.end;
      }
    } else piece.source += literal(c);
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
