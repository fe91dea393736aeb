// Running procedures against rules: which rules are compiled (enabled syscall rules only, those a filter
// keeps, failures listed with why), the one-line description of an event (what it names, flags or port,
// newlines, the 240-character cap), the first matching event per rule and context, the sorted fields an
// undetermined rule needed, and the result of one procedure and of all (streams dropped).
import { beforeAll, describe, expect, it } from 'vitest';
import type { SyntheticEvent } from '../../../src/emulate/event.js';
import type { Procedure } from '../../../src/emulate/procedures.js';
import { compileRules, CONTEXTS, describeEvent, emulateAll, emulateProcedure } from '../../../src/emulate/run-rules.js';
import { FALSE, TRUE } from '../../../src/emulate/evaluate.js';
import type { ShellParser } from '../../../src/emulate/shell-ast.js';
import { loadShellParser } from '../../../src/emulate/shell-parse.js';
import { readEmulationTables } from '../../../src/emulate/tables.js';
import type { FalcoRule } from '../../../src/falco/types.js';
import { macrosAndLists } from '../../helpers/ruleset.js';

let parse: ShellParser;
beforeAll(async () => {
  parse = await loadShellParser();
});

const at = { file: 'r.yaml', line: 1, column: 1 };
const rule = (name: string, condition: string, over: Partial<FalcoRule> = {}): FalcoRule =>
  ({ name, position: at, condition, output: '', desc: '', priority: 'WARNING', source: 'syscall', isEnabled: true, tags: [], modifiedAt: [], ...over });
const event = (fields: Record<string, string | number>): SyntheticEvent => ({ num: 1, fields: { 'proc.name': 'cat', 'proc.pname': 'sh', ...fields }, ancestors: [], env: {}, absent: [], hasFd: false });

