// The parts of the CoverageReport issue 9 added: coverage per platform, detectability, gap priority,
// threat profiles. Types only; coverage-report.ts re-exports them (same schemaVersion rules apply).
import type { TechniqueStatus } from './coverage-report.js';

/** A technique's coverage on one of its platforms: only rules whose source observes the platform count. */
export interface PlatformCoverage {
  platform: string;
  status: TechniqueStatus;
  /** Enabled rules tagging the technique whose source observes this platform. */
  rules: string[];
  /** Sub-techniques covered on this platform (what makes a parent partial here). */
  coveredSubtechniques?: string[];
}

/**
 * Whether Falco could see a technique, from ATT&CK ≥ 18 analytics for the in-scope platforms:
 * closable-loaded (a loaded source observes a named log source), closable-other (another Falco source or
 * plugin would), not-observable (only log sources Falco cannot read), unknown (no analytics to go by).
 */
export type DetectabilityVerdict = 'closable-loaded' | 'closable-other' | 'not-observable' | 'unknown';

export interface DetectabilityLogSource {
  /** ATT&CK's log source name, e.g. "auditd:SYSCALL". */
  name: string;
  /** What to look for in it, e.g. "execve=/sbin/shutdown or /sbin/reboot". */
  channel: string;
  /** ATT&CK data component, e.g. "Command Execution". */
  dataComponent?: string;
  /** The Falco source that observes it (data/log-sources.json); absent when none does. */
  falcoSource?: string;
  /** The Falco plugin providing falcoSource (none for syscall). */
  plugin?: string;
  /** falcoSource is among the loaded rules' sources. */
  isLoaded: boolean;
}

export interface DetectabilityAnalytic {
  /** e.g. "AN1539". */
  id: string;
  /** Its detection strategy, e.g. "DET0559". */
  strategy: string;
  /** Its platforms within the scope. */
  platforms: string[];
  description: string;
  logSources: DetectabilityLogSource[];
}

export interface Detectability {
  verdict: DetectabilityVerdict;
  /** One sentence saying why. */
  reason: string;
  /** Loaded Falco sources that observe a named log source. */
  loadedSources: string[];
  /** Falco sources not loaded that would, with the plugin providing each. */
  otherSources: { source: string; plugin: string }[];
  analytics: DetectabilityAnalytic[];
}

/**
 * Gap priority (analysis/priority.ts): by detectability tier first (closable with loaded sources,
 * closable with another Falco source, unknown, not observable), then by score, then by usedBy.
 */
export interface GapPriority {
  /** 1 = the gap to close first. */
  rank: number;
  /** Index of `detectability` in the tier order, 0 first. */
  tier: number;
  detectability: DetectabilityVerdict;
  /** Adversaries active on the scope's platforms that use it (a parent: or its sub-techniques). */
  activeUsers: number;
  /** All adversaries that use it (a parent: or its sub-techniques), whatever their platforms. */
  users: number;
  /** Names of --threat profiles using it, directly or through software. */
  profiles: string[];
  /** activeUsers + 100 per profile: the order within a tier. */
  score: number;
  /** One sentence: rank, tier and its reason, adversaries, profiles, score. */
  why: string;
}

/** A technique a threat profile uses, with its coverage. */
export interface ProfileTechnique {
  id: string;
  name: string;
  status: TechniqueStatus;
  isSubtechnique: boolean;
  /** Software it comes through (viaSoftware only). */
  via?: string[];
}

export interface ProfileCounts {
  /** In-scope techniques. */
  total: number;
  covered: number;
  partial: number;
  gap: number;
}

/** A group, software or campaign chosen with --threat, and its in-scope techniques. */
export interface ThreatProfile {
  /** The ref as given on the command line. */
  ref: string;
  /** ATT&CK ID: G0139, S0599, C0035. */
  id: string;
  kind: 'group' | 'software' | 'campaign';
  name: string;
  aliases: string[];
  url: string;
  /** File-name-safe name: its Navigator layer is layer-<slug>.json. */
  slug: string;
  /** Software a group or campaign uses. */
  software: { id: string; name: string }[];
  /** Groups a campaign is attributed to. */
  attributedTo: string[];
  /** In-scope techniques it uses directly (ATT&CK "uses" relationships), by ID. */
  direct: ProfileTechnique[];
  /** In-scope techniques it uses only through its software. */
  viaSoftware: ProfileTechnique[];
  /** Techniques it uses (either way) that lie outside the scope. */
  outOfScope: number;
  counts: { direct: ProfileCounts; viaSoftware: ProfileCounts };
}
