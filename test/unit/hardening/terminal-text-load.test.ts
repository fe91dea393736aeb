// src/terminal-text.ts builds its patterns when it is loaded: a pattern that does not compile (the tag characters
// U+E0000–E007F need the `u` flag) would throw at import, which a suite importing it statically reports as a
// failed file with no failed test. Imported inside a test here, such a failure fails a test.
import { describe, expect, it } from 'vitest';

describe('terminal-text loads', () => {
  it('compiles its patterns, global and Unicode-aware, at import', async () => {
    const { unsafeCharacters, escapeForTerminal, terminalSafe } = await import('../../../src/terminal-text.js');
    const pattern = unsafeCharacters();
    expect(pattern.flags).toBe('gu');
    expect(unsafeCharacters('+').source.endsWith(']+')).toBe(true);
    expect(escapeForTerminal('a\u{e0041}b\u{e0041}')).toBe('a\\udb40\\udc41b\\udb40\\udc41');
    expect(terminalSafe('x\u{e0041}y\u200bz\n')).toBe('x\\udb40\\udc41y\\u200bz\n');
  });
});
