// Extracting a field from a synthetic event as Falco's filterchecks would, result by result: a value
// with its comparison type and list-ness, absent (a prefix the context cannot have, an fd field of an
// event without a descriptor, a field Falco does not have, an ancestor too far up, an unset variable, an
// evt.arg the event type lacks), or unknown (Falco would know it); proc.a* and proc.env with and without
// an argument, evt.arg/evt.rawarg by dotted name or bracket, and each transformer.
import { describe, expect, it } from 'vitest';
import type { SyntheticEvent } from '../../../src/emulate/event.js';
import { fieldExtractor, fieldInfo, type Extracted, type FieldContext } from '../../../src/emulate/field-values.js';
import { fieldsOf, readFieldCatalog } from '../../../src/falco/field-catalog.js';

const context = (): FieldContext => {
  const catalog = readFieldCatalog();
  return { fields: fieldsOf(catalog, 'syscall')!, eventParams: catalog.events };
};

const event = (over: Partial<SyntheticEvent> = {}): SyntheticEvent => ({
  num: 3,
  fields: {
    'evt.type': 'openat',
    'proc.name': 'cat',
    'proc.pid': 4001,
    'proc.exe': 'cat',
    'proc.is_exe_writable': true,
    'fd.sip': '10.0.0.9',
    'evt.arg.name': '/etc/shadow',
    'evt.arg.flags': 'O_RDONLY',
    'proc.cmdline': 'cat /ETC/Shadow',
    'container.label[a]': 'b',
  },
  ancestors: [
    { pid: 4000, name: 'sh', exe: 'sh', exepath: '/usr/bin/sh', cmdline: 'sh -c x' },
    { pid: 901, name: 'bash', exe: '-bash', exepath: '/usr/bin/bash', cmdline: 'bash' },
  ],
  env: { HOME: '/root', TERM: 'xterm' },
  absent: ['k8s.', 'container.mount'],
  hasFd: true,
  ...over,
});

/** Extracts `text` (name[arg] with transformers, outermost first) from the event. */
function extract(name: string, arg: string | undefined, transformers: string[], e: SyntheticEvent): Extracted {
  const ctx = context();
  const ref = { name, ...(arg !== undefined ? { arg } : {}), transformers, pos: { line: 1, column: 1, offset: 0 } };
  return fieldExtractor(ref, ctx, fieldInfo(ref, ctx))(e);
}
const values = (values: (string | number | boolean)[], type: string, isList = false): Extracted => ({ kind: 'values', values, type, isList } as Extracted);
const ABSENT = { kind: 'absent' };

