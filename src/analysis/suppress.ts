// Applies suppressions to findings: inline `# attack-cov-ignore` comments and the config's `suppressions:`.
// Pure: findings, comments, config entries and today's date in; counted findings, suppressed ones and the
// findings about the suppressions themselves (invalid, unused, expired) out.
import type { Finding, Severity, SuppressedFinding, Suppression } from '../coverage-report.js';
import type { IgnoreComment } from '../falco/ignore-comments.js';
import type { FalcoRuleOutline } from '../falco/types.js';
import type { FindingDraft } from './checks/types.js';
import { editDistance } from '../falco/tags.js';

/** A config suppression: every criterion given must match (codes, rule names, tags: any of the listed). */
export interface SuppressionRule {
  codes?: string[];
  /** Rule names; `*` matches any run of characters. */
  rules?: string[];
  /** Tags as written, or technique IDs. */
  tags?: string[];
  /** Globs over the rules file paths as outputs show them (`*` within a folder, `**` across folders). */
  files?: string[];
  reason: string;
  /** YYYY-MM-DD: the last day it applies. */
  until?: string;
  /** Where it is written in the config. */
  file: string;
  line: number;
  column: number;
}

/** The findings about suppressions themselves; they cannot be suppressed. */
export const SUPPRESSION_CODES: { code: string; severity: Severity; description: string }[] = [
  { code: 'invalid-suppression', severity: 'warning', description: 'An attack-cov-ignore comment without a reason, or a suppression (a comment or in the config) naming no known finding code: it suppresses nothing.' },
  { code: 'unused-suppression', severity: 'warning', description: 'A suppression that matched no finding: the problem is gone or the suppression is misplaced; remove it.' },
  { code: 'expired-suppression', severity: 'warning', description: 'A config suppression past its `until` date: its findings count again.' },
];
const SEVERITY = new Map(SUPPRESSION_CODES.map((c) => [c.code, c.severity]));

export interface SuppressionInput {
  findings: Finding[];
  rules: FalcoRuleOutline[];
  comments: IgnoreComment[];
  config: SuppressionRule[];
  /** Codes a comment may name (the checks'). */
  knownCodes: Set<string>;
  today: Date;
}

export interface SuppressionResult {
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** Findings about the suppressions, without their sentence. */
  problems: FindingDraft[];
}

/** One piece of a glob: a character as written, `?` (any one character), or a run of any characters (`**`; `*` in a
 * rule name) or of any but `/` (`*` in a path). */
type GlobToken = { kind: 'char'; char: string } | { kind: 'one' } | { kind: 'run'; crossesFolders: boolean };

