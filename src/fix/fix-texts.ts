// Fixes tags across rules files held as text: analyze, plan, apply, and again until nothing fixable
// is left (a fix can reveal another, e.g. a renamed tactic then matching its technique). Pure.
import type { CoverageReport } from '../coverage-report.js';
import { rulesetFromTexts } from '../falco/load.js';
import type { Ruleset } from '../falco/types.js';
import { applyTagEdits, tagEditRefusalsOf } from './apply.js';
import { planFixes, type FixPlan } from './plan.js';

const MAX_PASSES = 5;

export interface FixResult {
  /** Final text per path. */
  texts: Map<string, string>;
  before: CoverageReport;
  after: CoverageReport;
  /** Fixable findings the plan left alone in the last pass, with the reason. */
  skipped: FixPlan['skipped'];
  passes: number;
}


/** Fixes `files`, leaving those marked `isEmbedded` (the official rules, read for what the others need) as they are. */
export function fixTexts(files: { path: string; text: string; isEmbedded?: true }[], analyzeRuleset: (ruleset: Ruleset) => CoverageReport): FixResult {
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const readOnly = new Set(files.filter((f) => f.isEmbedded).map((f) => f.path));
  const current = () => files.map((f) => ({ path: f.path, text: texts.get(f.path)! }));
  const before = analyzeRuleset(rulesetFromTexts(current()));
  let report = before;
  let skipped: FixPlan['skipped'] = [];
  let passes = 0;
  while (passes < MAX_PASSES) {
    const ruleset = rulesetFromTexts(current());
    report = passes === 0 ? before : analyzeRuleset(ruleset);
    // Each file's tags parsed once a pass, and only when a finding there asks.
    const refusals = new Map<string, ReturnType<typeof tagEditRefusalsOf>>();
    const refusalIn = (file: string) => refusals.get(file) ?? refusals.set(file, tagEditRefusalsOf(texts.get(file) ?? '')).get(file)!;
    const plan = planFixes(report.findings, ruleset, readOnly, (at) => refusalIn(at.file)(at) === 'shared');
    skipped = plan.skipped;
    if (plan.edits.length === 0) break;
    passes++;
    // A file without edits comes back from applyTagEdits as it was.
    for (const [path, text] of texts) texts.set(path, applyTagEdits(text, plan.edits.filter((e) => e.at.file === path)));
  }
  const after = passes === 0 ? before : analyzeRuleset(rulesetFromTexts(current()));
  return { texts, before, after, skipped, passes };
}
