// The recorder on its own: the login shell each context starts from (its chain of ancestors, pids,
// environment), fork (new pid, the parent first among ancestors, an environment of its own), exec (the
// execve event's every argument; a dropped binary's flags per context), notes said once, and the cap on
// events (the 400th is kept, the 401st is a note).
import { describe, expect, it } from 'vitest';
import { MAX_EVENTS, Recorder } from '../../../src/emulate/recorder.js';
import { readEmulationTables } from '../../../src/emulate/tables.js';

const recorder = (context: 'host' | 'container'): Recorder => new Recorder(readEmulationTables(), context, readEmulationTables().contexts[context]);

describe('Recorder', () => {
  it('starts on the host from the interactive bash of systemd → sshd → bash', () => {
    const login = recorder('host').loginShell();
    expect(login).toEqual({
      pid: 901,
      name: 'bash',
      exe: 'bash',
      exepath: '/usr/bin/bash',
      cmdline: 'bash',
      args: [],
      ancestors: [
        { pid: 900, name: 'sshd', exe: 'sshd', exepath: '/usr/sbin/sshd', cmdline: 'sshd: root@pts/0' },
        { pid: 1, name: 'systemd', exe: 'systemd', exepath: '/usr/lib/systemd/systemd', cmdline: 'systemd' },
      ],
      cwd: '/root',
      env: { HOME: '/root', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', USER: 'root', LOGNAME: 'root', SHELL: '/bin/bash', PWD: '/root', TERM: 'xterm' },
      uid: 0,
      user: 'root',
      pgid: { pid: 901, name: 'bash' },
      isExeWritten: false,
    });
  });

  it('starts in a container from the bash under containerd-shim', () => {
    const login = recorder('container').loginShell();
    expect([login.pid, login.name, login.ancestors.map((a) => `${a.pid} ${a.name}`), login.pgid]).toEqual([900, 'bash', ['1 containerd-shim'], { pid: 900, name: 'bash' }]);
  });

  it('fork gives a new pid from 4000 up, the parent as first ancestor and a copy of its environment', () => {
    const rec = recorder('host');
    const login = rec.loginShell();
    const a = rec.fork(login);
    const b = rec.fork(a);
    expect([a.pid, b.pid, b.ancestors.map((x) => x.pid), b.name, b.cwd]).toEqual([4000, 4001, [4000, 901, 900, 1], 'bash', '/root']);
    b.env.X = '1';
    expect([a.env.X, login.env.X]).toEqual([undefined, undefined]);
    expect(rec.emulation).toEqual({ events: [], unmodeled: [] });
  });

  it('exec replaces the program and emits the execve with every argument', () => {
    const rec = recorder('host');
    const child = rec.fork(rec.loginShell());
    const next = rec.exec({ ...child, cwd: '/tmp' }, ['/opt/a-very-long-tool-name', '-x', 'y'], { K: 'v' });
    expect([next.name, next.exe, next.exepath, next.args, next.cmdline, next.env, next.isExeWritten, next.pid]).toEqual(['a-very-long-tool-name', '/opt/a-very-long-tool-name', '/opt/a-very-long-tool-name', ['-x', 'y'], 'a-very-long-tool-name -x y', { K: 'v' }, false, 4000]);
    const event = rec.emulation.events[0]!;
    const args = Object.fromEntries(Object.entries(event.fields).filter(([k]) => k.startsWith('evt.arg.')));
    expect(args).toEqual({
      'evt.arg.exe': '/opt/a-very-long-tool-name',
      'evt.arg.args': '-x y',
      'evt.arg.filename': '/opt/a-very-long-tool-name',
      'evt.arg.cwd': '/tmp',
      'evt.arg.comm': 'a-very-long-too',
      'evt.arg.pid': 4000,
      'evt.arg.ptid': 901,
      'evt.arg.tty': 34816,
      'evt.arg.uid': 0,
      'evt.arg.loginuid': 0,
      'evt.arg.flags': '',
      'evt.arg.res': 0,
      'evt.arg.trusted_exepath': '/opt/a-very-long-tool-name',
    });
    expect([event.num, event.fields['evt.type'], event.fields['evt.is_open_exec'], event.hasFd, event.env]).toEqual([1, 'execve', false, false, { K: 'v' }]);
    // Without an environment given, the process keeps its own; an empty argv runs nothing by name.
    const kept = rec.exec(next, []);
    expect([kept.env, kept.name, kept.exe, kept.exepath, rec.emulation.events[1]!.fields['evt.arg.ptid']]).toEqual([{ K: 'v' }, '', '', '/usr/bin/', 901]);
  });

  it('a binary written earlier is exec\'d as writable, and in a container from the upper layer; an orphan has no ptid', () => {
    for (const [context, flags] of [['host', 'EXE_WRITABLE'], ['container', 'EXE_WRITABLE|EXE_UPPER_LAYER']] as const) {
      const rec = recorder(context);
      const login = rec.loginShell();
      rec.markWritten('/tmp/x');
      const next = rec.exec({ ...login, ancestors: [] }, ['/tmp/x']);
      expect([next.isExeWritten, rec.emulation.events[0]!.fields['evt.arg.flags'], rec.emulation.events[0]!.fields['evt.arg.ptid']]).toEqual([true, flags, 0]);
      expect(rec.exec(login, ['/tmp/y']).isExeWritten).toBe(false);
    }
  });

  it('says each note once, in order', () => {
    const rec = recorder('host');
    rec.note('b');
    rec.note('a');
    rec.note('b');
    expect(rec.emulation.unmodeled).toEqual(['b', 'a']);
  });

  it('keeps 400 events and notes (once) that the rest were not emulated', () => {
    const rec = recorder('host');
    const login = rec.loginShell();
    for (let i = 0; i < MAX_EVENTS - 1; i++) rec.emit(login, 'read', {});
    expect([rec.isFull, rec.emulation.unmodeled]).toEqual([false, []]);
    rec.emit(login, 'write', { 'evt.arg.fd': 1 }, true);
    const last = rec.emulation.events[MAX_EVENTS - 1]!;
    expect([rec.isFull, rec.emulation.events.length, last.num, last.fields['evt.type'], last.fields['evt.arg.fd'], last.hasFd]).toEqual([true, 400, 400, 'write', 1, true]);
    rec.emit(login, 'read', {});
    rec.emit(login, 'read', {});
    expect([rec.emulation.events.length, rec.emulation.unmodeled]).toEqual([400, ['more than 400 events: the rest were not emulated']]);
    expect(MAX_EVENTS).toBe(400);
  });
});