/** Line terminators, which `?` and a run across folders do not match: they were first matched as a RegExp's `.` and
 * `.*`, which do not (while `*` in a path was `[^/]*`, which does). */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** A code unit as a case-insensitive RegExp without the u flag compares it (ECMAScript's Canonicalize). */
function canonical(unit: string): string {
  const upper = unit.toUpperCase();
  return upper.length !== 1 || (unit.charCodeAt(0) >= 128 && upper.charCodeAt(0) < 128) ? unit : upper;
}

function globTokens(glob: string, isPath: boolean, fold: (unit: string) => string): GlobToken[] {
  const tokens: GlobToken[] = [];
  for (let i = 0; i < glob.length; i++) {
    const unit = glob[i]!;
    if (unit === '?') tokens.push({ kind: 'one' });
    else if (unit !== '*') tokens.push({ kind: 'char', char: fold(unit) });
    else if (glob[i + 1] === '*') {
      // `**`, and `**/`: a run across folders, its `/` included (r/**/a.yaml takes r/a.yaml).
      tokens.push({ kind: 'run', crossesFolders: true });
      i += glob[i + 2] === '/' ? 2 : 1;
    } else tokens.push({ kind: 'run', crossesFolders: !isPath });
  }
  return tokens;
}

/**
 * A test of whole texts against `glob`: `*` → any run without / (in a rule name, `isPath` false: any run, and case
 * ignored), `**` → any run, `?` → one character; others literal. Matched by stepping the set of the glob's places a
 * prefix of the text can reach, one character at a time: time is the text's length times the glob's, whatever the
 * glob. (As a RegExp, `*a*a*a*a*a*a*a*a*a*a*a*a*b` against a 60-character rule name backtracked for minutes.)
 * Not the emulator's Falco `glob` (src/emulate/operators.ts), which places the pieces between its `*`s each where it
 * first fits: that is exact only when every star takes anything, and here a path's `*` stops at a `/` (`**a*b` takes
 * `a/ab` only with the second `a`).
 */
export function suppressionGlob(glob: string, isPath = true): (text: string) => boolean {
  const fold = isPath ? (unit: string) => unit : canonical;
  const tokens = globTokens(glob, isPath, fold);
  const end = tokens.length;
  return (text) => {
    let places = new Uint8Array(end + 1);
    let next = new Uint8Array(end + 1);
    /** Marks `place` and every place after runs from it (a run may take nothing). */
    const reach = (set: Uint8Array, place: number) => {
      for (let at = place; set[at] === 0; at++) {
        set[at] = 1;
        if (at === end || tokens[at]!.kind !== 'run') break;
      }
    };
    reach(places, 0);
    for (let i = 0; i < text.length; i++) {
      const unit = text[i]!;
      const folded = fold(unit);
      next.fill(0);
      // Stryker disable next-line BooleanLiteral: only stops early (below): with no place reached, no later character reaches one, and the end stays unreached
      let any = false;
      for (let at = 0; at < end; at++) {
        if (places[at] === 0) continue;
        const token = tokens[at]!;
        if (token.kind === 'run') {
          if (token.crossesFolders ? !LINE_TERMINATOR.test(unit) : unit !== '/') reach(next, at), (any = true);
        } else if (token.kind === 'one' ? !LINE_TERMINATOR.test(unit) : token.char === folded) reach(next, at + 1), (any = true);
      }
      if (!any) return false;
      [places, next] = [next, places];
    }
    return places[end] === 1;
  };
}

function problem(code: string, at: { file: string; line: number; column: number }, rule: string, args: Record<string, string | string[]>): FindingDraft {
  return { code, severity: SEVERITY.get(code)!, rule, file: at.file, line: at.line, column: at.column, args };
}

/** Whether a finding meets every criterion `entry` gives; its globs compiled once, not once per finding. */
function configMatcher(entry: SuppressionRule): (f: Finding) => boolean {
  const any = <T>(values: T[] | undefined, test: (v: T) => boolean) => !values || values.some(test);
  const rules = entry.rules?.map((r) => suppressionGlob(r, false));
  const files = entry.files?.map((g) => suppressionGlob(g));
  return (f) =>
    any(entry.codes, (c) => c === f.code) &&
    any(rules, (matches) => matches(f.rule)) &&
    any(entry.tags, (t) => t.toLowerCase() === f.tag?.toLowerCase() || t.toUpperCase() === f.technique) &&
    any(files, (matches) => matches(f.file));
}

/** The rule an inline comment is about: the rule defined on its target line, or the rule whose tag sits there. */
function ruleAt(rules: FalcoRuleOutline[], comment: IgnoreComment): FalcoRuleOutline | undefined {
  const same = (p: { file: string; line: number }) => p.file === comment.file && p.line === comment.targetLine;
  return rules.find((r) => same(r.position)) ?? rules.find((r) => r.tags.some(same));
}

function matchesComment(comment: IgnoreComment, rule: FalcoRuleOutline | undefined, f: Finding): boolean {
  if (!comment.codes.includes(f.code)) return false;
  if (rule && rule.position.line === comment.targetLine && rule.position.file === comment.file) return f.rule === rule.name;
  return f.file === comment.file && f.line === comment.targetLine;
}

/** What is wrong with the codes a suppression names, in a comment or the config: those that are no finding code, and
 * the codes of the findings about suppressions, which are finding codes but cannot be suppressed (QA: they were said
 * to be no finding codes). */
function unknownCodesProblem(codes: string[], knownCodes: Set<string>): string | undefined {
  const unknown = codes.filter((c) => !knownCodes.has(c) && !SEVERITY.has(c));
  const own = codes.filter((c) => SEVERITY.has(c));
  const parts: string[] = [];
  if (unknown.length > 0) {
    const near = [...knownCodes].map((k) => ({ k, d: editDistance(k, unknown[0]!) })).sort((a, b) => a.d - b.d)[0];
    parts.push(`${unknown.join(', ')}, ${unknown.length === 1 ? 'which is no finding code' : 'which are no finding codes'}${near && near.d <= 3 ? ` (did you mean ${near.k}?)` : ''}`);
  }
  if (own.length > 0) parts.push(`${own.join(', ')}, ${own.length === 1 ? 'a finding about suppressions, which cannot be suppressed' : 'findings about suppressions, which cannot be suppressed'}`);
  return parts.length > 0 ? `names ${parts.join('; and ')}` : undefined;
}

function commentProblem(comment: IgnoreComment, knownCodes: Set<string>): string | undefined {
  if (comment.codes.length === 0) return 'names no finding code: write # attack-cov-ignore <code>: <reason>';
  const unknown = unknownCodesProblem(comment.codes, knownCodes);
  if (unknown) return unknown;
  if (!comment.reason) return `has no reason: write # attack-cov-ignore ${comment.codes.join(', ')}: <why this is deliberate>`;
  return undefined;
}

interface Active {
  suppression: Suppression;
  matches: (f: Finding) => boolean;
  unused: () => FindingDraft;
}

function activeSuppressions(input: SuppressionInput, problems: FindingDraft[]): Active[] {
  const active: Active[] = [];
  for (const comment of input.comments) {
    const rule = ruleAt(input.rules, comment);
    const issue = commentProblem(comment, input.knownCodes);
    if (issue) {
      problems.push(problem('invalid-suppression', comment, rule?.name ?? '', { problem: issue }));
      continue;
    }
    active.push({
      suppression: { kind: 'inSource', justification: comment.reason, file: comment.file, line: comment.line },
      matches: (f) => matchesComment(comment, rule, f),
      unused: () => problem('unused-suppression', comment, rule?.name ?? '', { codes: comment.codes, reason: comment.reason }),
    });
  }
  const today = input.today.toISOString().slice(0, 10);
  for (const entry of input.config) {
    const criteria = [...(entry.codes ?? []), ...(entry.rules ?? []), ...(entry.tags ?? []), ...(entry.files ?? [])];
    // A misspelt code would match nothing and surface only as unused; said as what it is, as for a comment.
    const unknown = unknownCodesProblem(entry.codes ?? [], input.knownCodes);
    if (unknown) {
      problems.push(problem('invalid-suppression', entry, '', { problem: unknown, in: 'config' }));
      continue;
    }
    if (entry.until && entry.until < today) {
      problems.push(problem('expired-suppression', entry, '', { until: entry.until, reason: entry.reason, codes: criteria }));
      continue;
    }
    active.push({
      suppression: { kind: 'external', justification: entry.reason, file: entry.file, line: entry.line, ...(entry.until ? { until: entry.until } : {}) },
      matches: configMatcher(entry),
      unused: () => problem('unused-suppression', entry, '', { codes: criteria, reason: entry.reason }),
    });
  }
  return active;
}

/** Splits findings into counted and suppressed; the first suppression that matches a finding claims it. */
export function applySuppressions(input: SuppressionInput): SuppressionResult {
  const problems: FindingDraft[] = [];
  const active = activeSuppressions(input, problems);
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const finding of input.findings) {
    const by = active.find((s) => s.matches(finding));
    if (!by) {
      findings.push(finding);
      continue;
    }
    suppressed.push({ ...finding, suppression: by.suppression });
  }
  // Every suppression that matches a finding is in use, not only the first: two that overlap are both in use.
  problems.push(...active.filter((s) => !input.findings.some(s.matches)).map((s) => s.unused()));
  return { findings, suppressed, problems };
}
