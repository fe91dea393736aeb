// Falco's operators one by one, called directly (no condition parsing): the type a catalogue type compares
// as, CIDR matching, glob and regex anchoring, pmatch by path components, byte operators on hex, and the
// edge cases a rule author meets (an empty right-hand side, a bad pattern, an empty list field).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareScalar, compareSet, ipMatches, isListType, pathPrefixMatches, valueTypeOf, type ValueType } from '../../../src/emulate/operators.js';
import { compileGlob, globMatcher, type GlobMatcher } from '../../../src/emulate/glob.js';
import type { Scalar } from '../../../src/emulate/event.js';
import { fixture } from '../../helpers/paths.js';

describe('valueTypeOf: libsinsp parameter types to comparison types', () => {
  const table: [string | undefined, ValueType][] = [
    [undefined, 'string'],
    ['', 'string'],
    ['CHARBUF', 'string'],
    ['string (list)', 'string'],
    ['UINT64', 'number'],
    ['uint64', 'number'], // the catalogue spells some types in lower case
    ['INT16', 'number'],
    ['INT64', 'number'],
    ['UINT8', 'number'],
    ['INT', 'string'], // an integer type always names its width
    ['PORT', 'number'],
    ['RELTIME', 'number'],
    ['reltime', 'number'],
    ['ABSTIME', 'number'],
    ['DOUBLE', 'number'],
    ['ERRNO', 'number'],
    ['FD', 'number'],
    ['PID', 'number'],
    ['UID', 'number'],
    ['GID', 'number'],
    ['MODE', 'number'],
    ['FLAGS', 'number'],
    ['FLAGS32', 'number'],
    ['SYSCALLID', 'number'],
    ['XUINT64', 'string'], // the whole type must be numeric, not a part of it
    ['UINT64X', 'string'],
    ['FDLIST', 'string'],
    ['BOOL', 'bool'],
    ['bool', 'bool'],
    ['BOOLEAN', 'string'],
    ['ABOOL', 'string'],
    ['IPADDR', 'ip'],
    ['ipaddr', 'ip'],
    ['IPADDRS', 'string'],
    ['MYIPADDR', 'string'],
    ['IPNET', 'net'],
    ['ipnet', 'net'],
    ['IPNETWORK', 'string'],
    ['AIPNET', 'string'],
  ];
  for (const [type, expected] of table) it(`${type} → ${expected}`, () => expect(valueTypeOf(type)).toBe(expected));
});

describe('isListType', () => {
  it('knows both spellings of a list type in the catalogue, and nothing else', () => {
    expect(['LIST(CHARBUF)', 'string (list)', undefined, '', 'CHARBUF', 'string'].map(isListType)).toEqual([true, true, false, false, false, false]);
  });
});

describe('ipMatches: addresses against addresses and CIDR networks', () => {
  const table: [string, string, boolean][] = [
    ['10.1.2.3', '10.1.2.3', true],
    ['10.1.2.3', '10.1.2.4', false],
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.1.2.3', '10.0.0.0/8', false],
    ['10.1.2.3', '10.1.2.0/24', true],
    ['10.1.3.3', '10.1.2.0/24', false],
    ['10.1.2.3', '10.1.2.3/32', true],
    ['10.1.2.2', '10.1.2.3/32', false],
    ['10.1.2.3', '10.1.2.2/31', true], // the mask keeps the high bits only
    ['10.1.2.4', '10.1.2.2/31', false],
    ['192.168.1.1', '128.0.0.0/1', true],
    ['127.0.0.1', '128.0.0.0/1', false],
    ['255.255.255.255', '0.0.0.0/0', true], // /0 is every address
    ['1.2.3.4', '0.0.0.0/0', true],
    ['10.1.2.3', '10.0.0.0/33', false], // a mask wider than an address matches nothing
    ['10.1.2.3', '10.0.0.0/-1', false],
    ['10.1.2.3', '10.0.0.0/8.5', false],
    ['10.1.2.3', '10.0.0.0/x', false],
    ['10.1.2.3', '10.1.2.3/', false], // an empty mask is not /0
    ['10.1.2.3', '10.1.2', false],
    ['10.1.2', '10.1.2', true], // not IPv4 on either side: compared as text
    ['10.1.2', '0.10.1.2', false], // three numbers are not an address, even when they would add up to one
    ['10.1.2.x1', '0.0.0.0/0', false], // nor are parts that are not 1-3 digits
    ['10.1.2.1x', '0.0.0.0/0', false],
    ['10.1.2.256', '10.1.3.0/24', false], // nor a part past 255 (it would carry into the next)
    ['10.1.2.3.4', '10.1.2.3.4', true],
    ['10.1.2.3.4', '10.1.2.3', false],
    ['10.1.2.256', '10.1.2.0/24', false], // 256 is not an octet
    ['10.1.2.255', '10.1.2.0/24', true],
    ['10.1.2.1234', '10.1.2.0/24', false],
    ['10.1.2.a', '10.1.2.0/24', false],
    ['10.1.2.', '10.1.2.0/24', false],
    ['FE80::1', 'fe80::1', true], // IPv6: compared as text, case-insensitively
    ['fe80::1', 'FE80::2', false],
  ];
  for (const [address, network, expected] of table) it(`${address} in ${network} → ${expected}`, () => expect(ipMatches(address, network)).toBe(expected));
});

