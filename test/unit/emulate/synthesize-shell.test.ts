// The shell half of event synthesis on hand-written one-liners: how deep nested scripts run, variables
// ($$, $?, unset ones, prefixes to a command), ~ and globs, $(…) output, builtins (cd, export, unset,
// echo -n, printf, eval, exec, source), functions, loops, redirections (2>&1 opens nothing), and each
// sentence the synthesis adds to `unmodeled` when it cannot follow the script.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContextName, Emulation, SyntheticEvent } from '../../../src/emulate/event.js';
import type { ShellParser } from '../../../src/emulate/shell-ast.js';
import { loadShellParser } from '../../../src/emulate/shell-parse.js';
import { synthesize } from '../../../src/emulate/synthesize.js';
import { readEmulationTables } from '../../../src/emulate/tables.js';

let parse: ShellParser;
beforeAll(async () => {
  parse = await loadShellParser();
});

const emulate = (script: string, context: ContextName = 'host', executor = 'sh'): Emulation => synthesize(script, executor, readEmulationTables(), context, parse);
const of = (e: Emulation, type: string): SyntheticEvent[] => e.events.filter((x) => x.fields['evt.type'] === type);
/** The command lines of the execve events after the executor's own. */
const execs = (script: string): string[] => of(emulate(script), 'execve').slice(1).map((x) => String(x.fields['proc.cmdline']));
const opens = (e: Emulation, by = 'sh'): string[] => of(e, 'openat').filter((x) => x.fields['proc.name'] === by).map((x) => `${x.fields['proc.name']} ${x.fields['fd.name']} ${x.fields['evt.arg.flags']}`);
const notes = (script: string): string[] => emulate(script).unmodeled;

describe('the executor and nesting', () => {
  it('runs the script under the executor named, forked from the login shell, as the leader of its process group', () => {
    const [executor, id] = of(emulate('id', 'host', 'bash'), 'execve');
    expect([executor!.fields['proc.cmdline'], executor!.fields['proc.pname'], executor!.fields['proc.is_vpgid_leader'], executor!.fields['proc.vpgid.name']]).toEqual(['bash -c id', 'bash', true, 'bash']);
    expect([id!.fields['proc.vpgid'], id!.fields['proc.vpgid.name'], id!.fields['proc.is_vpgid_leader']]).toEqual([executor!.fields['proc.pid'], 'bash', false]);
    expect(executor!.fields['proc.pid']).not.toBe(executor!.fields['proc.ppid']);
  });

  it('runs scripts nested eight deep and notes (without running) the ninth', () => {
    expect(execs(`${'eval '.repeat(7)}id`)).toEqual(['id']);
    expect(notes(`${'eval '.repeat(7)}id`)).toEqual([]);
    expect(execs(`${'eval '.repeat(8)}id`)).toEqual([]);
    expect(notes(`${'eval '.repeat(8)}id`)).toEqual(['scripts nested too deep: the innermost were not emulated']);
  });

  it('notes what the parser could not read', () => {
    expect(notes('id; if then fi')).toEqual(['shell syntax error near line 1: id; if then fi']);
  });
});

describe('lists, pipelines and groups', () => {
  it('a && b runs both without a note; a || b runs both and says Falco would see b only when a fails', () => {
    expect(execs('id && whoami')).toEqual(['id', 'whoami']);
    expect(notes('id && whoami')).toEqual([]);
    expect(execs('id || whoami')).toEqual(['id', 'whoami']);
    expect(notes('id || whoami')).toEqual(['a || b: both sides emulated (Falco sees b only when a fails)']);
  });

  it('a pipeline passes known output along: echo into a shell runs the text', () => {
    expect(execs('echo id | sh')).toEqual(['sh', 'id']);
    expect(execs('echo id | cat | sh')).toEqual(['cat', 'sh', 'id']);
    expect(execs('printf "uname\\nid" | sh')).toEqual(['sh', 'uname', 'id']);
  });

  it('a heredoc and a here-string feed the command they belong to', () => {
    expect(execs('sh <<EOF\nhostname\nEOF')).toEqual(['sh', 'hostname']);
    expect(execs('sh <<< whoami')).toEqual(['sh', 'whoami']);
    expect(execs('sh 2> /tmp/e <<EOF\nid\nEOF')).toEqual(['sh', 'id']); // after another redirection
  });

  it('{ …; } runs in the same shell and opens its redirections there; ( … ) forks and opens them in the fork', () => {
    const group = emulate('{ id; } > /tmp/g');
    expect(opens(group)).toEqual(['sh /tmp/g O_WRONLY|O_CREAT|O_TRUNC']);
    expect(of(group, 'openat')[0]!.fields['proc.pid']).toBe(of(group, 'execve')[0]!.fields['proc.pid']);
    const sub = emulate('(id) > /tmp/s');
    expect(opens(sub)).toEqual(['sh /tmp/s O_WRONLY|O_CREAT|O_TRUNC']);
    expect(of(sub, 'openat')[0]!.fields['proc.pid']).not.toBe(of(sub, 'execve')[0]!.fields['proc.pid']);
    expect(of(sub, 'execve')[1]!.fields['proc.ppid']).toBe(of(sub, 'openat')[0]!.fields['proc.pid']);
  });

  it('a subshell keeps its variables and functions to itself', () => {
    expect(execs('(X=/etc/a; f() { id; }); cat $X; f')).toEqual(['cat $X', 'f']);
    expect(execs('X=/etc/a; f() { id; }; (cat $X; f)')).toEqual(['cat /etc/a', 'id']);
  });

  it('a function runs its body each time it is called, with what is piped into it', () => {
    expect(execs('f() { id; }; f; f')).toEqual(['id', 'id']);
    expect(execs('f() { sh; }; echo whoami | f')).toEqual(['sh', 'whoami']);
  });
});

