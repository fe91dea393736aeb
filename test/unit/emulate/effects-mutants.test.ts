// What each utility does once exec'd, event by event (every argument of each non-open syscall): operands
// and option values as the tables pick them (first, second, last, all but one, -o FILE, -oFILE,
// --opt=FILE, "-" and "--"), each file operation, dd, tar and ln once per command, nested shells (-c,
// script files, piped scripts, +o), wrappers (value options, assignments, positional operands; sudo
// runs as root), su -c, every other syscall, each note, and the output echo, cat and base64 -d pass on.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ContextName, SyntheticEvent } from '../../../src/emulate/event.js';
import type { ShellParser } from '../../../src/emulate/shell-ast.js';
import { loadShellParser } from '../../../src/emulate/shell-parse.js';
import { synthesize } from '../../../src/emulate/synthesize.js';
import { readEmulationTables, type EmulationTables } from '../../../src/emulate/tables.js';

let parse: ShellParser;
beforeAll(async () => {
  parse = await loadShellParser();
});

/** One line per event: execve with user and parent, openat with file and flags, connect with server, else every evt.arg. */
function line(x: SyntheticEvent): string {
  const f = x.fields;
  if (f['evt.type'] === 'execve') return `execve ${f['proc.cmdline']} (${f['user.name']} ${f['user.uid']}, parent ${f['proc.pname']})`;
  if (f['evt.type'] === 'openat') return `openat ${f['proc.name']} ${f['fd.name']} ${f['evt.arg.flags']}`;
  if (f['evt.type'] === 'connect' || f['evt.type'] === 'sendto') return `${f['evt.type']} ${f['proc.name']} ${f['fd.sip.name'] ?? f['fd.name']}:${f['fd.sport']}`;
  const args = Object.entries(f).filter(([k]) => k.startsWith('evt.arg.')).map(([k, v]) => `${k.slice(8)}=${v}`).join(' ');
  return `${f['evt.type']} ${f['proc.name']} ${args}`;
}

/** The events after the executor's own execve, and the notes. */
function run(script: string, tables: EmulationTables = readEmulationTables(), context: ContextName = 'host'): { events: string[]; notes: string[] } {
  const e = synthesize(script, 'sh', tables, context, parse);
  return { events: e.events.slice(1).map(line), notes: e.unmodeled };
}
const events = (script: string, tables?: EmulationTables): string[] => run(script, tables).events;
/** The events of the one command run, without its execve. */
const effects = (script: string, tables?: EmulationTables): string[] => events(script, tables).slice(1);

const R = 'O_RDONLY';
const W = 'O_WRONLY|O_CREAT|O_TRUNC';
const A = 'O_WRONLY|O_CREAT|O_APPEND';

