// The fields one synthetic event carries, checked whole: every proc.*, user.*, group.*, container.* and
// evt.* value makeEvent fills for a process on the host and in a container (parent or none, root or a
// user, a dropped binary), where argv[0] resolves, and what an event of each context cannot have.
import { describe, expect, it } from 'vitest';
import { cmdlineOf, info, makeEvent, resolveExecutable, type Proc } from '../../../src/emulate/process.js';
import { readEmulationTables } from '../../../src/emulate/tables.js';

const proc = (over: Partial<Proc> = {}): Proc => ({
  pid: 4001,
  name: 'cat',
  exe: 'cat',
  exepath: '/usr/bin/cat',
  cmdline: 'cat /etc/shadow',
  args: ['/etc/shadow', '-n'],
  ancestors: [{ pid: 4000, name: 'sh', exe: 'sh', exepath: '/usr/bin/sh', cmdline: 'sh -c x' }],
  cwd: '/root',
  env: { HOME: '/root' },
  uid: 0,
  user: 'root',
  pgid: { pid: 4000, name: 'sh' },
  isExeWritten: false,
  ...over,
});

describe('makeEvent', () => {
  it('fills every field of a host event from the process, its parent and the context', () => {
    const context = readEmulationTables().contexts.host;
    const p = proc();
    const event = makeEvent(7, p, 'openat', context, 'host', { 'evt.arg.name': '/etc/shadow', 'proc.tty': 1 }, true);
    expect(event).toEqual({
      num: 7,
      ancestors: p.ancestors,
      env: { HOME: '/root' },
      absent: ['k8s.', 'container.mount', 'container.label', 'container.healthcheck', 'container.liveness_probe', 'container.readiness_probe', 'container.cni'],
      hasFd: true,
      fields: {
        'evt.num': 7,
        'evt.type': 'openat',
        'evt.dir': '<',
        'evt.hostname': 'attack-cov-host',
        'evt.res': 'SUCCESS',
        'evt.rawres': 0,
        'evt.failed': false,
        'evt.is_open_read': false,
        'evt.is_open_write': false,
        'evt.is_open_exec': false,
        'evt.is_open_create': false,
        'evt.category': 'file',
        'evt.source': 'syscall',
        'proc.name': 'cat',
        'proc.exe': 'cat',
        'proc.exepath': '/usr/bin/cat',
        'proc.cmdline': 'cat /etc/shadow',
        'proc.args': '/etc/shadow -n',
        'proc.cmdnargs': 2,
        'proc.cmdlenargs': 14,
        'proc.pid': 4001,
        'proc.vpid': 4001,
        'proc.ppid': 4000,
        'proc.pname': 'sh',
        'proc.pexe': 'sh',
        'proc.pexepath': '/usr/bin/sh',
        'proc.pcmdline': 'sh -c x',
        'proc.cwd': '/root/',
        // The extra fields win over the ones the process gives.
        'proc.tty': 1,
        'proc.vpgid': 4000,
        'proc.vpgid.name': 'sh',
        'proc.is_vpgid_leader': false,
        'proc.is_exe_writable': false,
        'proc.is_exe_upper_layer': false,
        'proc.is_exe_from_memfd': false,
        'proc.is_container_healthcheck': false,
        'proc.is_container_liveness_probe': false,
        'proc.is_container_readiness_probe': false,
        'thread.tid': 4001,
        'thread.vtid': 4001,
        'user.uid': 0,
        'user.name': 'root',
        'user.loginuid': 0,
        'user.loginname': 'root',
        'user.homedir': '/root',
        'user.shell': '/bin/bash',
        'group.gid': 0,
        'group.name': 'root',
        'container.id': 'host',
        'container.full_id': 'host',
        'container.name': 'host',
        'container.image': '',
        'container.image.repository': '',
        'container.image.tag': '',
        'container.type': '',
        'container.privileged': false,
        'container.host_pid': false,
        'container.host_network': false,
        'container.host_ipc': false,
        'evt.arg.name': '/etc/shadow',
      },
    });
  });

  it('in a container: the container fields, no login user, a dropped binary in the upper layer; a leader with no parent', () => {
    const context = readEmulationTables().contexts.container;
    const p = proc({ ancestors: [], uid: 1000, user: 'alice', cwd: '/tmp/', pgid: { pid: 4001, name: 'cat' }, isExeWritten: true });
    const event = makeEvent(1, p, 'connect', context, 'container', {}, false);
    expect(event.absent).toEqual([]);
    expect(event.hasFd).toBe(false);
    const pick = (prefix: string): Record<string, unknown> => Object.fromEntries(Object.entries(event.fields).filter(([k]) => k.startsWith(prefix)));
    expect(pick('container.')).toEqual({
      'container.id': '3ad5f2c1e0b7',
      'container.full_id': '3ad5f2c1e0b70000000000000000000000000000000000000000000000000000',
      'container.name': 'attack-cov-emulation',
      'container.image': 'docker.io/attack-cov/emulation:latest',
      'container.image.repository': 'docker.io/attack-cov/emulation',
      'container.image.tag': 'latest',
      'container.type': 'docker',
      'container.privileged': false,
      'container.host_pid': false,
      'container.host_network': false,
      'container.host_ipc': false,
    });
    expect(pick('user.')).toEqual({ 'user.uid': 1000, 'user.name': 'alice', 'user.loginuid': -1, 'user.loginname': '', 'user.homedir': '/home/alice', 'user.shell': '/bin/bash' });
    expect(pick('group.')).toEqual({ 'group.gid': 1000, 'group.name': 'alice' });
    expect([event.fields['proc.ppid'], event.fields['proc.pname'], event.fields['proc.pexe'], event.fields['proc.pexepath'], event.fields['proc.pcmdline']]).toEqual([0, '', '', '', '']);
    expect([event.fields['proc.cwd'], event.fields['proc.tty'], event.fields['evt.hostname'], event.fields['evt.category']]).toEqual(['/tmp/', 34817, '3ad5f2c1e0b7', 'other']);
    expect([event.fields['proc.is_vpgid_leader'], event.fields['proc.is_exe_writable'], event.fields['proc.is_exe_upper_layer']]).toEqual([true, true, true]);
  });

  it('an execve is a process event; a written binary on the host is writable but not in an upper layer', () => {
    const context = readEmulationTables().contexts.host;
    const event = makeEvent(2, proc({ isExeWritten: true }), 'execve', context, 'host', {}, true);
    expect([event.fields['evt.category'], event.fields['proc.is_exe_writable'], event.fields['proc.is_exe_upper_layer']]).toEqual(['process', true, false]);
  });
});

describe('processes', () => {
  it('resolves argv[0] through the PATH table, or as a path from the working directory', () => {
    const tables = readEmulationTables();
    expect([resolveExecutable(tables, 'shutdown', '/tmp'), resolveExecutable(tables, 'no-such-tool', '/tmp'), resolveExecutable(tables, './x', '/tmp'), resolveExecutable(tables, '/bin/ls', '/tmp')]).toEqual([
      '/usr/sbin/shutdown',
      '/usr/bin/no-such-tool',
      '/tmp/x',
      '/bin/ls',
    ]);
  });

  it('the command line joins name and arguments; info keeps what the thread table shows of an ancestor', () => {
    expect([cmdlineOf('ls', ['-l', '/tmp']), cmdlineOf('id', [])]).toEqual(['ls -l /tmp', 'id']);
    expect(info(proc())).toEqual({ pid: 4001, name: 'cat', exe: 'cat', exepath: '/usr/bin/cat', cmdline: 'cat /etc/shadow' });
  });
});