describe('loops', () => {
  it('runs the first three iterations of a loop and says how many there were', () => {
    expect(execs('for f in a b c d; do touch $f; done')).toEqual(['touch a', 'touch b', 'touch c']);
    expect(notes('for f in a b c d; do touch $f; done')).toEqual(['for f: the first 3 of 4 iterations emulated']);
    expect(execs('for f in a b c; do touch $f; done')).toEqual(['touch a', 'touch b', 'touch c']);
    expect(notes('for f in a b c; do touch $f; done')).toEqual([]);
  });
  it('a loop without a list runs its body once with the variable empty', () => {
    expect(execs('for f; do touch x$f; done')).toEqual(['touch x']);
  });
});

describe('constructs run once or not at all', () => {
  it('if, case and while run every branch once and say so', () => {
    expect(execs('if id; then whoami; else hostname; fi')).toEqual(['id', 'whoami', 'hostname']);
    expect(notes('if id; then whoami; fi')).toEqual(['if: every branch emulated (Falco sees only the one taken)']);
    expect(notes('while id; do whoami; done')).toEqual(['while loop: condition and body emulated once']);
  });
  it('what the model cannot run is noted with its first line', () => {
    const e = emulate('for ((i=0; i<2; i++)); do\n  id\ndone');
    expect(e.unmodeled).toEqual(['c style for statement not modeled: for ((i=0; i<2; i++)); do']);
    expect(of(e, 'execve')).toHaveLength(1);
  });
});

describe('words', () => {
  it('variables come from the shell first, then the environment', () => {
    expect(execs('HOME=/tmp; cat $HOME/x ~/y')).toEqual(['cat /tmp/x /root/y']);
    expect(execs('cat $USER')).toEqual(['cat root']);
  });
  it('$$ is the shell’s pid, $? and $# are 0, an unset variable stays as written and is noted', () => {
    const e = emulate('kill $$; cat $? $#; cat $NOPE');
    const [sh, kill, cat, nope] = of(e, 'execve');
    expect(kill!.fields['proc.args']).toBe(String(sh!.fields['proc.pid']));
    expect([cat!.fields['proc.args'], nope!.fields['proc.args']]).toEqual(['0 0', '$NOPE']);
    expect(e.unmodeled).toEqual(['variable $NOPE is not set by the procedure: left as written']);
  });
  it('~ and ~/ are the home directory; ~user and a ~ inside a word are not', () => {
    expect(execs('cat ~ ~/a ~bob a~')).toEqual(['cat /root /root/a ~bob a~']);
  });
  it('an unquoted glob is noted (its matches are unknown); a quoted one, a variable or a plain word is not', () => {
    expect(notes('ls /tmp/*.sh')).toEqual(['glob not expanded (the files it matches are unknown): /tmp/*.sh']);
    expect(notes('ls /tmp/?')).toEqual(['glob not expanded (the files it matches are unknown): /tmp/?']);
    expect(notes('ls "/tmp/*.sh" \'/a?\' /tmp/x')).toEqual([]);
    expect(notes('X="*"; ls $X')).toEqual([]);
    expect(notes('ls /tmp/"x"*.sh')).toEqual(['glob not expanded (the files it matches are unknown): /tmp/"x"*.sh']); // quoted in part only
    expect(notes('D=x; ls /tmp/$D*')).toEqual([]); // a word with a variable: its * may be the variable's
  });
  it('$(…) is its known output without the final newlines, else the text as written, noted', () => {
    expect(execs('cat $(echo /etc/passwd)')).toEqual(['cat /etc/passwd']);
    expect(execs('cat "$(printf "/a\\n\\n")"')).toEqual(['cat /a']);
    expect(execs('echo "$(printf "id\\nwhoami")" | sh')).toEqual(['sh', 'id', 'whoami']); // only the final newlines go
    const e = emulate('cat $(hostname)');
    expect(of(e, 'execve').slice(1).map((x) => x.fields['proc.cmdline'])).toEqual(['hostname', 'cat $(hostname)']);
    expect(e.unmodeled).toEqual(['output of $(hostname) is not known: left as written']);
    const long = `$(hostname ${'x'.repeat(100)})`;
    expect(notes(`cat ${long}`)).toEqual([`output of ${long.slice(0, 80)} is not known: left as written`]);
  });
  it('a substitution runs in a forked shell: its variables do not leak', () => {
    expect(execs('X=$(Y=/etc; echo a); cat $Y')).toEqual(['cat $Y']);
  });
  it('arithmetic is left as written and noted', () => {
    const e = emulate('cat /tmp/$((1+2))');
    expect(of(e, 'execve')[1]!.fields['proc.args']).toBe('/tmp/$((1+2))');
    expect(e.unmodeled.some((n) => n.endsWith(': $((1+2))'))).toBe(true);
  });
});

