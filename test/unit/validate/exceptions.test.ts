// validate on rule exceptions: what Falco 0.44's loader refuses is an error at the rule's `exceptions:`, what it
// only warns about a warning, what it loads passes. Its reader: the shape, fields required outside an append, its
// warnings; its collector: fields for the rule's source, comparison operators, and what an append may add to the
// exceptions earlier items gave the rule; its compiler: the condition it builds must parse, each comparison in it
// must take the field's type (< > a number), and a field may carry a transformer.
import { describe, expect, it } from 'vitest';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import type { ValidationIssue } from '../../../src/validate/types.js';
import { checkExceptions } from '../../../src/validate/exceptions.js';
import { validateRules } from '../../../src/validate/validate.js';

const fields = readFieldCatalog();
const RULE = `- rule: R
  desc: d
  condition: evt.type = execve and proc.name = shutdown
  output: o
  priority: INFO
`;

/** Every issue of a whole file (only the rules in onlyRules, a draft's, when given). */
function validateText(text: string, onlyRules?: Set<string>): ValidationIssue[] {
  const items = parseRulesText(text, 'r.yaml');
  const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]);
  return validateRules({ items, ruleset, fields, extraSources: [], ...(onlyRules ? { onlyRules } : {}) });
}

function check(exceptions: string, extra = ''): string[] {
  return validateText(`${RULE}  exceptions:\n${exceptions}${extra}`).map((i) => `${i.line}:${i.column} ${i.code} ${i.message}`);
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
      '6:3 bad-exception exception e6: its values do not parse once joined to the condition: expected ")" to close the "(" at 1:24, found "=now))" (Falco refuses the rule)',
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
    // The whole text is the field: a known name after an unclosed bracket is not it.
    expect(check("    - name: e9\n      fields: ['x[proc.name']\n      values:\n        - [a]\n")).toEqual([
      "6:3 bad-exception exception e9: 'x[proc.name' is not a supported filter field (Falco refuses the rule)",
    ]);
  });
  it('a field\'s argument is read whole and checked: proc.aname[12] passes, proc.name[1] (no argument taken) does not', () => {
    expect(check("    - name: a\n      fields: ['proc.aname[12]']\n      values:\n        - [a]\n")).toEqual([]);
    expect(check("    - name: e\n      fields: ['proc.name[1]']\n      values:\n        - [a]\n")).toEqual([
      "6:3 bad-exception exception e: 'proc.name[1]' is not a supported filter field (Falco refuses the rule)",
    ]);
  });
});

/** R with one exception on proc.pname (values sshd), and one on fd.sport compared with > (values 1024). */
const RULE_WITH_EXCEPTIONS = `${RULE}  exceptions:
    - name: parents
      fields: proc.pname
      values: [sshd]
    - name: high_ports
      fields: [fd.sport]
      comps: [">"]
      values: [[1024]]
`;

/** The exception issues of a whole file, with their severity. */
function issuesOf(text: string, onlyRules?: Set<string>): string[] {
  return validateText(text, onlyRules).filter((i) => i.code.includes('exception')).map((i) => `${i.line}:${i.column} ${i.severity} ${i.code} ${i.message}`);
}

/** R's exceptions as written here (under `exceptions:`, each line indented by 4). */
const withExceptions = (exceptions: string): string => `${RULE}  exceptions:\n${exceptions}`;
/** A second item for R: its exceptions, and how it changes R's (`override:` or `append: true`). */
const change = (how: string, exceptions: string): string => `- rule: R\n${how}  exceptions:\n${exceptions}`;
const APPEND = '  override:\n    exceptions: append\n';
const REPLACE = '  override:\n    exceptions: replace\n';

