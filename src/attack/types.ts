// The normalized ATT&CK catalog: plain data built from a STIX bundle, read by every later step.

export interface Tactic {
  /** ATT&CK ID, e.g. "TA0002". */
  id: string;
  /** Display name from the bundle, e.g. "Execution". */
  name: string;
  /** x_mitre_shortname, e.g. "privilege-escalation"; technique kill-chain phases name tactics by it. */
  shortname: string;
  url: string;
}

export interface Technique {
  /** ATT&CK ID, "T1059" or "T1059.004". */
  id: string;
  name: string;
  url: string;
  /** Tactic shortnames in matrix order. */
  tactics: string[];
  /** x_mitre_platforms, as the bundle spells them. */
  platforms: string[];
  isSubtechnique: boolean;
  /** Parent technique ID for a sub-technique. */
  parent?: string;
  isRevoked: boolean;
  /** IDs that replace a revoked technique (from revoked-by relationships), followed to the end of the chain. */
  revokedBy: string[];
  isDeprecated: boolean;
  /** Plain-text description (first paragraph kept whole; used for drafts and tooltips). */
  description: string;
  /** API and event names the whole description names (CreateAccessKey; src/attack/api-names.ts), for `suggest`. */
  apiNames: string[];
  /** How many groups, campaigns and software use this technique (relationship "uses"). */
  usedBy: number;
  /** The technique's own detection text (x_mitre_detection; ATT&CK ≤ 17 fills it). */
  detection?: string;
}

/** ATT&CK ≥ 18 detection guidance: a strategy and its analytics (what to look for, per platform). */
export interface DetectionStrategy {
  /** e.g. "DET0559". */
  id: string;
  name: string;
  analytics: Analytic[];
}

/** An ATT&CK ≥ 18 analytic: what to look for on some platforms, in which log sources. */
export interface Analytic {
  /** e.g. "AN1539". */
  id: string;
  platforms: string[];
  description: string;
  /** x_mitre_log_source_references: e.g. { name: "auditd:SYSCALL", channel: "execve=/sbin/shutdown or /sbin/reboot" }. */
  logSources: { name: string; channel: string; dataComponent?: string }[];
}

export type ThreatKind = 'group' | 'software' | 'campaign';

/** A group (intrusion-set), software (malware, tool) or campaign, and what it uses. */
export interface ThreatActor {
  /** ATT&CK ID: G0139, S0599, C0035. */
  id: string;
  kind: ThreatKind;
  name: string;
  /** Other names ATT&CK lists (aliases, x_mitre_aliases), the name itself left out. */
  aliases: string[];
  url: string;
  /** Platforms the software runs on (x_mitre_platforms); empty for groups and campaigns. */
  platforms: string[];
  /** Techniques it uses directly (relationship "uses"), by ID, sorted. */
  techniques: string[];
  /** Software it uses (groups and campaigns), by ID, sorted. */
  software: string[];
  /** Groups a campaign is attributed to, by ID. */
  attributedTo: string[];
}

export interface Catalog {
  /** ATT&CK version, e.g. "18.1", or "unknown" when neither the bundle nor the caller says. */
  version: string;
  /** e.g. "enterprise-attack". */
  domain: string;
  /** "2.0" or "2.1". */
  stixVersion: string;
  /** Tactics in the matrix's order. */
  tactics: Tactic[];
  /** Every technique by ID, revoked and deprecated ones included. */
  techniques: Map<string, Technique>;
  /** Detection strategies by technique ID; absent before ATT&CK 18 (no detection strategies). */
  detections?: Map<string, DetectionStrategy[]>;
  /** Groups, software and campaigns by ATT&CK ID. */
  threats: Map<string, ThreatActor>;
}