describe('commands', () => {
  it('assignments alone set shell variables; before a command they are in its environment only', () => {
    const e = emulate('A=1 B= env; cat $A');
    const env = of(e, 'execve')[1]!;
    expect([env.env.A, env.env.B]).toEqual(['1', '']);
    expect(of(e, 'execve')[2]!.fields['proc.cmdline']).toBe('cat $A');
    expect(of(emulate('A=1; env'), 'execve')[1]!.env.A).toBeUndefined();
  });
  it('a bare redirection opens its file in the shell', () => {
    expect(opens(emulate('> /tmp/empty'))).toEqual(['sh /tmp/empty O_WRONLY|O_CREAT|O_TRUNC']);
  });
  it('a background command runs, noted', () => {
    expect(execs('sleep 9 &')).toEqual(['sleep 9']);
    expect(notes('sleep 9 &')).toEqual(['sleep runs in the background']);
  });
});

describe('builtins', () => {
  it('cd moves the shell (relative, absolute, and home without an argument); the command after it runs there', () => {
    const cwd = (script: string): unknown => of(emulate(script), 'execve').at(-1)!.fields['proc.cwd'];
    expect(cwd('cd /var; cd log; id')).toBe('/var/log/');
    expect(cwd('cd /var; cd; id')).toBe('/root/');
    expect(cwd('unset HOME; cd /var; cd; id')).toBe('/');
  });
  it('export puts a value, or a shell variable, in the environment of later commands; unset removes both', () => {
    const envOf = (script: string): Record<string, string> => of(emulate(script), 'execve').at(-1)!.env;
    expect(envOf('export A=1 B; env').A).toBe('1');
    expect(envOf('export A=1 B; env').B).toBeUndefined();
    expect(envOf('typeset T=3; env').T).toBe('3');
    expect(execs('export A=/etc; cat $A')).toEqual(['cat /etc']);
    expect(execs('A=/x cd /tmp; cat $A')).toEqual(['cat $A']);
    expect(envOf('B=2; export B; env').B).toBe('2');
    expect('C' in envOf('export C; env')).toBe(false);
    expect(envOf('declare D=4; env').D).toBe('4');
    expect(envOf('local L=5; readonly R=6; env')).toMatchObject({ L: '5', R: '6' });
    expect(envOf('export A=1; env').HOME).toBe('/root'); // added to the environment, not replacing it
    expect('export' in envOf('export=/x; export A=1; env')).toBe(false); // the builtin's own name is not an argument
    expect(envOf('export =5; env')['']).toBeUndefined();
    expect(envOf('export A=1; unset A; env').A).toBeUndefined();
    expect(execs('A=1; unset A; cat $A')).toEqual(['cat $A']);
  });
  it('echo outputs its words (dropping -n, -e, -E and their combinations) and a newline', () => {
    expect(execs('echo -n id | sh')).toEqual(['sh', 'id']);
    expect(execs('echo -e id | sh')).toEqual(['sh', 'id']);
    expect(execs('cat $(echo a -n)')).toEqual(['cat a -n']);
    expect(execs('cat $(echo -x a)')).toEqual(['cat -x a']);
    expect(execs('cat $(echo -E a) $(echo -nE b)')).toEqual(['cat a b']);
    expect(execs('cat $(echo x-n a) $(echo -nx b)')).toEqual(['cat x-n a -nx b']);
  });
  it('printf formats %s with its argument and \\n as a newline; without arguments its output is unknown', () => {
    expect(execs('cat $(printf "/x/%s" y)')).toEqual(['cat /x/y']);
    expect(execs('cat $(printf "/x/%s")')).toEqual(['cat /x/']);
    expect(execs('cat $(printf)')).toEqual(['cat $(printf)']);
  });
  it('eval runs its arguments as a script', () => {
    expect(execs('eval "id;" whoami')).toEqual(['id', 'whoami']);
  });
  it('exec replaces the shell with the command (no fork); exec alone does nothing', () => {
    const e = emulate('exec id');
    const [sh, id] = of(e, 'execve');
    expect(id!.fields['proc.pid']).toBe(sh!.fields['proc.pid']);
    expect(execs('exec')).toEqual([]);
    expect(execs('exec sh -c whoami')).toEqual(['sh -c whoami', 'whoami']);
  });
  it('source and . read the file and say its commands are unknown', () => {
    const e = emulate('. /etc/profile; source ~/.bashrc');
    expect(opens(e)).toEqual(['sh /etc/profile O_RDONLY', 'sh /root/.bashrc O_RDONLY']);
    expect(e.unmodeled).toEqual([". /etc/profile: the sourced file's commands are not known", "source /root/.bashrc: the sourced file's commands are not known"]);
    expect(notes('source')).toEqual(["source : the sourced file's commands are not known"]);
    expect(of(emulate('source'), 'openat')).toEqual([]);
  });
  it('an export changes the environment from then on, not that of the events before it', () => {
    const e = emulate('id; export A=1; unset HOME; id');
    const [sh, before, after] = of(e, 'execve');
    expect([sh!.env.A, before!.env.A, after!.env.A]).toEqual([undefined, undefined, '1']);
    expect([sh!.env.HOME, before!.env.HOME, after!.env.HOME]).toEqual(['/root', '/root', undefined]);
  });
  it('other builtins make no events', () => {
    const e = emulate('true; umask 077; pwd');
    expect(e.events.map((x) => x.fields['evt.type'])).toEqual(['execve']);
  });
});