describe('globMatcher: shell wildcards over the whole value', () => {
  const table: [string, string, boolean][] = [
    ['/tmp/*', '/tmp/a/b', true], // * crosses slashes, as fnmatch without FNM_PATHNAME
    ['/newline/*', '/newline/a\nb', true], // and newlines
    ['/tmp/?', '/tmp/a', true],
    ['/tmp/?', '/tmp/ab', false],
    ['/nl/?', '/nl/\n', true],
    ['a.b', 'a.b', true], // regular-expression characters are literal
    ['a.b', 'axb', false],
    ['a+', 'a+', true],
    ['a+', 'aa', false],
    ['^a$', '^a$', true],
    ['{a,b}', '{a,b}', true],
    ['(a|b)', '(a|b)', true],
    ['(a|b)', 'a', false],
    ['a\\b', 'ab', true], // a backslash escapes the next character (fnmatch without FNM_NOESCAPE)…
    ['a\\b', 'a\\b', false],
    ['shutdown \\-h now', 'shutdown -h now', true],
    ['shutdown\\*', 'shutdown*', true], // …a * too: then it is no wildcard
    ['shutdown\\*', 'shutdown -h', false],
    ['\\?', '?', true],
    ['\\?', 'x', false],
    ['a\\\\b', 'a\\b', true], // an escaped backslash is one
    ['a\\', 'a\\', false], // a trailing backslash matches nothing ("Trailing \\ loses")
    ['a\\', 'a', false],
    ['/x/', '/x/', true],
    ['[ab]c', 'bc', true],
    ['[ab]c', 'cc', false],
    ['[xy]z', 'Sz', false],
    ['[!ab]c', 'cc', true], // [!…] negates
    ['[!ab]c', 'ac', false],
    ['[]a]', ']', true], // a ] first in the brackets is one of the characters
    ['[]a]', 'a', true],
    ['[]a]', 'b', false],
    ['[!]a]', 'b', true], // …also after [!
    ['[!]a]', ']', false],
    ['[!]a]', 'a', false],
    ['[\\]', '\\', false], // a backslash in brackets escapes too: [\\] is no bracket (the ] is escaped), so [ and ] are characters
    ['[\\]', '[]', true],
    ['[\\]]', ']', true],
    ['[a\\-z]', '-', true], // an escaped - makes no range
    ['[a\\-z]', 'b', false],
    ['[^ab]c', 'cc', true], // glibc negates with ^ as well (POSIXLY_CORRECT unset)
    ['[^ab]c', 'ac', false],
    ['[z-a]', 'z', false], // a range that ends before it starts matches nothing
    ['[[:lower:]]hutdown', 'shutdown', true], // POSIX classes, of the C locale
    ['[[:lower:]]hutdown', 'Shutdown', false],
    ['[[:upper:]]*', 'Shutdown', true],
    ['[![:digit:]]x', 'ax', true],
    ['[![:digit:]]x', '1x', false],
    ['[[:alpha:][:digit:]_]', '_', true],
    ['[[:alpha:][:digit:]_]', '-', false],
    ['[[:punct:]]', '`', true],
    ['[[:space:]]', '\t', true],
    ['[[:xdigit:]]', 'g', false],
    ['[[:nosuch:]]', '[[:nosuch:]]', false], // an unknown class: the pattern matches nothing
    ['[[:Foo:]]x', 'F]x', true], // not a class name: [ is a member, and the first ] closes the bracket
    ['[[=a=]b]', 'a', true], // an equivalence class and a collating symbol of one character are that character
    ['[[.-.]a]', '-', true],
    ['[[.ab.]]', 'a', false], // a longer collating symbol is none the C locale knows: nothing matches
    ['[]a-', ']', false], // a range to the end of the pattern: nothing matches
    ['[]a-', '[]a-', false],
    ['a[', 'a[', true], // an unclosed [ is literal
    ['a[b', 'a[b', true],
    ['[a]x[', 'ax[', true],
    ['[a-c]', 'b', true],
    ['x[a-c]', 'xd', false],
    ['/root', '/root/x', false],
    ['root', '/root', false],
    ['*', '', true],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['*a', 'ab', false],
    ['a*b', 'ab', true],
    ['a*b', 'a', false], // the pieces before and after a * may not overlap
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['a*b*c', 'axxbyyc', true],
    ['a*b*c', 'acb', false], // pieces in order
    ['a*b*c', 'ac', false], // a middle piece must be there
    ['a*b*b', 'ab', false], // …before the last one, not inside it
    ['x*ab*ba*y', 'xabay', false], // …and after the one before it, not overlapping it
    ['x*ab*ba*y', 'xabbay', true],
    ['a*bc*bd', 'abcbcbd', true], // a middle piece placed where it first occurs still leaves room for the rest
    ['*[xy]?*', 'zzyq', true],
    ['**', 'anything', true],
    ['a**b', 'a/b', true],
    ['a*[*]', 'ab*', true], // a * in brackets is a character
    ['a*[*]', 'ab', false],
    // Bracket corners, each row checked against glibc 2.36's fnmatch(3) with flags 0 (through Python's ctypes):
    ['[]\\', '[]\\', false], // a backslash that ends the pattern inside brackets: nothing matches
    ['[]\\', ']', false],
    ['[[.].]]', ']', true], // a collating symbol of ], found from after its [. (not at the ] that follows [.)
    ['[[.ab.]]', 'b', false], // a longer collating symbol: nothing matches, not even its last character
    ['[[.a]]', 'a', false], // [. never closed by .]: nothing matches
    ['[[:nosuch:]]', 'u', false], // an unknown class adds no members (nor the letters of "undefined")
    ['[[=ab=]]', '=]', true], // [= without a one-character =] is no equivalence class: [ and = are members, the first ] closes
    ['[[=ab=]]', 'a]', true],
    ['[xyz=]]', 'x]', true], // =] with no [= before it is no equivalence class either
    ['[xyz=]]', 'z', false],
    ['[a-]', '-', true], // a - before the closing ] is a member, no range
    ['[a-]', 'a', true],
    ['[a-\\', '[a-\\', false], // a range whose end is a trailing backslash: nothing matches
    ['[b-a]x]', 'x]', false], // a backwards range adds nothing, and the bracket still closes at its ]
    ['[a-a]', 'a', true], // a range of one character
    ['[]-a]', '^', true], // a range from ]
    // glibc walks a bracket's members for the character and, at the first that matches, skips the rest with a parse of
    // its own: where the two part, which member matched decides where the bracket ends, or whether it fails.
    ['[a-', '[a-', false], // a range to the end fails before the [ could be read as a character
    ['[[.ab', '[[.ab', false], // so does a [. never closed
    ['[[ab', '[[ab', true], // [ is a member and matches; its skip runs off the end, and the [ is a character after all (Debian's 2.36, as newer glibc)
    ['[ab', '[ab', true],
    ['[.:-[=a=]', ':', true], // the range :-[ takes :, and the skip from after it reads =a=] to the ]
    ['[.:-[=a=]', '.', false], // . matches first: the skip reads [=a=] whole, runs off the end, and [ is no .
    ['[.:-[=a=]]', '.', true], // …or, with one more ], ends at that one
    ['[.:-[=a=]]', ':', false], // where : leaves the last ] to match a character of its own
    ['[.:-[=a=]]', ':]', true],
    ['[a-[=b=]]', 'b', false], // b matches after the range: its skip ends at the first ], the second is a character
    ['[a-[=b=]]', 'b]', true],
    ['[a-[=b=]]', '[', false], // a-[ is a backwards range, nothing
    ['[a[:nosuch:]]', 'a', true], // a matches before the unknown class: the skip does not read its name
    ['[a[:nosuch:]]', 'b', false], // b reaches it: the pattern fails
    ['[[:constructor:]x]', 'x', false], // no class (nor anything an object inherits)
    ['[x[:constructor:]]', 'x', true],
    ['[[.a.]-]', 'a', false], // a collating symbol before a - is taken for the start of a range, even when - closes it
    ['[[.a.]-]', '-', true],
    ['[a-Z]', 'q', false], // a range whose end comes before its start (under FNM_CASEFOLD, see below, a-z)
    // Bytes, as libsinsp passes them to fnmatch in the C locale: é is two bytes of UTF-8.
    ['?', 'é', false],
    ['??', 'é', true],
    ['[é]', 'é', false], // a bracket of é's two bytes takes one of them
    ['[é][é]', 'é', true],
    ['a', 'a\0b', true], // a C string ends at its NUL
  ];
  // compileGlob: what the pattern compiles to now, never a matcher globMatcher cached before (in a mutation run, under
  // another mutant); globMatcher's cache has its own tests below.
  for (const [pattern, value, expected] of table) it(`${pattern} vs ${JSON.stringify(value)} → ${expected}`, () => expect(compileGlob(pattern).matches(value)).toBe(expected));

  it('globMatcher answers as compileGlob does, once compiled and from its cache', () => {
    for (const [pattern, value, expected] of table) {
      expect(globMatcher(pattern).matches(value)).toBe(expected);
      expect(globMatcher(pattern).matches(value)).toBe(expected);
    }
    expect(globMatcher('[ab]c')).toBe(globMatcher('[ab]c'));
  });

  it('answers a glob of many *s that does not match (one regular expression of .*s tries every split of the value: minutes on 256 characters)', () => {
    const value = 'a'.repeat(256);
    expect(globMatcher('*a*a*a*a*b').matches(value)).toBe(false);
    expect(globMatcher('*a*a*a*a*').matches(value)).toBe(true);
    expect(globMatcher(`${'*'.repeat(40)}a`).matches(value)).toBe(true);
  });

  it('fails a pattern at a class name of CHAR_CLASS_MAX_LENGTH (2048) characters, in the walk and in the skip', () => {
    expect(compileGlob(`[[:${'a'.repeat(2047)}!]`).matches('!')).toBe(true); // 2047 letters and no :]: the [ is a member
    expect(compileGlob(`[[:${'a'.repeat(2048)}!]`).matches('!')).toBe(false);
    expect(compileGlob(`[x[:${'a'.repeat(2046)}!]]`).matches('x]')).toBe(true); // the skip counts the character after the name too
    expect(compileGlob(`[x[:${'a'.repeat(2047)}!]]`).matches('x]')).toBe(false);
  });

  it('answers a glob whose bracket ends at different places for different characters, with many *s, on a long value (glibc\'s own matching, each * trying each place once)', () => {
    // [.:-[=a=]] takes . and ends at its last ], or takes : and leaves that ] to match: no fixed pieces between the *s.
    const pattern = '*[.:-[=a=]]*[.:-[=a=]]*[.:-[=a=]]*b';
    const value = ':].'.repeat(20_000);
    expect(compileGlob(pattern).matches(value)).toBe(false);
    expect(compileGlob(pattern).matches(`${value}b`)).toBe(true);
  });

  it('a caseless glob and a case-sensitive one with the same pattern do not share a compiled form', () => {
    expect(globMatcher('/ETC/*').matches('/etc/x')).toBe(false);
    expect(globMatcher('/ETC/*', true).matches('/etc/x')).toBe(true);
    expect(globMatcher('/ETC/*').matches('/etc/x')).toBe(false);
    expect(globMatcher('/Usr/?', true).matches('/usr/\n')).toBe(true);
    expect(globMatcher('/Usr/?').matches('/usr/x')).toBe(false);
    expect(globMatcher('*/Bin/*', true).matches('/usr/bin/x')).toBe(true);
  });
});

