// The emulation's results as report.json carries them (`emulation`): plain data other commands read
// (suggest reads `suggestions`). Adding fields is free; renaming one bumps the report's schemaVersion.
import type { ContextName } from './event.js';

/** A rule that fired: on which procedure, where, and the event that matched. */
export interface RuleMatch {
  rule: string;
  context: ContextName;
  /** evt.num of the matching event in that context's stream. */
  eventNum: number;
  /** The matching event in one line: type, process, parent, file or address. */
  event: string;
}

/** A rule whose result on a procedure depends on fields the synthesis does not know. */
export interface Undetermined {
  rule: string;
  context: ContextName;
  /** The unknown fields it needed, e.g. ["fd.sip"]. */
  needs: string[];
}

export interface ProcedureResult {
  /** Atomic test GUID, or the benign item's id. */
  id: string;
  kind: 'atomic' | 'benign';
  /** ATT&CK technique, as the loaded catalog numbers it. */
  technique?: string;
  /** The atomics file's technique ID, when the catalog numbers it differently (data/attack-renumbering.json). */
  atomicTechnique?: string;
  name: string;
  executor: string;
  category?: string;
  /** Events synthesized per context. */
  events: Record<ContextName, number>;
  /** What the synthesis could not model. */
  unmodeled: string[];
  /** One entry per rule and context, first matching event. */
  fired: RuleMatch[];
  /** Rules that neither fired nor were ruled out, per context. */
  undetermined: Undetermined[];
}

/** The second coverage axis: tags against demonstrations. */
export type EvidenceStatus = 'tagged-and-demonstrated' | 'tagged-never-fired' | 'tagged-not-emulated' | 'demonstrated-not-tagged' | 'not-demonstrated';

export interface TechniqueEvidence {
  id: string;
  name: string;
  /** Procedures of this technique and its sub-techniques. */
  procedures: number;
  status: EvidenceStatus;
  /** Enabled rules tagging it. */
  taggedRules: string[];
  /** Enabled rules that fire on its procedures. */
  firingRules: string[];
  /** Tagged rules among them. */
  demonstratedBy: string[];
  /** Rules undetermined on its procedures (and not firing on any), with the fields needed. */
  undetermined: { rule: string; needs: string[] }[];
}

/** A tag the emulation suggests: `rule` fires on a procedure of `technique` but does not tag it. */
export interface TagSuggestion {
  rule: string;
  technique: string;
  /** The procedure that is the evidence. */
  procedure: string;
  procedureName: string;
  event: string;
}

export interface RuleEvidence {
  rule: string;
  /** Techniques it tags. */
  techniques: string[];
  /** Atomic procedures it fires on (ids). */
  firesOn: string[];
  /** Tagged techniques with procedures on none of which it fires (claims to review). */
  neverFiredClaims: string[];
  /** Benign corpus items it fires on (ids). */
  benignHits: string[];
  /** Fires on benign activity. */
  isNoisy: boolean;
  /** Procedures on which it is undetermined. */
  undetermined: number;
}

export interface EmulationSection {
  /** Where the procedures came from. */
  source: { atomics: string; ref?: string; license: string; benign: string };
  contexts: ContextName[];
  summary: {
    procedures: number;
    skipped: number;
    benign: number;
    events: number;
    /** In-scope techniques with procedures. */
    techniques: number;
    tagged: number;
    taggedAndDemonstrated: number;
    taggedNeverFired: number;
    /** Tagged only by rules of sources the emulation does not run (k8s_audit…): neither demonstrated nor never fired. */
    taggedNotEmulated: number;
    demonstratedNotTagged: number;
    notDemonstrated: number;
    rulesFiring: number;
    noisyRules: number;
    undeterminedPairs: number;
  };
  techniques: TechniqueEvidence[];
  rules: RuleEvidence[];
  suggestions: TagSuggestion[];
  procedures: ProcedureResult[];
  skipped: { id: string; technique: string; atomicTechnique?: string; name: string; why: string }[];
  /** The in-scope platforms the emulated (syscall) rules observe: only techniques on one of them count, as in the report (absent when unknown). */
  observedPlatforms?: string[];
  /** Atomic techniques the catalog numbers differently, with how many procedures were credited to its ID (present only when there are any). */
  renumbered?: { from: string; to: string; procedures: number }[];
  /** Atomic techniques the catalog has under no ID: their procedures are emulated but credited to no technique (present only when there are any). */
  unknownTechniques?: { technique: string; procedures: number }[];
  /** Enabled syscall rules not evaluated as written, and enabled rules of other sources tagging a technique with procedures (not run), with why (present only when there are any). */
  rulesNotAsWritten?: { rule: string; why: string }[];
}
