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
/** A glob as libsinsp's glob_match reads it: glibc's fnmatch(3) with flags 0 (FNM_CASEFOLD for iglob), in the C locale
 * Falco runs in (it never calls setlocale): *, ?, bracket expressions with POSIX classes ([[:lower:]]), a backslash
 * escaping the next character; * and ? match / and a leading dot too. Matching whole values, byte by byte of their
 * UTF-8 (? takes one byte of é) up to a NUL, and folding ASCII letters only. */
export function globMatcher(pattern: string, isCaseless = false): GlobMatcher {
  const key = isCaseless ? `i${pattern}` : pattern;
  const found = globCache.get(key) ?? compileGlob(pattern, isCaseless);
  globCache.set(key, found);
  return found;
}

/** A glob as fnmatch reads it. */
interface Glob {
  /** The pattern's bytes, one character each (latin1 of its UTF-8). */
  bytes: string;
  /** glibc's FOLD: under FNM_CASEFOLD, tolower of the C locale (A to Z only); else the byte itself. */
  fold: (byte: string) => string;
  /** Each bracket expression read so far, by the index of its [: per byte, where the pattern goes on after it took the
   * byte, or -1. */
  brackets: Map<number, Int32Array>;
  /** The members' walks read so far, by the index of a member: per byte (by code), how the walk from it ends. */
  walks: Map<number, Walk[]>;
  /** The skips read so far, by an index they passed: how the skip from there ends. */
  skips: Map<number, Skip>;
}

/** A piece of a glob between two *s: a regular expression of byte classes, and how many bytes it takes. */
interface GlobPiece {
  source: string;
  length: number;
}

const NEVER: GlobMatcher = { matches: () => false };

/** glibc's CHAR_CLASS_MAX_LENGTH (CHARCLASS_NAME_MAX): a class name this long fails the pattern. */
const CHAR_CLASS_MAX_LENGTH = 2048;

/** globMatcher without its cache: each call compiles `pattern` anew. (Tests of how a pattern is read call this: a
 * cached matcher compiled earlier in the same process, under another mutant of this file, would answer for it.) */
export function compileGlob(pattern: string, isCaseless = false): GlobMatcher {
  const fold = isCaseless ? (byte: string) => (byte >= 'A' && byte <= 'Z' ? byte.toLowerCase() : byte) : (byte: string) => byte;
  const glob: Glob = { bytes: cString(pattern), fold, brackets: new Map(), walks: new Map(), skips: new Map() };
  const pieces = globPieces(glob);
  if (pieces === 'never') return NEVER;
  // A bracket that goes on at different places for different bytes: glibc's own matching, step by step.
  if (!pieces) return { matches: (value) => fnmatchBytes(glob, cString(value)) };
  return piecesMatcher(pieces);
}

/** The bytes fnmatch sees of a string: its UTF-8, one character per byte, up to a NUL (libsinsp passes C strings). */
function cString(text: string): string {
  // Stryker disable next-line ConditionalExpression: converting an ASCII string without a NUL leaves it as it is; this only spares the conversion
  if (!/[\0\u0080-\uffff]/.test(text)) return text;
  const nul = text.indexOf('\0');
  return Buffer.from(nul < 0 ? text : text.slice(0, nul), 'utf8').toString('latin1');
}

/** Pieces between *s matched in turn. One regular expression with a .* per * would try every split of the value among
 * the *s (`*a*a*a*a*b` on a long value does not end). Each piece takes a fixed number of bytes, so the first must match
 * at the start, the last at the end, and each other one where it first occurs after the one before: what glibc's FCT
 * does at a * (it keeps the first place the text up to the next * fits), without backtracking. */
