// `attack-cov suggest`: ATT&CK tag candidates, with evidence, for rules that have no technique tag (or,
// with --all, every rule); offline, or chosen by an LLM among them and checked; printed as text, JSON,
// CSV or SARIF; with --apply / --apply-from written into the rules files (only tag lines change).
import { readRenumbering } from '../emulate/renumbering.js';
import { EXIT_GATE, EXIT_OK, InputError, noValueError, UsageError } from '../errors.js';
import { readJsonInput } from './read-json.js';
import type { Ruleset } from '../falco/types.js';
import { stringifyJson } from '../report/reporter.js';
import { renderSuggestions } from '../report/suggestions-text.js';
import { suggestionsCsv } from '../report/suggestions-csv.js';
import { readLogSourceMap, readSourcePlatforms } from '../upstream.js';
import { suggestTags, type SuggestContext } from '../suggest/suggest.js';
import type { RuleSuggestion, SuggestionsSection } from '../suggest/types.js';
import { suggestionsSection } from '../suggest/would-cover.js';
import type { CoverageReport } from '../coverage-report.js';
import { loadCatalog, loadRulesFor, resolvePlatforms, sourceRootOf, toolVersion, type CommonOptions, type Environment } from './inputs.js';
import { rootInRepository } from '../source-root.js';
import { editDistance } from '../falco/tags.js';
import { compareText } from '../collections.js';
import type { Io } from './report.js';
import { readEmbeddedAtomics, readEmbeddedReferences } from './suggest-data.js';
import { chooseWithModel, type ModelOptions } from './suggest-model.js';
import { applySelection, attachEdits, suggestionsSarif } from './suggest-apply.js';
import { selectByScore, selectFromReviewed } from '../suggest/select.js';
import { own } from '../own.js';
import { firstNames } from '../report/words.js';

export interface SuggestOptions extends CommonOptions, ModelOptions {
  all?: boolean;
  top?: number;
  rule?: string[];
  format?: string;
  apply?: boolean;
  applyFrom?: string;
  minScore?: string;
  dryRun?: boolean;
  disabled?: boolean;
}

const FORMATS = ['text', 'json', 'csv', 'sarif'];
/** The default --min-score: the text match alone stays below it, so a similar tagged rule must agree (bench/suggest-accuracy.mjs: best candidates at or above it were right 57% strict, 62% parent-level). */
export const DEFAULT_MIN_SCORE = 0.2;

