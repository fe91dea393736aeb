// Hostile rules files and paths (issue 8, item 4): each is one `error:` line naming the file (and
// line:column for YAML), exit 2, no stack trace, nothing written; what Falco accepts is accepted.
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/coverage-report.js';
import { expectOneLineError, runCli, type CliResult } from '../helpers/cli.js';

const MINI = 'test/fixtures/attack/mini-bundle-2.0.json';
const GOOD_RULE = '- rule: Shell\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: WARNING\n  tags: [T1059, mitre_execution]\n';
let dir: string;
let out: string;
const file = async (name: string, text: string): Promise<string> => {
  const target = path.join(dir, name);
  await writeFile(target, text);
  return target;
};
const report = (rulesPath: string, env: NodeJS.ProcessEnv = {}) => runCli(['report', '--attack', MINI, '--rules', rulesPath, '--out', out], { env });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-hostile-'));
  out = path.join(dir, 'out');
});

afterAll(async () => {
  // Every refused input above wrote nothing.
  expect(await readdir(dir)).not.toContain('out');
});

describe('rules paths that are not regular files', () => {
  it('a FIFO is refused without waiting for a writer', async () => {
    const fifo = path.join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    expectOneLineError(await report(fifo), /fifo\.yaml: cannot read: a FIFO \(named pipe\), not a rules file$/);
  });

  it('a FIFO named *.yaml inside a rules directory is passed over, as Falco passes over what is no regular file (never opened: no hang)', async () => {
    const rulesDir = path.join(dir, 'rules.d');
    await mkdir(rulesDir);
    execFileSync('mkfifo', [path.join(rulesDir, '10-pipe.yaml')]);
    expectOneLineError(await report(rulesDir), /rules\.d: no \*\.yaml rules files found$/);
  });

  it('a device such as /dev/zero', async () => {
    expectOneLineError(await report('/dev/zero'), /^error: (\/dev\/)?zero: cannot read: a character device, not a rules file$/);
  });

  it('a socket', async () => {
    const socketPath = path.join(dir, 'rules.sock');
    const server = net.createServer().listen(socketPath);
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      expectOneLineError(await report(socketPath), /rules\.sock: cannot read: a socket, not a rules file$/);
    } finally {
      server.close();
    }
  });

  it('a symlink loop', async () => {
    await symlink(path.join(dir, 'loop-b.yaml'), path.join(dir, 'loop-a.yaml'));
    await symlink(path.join(dir, 'loop-a.yaml'), path.join(dir, 'loop-b.yaml'));
    expectOneLineError(await report(path.join(dir, 'loop-a.yaml')), /loop-a\.yaml: cannot read: a symlink loop/);
  });

  it('a directory that cannot be listed (as root too: run without the capabilities that bypass permissions)', async () => {
    const locked = path.join(dir, 'locked.d');
    await mkdir(locked);
    await writeFile(path.join(locked, 'r.yaml'), GOOD_RULE);
    await chmod(locked, 0o000);
    const result = await runCli(['lint', '--attack', path.resolve(MINI), '--rules', locked], { cwd: dir, isPermissionChecked: true });
    expectOneLineError(result, /locked\.d: cannot list the directory: permission denied$/);
  });

  it('an ATT&CK bundle that cannot be read (as root too: run without the capabilities that bypass permissions)', async () => {
    const locked = path.join(dir, 'locked-bundle.json');
    await copyFile(MINI, locked);
    await chmod(locked, 0o000);
    const result = await runCli(['lint', '--attack', locked, '--rules', await file('ok.yaml', GOOD_RULE)], { cwd: dir, isPermissionChecked: true });
    expectOneLineError(result, /^error: .*locked-bundle\.json: cannot read: permission denied$/);
  });

  it('a rules file over the size cap, and the cap raised by ATTACK_COV_MAX_RULES_BYTES', async () => {
    const big = await file('big.yaml', GOOD_RULE + `# ${'x'.repeat(2000)}\n`);
    expectOneLineError(await report(big, { ATTACK_COV_MAX_RULES_BYTES: '1KiB' }), /big\.yaml: is \d+ bytes, which is more than the 1 KiB a rules file may have$/);
    const lint = await runCli(['lint', '--attack', MINI, '--rules', big], { env: { ATTACK_COV_MAX_RULES_BYTES: '1MiB' } });
    expect(lint.code).toBe(0);
    expectOneLineError(await report(big, { ATTACK_COV_MAX_RULES_BYTES: 'lots' }), /ATTACK_COV_MAX_RULES_BYTES must be a size such as 33554432 or 32MiB, not "lots"/);
  });
});

