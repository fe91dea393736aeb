// Errors of the yaml library named where a person fixes them, for rules files and the project config alike. Pure.
import type { LineCounter } from 'yaml';
import { InputError } from '../errors.js';
import { yamlLib } from './yaml-lib.js';

/** The yaml lexer's marker tokens (yaml's cst.ts: DOCUMENT, FLOW_END, SCALAR), which are not characters of the text. */
const DOCUMENT = '\x02';
const FLOW_END = '\x18';
const SCALAR = '\x1f';

/**
 * Where the quoted scalar that the yaml library found unclosed at `end` opens: the library reports the end (often the
 * end of the file), far from the quote to fix. The last token of yaml's lexer that starts with `quote` before `end` and
 * runs to it or past it; its marker tokens are not counted. The token right after a SCALAR marker is a plain scalar's
 * text, even when it is one of those characters itself (`desc: <U+0001>`): counted (QA: skipping every control
 * character of one token named the wrong quote, three columns off, when a rule had such a value).
 */
export function unclosedQuoteAt(text: string, quote: string, end: number): number | undefined {
  let offset = 0;
  let opened: number | undefined;
  let isScalarText = false;
  for (const token of new (yamlLib().Lexer)().lex(text)) {
    if (!isScalarText && (token === DOCUMENT || token === FLOW_END || token === SCALAR)) {
      isScalarText = token === SCALAR;
      continue;
    }
    isScalarText = false;
    // Stryker disable next-line EqualityOperator: > for >= differs only for a token that starts at `end` with the quote, and the lexer ends the unclosed quoted token that `end` ends with a line break or the end of the text (yaml's lexer, parseQuotedScalar)
    if (offset >= end) break;
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the tokens are contiguous, so the last one that starts before `end` is the only one that can reach it, and it is the unclosed quoted token itself: every way of keeping the last token that starts with the quote, or the last that reaches `end`, keeps that one
    if (token[0] === quote && offset + token.length >= end) opened = offset;
    offset += token.length;
  }
  return opened;
}

/** Where an error the library reports at `offset` is, in words: its line, or the end of the file when nothing but
 * blanks follows (the library's offset may be past the last line). */
function placeOf(text: string, lines: LineCounter, offset: number): string {
  return /^\s*$/.test(text.slice(offset)) ? 'the end of the file' : `line ${lines.linePos(offset).line}`;
}

/** The yaml library's "Missing closing quote" error, named where the quote opens (see unclosedQuoteAt); undefined for
 * any other error. For rules files and the project config alike. */
export function unclosedQuoteError(text: string, error: { message: string; pos: [number, number] }, lines: LineCounter, where: (offset: number) => string): InputError | undefined {
  // Stryker disable next-line Regex: "Missing closing" starts both of yaml's messages that hold it (resolve-flow-scalar); elsewhere it can only be in "Not a YAML token: <the rest of a block scalar's header line>", after blanks, where no quoted token ends and the answer is undefined either way
  const quote = /^Missing closing (["'])quote/.exec(error.message)?.[1];
  const opened = quote === undefined ? undefined : unclosedQuoteAt(text, quote, error.pos[0]);
  if (opened === undefined) return undefined;
  return new InputError(where(opened), `YAML syntax error: the ${quote}quoted${quote} string that starts here is not closed`, `it runs on to ${placeOf(text, lines, error.pos[0])}; close it, or write the value without quotes`);
}

/**
 * Where the flow collection (`open`: `[` or `{`) that the yaml library found unended at `end` opens: the library
 * reports where its items stopped (often the next item, or the end of the file: a line past the last), far from the
 * bracket to close. The innermost collection of that kind still open at `end`, by the lexer's brackets; its marker
 * tokens are not counted, nor a plain scalar's text (the token after a SCALAR marker).
 */
export function unclosedFlowAt(text: string, open: '[' | '{', end: number): number | undefined {
  const opened: { bracket: string; offset: number }[] = [];
  let offset = 0;
  for (const token of new (yamlLib().Lexer)().lex(text)) {
    // Markers, not text. (A scalar's own token is never a lone bracket: no plain scalar starts with one, a quoted one
    // starts with its quote.) The lexer ends a flow collection with FLOW_END only where yaml then reports it unended,
    // or at the end of the text: never before `end`.
    if (token === DOCUMENT || token === SCALAR) continue;
    // Stryker disable next-line ConditionalExpression: see above: a FLOW_END taken as text would come at or after `end`, where the loop stops
    if (token === FLOW_END) continue;
    if (offset >= end) break;
    if (token === '[' || token === '{') opened.push({ bracket: token, offset });
    else if ((token === ']' || token === '}') && opened.at(-1)?.bracket === (token === ']' ? '[' : '{')) opened.pop();
    offset += token.length;
  }
  return opened.findLast((o) => o.bracket === open)?.offset;
}

/** The yaml library's "Flow sequence/map … end with a ]/}" error, named where the collection opens (see
 * unclosedFlowAt); undefined for any other error. */
export function unclosedFlowError(text: string, error: { message: string; pos: [number, number] }, lines: LineCounter, where: (offset: number) => string): InputError | undefined {
  const found = /^Flow (sequence|map)( in block collection must be sufficiently indented and| must) end with a ([\]}])/.exec(error.message);
  if (!found) return undefined;
  const [, kind, inBlock, close] = found;
  const opened = unclosedFlowAt(text, close === ']' ? '[' : '{', error.pos[0]);
  if (opened === undefined) return undefined;
  const indent = inBlock!.startsWith(' in block') ? ', each of its lines indented past the key it is the value of' : '';
  return new InputError(where(opened), `YAML syntax error: the flow ${kind} that starts here does not end with a ${close}${indent ? ' where it should' : ''}`, `it runs on to ${placeOf(text, lines, error.pos[0])}; end it with ${close}${indent}`);
}

/** A yaml library error named where a person fixes it (an unclosed quote or bracket), else undefined. */
export function namedYamlError(text: string, error: { message: string; pos: [number, number] }, lines: LineCounter, where: (offset: number) => string): InputError | undefined {
  return unclosedQuoteError(text, error, lines, where) ?? unclosedFlowError(text, error, lines, where);
}

/** The first of `errors` (a document's, read with `lines`) at file:line:col: an unclosed quote or bracket where it
 * opens (namedYamlError), any other where yaml says, its message after `what`; undefined when there is none. For the
 * project config and atomics files (rules files say more: composeDocuments). */
export function firstYamlError(text: string, file: string, errors: readonly { message: string; pos: [number, number] }[], lines: LineCounter, what: string): InputError | undefined {
  const error = errors[0];
  if (!error) return undefined;
  const where = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  return namedYamlError(text, error, lines, where) ?? new InputError(where(error.pos[0]), `${what}: ${error.message.split('\n')[0]!}`);
}
