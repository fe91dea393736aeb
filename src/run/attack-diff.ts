// `attack-cov attack diff <from> <to> [--rules …] [--fix]`: what an ATT&CK upgrade changes, which rules'
// tags each change touches, and what their tags become once fixed (lint's fixer, against <to>, on the findings the
// upgrade brings to those rules only: every other finding is lint --fix's).
import { diffCatalogs, type AttackDiff } from '../attack/diff.js';
import { checkAttackUrl } from '../attack/load.js';
import type { Finding } from '../coverage-report.js';
import { checkRulesPaths, rulesetFromTexts } from '../falco/load.js';
import { parseTag } from '../falco/tags.js';
import { own } from '../own.js';
import type { FalcoRule, Ruleset } from '../falco/types.js';
import { fixedBy } from '../fix/plan.js';
import { planTextFixes } from '../fix/fix-texts.js';
import { stringifyJson } from '../report/reporter.js';
import { printable } from '../report/terminal.js';
import { UsageError } from '../errors.js';
import { loadCatalog, sourceRootOf, type CommonOptions, type Environment } from './inputs.js';
import { fixRulesFiles, lintAnalyzer } from './lint-fix.js';
import type { Io } from './report.js';

export interface AttackDiffOptions extends CommonOptions {
  fix?: boolean;
  format?: string;
}

export interface TouchedRule {
  rule: string;
  file: string;
  line: number;
  /** One sentence per ATT&CK change that touches a tag of the rule. */
  changes: string[];
  tagsBefore: string[];
  tagsAfter: string[];
  /** Errors the upgrade brings that are left, against <to>, each with why: ambiguous (no one fix), or the plan's reason
   * to leave it (a tag an alias shares). */
  unresolved: string[];
}

/** A finding's identity for telling which the upgrade brings: no line (lines move with the fixes) and no tactic (a
 * tactic-mismatch names the rule's first tactic, which a renamed tactic changes); a tactic tag by the name it has after
 * the renames, so that a finding on `mitre_defense_evasion` before is the same one on `mitre_stealth` after. */
function findingKey(f: Finding, renames: Record<string, string>): string {
  const parsed = f.tag === undefined ? undefined : parseTag(f.tag);
  const tag = parsed?.kind === 'tactic' && parsed.shortname !== undefined ? `tactic:${own(renames, parsed.shortname) ?? parsed.shortname}` : (f.tag ?? '');
  return [f.code, f.rule, tag, f.technique ?? ''].join('\u0000');
}

/**
 * Which findings (against <to>) the upgrade brings: those on a rule a change touches (changesTouching) that the rules
 * as read do not have against <from>, by findingKey: a revoked technique, a renamed tactic, a technique's new tactic,
 * and what their fixes reveal (the tactic the replacement belongs to). A finding the rule had before is lint --fix's,
 * even on a touched tag, as is any on a rule no change touches.
 */
function upgradeFindings(diff: AttackDiff, ruleset: Ruleset, analyzeFrom: (ruleset: Ruleset) => { findings: Finding[] }): (finding: Finding) => boolean {
  const touched = new Set(ruleset.rules.filter((rule) => changesTouching(rule, diff).length > 0).map((rule) => rule.name));
  if (touched.size === 0) return () => false;
  const key = (f: Finding) => findingKey(f, diff.tacticRenames);
  const had = new Set(analyzeFrom(ruleset).findings.filter((f) => touched.has(f.rule)).map(key));
  return (f) => touched.has(f.rule) && !had.has(key(f));
}

