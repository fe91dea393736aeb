// What operator-types.ts decides that the last mutation run found untested: list types read from the whole catalogue
// name; the words each transformer's refusal uses; a type outside libsinsp's comparison table not taken for a byte
// buffer; val() not counted as a transformer; the operator names libsinsp's right-hand field refusal uses; which
// types are networks (PT_IPNET, PT_IPV4NET, PT_IPV6NET); evt.type with an argument, which the event code search
// (ppm_codes.cpp) does not read event types from; and a network prefix read as libsinsp's parseu8 reads it (sscanf
// "%u": strtoul, which clamps past 64 bits and negates a sign in unsigned arithmetic, then the low 8 bits).
// The module is loaded inside each test (as in operator-types-load.test.ts): its tables and constants run at import,
// and a change to them is only seen by a test that imports it.
import { describe, expect, it, vi } from 'vitest';
import type { FieldRef, Operand } from '../../../src/falco/condition/ast.js';

async function fresh(): Promise<typeof import('../../../src/falco/condition/operator-types.js')> {
  vi.resetModules();
  return import('../../../src/falco/condition/operator-types.js');
}
const pos = { offset: 0, line: 1, column: 1 };
const ref = (name: string, transformers: string[] = [], arg?: string): Pick<FieldRef, 'name' | 'arg' | 'transformers'> => ({ name, transformers, ...(arg === undefined ? {} : { arg }) });
const value = (text: string): Operand => ({ kind: 'value', text, isQuoted: false, pos });
const field = (name: string, transformers: string[], arg?: string): Operand => ({ kind: 'field', field: { ...ref(name, transformers, arg), pos } });
const typed = (type: string, name: string, transformers: string[] = ['val']) => ({ type, ref: ref(name, transformers) });

describe('catalogue types', () => {
  it('a list type is LIST(…) or "… (list)" as the whole name, in any case, and nothing that only holds one', async () => {
    const { falcoType } = await fresh();
    expect(falcoType('list(uint64)')).toEqual({ type: 'UINT64', isList: true });
    expect(falcoType('String (List)')).toEqual({ type: 'CHARBUF', isList: true });
    expect(falcoType('XLIST(CHARBUF)')).toEqual({ type: 'XLIST(CHARBUF)', isList: false });
    expect(falcoType('LIST(CHARBUF)X')).toEqual({ type: 'LIST(CHARBUF)X', isList: false });
    expect(falcoType('string (list)x')).toEqual({ type: 'STRING (LIST)X', isList: false });
    // The name is read whole across a line break too: its last line alone is not the type.
    expect(falcoType('x\nstring (list)')).toEqual({ type: 'X\nSTRING (LIST)', isList: false });
  });

  it('a type libsinsp has no comparison for (its flt_is_comparable default) is not refused as a byte buffer', async () => {
    const { operatorTypeProblem } = await fresh();
    // libsinsp refuses these with "'glob' operator not supported for type 'SOCKADDR'", never as a buffer.
    for (const operator of ['glob', 'regex', '<']) expect(operatorTypeProblem(operator, 'SOCKADDR', ref('f.x')) ?? '', operator).not.toMatch(/buffer filters/);
  });

  it('val() is no transformer: the refusal names the field\'s type as the catalogue writes it', async () => {
    const { operatorTypeProblem } = await fresh();
    expect(operatorTypeProblem('contains', 'uint64', ref('ct.x', ['val']))).toBe("'contains' operator not supported for numeric filters (ct.x is uint64)");
    expect(operatorTypeProblem('startswith', 'string (list)', ref('ka.x', ['val']))).toBe("'startswith' operator not supported list filters (ka.x is string (list))");
  });
});

