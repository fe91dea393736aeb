// The shapes of tag suggestions: what a rule says (its terms and where they came from), the candidate
// techniques with their evidence, and the tags a suggestion would write.
import type { TextEdit } from './edit.js';

/** Where a word of a rule came from. */
export type OriginKind = 'name' | 'desc' | 'output' | 'macro' | 'list' | 'field' | 'event' | 'process' | 'value';

export interface Origin {
  kind: OriginKind;
  /** The macro, list, field, event or process name; the word itself for name, desc and output. */
  value: string;
}

/** One index term of a rule's query, with its weight and every place it came from. */
export interface QueryTerm {
  term: string;
  weight: number;
  origins: Origin[];
}

/** A value the rule's condition tests that reads as an API or event name, with the fields compared with it. */
export interface NamedValue {
  value: string;
  fields: string[];
}

/** Why a candidate was proposed: one origin in the rule and the stemmed terms it shares with the technique. */
export interface Evidence {
  /** Where in the rule (name, macro, list …); `similar-rule`: a tagged rule that says much the same;
   * `named-value`: the technique's ATT&CK description names a value the condition tests (`value`; `terms` are the
   * fields it is tested on); `named-in-detection`: only its detection text (analytics, log source channels) does. */
  kind: OriginKind | 'similar-rule' | 'named-value' | 'named-in-detection';
  value: string;
  terms: string[];
}

export interface Candidate {
  technique: string;
  name: string;
  /** 0–1: the ranker's confidence, comparable across rules (see rank.ts). */
  score: number;
  /** Tags to add: the technique and one of its tactics (mitre_…), in Falco's order. */
  tags: string[];
  /** Log sources of the technique's v18 analytics that the rule's source maps to. */
  logSources: string[];
  evidence: Evidence[];
  /** Technique text fields the terms matched in: name, description, detection. */
  matchedIn: string[];
  /** Why the model chose it (LLM mode). */
  reason?: string;
  /** Who proposed it: the offline ranker, or the model (checked). */
  by: 'ranker' | 'model';
  /** The change accepting it makes in the rules file (for SARIF fixes); set when the file was read. */
  edit?: TextEdit;
}

export interface RuleSuggestion {
  rule: string;
  file: string;
  line: number;
  source: string;
  /** Technique IDs the rule already tags (with --all). */
  existing: string[];
  candidates: Candidate[];
  /** Model answers refused by the tag checks, with why. */
  rejected: { technique: string; reason: string }[];
}

/** Suggestions as report.json carries them (`report --suggest`). */
export interface SuggestionsSection {
  /** "offline" or the model that chose among the candidates. */
  ranker: string;
  /** The score a rule's best candidate needs to count in `wouldCover`. */
  minScore: number;
  rules: RuleSuggestion[];
  /** Techniques no enabled rule covers now that the rules' best candidates (score ≥ minScore) would cover. */
  wouldCover: { id: string; rules: string[] }[];
}
