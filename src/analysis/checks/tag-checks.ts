// Checks on how tags are written: the conventional spelling, and rules with no ATT&CK tag at all. Pure.
import { isAttackTag, tacticOfTag } from '../mapping.js';
import { findingAt, type Check } from './types.js';

export const nonstandardTag: Check = {
  code: 'nonstandard-tag',
  severity: 'warning',
  description: "An ATT&CK tag written in a form other than Falco's convention (mitre_<tactic>, T1234, T1234.001, TA0001).",
  run(rule, { tactics }) {
    return rule.tags.flatMap((tag) => {
      const { parsed } = tag;
      if ((parsed.kind !== 'technique' && parsed.kind !== 'tactic') || parsed.isConventional || !parsed.conventional) return [];
      // An unknown tactic has no conventional spelling; unknown-tactic reports it.
      if (parsed.kind === 'tactic' && !tacticOfTag(parsed, tactics)) return [];
      return [findingAt(this, rule, tag, { args: { conventional: parsed.conventional }, fix: { tag: tag.ref.value, with: [parsed.conventional] } })];
    });
  },
};

export const untaggedRule: Check = {
  code: 'untagged-rule',
  severity: 'info',
  description: 'A rule with no ATT&CK tag at all, so it counts for no technique.',
  run(rule) {
    return rule.tags.some(isAttackTag) ? [] : [findingAt(this, rule, undefined)];
  },
};
