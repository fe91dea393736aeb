// validate on rule exceptions: what Falco's loader refuses (an unknown field, an unsupported comparison operator,
// values not matching the fields) is an error at the rule's `exceptions:`; what it loads passes, and an appended
// exception may give only values.
import { describe, expect, it } from 'vitest';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { validateRules } from '../../../src/validate/validate.js';

const fields = readFieldCatalog();
const RULE = `- rule: R
  desc: d
  condition: evt.type = execve and proc.name = shutdown
  output: o
  priority: INFO
`;

function check(exceptions: string, extra = ''): string[] {
  const items = parseRulesText(`${RULE}  exceptions:\n${exceptions}${extra}`, 'r.yaml');
  const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]);
  return validateRules({ items, ruleset, fields, extraSources: [] }).map((i) => `${i.line}:${i.column} ${i.code} ${i.message}`);
}

describe('rule exceptions', () => {
  it('passes what Falco loads: one field with in, fields with comps, list values, deprecated fields', () => {
    expect(check('    - name: a\n      fields: proc.pname\n      comps: in\n      values: [sshd, cron]\n')).toEqual([]);
    expect(check('    - name: b\n      fields: [proc.pname, fd.name]\n      comps: [in, startswith]\n      values:\n        - [[sshd, cron], /tmp]\n')).toEqual([]);
    expect(check("    - name: c\n      fields: ['proc.aname[2]', evt.dir]\n      values: [[a, '<']]\n")).toEqual([]);
  });
  it('an unknown field, an unsupported operator, values not matching the fields: errors in Falco\'s words', () => {
    expect(check('    - name: e1\n      fields: [proc.nme, proc.pname]\n      comps: [=, startswith]\n      values:\n        - [a, b]\n')).toEqual([
      "6:3 bad-exception exception e1: 'proc.nme' is not a supported filter field (Falco refuses the rule)",
    ]);
    expect(check('    - name: e2\n      fields: [proc.name]\n      comps: [like]\n      values:\n        - [a]\n')).toEqual([
      "6:3 bad-exception exception e2: 'like' is not a supported comparison operator (Falco refuses the rule)",
    ]);
    expect(check('    - name: e3\n      fields: [proc.name, proc.pname]\n      values:\n        - [a]\n')).toEqual([
      '6:3 bad-exception exception e3: Fields and values lists must have equal length (Falco refuses the rule)',
    ]);
    expect(check('    - name: e4\n      fields: proc.name\n      comps: startswith\n      values: [a]\n')).toEqual([
      '6:3 bad-exception exception e4: When fields is a single value, comps must be one of (in, pmatch, intersects) (Falco refuses the rule)',
    ]);
    expect(check('    name: e5\n')).toEqual(['6:3 bad-exception Rule exceptions must be a sequence (Falco refuses the rule)']);
    expect(check('    - name: e6\n      fields: [proc.cmdline]\n      comps: [contains]\n      values:\n        - [-r=now]\n')).toEqual([
      '6:3 bad-exception its values do not parse once joined to the condition: expected ")" to close the "(" at 1:24, found "=now))" (Falco refuses the rule)',
    ]);
  });
  it('an exception appended to a rule may give only values (Falco adds them to the exception of that name)', () => {
    const append = '- rule: R\n  override:\n    exceptions: append\n  exceptions:\n    - name: a\n      values: [cron]\n';
    const issues = check('    - name: a\n      fields: proc.pname\n      values: [sshd]\n', append);
    expect(issues.filter((i) => i.includes('bad-exception'))).toEqual([]);
    // The legacy append, however yaml-cpp spells its true.
    for (const yes of ['true', 'yes', 'on', 'y']) {
      const legacy = `- rule: R\n  append: ${yes}\n  exceptions:\n    - name: a\n      values: [cron]\n`;
      expect(check('    - name: a\n      fields: proc.pname\n      values: [sshd]\n', legacy).filter((i) => i.includes('bad-exception'))).toEqual([]);
    }
  });
  it('a field whose bracket does not close names no field: an error, not a crash', () => {
    expect(check("    - name: e7\n      fields: ['evt.arg[', proc.name]\n      values:\n        - [a, b]\n")).toEqual([
      "6:3 bad-exception exception e7: 'evt.arg[' is not a supported filter field (Falco refuses the rule)",
    ]);
    expect(check("    - name: e8\n      fields: ['proc.aname[1]x', proc.name]\n      values:\n        - [a, b]\n")).toEqual([
      "6:3 bad-exception exception e8: 'proc.aname[1]x' is not a supported filter field (Falco refuses the rule)",
    ]);
  });
});