describe('redirections', () => {
  it('opens each in its mode; duplications and closes of descriptors open nothing', () => {
    expect(opens(emulate('id < /etc/passwd > /tmp/o 2>> /tmp/e 2>&1 >&- 3<&0'))).toEqual([
      'sh /etc/passwd O_RDONLY',
      'sh /tmp/o O_WRONLY|O_CREAT|O_TRUNC',
      'sh /tmp/e O_WRONLY|O_CREAT|O_APPEND',
    ]);
    expect(opens(emulate('id &> /tmp/both'))).toEqual(['sh /tmp/both O_WRONLY|O_CREAT|O_TRUNC']);
  });
  it('a duplication to a word that is not a descriptor number (or -) opens that file; a plain redirection to 1 or - opens a file so named', () => {
    expect(opens(emulate('id >& out1 >& 1x >& a- >& -x 2>&10'))).toEqual(['/root/out1', '/root/1x', '/root/a-', '/root/-x'].map((f) => `sh ${f} O_WRONLY|O_CREAT|O_TRUNC`));
    expect(opens(emulate('id > 1 > -'))).toEqual(['sh /root/1 O_WRONLY|O_CREAT|O_TRUNC', 'sh /root/- O_WRONLY|O_CREAT|O_TRUNC']);
  });
  it('a relative file opens in the working directory; a device is a character device', () => {
    const e = emulate('cd /tmp; echo > out; echo > /dev/tcp/1.2.3.4/80');
    const [out, dev] = of(e, 'openat');
    expect([out!.fields['fd.name'], out!.fields['fd.nameraw'], out!.fields['fd.directory'], out!.fields['fd.filename'], out!.fields['fd.typechar']]).toEqual(['/tmp/out', 'out', '/tmp', 'out', 'f']);
    expect([dev!.fields['fd.typechar'], dev!.fields['evt.is_open_read'], dev!.fields['evt.is_open_write'], dev!.fields['evt.is_open_create']]).toEqual(['c', false, true, true]);
    const read = of(emulate('cat < /etc/shadow'), 'openat')[0]!;
    expect([read.fields['evt.is_open_read'], read.fields['evt.is_open_write'], read.fields['evt.is_open_create'], read.fields['evt.category']]).toEqual([true, false, false, 'file']);
  });
  it('only a written file counts as dropped when it is run later', () => {
    const written = of(emulate('echo > /tmp/x; /tmp/x'), 'execve').at(-1)!;
    const read = of(emulate('cat < /tmp/x; /tmp/x'), 'execve').at(-1)!;
    expect([written.fields['proc.is_exe_writable'], read.fields['proc.is_exe_writable']]).toEqual([true, false]);
  });
  it('truncate opens without O_TRUNC, then ftruncates the file by its descriptor', () => {
    const e = emulate('cd /var/log; truncate -s 0 syslog');
    const [ftruncate] = of(e, 'ftruncate');
    expect([ftruncate!.fields['fd.name'], ftruncate!.fields['fd.directory'], ftruncate!.fields['fd.filename'], ftruncate!.fields['fd.num'], ftruncate!.fields['proc.name']]).toEqual(['/var/log/syslog', '/var/log', 'syslog', 3, 'truncate']);
    expect(ftruncate!.hasFd).toBe(true);
    expect(of(emulate('echo > /tmp/a'), 'ftruncate')).toEqual([]);
  });
});

