// Which enabled rules Falco drops at load: `skip-if-unknown-filter: true` turns a field or event it does not know
// into a warning and the rule is left out (Falco's rule_loader_compiler), so such a rule covers nothing. Pure.
import type { FieldCatalog } from '../falco/field-catalog.js';
import type { Ruleset } from '../falco/types.js';
import { ConditionChecker } from './conditions.js';
import { walk, type ConditionNode } from '../falco/condition/ast.js';
import { parseCondition } from '../falco/condition/parse.js';

/** What skip-if-unknown-filter forgives: a field or an event type Falco does not have, in the condition or the output
 * (Falco's compile_rule_infos skips the rule on either: err_is_unknown_type_or_field). */
export const SKIPPABLE = new Set(['unknown-field', 'unknown-event', 'unknown-output-field']);

/** The enabled rules with skip-if-unknown-filter that Falco drops, each with the first thing it does not know
 * (`fields` is asked for only when a rule sets the key). */
export function rulesFalcoSkips(ruleset: Pick<Ruleset, 'rules' | 'macros' | 'lists'>, fields: () => FieldCatalog): Map<string, string> {
  const skipped = new Map<string, string>();
  for (const rule of ruleset.rules) {
    if (!rule.isEnabled || rule.skipsUnknownFilter !== true) continue;
    // A checker of its own per rule: a checker reports a macro's problem once, for the first rule that uses it, and
    // each of these rules must see every problem its macros bring. Few rules set the key (none of the official ones).
    const checker = new ConditionChecker({ files: [], rules: [rule], macros: ruleset.macros, lists: ruleset.lists }, fields());
    checker.checkRule(rule);
    const unknown = [...checker.issues.values()].find((issue) => SKIPPABLE.has(issue.code));
    if (unknown) skipped.set(rule.name, unknown.item === rule.name ? unknown.message : `macro ${unknown.item}: ${unknown.message}`);
  }
  return skipped;
}

/** The rules whose condition reaches each macro, through other macros; a macro no rule reaches has no entry. A
 * condition that does not parse reaches nothing (its syntax error is reported apart). Falco compiles every rule,
 * disabled ones too, so every rule counts. */
export function macroUsers(ruleset: Pick<Ruleset, 'rules' | 'macros'>): Map<string, Set<string>> {
  const parsed = new Map<string, ConditionNode | undefined>();
  const parse = (condition: string): ConditionNode | undefined => {
    try {
      return parseCondition(condition);
    } catch {
      return undefined;
    }
  };
  const macroAst = (name: string): ConditionNode | undefined => {
    if (!parsed.has(name)) parsed.set(name, parse(ruleset.macros.get(name)?.condition ?? ''));
    return parsed.get(name);
  };
  const users = new Map<string, Set<string>>();
  for (const rule of ruleset.rules) {
    const seen = new Set<string>();
    const visit = (node: ConditionNode | undefined): void => {
      if (!node) return;
      for (const { node: n } of walk(node)) {
        if (n.kind !== 'macro' || seen.has(n.name) || !ruleset.macros.has(n.name)) continue;
        seen.add(n.name);
        users.set(n.name, (users.get(n.name) ?? new Set()).add(rule.name));
        visit(macroAst(n.name));
      }
    };
    visit(parse(rule.condition));
  }
  return users;
}
