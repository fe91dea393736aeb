// The CoverageReport: the one versioned result (report.json) every reporter reads. Renaming or
// removing a field bumps SCHEMA_VERSION; adding one does not.
import type { EmulationSection } from './emulate/types.js';
import type { Detectability, DetectabilityVerdict, GapPriority, PlatformCoverage, ThreatProfile } from './coverage-report-threats.js';
export type * from './coverage-report-threats.js';

import type { SuggestionsSection } from './suggest/types.js';

export const SCHEMA_VERSION = 1;

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: Severity[] = ['error', 'warning', 'info'];

/** A tag edit that resolves a finding: replace `tag` by `with` (remove when empty), or add `with` when `tag` is absent. */
export interface TagFix {
  tag?: string;
  with: string[];
}

export interface Finding {
  /** Stable kebab-case code, e.g. "tactic-mismatch". */
  code: string;
  severity: Severity;
  rule: string;
  file: string;
  line: number;
  column: number;
  /** The column after the tag the finding is about, when that tag is one scalar on one line (not an alias, a block
   * scalar or a scalar over two lines): outputs mark the tag alone (SARIF's endColumn, an annotation's endColumn);
   * without it a SARIF region runs to the end of the line, and an annotation marks its column. */
  endColumn?: number;
  /** The tag the finding is about, as written. */
  tag?: string;
  technique?: string;
  /** Tactic shortname. */
  tactic?: string;
  /** Extra values the message uses (e.g. the technique's tactics, the replacement). */
  args?: Record<string, string | string[]>;
  fix?: TagFix;
  /** English sentence made from the fields above (report/messages.ts). */
  message: string;
}

/** Why a finding is not counted: a `# attack-cov-ignore` comment in the rules file, or a config suppression. */
export interface Suppression {
  /** SARIF's words: inSource = a comment beside the rule, external = the project config. */
  kind: 'inSource' | 'external';
  justification: string;
  /** Where the suppression is written. */
  file: string;
  line: number;
  /** Last day (YYYY-MM-DD) a config suppression applies. */
  until?: string;
}

/** A finding that a suppression covers: listed apart, never counted by summaries or gates. */
export interface SuppressedFinding extends Finding {
  suppression: Suppression;
}

export type TechniqueStatus = 'covered' | 'partial' | 'gap';


export interface TechniqueEntry {
  id: string;
  name: string;
  url: string;
  /** Tactic shortnames, matrix order. */
  tactics: string[];
  platforms: string[];
  isSubtechnique: boolean;
  parent?: string;
  inScope: boolean;
  /** Over its in-scope platforms (all its platforms when out of scope): covered on one of them is covered. */
  status: TechniqueStatus;
  /** Enabled rules that tag this technique, whatever their source observes (not those Falco drops: skippedByFalco). */
  rules: string[];
  /** Of `rules`, those whose source observes one of the platforms that count: only these cover it. */
  observingRules: string[];
  /** Coverage on each platform of the technique (in scope or not), in the technique's platform order. */
  platformCoverage: PlatformCoverage[];
  /** Rules that tag it but do not run (they do not count as coverage): disabled, or dropped by Falco (RuleEntry.skippedByFalco). */
  disabledRules: string[];
  /** Sub-techniques of this technique covered by an enabled rule. */
  coveredSubtechniques: string[];
  /** Groups, campaigns and software known to use it. */
  usedBy: number;
  /** How many findings concern this technique. */
  findings: number;
  /** In-scope techniques only: what ATT&CK's analytics say can detect it, and whether Falco can. */
  detectability?: Detectability;
}

export interface CoverageCounts {
  /** In-scope techniques counted (top-level techniques; sub-techniques are counted apart). */
  total: number;
  covered: number;
  partial: number;
  gap: number;
  /** (covered + partial) / total, in percent with one decimal. */
  percent: number;
}

export interface PlatformCounts extends CoverageCounts {
  platform: string;
}

export interface TacticEntry extends CoverageCounts {
  id: string;
  name: string;
  shortname: string;
  url: string;
}

export interface RuleEntry {
  name: string;
  file: string;
  line: number;
  source: string;
  isEnabled: boolean;
  /** Why Falco drops this enabled rule: `skip-if-unknown-filter: true` and its condition names a field or event
   * Falco 0.44 does not know. Such a rule covers nothing. */
  skippedByFalco?: string;
  /** From maturity_* tags, e.g. "stable". */
  maturity?: string;
  priority: string;
  /** Valid technique IDs tagged. */
  techniques: string[];
  /** Tactic shortnames tagged (by name or ID). */
  tactics: string[];
  tags: string[];
  findings: number;
}

export interface GapEntry {
  id: string;
  name: string;
  tactics: string[];
  isSubtechnique: boolean;
  usedBy: number;
  /** Why this gap ranks where it does (gaps are listed in this order). */
  priority: GapPriority;
}