/** The changes of `diff` that touch one rule's tags, as sentences. */
export function changesTouching(rule: FalcoRule, diff: AttackDiff): string[] {
  const t = diff.techniques;
  const sentences: string[] = [];
  for (const tag of rule.tags) {
    const parsed = parseTag(tag.value);
    if (parsed.kind === 'technique') {
      const id = parsed.id;
      const revoked = t.revoked.find((c) => c.id === id);
      if (revoked) sentences.push(`${id} revoked${revoked.replacements.length ? `, replaced by ${revoked.replacements.join(', ')}` : ''}`);
      if (t.deprecated.some((c) => c.id === id)) sentences.push(`${id} deprecated`);
      if (t.removed.some((c) => c.id === id)) sentences.push(`${id} removed`);
      const renamed = t.renamed.find((c) => c.id === id);
      if (renamed) sentences.push(`${id} renamed "${renamed.from}" → "${renamed.to}"`);
      const moved = t.moved.find((c) => c.id === id);
      if (moved) sentences.push(`${id} moved from ${moved.fromTactics.join(', ')} to ${moved.toTactics.join(', ')}`);
      const platforms = t.platforms.find((c) => c.id === id);
      if (platforms) sentences.push(`${id} platforms ${[...platforms.added.map((p) => `+${p}`), ...platforms.removed.map((p) => `-${p}`)].join(' ')}`);
    } else if (parsed.kind === 'tactic') {
      const renamed = diff.tactics.renamed.find((c) => c.from!.shortname === parsed.shortname || c.id === parsed.tacticId);
      if (renamed) sentences.push(`tactic ${renamed.id} renamed ${renamed.from!.name} → ${renamed.to!.name} (${renamed.to!.shortname})`);
      if (diff.tactics.removed.some((c) => c.id === parsed.tacticId || c.from!.shortname === parsed.shortname)) sentences.push(`tactic ${tag.value} removed`);
    }
  }
  return sentences;
}

/** What --fix did or would do: a rename or a platform change touches a tag but needs no other one. */
function fixNote(touched: TouchedRule[], isFixed: boolean): string {
  const changed = touched.filter((r) => r.tagsAfter.join() !== r.tagsBefore.join()).length;
  if (changed === 0) return ' (no tag needs rewriting)';
  return isFixed ? ` (${changed} rewritten in place)` : ` (${changed} would get new tags: run with --fix to apply them)`;
}

/** `word` as a shell reads it back: as it is when it holds nothing a shell would take apart, else single-quoted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The line for findings with a fix that the upgrade does not bring: --fix leaves them to lint --fix, run so. */
function otherFixesLine(count: number, toSpec: string, rules: string[]): string {
  const [finding, has, them] = count === 1 ? ['finding', 'has', 'it'] : ['findings', 'have', 'them'];
  const command = ['attack-cov', 'lint', '--attack', toSpec, '--fix', '--rules', ...rules].map(shellWord).join(' ');
  return `${count} other ${finding} ${has} a fix that does not come from this upgrade (--fix leaves ${them}): run ${command}`;
}

function renderText(diff: AttackDiff, touched: TouchedRule[] | undefined, isFixed: boolean, otherFixes: { count: number; toSpec: string; rules: string[] }): string {
  const { tactics, techniques: t } = diff;
  const lines = [`ATT&CK ${diff.from} → ${diff.to}`, '', `Tactics: ${tactics.added.length} added, ${tactics.renamed.length} renamed, ${tactics.removed.length} removed`];
  for (const c of tactics.added) lines.push(`  added    ${c.id} ${c.to!.name} (${c.to!.shortname})`);
  for (const c of tactics.renamed) lines.push(`  renamed  ${c.id} ${c.from!.name} (${c.from!.shortname}) → ${c.to!.name} (${c.to!.shortname})`);
  for (const c of tactics.removed) lines.push(`  removed  ${c.id} ${c.from!.name}`);
  lines.push(
    '',
    `Techniques: ${t.added.length} added, ${t.revoked.length} revoked, ${t.deprecated.length} deprecated, ${t.removed.length} removed, ${t.renamed.length} renamed, ${t.moved.length} moved between tactics, ${t.platforms.length} with platform changes`,
  );
  for (const c of t.added) lines.push(`  added       ${c.id} ${c.name} (${c.tactics.join(', ')})`);
  for (const c of t.revoked) lines.push(`  revoked     ${c.id} ${c.name}${c.replacements.length ? ` → ${c.replacements.join(', ')}` : ' (no replacement)'}`);
  for (const c of t.deprecated) lines.push(`  deprecated  ${c.id} ${c.name}`);
  for (const c of t.removed) lines.push(`  removed     ${c.id} ${c.name}`);
  for (const c of t.renamed) lines.push(`  renamed     ${c.id} "${c.from}" → "${c.to}"`);
  for (const c of t.moved) lines.push(`  moved       ${c.id} ${c.name}: ${c.fromTactics.join(', ')} → ${c.toTactics.join(', ')}`);
  for (const c of t.platforms) lines.push(`  platforms   ${c.id} ${c.name}: ${[...c.added.map((p) => `+${p}`), ...c.removed.map((p) => `-${p}`)].join(' ')}`);
  if (touched) {
    lines.push('', touched.length === 0 ? 'No rule has a tag these changes touch.' : `Rules whose tags these changes touch: ${touched.length}${fixNote(touched, isFixed)}`);
    for (const r of touched) {
      lines.push(`  ${printable(r.file)}:${r.line}  ${printable(r.rule)}`);
      for (const c of r.changes) lines.push(`    ${c}`);
      if (r.tagsAfter.join() !== r.tagsBefore.join()) lines.push(`    tags: [${r.tagsBefore.map(printable).join(', ')}] → [${r.tagsAfter.map(printable).join(', ')}]`);
      for (const u of r.unresolved) lines.push(`    not fixed: ${printable(u)}`);
    }
    if (otherFixes.count > 0) lines.push('', otherFixesLine(otherFixes.count, otherFixes.toSpec, otherFixes.rules));
  }
  // Names come from the bundles: each line is escaped whole, so none can hold a line break or an escape.
  return `${lines.map(printable).join('\n')}\n`;
}