describe('the open event', () => {
  /** The fields an openat adds to the process's own, for one file opened in each mode. */
  const openFields = (script: string, by: string) => {
    const fields = of(emulate(script), 'openat').find((x) => x.fields['proc.name'] === by)!.fields;
    const keys = ['evt.arg.name', 'evt.arg.flags', 'evt.arg.fd', 'evt.arg.dirfd', 'evt.arg.mode', 'evt.rawres', 'evt.is_open_read', 'evt.is_open_write', 'evt.is_open_create', 'fd.name', 'fd.nameraw', 'fd.directory', 'fd.filename', 'fd.num', 'fd.typechar', 'fd.type', 'fd.name_changed', 'evt.category'];
    return Object.fromEntries(keys.map((k) => [k, fields[k]]));
  };
  const common = { 'evt.arg.fd': 3, 'evt.arg.dirfd': -100, 'evt.arg.mode': 0, 'evt.rawres': 3, 'fd.num': 3, 'fd.type': 'file', 'fd.name_changed': false, 'evt.category': 'file' };
  it('records the file, its flags and the descriptor (the event has fd.* fields) as Falco’s openat exit event has them', () => {
    expect(openFields('cd /etc; cat < passwd', 'sh')).toEqual({ ...common, 'evt.arg.name': '/etc/passwd', 'evt.arg.flags': 'O_RDONLY', 'evt.is_open_read': true, 'evt.is_open_write': false, 'evt.is_open_create': false, 'fd.name': '/etc/passwd', 'fd.nameraw': 'passwd', 'fd.directory': '/etc', 'fd.filename': 'passwd', 'fd.typechar': 'f' });
    expect(openFields('echo >> /var/log/x.log', 'sh')).toMatchObject({ 'evt.arg.flags': 'O_WRONLY|O_CREAT|O_APPEND', 'evt.is_open_read': false, 'evt.is_open_write': true, 'evt.is_open_create': true, 'fd.filename': 'x.log' });
    expect(openFields('touch /tmp/new', 'touch')).toMatchObject({ ...common, 'evt.arg.flags': 'O_WRONLY|O_CREAT|O_NOCTTY|O_NONBLOCK', 'fd.name': '/tmp/new', 'evt.is_open_write': true });
    expect(openFields('truncate -s 0 /tmp/t', 'truncate')).toMatchObject({ ...common, 'evt.arg.flags': 'O_WRONLY|O_CREAT|O_NONBLOCK', 'evt.is_open_create': true });
    expect(of(emulate('cat < /etc/passwd'), 'openat')[0]!.hasFd).toBe(true);
  });
  it('ftruncate after a truncating open carries the file descriptor’s fields', () => {
    const [ftruncate] = of(emulate('truncate -s 0 /tmp/t'), 'ftruncate');
    expect([ftruncate!.fields['fd.typechar'], ftruncate!.fields['fd.type'], ftruncate!.fields['evt.category']]).toEqual(['f', 'file', 'file']);
  });
});