describe('fieldExtractor', () => {
  it('plain fields: the value with the catalogue\'s type', () => {
    expect([
      extract('proc.name', undefined, [], event()),
      extract('proc.pid', undefined, [], event()),
      extract('proc.is_exe_writable', undefined, [], event()),
      extract('fd.sip', undefined, [], event()),
      extract('container.label', 'a', [], event()),
    ]).toEqual([values(['cat'], 'string'), values([4001], 'number'), values([true], 'bool'), values(['10.0.0.9'], 'ip'), values(['b'], 'string')]);
  });

  it('missing fields: absent under an absent prefix or as an fd field without a descriptor, else unknown', () => {
    expect([
      extract('k8s.ns.name', undefined, [], event()),
      extract('container.mount', 'x', [], event()),
      extract('fd.name', undefined, [], event({ hasFd: false })),
      extract('fd.name', undefined, [], event()),
      extract('proc.sname', undefined, [], event({ hasFd: false })),
      extract('proc.sname', undefined, ['toupper'], event({ hasFd: false })),
      extract('fd.name', undefined, ['toupper'], event({ hasFd: false })),
      extract('container.label', 'z', [], event()),
    ]).toEqual([ABSENT, ABSENT, ABSENT, { kind: 'unknown', field: 'fd.name' }, { kind: 'unknown', field: 'proc.sname' }, { kind: 'unknown', field: 'proc.sname' }, ABSENT, { kind: 'unknown', field: 'container.label[z]' }]);
  });

  it('a field Falco does not have is never extracted', () => {
    expect(extract('evt.argv', undefined, [], event())).toEqual(ABSENT);
    expect(extract('proc.nosuch', undefined, ['toupper'], event())).toEqual(ABSENT);
  });

  it('proc.a*: every ancestor without an argument, the process itself at [0], an ancestor at [n], absent beyond', () => {
    expect([
      extract('proc.aname', undefined, [], event()),
      extract('proc.aname', '0', [], event()),
      extract('proc.aexe', '2', [], event()),
      extract('proc.aexepath', '1', [], event()),
      extract('proc.acmdline', '1', [], event()),
      extract('proc.apid', undefined, [], event()),
      extract('proc.apid', '0', [], event()),
      extract('proc.aname', '3', [], event()),
      extract('proc.aname', undefined, [], event({ ancestors: [] })),
      extract('proc.aexepath', '0', [], event()),
      extract('proc.aexepath', '0', [], event({ absent: ['proc.'] })),
    ]).toEqual([
      values(['sh', 'bash'], 'string'),
      values(['cat'], 'string'),
      values(['-bash'], 'string'),
      values(['/usr/bin/sh'], 'string'),
      values(['sh -c x'], 'string'),
      values([4000, 901], 'number'),
      values([4001], 'number'),
      ABSENT,
      ABSENT,
      { kind: 'unknown', field: 'proc.exepath' },
      // The process's own field is looked up as a plain one, never as an fd field.
      ABSENT,
    ]);
    expect(extract('proc.aexepath', '0', [], event({ hasFd: false, absent: [] }))).toEqual({ kind: 'unknown', field: 'proc.exepath' });
  });

  it('proc.env: the whole environment, one variable, absent when unset', () => {
    expect([
      extract('proc.env', undefined, [], event()),
      extract('proc.env', 'TERM', [], event()),
      extract('proc.env', 'NOPE', [], event()),
      extract('proc.env', undefined, [], event({ env: {} })),
    ]).toEqual([values(['HOME=/root TERM=xterm'], 'string'), values(['xterm'], 'string'), ABSENT, values([''], 'string')]);
  });

  it('evt.arg and evt.rawarg: by dotted name or bracket; unknown when the event type has the parameter, else absent', () => {
    expect([
      extract('evt.arg.name', undefined, [], event()),
      extract('evt.arg', 'flags', [], event()),
      extract('evt.rawarg.name', undefined, [], event()),
      extract('evt.rawarg', 'name', [], event()),
      extract('evt.arg.mode', undefined, [], event()),
      extract('evt.arg.nosuch', undefined, [], event()),
      extract('evt.arg.mode', undefined, [], event({ fields: {} })),
    ]).toEqual([
      values(['/etc/shadow'], 'string'),
      values(['O_RDONLY'], 'string'),
      values(['/etc/shadow'], 'string'),
      values(['/etc/shadow'], 'string'),
      { kind: 'unknown', field: 'evt.arg.mode' },
      ABSENT,
      ABSENT,
    ]);
  });

  it('evt.arg[N] is by position only when N is all digits: [13] is execve\'s comm, [fd1] and [2x] are names', () => {
    const execve = event({ fields: { 'evt.type': 'execve', 'evt.arg.comm': 'cat' } });
    // pipe's parameters are res, fd1, fd2, ino; no parameter starts with a digit, so [2x] is read as a name here.
    const pipe = event({ fields: { 'evt.type': 'pipe', 'evt.arg.fd1': 3, 'evt.arg.2x': 'by name' } });
    expect([extract('evt.arg', '13', [], execve), extract('evt.arg', 'fd1', [], pipe), extract('evt.arg', '2x', [], pipe)])
      .toEqual([values(['cat'], 'string'), values([3], 'string'), values(['by name'], 'string')]);
  });

  it('transformers, innermost first: case, basename, b64 (absent when not base64), len of a value or of a list', () => {
    expect(extract('proc.aname', undefined, ['b64'], event({ ancestors: [{ pid: 2, name: 'c2g=', exe: '', exepath: '', cmdline: '' }, { pid: 1, name: 'bash!', exe: '', exepath: '', cmdline: '' }] }))).toEqual(ABSENT);
    const e = event({ fields: { ...event().fields, 'proc.cmdline': 'Y2F0', 'proc.args': 'Y2F0IA==', 'proc.exe': 'bad!', 'proc.name': 'abcde' } });
    expect([
      extract('proc.cmdline', undefined, ['toupper', 'b64'], e),
      extract('proc.args', undefined, ['b64'], e),
      extract('proc.exe', undefined, ['b64'], e),
      extract('proc.name', undefined, ['b64'], e),
      extract('proc.exepath', undefined, ['basename'], event({ fields: { 'proc.exepath': '/usr/bin/cat' } })),
      extract('proc.exepath', undefined, ['basename'], event({ fields: { 'proc.exepath': 'cat' } })),
      extract('proc.name', undefined, ['tolower'], event({ fields: { 'proc.name': 'CaT' } })),
      extract('proc.name', undefined, ['toupper', 'tolower'], event({ fields: { 'proc.name': 'CaT' } })),
      extract('proc.name', undefined, ['len'], e),
      extract('proc.aexepath', undefined, ['len'], e),
      extract('proc.apid', undefined, ['val'], e),
      extract('proc.pid', undefined, ['len', 'toupper'], e),
      extract('proc.pid', undefined, ['toupper', 'len'], e),
    ]).toEqual([
      values(['CAT'], 'string'),
      values(['cat '], 'string'),
      ABSENT,
      ABSENT,
      values(['cat'], 'string'),
      values(['cat'], 'string'),
      values(['cat'], 'string'),
      values(['CAT'], 'string'),
      values([5], 'number'),
      values([2], 'number'),
      values([4000, 901], 'number'),
      values([4], 'number'),
      values(['4'], 'string'),
    ]);
  });

  it('b64 decodes as libsinsp does (decodeWithoutPadding): padding optional, a length of 1 mod 4 or leftover bits refused (QA)', () => {
    const b64 = (text: string) => extract('proc.args', undefined, ['b64'], event({ fields: { ...event().fields, 'proc.args': text } }));
    expect(['aGVsbG8', 'aGVsbG8=', 'aGVsbG8==', 'aGk', 'aGk=', 'aA', 'aA==', '', 'AAAB'].map(b64)).toEqual(
      ['hello', 'hello', 'hello', 'hi', 'hi', 'h', 'h', '', '\u0000\u0000\u0001'].map((v) => values([v], 'string')),
    );
    // 'aGVsbG9' and 'aB' leave bits set past the last byte; 5 characters cannot be whole bytes; '=' only at the end.
    expect(['aGVsbG9', 'aGk=x', 'aB', 'aGVsb', 'aGVsbG8===', 'a=b', 'aGVs bG8'].map(b64)).toEqual(Array(7).fill(ABSENT));
  });

  it('a list field is a list unless its length is taken', () => {
    expect([
      extract('fd.types', undefined, [], event({ fields: { 'fd.types': 'file' } })),
      extract('fd.types', undefined, ['len'], event({ fields: { 'fd.types': 'file' } })),
      extract('fd.types', undefined, ['tolower'], event({ fields: { 'fd.types': 'FILE' } })),
    ]).toEqual([values(['file'], 'string', true), values([4], 'number', false), values(['file'], 'string', true)]);
  });
});

describe('fieldInfo', () => {
  it('the catalogue entry of a field, including an evt.arg with a dotted key; none for an unknown field or a bad argument', () => {
    const ctx = context();
    const ref = (name: string, arg?: string) => ({ name, ...(arg !== undefined ? { arg } : {}), transformers: [], pos: { line: 1, column: 1, offset: 0 } });
    expect([fieldInfo(ref('proc.name'), ctx), fieldInfo(ref('evt.arg.name'), ctx), fieldInfo(ref('nope.x'), ctx), fieldInfo(ref('proc.name', '1'), ctx)]).toEqual([
      { type: 'CHARBUF' },
      { type: 'CHARBUF', arg: 'key!' },
      undefined,
      undefined,
    ]);
  });
});