describe('hostile YAML', () => {
  // Nine levels of nine aliases: 9^9 strings if expanded.
  const laughs = ['- rule: Laughs', '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...Array.from({ length: 8 }, (_, i) => `  a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(',')}]`)].join('\n');
  const cases: [string, string, RegExp][] = [
    ['billion laughs', `${laughs}\n`, /laughs\.yaml:\d+:\d+: YAML aliases expand to far more nodes than the file holds \(an alias bomb\)$/],
    ['an alias inside its own anchor', '- rule: Self\n  a: &me [1, *me]\n', /self\.yaml:2:\d+: YAML alias \*me refers to a node that contains it$/],
    ['nesting deep enough to overflow the stack', `- rule: Deep\n  tags: ${'['.repeat(20000)}${']'.repeat(20000)}\n`, /deep\.yaml:2:\d+: collections nested more than 100 levels deep$/],
    ['deep nesting that reaches the composer (an alias elsewhere)', `- rule: &n Deep\n  x: *n\n  tags: ${'['.repeat(20000)}${']'.repeat(20000)}\n`, /deepalias\.yaml:3:\d+: collections nested more than 100 levels deep$/],
  ];
  const names = ['laughs', 'self', 'deep', 'deepalias'];
  cases.forEach(([what, text, pattern], i) => {
    it(`${what}: refused quickly with line:column`, async () => {
      const started = Date.now();
      expectOneLineError(await report(await file(`${names[i]}.yaml`, text)), pattern);
      expect(Date.now() - started).toBeLessThan(20_000);
    });
  });

  it('a file of comments only is read as no rule, and said so on stderr (QA: only "0 rules" said it)', async () => {
    const result = await runCli(['lint', '--attack', MINI, '--rules', await file('comments.yaml', '# only a comment\n')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('note: the rules file comments.yaml holds no rule: nothing is covered and nothing is found (an empty or cut-off file?)\n');
  });

  it('a UTF-8 byte order mark is accepted', async () => {
    const result = await runCli(['lint', '--attack', MINI, '--rules', await file('bom.yaml', `\ufeff${GOOD_RULE}`)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('__proto__, constructor and toString as keys and as a source never reach a prototype', async () => {
    const text = [
      '- rule: Proto',
      '  desc: d',
      '  condition: spawned_process',
      '  output: o',
      '  priority: WARNING',
      '  __proto__: {isAdmin: true}',
      '  constructor: x',
      '  toString: y',
      '  source: constructor',
      '  tags: [T1059, mitre_execution]',
      '- rule: Proto2',
      '  desc: d',
      '  condition: {toString: 1, __proto__: 2}',
      '  output: o',
      '  priority: WARNING',
      '  source: __proto__',
      '  tags: [toString, __proto__]',
      '- list: hasOwnProperty',
      '  items: [__proto__, constructor]',
      '',
    ].join('\n');
    const rulesFile = await file('proto.yaml', text);
    const protoOut = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-proto-'));
    const result = await runCli(['report', '--attack', MINI, '--rules', rulesFile, '--out', protoOut, '--format', 'json']);
    expect(result.stderr).not.toMatch(/crashed|error/);
    expect(result.code).toBe(0);
    const written = JSON.parse(await readFile(path.join(protoOut, 'report.json'), 'utf8')) as CoverageReport;
    expect(written.rules.map((r) => [r.name, r.source, r.tags])).toEqual([
      ['Proto', 'constructor', ['T1059', 'mitre_execution']],
      ['Proto2', '__proto__', ['toString', '__proto__']],
    ]);
    // Neither source names a platform: Object.prototype's constructor is not a list of platforms.
    expect(written.scope).toEqual({ platforms: [], from: 'sources', sources: ['__proto__', 'constructor'] });
    const validate = await runCli(['validate', rulesFile, '--format', 'json', '--fail-on', 'none']);
    expect(validate.code).toBe(0);
    const issues = (JSON.parse(validate.stdout) as { issues: { code: string; message: string }[] }).issues;
    expect(issues.filter((i) => i.code === 'unknown-key').map((i) => i.message)).toEqual([
      'rule "Proto" has an unknown key "__proto__", which Falco ignores',
      'rule "Proto" has an unknown key "constructor", which Falco ignores',
      'rule "Proto" has an unknown key "toString", which Falco ignores',
    ]);
    expect(issues.filter((i) => i.code === 'unknown-source').map((i) => i.message)).toEqual([
      expect.stringMatching(/^source "constructor"/),
      expect.stringMatching(/^source "__proto__"/),
    ]);
  });

  // Falco reads rules with yaml-cpp, whose node[key] returns the first of duplicate keys.
  for (const [what, extra] of [['the fast CST reader', ''], ['the composer (an alias elsewhere in the file)', '- list: l\n  items: &i [a]\n- list: m\n  items: *i\n']] as const) {
    it(`duplicate keys are reported with line:column and resolved as Falco does: ${what}`, async () => {
      const text = `${extra}- rule: Dup\n  desc: d\n  condition: spawned_process and proc.name = first\n  output: o\n  priority: WARNING\n  condition: proc.name = second\n`;
      const rulesFile = await file(`dup${extra ? '-composed' : ''}.yaml`, text);
      const validate = await runCli(['validate', rulesFile, '--format', 'json', '--fail-on', 'none']);
      const line = text.split('\n').indexOf('  condition: proc.name = second') + 1;
      const issues = (JSON.parse(validate.stdout) as { issues: { code: string; line: number; column: number; message: string }[] }).issues;
      expect(issues.filter((i) => i.code === 'duplicate-key')).toEqual([
        expect.objectContaining({ line, column: 3, message: `key "condition" is written again; Falco uses the first one, at line ${line - 3}:3, and ignores this one` }),
      ]);
      const stylish = await runCli(['validate', rulesFile, '--fail-on', 'none']);
      expect(stylish.stdout).toMatch(new RegExp(`dup(-composed)?\\.yaml:${line}  warning  duplicate-key  \\[Dup\\]`));
    });
  }
});

describe('large rules files that Falco loads', () => {
  const expectValid = (result: CliResult) => {
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^valid\n/);
    expect(result.code).toBe(0);
  };
  const rule = (condition: string) => `- rule: Deep\n  desc: d\n  condition: ${condition}\n  output: o\n  priority: WARNING\n  tags: [T1529, mitre_impact]\n`;

  it('a condition of 20,000 or terms validates (each and/or used to re-read the condition from its start, and a recursive walk of the tree ran out of stack)', async () => {
    const terms = Array.from({ length: 20_000 }, (_, i) => `proc.name = p${i}`).join(' or ');
    expectValid(await runCli(['validate', await file('long-or.yaml', rule(`evt.type = execve and (${terms})`))]));
  });

  it('2,000 lists each naming the next validate (the recursive expansion ran out of stack)', async () => {
    const lists = Array.from({ length: 2_000 }, (_, i) => `- list: l${i}\n  items: [${i === 1_999 ? 'x' : `l${i + 1}`}]\n`).join('');
    expectValid(await runCli(['validate', await file('deep-lists.yaml', `${lists}${rule('evt.type = execve and proc.name in (l0)')}`)]));
  });

  it('20,000 macros each using the one before validate (the recursive walk through macros ran out of stack)', async () => {
    const macros = Array.from({ length: 20_000 }, (_, i) => `- macro: m${i}\n  condition: ${i === 0 ? 'evt.type = execve' : `m${i - 1} and proc.name != n${i}`}\n`).join('');
    expectValid(await runCli(['validate', await file('deep-macros.yaml', `${macros}${rule('m19999 and proc.name = shutdown')}`)]));
  });
});

describe('terminal safety', () => {
  // A rule name and tag with an OSC title sequence, a bidi override, and a newline forging an error line.
  const evil = '- rule: "Evil \\e]0;pwned\\a name \\u202eoverride\\nerror: forged line"\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: WARNING\n  tags: [T9999, mitre_execution]\n';
  const isClean = (text: string): void => {
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).not.toMatch(/^error: forged line/m);
  };

  it('lint lines escape control characters, escapes, bidi overrides and newlines from the rules', async () => {
    const result = await runCli(['lint', '--attack', MINI, '--rules', await file('evil.yaml', evil), '--fail-on', 'none']);
    expect(result.code).toBe(0);
    isClean(result.stdout);
    expect(result.stdout).toContain('Evil \\u001b]0;pwned\\u0007 name \\u202eoverride\\nerror: forged line');
  });

  it('error lines too (InputError messages quote the input)', async () => {
    const broken = '- rule: "Bad \\e]0;title\\a \\u202e\\nerror: forged"\n  enabled: false\n';
    const result = await runCli(['lint', '--attack', MINI, '--rules', await file('evil-error.yaml', broken)]);
    expectOneLineError(result, /evil-error\.yaml:1:3: rule "Bad \\u001b\]0;title\\u0007 \\u202e\\nerror: forged" is enabled or disabled before it is defined$/);
    isClean(result.stderr);
  });

  // The note escapes the name itself: the output guard alone would keep \\e[31m, one of attack-cov's own colours.
  it('notes on stderr escape what they quote: a source whose name holds colour codes cannot black out what follows (QA)', async () => {
    const coloured = GOOD_RULE.replace('  tags:', '  source: "myplugin\\e[31m\\e[30;40m"\n  tags:');
    const result = await runCli(['lint', '--attack', MINI, '--rules', await file('evil-source.yaml', coloured), '--fail-on', 'none']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('note: attack-cov does not know which ATT&CK platforms the source myplugin\\u001b[31m\\u001b[30;40m observes');
    expect(result.stderr).not.toContain('\u001b');
  });

  it('the --fix-dry-run diff escapes each line', async () => {
    const fixable = '- rule: "Diff \\u202e name"\n  desc: d\n  condition: spawned_process\n  output: o\n  priority: WARNING\n  tags: [technique_id=T1059, mitre_execution]  # \u202e\u0007 comment\n';
    const result = await runCli(['lint', '--attack', MINI, '--rules', await file('evil-diff.yaml', fixable), '--fix-dry-run']);
    expect(result.stdout).toMatch(/^\+  tags: \[T1059, mitre_execution\]  # \\u202e\\u0007 comment$/m);
    isClean(result.stdout);
  });
});
