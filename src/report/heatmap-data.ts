// What heatmap.html embeds: the report with only what the page reads of its three large lists, and the rules of
// each technique named by their position in `rules` instead of by name. A rule's name is written once, not once
// per technique, platform and list that counts it: at 10,000 rules the data is ~3 MB where report.json's compact
// JSON is 8 MB, so the page is smaller to keep, faster to open and cheaper to write. The page (templates/heatmap.js,
// `readReport`) puts the names back before it reads anything; report.json keeps everything.
import type { CoverageReport, Finding, RuleEntry, TechniqueEntry } from '../coverage-report.js';
import type { PlatformCoverage } from '../coverage-report-threats.js';

/** A rule as the page shows it: name, place, maturity, and why Falco drops it. */
export type HeatmapRule = Pick<RuleEntry, 'name' | 'file' | 'line' | 'maturity' | 'skippedByFalco'>;

/** A finding as the page lists it. */
export type HeatmapFinding = Pick<Finding, 'code' | 'severity' | 'rule' | 'file' | 'line' | 'technique' | 'message'>;

/** A rule by its position in HeatmapData.rules; by name only if it is not there (no report does that). */
export type RuleRef = number | string;

export type HeatmapTechnique = Omit<TechniqueEntry, 'rules' | 'observingRules' | 'disabledRules' | 'platformCoverage'> & {
  rules: RuleRef[];
  observingRules: RuleRef[];
  disabledRules: RuleRef[];
  platformCoverage: (Omit<PlatformCoverage, 'rules'> & { rules: RuleRef[] })[];
};

export type HeatmapData = Omit<CoverageReport, 'rules' | 'findings' | 'techniques'> & {
  rules: HeatmapRule[];
  findings: HeatmapFinding[];
  techniques: HeatmapTechnique[];
};

function heatmapRule(rule: RuleEntry): HeatmapRule {
  return {
    name: rule.name,
    file: rule.file,
    line: rule.line,
    ...(rule.maturity !== undefined ? { maturity: rule.maturity } : {}),
    ...(rule.skippedByFalco !== undefined ? { skippedByFalco: rule.skippedByFalco } : {}),
  };
}

function heatmapFinding(finding: Finding): HeatmapFinding {
  const { code, severity, rule, file, line, technique, message } = finding;
  return { code, severity, rule, file, line, ...(technique !== undefined ? { technique } : {}), message };
}

export function heatmapData(report: CoverageReport): HeatmapData {
  const position = new Map<string, number>();
  report.rules.forEach((rule, i) => {
    // A name twice (no report has it) keeps its first position: the page finds that rule by the name too.
    if (!position.has(rule.name)) position.set(rule.name, i);
  });
  const refs = (names: string[]): RuleRef[] => names.map((name) => position.get(name) ?? name);
  return {
    ...report,
    techniques: report.techniques.map((t) => ({
      ...t,
      rules: refs(t.rules),
      observingRules: refs(t.observingRules),
      disabledRules: refs(t.disabledRules),
      platformCoverage: t.platformCoverage.map((c) => ({ ...c, rules: refs(c.rules) })),
    })),
    rules: report.rules.map(heatmapRule),
    findings: report.findings.map(heatmapFinding),
  };
}
