// The `regex` operator's pattern as libsinsp compiles it: RE2 with re2::RE2::POSIX (posix_syntax, longest_match),
// which refuses the rule when the pattern does not compile ("invalid regex pattern", sinsp_filtercheck.cpp
// add_filter_value), and matches the whole value (ANCHOR_BOTH). POSIX syntax is egrep's: no Perl extensions, so
// no (?…) groups or flags (lookaround, non-capturing, named), no lazy quantifiers, no backreferences, and without
// perl_classes and word_boundary no \d \s \w \D \S \W \b \B either, nor \A \z \C \Q…\E \pN. Pure.

/** Why RE2 in POSIX mode refuses `pattern`, or undefined when it compiles. Plain syntax errors (unbalanced
 * parentheses, a quantifier with nothing to repeat, a range out of order) are found by JavaScript's parser,
 * whose syntax without flags is a superset of POSIX egrep's for these cases. */
export function regexProblem(pattern: string): string | undefined {
  const perl = perlOnly(pattern);
  if (perl) return `${perl}: Falco compiles regex patterns with RE2 in POSIX mode (egrep syntax), which refuses it`;
  try {
    new RegExp(pattern);
  } catch (error) {
    return `not a regular expression: ${(error as Error).message.replace(/^Invalid regular expression: \/.*\/: /s, '')}`;
  }
  return undefined;
}

const PERL_ESCAPES: Record<string, string> = {
  d: 'the Perl class \\d', D: 'the Perl class \\D', s: 'the Perl class \\s', S: 'the Perl class \\S', w: 'the Perl class \\w', W: 'the Perl class \\W',
  b: 'the word boundary \\b', B: 'the word boundary \\B', A: '\\A', z: '\\z', C: '\\C', Q: '\\Q', E: '\\E', p: 'the Unicode class \\p', P: 'the Unicode class \\P',
};

/** The first Perl-only construct of `pattern` (outside and inside brackets), described; undefined when none. */
function perlOnly(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (PERL_ESCAPES[next]) return PERL_ESCAPES[next];
      if (!inClass && /[1-9]/.test(next)) return `the backreference \\${next}`;
      i++;
    } else if (inClass) {
      // A ] right after [ or [^ is a member, not the end (POSIX brackets).
      if (c === ']' && !/\[\^?$/.test(pattern.slice(0, i))) inClass = false;
    } else if (c === '[') inClass = true;
    else if (c === '(' && pattern[i + 1] === '?') return `the group "(?${pattern[i + 2] ?? ''}"`;
    else if ('*+?}'.includes(c) && pattern[i + 1] === '?' && i > 0) return `the lazy quantifier "${c}?"`;
  }
  return undefined;
}
