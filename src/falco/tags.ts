// Reads one Falco tag as ATT&CK data: a technique, a tactic (by shortname or ID), a maturity level, or
// something else. Knows Falco's convention (mitre_<tactic>, T1234, T1234.001, TA0001) and the forms
// found in the wild and in LLM output, each with its conventional spelling. Pure.

export type ParsedTag =
  | { kind: 'technique'; id: string; conventional: string; isConventional: boolean }
  | {
      kind: 'tactic';
      /** Tactic shortname as written, normalized (`defense-evasion`), when the tag names it. */
      shortname?: string;
      /** Tactic ID when the tag gives one. */
      tacticId?: string;
      conventional?: string;
      isConventional: boolean;
    }
  | { kind: 'maturity'; level: string }
  | { kind: 'other' };

const TECHNIQUE = /^t(\d{4})(\.\d{3})?$/i;
const TACTIC_ID = /^ta(\d{4})$/i;

/** `isConventional` for the exact forms parseTag tests first (T1234, TA0001), and for an ID of no ATT&CK shape, which
 * has no other spelling to offer (nearMiss); every other path passes false. */
function technique(raw: string, isConventional: boolean): ParsedTag {
  const id = raw.toUpperCase();
  return { kind: 'technique', id, conventional: id, isConventional };
}

function tacticById(raw: string, isConventional: boolean): ParsedTag {
  const tacticId = raw.toUpperCase();
  return { kind: 'tactic', tacticId, conventional: tacticId, isConventional };
}

function tacticByName(name: string, isConventional: boolean): ParsedTag {
  // Separators at either end are no part of the name (mitre_execution_ is execution, as mitre_execution. is).
  const shortname = name.toLowerCase().replace(/[\s_]+/g, '-').replace(/^-+|-+$/g, '');
  return { kind: 'tactic', shortname, conventional: `mitre_${shortname.replace(/-/g, '_')}`, isConventional };
}

/** A value after `tactic=` or `attack.`: an ID or a name. */
function tacticValue(value: string): ParsedTag {
  return TACTIC_ID.test(value) ? tacticById(value, false) : tacticByName(value, false);
}

const KEY_VALUE = /^(mitre[_.-]?)?(attack[_.-]?)?(technique|technique_id|techniqueid|tactic|tactic_id|tacticid|tactic_name)\s*[=:]\s*(.+)$/i;

export function parseTag(tag: string): ParsedTag {
  const value = tag.trim();
  // A space around a tag is part of it for Falco (`-T T1059` does not select "T1059 "): read, but not conventional.
  const isBare = value === tag;
  if (/^T\d{4}(\.\d{3})?$/.test(value)) return technique(value, isBare);
  if (/^TA\d{4}$/.test(value)) return tacticById(value, isBare);
  if (/^mitre_[a-z]+(_[a-z]+)*$/.test(value)) return tacticByName(value.slice('mitre_'.length), isBare);
  const maturity = /^maturity_([a-z]+)$/.exec(value);
  if (maturity) return { kind: 'maturity', level: maturity[1]! };
  // Several tags in one (`mitre_execution T1059`) are one tag naming nothing, not a tactic named "execution-t1059":
  // nonstandard-tag offers them apart (joinedTags).
  if (joinedTags(value)) return { kind: 'other' };

  if (TECHNIQUE.test(value)) return technique(value, false);
  if (TACTIC_ID.test(value)) return tacticById(value, false);
  const keyValue = KEY_VALUE.exec(value);
  if (keyValue) {
    const [, , , key, rest] = keyValue;
    // The tag is trimmed and `\s*` before `(.+)` is greedy: rest has no space at either end.
    if (key!.toLowerCase().startsWith('technique')) return TECHNIQUE.test(rest!) ? technique(rest!, false) : { kind: 'other' };
    return tacticValue(rest!);
  }
  // Sigma style: attack.t1059.004, attack.execution, attack.ta0002.
  const sigma = /^attack\.([a-z0-9_.-]+)$/i.exec(value);
  if (sigma) return TECHNIQUE.test(sigma[1]!) ? technique(sigma[1]!, false) : tacticValue(sigma[1]!);
  // ID with its name glued on: T1562-impair-defenses, TA0005-defense-evasion.
  const glued = /^(ta\d{4}|t\d{4}(?:\.\d{3})?)[-_: ]+[a-z]/i.exec(value);
  if (glued) return TACTIC_ID.test(glued[1]!) ? tacticById(glued[1]!, false) : technique(glued[1]!, false);
  // mitre_ in another case or with hyphens (MITRE_Execution, mitre_defense-evasion, mitre-persistence) is nearMiss's
  // mitre_ name below, after a technique behind mitre_ has been read as one.
  const mitreTechnique = /^mitre[_.:-](t\d{4}(?:\.\d{3})?)$/i.exec(value);
  if (mitreTechnique) return technique(mitreTechnique[1]!, false);
  return nearMiss(value) ?? { kind: 'other' };
}

