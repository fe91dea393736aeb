// The normalized Falco ruleset: rules, macros and lists after overrides, each with where it was written.
import type { RuleException } from './exceptions.js';
import type { IgnoreComment } from './ignore-comments.js';

/** A place in a rules file; lines and columns are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** Where a tag is written: its first column and, when the tag is on one line as written (a plain or quoted scalar, not
 * an alias), the column after its last character (SARIF's endColumn), so that outputs can mark the tag alone. */
export interface TagPosition extends SourcePosition {
  endColumn?: number;
}

/** One tag as written, with where it was written (tags may come from an override in another file). */
export interface TagRef extends TagPosition {
  value: string;
}

/** What the analysis reads of a rule: everything but its condition, output and description. A warm `report`
 * reads only this from the parse cache (ruleset-cache.ts), about a quarter of the bytes at 10,000 rules. */
export interface FalcoRuleOutline {
  name: string;
  /** Where the rule was first defined. */
  position: SourcePosition;
  priority: string;
  /** Falco event source; "syscall" when the rule does not say. */
  source: string;
  isEnabled: boolean;
  tags: TagRef[];
  /** Files and lines of append/override items applied to this rule. */
  modifiedAt: SourcePosition[];
  /** `skip-if-unknown-filter: true`: Falco drops the rule, with a warning, when its condition names a field it does not
   * have (validate/skipped.ts finds those; the outline keeps the key so that `report` knows when to look). */
  skipsUnknownFilter?: boolean;
}

export interface FalcoRule extends FalcoRuleOutline {
  condition: string;
  output: string;
  desc: string;
  /** Where the condition key is written (the validator points there). */
  conditionAt?: SourcePosition;
  outputAt?: SourcePosition;
  /** The rule's `exceptions:` after appends and overrides; Falco joins them to the condition (exceptions.ts). */
  exceptions?: RuleException[];
}

export interface FalcoMacro {
  name: string;
  position: SourcePosition;
  condition: string;
  conditionAt?: SourcePosition;
  source?: string;
}

export interface FalcoList {
  name: string;
  position: SourcePosition;
  items: string[];
}

export interface RulesFileInfo {
  /** The file as outputs name it: relative to the source root with / separators, its base name when it
   * lies outside the root, or `official:falco_rules.yaml@<ref>` for the embedded and downloaded official rules. */
  path: string;
  sha256: string;
  /** Where it came from when downloaded (no credentials, no query string). */
  url?: string;
  /** Why the path is shown as it is, e.g. outside the source root. */
  note?: string;
  /** The file of the source root a symlink resolves to (its own link or a linked folder on its path), named as `path`
   * names files; absent when it is the file itself. Code scanning shows the lines of this file: the repository holds
   * the link, not the lines. */
  target?: string;
}

/** What the analysis reads of a ruleset: its files, its rules' outlines and the ignore comments (no rule
 * text, macro or list). */
export interface RulesetOutline {
  files: RulesFileInfo[];
  /** In definition order. */
  rules: FalcoRuleOutline[];
  /** `# attack-cov-ignore …` comments found in the files, in file order. */
  ignoreComments?: IgnoreComment[];
}

export interface Ruleset extends RulesetOutline {
  rules: FalcoRule[];
  macros: Map<string, FalcoMacro>;
  lists: Map<string, FalcoList>;
}

/** One top-level item of a rules file, as parsed, before overrides are applied. */
export interface RawItem {
  kind: 'rule' | 'macro' | 'list' | 'other';
  name: string;
  position: SourcePosition;
  fields: Record<string, unknown>;
  /** Line and column of each key of the item, for pointing at e.g. its tags. */
  keyPositions: Record<string, SourcePosition>;
  /** Positions of each element of the item's `tags` sequence. */
  tagPositions: TagPosition[];
  /** Keys written twice in one map of the item (the first is used, as Falco does). */
  duplicateKeys?: DuplicateKey[];
}

export interface DuplicateKey {
  key: string;
  /** Where the ignored repetition is. */
  position: SourcePosition;
  /** Where the key that counts is. */
  first: SourcePosition;
}