describe('operands and option values', () => {
  it('"-" is standard input, "--" ends the options, valued options skip their value', () => {
    expect(effects('cat a -- -b -')).toEqual([`openat cat /root/a ${R}`, `openat cat /root/-b ${R}`]);
    expect(effects('grep -e x -m 2 pat f1 f2')).toEqual([`openat grep /root/f1 ${R}`, `openat grep /root/f2 ${R}`]);
  });

  it('-o FILE, -oFILE and --opt=FILE give an option\'s value; --o=FILE is not -o; a missing value or "-" is no file', () => {
    expect(effects('sort -o out in')).toEqual([`openat sort /root/out ${R}`, `openat sort /root/in ${R}`, `openat sort /root/out ${W}`]);
    expect(effects('sort -oout in')).toEqual([`openat sort /root/in ${R}`, `openat sort /root/out ${W}`]);
    expect(effects('sort --o=x in')).toEqual([`openat sort /root/in ${R}`]);
    expect(effects('sort -o')).toEqual([]);
    expect(effects('curl -o - http://x.com')).toEqual(['connect curl x.com:80']);
    expect(effects('wget --output-document=/tmp/g http://1.2.3.4/a')).toEqual([`openat wget /tmp/g ${W}`, 'connect wget 1.2.3.4:80']);
    expect(effects('wget --output-document /tmp/g')).toEqual([`openat wget /tmp/g ${W}`]);
    expect(effects('gpg -o out -r me file')).toEqual([`openat gpg /root/file ${R}`, `openat gpg /root/out ${W}`]);
    // Only a one-letter option is glued to its value: -outform is not -out.
    expect(effects('openssl x509 -in cert.pem -outform DER')).toEqual([`openat openssl /root/cert.pem ${R}`]);
    expect(effects('openssl enc -in a -out b')).toEqual([`openat openssl /root/a ${R}`, `openat openssl /root/b ${W}`]);
  });

  it('an action only when its option is given, alone or among other letters (sed -i, -ni; not -i.bak), or a long one', () => {
    expect(effects('sed -i s/a/b/ f1 f2')).toEqual([`openat sed /root/f1 ${R}`, `openat sed /root/f2 ${R}`, `openat sed /root/f1 ${W}`, `openat sed /root/f2 ${W}`]);
    expect(effects('sed -ni s/a/b/ f1')).toEqual([`openat sed /root/f1 ${R}`, `openat sed /root/f1 ${W}`]);
    expect(effects('sed -i.bak s/a/b/ f1')).toEqual([`openat sed /root/f1 ${R}`]);
    expect(effects('sed -n s/a/b/ f1')).toEqual([`openat sed /root/f1 ${R}`]);
    expect(effects('sed s/a/b-i/ f1')).toEqual([`openat sed /root/f1 ${R}`]);
    expect(effects('tee -a log')).toEqual([`openat tee /root/log ${W}`, `openat tee /root/log ${A}`]);
    const tables = { ...readEmulationTables(), files: { ...readEmulationTables().files, tool: [{ op: 'read', args: 'all' as const, when: '--zap' }] } };
    expect([effects('tool --zap f', tables), effects('tool -z f', tables), effects('tool --zapp f', tables)]).toEqual([[`openat tool /root/f ${R}`], [], []]);
  });

  it('which operands: first and second, all but the last, the last, all but the first; fixed paths; a suffix', () => {
    expect(effects('xxd a b c')).toEqual([`openat xxd /root/a ${R}`, `openat xxd /root/b ${W}`]);
    expect(effects('cp a b /dst')).toEqual([`openat cp /root/a ${R}`, `openat cp /root/b ${R}`, `openat cp /dst ${W}`]);
    expect(effects('chown root f g')).toEqual(['fchownat chown pathname=/root/f dirfd=-100 res=0', 'fchownat chown pathname=/root/g dirfd=-100 res=0']);
    expect(effects('gzip f')).toEqual([`openat gzip /root/f ${R}`, `openat gzip /root/f.gz ${W}`]);
    expect(effects('crontab -u root file')).toEqual([`openat crontab /root/file ${R}`, `openat crontab /var/spool/cron/crontabs/root ${W}`]);
    expect(effects('useradd bob')).toEqual([`openat useradd /etc/passwd ${W}`, `openat useradd /etc/shadow ${W}`, `openat useradd /etc/group ${W}`]);
  });
});

