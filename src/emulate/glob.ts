// Falco's glob and iglob: libsinsp's glob_match, glibc's fnmatch(3) with flags 0 or FNM_CASEFOLD in the C locale,
// matched on a value's bytes. Exact against glibc (test/fixtures/glob/glibc-fnmatch.json, from
// scripts/glibc-fnmatch-oracle.py), linear where a pattern's brackets allow it and polynomial where they do not. Pure.
import { bracketAt, charAt, type Glob } from './glob-bracket.js';
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

/** A piece of a glob between two *s: a regular expression of byte classes, and how many bytes it takes. */
interface GlobPiece {
  source: string;
  length: number;
}

const NEVER: GlobMatcher = { matches: () => false };

/** globMatcher without its cache: each call compiles `pattern` anew. (Tests of how a pattern is read call this: a
 * cached matcher compiled earlier in the same process, under another mutant of this file, would answer for it.) */
export function compileGlob(pattern: string, isCaseless = false): GlobMatcher {
  // Stryker disable next-line ConditionalExpression,StringLiteral: byte >= 'A' as true (or as byte >= ''): a byte not above Z that is below A is no letter, and toLowerCase leaves it as it is
  const fold = isCaseless ? (byte: string) => (byte >= 'A' && byte <= 'Z' ? byte.toLowerCase() : byte) : (byte: string) => byte;
  const glob: Glob = { bytes: cString(pattern), fold, brackets: new Map(), walks: new Map(), skips: new Map() };
  const pieces = globPieces(glob);
  if (pieces === 'never') return NEVER;
  // A bracket that goes on at different places for different bytes: glibc's own matching, step by step.
  if (!pieces) return { matches: (value) => fnmatchBytes(glob, cString(value)) };
  return piecesMatcher(pieces);
}

/** `text` as a C string holds it: up to its first NUL (libsinsp hands fields and operands to C calls: fnmatch, strstr,
 * strcasestr, strncmp). */
export function untilNul(text: string): string {
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

/** The bytes fnmatch sees of a string: its UTF-8, one character per byte, up to a NUL (libsinsp passes C strings). */
function cString(text: string): string {
  // Stryker disable next-line ConditionalExpression: converting an ASCII string without a NUL leaves it as it is; this only spares the conversion
  if (!/[\0\u0080-\uffff]/.test(text)) return text;
  return Buffer.from(untilNul(text), 'utf8').toString('latin1');
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
  // Stryker disable next-line EqualityOperator: > 0 for >= 0: a bracket goes on past its [, so no byte's end is 0
  const codes = [...ends.keys()].filter((code) => ends[code]! >= 0);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: true here, or a test that codes[0] itself passes, sends more brackets to fnmatchBytes, glibc's own matching, exact for any glob: the pieces only make the brackets that end at one place linear
  if (codes.some((code) => ends[code] !== ends[codes[0]!])) return undefined;
  // Stryker disable next-line ConditionalExpression: codes.length === 0 as false makes a bracket that takes no byte the class [] of a piece, which matches nothing, and its end (undefined) stops the reading, so it is in the last piece, which every match must match: false for every value, as NEVER
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
    // Stryker disable next-line ConditionalExpression,ArithmeticOperator: codes come in ascending order, so neither codes[i - 1] === codes[i] + 1 nor codes[i + 1] === codes[i] - 1 ever holds; without runs (false) each code is listed alone, the same class
    while (codes[i + 1] === codes[i]! + 1) i++;
    // Stryker disable next-line ConditionalExpression: as false, a code alone is written as a run from it to itself (\x61-\x61), the same class
    source += codes[i] === first ? hex(first) : `${hex(first)}-${hex(codes[i]!)}`;
  }
  return `[${source}]`;
}

/** fnmatch(3) on bytes: glibc's FCT (posix/fnmatch_loop.c) for flags 0 or FNM_CASEFOLD, without FNM_EXTMATCH. At a *,
 * glibc tries the text up to the next * at each place in turn and keeps the first that fits (FCT's `ends`): each * tries
 * each byte once, so this takes at most pattern × value steps, whatever the glob. */
function fnmatchBytes(glob: Glob, value: string): boolean {
  // Stryker disable next-line UnaryOperator: segmentMatches sets star before it returns true, and on false this returns before star is read
  const star = { at: -1, n: 0 };
  if (!segmentMatches(glob, 0, value, 0, star)) return false;
  while (star.at >= 0) {
    let p = star.at + 1;
    let n = star.n;
    // The ?s (and *s) right after a *: each ? takes a byte there and then.
    let c = charAt(glob.bytes, p);
    // Stryker disable next-line ConditionalExpression: c === '?' as false leaves the ?s to the search below, where each takes the byte at the place tried: the rest is found one byte on from each place, so at the same place, and the search fails where the ? would have
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
      // Stryker disable next-line EqualityOperator: <= 0 for < 0: a bracket goes on past its [, never at 0
      if (p < 0) return false;
    } else if (c === '\\') {
      const escaped = charAt(glob.bytes, p++);
      // "Trailing \ loses."
      // Stryker disable next-line ConditionalExpression,StringLiteral: escaped === '' as false: n is below value.length here, so value[n] is a character, which fold never makes '', and a trailing \ fails the second test instead
      if (escaped === '' || glob.fold(escaped) !== glob.fold(value[n]!)) return false;
    } else if (c !== '?' && c !== glob.fold(value[n]!)) return false;
  }
}
