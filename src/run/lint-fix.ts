// `attack-cov lint --fix` and `--fix-dry-run`: rewrite the tags of the named rules files where a finding
// has one unambiguous fix, or print the unified diff. Files are replaced atomically, and only if they
// did not change since they were read.
import { InputError, UsageError } from '../errors.js';
import { findingFingerprint } from '../analysis/baseline.js';
import { appendTo } from '../collections.js';
import { fixTexts, planTextFixes, type FixResult } from '../fix/fix-texts.js';
import { fixedBy } from '../fix/plan.js';
import { namedByText, readRulesTexts, type RulesText } from '../falco/load.js';
import type { Ruleset, RulesetOutline } from '../falco/types.js';
import type { CoverageReport, Finding } from '../coverage-report.js';
import type { AnalyzeInput } from '../analysis/analyze.js';
import { printable } from '../report/terminal.js';
import { ruleSuffix } from '../report/messages.js';
import { lintExitCode, printLintFindings } from './lint.js';
import { isOfficialFile, type FailOn } from '../analysis/gates.js';
import type { LoadedCatalog } from '../attack/load.js';
import { analyzeRuleset, falcoSkipsReader, loadCatalog, sourceRootOf, type CommonOptions, type Environment } from './inputs.js';
import type { Io } from './report.js';
import { rewriteRulesFiles, rulesFilesPatch } from './rules-patch.js';

export interface FixOptions extends CommonOptions {
  isDryRun: boolean;
  /** Print the dry run's diff on stdout (lint) or keep it (attack diff reports the tags itself). */
  isDiffPrinted?: boolean;
  /** An already loaded catalog to fix against (attack diff has it). */
  catalog?: LoadedCatalog;
  failOn: FailOn;
  /** Passed to the checks, e.g. tactic renames from `attack diff`. */
  extra?: Partial<AnalyzeInput>;
  /** Which findings to fix, chosen from the files as read (attack diff: those its upgrade brings); all when absent. */
  fixesOnly?: (files: readonly RulesText[]) => (finding: Finding) => boolean;
}

export function describeFixResult(result: FixResult, changedFiles: number, isDryRun = false): string {
  const remaining = new Set(result.after.findings.map(findingFingerprint));
  const fixed = result.before.findings.filter((f) => !remaining.has(findingFingerprint(f)));
  const lines = [`${isDryRun ? 'would fix' : 'fixed'} ${fixed.length} finding(s) in ${changedFiles} file(s); ${result.after.findings.length} ${isDryRun ? 'would remain' : 'remain'}`];
  // A dry run changes no file: a finding left is named at its line in the file as it is, not as the fixes would make it
  // (QA: "not fixed: fix1.yaml:27" named another rule's line of the unchanged file). Found by its fingerprint.
  const asRead = isDryRun ? linesAsRead(result.before.findings) : undefined;
  const where = (finding: Finding, line = finding.line) => `${printable(finding.file)}:${line} ${finding.code}${ruleSuffix(finding.rule, printable)}`;
  // Counted above but not by lint's "N with an unambiguous fix": gone because another finding's fix made it untrue
  // (T1500 → T1027 justifies the rule's mitre_defense_evasion), so both counts are explained.
  for (const finding of fixed) if (!result.wasFixable(finding)) lines.push(`  ${isDryRun ? 'would be resolved' : 'resolved'} by another fix: ${where(finding)}`);
  for (const { finding, reason } of result.skipped) lines.push(`  not fixed: ${where(finding, asRead?.(finding))}: ${printable(reason)}`);
  return `${lines.join('\n')}\n`;
}

/** The line each finding of the fixed texts had in the texts as read: the next unnamed one of those alike (same fingerprint, in
 * report order); undefined for a finding the fixes made. */
function linesAsRead(before: readonly Finding[]): (finding: Finding) => number | undefined {
  const lines = new Map<string, number[]>();
  for (const f of before) appendTo(lines, findingFingerprint(f), f.line);
  return (finding) => lines.get(findingFingerprint(finding))?.shift();
}