describe('globMatcher caseless (iglob): FNM_CASEFOLD of the C locale', () => {
  const table: [string, string, boolean][] = [
    ['A', 'a', true],
    ['\\A', 'a', true], // an escaped letter folds too
    ['[A-Z]', 'a', true], // a character and the ends of a range fold…
    ['[a-Z]', 'q', true], // …so a-Z is a-z
    ['[[:upper:]]', 'a', false], // …but a class tests the character as it is
    ['[[=A=]]', 'a', false], // …and so do an equivalence class and a collating symbol
    ['[[.A.]]', 'a', false],
    ['é', 'É', false], // ASCII letters only: é and É differ in a byte that tolower of the C locale leaves
  ];
  for (const [pattern, value, expected] of table) it(`${pattern} vs ${JSON.stringify(value)} → ${expected}`, () => expect(compileGlob(pattern, true).matches(value)).toBe(expected));
});

describe('compileGlob against glibc: test/fixtures/glob/glibc-fnmatch.json (scripts/glibc-fnmatch-oracle.py)', () => {
  it('answers as glibc\'s fnmatch on every case the oracle wrote, flags 0 and FNM_CASEFOLD', () => {
    const { cases } = JSON.parse(readFileSync(fixture('glob', 'glibc-fnmatch.json'), 'utf8')) as { cases: [string, string, boolean, boolean][] };
    // Rows of glibc's answers to random patterns dense in the corners of bracket expressions, and values around them;
    // each pattern is compiled once.
    const compiled = new Map<string, GlobMatcher>();
    const wrong = cases.filter(([pattern, value, isCaseless, matches]) => {
      const key = `${isCaseless}${pattern}`;
      const matcher = compiled.get(key) ?? compileGlob(pattern, isCaseless);
      compiled.set(key, matcher);
      return matcher.matches(value) !== matches;
    });
    expect(wrong).toEqual([]);
    expect(cases.length).toBeGreaterThan(4000);
  });
});