describe('file operations', () => {
  it('delete, rmdir, mkdir, rename, chmod, each with every argument', () => {
    expect(effects('rm -f a ../b')).toEqual(['unlinkat rm name=a dirfd=-100 flags=0 res=0', 'unlinkat rm name=../b dirfd=-100 flags=0 res=0']);
    expect(effects('shred -u -n 3 f')).toEqual([`openat shred /root/f ${W}`, 'unlinkat shred name=f dirfd=-100 flags=0 res=0']);
    expect(effects('rmdir d')).toEqual(['unlinkat rmdir name=d dirfd=-100 flags=AT_REMOVEDIR res=0']);
    expect(effects('mkdir -m 700 d')).toEqual(['mkdirat mkdir path=/root/d dirfd=-100 mode=511 res=0']);
    expect(effects('mv a b dir')).toEqual([
      'renameat2 mv oldpath=/root/a newpath=/root/dir olddirfd=-100 newdirfd=-100 flags=0 res=0',
      'renameat2 mv oldpath=/root/b newpath=/root/dir olddirfd=-100 newdirfd=-100 flags=0 res=0',
    ]);
    expect(effects('cd /tmp; chmod 755 f /g')).toEqual(['fchmodat chmod filename=/tmp/f mode=755 dirfd=-100 res=0', 'fchmodat chmod filename=/g mode=755 dirfd=-100 res=0']);
  });

  it('truncate and create open as GNU truncate and touch do', () => {
    expect(effects('touch t')).toEqual(['openat touch /root/t O_WRONLY|O_CREAT|O_NOCTTY|O_NONBLOCK']);
    expect(effects('truncate -s 0 t')[0]).toBe('openat truncate /root/t O_WRONLY|O_CREAT|O_NONBLOCK');
  });

  it('ln: one link for the pair, symbolic with -s (alone or among letters), none for one operand', () => {
    expect(effects('ln -s /etc/shadow l')).toEqual(['symlinkat ln target=/etc/shadow linkpath=/root/l linkdirfd=-100 res=0']);
    expect(effects('ln -sf /etc/shadow l')).toEqual(['symlinkat ln target=/etc/shadow linkpath=/root/l linkdirfd=-100 res=0']);
    expect(effects('ln shadow h')).toEqual(['linkat ln oldpath=/root/shadow newpath=/root/h res=0']);
    expect(effects('ln -f shadow h')).toEqual(['linkat ln oldpath=/root/shadow newpath=/root/h res=0']);
    expect(effects('ln a')).toEqual([]);
  });

  it('dd opens if= and of= once, whatever else it is given', () => {
    expect(effects('dd if=/dev/sda of=/tmp/img bs=1')).toEqual([`openat dd /dev/sda ${R}`, `openat dd /tmp/img ${W}`]);
    expect(effects('dd of=/tmp/img xof=/tmp/no')).toEqual([`openat dd /tmp/img ${W}`]);
  });

  it('tar: the archive written or read once, the files it creates from, never the archive itself or "-"', () => {
    expect(effects('tar czf /tmp/a.tgz /etc')).toEqual([`openat tar /tmp/a.tgz ${W}`, `openat tar /etc ${R}`]);
    expect(effects('tar -czf /tmp/x.tgz /etc')).toEqual([`openat tar /tmp/x.tgz ${W}`, `openat tar /etc ${R}`]);
    expect(effects('tar -c -f x.tar a b')).toEqual([`openat tar /root/x.tar ${W}`, `openat tar /root/a ${R}`, `openat tar /root/b ${R}`]);
    expect(effects('tar cf x.tar x.tar y')).toEqual([`openat tar /root/x.tar ${W}`, `openat tar /root/y ${R}`]);
    expect(effects('tar -cz a')).toEqual([`openat tar /root/a ${R}`]);
    expect(effects('tar c a')).toEqual([`openat tar /root/a ${R}`]);
    expect(effects('tar czf - /etc')).toEqual([`openat tar /etc ${R}`]);
    expect(run('tar xf a.tar')).toEqual({ events: ['execve tar xf a.tar (root 0, parent sh)', `openat tar /root/a.tar ${R}`], notes: ['tar: the files an archive extracts are not known'] });
    expect(run('tar -xf a.tar')).toEqual({ events: ['execve tar -xf a.tar (root 0, parent sh)', `openat tar /root/a.tar ${R}`], notes: ['tar: the files an archive extracts are not known'] });
    expect(run('tar -x -v').events).toEqual(['execve tar -x -v (root 0, parent sh)']);
    expect(run('tar')).toEqual({ events: ['execve tar (root 0, parent sh)'], notes: ['tar: the files an archive extracts are not known'] });
    expect(run('tar xvf -')).toEqual({ events: ['execve tar xvf - (root 0, parent sh)'], notes: ['tar: the files an archive extracts are not known'] });
  });
});