export async function runAttackDiff(fromSpec: string, toSpec: string, options: AttackDiffOptions, env: Environment, io: Io): Promise<number> {
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`attack diff --format must be text or json, not ${format}`);
  if (options.fix && !options.rules?.length) throw new UsageError('--fix needs --rules: it rewrites the rules files you name');
  // An empty argument is named as the argument it is (loadCatalog would name --attack, which attack diff has not).
  for (const [spec, which] of [[fromSpec, 'the first (from)'], [toSpec, 'the second (to)']] as const) {
    if (spec.trim() === '') throw new UsageError(`attack diff: ${which} ATT&CK is empty`, 'give a version such as 17.1, a bundle file or a URL');
  }
  // Named as given: these are arguments, not --attack.
  for (const spec of [fromSpec, toSpec]) checkAttackUrl(spec, undefined);
  // The rules paths before any download: offline, a missing file was named only once the versions were cached (QA).
  if (options.rules?.length) await checkRulesPaths(options.rules, sourceRootOf(options, env));
  const from = await loadCatalog({ attack: fromSpec }, env);
  const to = await loadCatalog({ attack: toSpec }, env);
  const diff = diffCatalogs(from.catalog, to.catalog);
  let touched: TouchedRule[] | undefined;
  let otherFixes = 0;
  if (options.rules?.length) {
    const analyzeFrom = await lintAnalyzer(from, options, env);
    const { result, files, isChosen: isUpgrade } = await fixRulesFiles(
      {
        ...options, attack: toSpec, catalog: to, isDryRun: !options.fix, isDiffPrinted: false, failOn: 'none', extra: { tacticRenames: diff.tacticRenames },
        fixesOnly: (texts) => upgradeFindings(diff, rulesetFromTexts([...texts]), analyzeFrom),
      },
      env,
      { ...io, stderr: () => undefined },
    );
    const fixed = files.map((f) => ({ ...f, text: result.texts.get(f.path)! }));
    const after = new Map(result.rulesets.after.rules.map((r) => [r.name, r]));
    // Why the plan left a fixable finding alone (a tag an alias shares); any other error left has no one fix.
    const whyLeft = new Map(result.skipped.map((s) => [s.finding, s.reason]));
    touched = result.rulesets.before.rules.flatMap((rule) => {
      const changes = changesTouching(rule, diff);
      if (changes.length === 0) return [];
      const unresolved = result.after.findings.filter((f) => f.rule === rule.name && f.severity === 'error' && isUpgrade(f)).map((f) => `${f.code}: ${f.message} (${whyLeft.get(f) ?? 'ambiguous'})`);
      return [{ rule: rule.name, file: rule.position.file, line: rule.position.line, changes, tagsBefore: rule.tags.map((t) => t.value), tagsAfter: after.get(rule.name)!.tags.map((t) => t.value), unresolved }];
    });
    // What lint --fix (against <to>) would fix that --fix here leaves: counted as lint counts it.
    const others = result.after.findings.filter((f) => !isUpgrade(f));
    otherFixes = others.filter(fixedBy(planTextFixes(others, result.rulesets.after, fixed))).length;
  }
  if (format === 'json') io.stdout(stringifyJson({ ...diff, ...(touched ? { rules: touched, otherFixable: otherFixes } : {}) }));
  else if (!io.isQuiet) io.stdout(renderText(diff, touched, options.fix === true, { count: otherFixes, toSpec, rules: options.rules ?? [] }));
  return 0;
}
