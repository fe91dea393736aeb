// Operators against field types as libsinsp's flt_is_comparable allows them: numbers, booleans, IP addresses and
// networks, strings, byte buffers, list fields, on the type the transformers give; the types each transformer takes;
// a field on the right (val()) against the left one; the hex bcontains takes; evt.type checks Falco reads event types
// from. validate reports a refused one as an error, and the emulator does not evaluate the rule (Falco refuses it).
import { describe, expect, it } from 'vitest';
import { eventTypeCheckProblem, falcoType, fieldValueProblem, hexValueProblem, operatorTypeProblem, orderingValueProblem, transformedType, transformerProblem, unquoted, valueTypeProblem } from '../../../src/falco/condition/operator-types.js';
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
    // flt_is_comparable_string has no bcontains or bstartswith; flt_is_comparable_buffer no ordering, glob, regex.
    ['bcontains', 'CHARBUF', 'proc.name', "'bcontains' operator not supported for string filters (proc.name is CHARBUF)"],
    ['bstartswith', 'string', 'container.id', "'bstartswith' operator not supported for string filters (container.id is string)"],
    ['glob', 'BYTEBUF', 'evt.buffer', "'glob' operator not supported for buffer filters (evt.buffer is BYTEBUF)"],
    ['regex', 'BYTEBUF', 'evt.buffer', "'regex' operator not supported for buffer filters (evt.buffer is BYTEBUF)"],
    ['icontains', 'BYTEBUF', 'evt.buffer', "'icontains' operator not supported for buffer filters (evt.buffer is BYTEBUF)"],
    ['<', 'BYTEBUF', 'evt.buffer', "'<' operator not supported for buffer filters (evt.buffer is BYTEBUF)"],
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
    ['contains', 'INT64', ['tolower']], // a transformer Falco refuses is transformerProblem's to say
    ['startswith', 'IPADDR', ['basename']],
    ['regex', 'CHARBUF', []],
    ['pmatch', 'CHARBUF', []],
    ['<', 'string', []],
    ['bstartswith', 'BYTEBUF', []],
    ['startswith', 'BYTEBUF', ['b64']],
    ['bcontains', 'DYNAMIC', []], // evt.rawarg: each event's parameter decides
  ];
  for (const [operator, type, transformers] of accepted) it(`accepts ${operator} on ${type}${transformers.length ? ` through ${transformers[0]}` : ''}`, () => expect(operatorTypeProblem(operator, type, ref('f.x', transformers))).toBeUndefined());

  it('only BOOL itself is a boolean type, not one that starts or ends with it', () => {
    for (const type of ['BOOLBUF', 'XBOOL']) expect(operatorTypeProblem('contains', type, ref('f.x')), type).toBeUndefined();
  });

  it('checks the operator on the type the transformers give', () => {
    expect(operatorTypeProblem('bcontains', 'CHARBUF', ref('proc.name', ['tolower']))).toBe("'bcontains' operator not supported for string filters (proc.name is CHARBUF)");
    expect(operatorTypeProblem('glob', 'BYTEBUF', ref('evt.buffer', ['b64']))).toBe("'glob' operator not supported for buffer filters (evt.buffer is BYTEBUF)");
    expect(operatorTypeProblem('contains', 'string (list)', ref('ka.x', ['tolower']))).toBe("'contains' operator not supported list filters (ka.x is CHARBUF (list))");
  });

  it('len() is a number, even of a list', () => {
    expect(operatorTypeProblem('>', 'string (list)', ref('ka.x', ['len']))).toBeUndefined();
    expect(operatorTypeProblem('contains', 'CHARBUF', ref('proc.name', ['len']))).toBe("'contains' operator not supported for numeric filters (proc.name is a length)");
  });
});