describe('compileRules', () => {
  it('compiles enabled syscall rules the filter keeps, and lists those it cannot compile with why', () => {
    const rules = [
      rule('A', 'proc.name = cat'),
      rule('Off', 'proc.name = cat', { isEnabled: false }),
      rule('Audit', 'ka.verb = get', { source: 'k8s_audit' }),
      rule('Broken', 'no_such_macro'),
      rule('Skipped', 'proc.name = id'),
      rule('B', 'proc.name = id'),
    ];
    const { rules: compiled, failed } = compileRules({ rules, ...macrosAndLists() }, (r) => r.name !== 'Skipped');
    expect(compiled.map((r) => r.name)).toEqual(['A', 'B']);
    expect(failed).toEqual([{ rule: 'Broken', why: 'not evaluated: undefined macro no_such_macro' }]);
    expect(compileRules({ rules, ...macrosAndLists() }).rules.map((r) => r.name)).toEqual(['A', 'Skipped', 'B']);
  });

  it('lists the rules that name fields Falco does not have, through their macros too (compiled once, named for each rule), and still evaluates them', () => {
    const macros = macrosAndLists({ spawned_process: 'evt.type in (execve, execveat) and evt.dirs = <', plain: 'proc.name = sh', nested: 'spawned_process and proc.name = x' });
    const rules = [
      rule('Old', 'spawned_process and proc.name = shutdown'),
      rule('Again', 'spawned_process and evt.argv contains x'),
      rule('Nested', 'nested and plain'),
      rule('Clean', 'plain and evt.type = execve'),
      rule('Twice', 'evt.dirs = < or evt.dirs = >'),
    ];
    const { rules: compiled, failed } = compileRules({ rules, ...macros });
    expect(compiled.map((r) => r.name)).toEqual(['Old', 'Again', 'Nested', 'Clean', 'Twice']);
    const why = (problems: string) => `fields as Falco 0.44 does not take them (${problems}): those checks are false here, and Falco does not load the rule`;
    const dir = 'unknown field evt.dirs; did you mean evt.arg?';
    expect(failed).toEqual([
      { rule: 'Old', why: why(dir) },
      { rule: 'Again', why: why(`unknown field evt.argv; did you mean evt.arg?; ${dir}`) },
      { rule: 'Nested', why: why(dir) },
      { rule: 'Twice', why: why(dir) },
    ]);
    // Evaluated all the same: a check on such a field is false (the shutdown execve does not match), the others as ever.
    expect(compiled[0]!.test(event({ 'evt.type': 'execve', 'proc.name': 'shutdown' }), new Set())).toBe(FALSE);
    expect(compiled[3]!.test(event({ 'evt.type': 'execve', 'proc.name': 'sh' }), new Set())).toBe(TRUE);
  });

  it('joins a rule\'s exceptions to its condition as Falco does, and lists a rule whose exceptions Falco refuses', () => {
    const exceptions = (spec: Record<string, unknown>[]) => ({ exceptions: spec.map((ex) => ({ values: [], ...ex, position: at })) as FalcoRule['exceptions'] });
    const rules = [
      rule('Excepted', 'evt.type = execve and proc.name = shutdown', exceptions([{ name: 'allow', fields: 'proc.name', comps: 'in', values: ['shutdown'] }])),
      rule('Tuple', 'evt.type = execve', exceptions([{ name: 'parents', fields: ['proc.name', 'proc.pname'], comps: ['=', 'in'], values: [['shutdown', 'sh'], ['cat', ['bash', 'zsh']]] }])),
      rule('Broken', 'evt.type = execve', exceptions([{ name: 'short', fields: ['proc.name', 'proc.pname'], values: [['shutdown']] }])),
    ];
    const { rules: compiled, failed } = compileRules({ rules, ...macrosAndLists() });
    expect(compiled.map((r) => r.name)).toEqual(['Excepted', 'Tuple']);
    expect(failed).toEqual([{ rule: 'Broken', why: 'not evaluated: exception short: Fields and values lists must have equal length' }]);
    const shutdown = event({ 'evt.type': 'execve', 'proc.name': 'shutdown', 'proc.pname': 'sh' });
    expect(compiled.map((r) => r.test(shutdown, new Set()))).toEqual([FALSE, FALSE]);
    expect(compiled[1]!.test(event({ 'evt.type': 'execve', 'proc.name': 'shutdown', 'proc.pname': 'bash' }), new Set())).toBe(TRUE);
    expect(compiled[1]!.test(event({ 'evt.type': 'execve', 'proc.name': 'cat', 'proc.pname': 'zsh' }), new Set())).toBe(FALSE);
  });

  it('does not evaluate a rule with skip-if-unknown-filter that names an unknown field: Falco skips it', () => {
    const rules = [rule('Skipped', 'evt.type = execve and proc.nme = x and fd.nme = y', { skipsUnknownFilter: true }), rule('Kept', 'evt.type = execve and proc.name[1] = x', { skipsUnknownFilter: true }), rule('Known', 'proc.name = x', { skipsUnknownFilter: true })];
    const { rules: compiled, failed } = compileRules({ rules, ...macrosAndLists() });
    expect(compiled.map((r) => r.name)).toEqual(['Kept', 'Known']);
    expect(failed.map((f) => f.why)).toEqual([
      'not evaluated: Falco skips the rule (skip-if-unknown-filter: true) for what its condition names (unknown field fd.nme; did you mean fd.name?; unknown field proc.nme; did you mean proc.name?)',
      'fields as Falco 0.44 does not take them (proc.name takes no argument, but [1] is given): those checks are false here, and Falco does not load the rule',
    ]);
  });

  it('names a known field written with an argument it does not take, or without one it needs, for what it is', () => {
    const { failed } = compileRules({ rules: [rule('BadArg', 'evt.type = execve and proc.name[1] = sh'), rule('NoArg', 'evt.arg = 1'), rule('Fine', 'proc.aname[1] = sh')], ...macrosAndLists() });
    expect(failed).toEqual([
      { rule: 'BadArg', why: 'fields as Falco 0.44 does not take them (proc.name takes no argument, but [1] is given): those checks are false here, and Falco does not load the rule' },
      { rule: 'NoArg', why: 'fields as Falco 0.44 does not take them (evt.arg needs an argument, e.g. evt.arg[name]): those checks are false here, and Falco does not load the rule' },
    ]);
  });
});

