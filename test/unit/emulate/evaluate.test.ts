// The condition evaluator against Falco's documented semantics (falco.org/docs/concepts/rules/conditions),
// operator by operator, on one hand-made event; then macros, lists, overrides and three-valued logic.
import { describe, expect, it } from 'vitest';
import { ConditionCompiler, ConditionError, FALSE, TRUE, UNKNOWN, type Truth } from '../../../src/emulate/evaluate.js';
import type { SyntheticEvent } from '../../../src/emulate/event.js';
import { macrosAndLists } from '../../helpers/ruleset.js';

const ruleset = macrosAndLists;

/** An openat by `cat` run from bash under sshd, writing /root/.bash_history. */
const event: SyntheticEvent = {
  num: 7,
  fields: {
    'evt.type': 'openat',
    'evt.dir': '<',
    'evt.num': 7,
    'evt.arg.flags': 'O_WRONLY|O_CREAT|O_TRUNC',
    'evt.arg.name': '/root/.bash_history',
    'evt.rawres': 3,
    'proc.name': 'cat',
    'proc.exe': 'cat',
    'proc.exepath': '/usr/bin/cat',
    'proc.cmdline': 'cat /dev/null',
    'proc.args': '/dev/null',
    'proc.pname': 'bash',
    'proc.tty': 34816,
    'proc.pid': 300,
    'user.uid': 0,
    'user.name': 'root',
    'proc.is_exe_writable': false,
    'fd.name': '/root/.bash_history',
    'fd.num': 3,
    'fd.typechar': 'f',
    'fd.sip': '10.1.2.3',
    'fd.net': '10.1.2.3',
    'fd.sport': 443,
    'container.id': 'host',
    'evt.buffer': 'cat',
  },
  ancestors: [
    { pid: 200, name: 'bash', exe: '-bash', exepath: '/usr/bin/bash', cmdline: 'bash' },
    { pid: 100, name: 'sshd', exe: 'sshd', exepath: '/usr/sbin/sshd', cmdline: 'sshd: root@pts/0' },
  ],
  env: { HOME: '/root', PATH: '/usr/bin:/bin' },
  absent: ['k8s.'],
  hasFd: true,
};

function run(condition: string, rules = ruleset(), e: SyntheticEvent = event): { truth: Truth; needs: string[] } {
  const needs = new Set<string>();
  const truth = new ConditionCompiler(rules).compile(condition)(e, needs);
  return { truth, needs: [...needs] };
}
const truth = (condition: string): Truth => run(condition).truth;

describe('comparison operators', () => {
  const table: [string, Truth][] = [
    ['proc.name = cat', TRUE],
    ['proc.name == cat', TRUE],
    ['proc.name = Cat', FALSE],
    ['proc.name != cat', FALSE],
    ['proc.name != grep', TRUE],
    ['user.uid = 0', TRUE],
    ['user.uid = 00', TRUE], // numbers compare as numbers
    ['user.uid < 1', TRUE],
    ['user.uid <= 0', TRUE],
    ['user.uid > 0', FALSE],
    ['user.uid >= 0', TRUE],
    ['proc.pid > 99', TRUE],
    ['proc.pid < 99', FALSE],
    ['fd.num >= 0', TRUE],
    ['proc.tty != 0', TRUE],
    ['proc.cmdline contains "/dev/null"', TRUE],
    ['proc.cmdline contains NULL', FALSE],
    ['proc.cmdline icontains "/DEV/NULL"', TRUE],
    ['evt.arg.flags contains O_TRUNC', TRUE], // flags: contains = the flag is set
    ['evt.arg.flags contains O_APPEND', FALSE],
    ['proc.exepath startswith /usr/', TRUE],
    ['proc.exepath startswith /bin/', FALSE],
    ['fd.name endswith ash_history', TRUE],
    ['fd.name endswith zsh_history', FALSE],
    ['evt.buffer bcontains 6174', TRUE], // "at" in hex (a byte buffer: Falco takes bcontains on no text field)
    ['evt.buffer bcontains 7a7a', FALSE],
    ['evt.buffer bstartswith 6361', TRUE], // "ca"
    ['evt.buffer bstartswith 6174', FALSE],
    // fnmatch: a backslash escapes the next character (written \\ in a quoted condition string, which unescapes it).
    ['fd.name glob "/root/\\\\.bash_histor?"', TRUE],
    ['fd.name glob "/\\\\r??t/*"', TRUE],
    ['fd.name glob "/[[:lower:]]oot/*"', TRUE], // POSIX classes in brackets
    ['fd.name glob "/[[:upper:]]oot/*"', FALSE],
    ['fd.name glob "/root/.*_history"', TRUE],
    ['fd.name glob "/root/*"', TRUE],
    ['fd.name glob "/root"', FALSE], // glob matches the whole value
    ['fd.name glob "/r??t/.bash_histor[xy]"', TRUE],
    ['fd.name iglob "/ROOT/*"', TRUE],
    ['proc.exepath regex "/usr/bin/[a-z]+"', TRUE],
    ['proc.exepath regex "bin"', FALSE], // regex matches the whole value (RE2 ANCHOR_BOTH)
    ['proc.exepath regex ".*bin.*"', TRUE],
  ];
  for (const [condition, expected] of table) it(`${condition} → ${expected}`, () => expect(truth(condition)).toBe(expected));
});