describe('transformers (sinsp_filter_transformer.cpp transform_type)', () => {
  it('each refusal says what the transformer takes', async () => {
    const { transformerProblem } = await fresh();
    for (const name of ['tolower', 'toupper', 'basename']) expect(transformerProblem('INT64', ref('proc.pid', [name])), name).toMatch(new RegExp(`^${name}\\(\\) takes text, not proc\\.pid \\(INT64\\) \\(Falco: `));
    expect(transformerProblem('INT64', ref('proc.pid', ['b64']))).toMatch(/^b64\(\) takes text or a buffer, not proc\.pid \(INT64\) \(Falco: /);
    expect(transformerProblem('INT64', ref('proc.pid', ['len']))).toMatch(/^len\(\) takes text, a buffer or a list, not proc\.pid \(INT64\) \(Falco: /);
  });
});

describe('a field on the right (sinsp_filter_check::add_filter_value)', () => {
  it('pmatch and regex refuse one, named as libsinsp names the operator', async () => {
    const { fieldValueProblem } = await fresh();
    expect(fieldValueProblem('pmatch', typed('CHARBUF', 'proc.exepath', []), typed('CHARBUF', 'proc.exepath'))).toBe("pmatch compares with values, not with a field (val(proc.exepath)) (Falco: operator 'PMATCH' doesn't support right-hand side fields)");
    expect(fieldValueProblem('regex', typed('CHARBUF', 'proc.name', []), typed('CHARBUF', 'proc.pname'))).toBe("regex compares with values, not with a field (val(proc.pname)) (Falco: operator 'REGEX' doesn't support right-hand side fields)");
  });

  it('a network on the left refuses one: IPNET, IPV4NET and IPV6NET, and no type that only holds such a name', async () => {
    const { fieldValueProblem } = await fresh();
    for (const type of ['IPNET', 'IPV4NET', 'IPV6NET']) {
      expect(fieldValueProblem('=', typed(type, 'x.net', []), typed(type, 'y.net')), type).toBe("x.net is a network, which compares with values, not with a field (val(y.net)) (Falco: field type 'IPNET' doesn't support right-hand side fields)");
    }
    for (const type of ['XIPNET', 'IPNETX', 'IPV5NET']) expect(fieldValueProblem('=', typed(type, 'x.net', []), typed(type, 'y.net')), type).toBeUndefined();
  });
});

describe('evt.type checks the event code search reads (ppm_codes.cpp: evt.type or syscall.type, without an argument)', () => {
  const NO_TRANSFORMER = 'event code search does not support `evt.type` checks with transformers';
  it('refuses a transformer on evt.type and on syscall.type', async () => {
    const { eventTypeCheckProblem } = await fresh();
    expect(eventTypeCheckProblem(ref('evt.type', ['tolower']), '=', value('execve'))).toBe(`tolower(evt.type): Falco reads the event types a syscall rule needs from its evt.type checks, which take no transformer (Falco: ${NO_TRANSFORMER})`);
    expect(eventTypeCheckProblem(ref('syscall.type', ['toupper']), 'in', value('EXECVE'))).toBe(`toupper(syscall.type): Falco reads the event types a syscall rule needs from its syscall.type checks, which take no transformer (Falco: ${NO_TRANSFORMER})`);
  });

  it('evt.type with an argument is not read for event types: a transformer on it is not refused', async () => {
    const { eventTypeCheckProblem } = await fresh();
    expect(eventTypeCheckProblem(ref('evt.type', ['tolower'], '1'), '=', value('execve'))).toBeUndefined();
    expect(eventTypeCheckProblem(ref('syscall.type', ['toupper'], 'x'), '!=', value('EXECVE'))).toBeUndefined();
  });

  it('evt.type with an argument on the right is a field like any other, not evt.type under a transformer', async () => {
    const { eventTypeCheckProblem } = await fresh();
    expect(eventTypeCheckProblem(ref('evt.type'), '=', field('evt.type', ['val'], '1'))).toBe(
      'evt.type compared with a field (val(evt.type[1])): Falco reads the event types a syscall rule needs from its evt.type checks, which take event names (Falco: right-hand field comparisons on `evt.type`/`syscall.type` checks are not supported by event code search)',
    );
  });
});

describe('network prefixes as parseu8 reads them (sscanf "%u" through strtoul, then the low 8 bits)', () => {
  const refusal = (network: string, mask: string, isV4 = true) => `fd.snet holds a network (address/prefix, 10.0.0.0/8), not ${JSON.stringify(network)} (Falco: invalid ${isV4 ? '' : 'v6 '}netmask ${mask})`;

  it('a negative prefix is 2^64 less its magnitude: /-224 is /32, /-223 is /33', async () => {
    const { valueTypeProblem } = await fresh();
    expect(valueTypeProblem('IPNET', ref('fd.snet'), '10.0.0.0/-224')).toBeUndefined();
    expect(valueTypeProblem('IPNET', ref('fd.snet'), '10.0.0.0/-223')).toBe(refusal('10.0.0.0/-223', '-223'));
    expect(valueTypeProblem('IPNET', ref('fd.snet'), '::/-128')).toBeUndefined();
    expect(valueTypeProblem('IPNET', ref('fd.snet'), '::/-127')).toBe(refusal('::/-127', '-127', false));
  });

  it('a magnitude past 64 bits is clamped to ULONG_MAX (/255) whatever its sign; one of 64 bits is not', async () => {
    const { valueTypeProblem } = await fresh();
    // 2^64 and 2^64 + 1: ULONG_MAX, 255 in 8 bits, where the number itself would leave 0 or 1 (or -1).
    for (const mask of ['18446744073709551616', '18446744073709551617', '-18446744073709551617']) {
      expect(valueTypeProblem('IPNET', ref('fd.snet'), `10.0.0.0/${mask}`), mask).toBe(refusal(`10.0.0.0/${mask}`, mask));
    }
    // -ULONG_MAX fits: strtoul negates it, 1.
    expect(valueTypeProblem('IPNET', ref('fd.snet'), '10.0.0.0/-18446744073709551615')).toBeUndefined();
    expect(valueTypeProblem('IPNET', ref('fd.snet'), '::/-18446744073709551615')).toBeUndefined();
    // ULONG_MAX itself: 255.
    expect(valueTypeProblem('IPNET', ref('fd.snet'), '10.0.0.0/18446744073709551615')).toBe(refusal('10.0.0.0/18446744073709551615', '18446744073709551615'));
  });

  it('white space before the number is what isspace() takes in the C locale: ASCII, not a no-break or ideographic space', async () => {
    const { valueTypeProblem } = await fresh();
    expect(valueTypeProblem('IPNET', ref('fd.snet'), '10.0.0.0/\t 8')).toBeUndefined();
    expect(valueTypeProblem('IPNET', ref('fd.snet'), '10.0.0.0/\v\f\r\n8')).toBeUndefined();
    for (const space of ['\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028']) {
      // parseu8's sscanf fails on it: "<prefix> is not a valid number", as for any prefix that is no number.
      expect(valueTypeProblem('IPNET', ref('fd.snet'), `10.0.0.0/${space}8`), JSON.stringify(space)).toMatch(/\(Falco: .8 is not a valid number\)$/s);
      expect(valueTypeProblem('INT64', ref('evt.res'), `${space}5`), JSON.stringify(space)).toMatch(/is not a valid number\)$/);
    }
    expect(valueTypeProblem('INT64', ref('evt.res'), ' \t-5')).toBeUndefined();
  });
});