describe('describeEvent', () => {
  it('an execve is its command line and parent', () => {
    expect(describeEvent(event({ 'evt.type': 'execve', 'proc.cmdline': 'cat /etc/shadow', 'fd.name': '/x' }))).toBe('execve cat /etc/shadow [parent sh]');
  });

  it('names the first of fd.name, evt.arg.name, path, oldpath, filename, linkpath, server name', () => {
    const order = ['fd.name', 'evt.arg.name', 'evt.arg.path', 'evt.arg.oldpath', 'evt.arg.filename', 'evt.arg.linkpath', 'fd.sip.name'];
    const lines = order.map((_, i) => describeEvent(event({ 'evt.type': 'x', ...Object.fromEntries(order.slice(i).map((k) => [k, k])) })));
    expect(lines).toEqual(order.map((k) => `x by cat ${k} [parent sh]`));
    expect(describeEvent(event({ 'evt.type': 'setuid' }))).toBe('setuid by cat [parent sh]');
    expect(describeEvent(event({ 'evt.type': 'x', 'fd.name': '' }))).toBe('x by cat [parent sh]');
  });

  it('adds an open\'s flags or a connection\'s port; newlines become ⏎; long lines are cut at 240', () => {
    expect(describeEvent(event({ 'evt.type': 'openat', 'fd.name': '/etc/shadow', 'evt.arg.flags': 'O_RDONLY', 'fd.sport': 1 }))).toBe('openat by cat /etc/shadow (O_RDONLY) [parent sh]');
    expect(describeEvent(event({ 'evt.type': 'connect', 'fd.sip.name': 'h', 'fd.sport': 443 }))).toBe('connect by cat h:443 [parent sh]');
    expect(describeEvent(event({ 'evt.type': 'execve', 'proc.cmdline': 'sh -c a  \n  b\nc' }))).toBe('execve sh -c a ⏎ b ⏎ c [parent sh]');
    const long = describeEvent(event({ 'evt.type': 'execve', 'proc.cmdline': 'x'.repeat(300) }));
    expect([long.length, long.endsWith('x…'), long.startsWith('execve xxx')]).toEqual([240, true, true]);
    const exact = `execve ${'x'.repeat(240 - 'execve  [parent sh]'.length)} [parent sh]`;
    expect(describeEvent(event({ 'evt.type': 'execve', 'proc.cmdline': 'x'.repeat(240 - 'execve  [parent sh]'.length) }))).toBe(exact);
  });
});

describe('emulateProcedure and emulateAll', () => {
  it('fires on the first matching event in each context, lists undetermined rules with the fields they needed', () => {
    const procedure: Procedure = { id: 'p1', technique: 'T1003.008', name: 'read shadow', executor: 'sh', command: 'id; cat /etc/shadow; cat /etc/shadow; echo a\necho b', kind: 'atomic' };
    const rules = compileRules({
      rules: [
        rule('Shadow', 'evt.type = openat and fd.name = /etc/shadow'),
        rule('Container only', 'evt.type = execve and container.id != host and proc.name = id'),
        rule('Needs', 'evt.type = execve and proc.name = id and (proc.sname = x or proc.sid = 1)'),
        rule('Never', 'proc.name = nothing-runs-this'),
      ],
      ...macrosAndLists(),
    }).rules;
    const tables = readEmulationTables();
    const result = emulateProcedure(procedure, rules, tables, parse);
    expect(CONTEXTS).toEqual(['host', 'container']);
    expect(Object.keys(result.streams)).toEqual(['host', 'container']);
    const hostShadow = result.streams.host.findIndex((e) => e.fields['fd.name'] === '/etc/shadow' && e.fields['evt.type'] === 'openat');
    expect(result.fired).toEqual([
      { rule: 'Shadow', context: 'host', eventNum: hostShadow + 1, event: 'openat by cat /etc/shadow (O_RDONLY) [parent sh]' },
      { rule: 'Shadow', context: 'container', eventNum: hostShadow + 1, event: 'openat by cat /etc/shadow (O_RDONLY) [parent sh]' },
      { rule: 'Container only', context: 'container', eventNum: 2, event: 'execve id [parent sh]' },
    ]);
    expect(result.undetermined).toEqual([
      { rule: 'Needs', context: 'host', needs: ['proc.sid', 'proc.sname'] },
      { rule: 'Needs', context: 'container', needs: ['proc.sid', 'proc.sname'] },
    ]);
    const { streams, fired: _f, undetermined: _u, ...rest } = result;
    expect(rest).toEqual({
      id: 'p1',
      kind: 'atomic',
      technique: 'T1003.008',
      name: 'read shadow',
      executor: 'sh',
      events: { host: streams.host.length, container: streams.container.length },
      unmodeled: [],
    });
    expect(streams.host.length).toBeGreaterThan(4);
  });

  it('keeps a benign item\'s category, says each unmodeled thing once across contexts, and drops the streams for all', () => {
    const procedure: Procedure = { id: 'b1', name: 'ci', executor: 'bash', command: 'xargs rm', kind: 'benign', category: 'ci' };
    const tables = readEmulationTables();
    const one = emulateProcedure(procedure, [], tables, parse);
    expect([one.unmodeled, 'technique' in one, one.category, one.fired, one.undetermined]).toEqual([['xargs: the commands it runs take arguments from standard input, which are not known'], false, 'ci', [], []]);
    const all = emulateAll([procedure, { ...procedure, id: 'b2', category: undefined }], [], tables, parse);
    expect(all.map((r) => Object.keys(r))).toEqual([
      ['id', 'kind', 'name', 'executor', 'category', 'events', 'unmodeled', 'fired', 'undetermined'],
      ['id', 'kind', 'name', 'executor', 'events', 'unmodeled', 'fired', 'undetermined'],
    ]);
    expect(all[0]!.events).toEqual({ host: 2, container: 2 });
  });
});