describe('pathPrefixMatches (pmatch)', () => {
  const table: [string, string[], boolean][] = [
    ['/etc/shadow', ['/etc'], true],
    ['/etc/shadow', ['/etc/'], true],
    ['/etc//shadow', ['/etc/shadow'], true], // empty components do not count
    ['/etc', ['/etc/shadow'], false],
    ['/etcetera/x', ['/etc'], false],
    ['/etc/shadow', ['/var', '/etc/shadow'], true],
    ['/etc/shadow', [], false],
    ['/home/bob/.ssh/id_rsa', ['/home/*/.ssh'], true],
    ['/home/bob/.gnupg/x', ['/home/*/.ssh'], false],
    ['/home/bob/.ssh', ['/home/b?b'], true],
    ['/home/bob/.ssh', ['/home/[ab]ob'], true],
    ['/home/cob/.ssh', ['/home/[ab]ob'], false],
    ['/x', ['/'], true], // the root is a prefix of every path
    ['/etc', ['/etc/*'], false], // a glob component needs a component to match
  ];
  for (const [value, prefixes, expected] of table) it(`${value} pmatch (${prefixes.join(', ')}) → ${expected}`, () => expect(pathPrefixMatches(value, prefixes)).toBe(expected));
});

describe('compareScalar', () => {
  const table: [string, Scalar, string, ValueType, boolean][] = [
    ['=', 'cat', 'cat', 'string', true],
    ['=', 'cat', 'Cat', 'string', false],
    ['==', 'cat', 'cat', 'string', true],
    ['!=', 'cat', 'cat', 'string', false],
    ['!=', 'cat', 'dog', 'string', true],
    ['=', 0, '0', 'number', true],
    ['=', 0, '', 'number', false], // an empty number is not zero
    ['=', 0, '  ', 'number', false],
    ['!=', 0, '', 'number', true],
    ['=', 8, '9', 'number', false],
    ['=', true, 'true', 'bool', true],
    ['=', true, 'TRUE', 'bool', true],
    ['=', false, 'true', 'bool', false],
    ['=', 'false', 'False', 'bool', true],
    ['=', 'true', 'false', 'bool', false],
    ['=', true, '1', 'bool', false], // only the words true and false
    ['=', 'yes', 'false', 'bool', false],
    ['=', 'yes', 'true', 'bool', false],
    ['=', '10.1.2.3', '10.0.0.0/8', 'ip', true],
    ['=', '10.1.2.3', '10.0.0.0/8', 'net', true],
    ['=', '10.1.2.3', '10.0.0.0/8', 'string', false],
    ['!=', '10.1.2.3', '10.0.0.0/8', 'ip', false],
    ['<', 1, '2', 'number', true],
    ['<', 2, '2', 'number', false],
    ['<=', 2, '2', 'number', true],
    ['<=', 3, '2', 'number', false],
    ['>', 3, '2', 'number', true],
    ['>', 2, '2', 'number', false],
    ['>=', 2, '2', 'number', true],
    ['>=', 1, '2', 'number', false],
    ['>', '10', '9', 'number', true], // a number field compares as numbers even when given as text
    ['>', 10, '9', 'string', true], // so does a number value
    ['>', '10', '9', 'string', false], // text compares as text
    ['<', 'a', 'b', 'string', true],
    ['<', 'b', 'a', 'string', false],
    ['<', 'a', 'a', 'string', false],
    ['<=', 'a', 'a', 'string', true],
    ['>', 'b', 'a', 'string', true],
    ['>=', 'a', 'b', 'string', false],
    ['<', 1, 'x', 'number', false], // not a number: no order
    ['>=', 1, 'x', 'number', false],
    ['<', -1, '', 'number', false], // empty: no order (Number('') would be 0)
    ['<=', 0, ' ', 'number', false],
    ['contains', 'cat /etc/shadow', '/etc', 'string', true],
    ['contains', 'cat /etc/shadow', '/ETC', 'string', false],
    ['icontains', 'cat /etc/shadow', '/ETC', 'string', true],
    ['icontains', 'CAT', 'dog', 'string', false],
    // strcasestr in the C locale (glibc 2.36, checked through ctypes): only A–Z fold; other letters are other bytes
    ['icontains', 'ÉCOLE', 'école', 'string', false],
    ['icontains', 'ÉCOLE', 'Écol', 'string', true],
    ['icontains', 'K', '\u212a', 'string', false], // the Kelvin sign lowers to k in JavaScript, not in C
    ['icontains', 'STRASSE', 'straße', 'string', false],
    ['icontains', 'Mixed Case', 'mIXED cASE', 'string', true],
    // C strings: a value or operand ends at its first NUL (strstr, strcasestr, strncmp and strlen stop there)
    ['contains', 'ab\0cd', 'cd', 'string', false],
    ['contains', '\0cd', 'cd', 'string', false], // a value that starts with its NUL is empty
    ['contains', 'abcd', 'ab\0zz', 'string', true],
    ['icontains', 'AB\0CD', 'cd', 'string', false],
    ['startswith', 'ab\0cd', 'ab\0x', 'string', true],
    ['endswith', 'ab\0cd', 'cd', 'string', false],
    ['endswith', 'abcd', 'cd\0ab', 'string', true],
    ['startswith', '/usr/bin/cat', '/usr', 'string', true],
    ['startswith', '/usr/bin/cat', 'bin', 'string', false],
    ['endswith', '/usr/bin/cat', 'cat', 'string', true],
    ['endswith', '/usr/bin/cat', 'bin', 'string', false],
    ['contains', 12345, '234', 'number', true], // string operators see a number as its digits
    ['bcontains', 'cat', '6174', 'string', true],
    ['bcontains', 'cat', '61 74', 'string', false], // hex as sinsp_utils::unhex reads it: no blanks (Falco refuses the rule)
    ['bcontains', 'cat', '0x61', 'string', false],
    ['bcontains', 'cat', '6163', 'string', false],
    ['bcontains', 'cat', '617', 'string', false], // odd hex: no bytes
    ['bcontains', 'cat', 'zz', 'string', false],
    ['bcontains', 'cat', 'x6174', 'string', false],
    ['bcontains', 'cat', '6174x', 'string', false],
    ['bstartswith', 'cat', '6361', 'string', true],
    ['bstartswith', 'cat', '6174', 'string', false],
    ['bstartswith', 'ca', '636174', 'string', false],
    ['glob', '/root/.ssh', '/root/*', 'string', true],
    ['glob', '/ROOT/.ssh', '/root/*', 'string', false],
    ['iglob', '/ROOT/.ssh', '/root/*', 'string', true],
    ['iglob', '/var/x', '/root/*', 'string', false],
    ['regex', '/usr/bin/cat', '/usr/bin/[a-z]+', 'string', true],
    ['regex', '/usr/bin/cat', 'bin', 'string', false],
    ['regex', 'a|b', 'a|b', 'string', false], // anchored as a group: the alternation covers the whole value
    ['regex', 'xa', 'b|xa', 'string', true],
    ['regex', 'line1\nline2', 'line1.line2', 'string', false], // RE2 without dot_nl: . is any character but a newline
    ['regex', 'line1\nline2', 'line1[^x]line2', 'string', true], // …while a negated class takes one (RE2's ClassNL)
    ['regex', 'a\nb', 'a$\n^b', 'string', true], // ^ and $ at line ends (POSIX mode without one_line)
    ['regex', 'a\nb', 'a$', 'string', false], // still anchored at both ends
    ['regex', '', 'a+?', 'string', true], // POSIX syntax: +? is (a+)?, not a lazy +
    ['regex', 'aa', 'a**', 'string', true],
    ['regex', 'é', '.', 'string', true], // a character, not a byte
    ['regex', 'A', '\\101', 'string', true], // an octal escape
    ['regex', 'anything', '(', 'string', false], // an invalid pattern matches nothing
    ['regex', 'anything', '(', 'string', false], // …also the second time (cached)
    ['in', 'cat', 'cat', 'string', false], // not a scalar operator
    ['exists', 'cat', '', 'string', false],
  ];
  for (const [operator, value, rhs, type, expected] of table) {
    it(`${JSON.stringify(value)} ${operator} ${JSON.stringify(rhs)} (${type}) → ${expected}`, () => expect(compareScalar(operator, value, rhs, type)).toBe(expected));
  }
});