function piecesMatcher(pieces: GlobPiece[]): GlobMatcher {
  const compile = (p: GlobPiece) => ({ ...p, at: new RegExp(p.source, 'y'), search: new RegExp(p.source, 'g') });
  const head = compile(pieces[0]!);
  if (pieces.length === 1) {
    return {
      matches(text) {
        const value = cString(text);
        return value.length === head.length && matchesAt(head.at, value, 0);
      },
    };
  }
  const tail = compile(pieces[pieces.length - 1]!);
  // An empty piece (between two *s in a row) matches anywhere.
  // Stryker disable next-line MethodExpression,ConditionalExpression,EqualityOperator: an empty piece kept finds itself at `from`, which never passes the end of `before`, so it moves nothing: leaving them out only spares the search
  const middle = pieces.slice(1, -1).filter((p) => p.length > 0).map(compile);
  return {
    matches(text) {
      const value = cString(text);
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

/** The pieces of a glob between its *s (two *s in a row leave an empty one): 'never' when it matches nothing, undefined
 * when a bracket expression goes on at different places for different bytes (pieces of fixed atoms cannot hold it). */
function globPieces(glob: Glob): GlobPiece[] | 'never' | undefined {
  const pieces: GlobPiece[] = [{ source: '', length: 0 }];
  for (let i = 0; i < glob.bytes.length; ) {
    if (glob.bytes[i] === '*') {
      pieces.push({ source: '', length: 0 });
      i++;
      continue;
    }
    const atom = readAtom(glob, i);
    if (typeof atom !== 'object') return atom;
    const piece = pieces[pieces.length - 1]!;
    piece.source += atom.source;
    piece.length++;
    i = atom.end;
  }
  return pieces;
}

/** The atom of a glob at `i` (not a *): a class of the bytes it takes, and where the pattern goes on after it. */
function readAtom(glob: Glob, i: number): { source: string; end: number } | 'never' | undefined {
  const c = glob.bytes[i]!;
  if (c === '?') return { source: '[^]', end: i + 1 };
  if (c === '\\') {
    const escaped = charAt(glob.bytes, i + 1);
    // "Trailing \ loses."
    return escaped === '' ? 'never' : { source: literalClass(glob, escaped), end: i + 2 };
  }
  if (c !== '[') return { source: literalClass(glob, c), end: i + 1 };
  const ends = bracketAt(glob, i);
  const codes = [...ends.keys()].filter((code) => ends[code]! >= 0);
  if (codes.some((code) => ends[code] !== ends[codes[0]!])) return undefined;
  return codes.length === 0 ? 'never' : { source: byteClass(codes), end: ends[codes[0]!]! };
}

/** The bytes a character of the pattern takes: those that fold as it does (itself, and its other case if caseless). */
function literalClass(glob: Glob, c: string): string {
  const folded = glob.fold(c);
  const cases = new Set([folded.toUpperCase(), folded].filter((byte) => glob.fold(byte) === folded));
  return byteClass([...cases].map((byte) => byte.charCodeAt(0)));
}

/** A regular expression class of the bytes `codes` (in order). */
function byteClass(codes: number[]): string {
  const hex = (code: number) => `\\x${code.toString(16).padStart(2, '0')}`;
  let source = '';
  for (let i = 0; i < codes.length; i++) {
    const first = codes[i]!;
    while (codes[i + 1] === codes[i]! + 1) i++;
    source += codes[i] === first ? hex(first) : `${hex(first)}-${hex(codes[i]!)}`;
  }
  return `[${source}]`;
}

/** The pattern's character at `i`, '' past its end (C's '\0'). */
const charAt = (text: string, i: number): string => text[i] ?? '';

/** fnmatch(3) on bytes: glibc's FCT (posix/fnmatch_loop.c) for flags 0 or FNM_CASEFOLD, without FNM_EXTMATCH. At a *,
 * glibc tries the text up to the next * at each place in turn and keeps the first that fits (FCT's `ends`): each * tries
 * each byte once, so this takes at most pattern × value steps, whatever the glob. */
function fnmatchBytes(glob: Glob, value: string): boolean {
  const star = { at: -1, n: 0 };
  if (!segmentMatches(glob, 0, value, 0, star)) return false;
  while (star.at >= 0) {
    let p = star.at + 1;
    let n = star.n;
    // The ?s (and *s) right after a *: each ? takes a byte there and then.
    let c = charAt(glob.bytes, p);
    for (; c === '?' || c === '*'; c = charAt(glob.bytes, ++p)) {
      if (c === '*') continue;
      if (n === value.length) return false;
      n++;
    }
    // The *s end the pattern: they take the rest of the value.
    if (c === '') return true;
    while (n < value.length && !segmentMatches(glob, p, value, n, star)) n++;
    if (n === value.length) return false;
  }
  return true;
}

/** FCT called with `ends`: the pattern from `p` against the value from `n`, up to the next * (where `star` is told the
 * indexes it stopped at) or to the end of both (`star.at` -1). */
function segmentMatches(glob: Glob, p: number, value: string, n: number, star: { at: number; n: number }): boolean {
  for (; ; n++) {
    const c = glob.fold(charAt(glob.bytes, p++));
    if (c === '') {
      star.at = -1;
      return n === value.length;
    }
    if (c === '*') {
      star.at = p - 1;
      star.n = n;
      return true;
    }
    if (n === value.length) return false;
    if (c === '[') {
      p = bracketAt(glob, p - 1)[value.charCodeAt(n)]!;
      if (p < 0) return false;
    } else if (c === '\\') {
      const escaped = charAt(glob.bytes, p++);
      // "Trailing \ loses."
      if (escaped === '' || glob.fold(escaped) !== glob.fold(value[n]!)) return false;
    } else if (c !== '?' && c !== glob.fold(value[n]!)) return false;
  }
}

/** Per byte (by code), where the pattern goes on after its bracket expression at `open` took it, or -1 where it does
 * not: glibc's case L_('[') in FCT for the C locale, which has no collating elements (nrules == 0). glibc does not
 * compile the bracket: it walks the members for the byte, and at the first that matches skips the rest with a parse of
 * its own, which can end at another ] than the walk would, or fail. Read once per bracket, for all bytes at once. */
function bracketAt(glob: Glob, open: number): Int32Array {
  const found = glob.brackets.get(open) ?? readBracket(glob, open);
  glob.brackets.set(open, found);
  return found;
}

function readBracket(glob: Glob, open: number): Int32Array {
  // ^ negates as ! does: glibc reads it so unless POSIXLY_CORRECT is set.
  const isNegated = charAt(glob.bytes, open + 1) === '!' || charAt(glob.bytes, open + 1) === '^';
  const walk = walkFrom(glob, open + 1 + Number(isNegated));
  // (Byte 0 is read too, and never asked for: a C string ends before it.)
  return Int32Array.from(walk, (walked, code) => {
    const end = typeof walked === 'number' ? skipBracket(glob, walked) : walked;
    // "[ unterminated, treat as normal character": the [ takes a [, and the pattern goes on after it. (As in Debian's
    // glibc 2.36: a skip that runs off the end of the pattern does this too, as a walk that does.)
    if (end === 'unterminated') return code === 0x5b ? open + 1 : -1;
    if (end === 'fail') return -1;
    if (typeof end === 'number') return isNegated ? -1 : end;
    return isNegated ? end.closed : -1;
  });
}

/** How the members' walk ends for a byte: at the index the skip starts from (a member took the byte), after the ]
 * that ends the members (none did), or where glibc fails the pattern or finds it unterminated. */
type Walk = number | { closed: number } | 'fail' | 'unterminated';
/** How the skip ends: after the bracket's ], or where glibc fails the pattern or finds it unterminated. */
type Skip = number | 'fail' | 'unterminated';

/** A member of a bracket expression as glibc's walk reads it, for any byte. */
interface Member {
  /** Whether it takes a byte of the value. */
  takes: (byte: string) => boolean;
  /** Where the skip starts when it did. */
  matched: number;
  /** Where the walk reads on when it did not (a ] there ends the members), or 'fail'. */
  next: number | 'fail';
}

/** The members' walk from the member at `p` (a ] first is a member), per byte. The walk from a member ends alike
 * whichever bracket it began in, so it is remembered per member: a bracket nested in an unterminated one shares its
 * members. */
function walkFrom(glob: Glob, p: number): Walk[] {
  const members: [number, Member][] = [];
  let walk = glob.walks.get(p);
  while (!walk) {
    const member = readMember(glob, p);
    if (typeof member === 'string') walk = Array<Walk>(256).fill(member);
    else {
      members.push([p, member]);
      const { next } = member;
      if (next === 'fail') walk = Array<Walk>(256).fill('fail');
      else if (charAt(glob.bytes, next) === ']') walk = Array<Walk>(256).fill({ closed: next + 1 });
      else walk = glob.walks.get((p = next));
    }
  }
  for (const [at, member] of members.reverse()) {
    walk = walk.map((walked, code) => (member.takes(String.fromCharCode(code)) ? member.matched : walked));
    glob.walks.set(at, walk);
  }
  return walk;
}

/** The member at `p`, in glibc's order: \x, [:class:], [=c=], the end of the pattern, [.c.], a character; the last
 * two may start a range. */
function readMember(glob: Glob, p: number): Member | 'fail' | 'unterminated' {
  const at = (i: number) => charAt(glob.bytes, i);
  const c = at(p);
  if (c === '\\') return at(p + 1) === '' ? 'fail' : plainMember(glob, glob.fold(at(p + 1)), p + 2);
  if (c === '[' && at(p + 1) === ':') return classMember(glob, p + 1);
  if (c === '[' && at(p + 1) === '=') {
    // [=c=]: without collating rules, c itself (unfolded). Anything else between [= and =] makes the [ a member.
    if (at(p + 3) !== '=' || at(p + 4) !== ']') return plainMember(glob, '[', p + 1);
    const equal = at(p + 2);
    return { takes: (byte) => byte === equal, matched: p + 5, next: p + 5 };
  }
  if (c === '') return 'unterminated';
  if (c === '[' && at(p + 1) === '.') {
    // [.c.]: a collating symbol, which must be one character (unfolded). A - after it makes it the start of a range,
    // even a - that closes the bracket, where it takes nothing: [[.a.]-] does not take a.
    const symbol = symbolAt(glob.bytes, p + 1);
    if (symbol === '') return 'fail';
    const isRange = at(p + 5) === '-' && at(p + 6) !== '';
    return memberEnding(glob, symbol, p + 5, isRange, (byte) => byte === symbol);
  }
  return plainMember(glob, glob.fold(c), p + 1);
}

/** normal_bracket: the character `c` (folded where glibc folds it), which ends before `p`. */
function plainMember(glob: Glob, c: string, p: number): Member | 'fail' {
  const next = charAt(glob.bytes, p + 1);
  const isRange = charAt(glob.bytes, p) === '-' && next !== '' && next !== ']';
  return memberEnding(glob, c, p, isRange, (byte) => glob.fold(byte) === c);
}

/** A member `low` that ends before `p`: alone, or the start of a range low-high when glibc reads a range there.
 * Alone, a - after it with nothing after that fails the pattern for the bytes it does not take. A range compares
 * collation sequence values, which in the C locale are the bytes. */
function memberEnding(glob: Glob, low: string, p: number, isRange: boolean, takes: (byte: string) => boolean): Member | 'fail' {
  const at = (i: number) => charAt(glob.bytes, i);
  if (!isRange) return { takes, matched: p, next: at(p) === '-' && at(p + 1) === '' ? 'fail' : p };
  if (at(p + 1) === ']') return { takes: () => false, matched: p, next: p };
  let end = p + 2;
  let high = at(p + 1);
  if (high === '[' && at(end) === '.') {
    high = symbolAt(glob.bytes, end);
    end += 4;
  } else {
    if (high === '\\') high = at(end++);
    high = glob.fold(high);
  }
  // A range to the end of the pattern, or to a bad collating symbol, fails.
  if (high === '') return 'fail';
  return { takes: (byte) => low <= glob.fold(byte) && glob.fold(byte) <= high, matched: end, next: end };
}

/** [:name:] (`p` at its :): a class of the C locale, tested on the byte unfolded ([[:upper:]] takes no a under
 * FNM_CASEFOLD). A name is letters a to y: anything else before a :] makes the [ a member. A name glibc does not know,
 * or of CHAR_CLASS_MAX_LENGTH letters, fails. */
function classMember(glob: Glob, p: number): Member | 'fail' {
  const at = (i: number) => charAt(glob.bytes, i);
  let end = p + 1;
  while (isClassLetter(at(end))) end++;
  if (end - p - 1 >= CHAR_CLASS_MAX_LENGTH) return 'fail';
  if (at(end) !== ':' || at(end + 1) !== ']') return plainMember(glob, '[', p);
  const members = CLASSES.get(glob.bytes.slice(p + 1, end));
  return members ? { takes: (byte) => members.test(byte), matched: end + 2, next: end + 2 } : 'fail';
}

/** The character of a collating symbol [.c.] (`p` at its first .), or '' where glibc fails it: it reads to the first
 * .], and without collating rules knows only a symbol of one character. */
function symbolAt(bytes: string, p: number): string {
  return charAt(bytes, p + 2) === '.' && charAt(bytes, p + 3) === ']' ? charAt(bytes, p + 1) : '';
}

const isClassLetter = (c: string): boolean => c >= 'a' && c < 'z';

/** "Skip the rest of the [...] that already matched", from `p`: glibc reads \x, [:name:], [=c=] and [.c.] as units, so
 * this can end at another ] than the walk ([.:-[=a=] takes : but not .), or fail ([= must be [=c=]). A skip from a
 * unit ends alike wherever it began, so it is remembered per unit passed. */
function skipBracket(glob: Glob, p: number): Skip {
  const passed: number[] = [];
  let skipped = glob.skips.get(p);
  while (skipped === undefined) {
    passed.push(p);
    const step = skipUnit(glob.bytes, p);
    if (typeof step === 'object') {
      p = step.next;
      skipped = glob.skips.get(p);
    } else skipped = step;
  }
  for (const at of passed) glob.skips.set(at, skipped);
  return skipped;
}

/** One unit of the skip at `p`: the index of the next, or how the skip ends. */
function skipUnit(bytes: string, p: number): { next: number } | Skip {
  const at = (i: number) => charAt(bytes, i);
  const c = at(p++);
  if (c === ']') return p;
  if (c === '') return 'unterminated';
  if (c === '\\') return at(p) === '' ? 'fail' : { next: p + 1 };
  if (c === '[' && at(p) === ':') {
    const next = skipClass(bytes, p);
    return next < 0 ? 'fail' : { next };
  }
  if (c === '[' && at(p) === '=') return at(p + 2) === '=' && at(p + 3) === ']' ? { next: p + 4 } : 'fail';
  if (c === '[' && at(p) === '.') {
    const close = bytes.indexOf('.]', p + 1);
    return close < 0 ? 'fail' : { next: close + 2 };
  }
  return { next: p };
}

/** The skip's [: (`p` at the :): letters a to y and :] pass as a unit, anything else leaves the [ a character; it
 * fails at CHAR_CLASS_MAX_LENGTH characters, the one after the name counted. */
function skipClass(bytes: string, p: number): number {
  for (let at = p + 1; ; at++) {
    if (at - p === CHAR_CLASS_MAX_LENGTH) return -1;
    if (charAt(bytes, at) === ':' && charAt(bytes, at + 1) === ']') return at + 2;
    if (!isClassLetter(charAt(bytes, at))) return p;
  }
}

/** The POSIX classes of the C locale, as glibc's wctype knows them: ASCII only. */
const CLASSES = new Map(
  Object.entries({
    alnum: '0-9A-Za-z', alpha: 'A-Za-z', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', digit: '0-9', graph: '!-~', lower: 'a-z',
    print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: ' \\t\\n\\v\\f\\r', upper: 'A-Z', xdigit: '0-9A-Fa-f',
  }).map(([name, members]) => [name, new RegExp(`[${members}]`)]),
);

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
