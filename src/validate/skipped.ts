// Which enabled rules Falco drops at load: `skip-if-unknown-filter: true` turns a field or event it does not know
// into a warning and the rule is left out (Falco's rule_loader_compiler), so such a rule covers nothing. Pure.
import type { FieldCatalog } from '../falco/field-catalog.js';
import type { Ruleset } from '../falco/types.js';
import { ConditionChecker } from './conditions.js';

/** What skip-if-unknown-filter forgives: a field, or an event type, Falco does not have. */
const isSkippable = (code: string): boolean => code === 'unknown-field' || code === 'unknown-event';

/** The enabled rules with skip-if-unknown-filter that Falco drops, each with the first thing it does not know
 * (`fields` is asked for only when a rule sets the key). */
export function rulesFalcoSkips(ruleset: Pick<Ruleset, 'rules' | 'macros' | 'lists'>, fields: () => FieldCatalog): Map<string, string> {
  const skipped = new Map<string, string>();
  for (const rule of ruleset.rules) {
    if (!rule.isEnabled || rule.skipsUnknownFilter !== true) continue;
    // A checker of its own per rule: a checker reports a macro's problem once, for the first rule that uses it, and
    // each of these rules must see every problem its macros bring. Few rules set the key (none of the official ones).
    // (It reads the macros and lists only.)
    const checker = new ConditionChecker({ files: [], rules: [], macros: ruleset.macros, lists: ruleset.lists }, fields());
    checker.checkRule(rule);
    const unknown = [...checker.issues.values()].find((issue) => isSkippable(issue.code));
    if (unknown) skipped.set(rule.name, unknown.item === rule.name ? unknown.message : `macro ${unknown.item}: ${unknown.message}`);
  }
  return skipped;
}
