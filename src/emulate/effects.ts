// What one utility does once exec'd, from the tables in data/emulation.yaml: shells run their script
// (-c, a heredoc or piped text), wrappers (sudo, env, timeout…) exec the command they wrap, and
// utilities open, write, delete, rename, chmod or link their file operands, connect to the address they
// name, or make the syscall they are known for. Pure.
import path from 'node:path/posix';
import { connectEvents } from './network.js';
import type { Proc } from './process.js';
import type { Shell, Synthesizer } from './synthesize.js';
import type { FileAction } from './tables.js';

/** Non-option words, skipping the values of options listed in `valued`; `--` ends the options. */
// Stryker disable next-line ArrayDeclaration: a default of ['Stryker was here'] only skips the word after an argument written so, and no command has one
export function operands(args: string[], valued: string[] = []): string[] {
  const out: string[] = [];
  let isOptionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (isOptionsDone) out.push(arg);
    else if (arg === '--') isOptionsDone = true;
    // Checked before the dash: a shell's +o takes a value too.
    else if (valued.includes(arg)) i++;
    else if (!arg.startsWith('-') || arg === '-') out.push(arg);
  }
  return out;
}

export function optionValue(args: string[], option: string): string | undefined {
  const i = args.indexOf(option);
  if (i >= 0) return args[i + 1];
  // -oFILE: only a one-letter option is glued to its value (an exact -o was found above).
  const joined = args.find((a) => a.startsWith(`${option}=`) || (option.length === 2 && a.startsWith(option)));
  return joined?.slice(joined.startsWith(`${option}=`) ? option.length + 1 : option.length);
}

function hasFlag(args: string[], flag: string): boolean {
  if (flag.startsWith('--')) return args.includes(flag);
  return args.some((a) => /^-[a-zA-Z]+$/.test(a) && a.includes(flag.slice(1)));
}

function pick(words: string[], which: FileAction['args']): string[] {
  switch (which) {
    case 'first':
      return words.slice(0, 1);
    case 'second':
      return words.slice(1, 2);
    case 'last':
      return words.slice(-1);
    case 'butLast':
      return words.slice(0, -1);
    case 'butFirst':
      return words.slice(1);
    default:
      return words;
  }
}

function runShell(synth: Synthesizer, proc: Proc, args: string[], parent: Shell, stdin?: string): string | undefined {
  const shell: Shell = { proc, vars: new Map(), functions: new Map(), depth: parent.depth + 1 };
  const c = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
  if (c >= 0 && args[c + 1] !== undefined) return synth.runScript(args[c + 1]!, shell), undefined;
  const script = operands(args, ['-o', '+o', '-O'])[0];
  if (script) {
    synth.openFile(proc, script, 'read');
    synth.rec.note(`${proc.name} ${script}: the script file's commands are not known`);
  } else if (stdin !== undefined) synth.runScript(stdin, shell);
  else synth.rec.note(`${proc.name} reads commands from standard input, which is not known`);
  return undefined;
}

function wrappedCommand(synth: Synthesizer, name: string, args: string[]): string[] | undefined {
  const spec = synth.tables.wrappers[name];
  if (!spec) return undefined;
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-')) i += spec.value?.includes(args[i]!) ? 2 : 1;
  // env A=1 cmd: past the last argument, String(undefined) is no assignment either.
  if (spec.skipAssignments) while (/^[A-Za-z_][A-Za-z0-9_]*=/.test(String(args[i]))) i++;
  i += spec.positional ?? 0;
  return args.slice(i);
}

function runWrapper(synth: Synthesizer, proc: Proc, inner: string[], parent: Shell, stdin?: string): string | undefined {
  const name = proc.name;
  if (inner.length === 0) return undefined;
  const child = synth.rec.fork(name === 'sudo' ? { ...proc, uid: 0, user: 'root' } : proc);
  return runUtility(synth, synth.rec.exec(child, inner), inner, parent, stdin);
}