export function parseMinScore(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MIN_SCORE;
  // A decimal, as written: Number('') is 0 and Number('0x1') is 1, neither of which anyone meant.
  const score = /^\s*(?:\d+(?:\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : NaN;
  if (!(score >= 0 && score <= 1)) throw new UsageError(`--min-score takes a number from 0 to 1, not ${value.trim() || '""'}`);
  return score;
}

function checkOptions(options: SuggestOptions): void {
  const format = options.format ?? 'text';
  if (!FORMATS.includes(format)) throw new UsageError(`suggest --format must be one of ${FORMATS.join(', ')}, not ${format}`);
  if (options.applyFrom?.trim() === '') throw noValueError('--apply-from', options.applyFrom, 'give the output of attack-cov suggest --format json, with the entries you accept');
  if (options.apply && options.applyFrom) throw new UsageError('--apply and --apply-from exclude each other', '--apply takes the best candidates by --min-score; --apply-from takes the entries kept in a reviewed file');
  // The reviewed file is what gets written: a model asked again would cost a call per rule for answers nobody reads.
  if (options.applyFrom && options.model) throw new UsageError('--apply-from and --model exclude each other: --apply-from writes the reviewed file\'s entries as they are', 'to have the model choose, make the file with suggest --model --format json, review it, then apply it without --model');
  if ((options.apply || options.applyFrom) && !options.rules?.length) throw new UsageError('--apply needs --rules: it rewrites the rules files you name', 'e.g. attack-cov suggest --rules my_rules.yaml --apply --min-score 0.3');
  if (options.dryRun && !options.apply && !options.applyFrom) throw new UsageError('--dry-run goes with --apply or --apply-from');
  // What --apply changes is said as text (a diff with --dry-run): JSON, CSV or SARIF asked for would silently be
  // another thing (QA: a diff on stdout where jq expected JSON), as lint --fix says.
  if ((options.apply || options.applyFrom) && format !== 'text') throw new UsageError(`--${options.apply ? 'apply' : 'apply-from'} prints what it changes as text, not --format ${format}`, 'leave --format out, or list the suggestions with --format without applying them');
  const top = options.top ?? 3;
  if (!Number.isInteger(top) || top < 1 || top > 10) throw new UsageError(`--top takes 1 to 10 candidates, not ${options.top}`);
}

/** With --platform, a source observes only the platforms in scope (a k8s_audit rule under --platform Linux gets nothing). */
function scopedPlatforms(sourcePlatforms: Record<string, string[]>, scope: string[] | undefined): Record<string, string[]> {
  if (!scope) return sourcePlatforms;
  return Object.fromEntries(Object.entries(sourcePlatforms).map(([source, platforms]) => [source, platforms.filter((p) => scope.includes(p))]));
}

/**
 * A note when --platform leaves some of the looked-at rules' sources nothing to observe (syscall rules under --platform
 * Windows): their rules then get no candidate, which is otherwise said only as "no candidate" rule by rule (QA).
 * Sources attack-cov does not know (absent from `all`) are not named: they get no candidate with or without --platform.
 */
export function unobservedPlatformNote(suggestions: readonly Pick<RuleSuggestion, 'source'>[], all: Record<string, string[]>, scoped: Record<string, string[]>, platforms: string[] | undefined): string | undefined {
  if (!platforms) return undefined;
  const blind = [...new Set(suggestions.map((s) => s.source))].filter((source) => (own(all, source)?.length ?? 0) > 0 && own(scoped, source)?.length === 0).sort();
  if (blind.length === 0) return undefined;
  const observes = blind.map((source) => `${source} observes ${own(all, source)!.join(', ')}`).join('; ');
  const which = blind.length === 1 ? `the ${blind[0]} source observes` : `the ${firstNames(blind)} sources observe`;
  return `${which} none of --platform ${platforms.join(', ')} (${observes}: data/source-platforms.json), so ${blind.length === 1 ? 'its' : 'their'} rules get no candidate`;
}

/** Loads ATT&CK (with detection strategies), the ruleset and the embedded data, and ranks offline. */
export async function computeSuggestions(options: SuggestOptions, env: Environment, ruleset: Ruleset): Promise<{ context: SuggestContext; suggestions: RuleSuggestion[]; attackVersion: string; note?: string }> {
  const attack = await loadCatalog(options, env);
  const platforms = resolvePlatforms(options.platform, attack.catalog, options.configAt?.platform);
  const allPlatforms = readSourcePlatforms();
  const context: SuggestContext = { catalog: attack.catalog, ruleset, sourcePlatforms: scopedPlatforms(allPlatforms, platforms), atomics: await readEmbeddedAtomics(), renumbering: readRenumbering(), references: await readEmbeddedReferences(), logSources: readLogSourceMap() };
  const ruleNames = options.rule?.length ? new Set(options.rule) : undefined;
  if (ruleNames) {
    const unknown = [...ruleNames].filter((name) => !ruleset.rules.some((r) => r.name === name));
    if (unknown.length > 0) throw new UsageError(`no rule named ${unknown.map((n) => `"${n}"`).join(', ')} in the rules files`, closestRuleHint(unknown[0]!, ruleset));
  }
  const suggestions = suggestTags(context, { top: options.top ?? 3, isAll: options.all === true, isDisabledIncluded: options.disabled === true, ...(ruleNames ? { ruleNames } : {}) });
  const note = unobservedPlatformNote(suggestions, allPlatforms, context.sourcePlatforms, platforms);
  return { context, suggestions, attackVersion: attack.catalog.version, ...(note ? { note } : {}) };
}

/** The `suggestions` section of a report (report --suggest): offline, for the same --rules, with their edits. */
export async function suggestionsForReport(report: CoverageReport, options: CommonOptions & { minScore?: string; top?: number }, env: Environment): Promise<SuggestionsSection> {
  const minScore = parseMinScore(options.minScore);
  const rules = await loadRulesFor(options, env);
  const { suggestions } = await computeSuggestions({ ...options, top: 3 }, env, rules.ruleset);
  await attachEdits(suggestions, rules.ruleset, sourceRootOf(options, env));
  return suggestionsSection(report, suggestions, 'offline', minScore);
}

/** The reviewed file `file` (resolved against `cwd`), named in errors as given. */
async function readReviewed(file: string, cwd: string): Promise<unknown> {
  const hint = 'pass the output of attack-cov suggest --format json, with the entries you accept';
  const reviewed = readJsonInput(file, cwd, { what: 'a suggest --format json output', hint }) as { suggestions?: unknown };
  // The shape suggest --format json writes; each entry is checked again against the rules and ATT&CK after this.
  const entries = typeof reviewed === 'object' && reviewed !== null ? reviewed.suggestions : undefined;
  if (!Array.isArray(entries)) throw new InputError(file, 'not a suggest --format json output: no "suggestions" list', hint);
  const bad = entries.findIndex((e: { rule?: unknown; candidates?: unknown } | null) => typeof e !== 'object' || e === null || typeof e.rule !== 'string' || !Array.isArray(e.candidates));
  if (bad >= 0) throw new InputError(file, `not a suggest --format json output: suggestions[${bad}] is not an entry with a "rule" and a "candidates" list`, hint);
  return reviewed;
}

export async function runSuggest(options: SuggestOptions, env: Environment, io: Io, processEnv: NodeJS.ProcessEnv = process.env): Promise<number> {
  checkOptions(options);
  const reviewed = options.applyFrom ? await readReviewed(options.applyFrom, env.cwd) : undefined;
  const minScore = parseMinScore(options.minScore);
  const rules = await loadRulesFor(options, env);
  const { context, suggestions: offline, attackVersion, note } = await computeSuggestions(options, env, rules.ruleset);
  if (note) io.stderr(`note: ${note}\n`);
  const { suggestions, ranker, failedCalls } = await chooseWithModel(offline, context, options, attackVersion, io, processEnv);
  // Some rules got no model answer (a call failed, or the run stopped asking): what there is is printed or applied, and
  // the exit code says the run is incomplete, as draft's does for a draft that failed (every call failed: exit 2 above).
  const done = failedCalls > 0 ? EXIT_GATE : EXIT_OK;
  if (options.apply || reviewed !== undefined) {
    const selection = reviewed !== undefined ? selectFromReviewed(reviewed, rules.ruleset, context.catalog, context.sourcePlatforms) : { additions: selectByScore(suggestions, rules.ruleset, minScore), refused: [] };
    return Math.max(await applySelection(selection, options, sourceRootOf(options, env), io), done);
  }
  await attachEdits(suggestions, rules.ruleset, sourceRootOf(options, env));
  const format = options.format ?? 'text';
  const tool = toolVersion();
  if (format === 'json') io.stdout(stringifyJson({ tool, attack: { version: attackVersion }, ranker, suggestions }));
  else if (format === 'csv') io.stdout(suggestionsCsv(suggestions));
  else if (format === 'sarif') io.stdout(stringifyJson(suggestionsSarif(suggestions, tool, rules.ruleset.files, rootInRepository(sourceRootOf(options, env)))));
  else if (!io.isQuiet) io.stdout(renderSuggestions(suggestions, io.style));
  return done;
}

/** The rules whose names are nearest to `name`, for the usage error (names are matched exactly, case and all). */
function closestRuleHint(name: string, ruleset: Ruleset): string {
  const wanted = name.toLowerCase();
  const nearest = ruleset.rules.map((r) => ({ name: r.name, distance: editDistance(wanted, r.name.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance || compareText(a.name, b.name)).slice(0, 3).map((r) => `"${r.name}"`);
  return `--rule takes a rule's name exactly as written${nearest.length > 0 ? `; the nearest: ${nearest.join(', ')}` : ''}`;
}
