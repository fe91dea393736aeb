// The one text change between a file before and after applying a suggestion, as a SARIF-style region
// (1-based lines and columns, end exclusive) and the text that replaces it. Pure.

export interface TextEdit {
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** What replaces the region (an insertion when the region is empty). */
  text: string;
}

/** The 1-based line and column of `offset` in `text`. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/** The smallest region of `before` whose replacement gives `after` (common prefix and suffix kept). */
export function textEdit(file: string, before: string, after: string): TextEdit | undefined {
  if (before === after) return undefined;
  // No length bound needed: past a string's end the index gives undefined, which equals no character, and both
  // strings end together only when they are equal (returned above). So the loop stops at the shorter one's end.
  let prefix = 0;
  while (before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < before.length - prefix && suffix < after.length - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const start = positionOf(before, prefix);
  const end = positionOf(before, before.length - suffix);
  return { file, startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column, text: after.slice(prefix, after.length - suffix) };
}