export interface StatusChange extends TechniqueChange {
  before: TechniqueStatus;
  after: TechniqueStatus;
}

/** A finding as a comparison lists it. */
export interface FindingRef {
  /** Stable identity (code, rule, tag, technique, tactic), independent of line numbers. */
  fingerprint: string;
  code: string;
  severity: Severity;
  rule: string;
  file: string;
  line: number;
  message: string;
}

export interface TechniqueChange {
  id: string;
  name: string;
  /** Enabled rules that covered it in the baseline (for newly uncovered, covered → partial) or cover it now (newly
   * covered, partial → covered). */
  rules: string[];
}

/** What changed against a baseline report.json (`report --baseline`). */
export interface Comparison {
  /** `platforms`: the baseline's scope. */
  baseline: { generatedAt: string; attackVersion: string; rules: string[]; platforms: string[] };
  /** The baseline was made against another ATT&CK version: technique changes may be ATT&CK's, not the rules'. */
  crossesAttackVersions: boolean;
  /** The baseline counted the techniques of other platforms (another --platform, or sources): coverage changes may be
   * the scope's, not the rules'. */
  crossesScopes: boolean;
  newlyCovered: TechniqueChange[];
  newlyUncovered: TechniqueChange[];
  /** In-scope techniques counted in both runs whose status changed between covered and partial (to or from a gap is
   * newlyCovered or newlyUncovered). Covered → partial is a regression: the technique lost its own rules. */
  statusChanges: StatusChange[];
  newFindings: FindingRef[];
  fixedFindings: FindingRef[];
  /** Overall percentages with one decimal; `delta` is made from the exact shares, and `counted` is what the baseline
   * counted (covered, partial, total), which --max-coverage-drop compares exactly. */
  coverage: { before: number; after: number; delta: number; counted: { covered: number; partial: number; total: number } };
  tactics: { shortname: string; name: string; before?: number; after: number; delta?: number }[];
}

export interface GateResult {
  /** The option that set it: fail-on, min-coverage, max-coverage-drop. */
  gate: string;
  isPassed: boolean;
  /** Why it passed or failed, in one sentence. */
  message: string;
}

export interface CoverageReport {
  schemaVersion: number;
  tool: { name: string; version: string };
  /** ISO time of the run; SOURCE_DATE_EPOCH fixes it. */
  generatedAt: string;
  inputs: {
    /** `source`: `embedded:…`, a URL without credentials or query, or a path relative to the source root;
     * `requested`: `latest` when resolved through MITRE's index. */
    attack: { version: string; domain: string; stixVersion: string; source: string; sha256: string; requested?: string };
    rules: { path: string; sha256: string; url?: string; note?: string }[];
    rulesOrigin: string;
    /** The source root's folder in the git repository that holds it (`deploy/falco`), when below the repository's
     * top: SARIF and GitHub annotations name files from the top (rootInRepository in source-root.ts). */
    rootInRepository?: string;
  };
  scope: {
    platforms: string[];
    /** "sources" when derived from the rules' sources, "option" when given with --platform. */
    from: 'sources' | 'option';
    sources: string[];
  };
  summary: {
    /** skippedByFalco: enabled rules Falco drops (RuleEntry.skippedByFalco); absent when none. */
    rules: { total: number; enabled: number; disabled: number; skippedByFalco?: number; tagged: number; untagged: number };
    techniques: CoverageCounts;
    subtechniques: CoverageCounts;
    /** Top-level techniques per in-scope platform, each counted only by rules whose source observes it. */
    platforms: PlatformCounts[];
    /** Top-level gaps by detectability: how many Falco could close with the loaded sources, another source, … */
    gapDetectability: Record<DetectabilityVerdict, number>;
    /** Counts of findings that are not suppressed; `suppressed` counts the others. */
    findings: Record<Severity, number> & { byCode: Record<string, number>; suppressed?: number };
  };
  tactics: TacticEntry[];
  techniques: TechniqueEntry[];
  rules: RuleEntry[];
  /** Findings that count (suppressed ones are in `suppressed`). */
  findings: Finding[];
  /** Findings a suppression covers, with its justification. */
  suppressed?: SuppressedFinding[];
  /** In-scope gaps in priority order (see GapPriority). */
  gaps: GapEntry[];
  /** Profiles of the groups, software and campaigns chosen with --threat, in the order given. */
  threats: ThreatProfile[];
  /** Present with --baseline. */
  comparison?: Comparison;
  /** Present when gates were set (--fail-on, --min-coverage, --max-coverage-drop). */
  gates?: GateResult[];
  /** Present with `report --suggest`: candidate ATT&CK tags for untagged rules, with evidence. */
  suggestions?: SuggestionsSection;
  /** Present with --emulate: rules evaluated on Atomic Red Team procedures and a benign corpus (tagged vs demonstrated). */
  emulation?: EmulationSection;
}