describe('the comparisons Falco compiles for an exception', () => {
  it('an operator the field type does not take: refused, as in a condition', () => {
    // contains on a port (a number), in a list of fields.
    expect(issuesOf(withExceptions('    - name: e\n      fields: [fd.sport]\n      comps: [contains]\n      values: [[22]]\n'))).toEqual([
      "6:3 error bad-exception exception e: 'contains' operator not supported for numeric filters (fd.sport is PORT) (Falco refuses the rule)",
    ]);
    // pmatch, which a single field may take, on a port.
    expect(issuesOf(withExceptions('    - name: e\n      fields: fd.sport\n      comps: pmatch\n      values: [22]\n'))).toEqual([
      "6:3 error bad-exception exception e: 'pmatch' operator not supported for numeric filters (fd.sport is PORT) (Falco refuses the rule)",
    ]);
  });
  it('an ordering operator with a value that is not a number: refused', () => {
    expect(issuesOf(withExceptions('    - name: e\n      fields: [fd.sport]\n      comps: [">"]\n      values: [[high]]\n'))).toEqual([
      '6:3 error bad-exception exception e: ">" takes a number, not high (Falco: expected a number value) (Falco refuses the rule)',
    ]);
  });
  it('a value the field type cannot read: refused, as in a condition; a list name stands for its items', () => {
    expect(issuesOf(withExceptions('    - name: e\n      fields: [user.uid, proc.name]\n      comps: [in, =]\n      values: [[[0, root], cron]]\n'))).toEqual([
      '6:3 error bad-exception exception e: user.uid holds a whole number (UINT32), not "root" (Falco: root is not a valid number) (Falco refuses the rule)',
    ]);
    expect(issuesOf(withExceptions('    - name: e\n      fields: [user.uid, proc.name]\n      comps: [=, =]\n      values: [[root, cron]]\n'))).toEqual([
      '6:3 error bad-exception exception e: user.uid holds a whole number (UINT32), not "root" (Falco: root is not a valid number) (Falco refuses the rule)',
    ]);
    expect(issuesOf(withExceptions('    - name: e\n      fields: container.privileged\n      comps: in\n      values: [yes]\n'))).toEqual([
      '6:3 error bad-exception exception e: container.privileged is true or false, not "yes" (Falco: unrecognized boolean value yes) (Falco refuses the rule)',
    ]);
    const lists = '- list: admin_uids\n  items: [0, 1000]\n';
    expect(validateText(`${lists}${withExceptions('    - name: e\n      fields: [user.uid]\n      comps: [in]\n      values: [[admin_uids]]\n')}`)).toEqual([]);
    // Without the list, the same name is a value.
    expect(validateText(withExceptions('    - name: e\n      fields: [user.uid]\n      comps: [in]\n      values: [[admin_uids]]\n')).map((i) => i.code)).toEqual(['bad-exception']);
  });
  it('what the field type takes passes: = and in on a port, > with a number, contains on text', () => {
    expect(issuesOf(RULE_WITH_EXCEPTIONS)).toEqual([]);
    // `exceptions:` with nothing under it: none.
    expect(issuesOf(withExceptions(''))).toEqual([]);
    expect(issuesOf(withExceptions('    - name: e\n      fields: [fd.sport, proc.cmdline]\n      comps: [in, contains]\n      values: [[[22, 80], -x]]\n'))).toEqual([]);
  });
  it('a field with a transformer is a field (Falco compiles "<field> exists"); its type is what the transformer gives', () => {
    expect(issuesOf(withExceptions('    - name: e\n      fields: [tolower(proc.name)]\n      comps: [=]\n      values: [[sh]]\n'))).toEqual([]);
    expect(issuesOf(withExceptions('    - name: e\n      fields: [tolower(proc.nme)]\n      values: [[sh]]\n'))).toEqual([
      "6:3 error bad-exception exception e: 'tolower(proc.nme)' is not a supported filter field (Falco refuses the rule)",
    ]);
    // Falco looks a field without a transformer up by its whole name: a space before it names no field.
    expect(issuesOf(withExceptions("    - name: e\n      fields: [' proc.name']\n      values: [[sh]]\n"))).toEqual([
      "6:3 error bad-exception exception e: ' proc.name' is not a supported filter field (Falco refuses the rule)",
    ]);
    // A transformer that does not close names no field.
    expect(issuesOf(withExceptions("    - name: e\n      fields: ['tolower(proc.name']\n      values: [[sh]]\n"))).toEqual([
      "6:3 error bad-exception exception e: 'tolower(proc.name' is not a supported filter field (Falco refuses the rule)",
    ]);
    // len() gives a number: contains on it is refused.
    expect(issuesOf(withExceptions('    - name: e\n      fields: [len(proc.name)]\n      comps: [contains]\n      values: [[2]]\n'))).toEqual([
      "6:3 error bad-exception exception e: 'contains' operator not supported for numeric filters (proc.name is a length) (Falco refuses the rule)",
    ]);
  });
  it('a transformer the field type does not take, bcontains on text, bcontains with a value that is not hex: refused', () => {
    expect(issuesOf(withExceptions('    - name: e\n      fields: [tolower(proc.pid)]\n      values: [[1]]\n'))).toEqual([
      "6:3 error bad-exception exception e: tolower() takes text, not proc.pid (INT64) (Falco: can't add field transformer: type 'INT64' is not supported by 'tolower' transformer applied on field 'proc.pid') (Falco refuses the rule)",
    ]);
    expect(issuesOf(withExceptions('    - name: e\n      fields: [proc.cmdline]\n      comps: [bcontains]\n      values: [[7368]]\n'))).toEqual([
      "6:3 error bad-exception exception e: 'bcontains' operator not supported for string filters (proc.cmdline is CHARBUF) (Falco refuses the rule)",
    ]);
    expect(issuesOf(withExceptions('    - name: e\n      fields: [evt.buffer]\n      comps: [bstartswith]\n      values: [[7f45z]]\n'))).toEqual([
      '6:3 error bad-exception exception e: bstartswith takes hex digits, two per byte (7368 for "sh"), not "7f45z" (Falco: bcontains and bstartswith operator support hex strings only) (Falco refuses the rule)',
    ]);
    expect(issuesOf(withExceptions('    - name: e\n      fields: [evt.buffer]\n      comps: [bstartswith]\n      values: [[7f454c46]]\n'))).toEqual([]);
  });
});

