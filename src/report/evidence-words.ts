// The one sentence every output uses for the emulation's counts (tagged vs demonstrated). Pure.
import type { EmulationSection } from '../emulate/types.js';
import { listed, plural } from './words.js';

/** "12 of 40 tagged techniques demonstrated …": the counts every output mentions. */
export function evidenceCounts(section: EmulationSection): string {
  const s = section.summary;
  return `${s.taggedAndDemonstrated} of ${plural(s.tagged, 'tagged technique')} with procedures demonstrated by their own rules; ${s.taggedNeverFired} tagged but never fired; ${s.demonstratedNotTagged} demonstrated but not tagged (${plural(section.suggestions.length, 'tag suggestion')}); ${plural(s.noisyRules, 'rule')} firing on benign activity`;
}

/** The summaries' line on rules the emulation did not evaluate as written: without it they read as "tagged but never fired". */
export function notAsWrittenLine(rules: { rule: string }[]): string {
  return `${plural(rules.length, 'rule')} not evaluated as written (an unknown field, or a condition that does not compile; attack-cov emulate says why): ${listed(rules.map((r) => r.rule))}`;
}
