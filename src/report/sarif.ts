// findings.sarif: SARIF 2.1.0 for GitHub code scanning: one SARIF rule per finding code with help text,
// one result per finding with the file and line/column region of the tag (or rule) it is about.
import { createHash } from 'node:crypto';
import { findingFingerprint as fingerprint, newFindingFlags } from '../analysis/baseline.js';
import { CHECKS } from '../analysis/checks/index.js';
import type { CoverageReport, Finding, Severity } from '../coverage-report.js';
import { SUPPRESSION_CODES } from '../analysis/suppress.js';
import { isOfficialFile } from '../analysis/gates.js';
import { describeFix, ruleSuffix } from './messages.js';
import { stringifyJson, type Reporter } from './reporter.js';
import { suggestionResults, suggestionSarifRule } from './sarif-suggestions.js';
import { cutName, sarifName, sarifText } from './sarif-text.js';
import { cutAt } from '../terminal-text.js';
import { LINK_OUTSIDE_ROOT_NOTE, OUTSIDE_ROOT_NOTE } from '../source-root.js';
import { occurrences } from '../collections.js';
import { firstNames, plural, verb } from './words.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

function pascalCase(code: string): string {
  return code.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
}

/**
 * GitHub code scanning ranks alerts of rules tagged "security" by properties.security-severity, a number
 * as a string: over 9 critical, 7-8.9 high, 4-6.9 medium, under 4 low. A wrong tag misreports coverage
 * (medium); the rest is hygiene (low).
 */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '5.0', warning: '3.0', info: '1.0' };

function sarifRules() {
  return [...CHECKS, ...SUPPRESSION_CODES].map((check) => ({
    id: check.code,
    name: pascalCase(check.code),
    shortDescription: { text: check.description },
    fullDescription: { text: check.description },
    help: {
      text: `${check.description} Run \`attack-cov lint --fix\` to apply the fix where the finding names one.`,
      markdown: `**${check.code}** (${check.severity}): ${check.description}\n\nWhere the finding names one unambiguous fix, \`attack-cov lint --fix\` applies it (\`--fix-dry-run\` shows the diff). A deliberate finding is suppressed with a reason: \`# attack-cov-ignore ${check.code}: <why>\` on the rule or tag line, or in .attack-cov.yaml.`,
    },
    defaultConfiguration: { level: LEVEL[check.severity] },
    properties: { tags: ['security', 'mitre-attack', 'falco'], precision: 'very-high', 'security-severity': SECURITY_SEVERITY[check.severity] },
  }));
}

/** Paths are relative to the repository's top (%SRCROOT%), which code scanning maps to the checkout: report paths,
 * from the source root, under the source root's folder there (repositoryPath). */
