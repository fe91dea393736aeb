// rulesFalcoSkips drops a rule only for what skip-if-unknown-filter forgives (an unknown field or event): an
// undefined macro is an error Falco does not skip for, so the rule is not among those it drops.
import { describe, expect, it } from 'vitest';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { rulesFalcoSkips } from '../../../src/validate/skipped.js';

describe('rulesFalcoSkips', () => {
  it('keeps a rule whose only problem is not an unknown field or event', () => {
    const text = '- rule: R\n  desc: d\n  condition: evt.type = execve and no_such_macro\n  output: o\n  priority: INFO\n  skip-if-unknown-filter: true\n';
    const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items: parseRulesText(text, 'r.yaml') }]);
    expect(rulesFalcoSkips(ruleset, () => readFieldCatalog())).toEqual(new Map());
  });
});