describe('transformers: the types each takes (sinsp_filter_transformer.cpp transform_type)', () => {
  const FALCO = (type: string, transformer: string, field: string, isList = false) => `(Falco: can't add field transformer: type '${type}' is not supported by '${transformer}' transformer applied on ${isList ? 'list ' : ''}field '${field}')`;
  const refused: [string, string, string[], string][] = [
    ['INT64', 'proc.pid', ['len'], `len() takes text, a buffer or a list, not proc.pid (INT64) ${FALCO('INT64', 'len', 'proc.pid')}`],
    ['INT64', 'proc.vpid', ['tolower'], `tolower() takes text, not proc.vpid (INT64) ${FALCO('INT64', 'tolower', 'proc.vpid')}`],
    ['PORT', 'fd.sport', ['toupper'], `toupper() takes text, not fd.sport (PORT) ${FALCO('PORT', 'toupper', 'fd.sport')}`],
    ['BYTEBUF', 'evt.buffer', ['basename'], `basename() takes text, not evt.buffer (BYTEBUF) ${FALCO('BYTEBUF', 'basename', 'evt.buffer')}`],
    ['IPADDR', 'fd.sip', ['b64'], `b64() takes text or a buffer, not fd.sip (IPADDR) ${FALCO('IPADDR', 'b64', 'fd.sip')}`],
    ['uint64', 's3.bytes', ['len'], `len() takes text, a buffer or a list, not s3.bytes (UINT64) ${FALCO('UINT64', 'len', 's3.bytes')}`],
    // The type each transformer gives, innermost first: len() gives a number, which tolower() does not take.
    ['CHARBUF', 'proc.name', ['tolower', 'len'], `tolower() takes text, not len(proc.name) (UINT64) ${FALCO('UINT64', 'tolower', 'proc.name')}`],
    ['CHARBUF', 'proc.name', ['b64', 'len'], `b64() takes text or a buffer, not len(proc.name) (UINT64) ${FALCO('UINT64', 'b64', 'proc.name')}`],
  ];
  for (const [type, name, transformers, message] of refused) {
    it(`refuses ${transformers.join('(')}(${name}) (${type})`, () => expect(transformerProblem(type, ref(name, transformers))).toBe(message));
  }
  it('names the argument, and a list field', () => {
    expect(transformerProblem('INT64', { name: 'proc.apid', arg: '1', transformers: ['tolower'] })).toBe(`tolower() takes text, not proc.apid[1] (INT64) ${FALCO('INT64', 'tolower', 'proc.apid')}`);
    expect(transformerProblem('LIST(UINT64)', ref('x.ids', ['tolower']))).toBe(`tolower() takes text, not x.ids (UINT64 (list)) ${FALCO('UINT64', 'tolower', 'x.ids', true)}`);
  });

  it('takes text (CHARBUF, plugin string), buffers for b64 and len, any list for len, each item of a text list', () => {
    const taken: [string, string[]][] = [
      ['CHARBUF', ['tolower']], ['string', ['toupper']], ['CHARBUF', ['basename']], ['FSPATH', ['basename']], ['FSRELPATH', ['tolower']],
      ['CHARBUF', ['b64']], ['BYTEBUF', ['b64']], ['BYTEBUF', ['len']], ['CHARBUF', ['len']], ['LIST(CHARBUF)', ['len']],
      ['LIST(UINT64)', ['len']], ['string (list)', ['tolower']], ['LIST(CHARBUF)', ['b64']], ['CHARBUF', ['tolower', 'b64']],
      ['INT64', ['val']], ['INT64', []], ['DYNAMIC', ['len']],
    ];
    for (const [type, transformers] of taken) expect(transformerProblem(type, ref('f.x', transformers)), `${transformers.join('(')} ${type}`).toBeUndefined();
  });

  it('gives the type the transformers leave: len() a number, not a list; the others the type they take', () => {
    expect(transformedType('LIST(CHARBUF)', ref('fd.types', ['len']))).toEqual({ type: 'UINT64', isList: false });
    expect(transformedType('string (list)', ref('ka.x', ['tolower']))).toEqual({ type: 'CHARBUF', isList: true });
    expect(transformedType('BYTEBUF', ref('evt.buffer', ['b64']))).toEqual({ type: 'BYTEBUF', isList: false });
    expect(transformedType('DYNAMIC', ref('evt.rawarg', ['len']))).toBeUndefined();
    expect([falcoType('string'), falcoType('uint64'), falcoType('LIST(CHARBUF)'), falcoType('DYNAMIC')]).toEqual([
      { type: 'CHARBUF', isList: false }, { type: 'UINT64', isList: false }, { type: 'CHARBUF', isList: true }, undefined,
    ]);
  });
});