export function artifactLocation(file: string): { uri: string; uriBaseId: string } {
  // Each segment encoded whole: a '#', '?' or ':' in a file name stays part of the name, not a fragment,
  // a query or a scheme that would point the alert at another file.
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/**
 * Whether code scanning can show a result about `file`: a file of the repository. Not the embedded or downloaded
 * official rules (`official:…`, a URL: GitHub rejects a log with absolute URIs of another scheme than its source
 * root's `file:`), not a file outside the source root (named by its base name, it would be taken for the
 * repository's file of that name), and not a symlink to one (the repository holds the link, not the lines).
 */
export function repositoryFileTest(rules: { path: string; note?: string }[]): (file: string) => boolean {
  const outside = new Set(rules.filter((r) => r.note === OUTSIDE_ROOT_NOTE || r.note === LINK_OUTSIDE_ROOT_NOTE).map((r) => r.path));
  return (file) => !isOfficialFile(file) && !/^https?:/.test(file) && !outside.has(file);
}

/** The file of the repository that holds a file's lines, from the repository's top: the file a symlink resolves to
 * (`target`), else the file itself, under `inRepository`, the source root's folder in the repository, when it has one
 * (report.json's inputs.rootInRepository). */
export function repositoryPath(rules: { path: string; target?: string }[], inRepository?: string): (file: string) => string {
  const targets = new Map(rules.map((r) => [r.path, r.target]));
  const folder = inRepository === undefined ? '' : `${inRepository}/`;
  return (file) => `${folder}${targets.get(file) ?? file}`;
}

/** artifactLocation of the file code scanning finds a file's lines in (repositoryPath). */
export function repositoryLocator(rules: { path: string; target?: string }[], inRepository?: string): (file: string) => { uri: string; uriBaseId: string } {
  const pathOf = repositoryPath(rules, inRepository);
  return (file) => artifactLocation(pathOf(file));
}

/** %SRCROOT% without a machine path: GitHub resolves it to the repository root (`--source-root`). */
const ORIGINAL_URI_BASE_IDS = {
  '%SRCROOT%': { description: { text: 'The top of the git repository that holds the source root (--source-root; default the git work tree holding the rules), or the source root itself outside a repository.' } },
};

/** GitHub code scanning rejects a run of more than this many results. */
export const MAX_SARIF_RESULTS = 25_000;

const LEVEL_ORDER = { error: 0, warning: 1, note: 2 };

interface SarifResult {
  level: 'error' | 'warning' | 'note';
  partialFingerprints: Record<string, string>;
}

/**
 * The run: the results (at most MAX_SARIF_RESULTS, the least severe left out first), each with a
 * `primaryLocationLineHash` (the one fingerprint code scanning reads; without it the uploader hashes the line's
 * text, so an alert would not survive an edit of its tag line) from attack-cov's own fingerprint and its occurrence,
 * and what was left out, said in notifications.
 */
export function sarifLog<R extends SarifResult>(tool: { name: string; version: string }, rules: object[], results: R[], leftOut: string[]) {
  const notes = [...leftOut];
  let kept = results;
  if (results.length > MAX_SARIF_RESULTS) {
    const ranked = results.map((r, i) => ({ rank: LEVEL_ORDER[r.level], i })).sort((a, b) => a.rank - b.rank); // stable: in order within a level
    const keep = new Set(ranked.slice(0, MAX_SARIF_RESULTS).map((r) => r.i));
    kept = results.filter((_, i) => keep.has(i));
    notes.push(`${results.length - kept.length} of ${results.length} results are not in this log: GitHub code scanning takes at most ${MAX_SARIF_RESULTS} per run, so the least severe were left out`);
  }
  // A finding's fingerprint is already a digest and gives its hash itself; the others' are hashed here.
  const hashes = kept.map((r) => r.partialFingerprints.primaryLocationLineHash ?? createHash('sha256').update(r.partialFingerprints['attackCov/v1']!).digest('hex').slice(0, 16));
  const n = occurrences(hashes);
  kept.forEach((result, i) => (result.partialFingerprints.primaryLocationLineHash = `${hashes[i]}:${n[i]}`));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: tool.name, version: tool.version, semanticVersion: tool.version, rules } },
        // No automationDetails.id: it would override the uploader's `category` (upload-sarif sets it from there).
        ...(notes.length > 0 ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: notes.map((text) => ({ level: 'note', message: { text: sarifText(text) } })) }] } : {}),
        // Columns are counted as JavaScript (and the yaml library) count them.
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: ORIGINAL_URI_BASE_IDS,
        results: kept,
      },
    ],
  };
}

/** "2 findings about official:falco_rules.yaml@c72713e and 1 more file …": what a log leaves out, and why. */
export function notInRepositoryNote(count: number, noun: string, files: string[]): string {
  return `${plural(count, noun)} about ${firstNames([...new Set(files)])} ${verb(count, 'is', 'are')} not in this log: no file of the repository, so code scanning could show no alert there (the other outputs have them)`;
}

/** A finding's region: its tag alone where the finding knows where the tag ends (endColumn, exclusive, as SARIF's),
 * else from its column to the end of the line (SARIF's reading of a region without an end: JSON drops an undefined). */
