// Turns findings that carry an unambiguous fix into tag edits, rule by rule. Pure.
// A plan that would leave a rule with technique tags but no tactic tag drops its removals: that case
// is ambiguous (e.g. T1610 belongs to two tactics) and stays reported, never guessed.
import type { Finding } from '../coverage-report.js';
import { parseTag } from '../falco/tags.js';
import type { RulesetOutline, SourcePosition, TagRef } from '../falco/types.js';
import { SHARED_TAGS } from './apply.js';

export interface TagEdit {
  kind: 'replace' | 'remove' | 'insert-before' | 'insert-after';
  /** The existing tag the edit acts on (or next to). */
  at: SourcePosition;
  /** The new tag, for replace and inserts. */
  value?: string;
  /** The findings this edit resolves. */
  codes: string[];
}

export interface FixPlan {
  edits: TagEdit[];
  /** Findings with a fix that the plan leaves alone, and why. */
  skipped: { finding: Finding; reason: string }[];
}

const samePlace = (a: SourcePosition, b: SourcePosition): boolean => a.file === b.file && a.line === b.line && a.column === b.column;
const isTactic = (tag: string): boolean => parseTag(tag).kind === 'tactic';
const isTechnique = (tag: string): boolean => parseTag(tag).kind === 'technique';

interface Slot {
  ref: TagRef;
  value: string;
  isRemoved: boolean;
  codes: string[];
}

function planRule(tags: TagRef[], findings: Finding[], plan: FixPlan, keepsRepeats: boolean): void {
  const slots: Slot[] = tags.map((ref) => ({ ref, value: ref.value, isRemoved: false, codes: [] }));
  const inserts: { anchor: Slot; value: string; code: string }[] = [];
  // Replacements before removals: a tag that a replacement makes right (TA0011 → TA0010) is kept.
  const ordered = [...findings].sort((a, b) => Number(a.fix!.with.length === 0) - Number(b.fix!.with.length === 0));
  for (const finding of ordered) {
    const fix = finding.fix!;
    const slot = slots.find((s) => samePlace(s.ref, finding));
    if (!slot) {
      plan.skipped.push({ finding, reason: 'the tag is not where the finding says' });
      continue;
    }
    if (fix.tag && fix.with.length === 0) {
      if (slot.value !== slot.ref.value) continue;
      slot.isRemoved = true;
    } else if (fix.tag) slot.value = fix.with[0]!;
    if (fix.tag) slot.codes.push(finding.code);
    for (const value of fix.tag ? fix.with.slice(1) : fix.with) inserts.push({ anchor: slot, value, code: finding.code });
  }
  // The final tags: no duplicates (a replacement may produce a tag the rule already has). With `keepsRepeats`, a tag
  // written twice that no edit touches stays: removing it is repeated-tag's fix, which the findings may leave out.
  const seen = new Map<string, Slot>();
  const isEdited = (slot: Slot): boolean => slot.value !== slot.ref.value;
  for (const slot of slots) {
    if (slot.isRemoved) continue;
    const twin = seen.get(slot.value);
    if (twin && (!keepsRepeats || isEdited(slot) || isEdited(twin))) slot.isRemoved = true;
    if (!twin) seen.set(slot.value, slot);
  }
  const kept = inserts.filter((i) => !seen.has(i.value) && (seen.set(i.value, i.anchor), true));
  const finalTags = [...slots.filter((s) => !s.isRemoved).map((s) => s.value), ...kept.map((i) => i.value)];
  if (finalTags.some(isTechnique) && !finalTags.some(isTactic)) {
    for (const slot of slots) {
      if (!slot.isRemoved || !isTactic(slot.ref.value) || slot.value !== slot.ref.value) continue;
      slot.isRemoved = false;
      for (const finding of findings.filter((f) => samePlace(slot.ref, f))) {
        plan.skipped.push({ finding, reason: 'removing it would leave no tactic tag, and the techniques do not say which one to keep' });
      }
    }
  }
  for (const slot of slots) {
    if (slot.isRemoved) plan.edits.push({ kind: 'remove', at: slot.ref, codes: slot.codes.length ? slot.codes : ['duplicate'] });
    else if (slot.value !== slot.ref.value) plan.edits.push({ kind: 'replace', at: slot.ref, value: slot.value, codes: slot.codes });
  }
  for (const insert of kept) {
    // Falco writes tactics before techniques: a tactic goes in front of the technique that asked for it.
    const kind = isTactic(insert.value) && isTechnique(insert.anchor.ref.value) ? 'insert-before' : 'insert-after';
    plan.edits.push({ kind, at: insert.anchor.ref, value: insert.value, codes: [insert.code] });
  }
}

/** Why a finding in one of the embedded official rules files is left as it is. */
export const EMBEDDED_REASON = 'the embedded official rules are not rewritten: suppress the finding in .attack-cov.yaml, or change the rule\'s tags in a file of yours (override: {tags: replace})';

/** Why a finding on a tag that an alias repeats elsewhere (or that a rule reads through one) is left as it is. */
export const SHARED_REASON = `the tag is ${SHARED_TAGS}; fix it by hand`;

/** The edits for `findings`; those in `readOnly` files (the embedded official rules) and those on a tag `isShared`
 * says an alias repeats are skipped, with why. A rule it edits loses a tag written twice there, unless `keepsRepeats`
 * (then only a tag an edit writes twice goes: findings chosen among others, as attack diff's, fix those only). */
export function planFixes(findings: Finding[], ruleset: Pick<RulesetOutline, 'rules'>, readOnly: ReadonlySet<string> = new Set(), isShared: (at: SourcePosition) => boolean = () => false, keepsRepeats = false): FixPlan {
  const plan: FixPlan = { edits: [], skipped: [] };
  const reasonOf = (f: Finding): string | undefined => (readOnly.has(f.file) ? EMBEDDED_REASON : isShared(f) ? SHARED_REASON : undefined);
  const fixable = findings.filter((f) => f.fix && !reasonOf(f));
  for (const finding of findings) {
    const reason = finding.fix && reasonOf(finding);
    if (reason) plan.skipped.push({ finding, reason });
  }
  // By rule, in the findings' order: a filter of them all for each rule took a third of a second at 10,000 rules.
  const byRule = new Map<string, Finding[]>();
  for (const f of fixable) {
    const mine = byRule.get(f.rule);
    if (mine) mine.push(f);
    else byRule.set(f.rule, [f]);
  }
  for (const rule of ruleset.rules) {
    const mine = byRule.get(rule.name);
    if (mine) planRule(rule.tags, mine, plan, keepsRepeats);
  }
  return plan;
}

/** Whether `plan` fixes a finding: one with a fix that the plan does not skip. What --fix fixes in a pass, and so what
 * lint counts as having an unambiguous fix (planTextFixes makes the plan for both). */
export function fixedBy(plan: FixPlan): (finding: Finding) => boolean {
  const skipped = new Set(plan.skipped.map((s) => s.finding));
  return (finding) => finding.fix !== undefined && !skipped.has(finding);
}
