// Errors of the yaml library named where a person fixes them, for rules files and the project config alike. Pure.
import type { LineCounter } from 'yaml';
import { InputError } from '../errors.js';
import { yamlLib } from './yaml-lib.js';

/**
 * Where the quoted scalar that the yaml library found unclosed at `end` opens: the library reports the end (often the
 * end of the file), far from the quote to fix. The last token of yaml's lexer that starts with `quote` before `end` and
 * runs to it or past it; its control tokens (one character below U+0020, not in the text) are not counted.
 */
export function unclosedQuoteAt(text: string, quote: string, end: number): number | undefined {
  let offset = 0;
  let opened: number | undefined;
  for (const token of new (yamlLib().Lexer)().lex(text)) {
    if (token.length === 1 && token < ' ' && token !== '\n' && token !== '\r' && token !== '\t') continue;
    if (offset >= end) break;
    if (token[0] === quote && offset + token.length >= end) opened = offset;
    offset += token.length;
  }
  return opened;
}

/** The yaml library's "Missing closing quote" error, named where the quote opens (see unclosedQuoteAt); undefined for
 * any other error. For rules files and the project config alike. */
export function unclosedQuoteError(text: string, error: { message: string; pos: [number, number] }, lines: LineCounter, where: (offset: number) => string): InputError | undefined {
  const quote = /^Missing closing (["'])quote/.exec(error.message)?.[1];
  const opened = quote === undefined ? undefined : unclosedQuoteAt(text, quote, error.pos[0]);
  if (opened === undefined) return undefined;
  return new InputError(where(opened), `YAML syntax error: the ${quote}quoted${quote} string that starts here is not closed`, `it runs on to line ${lines.linePos(error.pos[0]).line}; close it, or write the value without quotes`);
}
