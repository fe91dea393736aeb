// The regex operator's pattern as libsinsp compiles it: RE2 in POSIX mode (egrep syntax), which refuses the rule
// when the pattern does not compile. Each case: a pattern Falco takes, or the reason it is refused.
import { describe, expect, it } from 'vitest';
import { regexProblem } from '../../../src/falco/condition/regex-posix.js';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { validateRules } from '../../../src/validate/validate.js';
import { compileRules } from '../../../src/emulate/run-rules.js';

const POSIX = ': Falco compiles regex patterns with RE2 in POSIX mode (egrep syntax), which refuses it';

describe('regexProblem', () => {
  it('takes egrep patterns: groups, alternation, classes (a ] first is a member), POSIX brackets, escaped metacharacters', () => {
    for (const pattern of ['^/usr/(bin|sbin)/[a-z]+$', '(a|b)*c', '[]a]', '[^]a]', 'x?', '.*\\.sh', '\\(x\\)', '[[:alpha:]]+', 'a{2,3}', 'a\\\\d']) {
      expect(regexProblem(pattern), pattern).toBeUndefined();
    }
  });
  it('takes what RE2\'s POSIX syntax reads otherwise than Perl: stacked repetitions (a*? is (a*)?, a** is a*), octal escapes', () => {
    for (const pattern of ['a*?', 'a+?', 'a{2}?', 'a**', '\\101', '\\12']) expect(regexProblem(pattern), pattern).toBeUndefined();
  });
  it('refuses syntax errors, with RE2\'s reason', () => {
    expect(regexProblem('((')).toBe('not a regular expression: missing closing ): `((`');
    expect(regexProblem('[a-')).toBe('not a regular expression: missing closing ]: `[a-`');
    expect(regexProblem('*abc')).toBe('not a regular expression: missing argument to repetition operator: `*`');
    expect(regexProblem('a{2,1}')).toBe('not a regular expression: invalid repeat count: `{2,1}`');
    expect(regexProblem('a{1001}')).toBe('not a regular expression: invalid repeat count: `{1001}`');
    expect(regexProblem('[z-a]')).toBe('not a regular expression: invalid character class range: `z-a`');
  });
  it('refuses what only Perl syntax has: (?…) groups (lookaround too), backreferences, Perl and Unicode classes, \\b, \\A, \\z', () => {
    expect(regexProblem('(?=a)b')).toBe(`the group "(?="${POSIX}`);
    expect(regexProblem('(?:a)')).toBe(`the group "(?:"${POSIX}`);
    expect(regexProblem('(?i)a')).toBe(`the group "(?i"${POSIX}`);
    expect(regexProblem('(a)\\1')).toBe(`the backreference \\1${POSIX}`);
    expect(regexProblem('(a)\\18')).toBe(`the backreference \\1${POSIX}`); // 8 is no octal digit
    expect(regexProblem('(a)\\1{10}')).toBe(`the backreference \\1${POSIX}`); // octal digits after it, not right after the 1
    expect(regexProblem('\\d+')).toBe(`the Perl class \\d${POSIX}`);
    expect(regexProblem('[\\w.]+')).toBe(`the Perl class \\w${POSIX}`);
    expect(regexProblem('\\bcat\\b')).toBe(`the word boundary \\b${POSIX}`);
    expect(regexProblem('\\Aa\\z')).toBe(`\\A${POSIX}`);
    expect(regexProblem('\\p{L}')).toBe(`the Unicode class \\p${POSIX}`);
  });
  it('names every Perl and Unicode escape RE2 in POSIX mode refuses, outside brackets and in them', () => {
    const names: Record<string, string> = {
      d: 'the Perl class \\d', D: 'the Perl class \\D', s: 'the Perl class \\s', S: 'the Perl class \\S', w: 'the Perl class \\w', W: 'the Perl class \\W',
      b: 'the word boundary \\b', B: 'the word boundary \\B', A: '\\A', z: '\\z', C: '\\C', Q: '\\Q', E: '\\E', p: 'the Unicode class \\p', P: 'the Unicode class \\P',
    };
    for (const [letter, name] of Object.entries(names)) {
      for (const pattern of [`a\\${letter}`, `[\\${letter}]`]) expect(regexProblem(pattern), pattern).toBe(`${name}${POSIX}`);
    }
  });
  it('finds a (?…) group after a bracket expression, and one cut short by the end of the pattern', () => {
    expect(regexProblem('[a](?:b)')).toBe(`the group "(?:"${POSIX}`);
    expect(regexProblem('a(?')).toBe(`the group "(?"${POSIX}`);
  });
  it('gives RE2\'s reason for what only looks Perl-only: \\1 in brackets, an octal escape, (? in brackets (a ] first is a member), ? after no (, an escaped dot', () => {
    const cases: [string, string][] = [
      ['[\\1]', 'invalid escape sequence: `\\1`'],
      ['\\101(', 'missing closing ): `\\101(`'],
      ['[](?](', 'missing closing ): `[](?](`'],
      ['[^](?](', 'missing closing ): `[^](?](`'],
      ['[ab(?](', 'missing closing ): `[ab(?](`'],
      ['\\.sh(', 'missing closing ): `\\.sh(`'],
      ['a?(', 'missing closing ): `a?(`'],
    ];
    for (const [pattern, reason] of cases) expect(regexProblem(pattern), pattern).toBe(`not a regular expression: ${reason}`);
  });
});

/** Rule R with `condition`, and with an exception whose regex value ("(?:a)", quoted so that it parses where Falco
 * pastes it) has a Perl group when `withException`. */
const ruleset = (condition: string, withException = true) => {
  const exception = withException ? `  exceptions:\n    - name: e\n      fields: [proc.cmdline]\n      comps: [regex]\n      values: [['"(?:a)"']]\n` : '';
  const items = parseRulesText(`- rule: R\n  desc: d\n  condition: ${JSON.stringify(condition)}\n  output: o\n  priority: INFO\n${exception}`, 'r.yaml');
  return { items, ruleset: buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]) };
};

describe('where a refused pattern is said', () => {
  it('validate: bad-regex at the value in a condition; bad-exception for one in an exception', () => {
    const { items, ruleset: rs } = ruleset('evt.type = execve and proc.cmdline regex "(a"');
    const issues = validateRules({ items, ruleset: rs, fields: readFieldCatalog(), extraSources: [] });
    expect(issues.map((i) => [i.code, i.message])).toEqual([
      ['bad-regex', 'condition 1:42: regex "(a": not a regular expression: missing closing ): `(a`'],
      ['bad-exception', expect.stringContaining('the group "(?:"')],
    ]);
  });
  it('emulate: the rule is not evaluated as written', () => {
    const { ruleset: rs } = ruleset('evt.type = execve and proc.cmdline regex "\\\\d+"');
    const { failed } = compileRules(rs);
    expect(failed).toEqual([{ rule: 'R', why: expect.stringContaining('regex: the Perl class \\d') }]);
  });
});
