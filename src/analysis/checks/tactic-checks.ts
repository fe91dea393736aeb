// Checks that a rule's tactic tags agree with ATT&CK and with its technique tags. Pure.
import { editDistance } from '../../falco/tags.js';
import { activeTechniques, claimedTactics, justifiedTactics, tacticOfTag } from '../mapping.js';
import { findingAt, findingsFor, NO_FINDINGS, tacticTag } from './findings.js';
import type { Check } from './types.js';
import { own } from '../../own.js';
import type { ParsedTag } from '../../falco/tags.js';

/** Abbreviations of tactic names seen in rules files, read as the tactic they stand for (when the matrix has it). */
const TACTIC_ABBREVIATIONS: Record<string, string> = {
  c2: 'command-and-control',
  cnc: 'command-and-control',
  'c-and-c': 'command-and-control',
  privesc: 'privilege-escalation',
  'priv-esc': 'privilege-escalation',
  exfil: 'exfiltration',
  recon: 'reconnaissance',
  lateral: 'lateral-movement',
  creds: 'credential-access',
};

/** The tactic an unknown name most likely means: its abbreviation's, or the one nearest by edit distance (≤ 2, unique). */
function likelyTactic(name: string, shortnames: Iterable<string>): string | undefined {
  const known = [...shortnames];
  const expanded = own(TACTIC_ABBREVIATIONS, name);
  if (expanded !== undefined && known.includes(expanded)) return expanded;
  const best = known.map((s) => ({ s, d: editDistance(s, name) })).filter((c) => c.d <= 2).sort((a, b) => a.d - b.d);
  return best.length > 0 && (best.length === 1 || best[1]!.d > best[0]!.d) ? best[0]!.s : undefined;
}

export const unknownTactic: Check = {
  code: 'unknown-tactic',
  severity: 'error',
  description: 'A tactic tag names a tactic that is not in the loaded ATT&CK matrix.',
  run(rule, { tactics, tacticRenames }) {
    return findingsFor(
      rule.tags,
      ({ parsed }) => parsed.kind === 'tactic' && !tacticOfTag(parsed, tactics),
      (tag) => {
        // Only tactic tags get here.
        const parsed = tag.parsed as Extract<ParsedTag, { kind: 'tactic' }>;
        const written = parsed.shortname ?? parsed.tacticId ?? tag.ref.value;
        const renamed = parsed.shortname && tacticRenames ? own(tacticRenames, parsed.shortname) : undefined;
        if (renamed) return findingAt(this, rule, tag, { tactic: written, args: { renamedTo: renamed }, fix: { tag: tag.ref.value, with: [tacticTag(renamed)] } });
        const suggestion = parsed.shortname ? likelyTactic(parsed.shortname, tactics.byShortname.keys()) : undefined;
        return findingAt(this, rule, tag, {
          tactic: written,
          ...(suggestion ? { args: { suggestion }, fix: { tag: tag.ref.value, with: [tacticTag(suggestion)] } } : {}),
        });
      },
    );
  },
};

export const tacticMismatch: Check = {
  code: 'tactic-mismatch',
  severity: 'error',
  description: "A technique is tagged under tactics it does not belong to: none of its ATT&CK tactics is among the rule's tactic tags.",
  run(rule) {
    const claimed = claimedTactics(rule);
    if (claimed.size === 0) return NO_FINDINGS;
    return findingsFor(
      rule.knownTechniques,
      ({ technique }) => !technique.isRevoked && !technique.isDeprecated && technique.tactics.length > 0 && !technique.tactics.some((t) => claimed.has(t)),
      ({ tag, technique }) =>
        findingAt(this, rule, tag, {
          technique: technique.id,
          tactic: [...claimed][0],
          args: { techniqueTactics: technique.tactics, ruleTactics: [...claimed] },
          // Only a single-tactic technique says which tag to add; T1610 (execution and defense-evasion) does not.
          ...(technique.tactics.length === 1 ? { fix: { with: [tacticTag(technique.tactics[0]!)] } } : {}),
        }),
    );
  },
};

