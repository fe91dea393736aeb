// Collects a procedure's events and notes while the synthesis walks it: numbering, process ids, the
// files written so far (a binary dropped then run), and the cap on events. Pure.
import path from 'node:path/posix';
import type { ContextName, Emulation, Scalar } from './event.js';
import { cmdlineOf, info, makeEvent, resolveExecutable, type Proc } from './process.js';
import type { ContextSpec, EmulationTables } from './tables.js';

/** A procedure producing more events than this is cut short (and says so). */
export const MAX_EVENTS = 400;

export class Recorder {
  readonly emulation: Emulation = { events: [], unmodeled: [] };
  private nextPid = 4000;
  private readonly written = new Set<string>();
  private readonly notes = new Set<string>();

  constructor(
    readonly tables: EmulationTables,
    readonly contextName: ContextName,
    readonly context: ContextSpec,
  ) {}

  note(text: string): void {
    if (!this.notes.has(text)) {
      this.notes.add(text);
      this.emulation.unmodeled.push(text);
    }
  }

  get isFull(): boolean {
    return this.emulation.events.length >= MAX_EVENTS;
  }

  emit(proc: Proc, type: string, extra: Record<string, Scalar>, hasFd = false): void {
    if (this.isFull) return this.note(`more than ${MAX_EVENTS} events: the rest were not emulated`);
    this.emulation.events.push(makeEvent(this.emulation.events.length + 1, proc, type, this.context, this.contextName, extra, hasFd));
  }

  markWritten(file: string): void {
    this.written.add(file);
  }

  /** A forked copy of `parent` (same program, new pid). */
  fork(parent: Proc): Proc {
    return { ...parent, pid: this.nextPid++, ancestors: [info(parent), ...parent.ancestors], env: { ...parent.env } };
  }

  /** `proc` replaced by argv[0] (execve), with the execve event. */
  exec(proc: Proc, argv: string[], env: Record<string, string> = proc.env): Proc {
    const exe = argv[0] ?? '';
    const exepath = resolveExecutable(this.tables, exe, proc.cwd);
    const name = path.basename(exe);
    const args = argv.slice(1);
    const next: Proc = { ...proc, name, exe, exepath, args, cmdline: cmdlineOf(name, args), env, isExeWritten: this.written.has(exepath) };
    const flags = next.isExeWritten ? (this.contextName === 'container' ? 'EXE_WRITABLE|EXE_UPPER_LAYER' : 'EXE_WRITABLE') : '';
    this.emit(next, 'execve', {
      'evt.arg.exe': exe,
      'evt.arg.args': args.join(' '),
      'evt.arg.filename': exepath,
      'evt.arg.cwd': next.cwd,
      'evt.arg.comm': name.slice(0, 15),
      'evt.arg.pid': next.pid,
      'evt.arg.ptid': next.ancestors[0]?.pid ?? 0,
      'evt.arg.tty': this.context.tty,
      'evt.arg.uid': next.uid,
      'evt.arg.loginuid': this.context.loginuid,
      'evt.arg.flags': flags,
      'evt.arg.res': 0,
      'evt.arg.trusted_exepath': exepath,
      'evt.is_open_exec': false,
    });
    return next;
  }

  /** The process the context starts from: the last of its login chain (an interactive shell). */
  loginShell(): Proc {
    const chain = this.context.ancestors;
    let ancestors: Proc['ancestors'] = [];
    let pid = 1;
    for (const a of chain) {
      ancestors = [{ pid, name: a.name, exe: a.name, exepath: a.exepath, cmdline: a.cmdline }, ...ancestors];
      pid = pid === 1 ? 900 : pid + 1;
    }
    const [self, ...rest] = ancestors;
    const home = this.context.home;
    const env = { HOME: home, PATH: this.tables.path, USER: this.context.user, LOGNAME: this.context.user, SHELL: '/bin/bash', PWD: home, TERM: 'xterm' };
    return { ...self!, args: [], ancestors: rest, cwd: home, env, uid: this.context.uid, user: this.context.user, pgid: { pid: self!.pid, name: self!.name }, isExeWritten: false };
  }
}