function regionOf(f: Finding): { startLine: number; startColumn: number; endColumn?: number } {
  return { startLine: f.line, startColumn: f.column, endColumn: f.endColumn };
}

function findingResults(findings: Finding[], index: Map<string, number>, locate: (file: string) => { uri: string; uriBaseId: string }, isNew?: boolean[]) {
  return findings.map((f, i) => {
    const fix = describeFix(f);
    const own = fingerprint(f);
    return {
      ruleId: f.code,
      ruleIndex: index.get(f.code) ?? -1,
      level: LEVEL[f.severity],
      // The finding's sentence quotes tags from the rules: cut too, long enough for any sentence of attack-cov's own.
      message: { text: sarifText(`${cutAt(f.message, 1000)}${ruleSuffix(f.rule, cutName)}${fix ? `; fix: ${cutAt(fix, 1000)}` : ''}`) },
      locations: [
        {
          physicalLocation: { artifactLocation: locate(f.file), region: regionOf(f) },
          logicalLocations: [{ name: sarifName(f.rule), kind: 'member' }],
        },
      ],
      // Stable across runs and line moves (no line in it), so code scanning tracks one finding as one alert.
      partialFingerprints: { 'attackCov/v1': own, primaryLocationLineHash: own.slice(0, 16) } as Record<string, string>,
      ...(isNew ? { baselineState: isNew[i] ? 'new' : 'unchanged' } : {}),
      properties: { ...(f.technique ? { technique: f.technique } : {}), ...(f.tactic ? { tactic: f.tactic } : {}), ...(f.tag ? { tag: f.tag } : {}) },
    };
  });
}

/**
 * The log of a report's counted findings (and its tag suggestions) in files of the repository. Suppressed findings
 * are not in it: GitHub code scanning ignores SARIF `suppressions` and would raise each as an open alert.
 */
export function buildSarif(report: CoverageReport) {
  const rules = [...sarifRules(), ...(report.suggestions ? [suggestionSarifRule] : [])];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const isInRepository = repositoryFileTest(report.inputs.rules);
  const locate = repositoryLocator(report.inputs.rules, report.inputs.rootInRepository);
  const isNew = report.comparison ? newFindingFlags(report.findings, report.comparison.newFindings) : undefined;
  const shown = report.findings.map((f, i) => ({ f, isNew: isNew?.[i] })).filter(({ f }) => isInRepository(f.file));
  const elsewhere = report.findings.filter((f) => !isInRepository(f.file));
  const suggestions = report.suggestions?.rules ?? [];
  const suggestionsElsewhere = suggestions.filter((s) => s.candidates.length > 0 && !isInRepository(s.file));
  const suppressed = report.suppressed?.length ?? 0;
  const leftOut = [
    ...(elsewhere.length > 0 ? [notInRepositoryNote(elsewhere.length, 'finding', elsewhere.map((f) => f.file))] : []),
    ...(suggestionsElsewhere.length > 0 ? [notInRepositoryNote(suggestionsElsewhere.length, 'tag suggestion', suggestionsElsewhere.map((s) => s.file))] : []),
    ...(suppressed > 0 ? [`${plural(suppressed, 'suppressed finding')} ${verb(suppressed, 'is', 'are')} not in this log: GitHub code scanning ignores SARIF suppressions and would raise them as alerts (the other outputs have them)`] : []),
  ];
  const results = [
    ...findingResults(shown.map(({ f }) => f), index, locate, isNew && shown.map(({ isNew }) => isNew!)),
    ...(report.suggestions ? suggestionResults(suggestions.filter((s) => isInRepository(s.file)), rules.length - 1, locate) : []),
  ];
  return sarifLog(report.tool, rules, results, leftOut);
}

export const sarifReporter: Reporter = {
  name: 'sarif',
  fileName: 'findings.sarif',
  description: 'SARIF 2.1.0 for GitHub code scanning',
  render: (report) => stringifyJson(buildSarif(report)),
};