describe('fieldValueProblem: a field on the right (sinsp_filter_check::add_filter_value)', () => {
  const typed = (type: string | undefined, name: string, transformers: string[] = ['val']) => ({ type, ref: ref(name, transformers) });
  it('refuses a field after pmatch or regex, whatever its type', () => {
    expect(fieldValueProblem('pmatch', typed('CHARBUF', 'proc.exepath', []), typed('CHARBUF', 'proc.exepath'))).toBe("pmatch compares with values, not with a field (val(proc.exepath)) (Falco: operator 'PMATCH' doesn't support right-hand side fields)");
    expect(fieldValueProblem('regex', typed('CHARBUF', 'proc.name', []), typed(undefined, 'x.y', ['tolower']))).toBe("regex compares with values, not with a field (tolower(x.y)) (Falco: operator 'REGEX' doesn't support right-hand side fields)");
  });
  it('refuses a network on the left', () => {
    expect(fieldValueProblem('=', typed('IPNET', 'fd.snet', []), typed('IPNET', 'fd.cnet'))).toBe("fd.snet is a network, which compares with values, not with a field (val(fd.cnet)) (Falco: field type 'IPNET' doesn't support right-hand side fields)");
  });
  it('refuses fields of two types, transformers applied, and a list against a scalar', () => {
    expect(fieldValueProblem('!=', typed('INT64', 'proc.pid', []), typed('CHARBUF', 'proc.name'))).toBe(
      "proc.pid (INT64) and val(proc.name) (CHARBUF) are not of one type (Falco: field 'proc.pid' has type 'INT64' while the right-hand side field 'proc.name' has incompatible type 'CHARBUF')",
    );
    expect(fieldValueProblem('=', typed('UINT32', 'user.uid', []), typed('INT64', 'user.loginuid'))).toBe(
      "user.uid (UINT32) and val(user.loginuid) (INT64) are not of one type (Falco: field 'user.uid' has type 'UINT32' while the right-hand side field 'user.loginuid' has incompatible type 'INT64')",
    );
    expect(fieldValueProblem('=', typed('CHARBUF', 'proc.name', ['len']), typed('INT64', 'proc.pid'))).toBe(
      "len(proc.name) (UINT64) and val(proc.pid) (INT64) are not of one type (Falco: field 'proc.name' has type 'UINT64' while the right-hand side field 'proc.pid' has incompatible type 'INT64')",
    );
    expect(fieldValueProblem('in', typed('LIST(CHARBUF)', 'fd.types', []), typed('CHARBUF', 'proc.name'))).toBe(
      "fd.types (CHARBUF (list)) and val(proc.name) (CHARBUF) are not of one type (Falco: field 'fd.types' has type 'CHARBUF (list)' while the right-hand side field 'proc.name' has incompatible type 'CHARBUF')",
    );
  });
  it('takes one type on both sides (a plugin string is CHARBUF), and says nothing where a type is unknown or a transformer refused', () => {
    const taken: [ReturnType<typeof typed>, ReturnType<typeof typed>][] = [
      [typed('INT64', 'proc.pid', []), typed('INT64', 'proc.ppid')],
      [typed('CHARBUF', 'proc.name', []), typed('string', 'container.name')],
      [typed('CHARBUF', 'proc.name', []), typed('CHARBUF', 'proc.pname', ['tolower'])],
      [typed('CHARBUF', 'proc.name', ['len']), typed('UINT64', 'proc.cmdnargs')],
      [typed('CHARBUF', 'proc.name', []), typed(undefined, 'nosuch.field')],
      [typed('DYNAMIC', 'evt.rawarg', []), typed('INT64', 'proc.pid')],
      [typed('INT64', 'proc.pid', ['tolower']), typed('CHARBUF', 'proc.name')],
    ];
    for (const [left, right] of taken) expect(fieldValueProblem('=', left, right), `${left.ref.name} = ${right.ref.name}`).toBeUndefined();
  });
});