function fileEvents(synth: Synthesizer, proc: Proc, actions: FileAction[], args: string[]): void {
  // Stryker disable next-line ArrayDeclaration: ['Stryker was here'] for an action without value options only skips the word after an argument written so, and no command has one
  const valued = actions.flatMap((a) => a.value ?? []);
  const words = operands(args, valued);
  for (const action of actions) {
    if (action.when && !hasFlag(args, action.when)) continue;
    // dd, tar and ln read their whole command line: once per command, not once per operand.
    if (action.op === 'dd') ddEvents(synth, proc, args);
    else if (action.op === 'tar') tarEvents(synth, proc, args, words);
    else if (action.op === 'link') linkEvent(synth, proc, words, hasFlag(args, '-s'));
    else {
      const targets = action.path ? [action.path] : action.option ? [optionValue(args, action.option)].filter((t): t is string => !!t && t !== '-') : pick(words, action.args).filter((t) => t !== '-');
      for (const target of targets) fileEvent(synth, proc, action.op, target + (action.suffix ?? ''), words);
    }
  }
}

function fileEvent(synth: Synthesizer, proc: Proc, op: string, target: string, words: string[]): void {
  const full = path.resolve(proc.cwd, target);
  const rec = synth.rec;
  switch (op) {
    case 'read':
    case 'write':
    case 'append':
    case 'create':
    case 'truncate':
      return synth.openFile(proc, target, op);
    case 'delete':
      return rec.emit(proc, 'unlinkat', { 'evt.arg.name': target, 'evt.arg.dirfd': -100, 'evt.arg.flags': 0, 'evt.arg.res': 0 });
    case 'rmdir':
      return rec.emit(proc, 'unlinkat', { 'evt.arg.name': target, 'evt.arg.dirfd': -100, 'evt.arg.flags': 'AT_REMOVEDIR', 'evt.arg.res': 0 });
    case 'mkdir':
      return rec.emit(proc, 'mkdirat', { 'evt.arg.path': full, 'evt.arg.dirfd': -100, 'evt.arg.mode': 511, 'evt.arg.res': 0 });
    case 'rename': {
      const destination = words[words.length - 1]!;
      return rec.emit(proc, 'renameat2', { 'evt.arg.oldpath': full, 'evt.arg.newpath': path.resolve(proc.cwd, destination), 'evt.arg.olddirfd': -100, 'evt.arg.newdirfd': -100, 'evt.arg.flags': 0, 'evt.arg.res': 0 });
    }
    case 'chmod':
      return rec.emit(proc, 'fchmodat', { 'evt.arg.filename': full, 'evt.arg.mode': words[0]!, 'evt.arg.dirfd': -100, 'evt.arg.res': 0 });
    case 'chown':
      return rec.emit(proc, 'fchownat', { 'evt.arg.pathname': full, 'evt.arg.dirfd': -100, 'evt.arg.res': 0 });
  }
}

function ddEvents(synth: Synthesizer, proc: Proc, args: string[]): void {
  for (const arg of args) if (/^(if|of)=/.test(arg)) synth.openFile(proc, arg.slice(3), arg.startsWith('if') ? 'read' : 'write');
}

function linkEvent(synth: Synthesizer, proc: Proc, words: string[], isSymbolic: boolean): void {
  // ln [-s] TARGET LINK: one event for the pair.
  if (words.length < 2) return;
  const link = path.resolve(proc.cwd, words[1]!);
  if (isSymbolic) synth.rec.emit(proc, 'symlinkat', { 'evt.arg.target': words[0]!, 'evt.arg.linkpath': link, 'evt.arg.linkdirfd': -100, 'evt.arg.res': 0 });
  else synth.rec.emit(proc, 'linkat', { 'evt.arg.oldpath': path.resolve(proc.cwd, words[0]!), 'evt.arg.newpath': link, 'evt.arg.res': 0 });
}

function tarEvents(synth: Synthesizer, proc: Proc, args: string[], words: string[]): void {
  // The first argument is the mode, with or without a dash (tar czf, tar -czf); an f in it names the archive.
  // Stryker disable next-line StringLiteral: with no arguments there is no archive and no file, so any mode without c makes the same note
  const mode = args[0] ?? '';
  const files = args[0]?.startsWith('-') ? words : words.slice(1);
  const archive = optionValue(args, '-f') ?? (/f/.test(mode) ? files[0] : undefined);
  const isCreate = /c/.test(mode) || hasFlag(args, '-c');
  // f - is standard input or output, not a file.
  if (archive && archive !== '-') synth.openFile(proc, archive, isCreate ? 'write' : 'read');
  if (isCreate) for (const file of files.filter((w) => w !== archive)) synth.openFile(proc, file, 'read');
  else synth.rec.note('tar: the files an archive extracts are not known');
}

