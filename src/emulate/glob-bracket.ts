// Bracket expressions of a glob as glibc's fnmatch reads them for the C locale (posix/fnmatch_loop.c, case L_('[')
// in FCT): per byte of the value, where the pattern goes on after the bracket took it, or that it does not. Pure.
/** A glob as fnmatch reads it. */
export interface Glob {
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

/** The pattern's character at `i`, '' past its end (C's '\0'). */
export const charAt = (text: string, i: number): string => text[i] ?? '';

/** glibc's CHAR_CLASS_MAX_LENGTH (CHARCLASS_NAME_MAX): a class name this long fails the pattern. */
const CHAR_CLASS_MAX_LENGTH = 2048;

/** Per byte (by code), where the pattern goes on after its bracket expression at `open` took it, or -1 where it does
 * not: glibc's case L_('[') in FCT for the C locale, which has no collating elements (nrules == 0). glibc does not
 * compile the bracket: it walks the members for the byte, and at the first that matches skips the rest with a parse of
 * its own, which can end at another ] than the walk would, or fail. Read once per bracket, for all bytes at once. */
export function bracketAt(glob: Glob, open: number): Int32Array {
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
  // Stryker disable next-line ConditionalExpression,ArithmeticOperator,StringLiteral: at(p + 1) === '' as false (at(p - 1), before the \, is never ''): the \ that ends the pattern is read as a member taking nothing, the walk runs off the pattern, and only a [ goes on, after the [; but every reading of the pattern (atoms, walks, skips) meets the backslashes that end it in the same pairs, so that last \ starts a pair and loses there too
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
    // Stryker disable next-line ConditionalExpression,StringLiteral: at(p + 6) !== '' as true: a [.c.]- that ends the pattern fails the walk as a range, as alone its - does, but for c = [, which alone goes on after the bracket's [. No value can match that way: every reading reaches [.[.]- at its [ (the backslashes before it are read in the same pairs by all), where a bracket takes nothing, and a member or a skip again sends only a [ on, after a later [
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
  // Stryker disable next-line ConditionalExpression,StringLiteral: at(p) === '' as false: a skip reaching the \ that ends the pattern runs off it, and only a [ goes on, after the [; but every reading of the pattern meets the backslashes that end it in the same pairs, so that last \ starts a pair and loses there too
  if (c === '\\') return at(p) === '' ? 'fail' : { next: p + 1 };
  if (c === '[' && at(p) === ':') {
    const next = skipClass(bytes, p);
    // Stryker disable next-line EqualityOperator: <= 0 for < 0: skipClass gives -1, the index of the : or one past :], never 0
    return next < 0 ? 'fail' : { next };
  }
  if (c === '[' && at(p) === '=') return at(p + 2) === '=' && at(p + 3) === ']' ? { next: p + 4 } : 'fail';
  if (c === '[' && at(p) === '.') {
    const close = bytes.indexOf('.]', p + 1);
    // Stryker disable next-line EqualityOperator: <= 0 for < 0: indexOf from p + 1 finds .] at 2 or later, never at 0
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
