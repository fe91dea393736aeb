// The glob's corners that the mutation run of src/emulate/glob.ts and src/emulate/glob-bracket.ts found no test
// for: each row is a pattern, a value, flags 0 (CASE, glob) or FNM_CASEFOLD (ICASE, iglob), and what this machine's glibc
// fnmatch(3) answers in the C locale (asked through ctypes, as scripts/glibc-fnmatch-oracle.py does), never what the code
// returns. So the file proves compileGlob answers as glibc on these rows: brackets glibc walks and skips differently,
// iglob folding only A to Z, a NUL ending the value, and *, ? and \ after a bracket that sends the glob to glibc's own
// matching loop. compileGlob, not globMatcher: a matcher cached earlier could answer for a pattern.
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../../src/emulate/glob.js';

const CASE = false;
const ICASE = true;

/** Each row: compileGlob(pattern, caseless).matches(value) is glibc's answer. */
function holds(rows: [pattern: string, value: string, caseless: boolean, glibc: boolean][]): void {
  for (const [pattern, value, caseless, glibc] of rows) {
    expect(compileGlob(pattern, caseless).matches(value), `${caseless ? 'iglob' : 'glob'} ${JSON.stringify(pattern)} vs ${JSON.stringify(value)}`).toBe(glibc);
  }
}

describe('globs whose brackets end at one place (compiled to pieces)', () => {
  it('iglob folds A to Z only: a byte of é\'s UTF-8 is not folded onto another byte', () => {
    holds([
      ['é*', '㩀', ICASE, false],
      ['é*', '㩀', CASE, false],
      ['É*', 'é', ICASE, false],
      ['A*', 'ab', ICASE, true],
      ['[é]*', 'ã', ICASE, true],
    ]);
  });
  it('a value that starts with a NUL is the empty string to fnmatch', () => {
    holds([
      ['', '\0x', CASE, true],
      ['*', '\0x', CASE, true],
      ['?', '\0x', CASE, false],
      ['x', '\0x', CASE, false],
    ]);
  });
});

describe('globs read by glibc\'s own matching (after [.:-[=a=]], which goes on after its last ] for . and before it for :)', () => {
  it('the bracket goes on at a different place for each byte it takes', () => {
    holds([
      ['[.:-[=a=]]', '.', CASE, true],
      ['[.:-[=a=]]', ':]', CASE, true],
      ['[.:-[=a=]]', ':', CASE, false],
      ['[.:-[=a=]]', '.]', CASE, false],
    ]);
  });
  it('iglob folds A to Z only there too', () => {
    holds([
      ['[.:-[=a=]]é*', '.㩀', ICASE, false],
      ['[.:-[=a=]]A*', '.a', ICASE, true],
      ['[.:-[=a=]]a*', '.A', CASE, false],
    ]);
  });
  it('a * that ends the pattern takes the rest of the value, none or any', () => {
    holds([
      ['[.:-[=a=]]*', '.', CASE, true],
      ['[.:-[=a=]]*', '.xyz', CASE, true],
      ['[.:-[=a=]]**', '.', CASE, true],
      ['[.:-[=a=]]**', '.ab', CASE, true],
      ['[.:-[=a=]]*b*', '.ab', CASE, true],
    ]);
  });
  it('each ? right after a * takes one byte, and there is none past the end of the value', () => {
    holds([
      ['[.:-[=a=]]*?', '.', CASE, false],
      ['[.:-[=a=]]*?', '.a', CASE, true],
      ['[.:-[=a=]]*??', '.a', CASE, false],
      ['[.:-[=a=]]*??', '.ab', CASE, true],
      ['[.:-[=a=]]*?a', '.a', CASE, false],
      ['[.:-[=a=]]*?a', '.aa', CASE, true],
      ['[.:-[=a=]]*?a', '.ba', CASE, true],
      ['[.:-[=a=]]*?*', '.', CASE, false],
      ['[.:-[=a=]]*?*', '.a', CASE, true],
      ['[.:-[=a=]]*?*?', '.a', CASE, false],
      ['[.:-[=a=]]*?*?', '.ab', CASE, true],
    ]);
  });
  it('a ? takes a byte only where the value has one', () => {
    holds([
      ['[.:-[=a=]]?*', '.', CASE, false],
      ['[.:-[=a=]]?*', '.a', CASE, true],
      ['[.:-[=a=]]??', '.a', CASE, false],
      ['[.:-[=a=]]?', '.a', CASE, true],
    ]);
  });
  it('a backslash makes the next character literal, folded under iglob, and a trailing one loses', () => {
    holds([
      ['[.:-[=a=]]\\a', '.a', CASE, true],
      ['[.:-[=a=]]\\a', '.b', CASE, false],
      ['[.:-[=a=]]\\a', '.A', ICASE, true],
      ['[.:-[=a=]]\\a', '.A', CASE, false],
      ['[.:-[=a=]]\\A', '.a', ICASE, true],
      ['[.:-[=a=]]\\*', '.*', CASE, true],
      ['[.:-[=a=]]\\*', '.x', CASE, false],
      ['[.:-[=a=]]\\?', '.x', CASE, false],
      ['[.:-[=a=]]\\a*', '.ab', CASE, true],
      ['[.:-[=a=]]\\ab', '.ab', CASE, true],
      ['[.:-[=a=]]\\', '.\\', CASE, false],
      ['[.:-[=a=]]\\', '.', CASE, false],
    ]);
  });
});