describe('set operators', () => {
  const table: [string, Truth][] = [
    ['proc.name in (cat, grep)', TRUE],
    ['proc.name in (grep, sed)', FALSE],
    ['proc.name in ()', FALSE],
    ['user.uid in (0, 1000)', TRUE],
    ['proc.name intersects (cat, grep)', TRUE],
    ['proc.name intersects (grep)', FALSE],
    ['fd.name pmatch (/etc, /root)', TRUE],
    ['fd.name pmatch (/etc, /ro)', FALSE], // a prefix by path components, not by characters
    ['fd.name pmatch (/r*t)', TRUE], // globs in pmatch paths (Falco 0.36+)
    ['fd.name pmatch (/root/.bash_history/more)', FALSE],
  ];
  for (const [condition, expected] of table) it(`${condition} → ${expected}`, () => expect(truth(condition)).toBe(expected));

  it('a list field is "in" a set only when every value is, and intersects when one is', () => {
    const withTypes: SyntheticEvent = { ...event, fields: { ...event.fields } };
    // proc.aname without an index stands for every ancestor: any of them may match.
    expect(run('proc.aname = sshd', ruleset(), withTypes).truth).toBe(TRUE);
    expect(run('proc.aname in (sshd, init)', ruleset(), withTypes).truth).toBe(TRUE);
    expect(run('proc.aname = init', ruleset(), withTypes).truth).toBe(FALSE);
  });
});

describe('exists, booleans, IP addresses and networks', () => {
  const table: [string, Truth][] = [
    ['proc.name exists', TRUE],
    ['k8s.ns.name exists', FALSE], // absent for this event: Falco cannot extract it
    ['proc.is_exe_writable = false', TRUE],
    ['proc.is_exe_writable = true', FALSE],
    ['fd.sip = 10.1.2.3', TRUE],
    ['fd.sip = 10.1.2.4', FALSE],
    ['fd.sip in (10.0.0.0/8, 192.168.0.0/16)', TRUE],
    ['fd.net = "10.0.0.0/8"', TRUE],
    ['fd.net = "127.0.0.0/8"', FALSE],
    ['fd.net != "127.0.0.0/8"', TRUE],
    ['fd.sport = 443', TRUE],
  ];
  for (const [condition, expected] of table) it(`${condition} → ${expected}`, () => expect(truth(condition)).toBe(expected));
});