function syscallEvent(synth: Synthesizer, proc: Proc, args: string[]): void {
  const spec = synth.tables.syscalls[proc.name];
  if (!spec || (spec.when && !hasFlag(args, spec.when))) return;
  const words = operands(args, spec.value);
  const extra: Record<string, string | number> = { 'evt.arg.res': 0 };
  if (spec.type === 'mount') Object.assign(extra, { 'evt.arg.dev': words[0] ?? '', 'evt.arg.dir': words[1] ?? '', 'evt.arg.type': optionValue(args, '-t') ?? '' });
  else if (spec.type === 'umount2') extra['evt.arg.name'] = words[0] ?? '';
  else if (spec.type === 'ptrace') Object.assign(extra, { 'evt.arg.request': 'PTRACE_ATTACH', 'evt.arg.pid': Number(optionValue(args, '-p') ?? 0) });
  else if (spec.type === 'setuid') extra['evt.arg.uid'] = 0;
  else if (spec.type === 'socket') Object.assign(extra, { 'evt.arg.domain': spec.domain ?? 'AF_INET' });
  else if (spec.type === 'kill') Object.assign(extra, { 'evt.arg.pid': Number(words[0] ?? 0) || 0, 'evt.arg.sig': 'SIGTERM' });
  else if (spec.type === 'init_module' || spec.type === 'finit_module') extra['evt.arg.uargs'] = words.slice(1).join(' ');
  synth.rec.emit(proc, spec.type, extra);
}

const INTERPRETERS: Record<string, string> = { python: '-c', python3: '-c', perl: '-e', ruby: '-e', php: '-r', node: '-e', pwsh: '-c', osascript: '-e' };

function notes(synth: Synthesizer, proc: Proc, args: string[]): void {
  const name = proc.name;
  if (INTERPRETERS[name] && args.includes(INTERPRETERS[name]!)) synth.rec.note(`${name} ${INTERPRETERS[name]}: the interpreter's own code is not emulated`);
  if (name === 'xargs') synth.rec.note('xargs: the commands it runs take arguments from standard input, which are not known');
  if (name === 'find' && args.some((a) => a === '-exec' || a === '-delete' || a === '-execdir')) synth.rec.note('find -exec/-delete: the files it acts on are not known');
  if (['docker', 'podman', 'kubectl', 'crictl'].includes(name) && args.some((a) => ['run', 'exec', 'create', 'apply', 'build'].includes(a))) synth.rec.note(`${name} ${args[0]!}: processes it starts in another container or pod are not emulated`);
  if (['rm', 'cp', 'chmod', 'chown', 'shred'].includes(name) && args.some((a) => /^-[a-zA-Z]*[rR]/.test(a))) synth.rec.note(`${name} -r: files inside the directories it names are not known`);
}

/** The effects of `proc` (just exec'd with `argv`); returns its output when known. */
export function runUtility(synth: Synthesizer, proc: Proc, argv: string[], parent: Shell, stdin?: string): string | undefined {
  const name = proc.name;
  const args = argv.slice(1);
  if (synth.tables.shells.has(name) && name !== 'busybox') return runShell(synth, proc, args, parent, stdin);
  const inner = wrappedCommand(synth, name, args);
  if (inner) {
    syscallEvent(synth, proc, args);
    return runWrapper(synth, proc, inner, parent, stdin);
  }
  const command = name === 'su' ? optionValue(args, '-c') : undefined;
  if (command !== undefined) {
    syscallEvent(synth, proc, args);
    const argv = ['bash', '-c', command];
    return runUtility(synth, synth.rec.exec(synth.rec.fork(proc), argv), argv, parent);
  }
  notes(synth, proc, args);
  const actions = synth.tables.files[name];
  if (actions) fileEvents(synth, proc, actions, args);
  if (synth.tables.network[name]) for (const e of connectEvents(synth.tables.network[name]!, args)) synth.rec.emit(proc, e.type, e.fields, true);
  syscallEvent(synth, proc, args);
  // Node's base64 decoding skips whitespace, the trailing newline of echo's output too.
  if (name === 'base64' && hasFlag(args, '-d') && stdin !== undefined && operands(args).length === 0) return Buffer.from(stdin, 'base64').toString('utf8');
  if (name === 'echo') return `${args.join(' ')}\n`;
  if (name === 'cat' && operands(args).length === 0) return stdin;
  return undefined;
}