describe('regex: RE2, linear in the value', () => {
  it('answers a pattern that a backtracking engine tries every split of (a JavaScript RegExp takes minutes on 18 characters)', () => {
    expect(compareScalar('regex', 'x'.repeat(18), '(.*.*)*XYZ', 'string')).toBe(false);
    expect(compareScalar('regex', `${'x'.repeat(100_000)}XYZ`, '(.*.*)*XYZ', 'string')).toBe(true);
  });
});

describe('compareSet', () => {
  it('in: some value of a scalar field is in the set, typed', () => {
    expect(compareSet('in', ['cat'], ['grep', 'cat'], 'string', false)).toBe(true);
    expect(compareSet('in', ['cat'], ['grep'], 'string', false)).toBe(false);
    expect(compareSet('in', [443], ['80', '0443'], 'number', false)).toBe(true);
    expect(compareSet('in', ['10.1.2.3'], ['192.168.0.0/16', '10.0.0.0/8'], 'ip', false)).toBe(true);
    expect(compareSet('in', ['cat'], [], 'string', false)).toBe(false);
  });
  it('in on a list field: every value must be in the set, and an empty list is in no set', () => {
    expect(compareSet('in', ['a', 'b'], ['a', 'b', 'c'], 'string', true)).toBe(true);
    expect(compareSet('in', ['a', 'x'], ['a', 'b', 'c'], 'string', true)).toBe(false);
    expect(compareSet('in', [], ['a'], 'string', true)).toBe(false);
    expect(compareSet('in', ['a', 'x'], ['a'], 'string', false)).toBe(true);
  });
  it('intersects: some value is in the set, list or not', () => {
    expect(compareSet('intersects', ['a', 'x'], ['a'], 'string', true)).toBe(true);
    expect(compareSet('intersects', ['y', 'x'], ['a'], 'string', true)).toBe(false);
    expect(compareSet('intersects', [], ['a'], 'string', true)).toBe(false);
  });
  it('pmatch: some value lies under some path', () => {
    expect(compareSet('pmatch', ['/var/x', '/etc/shadow'], ['/etc'], 'string', false)).toBe(true);
    expect(compareSet('pmatch', ['/var/x'], ['/etc'], 'string', false)).toBe(false);
    expect(compareSet('pmatch', ['/etc'], ['/etc/shadow'], 'string', false)).toBe(false); // not mere set membership
  });
});