describe('field arguments and transformers', () => {
  const table: [string, Truth][] = [
    ['proc.aname[0] = cat', TRUE],
    ['proc.aname[1] = bash', TRUE],
    ['proc.aname[2] = sshd', TRUE],
    ['proc.aname[3] = sshd', FALSE], // no such ancestor: absent
    ['proc.aexepath[2] = /usr/sbin/sshd', TRUE],
    ['evt.arg.name = /root/.bash_history', TRUE],
    ['evt.arg[name] = /root/.bash_history', TRUE],
    ['evt.arg.uid = 0', FALSE], // openat has no uid parameter: absent
    ['evt.arg[2] = /root/.bash_history', TRUE], // by number, by position: openat's fd, dirfd, name, flags …
    ['evt.arg[3] contains O_TRUNC', TRUE],
    ['evt.arg[7] = 0', FALSE], // openat has 7 parameters: [7] is none
    ['proc.env[HOME] = /root', TRUE],
    ['proc.env["HOME"] = /root', TRUE], // a quoted argument is the text it quotes (libsinsp lex_quoted_str)
    ["proc.aname['1'] = bash", TRUE],
    ['proc.aname["2"] = sshd', TRUE],
    ['proc.env[SHELL] exists', FALSE],
    ['toupper(proc.name) = CAT', TRUE],
    ['tolower(proc.exepath) = /usr/bin/cat', TRUE],
    ['basename(fd.name) = .bash_history', TRUE],
    ['len(proc.name) = 3', TRUE],
    ['len(proc.name) > 3', FALSE],
    ['b64(proc.name) = x', FALSE], // "cat" is not base64 (length): the extraction fails
    ['proc.pname = val(proc.aname[1])', TRUE],
    ['proc.name = val(proc.pname)', FALSE],
  ];
  for (const [condition, expected] of table) it(`${condition} → ${expected}`, () => expect(truth(condition)).toBe(expected));

  it('b64 decodes base64', () => {
    const encoded: SyntheticEvent = { ...event, fields: { ...event.fields, 'proc.args': Buffer.from('id; whoami').toString('base64') } };
    expect(run('b64(proc.args) contains whoami', ruleset(), encoded).truth).toBe(TRUE);
  });
});

describe('macros, lists and overrides', () => {
  it('expands macros and lists, lists inside lists, quoted items as literals', () => {
    const rules = ruleset({ open_write: 'evt.type in (open, openat) and evt.arg.flags contains O_WRONLY', history: 'fd.name endswith ash_history' }, { readers: ['cat', 'less'], tools: ['readers', 'grep'] });
    expect(run('open_write and history and proc.name in (tools)', rules).truth).toBe(TRUE);
    expect(run('proc.name in ("tools")', rules).truth).toBe(FALSE);
    // A list named without parentheses: Falco pastes its items there as text (`in cat, less`), which parses only for
    // a list of one item; a word that is no list is the one value it spells.
    expect(() => run('proc.name in readers', rules)).toThrow('list readers is used as one value, but Falco pastes its 2 values there (cat, less): use "in (readers)"');
    const one = ruleset({}, { only_cat: ['cat'] });
    expect(run('proc.name in only_cat', one).truth).toBe(TRUE);
    expect(run('proc.name in cat and not proc.name in grep', one).truth).toBe(TRUE);
    expect(run('proc.name in less', one).truth).toBe(FALSE);
  });
  it('uses the macro and list as the ruleset has them after overrides (an appended exception)', () => {
    const rules = ruleset({ allowed: 'proc.name in (known_cat)' }, { known_cat: ['grep', 'cat'] });
    expect(run('evt.type = openat and not allowed', rules).truth).toBe(FALSE);
  });
  it('reads list items as Falco pastes them into the condition: self-quoted items are plain strings', () => {
    // The official rfc_1918_addresses and login_binaries write their items with their own quotes.
    const rules = ruleset({}, { rfc_1918_addresses: ['"10.0.0.0/8"', '"172.16.0.0/12"', '"192.168.0.0/16"'], logins: ['"(systemd)"', 'my app', "'cat'"] });
    expect(run('fd.sip in (rfc_1918_addresses)', rules).truth).toBe(TRUE);
    expect(run('fd.net in (rfc_1918_addresses)', rules).truth).toBe(TRUE);
    expect(run('proc.name in (logins)', rules).truth).toBe(TRUE);
    const systemd: SyntheticEvent = { ...event, fields: { ...event.fields, 'proc.name': '(systemd)' } };
    expect(run('proc.name in (logins)', rules, systemd).truth).toBe(TRUE);
  });
  it('refuses a list whose item does not parse once pasted (Falco refuses the rule)', () => {
    expect(() => run('proc.name in (bad)', ruleset({}, { bad: ['"a" b'] }))).toThrow('list bad: the item "\\"a\\" b" does not parse');
  });
  it('a list used as one value: its one value, or refused when it has more or fewer (Falco pastes them all there)', () => {
    const rules = ruleset({}, { one: ['cat'], two: ['cat', 'grep'], none: [] });
    expect(run('proc.name = one', rules).truth).toBe(TRUE);
    expect(() => run('proc.name = two', rules)).toThrow('list two is used as one value, but Falco pastes its 2 values there (cat, grep): use "in (two)"');
    expect(() => run('proc.name != none', rules)).toThrow('list none is used as one value, but Falco pastes its 0 values there (): use "in (none)"');
    expect(run('proc.name in (two)', rules).truth).toBe(TRUE);
  });
  it('refuses an undefined macro and a macro that includes itself', () => {
    expect(() => run('missing_macro', ruleset())).toThrow(ConditionError);
    expect(() => run('loop', ruleset({ loop: 'proc.name = x or loop' }))).toThrow(/includes itself/);
  });
});