describe('shells and wrappers', () => {
  it('a shell runs -c (alone or among letters), reads a script file, or notes that it reads standard input (+o and -o take a value)', () => {
    expect(events('bash -x -c id')).toEqual(['execve bash -x -c id (root 0, parent sh)', 'execve id (root 0, parent bash)', `openat id /etc/passwd ${R}`, `openat id /etc/group ${R}`]);
    expect(events('bash -ec "id"').slice(0, 2)).toEqual(['execve bash -ec id (root 0, parent sh)', 'execve id (root 0, parent bash)']);
    expect(events('bash -cx "id"').slice(0, 2)).toEqual(['execve bash -cx id (root 0, parent sh)', 'execve id (root 0, parent bash)']);
    // -cX is no -c: X is not an option letter, and id is a script file.
    expect(run('bash -cX id').notes).toEqual(["bash id: the script file's commands are not known"]);
    expect(run('bash x-c id')).toEqual({ events: ['execve bash x-c id (root 0, parent sh)', `openat bash /root/x-c ${R}`], notes: ["bash x-c: the script file's commands are not known"] });
    expect(run('bash script.sh arg')).toEqual({ events: ['execve bash script.sh arg (root 0, parent sh)', `openat bash /root/script.sh ${R}`], notes: ["bash script.sh: the script file's commands are not known"] });
    for (const script of ['bash -o pipefail', 'bash +o pipefail', 'bash -O extglob', 'bash -c']) {
      expect(run(script)).toEqual({ events: [`execve ${script} (root 0, parent sh)`], notes: ['bash reads commands from standard input, which is not known'] });
    }
  });

  it('a piped script runs in the shell it is piped into, one level deeper', () => {
    expect(events('echo id | sh')).toEqual(['execve sh (root 0, parent sh)', 'execve id (root 0, parent sh)', `openat id /etc/passwd ${R}`, `openat id /etc/group ${R}`]);
    // Each level pipes the next script, base64-encoded, into a shell of its own.
    const nest = (levels: number): string => {
      let script = 'id';
      for (let i = 0; i < levels; i++) script = `echo ${Buffer.from(script).toString('base64')} | base64 -d | sh`;
      return script;
    };
    expect([run(nest(7)).events.at(-3), run(nest(7)).notes]).toEqual(['execve id (root 0, parent sh)', []]);
    expect([run(nest(8)).events.some((l) => l.startsWith('execve id')), run(nest(8)).notes]).toEqual([false, ['scripts nested too deep: the innermost were not emulated']]);
  });

  it('wrappers exec what they wrap, skipping their options (and the values of valued ones), assignments and positional operands', () => {
    const wrapped = (script: string): string => events(script).filter((l) => l.startsWith('execve'))[1]!;
    expect([
      wrapped('sudo -u root id'),
      wrapped('env -u X A=1 B=2 id'),
      wrapped('timeout -s 9 5 id'),
      wrapped('timeout --signal 9 5 id'),
      wrapped('nice -n 5 id'),
      wrapped('nohup -- id'),
      wrapped('chroot /mnt id'),
      wrapped('busybox id'),
    ]).toEqual([
      'execve id (root 0, parent sudo)',
      'execve id (root 0, parent env)',
      'execve id (root 0, parent timeout)',
      'execve id (root 0, parent timeout)',
      'execve id (root 0, parent nice)',
      'execve id (root 0, parent nohup)',
      'execve id (root 0, parent chroot)',
      'execve id (root 0, parent busybox)',
    ]);
    expect(events('nice A=1 id')[1]).toBe('execve A=1 id (root 0, parent nice)');
    expect(events('env 1A=2 id')[1]).toBe('execve 1A=2 id (root 0, parent env)');
    expect(events('env FOO=1 BAR_2=x id')[1]).toBe('execve id (root 0, parent env)');
    expect(events('env A=1')).toEqual(['execve env A=1 (root 0, parent sh)']);
    expect(events('sudo')).toEqual(['execve sudo (root 0, parent sh)', 'setuid sudo res=0 uid=0']);
  });

  it('sudo runs the wrapped command as root; other wrappers keep the user; the output of what they wrap passes on', () => {
    const base = readEmulationTables();
    const tables: EmulationTables = { ...base, contexts: { ...base.contexts, host: { ...base.contexts.host, uid: 1000, user: 'alice' } } };
    expect(events('sudo id', tables).filter((l) => l.startsWith('execve'))).toEqual(['execve sudo id (alice 1000, parent sh)', 'execve id (root 0, parent sudo)']);
    expect(events('nice id', tables).filter((l) => l.startsWith('execve'))).toEqual(['execve nice id (alice 1000, parent sh)', 'execve id (alice 1000, parent nice)']);
    expect(events('echo d2hvYW1p | nice base64 -d | sh').filter((l) => l.startsWith('execve'))).toEqual(['execve nice base64 -d (root 0, parent sh)', 'execve base64 -d (root 0, parent nice)', 'execve sh (root 0, parent sh)', 'execve whoami (root 0, parent sh)']);
  });

  it('su -c runs its command under bash (after the setuid); su alone reads the shadow file and sets the uid once', () => {
    expect(events("su -c 'id; whoami' bob").filter((l) => !l.startsWith('openat'))).toEqual([
      'execve su -c id; whoami bob (root 0, parent sh)',
      'setuid su res=0 uid=0',
      'execve bash -c id; whoami (root 0, parent su)',
      'execve id (root 0, parent bash)',
      'execve whoami (root 0, parent bash)',
    ]);
    expect(effects('su bob')).toEqual([`openat su /etc/shadow ${R}`, 'setuid su res=0 uid=0']);
    expect(effects('cut -c 1 f')).toEqual([`openat cut /root/f ${R}`]);
  });
});

