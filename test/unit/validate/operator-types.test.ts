// Operators against field types as libsinsp's flt_is_comparable allows them: numbers, booleans, IP addresses and
// networks, list fields; len() makes a number; strings and other transformers are left alone. validate reports a
// refused one as an error, and the emulator does not evaluate the rule (Falco refuses it).
import { describe, expect, it } from 'vitest';
import { operatorTypeProblem, orderingValueProblem } from '../../../src/falco/condition/operator-types.js';
import { parseCondition } from '../../../src/falco/condition/parse.js';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { ConditionCompiler, ConditionError } from '../../../src/emulate/evaluate.js';
import { validateRules } from '../../../src/validate/validate.js';
import { macrosAndLists } from '../../helpers/ruleset.js';

const ref = (name: string, transformers: string[] = []) => ({ name, transformers });

describe('operatorTypeProblem', () => {
  const refused: [string, string, string, string][] = [
    ['contains', 'INT64', 'proc.pid', "'contains' operator not supported for numeric filters (proc.pid is INT64)"],
    ['glob', 'PORT', 'fd.sport', "'glob' operator not supported for numeric filters (fd.sport is PORT)"],
    ['startswith', 'uint64', 'ct.x', "'startswith' operator not supported for numeric filters (ct.x is uint64)"],
    ['contains', 'BOOL', 'proc.is_exe_writable', "'contains' operator not supported for numeric filters (proc.is_exe_writable is BOOL)"],
    ['<', 'BOOL', 'proc.is_exe_writable', "'<' operator not supported for numeric filters (proc.is_exe_writable is BOOL)"],
    ['startswith', 'IPADDR', 'fd.sip', "'startswith' operator not supported for ip address and network filters (fd.sip is IPADDR)"],
    ['>', 'IPNET', 'fd.snet', "'>' operator not supported for ip address and network filters (fd.snet is IPNET)"],
    ['startswith', 'string (list)', 'ka.req.pod.containers.image', "'startswith' operator not supported list filters (ka.req.pod.containers.image is string (list))"],
    ['=', 'LIST(CHARBUF)', 'x.y', "'=' operator not supported list filters (x.y is LIST(CHARBUF))"],
  ];
  for (const [operator, type, name, message] of refused) it(`refuses ${name} ${operator} (${type})`, () => expect(operatorTypeProblem(operator, type, ref(name))).toBe(message));

  const accepted: [string, string, string[]][] = [
    ['<=', 'INT64', []],
    ['in', 'RELTIME', []],
    ['intersects', 'DOUBLE', []],
    ['exists', 'IPADDR', []],
    ['=', 'IPNET', []],
    ['in', 'IPADDR', []],
    ['!=', 'BOOL', []],
    ['in', 'string (list)', []],
    ['intersects', 'LIST(CHARBUF)', []],
    ['exists', 'string (list)', []],
    ['contains', 'CHARBUF', []],
    ['regex', 'string', []],
    ['bcontains', 'BYTEBUF', []],
    ['contains', 'INT64', ['tolower']], // text after a transformer
    ['startswith', 'IPADDR', ['basename']],
  ];
  for (const [operator, type, transformers] of accepted) it(`accepts ${operator} on ${type}${transformers.length ? ` through ${transformers[0]}` : ''}`, () => expect(operatorTypeProblem(operator, type, ref('f.x', transformers))).toBeUndefined());

  it('only BOOL itself is a boolean type, not one that starts or ends with it', () => {
    for (const type of ['BOOLBUF', 'XBOOL']) expect(operatorTypeProblem('contains', type, ref('f.x')), type).toBeUndefined();
  });

  it('len() is a number, even of a list', () => {
    expect(operatorTypeProblem('>', 'string (list)', ref('ka.x', ['len']))).toBeUndefined();
    expect(operatorTypeProblem('contains', 'CHARBUF', ref('proc.name', ['len']))).toBe("'contains' operator not supported for numeric filters (proc.name is a length)");
  });
});

describe('orderingValueProblem: <, <=, > and >= take a number (RGX_NUMBER, RGX_HEXNUM) or a field', () => {
  const problem = (condition: string): string | undefined => {
    const node = parseCondition(condition);
    return node.kind === 'check' ? orderingValueProblem(node.operator, node.value) : 'not a check';
  };
  it('refuses text, a quoted number, an address', () => {
    expect(problem('user.uid < "1"')).toBe('"<" takes a number, not "1" (Falco: expected a number value)');
    expect(problem('proc.pid > abc')).toBe('">" takes a number, not abc (Falco: expected a number value)');
    expect(problem('fd.sip >= 10.0.0.1')).toBe('">=" takes a number, not 10.0.0.1 (Falco: expected a number value)');
    expect(problem('proc.pid <= 5x')).toBe('"<=" takes a number, not 5x (Falco: expected a number value)');
  });
  it('takes numbers as libsinsp writes them, a field, and leaves other operators alone', () => {
    for (const condition of ['proc.pid > 10', 'proc.pid > -5', 'proc.pid > +1.5e+3', 'proc.pid < 0x1F', 'proc.pid > 3.', 'proc.pid > val(proc.ppid)', 'proc.name = abc', 'proc.name = "1"']) {
      expect(problem(condition), condition).toBeUndefined();
    }
    expect(problem('proc.pid < 0x1G')).toBe('"<" takes a number, not 0x1G (Falco: expected a number value)');
  });
  it('the emulator refuses such a condition', () => {
    expect(() => new ConditionCompiler(macrosAndLists()).compile('evt.type = execve and user.uid < "1"')).toThrow('"<" takes a number, not "1" (Falco: expected a number value)');
  });
});

describe('where it applies', () => {
  it('validate reports it as an error at the check', () => {
    const items = parseRulesText('- rule: R\n  desc: d\n  condition: evt.type = execve and proc.pid contains 1\n  output: o\n  priority: INFO\n', 'r.yaml');
    const issues = validateRules({ items, ruleset: buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]), fields: readFieldCatalog(), extraSources: [] });
    expect(issues.map((i) => `${i.severity} ${i.code} ${i.message}`)).toEqual(["error operator-type condition 1:23: 'contains' operator not supported for numeric filters (proc.pid is INT64)"]);
  });
  it('the emulator refuses the condition, through a macro too', () => {
    const rules = macrosAndLists({ root_user: 'user.uid contains 0' });
    expect(() => new ConditionCompiler(rules).compile('evt.type = execve and root_user')).toThrow(ConditionError);
    expect(() => new ConditionCompiler(rules).compile('fd.sip startswith 169.254')).toThrow("'startswith' operator not supported for ip address and network filters (fd.sip is IPADDR)");
    expect(() => new ConditionCompiler(rules).compile('user.uid = 0 and fd.sip in (10.0.0.0/8)')).not.toThrow();
  });
});
