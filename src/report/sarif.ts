// findings.sarif: SARIF 2.1.0 for GitHub code scanning: one SARIF rule per finding code with help text,
// one result per finding with the file and line/column region of the tag (or rule) it is about.
import { findingFingerprint as fingerprint } from '../analysis/baseline.js';
import { CHECKS } from '../analysis/checks/index.js';
import type { CoverageReport, Finding, Severity, SuppressedFinding } from '../coverage-report.js';
import { SUPPRESSION_CODES } from '../analysis/suppress.js';
import { describeFix, ruleSuffix } from './messages.js';
import { stringifyJson, type Reporter } from './reporter.js';
import { suggestionResults, suggestionSarifRule } from './sarif-suggestions.js';
import { sarifText } from './sarif-text.js';

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

/** Report paths are relative to the source root (%SRCROOT%), which code scanning maps to the checkout;
 * the embedded or downloaded official rules (`official:…`) are no file of the repository. */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (/^(official|https?):/.test(file)) return { uri: encodeURI(file) };
  // Each segment encoded whole: a '#', '?' or ':' in a file name stays part of the name, not a fragment,
  // a query or a scheme that would point the alert at another file.
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** %SRCROOT% without a machine path: GitHub resolves it to the repository root (`--source-root`). */
const ORIGINAL_URI_BASE_IDS = {
  '%SRCROOT%': { description: { text: 'The source root that attack-cov names files relative to (--source-root; default the git work tree holding the rules).' } },
};


function findingResults(report: CoverageReport, index: Map<string, number>, newKeys?: Set<string>) {
  return [...report.findings, ...(report.suppressed ?? [])].map((f: Finding | SuppressedFinding) => {
    const fix = describeFix(f);
    return {
      ruleId: f.code,
      ruleIndex: index.get(f.code) ?? -1,
      level: LEVEL[f.severity],
      message: { text: sarifText(`${f.message}${ruleSuffix(f.rule)}${fix ? `; fix: ${fix}` : ''}`) },
      locations: [
        {
          physicalLocation: { artifactLocation: artifactLocation(f.file), region: { startLine: f.line, startColumn: f.column } },
          logicalLocations: [{ name: f.rule, kind: 'member' }],
        },
      ],
      // Stable across runs and line moves, so code scanning tracks one finding as one alert.
      partialFingerprints: { 'attackCov/v1': fingerprint(f) },
      ...(newKeys ? { baselineState: newKeys.has(fingerprint(f)) ? 'new' : 'unchanged' } : {}),
      // Suppressed findings stay in the log, marked so that code scanning does not raise them as alerts.
      ...('suppression' in f ? { suppressions: [{ kind: f.suppression.kind, status: 'accepted', justification: f.suppression.justification }] } : {}),
      properties: { ...(f.technique ? { technique: f.technique } : {}), ...(f.tactic ? { tactic: f.tactic } : {}), ...(f.tag ? { tag: f.tag } : {}) },
    };
  });
}

export function buildSarif(report: CoverageReport, newKeys?: Set<string>) {
  const rules = [...sarifRules(), ...(report.suggestions ? [suggestionSarifRule] : [])];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: report.tool.name, version: report.tool.version, semanticVersion: report.tool.version, rules } },
        // No automationDetails.id: it would override the uploader's `category` (upload-sarif sets it from there).
        columnKind: 'unicodeCodePoints',
        originalUriBaseIds: ORIGINAL_URI_BASE_IDS,
        results: [...findingResults(report, index, newKeys), ...(report.suggestions ? suggestionResults(report.suggestions.rules, rules.length - 1, artifactLocation) : [])],
      },
    ],
  };
}

export const sarifReporter: Reporter = {
  name: 'sarif',
  fileName: 'findings.sarif',
  description: 'SARIF 2.1.0 for GitHub code scanning',
  render: (report) => stringifyJson(buildSarif(report, report.comparison ? new Set(report.comparison.newFindings.map((f) => f.fingerprint)) : undefined)),
};
