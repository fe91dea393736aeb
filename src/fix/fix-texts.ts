// Fixes tags across rules files held as text: analyze, plan, apply, and again until nothing fixable
// is left (a fix can reveal another, e.g. a renamed tactic then matching its technique). Pure.
import type { CoverageReport, Finding } from '../coverage-report.js';
import { rulesetFromTexts } from '../falco/load.js';
import type { Ruleset, RulesetOutline } from '../falco/types.js';
import { applyTagEdits, sharedTagsOf } from './apply.js';
import { fixedBy, planFixes, type FixPlan } from './plan.js';

const MAX_PASSES = 5;

/** A rules file as the fixers read it; `isEmbedded` (the official rules, read for what the others need) is never edited. */
export interface FixText {
  path: string;
  text: string;
  isEmbedded?: true;
}

export interface FixResult {
  /** Final text per path. */
  texts: Map<string, string>;
  before: CoverageReport;
  after: CoverageReport;
  /** The rulesets those reports were made from: of the texts as given, and as fixed. */
  rulesets: { before: Ruleset; after: Ruleset };
  /** Fixable findings of `after` that the plan for the final texts leaves alone, with the reason. */
  skipped: FixPlan['skipped'];
  /** Which findings of `after` the plan for the final texts would fix (none, unless the passes ran out): fixedBy. */
  isFixable: (finding: Finding) => boolean;
  /** Which findings of `before` the first pass's plan fixes by their own fix: what `lint` counts as fixable (of the
   * chosen ones, with `isChosen`: a finding not chosen that goes is resolved by another fix). */
  wasFixable: (finding: Finding) => boolean;
  passes: number;
}

/**
 * One pass's plan for `findings` of `ruleset` (read from `files`): planFixes, leaving alone the embedded files and the
 * tags an alias shares (sharedTagsOf). What --fix does in a pass, and what lint counts as fixable (fixedBy): one
 * decision for both. `keepsRepeats`: see planFixes.
 */
export function planTextFixes(findings: Finding[], ruleset: Pick<RulesetOutline, 'rules'>, files: readonly FixText[], keepsRepeats = false): FixPlan {
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const readOnly = new Set(files.filter((f) => f.isEmbedded).map((f) => f.path));
  // Each file's tags read once, and only when a finding there asks.
  const shared = new Map<string, ReturnType<typeof sharedTagsOf>>();
  // Stryker disable next-line StringLiteral: a finding's file is one of the texts; and any text without an anchor shares nothing
  const sharedIn = (file: string) => shared.get(file) ?? shared.set(file, sharedTagsOf(texts.get(file) ?? '')).get(file)!;
  return planFixes(findings, ruleset, readOnly, (at) => sharedIn(at.file)(at), keepsRepeats);
}

/** `test`, of the findings `isChosen` chooses (all without it). */
function chosenAnd(isChosen: ((finding: Finding) => boolean) | undefined, test: (finding: Finding) => boolean): (finding: Finding) => boolean {
  return isChosen ? (finding) => isChosen(finding) && test(finding) : test;
}

/**
 * Fixes `files`, leaving those marked `isEmbedded` (the official rules, read for what the others need) as they are.
 * With `isChosen`, only the findings it chooses are fixed, in every pass (a fix it chose can reveal another, which it
 * is asked about too); the others stay as they are, a tag written twice among them (planFixes' keepsRepeats), and
 * `skipped` and `isFixable` speak of the chosen ones only.
 */
export function fixTexts(files: readonly FixText[], analyzeRuleset: (ruleset: Ruleset) => CoverageReport, isChosen?: (finding: Finding) => boolean): FixResult {
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const current = (): FixText[] => files.map((f) => ({ ...f, text: texts.get(f.path)! }));
  // The texts as they are now: their report, and the plan for it.
  const state = (): { ruleset: Ruleset; report: CoverageReport; plan: FixPlan } => {
    const now = current();
    const ruleset = rulesetFromTexts(now);
    const report = analyzeRuleset(ruleset);
    return { ruleset, report, plan: isChosen ? planTextFixes(report.findings.filter(isChosen), ruleset, now, true) : planTextFixes(report.findings, ruleset, now) };
  };
  const before = state();
  let last = before;
  let passes = 0;
  while (last.plan.edits.length > 0 && passes < MAX_PASSES) {
    passes++;
    // A file without edits comes back from applyTagEdits as it was.
    for (const [path, text] of texts) texts.set(path, applyTagEdits(text, last.plan.edits.filter((e) => e.at.file === path)));
    last = state();
  }
  return { texts, before: before.report, after: last.report, rulesets: { before: before.ruleset, after: last.ruleset }, skipped: last.plan.skipped, isFixable: fixedBy(last.plan), wasFixable: chosenAnd(isChosen, fixedBy(before.plan)), passes };
}
