// `attack-cov report`: build the CoverageReport, write the chosen outputs, print the summary, gate.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { EXIT_GATE, EXIT_OK } from '../errors.js';
import { checkOutputDir, outDirOf, writeOutputs, writtenPath, type OutputFile } from '../output.js';
import { loadReportAssets } from '../report/assets.js';
import { REPORTERS, selectReporters } from '../report/registry.js';
import type { Reporter } from '../report/reporter.js';
import type { CoverageReport } from '../coverage-report.js';
import { printable, renderSummary, type TerminalStyle } from '../report/terminal.js';
import { buildReport, type CommonOptions, type Environment } from './inputs.js';
import { compareReports } from '../analysis/baseline.js';
import { evaluateGates, parseDrop, parseFailOn, parseMinCoverage } from '../analysis/gates.js';
import { noValueError, UsageError } from '../errors.js';
import { splitCommaList } from '../collections.js';
import { scopeChange } from '../report/words.js';
import { readBaseline } from './baseline.js';
import { SCORE_MODES, type ScoreMode } from '../report/layer-score.js';

function parseScore(value: string | undefined): ScoreMode {
  const mode = (value ?? 'count') as ScoreMode;
  if (!SCORE_MODES.includes(mode)) throw new UsageError(`--score must be ${SCORE_MODES.join(', ')}, not ${value}`);
  return mode;
}

export interface ReportOptions extends CommonOptions {
  out: string;
  format?: string[];
  failOn?: string;
  top?: number;
  quiet?: boolean;
  baseline?: string;
  minCoverage?: string[];
  maxCoverageDrop?: string;
  /** Add tag suggestions for untagged rules (report.json `suggestions`, suggestions.csv, SARIF, heatmap). */
  suggest?: boolean;
  minScore?: string;
  score?: string;
  /** Add the emulation section (report.json `emulation`). */
  emulate?: boolean;
}

export interface Io {
  stdout: (text: string) => void;
  /** Notes, progress and "wrote" lines: silent with -q. */
  stderr: (text: string) => void;
  /** Errors and failed gates: printed even with -q (defaults to stderr). */
  errors?: (text: string) => void;
  style: TerminalStyle;
  /** -q: commands print nothing but errors. */
  isQuiet?: boolean;
}

/** Rules from which report.json and heatmap.html are written in pieces: above ~10 MB the one string and
 * V8's buffers for building it set the peak memory; below, one string is quicker (~30 ms at 93 rules). */
const WRITTEN_IN_PIECES_FROM = 2000;

/** `content` if it passes the reporter's own check. One that fails is attack-cov's bug, not the user's:
 * fail loudly, write nothing. */
function validated(reporter: Reporter, name: string, content: string): string {
  const problems = reporter.validate?.(content) ?? [];
  if (problems.length > 0) throw new Error(`${name} does not validate: ${problems.slice(0, 5).join('; ')}`);
  return content;
}

/** Renders the reporters' outputs of `report` and writes them into `outDir` (nothing there changes unless
 * all are written). Each output is rendered when its turn to be written comes (one large text in memory at a
 * time); a reporter that throws still leaves `outDir` untouched (writeOutputs renames nothing then). Reads
 * nothing but the report: bench/outputs-alone.mjs runs it on a report.json read back. */
export async function writeReport(report: CoverageReport, reporters: Reporter[], outDir: string, score: ScoreMode): Promise<string[]> {
  const assets = reporters.some((r) => r.name === 'heatmap') ? loadReportAssets() : undefined;
  const context = { outDir, assets, score };
  const isLarge = report.rules.length >= WRITTEN_IN_PIECES_FROM;
  const files = reporters.flatMap((reporter): OutputFile[] => {
    if (reporter.renderFiles) return reporter.renderFiles(report, context).map(({ name, content }) => ({ name, content: validated(reporter, name, content) }));
    const { chunks } = reporter;
    if (chunks && isLarge && !reporter.validate) return [{ name: reporter.fileName, content: () => chunks(report, context) }];
    return [{ name: reporter.fileName, content: () => validated(reporter, reporter.fileName, reporter.render(report, context)) }];
  });
  return writeOutputs(outDir, files);
}

