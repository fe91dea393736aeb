// The module-level tables of src/validate/conditions.ts, one member at a time: the text time fields, the nanosecond
// types, the shells and exec events of the ruleset-macro idioms, %container.info and the list-like name pattern. The
// module is imported afresh in every test (vi.resetModules): its tables are made once, when it is loaded, so only a
// test that loads it sees a change to them (StrykerJS counts a table's mutant as covered by the tests that load the
// module, and condition-checks.test.ts loads it once, at its top).
import { describe, expect, it, vi } from 'vitest';

/** "code message" of each finding on rule R with `condition` (and `output`), after `prelude`, the modules fresh. */
async function check(condition: string, prelude = '', output = 'o'): Promise<string[]> {
  vi.resetModules();
  const { readFieldCatalog } = await import('../../../src/falco/field-catalog.js');
  const { parseRulesText } = await import('../../../src/falco/parse.js');
  const { buildRuleset } = await import('../../../src/falco/ruleset.js');
  const { validateRules } = await import('../../../src/validate/validate.js');
  const text = `${prelude}- rule: R\n  desc: d\n  condition: ${JSON.stringify(condition)}\n  output: ${JSON.stringify(output)}\n  priority: INFO\n`;
  const items = parseRulesText(text, 'r.yaml');
  const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]);
  return validateRules({ items, ruleset, fields: readFieldCatalog(), extraSources: [] }).map((i) => `${i.code} ${i.message}`);
}

const EXEC = 'evt.type = execve and ';

describe('conditions.ts tables, each member', () => {
  it('every text time field ordered is a time compared as a string', async () => {
    for (const field of ['evt.time', 'evt.time.s', 'evt.time.iso8601', 'evt.datetime', 'evt.datetime.s']) {
      expect(await check(`${EXEC}${field} > 5`)).toEqual([`time-compared-as-string condition 1:23: ${field} is text: ">" compares strings, not times; compare evt.rawtime (nanoseconds since the epoch) with a number`]);
    }
  });

  it('a field of either nanosecond type compared with a word', async () => {
    // evt.rawtime is an ABSTIME, evt.reltime a RELTIME; the container plugin's container.start_ts and
    // container.duration are the same types, written in lower case in its field table.
    for (const field of ['evt.rawtime', 'evt.reltime', 'container.start_ts', 'container.duration']) {
      expect(await check(`${EXEC}${field} > noon`)).toEqual([`time-compared-as-string condition 1:23: ${field} counts nanoseconds: compare it with a number, not "noon"`]);
      expect(await check(`${EXEC}${field} = "2024-01-01"`)).toEqual([`time-compared-as-string condition 1:23: ${field} counts nanoseconds: compare it with a number, not "2024-01-01"`]);
      expect(await check(`${EXEC}${field} > 1700000000000000000`)).toEqual([]);
    }
  });

  it('every shell listed by hand, where the ruleset has shell_procs', async () => {
    const shellProcs = '- macro: shell_procs\n  condition: proc.name in (bash)\n';
    for (const shell of ['sh', 'bash', 'csh', 'ksh', 'tcsh', 'zsh', 'dash', 'ash', 'fish', 'mksh']) {
      expect(await check(`evt.type = open and proc.name = ${shell}`, shellProcs)).toEqual([`prefer-ruleset-macro condition 1:21: proc.name = ${shell} lists shells by hand; the ruleset has the macro shell_procs, which knows them all`]);
    }
  });

  it('each exec event alone, where the ruleset has spawned_process', async () => {
    const spawned = '- macro: spawned_process\n  condition: evt.type = execve\n';
    for (const event of ['execve', 'execveat']) {
      expect(await check(`evt.type = ${event}`, spawned)).toEqual([`prefer-ruleset-macro condition 1:1: evt.type = ${event} without the exit direction; the ruleset's spawned_process macro matches a successful process start`]);
    }
  });

  it('%container.info in an output is deprecated, not unknown', async () => {
    expect(await check(`${EXEC}proc.name = x`, '', 'o %container.info')).toEqual(['deprecated-field output %container.info is deprecated: Falco loads the rule with a warning and drops it from the output (write %container.id and %container.name)']);
  });

  it('a list-like name is one from its first character to its last, with words of any length joined by underscores', async () => {
    const invented = (name: string) => `unknown-list condition 1:37: "${name}" reads like a list name but no list of that name is defined`;
    for (const name of ['shell_procs', 'my_shell_procs', 'a1_b_procs']) expect(await check(`${EXEC}proc.name in (${name})`)).toEqual([invented(name)]);
    // Not list-like: a first character that is no lower-case letter, or more after the ending.
    for (const name of ['Xshell_procs', '_shell_procs', 'shell_procsx', 'shell_procs2']) expect(await check(`${EXEC}proc.name in (${name})`)).toEqual([]);
  });
});
