// Operators against field types as libsinsp's flt_is_comparable allows them: numbers, booleans, IP addresses and
// networks, list fields; len() makes a number; strings and other transformers are left alone. validate reports a
// refused one as an error, and the emulator does not evaluate the rule (Falco refuses it).
import { describe, expect, it } from 'vitest';
import { operatorTypeProblem, orderingValueProblem, unquoted, valueTypeProblem } from '../../../src/falco/condition/operator-types.js';
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
    expect(() => new ConditionCompiler(rules).compile('user.uid = 0 and fd.snet in (10.0.0.0/8) and fd.sip = 10.0.0.1')).not.toThrow();
  });
});

describe('valueTypeProblem: values as libsinsp reads them by the field type (value_parser.cpp string_to_rawval)', () => {
  const refused: [string, string, string, string][] = [
    ['INT64', 'proc.vpid', 'init', 'proc.vpid holds a whole number (INT64), not "init" (Falco: init is not a valid number)'],
    ['UINT32', 'user.uid', '1.5', 'user.uid holds a whole number (UINT32), not "1.5" (Falco: 1.5 is not a valid number)'],
    ['uint64', 's3.bytes', '0x10', 's3.bytes holds a whole number (uint64), not "0x10" (Falco: 0x10 is not a valid number)'],
    ['INT16', 'evt.cpu', '', 'evt.cpu holds a whole number (INT16), not "" (Falco:  is not a valid number)'],
    ['UINT8', 'x.y', '1 2', 'x.y holds a whole number (UINT8), not "1 2" (Falco: 1 2 is not a valid number)'],
    ['BOOL', 'container.privileged', 'yes', 'container.privileged is true or false, not "yes" (Falco: unrecognized boolean value yes)'],
    ['bool', 'x.flag', 'True', 'x.flag is true or false, not "True" (Falco: unrecognized boolean value True)'],
    ['IPADDR', 'fd.rip', '10.0.0', 'fd.rip holds an IP address, not "10.0.0" (Falco: unrecognized IPv4 address 10.0.0)'],
    ['IPADDR', 'fd.sip', 'localhost', 'fd.sip holds an IP address, not "localhost" (Falco: unrecognized IPv6 address localhost)'],
    ['IPNET', 'fd.rnet', '10.0.0.0', 'fd.rnet holds a network (address/prefix, 10.0.0.0/8), not "10.0.0.0" (Falco: unrecognized IP network 10.0.0.0)'],
  ];
  for (const [type, name, value, message] of refused) it(`refuses ${name} (${type}) = ${JSON.stringify(value)}`, () => expect(valueTypeProblem(type, ref(name), value)).toBe(message));

  it('refuses a network with a prefix too long or negative, a bad address, a prefix sscanf does not read whole, or more than one slash', () => {
    for (const value of ['10.0.0.0/33', '10.0.0/8', 'x/8', '10.0.0.0/8/1', '::/129', 'fe80::/1x', '10.0.0.0/', '/8', 'fe80::/1000', '10.0.0.0/8 ', '10.0.0.0/-1', '::/-1', '10.0.0.0/0x8', '10.0.0.0/8.0']) {
      expect(valueTypeProblem('IPNET', ref('fd.snet'), value), value).toMatch(/^fd\.snet holds a network/);
    }
  });

  it('takes what libsinsp takes', () => {
    const taken: [string, string][] = [
      ['INT64', '0'], ['INT64', '-1'], ['UINT64', '+5'], ['uint64', '18446744073709551615'], ['INT32', '007'],
      ['BOOL', 'true'], ['bool', 'false'],
      ['IPADDR', '10.0.0.1'], ['IPADDR', '::1'], ['IPADDR', 'fe80::1'], ['IPADDR', '10.0.0.0/8'], ['IPADDR', 'fe80::/10'],
      ['IPNET', '10.0.0.0/8'], ['IPNET', '0.0.0.0/0'], ['IPNET', '10.0.0.0/32'], ['IPNET', 'fe80::/10'], ['IPNET', '::/128'], ['IPNET', '::/0'],
      // sscanf skips leading blanks and takes a sign.
      ['IPNET', '10.0.0.0/ 8'], ['IPNET', '10.0.0.0/+8'], ['INT64', ' 5'], ['INT64', '+5'],
    ];
    for (const [type, value] of taken) expect(valueTypeProblem(type, ref('f.x'), value), `${type} ${value}`).toBeUndefined();
  });

  it('leaves ports (service names), times, doubles, strings and transformed fields alone', () => {
    for (const type of ['PORT', 'RELTIME', 'ABSTIME', 'DOUBLE', 'CHARBUF', 'string', 'BYTEBUF', 'BOOLX', 'XBOOL', 'XINT64', 'INT128', 'IPV4ADDR', 'XIPADDR', 'IPADDRX', 'XIPNET', 'IPNETX']) {
      expect(valueTypeProblem(type, ref('f.x'), 'abc'), type).toBeUndefined();
    }
    expect(valueTypeProblem('INT64', ref('f.x', ['len']), 'abc')).toBeUndefined();
  });

  it('unquoted takes off the quotes of a pasted list item, and only a matching pair', () => {
    expect([unquoted('"22"'), unquoted("'a b'"), unquoted('"22'), unquoted('"a\''), unquoted('x'), unquoted('""')]).toEqual(['22', 'a b', '"22', '"a\'', 'x', '']);
    expect([unquoted('x"a"'), unquoted('"a"x'), unquoted('"a\nb"')]).toEqual(['x"a"', '"a"x', 'a\nb']);
  });
});

