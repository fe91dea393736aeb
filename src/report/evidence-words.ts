// The one sentence every output uses for the emulation's counts (tagged vs demonstrated). Pure.
import type { EmulationSection } from '../emulate/types.js';
import { listed, plural } from './words.js';

/** "12 of 40 tagged techniques demonstrated …": the counts every output mentions. */
export function evidenceCounts(section: EmulationSection): string {
  const s = section.summary;
  // Only when there are any: the other sources' rules are rare, and the sentence is long.
  const notEmulated = s.taggedNotEmulated > 0 ? `; ${s.taggedNotEmulated} tagged only by rules of sources the emulation does not run` : '';
  return `${s.taggedAndDemonstrated} of ${plural(s.tagged, 'tagged technique')} with procedures demonstrated by their own rules; ${s.taggedNeverFired} tagged but never fired${notEmulated}; ${s.demonstratedNotTagged} demonstrated but not tagged (${plural(section.suggestions.length, 'tag suggestion')}); ${plural(s.noisyRules, 'rule')} firing on benign activity`;
}

/** The summaries' line on rules the emulation did not evaluate as written: without it they read as "tagged but never fired". */
export function notAsWrittenLine(rules: { rule: string }[]): string {
  return `${plural(rules.length, 'rule')} not evaluated as written (an unknown field, a condition that does not compile, or a source the emulation does not run; attack-cov emulate says why): ${listed(rules.map((r) => r.rule))}`;
}

/** The line on atomics of techniques the catalog does not have: emulated, credited to none, and said so. */
export function unknownTechniquesLine(unknown: { technique: string; procedures: number }[]): string {
  const procedures = unknown.reduce((n, u) => n + u.procedures, 0);
  return `${plural(procedures, 'procedure')} of ${plural(unknown.length, 'technique')} this ATT&CK does not have (emulated, credited to no technique): ${listed(unknown.map((u) => `${u.technique} (${u.procedures})`))}`;
}

/** The line on atomics numbered for another ATT&CK and credited to this one's ID of the same technique. */
export function renumberedLine(renumbered: { from: string; to: string; procedures: number }[]): string {
  return `Atomic Red Team numbers ${plural(renumbered.length, 'technique')} as another ATT&CK does; their procedures count for this one's IDs (data/attack-renumbering.json): ${listed(renumbered.map((r) => `${r.from} → ${r.to} (${r.procedures})`))}`;
}
