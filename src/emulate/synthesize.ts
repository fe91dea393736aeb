// Event synthesis: runs a parsed shell script in imagination and records the syscall events Falco would
// see — a process tree (fork + execve per external command, pipelines, &&/||, subshells, $(…), sh -c,
// sudo and other wrappers, heredocs and piped scripts), the opens of redirections, and each utility's
// effects (effects.ts). What it cannot model is noted. Pure: the shell parser is passed in.
import path from 'node:path/posix';
import type { ContextName, Emulation } from './event.js';
import { runUtility } from './effects.js';
import type { Proc } from './process.js';
import { Recorder } from './recorder.js';
import type { Redirect, ShellNode, ShellParser, Word } from './shell-ast.js';
import type { EmulationTables } from './tables.js';

/** A shell process and its state: variables, functions, what its next command reads on stdin. */
export interface Shell {
  proc: Proc;
  vars: Map<string, string>;
  functions: Map<string, ShellNode[]>;
  depth: number;
}

const MAX_DEPTH = 8;
const MAX_LOOP = 3;
const DECLARATIONS = new Set(['export', 'declare', 'local', 'readonly', 'typeset']);

export class Synthesizer {
  constructor(
    readonly rec: Recorder,
    readonly parse: ShellParser,
  ) {}

  get tables(): EmulationTables {
    return this.rec.tables;
  }

  /** Parses `script` and runs it in `shell` (nested scripts beyond MAX_DEPTH are noted, not run). */
  runScript(script: string, shell: Shell): void {
    if (shell.depth > MAX_DEPTH) return this.rec.note('scripts nested too deep: the innermost were not emulated');
    const parsed = this.parse(script);
    for (const error of parsed.errors) this.rec.note(error);
    this.runAll(parsed.statements, shell);
  }

  runAll(nodes: ShellNode[], shell: Shell, stdin?: string): string | undefined {
    let out: string | undefined;
    for (const node of nodes) out = this.run(node, shell, stdin);
    return out;
  }

  /** Runs one node; returns its standard output when it is known (echo, printf, base64 -d of known text). */
  run(node: ShellNode, shell: Shell, stdin?: string): string | undefined {
    switch (node.kind) {
      case 'command':
        return this.command(node, shell, stdin);
      case 'pipeline': {
        let carried = stdin;
        for (const command of node.commands) carried = this.run(command, shell, carried);
        return carried;
      }
      case 'and':
      case 'or':
        if (node.kind === 'or') this.rec.note('a || b: both sides emulated (Falco sees b only when a fails)');
        this.run(node.left, shell, stdin);
        return this.run(node.right, shell, stdin);
      case 'subshell': {
        const sub = this.subshell(shell);
        this.openRedirects(node.redirects, sub);
        return this.runAll(node.body, sub, stdin);
      }
      case 'group':
        if (node.note) this.rec.note(node.note);
        this.openRedirects(node.redirects, shell);
        return this.runAll(node.body, shell, stdin);
      case 'for':
        return this.forLoop(node, shell);
      case 'function':
        shell.functions.set(node.name, node.body);
        return undefined;
      case 'unsupported':
        this.rec.note(`${node.why}: ${node.source.split('\n')[0]}`);
        return undefined;
    }
  }

  subshell(shell: Shell): Shell {
    return { ...shell, proc: this.rec.fork(shell.proc), vars: new Map(shell.vars), functions: new Map(shell.functions) };
  }

  private forLoop(node: Extract<ShellNode, { kind: 'for' }>, shell: Shell): undefined {
    const values = node.values.map((w) => this.expand(w, shell));
    if (values.length > MAX_LOOP) this.rec.note(`for ${node.variable}: the first ${MAX_LOOP} of ${values.length} iterations emulated`);
    for (const value of values.length > 0 ? values.slice(0, MAX_LOOP) : ['']) {
      shell.vars.set(node.variable, value);
      this.runAll(node.body, shell);
    }
    return undefined;
  }

