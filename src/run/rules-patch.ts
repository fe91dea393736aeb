// The diff `lint --fix-dry-run` and `suggest --apply --dry-run` print for a rules file they would rewrite.
import { createTwoFilesPatch } from 'diff';
import { escapeForTerminal } from '../terminal-text.js';

/**
 * A unified diff of one rules file, named as `git diff` names files (a/…, b/…, no leading slash). The name is
 * escaped as one field: a file name holding a newline cannot add lines to the diff a reviewer reads.
 */
export function rulesFilePatch(filePath: string, before: string, after: string): string {
  const shown = escapeForTerminal(filePath.replace(/^\/+/, ''));
  return createTwoFilesPatch(`a/${shown}`, `b/${shown}`, before, after, '', '', { context: 3 });
}