describe('hexValueProblem: bcontains and bstartswith take hex (sinsp_utils::unhex)', () => {
  it('refuses what is not hex digits, two per byte: blanks, an odd count, 0x, other letters', () => {
    for (const value of ['73 68', '736', 'xyz', '0x73', '7g', ' 7368']) {
      expect(hexValueProblem('bcontains', value), value).toBe(`bcontains takes hex digits, two per byte (7368 for "sh"), not ${JSON.stringify(value)} (Falco: bcontains and bstartswith operator support hex strings only)`);
    }
    expect(hexValueProblem('bstartswith', 'cafebab')).toMatch(/^bstartswith takes hex digits/);
  });
  it('takes hex of either case, and leaves other operators alone', () => {
    for (const value of ['7368', 'CAFEBABE', 'cafeBABE', '']) expect(hexValueProblem('bcontains', value), value).toBeUndefined();
    for (const operator of ['contains', 'startswith', '=']) expect(hexValueProblem(operator, 'xyz'), operator).toBeUndefined();
  });
});

describe('eventTypeCheckProblem: the evt.type checks Falco reads a syscall rule\'s event types from (ppm_codes.cpp)', () => {
  const NO_TRANSFORMER = 'event code search does not support `evt.type` checks with transformers';
  const problem = (condition: string): string | undefined => {
    const node = parseCondition(condition);
    return node.kind === 'check' ? eventTypeCheckProblem(node.field, node.operator, node.value) : 'not a check';
  };
  it('refuses a transformer on evt.type or syscall.type with =, ==, !=, in and exists', () => {
    expect(problem('tolower(evt.type) = execve')).toBe(`tolower(evt.type): Falco reads the event types a syscall rule needs from its evt.type checks, which take no transformer (Falco: ${NO_TRANSFORMER})`);
    for (const condition of ['toupper(syscall.type) != EXECVE', 'len(evt.type) in (6)', 'tolower(evt.type) exists', 'basename(evt.type) == execve']) expect(problem(condition), condition).toMatch(/which take no transformer/);
  });
  it('refuses a field on the right of evt.type, in Falco\'s words for evt.type there too', () => {
    expect(problem('evt.type = val(proc.name)')).toBe('evt.type compared with a field (val(proc.name)): Falco reads the event types a syscall rule needs from its evt.type checks, which take event names (Falco: right-hand field comparisons on `evt.type`/`syscall.type` checks are not supported by event code search)');
    expect(problem('evt.type = val(syscall.type)')).toBe(`evt.type compared with a field (val(syscall.type)): Falco reads the event types a syscall rule needs from its evt.type checks, which take event names (Falco: ${NO_TRANSFORMER})`);
  });
  it('leaves other operators, other fields, and evt.type on the right of another field alone', () => {
    for (const condition of ['tolower(evt.type) contains exec', 'evt.type = execve', 'evt.type in (execve, execveat)', 'tolower(proc.name) = cat', 'proc.name = val(evt.type)', 'tolower(evt.type.is.execve) = true']) {
      expect(problem(condition), condition).toBeUndefined();
    }
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

describe('the emulator refuses what Falco refuses in a check (the rule is listed as not evaluated)', () => {
  const compile = (condition: string, source?: string) => () => new ConditionCompiler(macrosAndLists({ texty: 'proc.name bcontains 7368' }), source).compile(condition);
  it('an operator the (transformed) type does not take, a transformer the type does not take, through a macro too', () => {
    expect(compile('evt.type = execve and texty')).toThrow("'bcontains' operator not supported for string filters (proc.name is CHARBUF)");
    expect(compile('len(proc.pid) > 0')).toThrow("can't add field transformer: type 'INT64' is not supported by 'len' transformer applied on field 'proc.pid'");
    expect(compile('proc.name = tolower(proc.vpid)')).toThrow("tolower() takes text, not proc.vpid (INT64)");
  });
  it('a field on the right of another type, or after pmatch', () => {
    expect(compile('proc.pid != val(proc.name)')).toThrow("field 'proc.pid' has type 'INT64' while the right-hand side field 'proc.name' has incompatible type 'CHARBUF'");
    expect(compile('proc.exepath pmatch val(proc.exepath)')).toThrow("operator 'PMATCH' doesn't support right-hand side fields");
  });
  it('a bcontains value that is not hex', () => {
    expect(compile('evt.buffer bcontains "73 68"')).toThrow('bcontains and bstartswith operator support hex strings only');
    expect(compile('evt.buffer bstartswith xyz')).toThrow('bcontains and bstartswith operator support hex strings only');
  });
  it('an evt.type check with a transformer, in a syscall rule', () => {
    expect(compile('tolower(evt.type) = execve')).toThrow('event code search does not support `evt.type` checks with transformers');
  });
  it('takes what Falco takes', () => {
    for (const condition of ['evt.buffer bcontains 7368', 'tolower(proc.name) = cat', 'len(fd.types) > 0', 'proc.pid = val(proc.ppid)', 'proc.name = tolower(proc.pname)', 'tolower(evt.type) contains exec', 'proc.name pmatch (/usr)']) {
      expect(compile(condition), condition).not.toThrow();
    }
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
    // ipv6net takes a prefix from 1 to 128: "any IPv6 address" is not ::/0 in a Falco rule.
    ['IPNET', 'fd.snet', '::/0', 'fd.snet holds a network (address/prefix, 10.0.0.0/8), not "::/0" (Falco: invalid v6 netmask 0)'],
    ['IPNET', 'fd.snet', 'fe80::', 'fd.snet holds a network (address/prefix, 10.0.0.0/8), not "fe80::" (Falco: invalid v6 netmask: fe80::)'],
    ['IPNET', 'fd.snet', '::/256', 'fd.snet holds a network (address/prefix, 10.0.0.0/8), not "::/256" (Falco: invalid v6 netmask 256)'],
    ['IPNET', 'fd.snet', '10.0.0.0/33', 'fd.snet holds a network (address/prefix, 10.0.0.0/8), not "10.0.0.0/33" (Falco: invalid netmask 33)'],
    ['IPNET', 'fd.snet', '10.0.0/8', 'fd.snet holds a network (address/prefix, 10.0.0.0/8), not "10.0.0/8" (Falco: unrecognized IP address 10.0.0/8)'],
    ['IPNET', 'fd.snet', '10.0.0.0/8x', 'fd.snet holds a network (address/prefix, 10.0.0.0/8), not "10.0.0.0/8x" (Falco: 8x is not a valid number)'],
    // inet_pton reads no zone, which node's isIPv6 takes.
    ['IPNET', 'fd.net', 'fe80::%eth0/64', 'fd.net holds a network (address/prefix, 10.0.0.0/8), not "fe80::%eth0/64" (Falco: unrecognized IPv6 address fe80::%eth0/64)'],
    ['IPADDR', 'fd.sip', 'fe80::1%eth0', 'fd.sip holds an IP address, not "fe80::1%eth0" (Falco: unrecognized IPv6 address fe80::1%eth0)'],
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
      ['IPNET', '10.0.0.0/8'], ['IPNET', '0.0.0.0/0'], ['IPNET', '10.0.0.0/32'], ['IPNET', 'fe80::/10'], ['IPNET', '::/128'], ['IPNET', '::/1'],
      // parseu8 keeps the low 8 bits of what sscanf's %u read: /288 is /32, /384 is /128, /-224 is /32.
      ['IPNET', '10.0.0.0/288'], ['IPNET', '::/384'], ['IPNET', '10.0.0.0/-224'],
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