  /** A word's value: variables from the shell or the environment, substitutions run (their output unknown). */
  expand(word: Word, shell: Shell): string {
    let text = '';
    for (const part of word.parts) {
      if (part.kind === 'text') text += part.text;
      else if (part.kind === 'var') text += this.variable(part.name, shell);
      else if (part.kind === 'subst') text += this.substitute(part.body, part.source, shell);
      else {
        this.rec.note(`${part.why}: ${part.source}`);
        text += part.source;
      }
    }
    if (word.parts[0]?.kind === 'text' && /^~(\/|$)/.test(word.parts[0].text)) text = shell.proc.env.HOME + text.slice(1);
    if (/[*?]/.test(text) && !/^["']/.test(word.source) && word.parts.every((p) => p.kind === 'text')) this.rec.note(`glob not expanded (the files it matches are unknown): ${word.source}`);
    return text;
  }

  private variable(name: string, shell: Shell): string {
    const value = shell.vars.get(name) ?? shell.proc.env[name];
    if (value !== undefined) return value;
    if (name === '$') return String(shell.proc.pid);
    if (name === '?' || name === '#') return '0';
    this.rec.note(`variable $${name} is not set by the procedure: left as written`);
    return `$${name}`;
  }

  private substitute(body: ShellNode[], source: string, shell: Shell): string {
    const sub = this.subshell(shell);
    const out = this.runAll(body, sub);
    if (out !== undefined) return out.replace(/\n+$/, '');
    this.rec.note(`output of ${source.slice(0, 80)} is not known: left as written`);
    return source;
  }

  private command(node: Extract<ShellNode, { kind: 'command' }>, shell: Shell, stdin?: string): string | undefined {
    const assignments = node.assignments.map((a) => [a.name, a.value ? this.expand(a.value, shell) : ''] as const);
    const argv = node.words.map((w) => this.expand(w, shell));
    const heredoc = node.redirects.find((r) => r.op === '<<' || r.op === '<<<');
    const input = heredoc?.body ? this.expand(heredoc.body, shell) : stdin;
    if (argv.length === 0) {
      for (const [name, value] of assignments) shell.vars.set(name, value);
      this.openRedirects(node.redirects, shell);
      return undefined;
    }
    const name = argv[0]!;
    const fn = shell.functions.get(name);
    if (fn) return this.runAll(fn, shell, input);
    if (this.tables.builtins.has(name)) {
      // The parser keeps a declaration's assignments (export A=1) apart from its words: they are its arguments.
      const args = DECLARATIONS.has(name) ? [...assignments.map(([n, v]) => `${n}=${v}`), ...argv.slice(1)] : argv.slice(1);
      return this.builtin([name, ...args], node.redirects, shell, input);
    }
    const child = this.rec.fork(shell.proc);
    const env = { ...child.env, ...Object.fromEntries(assignments) };
    this.openRedirects(node.redirects, { ...shell, proc: child });
    if (node.isBackground) this.rec.note(`${name} runs in the background`);
    return runUtility(this, this.rec.exec(child, argv, env), argv, shell, input);
  }

  private builtin(argv: string[], redirects: Redirect[], shell: Shell, stdin?: string): string | undefined {
    this.openRedirects(redirects, shell);
    const [name, ...args] = argv as [string, ...string[]];
    switch (name) {
      case 'cd':
        shell.proc = { ...shell.proc, cwd: path.resolve(shell.proc.cwd, args[0] ?? shell.proc.env.HOME ?? '/') };
        return undefined;
      case 'export':
      case 'declare':
      case 'local':
      case 'readonly':
      case 'typeset':
        // A new environment: the events already recorded keep the one they were made with.
        shell.proc = { ...shell.proc, env: { ...shell.proc.env } };
        for (const arg of args) {
          const eq = arg.indexOf('=');
          if (eq > 0) shell.proc.env[arg.slice(0, eq)] = arg.slice(eq + 1);
          else if (shell.vars.has(arg)) shell.proc.env[arg] = shell.vars.get(arg)!;
        }
        return undefined;
      case 'unset':
        shell.proc = { ...shell.proc, env: { ...shell.proc.env } };
        for (const arg of args) shell.vars.delete(arg), delete shell.proc.env[arg];
        return undefined;
      case 'echo':
        return `${args.filter((a, i) => !(i === 0 && /^-[neE]+$/.test(a))).join(' ')}\n`;
      case 'printf':
        return args.length > 0 ? args[0]!.replace(/\\n/g, '\n').replace(/%s/g, () => args[1] ?? '') : undefined;
      case 'eval':
        this.runScript(args.join(' '), { ...shell, depth: shell.depth + 1 });
        return undefined;
      case 'exec':
        if (args.length === 0) return undefined;
        return runUtility(this, this.rec.exec(shell.proc, args), args, shell, stdin);
      case '.':
      case 'source':
        if (args[0]) this.openFile(shell.proc, args[0], 'read');
        this.rec.note(`${name} ${args[0] ?? ''}: the sourced file's commands are not known`);
        return undefined;
      // Stryker disable next-line ConditionalExpression: an emptied default falls out of the switch, where the method ends and returns undefined too
      default:
        return undefined;
    }
  }

  /** The opens a command's redirections make, in the process that makes them. */
  openRedirects(redirects: Redirect[], shell: Shell): void {
    for (const r of redirects) {
      if (!r.target || r.op.includes('&') && /^\d+$|^-$/.test(r.target.source)) continue;
      const target = this.expand(r.target, shell);
      const mode = r.op === '<' ? 'read' : r.op.includes('>>') ? 'append' : 'write';
      this.openFile(shell.proc, target, mode);
    }
  }

  /** An openat of `file` (relative to the process's directory) for read, write, append, create or truncate. */
  openFile(proc: Proc, file: string, mode: 'read' | 'write' | 'append' | 'create' | 'truncate'): void {
    const full = path.resolve(proc.cwd, file);
    const flags = { read: 'O_RDONLY', write: 'O_WRONLY|O_CREAT|O_TRUNC', append: 'O_WRONLY|O_CREAT|O_APPEND', create: 'O_WRONLY|O_CREAT|O_NOCTTY|O_NONBLOCK', truncate: 'O_WRONLY|O_CREAT|O_NONBLOCK' }[mode];
    const isDevice = full.startsWith('/dev/');
    if (mode !== 'read') this.rec.markWritten(full);
    this.rec.emit(proc, 'openat', {
      'evt.arg.name': full,
      'evt.arg.flags': flags,
      'evt.arg.fd': 3,
      'evt.arg.dirfd': -100,
      'evt.arg.mode': 0,
      'evt.rawres': 3,
      'evt.is_open_read': mode === 'read',
      'evt.is_open_write': mode !== 'read',
      'evt.is_open_create': mode !== 'read',
      'fd.name': full,
      'fd.nameraw': file,
      'fd.directory': path.dirname(full),
      'fd.filename': path.basename(full),
      'fd.num': 3,
      'fd.typechar': isDevice ? 'c' : 'f',
      'fd.type': 'file',
      'fd.name_changed': false,
    }, true);
    if (mode === 'truncate') this.rec.emit(proc, 'ftruncate', { 'fd.name': full, 'fd.num': 3, 'fd.typechar': 'f', 'fd.type': 'file', 'fd.directory': path.dirname(full), 'fd.filename': path.basename(full) }, true);
  }
}

/** The events `script` makes when run by the executor (`sh -c <script>` or `bash -c …`) in a context. */
export function synthesize(script: string, executor: string, tables: EmulationTables, contextName: ContextName, parse: ShellParser): Emulation {
  const rec = new Recorder(tables, contextName, tables.contexts[contextName]);
  const login = rec.loginShell();
  const synth = new Synthesizer(rec, parse);
  const child = rec.fork(login);
  const argv = [executor, '-c', script];
  const proc = rec.exec({ ...child, pgid: { pid: child.pid, name: executor } }, argv);
  runUtility(synth, proc, argv, { proc: login, vars: new Map(), functions: new Map(), depth: 0 });
  return rec.emulation;
}
