// `attack-cov lint`: the tag findings, eslint-style, as JSON, SARIF or GitHub Actions annotations, with --fail-on as the
// exit code.
import { EXIT_GATE, EXIT_OK, InputError, UsageError } from '../errors.js';
import { stringifyJson } from '../report/reporter.js';
import { renderLintFindings } from '../report/terminal.js';
import { sarifReporter } from '../report/sarif.js';
import { githubAnnotations, inputErrorCommand } from '../report/github-annotations.js';
import { LINT_FORMATS } from '../report/format-names.js';
import { buildOutlineReport, sourceRootOf, type CommonOptions, type Environment } from './inputs.js';
import { repositoryPlace } from '../source-root.js';
import { gatedFindings, parseFailOn, quietGateLine, type FailOn } from '../analysis/gates.js';
import type { Io } from './report.js';
import type { Finding } from '../coverage-report.js';
import { fixableByLintFix, runLintFix } from './lint-fix.js';

export interface LintOptions extends CommonOptions {
  format?: string;
  failOn?: string;
  fix?: boolean;
  fixDryRun?: boolean;
}

/** The stylish listing; with -q only the errors (like eslint --quiet), and nothing when there are none. `isFixable`:
 * the findings lint --fix fixes (fixableByLintFix). */
export function printLintFindings(findings: Finding[], io: Io, suppressed?: number, isFixable?: (finding: Finding) => boolean): void {
  const shown = io.isQuiet ? findings.filter((f) => f.severity === 'error') : findings;
  if (!io.isQuiet || shown.length > 0) io.stdout(renderLintFindings(shown, io.style, suppressed, isFixable));
}

/** lint's exit code: EXIT_GATE when a finding of the user's rules is at or above --fail-on. The official rules' own
 * findings are not counted (the user cannot change them); a note says how many were left out. */
export function lintExitCode(findings: Finding[], failOn: FailOn, env: Pick<Environment, 'notify'>): number {
  const { failing, official } = gatedFindings(findings, failOn);
  if (official.length > 0) env.notify?.(`${official.length} ${official.length === 1 ? 'finding' : 'findings'} at or above ${failOn} in the official rules ${official.length === 1 ? 'is' : 'are'} not counted by --fail-on: attack-cov does not rewrite them (suppress them in .attack-cov.yaml to hide them)`);
  return failing.length > 0 ? EXIT_GATE : EXIT_OK;
}

export async function runLint(options: LintOptions, env: Environment, io: Io): Promise<number> {
  const format = options.format ?? 'stylish';
  if (!LINT_FORMATS.includes(format)) throw new UsageError(`lint --format must be stylish, json, sarif or github, not ${format}`);
  const failOn = parseFailOn(options.failOn, 'error');
  if (failOn === 'new') throw new UsageError('lint has no baseline: --fail-on new belongs to report --baseline');
  if (options.fix || options.fixDryRun) {
    if (options.fix && options.fixDryRun) throw new UsageError('--fix and --fix-dry-run exclude each other');
    // A dry run prints a unified diff: a JSON or SARIF listing asked for would be silently another thing (QA).
    if (format !== 'stylish') throw new UsageError(`--${options.fix ? 'fix' : 'fix-dry-run'} prints what it changes as text, not --format ${format}`, 'leave --format out, or list the findings without --fix');
    return runLintFix({ ...options, isDryRun: options.fixDryRun === true, failOn }, env, io);
  }
  const { report, ruleset } = await buildOutlineReport(options, env).catch((error: unknown) => {
    // The error is said on stderr as for every format; as an annotation too, on the pull request's line.
    if (format === 'github' && error instanceof InputError) io.stdout(inputErrorCommand(error, repositoryPlace(sourceRootOf(options, env), env.cwd)));
    throw error;
  });
  // With -q, the listing and the annotations say how many findings they left out fail the gate (a check that fails with
  // nothing shown would say nothing of why).
  const hidden = io.isQuiet ? quietGateLine(gatedFindings(report.findings, failOn).failing.filter((f) => f.severity !== 'error').length, failOn) : '';
  if (format === 'sarif') {
    io.stdout(sarifReporter.render(report, { outDir: env.cwd }));
  } else if (format === 'github') {
    io.stdout(githubAnnotations(report, io.isQuiet ? report.findings.filter((f) => f.severity === 'error') : report.findings, hidden ? [{ severity: 'info', text: hidden.trim() }] : []));
  } else if (format === 'json') {
    io.stdout(stringifyJson({ schemaVersion: report.schemaVersion, tool: report.tool, inputs: report.inputs, summary: report.summary.findings, findings: report.findings, suppressed: report.suppressed ?? [] }));
  } else {
    printLintFindings(report.findings, io, report.suppressed?.length, await fixableByLintFix(report.findings, ruleset, options, env));
    if (hidden) io.stdout(hidden);
  }
  return lintExitCode(report.findings, failOn, env);
}
