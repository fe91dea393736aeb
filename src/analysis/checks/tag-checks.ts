// Checks on how tags are written: the conventional spelling, and rules with no ATT&CK tag at all. Pure.
import { joinedTags } from '../../falco/tags.js';
import { isAttackTag, tacticOfTag } from '../mapping.js';
import { findingAt, findingsFor, NO_FINDINGS } from './findings.js';
import type { Check } from './types.js';

export const nonstandardTag: Check = {
  code: 'nonstandard-tag',
  severity: 'warning',
  description: "An ATT&CK tag written in a form other than Falco's convention (mitre_<tactic>, T1234, T1234.001, TA0001), or several tags written as one (`T1059,mitre_execution`).",
  run(rule, { tactics }) {
    return findingsFor(
      rule.tags,
      ({ parsed, ref }) => {
        if (parsed.kind === 'other') return joinedTags(ref.value) !== undefined;
        if (parsed.kind !== 'technique' && parsed.kind !== 'tactic') return false;
        // An unknown tactic has no conventional spelling; unknown-tactic reports it.
        return !parsed.isConventional && Boolean(parsed.conventional) && (parsed.kind === 'technique' || tacticOfTag(parsed, tactics) !== undefined);
      },
      (tag) => {
        // Only tags with a conventional spelling get here, and tags parseTag read as 'other', which joinedTags splits.
        const { conventional } = tag.parsed as { conventional: string };
        const withComma = () => {
          const words = forgottenComma(tag.ref.value, rule.knownTechniques.find((known) => known.tag === tag)?.technique.name);
          return words === undefined ? undefined : [conventional, ...words];
        };
        const parts = joinedTags(tag.ref.value) ?? withComma();
        if (parts) return findingAt(this, rule, tag, { args: { conventional: parts.join(', '), parts }, fix: { tag: tag.ref.value, with: parts } });
        return findingAt(this, rule, tag, { args: { conventional }, fix: { tag: tag.ref.value, with: [conventional] } });
      },
    );
  },
};

/**
 * The words after a technique ID and a blank (`T1059 container`, `T1059 container host`) when they are tags with the
 * commas between them forgotten (`tags: [T1059 container]`), not an ID with its name (`T1562 Impair Defenses`,
 * `T1562 impair-defenses`, read as T1562): the first word does not begin the technique's name, and one word may be
 * written in any way, several only as Falco writes its tags (lower case, digits, underscores: `Unix Shell` after an ID
 * is a name, even a wrong one). Undefined for anything else: a technique the catalog does not name, another
 * separator (`T1059_shell` is one made-up tag).
 */
export function forgottenComma(tag: string, name: string | undefined): string[] | undefined {
  const written = /^\s*T\d{4}(?:\.\d{3})?\s+(\S.*?)\s*$/i.exec(tag);
  // `T1548 .001` is one ID with a blank in it (parseTag reads T1548.001), not T1548 and a tag `.001`.
  if (!written || name === undefined || /^[._/-]?\d{1,3}$/.test(written[1]!)) return undefined;
  const words = written[1]!.split(/\s+/);
  const isTagLike = words.length === 1 ? /^[A-Za-z0-9_.:-]+$/.test(words[0]!) : words.every((word) => /^[a-z0-9_]+$/.test(word));
  return isTagLike && !`${asWords(name)} `.startsWith(`${asWords(words[0]!)} `) ? words : undefined;
}

/** Lower case, and any run of blanks and punctuation one space: `impair-defenses` and `Impair Defenses` alike, `LD_PRELOAD` and `ld preload`. */
const asWords = (text: string): string => text.toLowerCase().replace(/[\s\-_.:/,()]+/g, ' ').trim();

export const repeatedTag: Check = {
  code: 'repeated-tag',
  severity: 'info',
  description: 'A tag written again in the same rule: Falco keeps a rule\'s tags as a set, so the repeat is one tag, and removable.',
  run(rule) {
    return findingsFor(rule.repeated, () => true, (tag) => findingAt(this, rule, tag, { fix: { tag: tag.ref.value, with: [] } }));
  },
};

export const noTechniqueTag: Check = {
  code: 'no-technique-tag',
  severity: 'info',
  description: 'A rule with tactic tags (of the loaded ATT&CK) but no technique tag: it counts for no technique (attack-cov suggest proposes some).',
  run(rule) {
    // A tactic tag ATT&CK does not know is unknown-tactic's finding; a technique tag of any kind (unknown, revoked …) has its own.
    return rule.knownTactics.length > 0 && !rule.tags.some((t) => t.parsed.kind === 'technique') ? [findingAt(this, rule, undefined)] : NO_FINDINGS;
  },
};

export const untaggedRule: Check = {
  code: 'untagged-rule',
  severity: 'info',
  description: 'A rule with no ATT&CK tag at all, so it counts for no technique.',
  run(rule) {
    return rule.tags.some(isAttackTag) ? NO_FINDINGS : [findingAt(this, rule, undefined)];
  },
};