describe('value types where they apply', () => {
  const validate = (text: string) => {
    const items = parseRulesText(text, 'r.yaml');
    return validateRules({ items, ruleset: buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]), fields: readFieldCatalog(), extraSources: [] }).map((i) => `${i.severity} ${i.code} ${i.message}`);
  };
  const rule = (condition: string) => `- list: uids\n  items: [0, "1000", nobody]\n- list: good_uids\n  items: [0, "1000"]\n- rule: R\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: INFO\n`;

  it('validate reports one error per check, at the value, for a value or a list item the type cannot read', () => {
    expect(validate(rule('evt.type = execve and proc.vpid = init'))).toEqual(['error value-type condition 1:35: proc.vpid holds a whole number (INT64), not "init" (Falco: init is not a valid number)']);
    expect(validate(rule('evt.type = execve and user.uid in (uids)'))).toEqual(['error value-type condition 1:36: user.uid holds a whole number (UINT32), not "nobody" (Falco: nobody is not a valid number)']);
    expect(validate(rule('evt.type = execve and user.uid in (good_uids, "7", 8) and container.privileged = "true"'))).toEqual([]);
    expect(validate(rule('evt.type = execve and (user.uid in (a1, b2) or fd.rip = "10.0.0")'))).toEqual([
      'error value-type condition 1:37: user.uid holds a whole number (UINT32), not "a1" (Falco: a1 is not a valid number)',
      'error value-type condition 1:57: fd.rip holds an IP address, not "10.0.0" (Falco: unrecognized IPv4 address 10.0.0)',
    ]);
  });

  it('says only the ordering problem or the time idiom where one is found, not the type as well', () => {
    expect(validate(rule('evt.type = execve and proc.vpid > init'))).toEqual(['error condition-syntax condition 1:35: ">" takes a number, not init (Falco: expected a number value)']);
    expect(validate(rule('evt.type = execve and evt.rawtime = yesterday')).map((m) => m.split(' ')[1])).toEqual(['time-compared-as-string']);
  });

  it('the emulator refuses the rule, a list item included', () => {
    const rules = macrosAndLists({}, { uids: ['0', 'nobody'] });
    expect(() => new ConditionCompiler(rules).compile('proc.vpid = init')).toThrow('proc.vpid holds a whole number (INT64), not "init" (Falco: init is not a valid number)');
    expect(() => new ConditionCompiler(rules).compile('user.uid in (uids)')).toThrow('(Falco: nobody is not a valid number)');
    expect(() => new ConditionCompiler(rules).compile('user.uid in ("0", 1) and container.privileged = true')).not.toThrow();
  });
});
