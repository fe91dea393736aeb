// JSON files attack-cov reads back (a baseline report.json, a reviewed suggestions file): parsed, and when they
// are not JSON, the error names the file with line and column, as YAML errors do. Pure.
import { InputError } from './errors.js';

/** Line and column (1-based) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

/**
 * Where JSON.parse gave up on `text`, and why, in words of its own: V8 gives a position for some errors only,
 * and quotes the text around others. A scanner of JSON's grammar with a stack (no recursion: nesting is the
 * input's to choose); called only once JSON.parse has failed.
 */
export function jsonErrorAt(text: string): { offset: number; problem: string } {
  let at = 0;
  const skip = () => {
    WHITESPACE.lastIndex = at;
    WHITESPACE.exec(text);
    at = WHITESPACE.lastIndex;
  };
  const match = (pattern: RegExp) => {
    pattern.lastIndex = at;
    const found = pattern.exec(text);
    if (found) at = pattern.lastIndex;
    return found !== null;
  };
  // Where a value or key is wanted, a quote that STRING did not take opens a broken string.
  const unexpected = (isValueWanted: boolean) => ({
    offset: at,
    problem: at >= text.length ? 'the text ends before the JSON does' : isValueWanted && text[at] === '"' ? 'a string that is not closed, or that holds a line break or another control character' : `unexpected ${JSON.stringify(text[at])}`,
  });
  /** A key and its colon: undefined when both are there, else the error (`at` stands where the scan stopped). */
  const key = () => {
    if (!match(STRING)) return unexpected(true);
    skip();
    return text[at] === ':' ? undefined : unexpected(false);
  };
  // What the scanner expects next: a value, or after a value inside a container a separator or its end.
  const stack: ('[' | '{')[] = [];
  let wantValue = true;
  for (;;) {
    skip();
    if (wantValue) {
      if (text[at] === '[' || text[at] === '{') {
        const open = text[at] as '[' | '{';
        at++;
        skip();
        if (text[at] === (open === '[' ? ']' : '}')) {
          at++;
          wantValue = false;
          continue;
        }
        stack.push(open);
        const keyError = open === '{' ? key() : undefined;
        if (keyError) return keyError;
        if (open === '{') at++;
        continue;
      }
      if (!match(STRING) && !match(NUMBER) && !match(LITERAL)) return unexpected(true);
      wantValue = false;
      continue;
    }
    const open = stack.at(-1);
    // Past the end of the value, so more text follows: the scanner follows JSON's grammar and runs only once JSON.parse
    // refused the text, and a text that ended here would have been taken.
    if (open === undefined) return { offset: at, problem: 'more text after the JSON' };
    if (text[at] === (open === '[' ? ']' : '}')) {
      at++;
      stack.pop();
      continue;
    }
    if (text[at] !== ',') return unexpected(false);
    at++;
    skip();
    const keyError = open === '{' ? key() : undefined;
    if (keyError) return keyError;
    if (open === '{') at++;
    wantValue = true;
  }
}

/** JSON.parse of `text`, read from `file`; not JSON → an InputError at `file:line:column`, in the scanner's words. */
export function parseJsonText(text: string, file: string, hint: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const { offset, problem } = jsonErrorAt(text);
    const { line, column } = lineAndColumn(text, offset);
    throw new InputError(`${file}:${line}:${column}`, `not JSON: ${problem}`, hint);
  }
}
