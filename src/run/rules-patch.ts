// What `lint --fix` and `suggest --apply` do with the rules files they change: print the diff (a dry run), or
// rewrite them all or none.
import { createTwoFilesPatch } from 'diff';
import { checkRewritable, namedByText, rulesFileContent, type RulesText } from '../falco/load.js';
import { replaceFilesAtomically } from '../output.js';
import { escapeDiffLines, escapeForTerminal } from '../terminal-text.js';

/**
 * A unified diff of one rules file, named as `git diff` names files (a/…, b/…, no leading slash). The name is
 * escaped as one field: a file name holding a newline cannot add lines to the diff a reviewer reads.
 */
export function rulesFilePatch(filePath: string, before: string, after: string): string {
  const shown = escapeForTerminal(filePath.replace(/^\/+/, ''));
  // The lines are the file's text: escape sequences in it (colour codes too, which the last guard before stdout keeps
  // as attack-cov's own) are shown escaped, so that concealed or black-on-black text cannot hide in a reviewed diff.
  return escapeDiffLines(createTwoFilesPatch(`a/${shown}`, `b/${shown}`, before, after, '', '', { context: 3 }));
}

/** The diffs a dry run prints for `changed`, after the refusal the rewrite would meet first (a file that is not UTF-8):
 * a dry run that shows a change the rewrite then refuses promised what it cannot do (QA: the diff, exit 0, then
 * `--fix` exit 2). */
export function rulesFilesPatch(changed: readonly { file: RulesText; text: string }[]): string {
  for (const { file } of changed) checkRewritable(file);
  return changed.map(({ file, text }) => rulesFilePatch(file.path, file.text, text)).join('');
}

/** Writes each file's new text, all or nothing: a file that is not UTF-8, is read-only, lies in a folder this user may
 * not write or changed since it was read stops the run before any file changes (replaceFilesAtomically). */
export async function rewriteRulesFiles(changed: readonly { file: RulesText; text: string }[]): Promise<void> {
  for (const { file } of changed) checkRewritable(file);
  // Errors name a file as every other error does: from the source root, or as given when it lies outside it.
  await replaceFilesAtomically(changed.map(({ file, text }) => ({ file: file.file, shown: file.path, content: rulesFileContent(file, text), sha256: file.sha256 }))).catch((error: unknown) => {
    throw namedByText(changed.map(({ file }) => file), error);
  });
}