describe('three-valued logic', () => {
  it('a check on a field the event does not know is unknown, and says which field', () => {
    expect(run('fd.cip = 1.2.3.4')).toEqual({ truth: UNKNOWN, needs: ['fd.cip'] });
  });
  it('and/or/not follow Kleene logic: false and unknown is false, true or unknown is true', () => {
    expect(truth('proc.name = grep and fd.cip = 1.2.3.4')).toBe(FALSE);
    expect(truth('proc.name = cat and fd.cip = 1.2.3.4')).toBe(UNKNOWN);
    expect(truth('proc.name = cat or fd.cip = 1.2.3.4')).toBe(TRUE);
    expect(truth('proc.name = grep or fd.cip = 1.2.3.4')).toBe(UNKNOWN);
    expect(truth('not fd.cip = 1.2.3.4')).toBe(UNKNOWN);
    expect(truth('not proc.name = grep')).toBe(TRUE);
  });
  it('an unknown evt.arg parameter of this event type is unknown, one it does not have is absent', () => {
    expect(run('evt.arg.dirfd = 3')).toEqual({ truth: UNKNOWN, needs: ['evt.arg.dirfd'] });
    expect(run('evt.arg.target = x')).toEqual({ truth: FALSE, needs: [] });
    expect(run('evt.arg[1] = 3')).toEqual({ truth: UNKNOWN, needs: ['evt.arg.dirfd'] });
  });
  it('fd fields of an event without a file descriptor are absent, not unknown', () => {
    const exec: SyntheticEvent = { ...event, hasFd: false, fields: { 'evt.type': 'execve', 'proc.name': 'cat' } };
    expect(run('fd.name = x', ruleset(), exec)).toEqual({ truth: FALSE, needs: [] });
    expect(run('not fd.name = x', ruleset(), exec).truth).toBe(TRUE);
  });
});

describe('fields Falco does not have', () => {
  it('are never extracted: the check is false, not unknown (an invented evt.argv matches nothing)', () => {
    expect(run('evt.argv[1] contains shutdown')).toEqual({ truth: FALSE, needs: [] });
    expect(run('not proc.nonexistent = x').truth).toBe(TRUE);
  });
});

describe('fields Falco deprecated but still loads', () => {
  it('evt.dir as Falco 0.42+ reads it: every event is an exit event', () => {
    const execve: SyntheticEvent = { ...event, fields: { 'evt.type': 'execve', 'proc.name': 'sh' } };
    for (const e of [event, execve]) {
      expect(run('evt.dir = <', ruleset(), e)).toEqual({ truth: TRUE, needs: [] });
      expect(run('evt.dir = >', ruleset(), e)).toEqual({ truth: FALSE, needs: [] });
      expect(run('evt.dir != >', ruleset(), e).truth).toBe(TRUE);
      expect(run('evt.dir in (<, x)', ruleset(), e).truth).toBe(TRUE);
    }
  });
  it('the evt.latency family is unknown to the synthesis, as any field it does not make', () => {
    expect(run('evt.latency > 0')).toEqual({ truth: UNKNOWN, needs: ['evt.latency'] });
    expect(run('evt.wait.latency > 0')).toEqual({ truth: UNKNOWN, needs: ['evt.wait.latency'] });
  });
});