export const unjustifiedTactic: Check = {
  code: 'unjustified-tactic',
  severity: 'warning',
  description: "A tactic tag that none of the rule's techniques belongs to.",
  run(rule, { catalog }) {
    const techniques = activeTechniques(rule);
    if (techniques.length === 0) return NO_FINDINGS;
    const justified = justifiedTactics(rule);
    // Most rules have no tactic tag to report: nothing more to work out for them.
    // Stryker disable next-line ConditionalExpression,ArrowFunction: without the early return findingsFor below finds the same nothing; it only skips working out the fix
    if (rule.knownTactics.every(({ tactic }) => justified.has(tactic.shortname))) return NO_FINDINGS;
    // Removing is only unambiguous when a justified tactic tag stays or will be added (every technique
    // has one tactic); otherwise the rule would be left with no tactic and nobody to say which. And not
    // while a technique tag does not count (an unknown ID, often a typo; a revoked or deprecated one): the
    // tactic may be that technique's (QA: T1803 for T1083 lost its mitre_discovery).
    const hasUncountedTechnique = rule.tags.some((t) => t.parsed.kind === 'technique' && !catalog.techniques.has(t.parsed.id)) || rule.knownTechniques.some(({ technique }) => technique.isRevoked || technique.isDeprecated);
    const keepsATactic = !hasUncountedTechnique && (rule.knownTactics.some(({ tactic }) => justified.has(tactic.shortname)) || techniques.every((t) => t.tactics.length === 1));
    return findingsFor(
      rule.knownTactics,
      ({ tactic }) => !justified.has(tactic.shortname),
      ({ tag, tactic }) =>
        findingAt(this, rule, tag, {
          tactic: tactic.shortname,
          args: { techniques: techniques.map((t) => t.id), justified: [...justified] },
          ...(keepsATactic ? { fix: { tag: tag.ref.value, with: [] } } : {}),
        }),
    );
  },
};

export const tacticIdNameConflict: Check = {
  code: 'tactic-id-name-conflict',
  severity: 'error',
  description: 'A TA… tag and a mitre_… tag in one rule name different tactics.',
  run(rule, { tactics }) {
    // With no ID tag there is nothing to list below; with no name tag there is no conflict.
    if (!rule.knownTactics.some((k) => k.via === 'id') || !rule.knownTactics.some((k) => k.via === 'name')) return NO_FINDINGS;
    const byName = new Set(rule.knownTactics.filter((k) => k.via === 'name').map((k) => k.tactic.shortname));
    const byId = rule.knownTactics.filter((k) => k.via === 'id');
    const justified = justifiedTactics(rule);
    const namesWithoutId = [...byName].filter((s) => !byId.some((k) => k.tactic.shortname === s));
    return byId
      .filter(({ tactic }) => !byName.has(tactic.shortname))
      .map(({ tag, tactic }) => {
        // The techniques decide: keep whichever side they justify; with no technique the conflict is ambiguous.
        let fix: { tag?: string; with: string[] } | undefined;
        if (justified.has(tactic.shortname)) fix = { with: [tacticTag(tactic.shortname)] };
        else if (namesWithoutId.length === 1 && justified.has(namesWithoutId[0]!)) {
          fix = { tag: tag.ref.value, with: [tactics.byShortname.get(namesWithoutId[0]!)!.id] };
        }
        // Both sides right (T1547.006 is persistence and privilege escalation: mitre_persistence with TA0004) is two
        // spellings disagreeing, a warning; a side the techniques do not justify is a contradiction, an error.
        const severity = justified.has(tactic.shortname) && [...byName].every((s) => justified.has(s)) ? 'warning' : this.severity;
        return findingAt(this, rule, tag, { severity, tactic: tactic.shortname, args: { tacticId: tactic.id, names: [...byName] }, ...(fix ? { fix } : {}) });
      });
  },
};

export const missingTacticTag: Check = {
  code: 'missing-tactic-tag',
  severity: 'warning',
  description: 'A rule has technique tags but no tactic tag.',
  run(rule) {
    const techniques = activeTechniques(rule);
    if (techniques.length === 0 || rule.tags.some((t) => t.parsed.kind === 'tactic')) return NO_FINDINGS;
    const tactics = [...justifiedTactics(rule)];
    const isUnambiguous = techniques.every((t) => t.tactics.length === 1);
    // The tag of the technique the finding names: a revoked or deprecated tag before it does not count.
    const first = rule.knownTechniques.find((k) => k.technique === techniques[0])!;
    return [
      findingAt(this, rule, first.tag, {
        technique: first.technique.id,
        args: { tactics },
        ...(isUnambiguous ? { fix: { with: tactics.map(tacticTag) } } : {}),
      }),
    ];
  },
};
