// src/falco/yaml-errors.ts's marker constants (DOCUMENT, FLOW_END, SCALAR: the yaml lexer's tokens that are no
// characters of the text), each read by unclosedQuoteAt: a marker counted as a character moves the quote it names. The
// module is loaded afresh in each test (vi.resetModules): the constants are made when it loads, so only a test that loads
// it sees a change to them. The cases are yaml-errors.test.ts's, one marker each.
import { describe, expect, it, vi } from 'vitest';

async function unclosedQuoteAt(text: string, end: number): Promise<number | undefined> {
  vi.resetModules();
  return (await import('../../../src/falco/yaml-errors.js')).unclosedQuoteAt(text, '"', end);
}

describe('yaml-errors.ts marker constants, each', () => {
  it('DOCUMENT: the document start the lexer adds is not counted', async () => {
    expect(await unclosedQuoteAt('a: "x\n', 6)).toBe(3);
  });
  it('FLOW_END: the end the lexer adds to a flow sequence left open is not counted', async () => {
    expect(await unclosedQuoteAt('- [a\n- "x\n', 10)).toBe(7);
  });
  it('SCALAR: the mark before a plain scalar is not counted', async () => {
    expect(await unclosedQuoteAt('a: b\nc: "x\n', 11)).toBe(8);
  });
});
