// operator-types.ts's tables (the operators each kind of field takes, the numeric and IP type names, what the ordering
// operators take as a number), loaded inside each test: a module the suite already loaded would run its tables only
// at import, outside any test, where a changed table goes unseen (a test of lint --fix loads it lazily too, so Stryker
// runs its table mutants against whichever test loads it).
import { describe, expect, it, vi } from 'vitest';
import type { Operand } from '../../../src/falco/condition/ast.js';

async function fresh(): Promise<typeof import('../../../src/falco/condition/operator-types.js')> {
  vi.resetModules();
  return import('../../../src/falco/condition/operator-types.js');
}
const ref = (name: string, transformers: string[] = []) => ({ name, transformers });
const value = (text: string): Operand => ({ kind: 'value', text, isQuoted: false, pos: { offset: 0, line: 1, column: 1 } });

describe('operator-types tables', () => {
  it('each kind takes exactly its operators, and says which filters refuse the others', async () => {
    const { operatorTypeProblem } = await fresh();
    const all = ['=', '==', '!=', '<', '<=', '>', '>=', 'in', 'intersects', 'exists', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex', 'pmatch', 'bcontains', 'bstartswith'];
    const kinds: [string, string[], string][] = [
      ['INT64', ['=', '==', '!=', '<', '<=', '>', '>=', 'in', 'intersects', 'exists'], 'for numeric filters'],
      ['BOOL', ['=', '==', '!=', 'in', 'intersects', 'exists'], 'for numeric filters'],
      ['IPADDR', ['=', '==', '!=', 'in', 'intersects', 'exists'], 'for ip address and network filters'],
      ['CHARBUF', ['=', '==', '!=', '<', '<=', '>', '>=', 'in', 'intersects', 'exists', 'contains', 'icontains', 'startswith', 'endswith', 'glob', 'iglob', 'regex', 'pmatch'], 'for string filters'],
      ['BYTEBUF', ['=', '==', '!=', 'in', 'intersects', 'exists', 'contains', 'startswith', 'endswith', 'bcontains', 'bstartswith'], 'for buffer filters'],
      ['LIST(CHARBUF)', ['in', 'intersects', 'exists'], 'list filters'],
    ];
    for (const [type, accepted, what] of kinds) {
      for (const operator of all) {
        const expected = accepted.includes(operator) ? undefined : `'${operator}' operator not supported ${what} (f.x is ${type})`;
        expect(operatorTypeProblem(operator, type, ref('f.x')), `${type} ${operator}`).toBe(expected);
      }
    }
  });

  it('knows the numeric and IP types by their whole names, in any case', async () => {
    const { operatorTypeProblem } = await fresh();
    const isChecked = (type: string) => operatorTypeProblem('contains', type, ref('f.x')) !== undefined;
    for (const type of ['INT64', 'uint8', 'UINT16', 'ERRNO', 'FD', 'PID', 'SYSCALLID', 'SIGTYPE', 'RELTIME', 'ABSTIME', 'PORT', 'FLAGS8', 'ENUMFLAGS16', 'FLAGS32', 'DOUBLE', 'MODE']) {
      expect(isChecked(type), type).toBe(true);
    }
    for (const type of ['IPADDR', 'ipnet', 'IPV4ADDR', 'IPV6NET']) expect(isChecked(type), type).toBe(true);
    for (const type of ['XINT64', 'INT64X', 'INT128', 'FLAGS64', 'XIPADDR', 'IPADDRX', 'IPV5ADDR', 'CHARBUF', 'BYTEBUF']) {
      expect(isChecked(type), type).toBe(false);
    }
  });

  it('transformers: the types each takes, and what it gives', async () => {
    const { transformerProblem, transformedType } = await fresh();
    const takes: [string, string[]][] = [['tolower', ['CHARBUF', 'FSPATH', 'FSRELPATH']], ['toupper', ['CHARBUF', 'FSPATH', 'FSRELPATH']], ['basename', ['CHARBUF', 'FSPATH', 'FSRELPATH']], ['b64', ['CHARBUF', 'BYTEBUF']], ['len', ['CHARBUF', 'FSPATH', 'FSRELPATH', 'BYTEBUF']]];
    for (const [transformer, types] of takes) {
      for (const type of ['CHARBUF', 'FSPATH', 'FSRELPATH', 'BYTEBUF', 'INT64', 'UINT64', 'BOOL', 'IPADDR']) {
        expect(transformerProblem(type, ref('f.x', [transformer])) === undefined, `${transformer} ${type}`).toBe(types.includes(type));
      }
    }
    expect(transformedType('CHARBUF', ref('f.x', ['len']))).toEqual({ type: 'UINT64', isList: false });
    expect(transformedType('BYTEBUF', ref('f.x', ['len']))).toEqual({ type: 'UINT64', isList: false });
    expect(transformedType('LIST(INT64)', ref('f.x', ['len']))).toEqual({ type: 'UINT64', isList: false });
    expect(transformedType('FSPATH', ref('f.x', ['basename']))).toEqual({ type: 'FSPATH', isList: false });
  });

  it('<, <=, > and >= take the numbers libsinsp reads (decimal, signed, fraction, exponent, hex), nothing else', async () => {
    const { orderingValueProblem } = await fresh();
    for (const operator of ['<', '<=', '>', '>=']) expect(orderingValueProblem(operator, value('abc')), operator).toBe(`"${operator}" takes a number, not abc (Falco: expected a number value)`);
    expect(orderingValueProblem('=', value('abc'))).toBeUndefined();
    for (const number of ['10', '-5', '+7', '3.', '10.5', '1e+3', '2.5E-10', '0x1F', '0XaB']) expect(orderingValueProblem('<', value(number)), number).toBeUndefined();
    for (const text of ['x10', '10x', '0x', '0xG', '1e3', '1e+', '.5', '--1', '1.2.3']) expect(orderingValueProblem('<', value(text)), text).toBeDefined();
  });

  it('values: integers by their whole type names, in any case, read as sscanf reads a decimal', async () => {
    const { valueTypeProblem } = await fresh();
    const refuses = (type: string, text: string) => valueTypeProblem(type, ref('f.x'), text) !== undefined;
    for (const type of ['INT64', 'uint64', 'UINT8', 'INT16', 'Int32']) expect(refuses(type, 'abc'), type).toBe(true);
    for (const type of ['XINT64', 'INT64X', 'INT128', 'UINTX', 'INT']) expect(refuses(type, 'abc'), type).toBe(false);
    for (const text of ['5', ' 5', '+5', '-5', '007']) expect(refuses('INT64', text), text).toBe(false);
    for (const text of ['5 ', '5x', 'x5', '', '+', '1.5', '0x5', '--5']) expect(refuses('INT64', text), text).toBe(true);
  });
});
