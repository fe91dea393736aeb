// The `regex` operator as libsinsp has it: the pattern compiled by RE2 with re2::RE2::POSIX, which refuses the rule
// when it does not compile ("invalid regex pattern", sinsp_filtercheck.cpp add_filter_value), and a value matched
// whole (Match with ANCHOR_BOTH). RE2::POSIX is posix_syntax and longest_match; its parse flags are ClassNL alone
// (re2.cc RE2::Options::ParseFlags): egrep syntax, no Perl extensions ((?…) groups, lazy quantifiers, \A \z \Q…\E),
// no \d \s \w \b, no \pN; `.` stops at a newline, `[^a]` does not, `^` and `$` match at line ends. Evaluated with
// re2js, RE2's JavaScript port: linear in the value, so no pattern can stall a run. Pure (re2js loads on first use).
import { lazyPackage } from '../../lazy-package.js';

const re2js = lazyPackage<typeof import('re2js')>('re2js');

/** RE2's own compile, which takes parse flags: re2js's public RE2JS.compile parses Perl syntax only. */
interface Re2Class {
  compileImpl(pattern: string, parseFlags: number, isLongest: boolean): Re2Program;
}
interface Re2Program {
  matchWithGroup(input: string, start: number, end: number, anchor: number, groups: number): [boolean, unknown];
}

// re2js's RE2Flags, not exported: CLASS_NL is Regexp::ClassNL; ANCHOR_BOTH is RE2::ANCHOR_BOTH.
const CLASS_NL = 4;
const ANCHOR_BOTH = 2;

/** A compiled pattern: whether it matches a whole value. */
export interface FalcoRegex {
  matches(value: string): boolean;
}

let re2Class: Re2Class | undefined;
function compilePosix(pattern: string): Re2Program {
  // RE2JS#re2() is RE2's program; its class holds compileImpl.
  re2Class ??= re2js().RE2JS.compile('').re2().constructor as unknown as Re2Class;
  // Stryker disable next-line BooleanLiteral: matched with ANCHOR_BOTH, a thread that ends before the value does is dropped before longest or first match is applied (re2js Machine.step), so whether a value matches is the same
  return re2Class.compileImpl(pattern, CLASS_NL, true);
}

/** A pattern compiled, or why RE2 in POSIX mode refuses it. */
const compiled = new Map<string, FalcoRegex | string>();
export function compileFalcoRegex(pattern: string): FalcoRegex | string {
  const found = compiled.get(pattern) ?? compileOrExplain(pattern);
  compiled.set(pattern, found);
  return found;
}

function compileOrExplain(pattern: string): FalcoRegex | string {
  let program: Re2Program;
  try {
    program = compilePosix(pattern);
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: compileImpl throws RE2JSException alone (its parse errors), so `false` changes nothing; `true` is then the BooleanLiteral mutant, which is killed
    if (!(error instanceof re2js().RE2JSException)) throw error;
    const perl = perlOnly(pattern);
    if (perl) return `${perl}: Falco compiles regex patterns with RE2 in POSIX mode (egrep syntax), which refuses it`;
    // Stryker disable next-line Regex: replace() drops the first occurrence only, and a message holds these words at its start (RE2JSSyntaxException) or nowhere (the compiler's quote no pattern)
    return `not a regular expression: ${error.message.replace(/^error parsing regexp: /, '')}`;
  }
  return { matches: (value) => program.matchWithGroup(value, 0, value.length, ANCHOR_BOTH, 0)[0] };
}

/** Why RE2 in POSIX mode refuses `pattern`, or undefined when it compiles. */
export function regexProblem(pattern: string): string | undefined {
  const found = compileFalcoRegex(pattern);
  return typeof found === 'string' ? found : undefined;
}

const PERL_ESCAPES: Record<string, string> = {
  d: 'the Perl class \\d', D: 'the Perl class \\D', s: 'the Perl class \\s', S: 'the Perl class \\S', w: 'the Perl class \\w', W: 'the Perl class \\W',
  b: 'the word boundary \\b', B: 'the word boundary \\B', A: '\\A', z: '\\z', C: '\\C', Q: '\\Q', E: '\\E', p: 'the Unicode class \\p', P: 'the Unicode class \\P',
};

/** The first Perl-only construct of a pattern RE2 refused (outside and inside brackets), described, to say why;
 * undefined when none. Each is one RE2 in POSIX mode refuses. A lazy quantifier is none: there `a*?` is `(a*)?`. */
function perlOnly(pattern: string): string | undefined {
  let classStart = -1;
  // Stryker disable next-line EqualityOperator: `<=` reads pattern[length], undefined, which no branch takes; `>=` (spared with it) is on any pattern perlOnly gets (never '') the ConditionalExpression false, which is killed
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      // Stryker disable next-line StringLiteral: after a trailing backslash any default other than a digit or a letter of PERL_ESCAPES returns the same (none is 'Stryker was here!')
      const next = pattern[i + 1] ?? '';
      if (PERL_ESCAPES[next]) return PERL_ESCAPES[next];
      // \1 to \7 before an octal digit is an octal escape (\101 is A); alone, a backreference.
      if (classStart < 0 && /[1-9]/.test(next) && !/[1-7][0-7]/.test(pattern.slice(i + 1, i + 3))) return `the backreference \\${next}`;
      i++;
    } else if (classStart >= 0) {
      // A ] right after [ or [^ is a member, not the end (POSIX brackets).
      if (c === ']' && i > classStart + (pattern[classStart + 1] === '^' ? 2 : 1)) classStart = -1;
    } else if (c === '[') classStart = i;
    else if (c === '(' && pattern[i + 1] === '?') return `the group "(?${pattern[i + 2] ?? ''}"`;
  }
  return undefined;
}
