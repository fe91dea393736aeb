// lookupField on the syscall fields: what each kind of argument (an index, a key, required or not) accepts, the
// message for each refusal, and the dotted key form (container.label.app), which only a key field takes.
import { describe, expect, it } from 'vitest';
import { fieldsOf, lookupField, readFieldCatalog } from '../../../src/falco/field-catalog.js';

const lookup = (name: string, arg?: string) => lookupField(fieldsOf(readFieldCatalog(), 'syscall')!, { name, ...(arg !== undefined ? { arg } : {}) });
const error = (name: string, arg?: string) => {
  const found = lookup(name, arg);
  return 'error' in found ? found.error : undefined;
};

describe('lookupField', () => {
  it('a required argument: an index names 0 in its message, a key a name', () => {
    expect(error('evt.around')).toBe('evt.around needs an argument, e.g. evt.around[0]');
    expect(error('container.label')).toBe('container.label needs an argument, e.g. container.label[name]');
  });

  it('an index, required or not, must be a whole number', () => {
    expect(error('evt.around', 'x')).toBe('evt.around[x]: the argument must be a number');
    for (const arg of ['2x', 'x2']) expect(error('proc.aname', arg), arg).toBe(`proc.aname[${arg}]: the argument must be a number`);
    expect(lookup('proc.aname', '12')).toStrictEqual({ info: { type: 'CHARBUF', arg: 'index' }, name: 'proc.aname', key: '12' });
  });

  it('gives a key only when one is written', () => {
    expect(lookup('proc.aname')).toStrictEqual({ info: { type: 'CHARBUF', arg: 'index' }, name: 'proc.aname' });
  });

  it('reads a dotted key after a key field only, split at a dot, and not with a [argument] too', () => {
    expect(lookup('container.label.app')).toMatchObject({ name: 'container.label', key: 'app' });
    expect(lookup('proc.env.HOME')).toMatchObject({ name: 'proc.env', key: 'HOME' });
    for (const [name, arg] of [['proc.aname.x'], ['proc.envx.y'], ['container.label.app', '0'], ['.proc']] as [string, string?][]) {
      expect(error(name, arg), `${name}[${arg}]`).toMatch(/^unknown field /);
    }
  });
});