describe('bracket expressions, as glibc walks their members and then skips the rest', () => {
  it('a - that ends the pattern right after a member: the walk fails, and a [ the member took is a plain [', () => {
    holds([
      ['[[-', '[[-', CASE, true],
      ['[[-', '[', CASE, false],
      ['[[-', '[-', CASE, false],
      ['[a-', 'a', CASE, false],
      ['[a-', '[a-', CASE, false],
      ['[\\[-', '[[-', CASE, true],
    ]);
  });
  it('[= not followed by one character and =] leaves its [ a plain member', () => {
    holds([
      ['[[=ab]]', '[]', CASE, true],
      ['[[=ab]]', '=]', CASE, true],
      ['[[=ab]]', 'a]', CASE, true],
      ['[[=ab]]', 'a', CASE, false],
      ['[[=a=x]', '[', CASE, true],
      ['[[=a=x]', 'x', CASE, true],
      ['[[=a=x]', 'a', CASE, true],
      ['[[=a]]]', '[]]', CASE, true],
      ['[[=a=]]', 'a', CASE, true],
    ]);
  });
  it('a range may end at a collating symbol [.c.]', () => {
    holds([
      ['[a-[.c.]]', 'b', CASE, true],
      ['[a-[.c.]]', 'a', CASE, true],
      ['[a-[.c.]]', 'c', CASE, true],
      ['[a-[.c.]]', '.]', CASE, false],
      ['[A-[.a.]]', '[', CASE, true],
      ['[A-[.a.]]', '[]', CASE, false],
      ['[a-[.', '[a-[.', CASE, false],
    ]);
  });
  it('an escaped range end is the character after the backslash, read once', () => {
    holds([
      ['[a-\\c]', 'b', CASE, true],
      ['[a-\\c]]', 'a]', CASE, true],
      ['[a-\\c]', 'B', ICASE, true],
      ['[a-\\c-z]', '-', CASE, true],
      ['[a-\\c-z]', 'm', CASE, false],
      ['[x-\\a]', 'a', CASE, false],
      ['[x-\\a]', 'A', ICASE, false],
      ['[a-\\].', '[a-].', CASE, true],
      ['[a-\\].', 'b', CASE, false],
    ]);
  });
  it('[: not followed by letters and :] leaves its [ a plain member', () => {
    holds([
      ['[[:alpha:x]', '[', CASE, true],
      ['[[:alpha:x]', ':', CASE, true],
      ['[[:alpha:x]', 'A', CASE, false],
      ['[[:alpha:x]]', '[]', CASE, true],
      ['[[:]', '[', CASE, true],
      ['[[::', '[[::', CASE, true],
    ]);
  });
  it('a collating symbol is one character closed by .] right after it', () => {
    holds([
      ['[[.a.x]', 'a', CASE, false],
      ['[[.a.x]]', 'a]', CASE, false],
      ['[[.a.]x]', 'a', CASE, true],
    ]);
  });
  it('a class name is letters a to y: a z or anything else before :] leaves the [ a plain member', () => {
    holds([
      ['[[:z:]]', 'z]', CASE, true],
      ['[[:z:]]', '[]', CASE, true],
      ['[[:az:]]', 'a]', CASE, true],
      ['[[:a{:]]', '{]', CASE, true],
      ['[[:{:]]', '[]', CASE, true],
    ]);
  });
  it('the skip after a member that took the byte reads only [: as the start of a class', () => {
    holds([
      ['[ab:c:]]', 'a]', CASE, true],
      ['[ab:c:]]', 'a', CASE, false],
      ['[ax:b:]]', 'a]', CASE, true],
    ]);
  });
  it('the skip passes [=c=] whole and fails the pattern at any other [=', () => {
    holds([
      ['[a[=ab]]]', 'a]', CASE, false],
      ['[a[=b=x]]', 'a]', CASE, false],
      ['[a[=b=]]', 'a]', CASE, false],
    ]);
  });
  it('the skip passes [. up to the first .] after the character next to it', () => {
    holds([
      ['[a[.].]x]', 'a', CASE, true],
      ['[a[.].]x]', 'ax]', CASE, false],
      ['[a[.]b.]]', 'a', CASE, true],
      ['[a[.]b.]]', 'a]', CASE, false],
    ]);
  });
  it('the skip ends a class name only at :]', () => {
    holds([
      ['[a[:b:\\]]x]', 'ax]', CASE, true],
      ['[a[:b:[=]=]]]', 'a]', CASE, true],
    ]);
  });
  it('a class name of 2047 letters and no :] in the skip fails the pattern for the byte the bracket took', () => {
    holds([
      [`[[[:${'a'.repeat(2047)}!]]`, '[[]', CASE, false],
      [`[[[:${'a'.repeat(2047)}!]]`, '[a]', CASE, false],
      [`[x[:${'a'.repeat(2046)}!]]`, 'x]', CASE, true],
    ]);
  });
});
