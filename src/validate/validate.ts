// Validates Falco rules files offline, no Falco binary needed: item shape, condition syntax, fields per
// source, macros, lists, event names, output fields, and the known bad idioms. Pure.
import type { Catalog } from '../attack/types.js';
import { checkRules } from '../analysis/analyze.js';
import { indexTactics, mapRule } from '../analysis/mapping.js';
import { compareText } from '../collections.js';
import { fieldsOf, type FieldCatalog, type FieldInfo } from '../falco/field-catalog.js';
import type { RawItem, Ruleset } from '../falco/types.js';
import { falcoBool, isDefinitionItem, overridesOf } from '../falco/ruleset.js';
import { definitionOrder } from '../falco/condition/macro-order.js';
import { ConditionChecker } from './conditions.js';
import { isMacroIssue, isSkippable, macroUsers, SKIP_KEY } from './skipped.js';
import { checkExceptions } from './exceptions.js';
import { checkItemSchema } from './schema.js';
import { invisibleCharacters } from './invisible.js';
import type { ValidationIssue } from './types.js';

export interface ValidateInput {
  items: RawItem[];
  ruleset: Ruleset;
  fields: FieldCatalog;
  /** Known sources beyond the field catalogue's (those of source-platforms.json). */
  extraSources: string[];
  /** With an ATT&CK catalog, the rules' tags also go through lint's checks. */
  attack?: { catalog: Catalog; sourcePlatforms: Record<string, string[]> };
  /** Only these rules (drafts); default all. */
  onlyRules?: Set<string>;
}

/** For a rule's name, the fields of its source (every source's, for one attack-cov does not know). */
function ruleFieldsOf({ ruleset, fields }: ValidateInput): (name: string) => Map<string, FieldInfo> {
  const sources = new Map(ruleset.rules.map((r) => [r.name, r.source]));
  const allFields = new Map([...fields.sources.values()].flatMap((m) => [...m]));
  return (name) => fieldsOf(fields, sources.get(name) ?? 'syscall') ?? allFields;
}



/**
 * What Falco does not refuse, made warnings: an unknown field (or event) in a rule with skip-if-unknown-filter (Falco
 * drops the rule with a warning and loads the file); in a macro that only such rules use (Falco compiles macros only
 * into the rules that use them); and in a macro no rule uses (Falco warns it is unused and checks no field of it).
 */
function forgiveSkipped(issues: ValidationIssue[], ruleset: Pick<Ruleset, 'rules' | 'macros'>): ValidationIssue[] {
  // The ruleset holds the key as its definition, overrides and appends leave it (ruleset.ts).
  const skipping = new Set(ruleset.rules.filter((rule) => rule.skipsUnknownFilter === true).map((rule) => rule.name));
  let users: Map<string, Set<string>> | undefined;
  return issues.map((i) => {
    // (The checker reports every skippable code as an error.)
    if (!isSkippable(i.code)) return i;
    if (isMacroIssue(i, ruleset)) {
      const using = [...((users ??= macroUsers(ruleset)).get(i.item) ?? [])];
      if (using.length === 0) return { ...i, severity: 'warning', message: `${i.message}; no rule uses this macro, and Falco checks a macro's fields only in the rules that use it` };
      if (using.every((rule) => skipping.has(rule))) return { ...i, severity: 'warning', message: `${i.message}; Falco skips the rules that use this macro (${SKIP_KEY}: true)` };
      return i;
    }
    return skipping.has(i.item) ? { ...i, severity: 'warning', message: `${i.message}; Falco skips the rule (${SKIP_KEY}: true)` } : i;
  });
}

/**
 * Rules whose `warn_evttypes` is false as the items leave it (a definition sets it, `override: {warn_evttypes:
 * replace}` replaces it): Falco's compiler does not warn that they have no evt.type, and neither does validate.
 */
function quietOnEventTypes(items: RawItem[]): Set<string> {
  const quiet = new Set<string>();
  for (const item of items) {
    if (item.kind !== 'rule') continue;
    if (!isDefinitionItem(item) && overridesOf(item)?.warn_evttypes !== 'replace') continue;
    if (falcoBool(item.fields.warn_evttypes) === false) quiet.add(item.name);
    else quiet.delete(item.name);
  }
  return quiet;
}

/** Issues at one key in the order of their place in its condition; one not inside the condition first. */
function conditionOrder(a: ValidationIssue, b: ValidationIssue): number {
  const [x, y] = [a.inCondition ?? { line: 0, column: 0 }, b.inCondition ?? { line: 0, column: 0 }];
  return x.line - y.line || x.column - y.column;
}

export function validateRules(input: ValidateInput): ValidationIssue[] {
  const { ruleset, fields } = input;
  const knownSources = new Set([...fields.sources.keys(), ...input.extraSources]);
  const isWanted = (name: string): boolean => !input.onlyRules || input.onlyRules.has(name);
  // With onlyRules (a draft), only those rules' items are checked; otherwise every item.
  const checkedItems = input.onlyRules ? input.items.filter((item) => item.kind === 'rule' && isWanted(item.name)) : input.items;
  const issues: ValidationIssue[] = checkedItems.flatMap((item) => [...checkItemSchema(item, knownSources), ...invisibleCharacters(item)]);
  const ruleFields = ruleFieldsOf(input);
  // Every item, in load order: an append is checked against the exceptions the earlier items gave its rule.
  issues.push(...checkExceptions(input.items, ruleFields, isWanted, new Set(ruleset.lists.keys())));
  const checker = new ConditionChecker(ruleset, fields, definitionOrder(ruleset.files.map((f) => f.path), input.items));
  for (const rule of ruleset.rules) if (isWanted(rule.name)) checker.checkRule(rule);
  if (!input.onlyRules) for (const macro of ruleset.macros.values()) if (!checker.isParsed(macro.name)) checker.checkUnusedMacro(macro);
  const quiet = quietOnEventTypes(input.items);
  issues.push(...forgiveSkipped([...checker.issues.values()], ruleset).filter((i) => !(i.code === 'no-event-type' && quiet.has(i.item))));
  if (input.attack) {
    const { catalog, sourcePlatforms } = input.attack;
    const tactics = indexTactics(catalog);
    const mapped = ruleset.rules.filter((r) => isWanted(r.name)).map((r) => mapRule(r, catalog, tactics));
    for (const f of checkRules(mapped, { catalog, tactics, sourcePlatforms })) {
      if (f.code === 'untagged-rule') continue;
      issues.push({ code: `tag/${f.code}`, severity: f.severity, file: f.file, line: f.line, column: f.column, ...(f.endColumn === undefined ? {} : { endColumn: f.endColumn }), item: f.rule, message: f.message });
    }
  }
  return issues.sort((a, b) => compareText(a.file, b.file) || a.line - b.line || a.column - b.column || conditionOrder(a, b) || compareText(a.code, b.code) || compareText(a.message, b.message));
}