describe('fields, outside an append', () => {
  it('a rule\'s exception without fields: the reader\'s refusal', () => {
    expect(issuesOf(withExceptions('    - name: e\n      values: [sshd]\n'))).toEqual([
      "6:3 error bad-exception exception e: Item has no mapping for key 'fields' (Falco refuses the rule)",
    ]);
  });
  it('override: {exceptions: replace} with an exception without fields: refused, with the way to add values', () => {
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(REPLACE, '    - name: parents\n      values: [cron]\n'))).toEqual([
      "17:3 error bad-exception exception parents: Item has no mapping for key 'fields' (Falco refuses the rule); override: {exceptions: replace} replaces the exceptions whole; to add values to one, use override: {exceptions: append}",
    ]);
  });
  it('a replacing exception with another refusal: no hint about fields', () => {
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(REPLACE, '    - name: parents\n      fields: [proc.pname]\n      comps: [like]\n      values: [[cron]]\n'))).toEqual([
      "17:3 error bad-exception exception parents: 'like' is not a supported comparison operator (Falco refuses the rule)",
    ]);
  });
  it('a replacing exception is checked as a rule\'s own: its comparisons too', () => {
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(REPLACE, '    - name: parents\n      fields: fd.sport\n      comps: pmatch\n      values: [22]\n'))).toEqual([
      "17:3 error bad-exception exception parents: 'pmatch' operator not supported for numeric filters (fd.sport is PORT) (Falco refuses the rule)",
    ]);
  });
  it('after a replace, the exceptions replaced are gone: values appended to one of them are a new exception without fields', () => {
    const replaced = change(REPLACE, '    - name: other\n      fields: proc.name\n      values: [x]\n');
    expect(issuesOf(RULE_WITH_EXCEPTIONS + replaced + change(APPEND, '    - name: parents\n      values: [cron]\n'))).toEqual([
      '24:3 error bad-exception exception parents: Rule exception must have fields property with a list of fields (Falco refuses the rule)',
    ]);
  });
});

describe('an append, against the exceptions the rule has', () => {
  it('fields or comps for an exception the rule has: refused (only values may be added)', () => {
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(APPEND, '    - name: parents\n      fields: proc.pname\n      values: [cron]\n'))).toEqual([
      '17:3 error bad-exception exception parents: Can not append exception fields to existing exception, only values (Falco refuses the rule)',
    ]);
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change('  append: true\n', '    - name: parents\n      comps: in\n      values: [cron]\n'))).toEqual([
      '16:3 error bad-exception exception parents: Can not append exception comps to existing exception, only values (Falco refuses the rule)',
    ]);
  });
  it('a new exception without fields or without values: refused', () => {
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(APPEND, '    - name: names\n      values: [x]\n'))).toEqual([
      '17:3 error bad-exception exception names: Rule exception must have fields property with a list of fields (Falco refuses the rule)',
    ]);
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(APPEND, '    - name: names\n      fields: proc.name\n      values: []\n'))).toEqual([
      '17:3 error bad-exception exception names: Rule exception must have values property with a list of values (Falco refuses the rule)',
    ]);
  });
  it('a new exception is checked whole: its comparisons too', () => {
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(APPEND, '    - name: ports\n      fields: [fd.sport]\n      comps: [startswith]\n      values: [[22]]\n'))).toEqual([
      "17:3 error bad-exception exception ports: 'startswith' operator not supported for numeric filters (fd.sport is PORT) (Falco refuses the rule)",
    ]);
  });
  it('values added to an exception the rule has are compiled with its fields and comps', () => {
    // A value that is not a number, added to the exception comparing fd.sport with >.
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(APPEND, '    - name: high_ports\n      values: [[many]]\n'))).toEqual([
      '17:3 error bad-exception exception high_ports: ">" takes a number, not many (Falco: expected a number value) (Falco refuses the rule)',
    ]);
    // A tuple of two values for its one field.
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(APPEND, '    - name: high_ports\n      values: [[2048, 4096]]\n'))).toEqual([
      '17:3 error bad-exception exception high_ports: Fields and values lists must have equal length (Falco refuses the rule)',
    ]);
    // Numbers pass.
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(APPEND, '    - name: high_ports\n      values: [[2048]]\n'))).toEqual([]);
  });
});

