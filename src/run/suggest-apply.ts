// Writing suggestions: the edit each candidate would make (for SARIF fixes), and --apply / --apply-from,
// which add the selected tags to the rules files through a temporary file and a rename, refusing a
// file that changed since it was read; --dry-run prints the unified diff instead.
import { readRulesBytes } from '../falco/read-guard.js';
import path from 'node:path';
import { EXIT_OK } from '../errors.js';
import { readRulesTexts, withoutBom, type RulesText } from '../falco/load.js';
import type { Ruleset, RulesFileInfo } from '../falco/types.js';
import { notInRepositoryNote, repositoryFileTest, repositoryLocator, sarifLog } from '../report/sarif.js';
import { suggestionResults, suggestionSarifRule } from '../report/sarif-suggestions.js';
import { textEdit } from '../suggest/edit.js';
import { applyTagAdditions, fileOfAddition } from '../suggest/patch.js';
import type { ReviewedSelection } from '../suggest/select.js';
import type { RuleSuggestion } from '../suggest/types.js';
import type { Io } from './report.js';
import { escapeForTerminal } from '../terminal-text.js';
import { rewriteRulesFiles, rulesFilesPatch } from './rules-patch.js';

/** Sets `edit` on every candidate whose rules file is on disk: the change accepting it alone would make. */
export async function attachEdits(suggestions: RuleSuggestion[], ruleset: Ruleset, sourceRoot: string): Promise<void> {
  const texts = new Map<string, string>();
  // Files of the repository only: a file outside the source root is named by its base name, which names another file here.
  const isInRepository = repositoryFileTest(ruleset.files);
  for (const file of ruleset.files.filter((f) => isInRepository(f.path))) {
    const text = await readRulesBytes(path.resolve(sourceRoot, file.path), file.path).then((bytes) => bytes.toString('utf8'), () => undefined);
    // The edit is made where the fixers make it: in the text behind a byte-order mark.
    if (text !== undefined) texts.set(file.path, withoutBom(text));
  }
  for (const s of suggestions) {
    const rule = ruleset.rules.find((r) => r.name === s.rule);
    if (!rule) continue;
    for (const candidate of s.candidates) {
      const file = fileOfAddition({ rule, tags: candidate.tags });
      const text = texts.get(file);
      if (text === undefined || candidate.tags.length === 0) continue;
      const after = applyTagAdditions(text, file, [{ rule, tags: candidate.tags }]);
      const edit = after.skipped.length === 0 ? textEdit(file, text, after.text) : undefined;
      if (edit) candidate.edit = edit;
    }
  }
}

/** Why a suggestion for a rule of the embedded official rules is not written. */
export const EMBEDDED_ADDITION_REASON = 'the rule is in the embedded official rules, which are not rewritten: add the tags in a file of yours (override: {tags: append})';

/** `suggest --format sarif`: the suggestions for rules in files of the repository (see buildSarif). */
export function suggestionsSarif(suggestions: RuleSuggestion[], tool: { name: string; version: string }, files: RulesFileInfo[], inRepository?: string) {
  const isInRepository = repositoryFileTest(files);
  const elsewhere = suggestions.filter((s) => s.candidates.length > 0 && !isInRepository(s.file));
  const leftOut = elsewhere.length > 0 ? [notInRepositoryNote(elsewhere.length, 'tag suggestion', elsewhere.map((s) => s.file))] : [];
  return sarifLog(tool, [suggestionSarifRule], suggestionResults(suggestions.filter((s) => isInRepository(s.file)), 0, repositoryLocator(files, inRepository)), leftOut);
}

export async function applySelection(selection: ReviewedSelection, options: { rules?: string[]; dryRun?: boolean }, sourceRoot: string, io: Io): Promise<number> {
  const files = await readRulesTexts(options.rules ?? [], sourceRoot, { isOncePerFile: true });
  const embedded = new Set(files.filter((f) => f.isEmbedded).map((f) => f.path));
  // The official rules are read (the user's files may depend on them) and never rewritten.
  const skipped = selection.additions.filter((a) => embedded.has(fileOfAddition(a))).map((a) => ({ rule: a.rule.name, reason: EMBEDDED_ADDITION_REASON }));
  const changed: { file: RulesText; text: string }[] = [];
  for (const file of files.filter((f) => !f.isEmbedded)) {
    const result = applyTagAdditions(file.text, file.path, selection.additions, file.otherPaths);
    skipped.push(...result.skipped);
    if (result.text !== file.text) changed.push({ file, text: result.text });
  }
  const changedFiles = changed.length;
  if (options.dryRun) io.stdout(rulesFilesPatch(changed));
  else await rewriteRulesFiles(changed);
  const written = selection.additions.filter((a) => !skipped.some((s) => s.rule === a.rule.name));
  const lines = [`${options.dryRun ? 'would add' : 'added'} tags to ${written.length} rule(s) in ${changedFiles} file(s)`];
  // Rule names, techniques and reasons come from the rules and the reviewed file: one escaped field each, one line each.
  const field = escapeForTerminal;
  for (const a of written) lines.push(`  ${field(a.rule.name)}: ${field(a.tags.join(', '))}`);
  for (const s of skipped) lines.push(`  not written: "${field(s.rule)}": ${field(s.reason)}`);
  for (const r of selection.refused) lines.push(`  refused: "${field(r.rule)}" ${field(r.technique)}: ${field(r.reason)}`);
  io.stderr(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
