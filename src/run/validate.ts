// `attack-cov validate <files…>`: the offline validator for any rules files, so CI can check conditions,
// fields, macros and lists without Falco installed (and with it, where it is on PATH).
import { findSourceRoot, linkTarget, OUTSIDE_ROOT_NOTE, repositoryPlace, rootInRepository } from '../source-root.js';
import { EXIT_GATE, EXIT_OK, InputError, UsageError } from '../errors.js';
import { readFieldCatalog } from '../falco/field-catalog.js';
import { defaultRulesPaths, namedByText, readRulesTexts, type RulesText } from '../falco/load.js';
import { parseRulesText } from '../falco/parse.js';
import { buildRuleset } from '../falco/ruleset.js';
import { stringifyJson } from '../report/reporter.js';
import { renderValidationIssues } from '../report/terminal.js';
import { escapeLines } from '../terminal-text.js';
import { inputErrorCommand, validationAnnotations, type RunNote } from '../report/github-annotations.js';
import { VALIDATE_FORMATS } from '../report/format-names.js';
import { quietGateLine } from '../analysis/gates.js';
import { readSourcePlatforms } from '../upstream.js';
import { validateRules } from '../validate/validate.js';
import type { ValidationIssue } from '../validate/types.js';
import { falcoValidate, findFalco } from './falco-binary.js';
import type { Environment } from './inputs.js';
import type { Io } from './report.js';

export interface ValidateOptions {
  format?: string;
  failOn?: string;
  sourceRoot?: string;
}

/** The files as report.json's `inputs.rules` names them, for the annotations: a file outside the source root with its
 * note, a symlink with the file of the root it resolves to. */
function filesOf(texts: RulesText[], root: string): { path: string; target?: string; note?: string }[] {
  return texts.map((t) => ({ path: t.path, ...(t.isEmbedded ? {} : t.named ? { note: OUTSIDE_ROOT_NOTE } : linkTarget(t.file, { path: t.path, isOutsideRoot: false }, root)) }));
}

export async function runValidate(paths: string[], options: ValidateOptions, env: Environment, io: Io): Promise<number> {
  const format = options.format ?? 'stylish';
  if (!VALIDATE_FORMATS.includes(format)) throw new UsageError(`validate --format must be stylish, json or github, not ${format}`);
  const failOn = options.failOn ?? 'error';
  if (!['error', 'warning', 'none'].includes(failOn)) throw new UsageError(`validate --fail-on must be error, warning or none, not ${failOn}`);
  // No paths: what Falco itself reads (its standard locations), else the official rules, as lint and report default.
  const given = paths.length > 0 ? paths : await defaultRulesPaths(env.standardLocations);
  const root = findSourceRoot(options.sourceRoot, given, env.cwd);
  let texts: RulesText[] = [];
  let issues: ValidationIssue[];
  try {
    texts = await readRulesTexts(given, root);
    try {
      const files = texts.map((t) => ({ info: { path: t.path, sha256: t.sha256 }, items: parseRulesText(t.text, t.path) }));
      issues = validateRules({ items: files.flatMap((f) => f.items), ruleset: buildRuleset(files), fields: readFieldCatalog(), extraSources: Object.keys(readSourcePlatforms()) });
    } catch (error) {
      // Named as report and lint name it: a file outside the source root as given, not by its base name.
      throw namedByText(texts, error);
    }
  } catch (error) {
    // Said on stderr as for every format; as an annotation too, on the pull request's line (a YAML syntax error).
    if (format === 'github' && error instanceof InputError) io.stdout(inputErrorCommand(error, repositoryPlace(root, env.cwd)));
    throw error;
  }
  const falco = findFalco();
  const verdict = falco ? falcoValidate(falco, texts.map((t) => t.file)) : undefined;
  // -q keeps the errors, and counts the warnings it left out when they fail the gate (the listing and the annotations).
  const shown = io.isQuiet ? issues.filter((i) => i.severity === 'error') : issues;
  const hidden = io.isQuiet && failOn === 'warning' ? quietGateLine(issues.filter((i) => i.severity === 'warning').length, failOn) : '';
  if (format === 'json') io.stdout(stringifyJson({ files: texts.map((t) => t.path), issues, falco: verdict ?? null }));
  else if (format === 'github') {
    // Falco's own verdict, which names no line of ours, comes first (GitHub annotates the first 10 of a kind): an error
    // when Falco refuses the files, a warning when it gave none (the check then stands on the offline checks alone).
    const run: RunNote[] = [
      ...(verdict?.isValid === false ? [{ severity: 'error' as const, about: 'falco -V', text: `falco -V: INVALID\n${verdict.output}` }] : []),
      ...(verdict?.isValid === null ? [{ severity: 'warning' as const, about: 'falco -V', text: `${verdict.output}; only the offline checks count` }] : []),
      ...(hidden ? [{ severity: 'info' as const, text: hidden.trim() }] : []),
    ];
    io.stdout(validationAnnotations(shown, filesOf(texts, root), run, rootInRepository(root)));
  } else {
    if (!io.isQuiet || shown.length > 0) io.stdout(renderValidationIssues(shown, io.style));
    if (hidden) io.stdout(hidden);
    if (verdict?.isValid === false) io.stdout(`falco -V: INVALID\n${escapeLines(verdict.output)}\n`);
    // No verdict (a falco that hangs or cannot start) is no verdict on the rules: said, and the offline checks decide.
    else if (verdict?.isValid === null) io.stderr(`warning: ${escapeLines(verdict.output)}; only the offline checks count\n`);
    else if (!io.isQuiet) io.stdout(verdict ? 'falco -V: valid\n' : 'falco: not on PATH (offline checks only)\n');
  }
  const isFailing = verdict?.isValid === false || issues.some((i) => i.severity === 'error' || (failOn === 'warning' && i.severity === 'warning'));
  return failOn !== 'none' && isFailing ? EXIT_GATE : EXIT_OK;
}