describe('what Falco\'s reader warns about and loads', () => {
  it('an exception name given twice in one item', () => {
    expect(issuesOf(withExceptions('    - name: e\n      fields: proc.pname\n      values: [a]\n    - name: e\n      fields: proc.name\n      values: [b]\n'))).toEqual([
      "6:3 warning duplicate-exception Multiple definitions of exception 'e' in the same rule (Falco loads the rule with a warning)",
    ]);
  });
  it('an appended exception without values (a misspelt key, say)', () => {
    expect(issuesOf(RULE_WITH_EXCEPTIONS + change(APPEND, '    - name: parents\n      value: cron\n'))).toEqual([
      '17:3 warning exception-without-values exception parents: Overriding/appending exception with no values (Falco loads the rule with a warning)',
    ]);
    // Outside an append there is no such warning: an exception without values adds nothing.
    expect(issuesOf(withExceptions('    - name: e\n      fields: proc.pname\n'))).toEqual([]);
  });
});

describe('which items', () => {
  it('with onlyRules (a draft), only the draft rule\'s items are reported, but an append still sees what earlier items gave', () => {
    const draft = `- rule: D\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: INFO\n  exceptions:\n    - name: bad\n      fields: [fd.sport]\n      comps: [contains]\n      values: [[1]]\n`;
    const appended = change(APPEND, '    - name: parents\n      values: [cron]\n');
    expect(issuesOf(draft + RULE_WITH_EXCEPTIONS + appended, new Set(['R']))).toEqual([]);
    expect(issuesOf(draft + RULE_WITH_EXCEPTIONS + appended, new Set(['D']))).toEqual([
      "6:3 error bad-exception exception bad: 'contains' operator not supported for numeric filters (fd.sport is PORT) (Falco refuses the rule)",
    ]);
  });
  it('an item that does not change exceptions leaves them: an enabling item, an override of another key, an append of a condition, a macro of the same name', () => {
    const others = [
      '- rule: R\n  enabled: false\n',
      '- rule: R\n  desc: other\n  override:\n    desc: replace\n',
      '- rule: R\n  append: true\n  condition: and proc.pname = x\n',
      '- macro: R\n  condition: evt.num = 1\n',
    ].join('');
    expect(issuesOf(RULE_WITH_EXCEPTIONS + others + change(APPEND, '    - name: parents\n      values: [cron]\n'))).toEqual([]);
  });
  it('an item Falco refuses leaves the exceptions the rule had', () => {
    const refused = change(APPEND, '    - name: parents\n      fields: proc.pname\n      values: [cron]\n');
    expect(issuesOf(RULE_WITH_EXCEPTIONS + refused + change(APPEND, '    - name: parents\n      values: [cron]\n'))).toEqual([
      '17:3 error bad-exception exception parents: Can not append exception fields to existing exception, only values (Falco refuses the rule)',
    ]);
  });
  it('checkExceptions on raw items (no ruleset built) reports every rule\'s, and passes over an override that is not append or replace', () => {
    // No ruleset would be built from the last two items (the loader refuses their override): nothing is said of them.
    const text = `${withExceptions('    - name: e\n      values: [x]\n')}- rule: R\n  override: ~\n  exceptions:\n    - name: g\n`
      + '- rule: R\n  override:\n    exceptions: merge\n  exceptions:\n    - name: h\n';
    expect(checkExceptions(parseRulesText(text, 'r.yaml'), () => fields.sources.get('syscall')!).map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      "6:3 exception e: Item has no mapping for key 'fields' (Falco refuses the rule)",
    ]);
  });
  it('a rule defined again has only the exceptions of its new definition', () => {
    expect(issuesOf(RULE_WITH_EXCEPTIONS + RULE + change(APPEND, '    - name: parents\n      values: [cron]\n'))).toEqual([
      '22:3 error bad-exception exception parents: Rule exception must have fields property with a list of fields (Falco refuses the rule)',
    ]);
  });
});
