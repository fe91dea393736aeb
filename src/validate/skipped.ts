// Which enabled rules Falco drops at load: `skip-if-unknown-filter: true` turns a field or event it does not know
// into a warning and the rule is left out (Falco's rule_loader_compiler), so such a rule covers nothing. Pure.
import type { FieldCatalog } from '../falco/field-catalog.js';
import { conditionPartsOf } from '../falco/ruleset.js';
import type { Ruleset } from '../falco/types.js';
import { ConditionChecker } from './conditions.js';
import type { ValidationIssue } from './types.js';
import { walkWithMacros } from '../falco/condition/ast.js';
import { tryParseCondition } from '../falco/condition/parse.js';

/** Whether skip-if-unknown-filter forgives an issue of this code: a field or an event type Falco does not have, in the
 * condition or the output (Falco's compile_rule_infos skips the rule on either: err_is_unknown_type_or_field). */
/** The key that makes Falco drop a rule over a field or event it does not know. */
export const SKIP_KEY = 'skip-if-unknown-filter';

export function isSkippable(code: string): boolean {
  return code === 'unknown-field' || code === 'unknown-event' || code === 'unknown-output-field';
}

/** The enabled rules with skip-if-unknown-filter that Falco drops, each with the first thing it does not know
 * (`fields` is asked for only when a rule sets the key). */
export function rulesFalcoSkips(ruleset: Pick<Ruleset, 'rules' | 'macros' | 'lists'>, fields: () => FieldCatalog): Map<string, string> {
  const skipped = new Map<string, string>();
  const flagged = ruleset.rules.filter((rule) => rule.isEnabled && rule.skipsUnknownFilter === true);
  if (flagged.length === 0) return skipped;
  // One checker for them all (each macro parsed and checked once): it reports a macro's problem once, owned by the
  // macro, so each rule looks at its own problems and then at those of the macros its condition reaches.
  const checker = new ConditionChecker({ files: [], rules: flagged, macros: ruleset.macros, lists: ruleset.lists }, fields());
  for (const rule of flagged) checker.checkRule(rule);
  const byOwner = new Map<string, ValidationIssue[]>();
  for (const issue of checker.issues.values()) {
    if (!isSkippable(issue.code)) continue;
    const key = `${isMacroIssue(issue, ruleset) ? 'macro' : 'rule'}:${issue.item}`;
    byOwner.set(key, [...(byOwner.get(key) ?? []), issue]);
  }
  const users = [...macroUsers({ rules: flagged, macros: ruleset.macros })];
  for (const rule of flagged) {
    const own = byOwner.get(`rule:${rule.name}`)?.[0];
    // The reason says why: a rule can be dropped for its source too (src/falco/source-names.ts).
    if (own) {
      skipped.set(rule.name, `${own.message} (${SKIP_KEY}: true)`);
      continue;
    }
    const macro = users.find(([name, rules]) => rules.has(rule.name) && byOwner.has(`macro:${name}`))?.[0];
    if (macro) skipped.set(rule.name, `macro ${macro}: ${byOwner.get(`macro:${macro}`)![0]!.message} (${SKIP_KEY}: true)`);
  }
  return skipped;
}

/** Whether `issue` is about macro `issue.item`'s own text (the checker puts a macro's problems where it is written). */
export function isMacroIssue(issue: ValidationIssue, ruleset: Pick<Ruleset, 'macros'>): boolean {
  const macro = ruleset.macros.get(issue.item);
  if (!macro) return false;
  // An issue in an appended part is put where that part is written.
  const places = conditionPartsOf(macro)?.map((part) => part.at) ?? [macro.conditionAt ?? macro.position];
  return places.some((at) => at.file === issue.file && at.line === issue.line);
}

/** The rules whose condition reaches each macro, through other macros; a macro no rule reaches has no entry. A
 * condition that does not parse reaches nothing (its syntax error is reported apart). Falco compiles every rule,
 * disabled ones too, so every rule counts. */
export function macroUsers(ruleset: Pick<Ruleset, 'rules' | 'macros'>): Map<string, Set<string>> {
  // Each macro parsed once, here, however many rules reach it.
  const macroAst = new Map([...ruleset.macros.values()].map((macro) => [macro.name, tryParseCondition(macro.condition)]));
  const users = new Map<string, Set<string>>();
  for (const rule of ruleset.rules) {
    const root = tryParseCondition(rule.condition);
    if (!root) continue;
    const seen = new Set<string>();
    const nodes = walkWithMacros(root, undefined, ({ ref }) => {
      if (seen.has(ref.name) || !ruleset.macros.has(ref.name)) return undefined;
      seen.add(ref.name);
      users.set(ref.name, (users.get(ref.name) ?? new Set()).add(rule.name));
      const node = macroAst.get(ref.name);
      return node && { node, context: undefined };
    });
    for (const _ of nodes);
  }
  return users;
}