describe('other syscalls', () => {
  it('mount, umount2, ptrace, kill, socket, modules, each with its arguments', () => {
    expect([
      effects('mount -t proc -o ro proc /mnt'),
      effects('mount'),
      effects('umount /mnt'),
      effects('umount'),
      effects('gdb -p 42'),
      effects('gdb prog'),
      effects('strace -o out'),
      effects('kill -9 1234'),
      effects('kill %1'),
      effects('pkill'),
      effects('tcpdump -i eth0'),
      effects('insmod evil.ko a=1 b=2'),
      effects('modprobe mod x=1'),
      effects('rmmod mod'),
      effects('setcap cap_net_raw+ep /usr/bin/x'),
    ]).toEqual([
      ['mount mount res=0 dev=proc dir=/mnt type=proc'],
      ['mount mount res=0 dev= dir= type='],
      ['umount2 umount res=0 name=/mnt'],
      ['umount2 umount res=0 name='],
      ['ptrace gdb res=0 request=PTRACE_ATTACH pid=42'],
      [],
      ['ptrace strace res=0 request=PTRACE_ATTACH pid=0'],
      ['kill kill res=0 pid=1234 sig=SIGTERM'],
      ['kill kill res=0 pid=0 sig=SIGTERM'],
      ['kill pkill res=0 pid=0 sig=SIGTERM'],
      ['socket tcpdump res=0 domain=AF_PACKET'],
      [`openat insmod /root/evil.ko ${R}`, 'init_module insmod res=0 uargs=a=1 b=2'],
      ['finit_module modprobe res=0 uargs=x=1'],
      ['delete_module rmmod res=0'],
      ['fchownat setcap pathname=/usr/bin/x dirfd=-100 res=0', 'setxattr setcap res=0'],
    ]);
  });

  it('a socket without a domain in the table is AF_INET', () => {
    const base = readEmulationTables();
    const tables: EmulationTables = { ...base, syscalls: { ...base.syscalls, raw: { type: 'socket' } } };
    expect(effects('raw', tables)).toEqual(['socket raw res=0 domain=AF_INET']);
  });
});