/**
 * Tags written as ATT&CK but not in any form above, read so that a typo is a finding rather than a tag that
 * counts for nothing in silence: a sub-technique number not padded or not after a dot (T1059.4, T1059.04,
 * T1059-004: T1059.004, with the conventional form), an ID of other lengths (T01059, TA002: unknown as written),
 * and mitre_ with more than letters (mitre_impact2, mitre_c2, mitre_execution.: a tactic name, unknown or not).
 */
function nearMiss(value: string): ParsedTag | undefined {
  // White space inside the ID (T 1059, T1059 .004), signs around it (=T1059, T1059,), an invisible character in it
  // (T1059<U+200B>) or a look-alike T (Cyrillic Т, Greek Τ): the ID they spell, not conventional (QA: such tags covered
  // nothing and nothing said so).
  const spelled = value.replace(/[\s\u00ad\u200b-\u200f\u2060-\u2064\ufeff]+/g, '').replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').replace(/^[\u0422\u0442\u03a4\u03c4]/, 'T');
  if (spelled !== value && /^t\d{4}(\.\d{3})?$/i.test(spelled)) return technique(spelled.toUpperCase(), false);
  const sub = /^t(\d{4})[._ /-](\d{1,3})$/i.exec(value);
  if (sub) return technique(`T${sub[1]}.${sub[2]!.padStart(3, '0')}`, false);
  // A separator left at the end (T1059., T1059.004-), or the T left out of a sub-technique ID (1059.004).
  const trailing = /^(t\d{4}(?:\.\d{3})?)[._/-]$/i.exec(value);
  if (trailing) return technique(trailing[1]!, false);
  const noT = /^(\d{4})\.(\d{3})$/.exec(value);
  if (noT) return technique(`T${noT[1]}.${noT[2]}`, false);
  // No ATT&CK ID has this shape (T1059.004.001, T1059.004a), so there is no other spelling to offer:
  // unknown-technique (or -tactic) says so.
  if (/^t\d{3,6}[\w./-]*$/i.test(value)) return technique(value, true);
  if (/^ta\d{3,6}$/i.test(value)) return tacticById(value, true);
  // Any run of other characters is a separator here (mitre_impact2., MITRE.Lateral Movement!).
  const mitre = /^mitre[\s_.-]+(.*[a-z].*)$/i.exec(value);
  return mitre ? tacticByName(mitre[1]!.replace(/[^a-z0-9]+/gi, '-'), false) : undefined;
}

/** Levenshtein distance, for suggesting a tactic for a misspelt one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Tags written as one string (`tags: "mitre_execution, T1059"`, which Falco refuses) as the YAML flow list it wants,
 * or undefined for a value that is no such string. */
export function tagsAsList(tags: unknown): string | undefined {
  // A flow list quoted whole ("[a, b]") is that list; a part YAML would read as something else (#x, *x, host:, -) is quoted.
  const parts = typeof tags === 'string' ? splitTags(tags.trim().replace(/^\[([^]*)\]$/, '$1')) : [];
  const written = parts.map((part) => (/^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/.test(part) ? part : JSON.stringify(part)));
  return parts.length > 0 && parts.length <= 20 ? `[${written.join(', ')}]` : undefined;
}

/** What joins tags written as one: a comma, a semicolon or a blank. */
const SEPARATOR = /[,;\s]/;

/**
 * The tags a tag joins (`T1059,mitre_execution`, `container, T1059`, `mitre_execution T1059`), each ATT&CK one in
 * Falco's spelling, when one part at least is ATT&CK and every other part is a maturity or, where commas or
 * semicolons separate them (a list typed as one string), a word-like tag such as `container`; else undefined. Joined
 * by blanks only, every part must be ATT&CK or a maturity: `T1562 Impair Defenses` is an ID with its name. Falco reads
 * such a tag as one tag, which names nothing.
 */
export function joinedTags(tag: string): string[] | undefined {
  // Most tags hold no separator (the nonstandard-tag check asks this of every tag of 10,000 rules): no split for them.
  // Stryker disable next-line ConditionalExpression: a tag without a separator splits into one part, which the next line answers the same way
  if (!SEPARATOR.test(tag)) return undefined;
  const parts = splitTags(tag);
  if (parts.length < 2) return undefined;
  const read = parts.map(parseTag);
  if (!read.some((p) => p.kind === 'technique' || p.kind === 'tactic')) return undefined;
  const isListed = /[,;]/.test(tag);
  const written = read.map((p, i) => {
    if (p.kind === 'technique' || p.kind === 'tactic') return p.conventional ?? parts[i]!;
    return p.kind === 'maturity' || (isListed && /^[A-Za-z0-9_.:-]+$/.test(parts[i]!)) ? parts[i]! : undefined;
  });
  return written.every((part) => part !== undefined) ? [...new Set(written as string[])] : undefined;
}

/** The tags in a text that joins them with commas, semicolons or blanks, in order. */
function splitTags(text: string): string[] {
  return text.split(SEPARATOR).filter((part) => part !== '');
}
