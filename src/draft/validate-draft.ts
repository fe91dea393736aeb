// Validates one draft file in the context of the user's ruleset: the validator's checks (its macros,
// lists, fields and events), the tag checks of lint, and a name that is not taken. Pure.
import type { Catalog } from '../attack/types.js';
import { isAttackCovError } from '../errors.js';
import type { FieldCatalog } from '../falco/field-catalog.js';
import { parseRulesText } from '../falco/parse.js';
import { tryParseCondition } from '../falco/condition/parse.js';
import { breadthProblem } from './breadth.js';
import { buildRuleset } from '../falco/ruleset.js';
import type { Ruleset } from '../falco/types.js';
import type { ValidationIssue } from '../validate/types.js';
import { validateRules } from '../validate/validate.js';

export interface DraftContext {
  ruleset: Ruleset;
  fields: FieldCatalog;
  catalog: Catalog;
  sourcePlatforms: Record<string, string[]>;
}

/** Every problem of the draft; a draft passes only with none (warnings included: too broad is a failure). */
export function validateDraft(text: string, file: string, context: DraftContext): ValidationIssue[] {
  let items;
  try {
    items = parseRulesText(text, file);
  } catch (error) {
    if (!isAttackCovError(error)) throw error;
    return [{ code: 'yaml', severity: 'error', file, line: 1, column: 1, item: '', message: error.message }];
  }
  // Stryker disable next-line StringLiteral: the draft's file record is never read: the combined ruleset keeps the user's files
  const draft = buildRuleset([{ info: { path: file, sha256: '' }, items }]);
  const names = new Set(draft.rules.map((r) => r.name));
  const taken = draft.rules.filter((r) => context.ruleset.rules.some((existing) => existing.name === r.name));
  // Stryker disable next-line ArrowFunction: validateRules reads only the rules onlyRules names (the draft's), so which of the user's rules stay beside them changes nothing
  const combined: Ruleset = { ...context.ruleset, rules: [...context.ruleset.rules.filter((r) => !names.has(r.name)), ...draft.rules] };
  const issues = validateRules({
    items,
    ruleset: combined,
    fields: context.fields,
    extraSources: Object.keys(context.sourcePlatforms),
    attack: { catalog: context.catalog, sourcePlatforms: context.sourcePlatforms },
    onlyRules: names,
  });
  // A plugin-source draft has no benign corpus to be held to: a condition that narrows nothing is refused here.
  const broad = draft.rules.flatMap((r) => {
    const tree = r.source === 'syscall' ? undefined : tryParseCondition(r.condition);
    const problem = tree && breadthProblem(tree);
    const at = r.conditionAt ?? r.position;
    return problem ? [{ code: 'too-broad', severity: 'warning' as const, file, line: at.line, column: at.column, item: r.name, message: problem }] : [];
  });
  return [
    ...taken.map((r) => ({ code: 'name-taken', severity: 'error' as const, file, line: r.position.line, column: r.position.column, item: r.name, message: `the ruleset already has a rule named "${r.name}"; choose another name` })),
    ...issues,
    ...broad,
  ];
}

/** An issue as the model and the header read it: "line 4: unknown-field: condition 1:21: …". */
export function describeIssue(issue: ValidationIssue): string {
  return `line ${issue.line}: ${issue.code}: ${issue.message}`;
}
