// JSON files attack-cov reads back (a baseline report.json, a reviewed suggestions file): parsed, and when they
// are not JSON, the error names the file with line and column, as YAML errors do. Pure.
import { InputError } from './errors.js';

/** Line and column (1-based) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** JSON.parse of `text`, read from `file`; not JSON → an InputError at `file:line:column` (the end, when the text stops early). */
export function parseJsonText(text: string, file: string, hint: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    // V8 says where: "… in JSON at position N" (and, past Node 20, "(line L column C)"), or the text ended early.
    const position = /\bat position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : undefined;
    const detail = message.replace(/ in JSON at position \d+.*$/s, '').replace(/^Unexpected end of JSON input$/, 'the text ends before the JSON does');
    if (offset === undefined) throw new InputError(file, `not JSON: ${detail}`, hint);
    const { line, column } = lineAndColumn(text, offset);
    throw new InputError(`${file}:${line}:${column}`, `not JSON: ${detail}`, hint);
  }
}
