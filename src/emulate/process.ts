// Processes as the synthesis tracks them and the events they emit: the fields Falco's thread table and
// event parsers would fill (proc.*, user.*, group.*, container.*, evt.*). Pure.
import path from 'node:path/posix';
import type { ContextName, ProcessInfo, Scalar, SyntheticEvent } from './event.js';
import type { ContextSpec, EmulationTables } from './tables.js';

export interface Proc extends ProcessInfo {
  args: string[];
  /** Parent first. */
  ancestors: ProcessInfo[];
  cwd: string;
  env: Record<string, string>;
  uid: number;
  user: string;
  /** Process group leader (the executor's shell, as the interactive shell made it a job). */
  pgid: { pid: number; name: string };
  /** The executable was written earlier in the procedure (a dropped binary). */
  isExeWritten: boolean;
}

/** Fields no event of this context can have (checks on them are false). */
const ABSENT: Record<ContextName, string[]> = {
  host: ['k8s.', 'container.mount', 'container.label', 'container.healthcheck', 'container.liveness_probe', 'container.readiness_probe', 'container.cni'],
  container: [],
};

export function info(proc: Proc): ProcessInfo {
  return { pid: proc.pid, name: proc.name, exe: proc.exe, exepath: proc.exepath, cmdline: proc.cmdline };
}

/** Where argv[0] resolves: as written when it has a slash, else through the PATH table. */
export function resolveExecutable(tables: EmulationTables, argv0: string, cwd: string): string {
  if (argv0.includes('/')) return path.resolve(cwd, argv0);
  return `${tables.locations.get(argv0) ?? '/usr/bin'}/${argv0}`;
}

export function cmdlineOf(name: string, args: string[]): string {
  return [name, ...args].join(' ');
}

function containerFields(context: ContextSpec): Record<string, Scalar> {
  const isHost = context.containerId === 'host';
  return {
    'container.id': context.containerId,
    'container.full_id': isHost ? 'host' : context.containerId.padEnd(64, '0'),
    'container.name': context.containerName ?? 'host',
    'container.image': context.image ?? '',
    'container.image.repository': context.repository ?? '',
    'container.image.tag': context.tag ?? '',
    'container.type': isHost ? '' : 'docker',
    'container.privileged': false,
    'container.host_pid': false,
    'container.host_network': false,
    'container.host_ipc': false,
  };
}

function processFields(proc: Proc, context: ContextSpec): Record<string, Scalar> {
  const parent = proc.ancestors[0];
  return {
    'proc.name': proc.name,
    'proc.exe': proc.exe,
    'proc.exepath': proc.exepath,
    'proc.cmdline': proc.cmdline,
    'proc.args': proc.args.join(' '),
    'proc.cmdnargs': proc.args.length,
    'proc.cmdlenargs': proc.args.join(' ').length,
    'proc.pid': proc.pid,
    'proc.vpid': proc.pid,
    'proc.ppid': parent?.pid ?? 0,
    'proc.pname': parent?.name ?? '',
    'proc.pexe': parent?.exe ?? '',
    'proc.pexepath': parent?.exepath ?? '',
    'proc.pcmdline': parent?.cmdline ?? '',
    'proc.cwd': proc.cwd.endsWith('/') ? proc.cwd : `${proc.cwd}/`,
    'proc.tty': context.tty,
    'proc.vpgid': proc.pgid.pid,
    'proc.vpgid.name': proc.pgid.name,
    'proc.is_vpgid_leader': proc.pgid.pid === proc.pid,
    'proc.is_exe_writable': proc.isExeWritten,
    'proc.is_exe_upper_layer': proc.isExeWritten && context.containerId !== 'host',
    'proc.is_exe_from_memfd': false,
    'proc.is_container_healthcheck': false,
    'proc.is_container_liveness_probe': false,
    'proc.is_container_readiness_probe': false,
    'thread.tid': proc.pid,
    'thread.vtid': proc.pid,
    'user.uid': proc.uid,
    'user.name': proc.user,
    'user.loginuid': context.loginuid,
    'user.loginname': context.loginuid === -1 ? '' : context.user,
    'user.homedir': proc.uid === 0 ? '/root' : `/home/${proc.user}`,
    'user.shell': '/bin/bash',
    'group.gid': proc.uid,
    'group.name': proc.user,
  };
}

/** One event of `type` made by `proc`, with the given extra fields. */
export function makeEvent(num: number, proc: Proc, type: string, context: ContextSpec, contextName: ContextName, extra: Record<string, Scalar>, hasFd: boolean): SyntheticEvent {
  const fields: Record<string, Scalar> = {
    'evt.num': num,
    'evt.type': type,
    'evt.dir': '<',
    'evt.hostname': context.hostname,
    'evt.res': 'SUCCESS',
    'evt.rawres': 0,
    'evt.failed': false,
    'evt.is_open_read': false,
    'evt.is_open_write': false,
    'evt.is_open_exec': false,
    'evt.is_open_create': false,
    'evt.category': type === 'execve' ? 'process' : hasFd ? 'file' : 'other',
    'evt.source': 'syscall',
    ...processFields(proc, context),
    ...containerFields(context),
    ...extra,
  };
  return { num, fields, ancestors: proc.ancestors, env: proc.env, absent: ABSENT[contextName], hasFd };
}