describe('notes and output', () => {
  it('an interpreter reads its script file, not the code given with -c, -m, -e or -E', () => {
    expect([effects('python3 script.py'), effects("python3 -c 'x'"), effects('python -m http.server'), effects('perl -e x'), effects('perl -E x f.pl')]).toEqual([
      [`openat python3 /root/script.py ${R}`],
      [],
      [],
      [],
      [`openat perl /root/f.pl ${R}`],
    ]);
  });

  it('notes interpreters\' own code, xargs, find -exec/-delete, container tools starting processes, recursive file tools', () => {
    const notes = (script: string): string[] => run(script).notes;
    expect([
      notes("python3 -c 'x'"),
      notes('python3 script.py'),
      notes("php -r 'x'"),
      notes('node -e x'),
      notes('ruby -e x'),
      notes('perl -e x'),
      notes('python -c x'),
      notes('pwsh -c x'),
      notes('osascript -e x'),
      notes('xargs rm'),
      notes('find / -exec rm {} ;'),
      notes('find / -delete'),
      notes('find / -execdir x'),
      notes('find / -name x'),
      notes('docker run x'),
      notes('docker ps'),
      notes('kubectl exec -it p -- sh'),
      notes('podman build .'),
      notes('crictl create x'),
      notes('crictl'),
      notes('kubectl apply -f x'),
      notes('rm -rf /x'),
      notes('cp -R a b'),
      notes('chmod -r x'),
      notes('chown -R a b'),
      notes('shred -R x'),
      notes('mv -r a b'),
      notes('rm -f x'),
      notes('rm a-r'),
      notes('rm -fr x'),
      notes('ls -exec -delete'),
    ]).toEqual([
      ["python3 -c: the interpreter's own code is not emulated"],
      [],
      ["php -r: the interpreter's own code is not emulated"],
      ["node -e: the interpreter's own code is not emulated"],
      ["ruby -e: the interpreter's own code is not emulated"],
      ["perl -e: the interpreter's own code is not emulated"],
      ["python -c: the interpreter's own code is not emulated"],
      ["pwsh -c: the interpreter's own code is not emulated"],
      ["osascript -e: the interpreter's own code is not emulated"],
      ['xargs: the commands it runs take arguments from standard input, which are not known'],
      ['find -exec/-delete: the files it acts on are not known'],
      ['find -exec/-delete: the files it acts on are not known'],
      ['find -exec/-delete: the files it acts on are not known'],
      [],
      ['docker run: processes it starts in another container or pod are not emulated'],
      [],
      ['kubectl exec: processes it starts in another container or pod are not emulated'],
      ['podman build: processes it starts in another container or pod are not emulated'],
      ['crictl create: processes it starts in another container or pod are not emulated'],
      [],
      ['kubectl apply: processes it starts in another container or pod are not emulated'],
      ['rm -r: files inside the directories it names are not known'],
      ['cp -r: files inside the directories it names are not known'],
      ['chmod -r: files inside the directories it names are not known'],
      ['chown -r: files inside the directories it names are not known'],
      ['shred -r: files inside the directories it names are not known'],
      [],
      [],
      [],
      ['rm -r: files inside the directories it names are not known'],
      [],
    ]);
  });

  it('echo, cat of standard input and base64 -d of it pass their output on; with operands they do not', () => {
    const piped = (script: string): string[] => events(script).filter((l) => l.startsWith('execve') && !/^execve (base64|cat|sh|nice|echo|uniq)\b/.test(l));
    expect([
      piped('echo d2hvYW1p | base64 -d | sh'),
      piped('echo d2hvYW1p | base64 --decode | sh'),
      piped('echo " d2hvYW1p " | base64 -d | sh'),
      piped('echo d2hvYW1p | base64 -d x | sh'),
      piped('echo d2hvYW1p | base64 | sh'),
      piped('base64 -d | sh'),
      piped('echo id | cat | sh'),
      piped('echo id | cat f | sh'),
      piped('echo id | cat -n | sh'),
      piped('echo "id whoami" | sh'),
      piped('echo id | nice cat | sh'),
      piped('nice echo id | sh'),
      piped('echo d2hvYW1p | uniq -d | sh'),
      piped('nice echo id x | sh'),
      piped('echo d2hvYW1p | base64 -i | sh'),
    ]).toEqual([
      ['execve whoami (root 0, parent sh)'],
      [],
      ['execve whoami (root 0, parent sh)'],
      [],
      [],
      [],
      ['execve id (root 0, parent sh)'],
      [],
      ['execve id (root 0, parent sh)'],
      ['execve id whoami (root 0, parent sh)'],
      ['execve id (root 0, parent sh)'],
      ['execve id (root 0, parent sh)'],
      [],
      ['execve id x (root 0, parent sh)'],
      [],
    ]);
  });

  it('a network tool\'s connect carries a file descriptor', () => {
    const e = synthesize('curl http://1.2.3.4/', 'sh', readEmulationTables(), 'host', parse);
    expect(e.events.map((x) => `${x.fields['evt.type']} ${x.hasFd}`)).toEqual(['execve false', 'execve false', 'connect true']);
  });
});