/** How `lint` (and so --fix) analyzes a ruleset against `attack`: enabled rules Falco drops cover nothing (and are a finding). */
export async function lintAnalyzer(attack: LoadedCatalog, options: CommonOptions, env: Environment, extra: Partial<AnalyzeInput> = {}): Promise<(ruleset: Ruleset) => CoverageReport> {
  const skipsOf = await falcoSkipsReader();
  return (ruleset) => analyzeRuleset(attack, ruleset, 'given', options, env, { ...extra, skipped: skipsOf(ruleset) });
}

/** What fixRulesFiles did: the fix, the files changed (as shown), the texts as read, and the findings it was to fix
 * (fixesOnly's choice; every finding without it). */
export interface FixedFiles {
  result: FixResult;
  changed: string[];
  files: RulesText[];
  isChosen: (finding: Finding) => boolean;
}

export async function fixRulesFiles(options: FixOptions, env: Environment, io: Io): Promise<FixedFiles> {
  if (!options.rules || options.rules.length === 0) throw new UsageError('--fix needs --rules: it rewrites the rules files you name', 'e.g. attack-cov lint --rules my_rules.yaml --fix');
  const files = await readRulesTexts(options.rules, sourceRootOf(options, env), { isOncePerFile: true });
  const attack = options.catalog ?? (await loadCatalog(options, env));
  const analyze = await lintAnalyzer(attack, options, env, options.extra);
  const isChosen = options.fixesOnly?.(files);
  let result: FixResult;
  try {
    result = fixTexts(files, analyze, isChosen);
  } catch (error) {
    throw namedByText(files, error);
  }
  const changed = files.filter((f) => result.texts.get(f.path) !== f.text);
  const rewrites = changed.map((f) => ({ file: f, text: result.texts.get(f.path)! }));
  if (options.isDryRun) {
    const patch = rulesFilesPatch(rewrites);
    if (options.isDiffPrinted !== false) io.stdout(patch);
  } else {
    await rewriteRulesFiles(rewrites);
  }
  io.stderr(describeFixResult(result, changed.length, options.isDryRun));
  return { result, changed: changed.map((f) => f.path), files, isChosen: isChosen ?? (() => true) };
}

/**
 * Which of `findings` (lint's, of `ruleset`, the rules `options` name) `lint --fix` would fix: those its first pass
 * fixes, by the plan it makes from the same texts (planTextFixes, fixedBy), so that lint's count is the one --fix goes
 * by. The texts are read as --fix reads them. Undefined without --rules (which --fix needs: lint counts every finding
 * with a fix then, as before it named the files); none when --fix could not read them.
 */
export async function fixableByLintFix(findings: Finding[], ruleset: Pick<RulesetOutline, 'rules'>, options: CommonOptions, env: Environment): Promise<(finding: Finding) => boolean> {
  // Without --rules (the official rules, or /etc/falco's) there is no text to plan on; the official rules are never
  // rewritten, so their fixes are not counted (QA: `lint` said 2 fixable where `lint --rules official` said 0).
  if (!options.rules || options.rules.length === 0) return (finding) => finding.fix !== undefined && !isOfficialFile(finding.file);
  if (!findings.some((f) => f.fix)) return () => false;
  try {
    const texts = await readRulesTexts(options.rules, sourceRootOf(options, env), { isOncePerFile: true });
    const fixes = fixedBy(planTextFixes(findings, ruleset, texts));
    // --fix refuses to write a file that is not UTF-8 (checkRewritable): its fixes are to make by hand (QA: lint counted
    // them, and --fix then exited 2).
    const unwritable = new Set(texts.filter((text) => text.notUtf8At !== undefined).map((text) => text.path));
    return (finding) => !unwritable.has(finding.file) && fixes(finding);
  } catch (error) {
    if (error instanceof UsageError || error instanceof InputError) return () => false;
    throw error;
  }
}

export async function runLintFix(options: FixOptions, env: Environment, io: Io): Promise<number> {
  const { result } = await fixRulesFiles(options, env, io);
  if (!options.isDryRun) printLintFindings(result.after.findings, io, undefined, result.isFixable);
  return lintExitCode(result.after.findings, options.failOn, env);
}