/** Names of `report` outputs (each reporter's file, a threat profile's layer) in `outDir` that this run did not
 * write: left there by an earlier run, and easy to publish with this one's (QA: a threat layer of other rules stayed
 * beside the new report). Said, not removed: --out may be a folder of the user's own. */
export function leftoverOutputs(outDir: string, written: string[]): string[] {
  const ours = new Set(Object.values(REPORTERS).map((r) => r.fileName));
  const now = new Set(written.map((file) => path.basename(file)));
  let names: string[];
  try {
    names = readdirSync(outDir);
  } catch {
    return [];
  }
  return names.filter((name) => !now.has(name) && (ours.has(name) || /^layer-[a-z0-9-]+\.json$/.test(name))).sort();
}

/** Formats named on their own (not through all or an alias) that had nothing to write in this run, and why. */
export function emptyFormatNotes(formats: string[] | undefined, report: CoverageReport): string[] {
  const named = new Set(splitCommaList(formats ?? []));
  const notes: string[] = [];
  if (named.has('threat-layers') && report.threats.length === 0) notes.push('--format threat-layers wrote nothing: it writes one layer per --threat profile, and none was given');
  if (named.has('suggestions-csv') && report.suggestions === undefined) notes.push('--format suggestions-csv wrote nothing: it needs --suggest');
  return notes;
}

export async function runReport(options: ReportOptions, env: Environment, io: Io): Promise<number> {
  const reporters = selectReporters(options.format);
  const score = parseScore(options.score);
  const failOn = parseFailOn(options.failOn, 'none');
  const maxCoverageDrop = options.maxCoverageDrop === undefined ? undefined : parseDrop(options.maxCoverageDrop);
  const outDir = outDirOf(options.out, env.cwd);
  await checkOutputDir(outDir);
  if (options.baseline?.trim() === '') throw noValueError('--baseline', options.baseline, 'give the report.json of an earlier run, or leave --baseline out');
  const baseline = options.baseline ? await readBaseline(options.baseline, env.cwd) : undefined;
  const report = await buildReport(options, env, options.emulate === true);
  if (baseline) report.comparison = compareReports(report, baseline);
  if (options.suggest) report.suggestions = await (await import('./suggest.js')).suggestionsForReport(report, options, env);
  const gates = evaluateGates(report, { failOn, maxCoverageDrop, ...parseMinCoverage(options.minCoverage ?? [], report.tactics, options.configAt?.minCoverage) });
  if (gates.length > 0) report.gates = gates;
  const written = await writeReport(report, reporters, outDir, score);
  if (!options.quiet && !io.isQuiet) io.stdout(renderSummary(report, io.style, options.top));
  for (const file of written) io.stderr(`wrote ${printable(writtenPath(file, env.cwd))}\n`);
  const leftover = leftoverOutputs(outDir, written);
  if (leftover.length > 0) {
    io.stderr(`note: ${printable(writtenPath(outDir, env.cwd))} also holds ${leftover.map(printable).join(', ')}, which this run did not write (an earlier run's, with other rules or options?); remove them, or use an empty --out, before publishing the folder\n`);
  }
  if (report.comparison?.crossesAttackVersions) {
    io.stderr(`note: the baseline is from ATT&CK ${printable(report.comparison.baseline.attackVersion)}, this run ${printable(report.inputs.attack.version)}; some changes are ATT&CK's\n`);
  }
  if (report.comparison?.crossesScopes) {
    io.stderr(`note: ${printable(scopeChange(report.comparison.baseline.platforms, report.scope.platforms))}; coverage changes are partly the scope's\n`);
  }
  for (const note of emptyFormatNotes(options.format, report)) io.stderr(`note: ${note}\n`);
  const failed = gates.filter((g) => !g.isPassed);
  for (const gate of failed) (io.errors ?? io.stderr)(`gate failed: --${gate.gate}: ${printable(gate.message)}\n`);
  return failed.length > 0 ? EXIT_GATE : EXIT_OK;
}
