// The condition checker's findings, one idiom at a time, on tiny inline rules: event parameters, list-like
// values, times compared as text, event names, macro references and cycles, the shell and exec idioms and
// output fields. Each case pins the exact finding (or its absence) a draft's author would read.
import { describe, expect, it } from 'vitest';
import { readFieldCatalog } from '../../../src/falco/field-catalog.js';
import { parseRulesText } from '../../../src/falco/parse.js';
import { buildRuleset } from '../../../src/falco/ruleset.js';
import { validateRules } from '../../../src/validate/validate.js';

const fields = readFieldCatalog();

/** Findings for one rule (R) with `condition`, after `prelude` items (macros, lists); "code message" each. */
function check(condition: string, prelude = '', extra: { output?: string; source?: string } = {}): string[] {
  const text = `${prelude}- rule: R
  desc: d
  condition: ${JSON.stringify(condition)}
  output: ${JSON.stringify(extra.output ?? 'o')}
  priority: INFO
${extra.source ? `  source: ${extra.source}\n` : ''}`;
  const items = parseRulesText(text, 'r.yaml');
  const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]);
  return validateRules({ items, ruleset, fields, extraSources: [] }).map((i) => `${i.item}: ${i.code} ${i.message}`);
}
const EXEC = 'evt.type = execve and ';
const FALCO_NO_EVTTYPE = '(Falco: Rule matches too many evt.type values. This has a significant performance penalty.)';
const RESTRICT = 'restrict it with evt.type or a macro such as spawned_process';
/** The warning of a condition matching every event type (but `but`). */
const everyType = (but = '') => `no-event-type the condition matches every event type${but && ` but ${but}`}, so Falco runs the rule on every system call; ${RESTRICT} ${FALCO_NO_EVTTYPE}`;
const NO_TYPE = everyType();
const NONE = `no-event-type the evt.type checks leave no event type (an empty list, or checks that exclude each other): the rule can never match ${FALCO_NO_EVTTYPE}`;
const SHELL_LIST = '- list: shell_binaries\n  items: [bash]\n';
const SPAWNED = '- macro: spawned_process\n  condition: evt.type = execve\n';

describe('event parameters (evt.arg, evt.rawarg)', () => {
  it('accepts a parameter some event has, and a number in brackets', () => {
    expect(check(EXEC + 'evt.arg.flags = 1 and evt.arg[12] = 1 and evt.arg[3] = 1')).toEqual([]);
  });
  it('a part after a dot that starts with a digit, or holds a "-", is no field part (libsinsp RGX_FIELDNAME): a syntax error', () => {
    expect(check(EXEC + 'evt.arg.12 = 1')).toEqual(['R: condition-syntax condition 1:30: expected an operator (=, !=, in, contains, exists …), found ".12"']);
    expect(check(EXEC + 'container.label.app-name = x')).toEqual(['R: condition-syntax condition 1:42: expected an operator (=, !=, in, contains, exists …), found "-name"']);
  });
  it('names a parameter no event has, for evt.arg and evt.rawarg alike', () => {
    expect(check(EXEC + 'evt.arg.nosuch = 1')).toEqual(['R: unknown-field condition 1:23: evt.arg.nosuch: no Falco event has a parameter "nosuch"']);
    expect(check(EXEC + 'evt.rawarg.nosuch = 1')).toEqual(['R: unknown-field condition 1:23: evt.rawarg.nosuch: no Falco event has a parameter "nosuch"']);
  });
  it('a key is a number only when it is all digits', () => {
    expect(check(EXEC + 'evt.arg[1a] = 1')).toEqual(['R: unknown-field condition 1:23: evt.arg.1a: no Falco event has a parameter "1a"']);
    expect(check(EXEC + 'evt.arg.a1 = 1')).toEqual(['R: unknown-field condition 1:23: evt.arg.a1: no Falco event has a parameter "a1"']);
  });
});

describe('values that read like list names', () => {
  it('an undefined one is reported; a macro used as a value says how to use it', () => {
    expect(check(EXEC + 'proc.name in (my_binaries)')).toEqual(['R: unknown-list condition 1:37: "my_binaries" reads like a list name but no list of that name is defined']);
    expect(check(EXEC + 'proc.name in (my_binaries)', '- macro: my_binaries\n  condition: proc.name = x\n')).toEqual([
      'R: unknown-list condition 1:37: "my_binaries" is a macro, not a list: use it as a condition ("and my_binaries"), not as a value',
    ]);
  });
  it('an event name of evt.type or syscall.type is a value, list-like as it reads (Falco takes the syscall); of another field, not', () => {
    expect(check('evt.type in (get_robust_list, set_robust_list) and proc.name = x')).toEqual([]);
    expect(check('syscall.type = get_robust_list and proc.name = x')).toEqual([]);
    expect(check(EXEC + 'proc.name = get_robust_list')).toEqual(['R: unknown-list condition 1:35: "get_robust_list" reads like a list name but no list of that name is defined']);
  });
  it('a defined list, a quoted string, and names without a list-like ending are plain values', () => {
    expect(check(EXEC + 'proc.name in (my_binaries)', '- list: my_binaries\n  items: [a]\n')).toEqual([]);
    expect(check(EXEC + 'proc.name in ("my_binaries", MyBinaries, my-binaries, mybinaries)')).toEqual([]);
  });
});

describe('times compared as text', () => {
  const TEXT = (op: string, field = 'evt.time') => `R: time-compared-as-string condition 1:23: ${field} is text: "${op}" compares strings, not times; compare evt.rawtime (nanoseconds since the epoch) with a number`;
  it('ordering a text time field, whatever the value', () => {
    for (const op of ['<', '<=', '>', '>=']) expect(check(`${EXEC}evt.time ${op} 5`)).toEqual([TEXT(op)]);
  });
  it('equality with a date or a clock time', () => {
    expect(check(EXEC + 'evt.time = "2024-01-01"')).toEqual([TEXT('=')]);
    expect(check(EXEC + 'evt.time = "1:30"')).toEqual([TEXT('=')]);
    expect(check(EXEC + 'evt.datetime.s = "12:30"')).toEqual([TEXT('=', 'evt.datetime.s')]);
    expect(check(EXEC + 'evt.time in ("x", "2024-01-01")')).toEqual([TEXT('in')]);
  });
  it('a date or an ISO 8601 time matched in the text by any operator, a plugin\'s timestamp too (QA)', () => {
    expect(check(EXEC + 'evt.time.iso8601 contains "T02:"')).toEqual([TEXT('contains', 'evt.time.iso8601')]);
    expect(check(EXEC + 'evt.time.iso8601 startswith "2022-12-31T02"')).toEqual([TEXT('startswith', 'evt.time.iso8601')]);
    expect(check(EXEC + 'evt.datetime contains "2022-12"')).toEqual([TEXT('contains', 'evt.datetime')]);
    // An hour of the day as the time's first digits is a test of the time of day, which that text holds.
    expect(check(EXEC + 'evt.time startswith "02"')).toEqual([]);
    // The plugins' ISO 8601 timestamps (the condition starts at column 1 there: no evt.type).
    const at1 = (message: string) => message.replace('condition 1:23:', 'condition 1:1:');
    expect(check('ct.time startswith "2022-12-31T02"', '', { source: 'aws_cloudtrail' })).toEqual([at1(TEXT('startswith', 'ct.time'))]);
    expect(check('gcp.time > "2022-01-01"', '', { source: 'gcp_auditlog' })).toEqual([at1(TEXT('>', 'gcp.time'))]);
    expect(check('okta.published contains "T02:"', '', { source: 'okta' })).toEqual([at1(TEXT('contains', 'okta.published'))]);
  });
  it('equality with something that is not a date or a clock time is left alone', () => {
    for (const value of ['"x2024-01-01"', '"1234-5-01"', '"12:3"', '"123:45"', '"x"']) expect(check(`${EXEC}evt.time = ${value}`)).toEqual([]);
    expect(check(EXEC + 'evt.time != "x"')).toEqual([]);
  });
  it('a nanosecond field compared with anything but a whole number, naming the first such value', () => {
    expect(check(EXEC + 'evt.rawtime > 5 and evt.rawtime > -5')).toEqual([]);
    const NS = (value: string) => `R: time-compared-as-string condition 1:23: evt.rawtime counts nanoseconds: compare it with a number, not "${value}"`;
    expect(check(EXEC + 'evt.rawtime in (5, "noon", "dusk")')).toEqual([NS('noon')]);
    expect(check(EXEC + 'evt.rawtime > 5x')).toEqual([NS('5x')]);
    expect(check(EXEC + 'evt.rawtime > x5')).toEqual([NS('x5')]);
    expect(check(EXEC + 'evt.rawtime > --5')).toEqual([NS('--5')]);
  });
});

describe('event names', () => {
  it('each unknown event in evt.type or syscall.type, lists expanded', () => {
    expect(check('evt.type in (execve, nosuchevent, openz)')).toEqual([
      'R: unknown-event condition 1:1: evt.type "nosuchevent" is not a Falco event name',
      'R: unknown-event condition 1:1: evt.type "openz" is not a Falco event name',
    ]);
    expect(check('evt.type in (my_events)', '- list: my_events\n  items: [execve, more_events]\n- list: more_events\n  items: [bogus_event, my_events]\n')).toEqual([
      'R: unknown-event condition 1:1: evt.type "bogus_event" is not a Falco event name',
      'R: unknown-event condition 1:1: evt.type "my_events" is not a Falco event name',
    ]);
    expect(check('syscall.type = bogus')).toEqual(['R: unknown-event condition 1:1: syscall.type "bogus" is not a Falco event name']);
  });
  it('reads list items as Falco pastes them: a self-quoted event name is that name', () => {
    expect(check('evt.type in (my_events)', `- list: my_events\n  items: ['"execve"', "'openat'"]\n`)).toEqual([]);
  });
  it('a list item that does not parse once pasted into the condition is a syntax error where the list is used', () => {
    expect(check(EXEC + 'proc.name in (my_names)', `- list: my_names\n  items: ['"a" b']\n`)).toEqual([
      'R: condition-syntax condition 1:37: list my_names: the item "\\"a\\" b" does not parse in a condition (expected "," or ")" in a list, found "b)")',
    ]);
  });
  it('a list used as one value must stand for exactly one value, as Falco pastes all its items there', () => {
    const lists = "- list: reboot_bins\n  items: [shutdown, reboot]\n- list: one_bin\n  items: ['\"my app\"']\n";
    expect(check(EXEC + 'proc.name = reboot_bins and proc.pname = one_bin', lists)).toEqual([
      'R: condition-syntax condition 1:35: list reboot_bins is used as one value, but Falco pastes its 2 values there (shutdown, reboot): use "in (reboot_bins)"',
    ]);
  });
  it('only for syscall rules', () => {
    expect(check('evt.type = bogus', '', { source: 'k8s_audit' })).toEqual(['R: unknown-field condition 1:1: unknown field evt.type; did you mean evt.time?']);
  });
});

describe('macro references', () => {
  it('an undefined macro; a list used as a macro says how to use it', () => {
    expect(check(EXEC + 'undefined_macro')).toEqual(['R: unknown-macro condition 1:23: macro "undefined_macro" is not defined']);
    expect(check(EXEC + 'my_list', '- list: my_list\n  items: [a]\n')).toEqual(['R: unknown-macro condition 1:23: macro "my_list" is not defined (my_list is a list: use it inside "in (…)")']);
  });
  it('a cycle is reported once, where it closes, with its path', () => {
    expect(check(EXEC + 'loop_a', '- macro: loop_a\n  condition: loop_b\n- macro: loop_b\n  condition: loop_a\n')).toEqual([
      // Falco stops earlier: loop_a names loop_b, defined after it.
      'loop_a: macro-order condition 1:1: macro "loop_b" is defined after macro "loop_a" (at r.yaml:3): a macro may only use macros defined before it',
      'loop_b: macro-cycle condition 1:1: macro "loop_a" refers to itself through loop_a → loop_b',
    ]);
  });
  it('findings inside a macro are reported on the macro, once however often the rule uses it', () => {
    const prelude = '- macro: bad\n  condition: proc.nosuch = 1 and (\n';
    expect(check(EXEC + 'bad and bad')).toEqual([
      'R: unknown-macro condition 1:23: macro "bad" is not defined',
      'R: unknown-macro condition 1:31: macro "bad" is not defined',
    ]);
    expect(check(EXEC + 'bad and not bad', prelude)).toEqual(['bad: condition-syntax condition 1:22: expected a field, a macro, "not" or "(", found the end of the condition']);
    expect(check(EXEC + 'fields_macro', '- macro: fields_macro\n  condition: proc.nosuch = 1\n')).toEqual(['fields_macro: unknown-field condition 1:1: unknown field proc.nosuch']);
  });
  it('a macro no rule uses is checked against the fields of every source', () => {
    expect(check(EXEC + 'proc.name = x', '- macro: k8s_only\n  condition: ka.verb = create\n')).toEqual([]);
    expect(check(EXEC + 'proc.name = x', '- macro: nowhere\n  condition: no.such.field = 1\n')).toEqual(["nowhere: unknown-field condition 1:1: unknown field no.such.field; no rule uses this macro, and Falco checks a macro's fields only in the rules that use it"]);
  });
});

describe('the evt.type restriction (libsinsp ppm_codes.cpp, as Falco 0.44 warns: no event type, or over 100 codes)', () => {
  /** The no-event-type warnings of each condition, prelude before it. */
  const warnings = (condition: string, prelude = '') => check(condition, prelude).filter((line) => line.startsWith('R: no-event-type')).map((line) => line.slice(3));
  const HAS_TYPE = '- macro: has_type\n  condition: evt.type = open\n';
  const NOT_TYPE = '- macro: not_type\n  condition: evt.type != open\n';
  const OTHER = '- macro: other\n  condition: proc.pname = y\n';
  const cases: [string, string, string[]][] = [
    ['evt.type == open', '', []],
    ['evt.type in (open, close)', '', []],
    ['syscall.type = open', '', []],
    ['has_type and proc.name = x', HAS_TYPE, []],
    // Negation goes down to the checks (De Morgan): under two, or a `not` of `!=`, the names again.
    ['not evt.type != open', '', []],
    ['not not evt.type = open', '', []],
    ['not (evt.type != open or proc.name = x)', '', []],
    ['not not_type', NOT_TYPE, []],
    // Every other check matches every type, under a `not` too.
    ['proc.name = x and proc_evt', OTHER.replace('other', 'proc_evt'), [NO_TYPE]],
    ['not proc.name = x', '', [NO_TYPE]],
    ['evt.type.is.open = 1 and proc.name = x', '', [NO_TYPE]],
    ['evt.type startswith open', '', [NO_TYPE]],
    ['evt.type exists', '', [NO_TYPE]],
    // Every type but the names: a `not`, `!=`, a macro under a `not`.
    ['evt.type != open and proc.name = x', '', [everyType('open')]],
    ['not evt.type = open and proc.name = x', '', [everyType('open')]],
    ['not evt.type in (open, close)', '', [everyType('close, open')]],
    ['not has_type and proc.name = x', HAS_TYPE, [everyType('open')]],
    ['not_type', NOT_TYPE, [everyType('open')]],
    ['not (evt.type = open and proc.name = x)', '', [NO_TYPE]],
    // An `or` joins its sides: one without an event type gives every type.
    ['evt.type = open or proc.name = x', '', [NO_TYPE]],
    ['has_type or other', HAS_TYPE + OTHER, [NO_TYPE]],
    ['evt.type = open or evt.type != close', '', [everyType('close')]],
    ['evt.type = open or evt.type = close', '', []],
    // Two sides each of every type but some: only the names both leave out stay left out.
    ['evt.type != open or not evt.type in (open, close)', '', [everyType('open')]],
    // Names on one side and every type but the same names on the other: every type, none left out.
    ['evt.type = open or evt.type != open', '', [NO_TYPE]],
    // A macro used twice side by side is no cycle: its second use is its set again, not every type.
    ['has_type or has_type', HAS_TYPE, []],
    // A macro's set found once stands for its later uses: every type twice is every type (not a refused check).
    ['other or other', OTHER, [NO_TYPE]],
    ['(evt.type = open or proc.name = x) and evt.type = close', '', []],
    // No type at all: Falco 0.44 warns of an empty set too.
    ['evt.type = open and evt.type = close', '', [NONE]],
    ['evt.type in () and proc.name = x', '', [NONE]],
    ['not evt.type exists', '', [NONE]],
    ['evt.type = open and not has_type', HAS_TYPE, [NONE]],
    // Generic syscalls share the generic event's codes: two of them meet there.
    ['evt.type = syncfs and evt.type = acct', '', []],
    ['evt.type != syncfs', '', [everyType('the generic syscalls')]],
    ['not evt.type in (open, close, execve, connect, accept, bind)', '', [everyType('accept, bind, close, connect, execve and 1 more')]],
    // Five names are all shown: "and N more" only past five.
    ['not evt.type in (open, close, execve, connect, accept)', '', [everyType('accept, close, connect, execve, open')]],
  ];
  for (const [condition, prelude, expected] of cases) {
    it(`${condition}${prelude ? ` (${prelude.split('\n')[0]})` : ''} → ${expected.length > 0 ? expected[0]!.split(' ').slice(1, 6).join(' ') : 'no warning'}`, () => {
      expect(warnings(condition, prelude)).toEqual(expected);
    });
  }
  it('lists are their items, as Falco pastes them', () => {
    expect(warnings('evt.type in (my_types)', '- list: my_types\n  items: [open, close]\n')).toEqual([]);
    expect(warnings('evt.type in (my_types)', '- list: my_types\n  items: []\n')).toEqual([NONE]);
    expect(warnings('not evt.type in (my_types, execve)', '- list: my_types\n  items: [open]\n')).toEqual([everyType('execve, open')]);
    // A one-item list where one value goes is that item (Falco pastes it: evt.type = open).
    expect(warnings('evt.type = my_type', '- list: my_type\n  items: [open]\n')).toEqual([]);
    expect(warnings('evt.type != my_type', '- list: my_type\n  items: [open]\n')).toEqual([everyType('open')]);
  });
  it('a list of two items where one value goes: the rule is refused for it, and the search does not stop the check', () => {
    expect(check('evt.type = two', '- list: two\n  items: [open, close]\n').filter((line) => !line.startsWith('R: no-event-type'))).toEqual([
      'R: condition-syntax condition 1:12: list two is used as one value, but Falco pastes its 2 values there (open, close): use "in (two)"',
    ]);
  });
  it('more than 100 event codes: a long list of syscalls (each has an enter and an exit code); generic ones count once', () => {
    const syscalls = [...fields.eventCodes].filter(([, codes]) => codes === 2).map(([name]) => name);
    expect(warnings(`evt.type in (${syscalls.slice(0, 50).join(', ')})`)).toEqual([]);
    expect(warnings(`evt.type in (${syscalls.slice(0, 51).join(', ')})`)).toEqual([
      `no-event-type the condition matches 51 event types, 102 event codes or more (Falco warns above 100); ${RESTRICT} to fewer ${FALCO_NO_EVTTYPE}`,
    ]);
    expect(warnings(`evt.type in (${[...fields.genericEvents].join(', ')})`)).toEqual([]);
    // The generic event counts its 2 codes (PPME_GENERIC_E/X): 50 syscalls and generic ones are 102 codes.
    expect(warnings(`evt.type in (${syscalls.slice(0, 50).join(', ')}, syncfs, acct)`)).toEqual([
      `no-event-type the condition matches 51 event types, 102 event codes or more (Falco warns above 100); ${RESTRICT} to fewer ${FALCO_NO_EVTTYPE}`,
    ]);
    // An event of one code counts one: 50 syscalls and switch are 101 codes.
    expect(fields.eventCodes.get('switch')).toBe(1);
    expect(warnings(`evt.type in (${syscalls.slice(0, 50).join(', ')}, switch)`)).toEqual([
      `no-event-type the condition matches 51 event types, 101 event codes or more (Falco warns above 100); ${RESTRICT} to fewer ${FALCO_NO_EVTTYPE}`,
    ]);
  });
  it("an exception on evt.type is part of the searched condition (Falco joins it: and not (…)); others change nothing", () => {
    const rule = (exceptions: string) => `- rule: R\n  desc: d\n  condition: evt.type in (open, close)\n  output: o\n  priority: INFO\n  exceptions:\n${exceptions}`;
    const run = (text: string) => {
      const items = parseRulesText(text, 'r.yaml');
      return validateRules({ items, ruleset: buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]), fields, extraSources: [] }).map((i) => `${i.code} ${i.message}`);
    };
    expect(run(rule('    - name: types\n      fields: evt.type\n      values: [open, close]\n'))).toEqual([NONE]);
    expect(run(rule('    - name: types\n      fields: [evt.type, proc.name]\n      values: [[open, x]]\n'))).toEqual([]);
    expect(run(rule('    - name: procs\n      fields: proc.name\n      values: [x]\n'))).toEqual([]);
    // One exception on evt.type among others is enough for the joined condition to be searched.
    expect(run(rule('    - name: procs\n      fields: proc.name\n      values: [x]\n    - name: types\n      fields: evt.type\n      values: [open, close]\n'))).toEqual([NONE]);
    // An exception Falco refuses is reported apart; the condition alone is searched, and the check goes on.
    expect(run(rule('    - name: types\n      fields: evt.type\n      comps: badop\n      values: [open]\n'))).toEqual([
      'bad-exception exception types: When fields is a single value, comps must be one of (in, pmatch, intersects) (Falco refuses the rule)',
    ]);
  });
  it('nothing where Falco refuses the rule before it warns: an unknown event, a check its search cannot read', () => {
    expect(warnings('evt.type = reboots')).toEqual([]);
    expect(warnings('evt.type != reboots')).toEqual([]);
    expect(warnings('tolower(evt.type) = open or proc.name = x')).toEqual([]);
    expect(warnings('evt.type = val(proc.name) or proc.name = x')).toEqual([]);
  });
  it("one condition's issues come in the order of their place, found last or not, whatever their codes", () => {
    // The idiom (1:1) is found after the deprecated field (1:23), and its code sorts after that one's.
    expect(check('evt.type = execve and evt.dir = <', SPAWNED).map((line) => line.split(' ').slice(1, 4).join(' '))).toEqual([
      'prefer-ruleset-macro condition 1:1:',
      'deprecated-field condition 1:23:',
    ]);
  });
  it('a rule-wide issue comes before the ones at their place in the condition', () => {
    expect(check('evt.type > open')).toEqual([`R: ${NO_TYPE}`, 'R: condition-syntax condition 1:12: ">" takes a number, not open (Falco: expected a number value)']);
  });
  it('is not asked of a rule whose warn_evttypes is false, as its definition or a replace leaves it (Falco does not warn)', () => {
    const rule = (name: string, extra: string) => `- rule: ${name}\n  desc: d\n  condition: proc.name = x\n  output: o\n  priority: INFO\n${extra}`;
    const run = (text: string) => {
      const items = parseRulesText(text, 'r.yaml');
      return validateRules({ items, ruleset: buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]), fields, extraSources: [] }).map((i) => `${i.item}: ${i.code}`);
    };
    expect(run(rule('Off', '  warn_evttypes: false\n') + rule('No', '  warn_evttypes: no\n') + rule('On', '  warn_evttypes: true\n'))).toEqual(['On: no-event-type']);
    // Replaced by a later item, either way; an append item's warn_evttypes is not read.
    const replace = (name: string, value: string) => `- rule: ${name}\n  warn_evttypes: ${value}\n  override:\n    warn_evttypes: replace\n`;
    expect(run(rule('A', '') + rule('B', '  warn_evttypes: false\n') + replace('A', 'false') + replace('B', 'true'))).toEqual(['B: no-event-type']);
    expect(run(rule('C', '') + '- rule: C\n  condition: and proc.pname = y\n  warn_evttypes: false\n  append: true\n').filter((line) => line.endsWith('no-event-type'))).toEqual(['C: no-event-type']);
    // Only no-event-type goes: the rule's other issues stay; a macro of the rule's name changes nothing.
    expect(run(rule('D', '  warn_evttypes: false\n').replace('proc.name = x', 'proc.no_such_field = x') + '- macro: D\n  condition: proc.name = y\n')).toEqual(['D: unknown-field']);
  });
  it('is not asked of rules of other sources', () => {
    expect(check('ka.verb = create', '', { source: 'k8s_audit' })).toEqual([]);
  });
});

describe('idioms the ruleset already has a macro for', () => {
  it('shells listed by hand, when the ruleset has shell_procs or shell_binaries', () => {
    expect(check('evt.type = open and proc.name in (bash, sh)', '- macro: shell_procs\n  condition: proc.name in (bash)\n')).toEqual([
      'R: prefer-ruleset-macro condition 1:21: proc.name in bash, sh lists shells by hand; the ruleset has the macro shell_procs, which knows them all',
    ]);
    expect(check('evt.type = open and proc.name in (bash, sh)', SHELL_LIST)).toEqual([
      'R: prefer-ruleset-macro condition 1:21: proc.name in bash, sh lists shells by hand; the ruleset has the list shell_binaries, which knows them all',
    ]);
    expect(check('evt.type = open and proc.name == bash', SHELL_LIST)).toEqual([
      'R: prefer-ruleset-macro condition 1:21: proc.name == bash lists shells by hand; the ruleset has the list shell_binaries, which knows them all',
    ]);
  });
  it('not without such a macro or list, not with a non-shell, not for != or another field', () => {
    expect(check('evt.type = open and proc.name in (bash, sh)')).toEqual([]);
    expect(check('evt.type = open and proc.name in (bash, vim)', SHELL_LIST)).toEqual([]);
    expect(check('evt.type = open and proc.name != bash', SHELL_LIST)).toEqual([]);
    expect(check('evt.type = open and proc.pname = bash', SHELL_LIST)).toEqual([]);
    expect(check('evt.type = open and proc.name in (shell_binaries)', SHELL_LIST)).toEqual([]);
  });
  it('execve without spawned_process, when the ruleset has it', () => {
    expect(check('evt.type in (execve, execveat)', SPAWNED)).toEqual([
      "R: prefer-ruleset-macro condition 1:1: evt.type in execve, execveat without the exit direction; the ruleset's spawned_process macro matches a successful process start",
    ]);
    expect(check('evt.type == execve', SPAWNED)).toEqual([
      "R: prefer-ruleset-macro condition 1:1: evt.type == execve without the exit direction; the ruleset's spawned_process macro matches a successful process start",
    ]);
    expect(check('evt.type in (execve, open)', SPAWNED)).toEqual([]);
    expect(check('evt.type in (execve)')).toEqual([]);
    expect(check('evt.type != execve and proc.name = x', SPAWNED)).toEqual([`R: ${everyType('execve')}`]);
  });
});

describe('fields Falco deprecated but still loads (with a warning)', () => {
  it('evt.dir and the evt.latency family, in the condition and in the output, are warnings naming the deprecation', () => {
    const DIR = 'evt.dir is deprecated since Falco 0.42.0 and will be removed (Falco loads it with a warning): Falco drops enter events, so evt.dir = < matches every event and evt.dir = > none';
    expect(check(EXEC + 'evt.dir = < and evt.latency.ns > 0', '', { output: 'o %evt.dir %evt.latency.human' })).toEqual([
      `R: deprecated-field condition 1:23: ${DIR}`,
      'R: deprecated-field condition 1:39: evt.latency.ns is deprecated since Falco 0.43.0 and will be removed (Falco loads it with a warning)',
      `R: deprecated-field output %evt.dir: ${DIR}`,
      'R: deprecated-field output %evt.latency.human: evt.latency.human is deprecated since Falco 0.43.0 and will be removed (Falco loads it with a warning)',
    ]);
  });
  it('%container.info in an output: deprecated, not unknown', () => {
    expect(check(EXEC + 'proc.name = x', '', { output: 'o %container.info %proc.name' })).toEqual([
      'R: deprecated-field output %container.info is deprecated: Falco loads the rule with a warning and drops it from the output (write %container.id and %container.name)',
    ]);
  });
  it('are never offered as the field meant', () => {
    expect(check(EXEC + 'evt.dirs = <')).toEqual(['R: unknown-field condition 1:23: unknown field evt.dirs; did you mean evt.arg?']);
  });
});

describe('output fields', () => {
  it('each unknown field in the output, with the lookup\'s reason; known ones and a bare % pass', () => {
    expect(check('evt.type = open', '', { output: 'x %proc.name %proc.nosuch %fd.name[1] %evt.arg.flags %proc.aname[2] 100%' })).toEqual([
      'R: unknown-output-field output %fd.name: fd.name takes no argument, but [1] is given',
      'R: unknown-output-field output %proc.nosuch: unknown field proc.nosuch',
    ]);
  });
});

describe('edges that decide a finding', () => {
  it('a date needs a year and two digits of month (a month alone ties the rule to it too), and the first non-number is the one named', () => {
    expect(check(EXEC + 'evt.time = "2024-1"')).toEqual([]);
    expect(check(EXEC + 'evt.time = "2024-01"')).toHaveLength(1);
    expect(check(EXEC + 'evt.time contains "T2:"')).toEqual([]);
    expect(check(EXEC + 'evt.rawtime in (12, "noon")')).toEqual([
      'R: time-compared-as-string condition 1:23: evt.rawtime counts nanoseconds: compare it with a number, not "noon"',
    ]);
  });
  it('an empty list of values is no idiom; a shell name compared with another field is none either', () => {
    expect(check('evt.type = open and proc.name in ()', SHELL_LIST)).toEqual([]);
    expect(check('evt.type in () and proc.name = x', SPAWNED)).toEqual([`R: ${NONE}`]);
    expect(check('evt.type = open and proc.name = proc.pname', SHELL_LIST)).toEqual([]);
  });
  it('the exec idiom is about evt.type, with =, == or in', () => {
    expect(check('evt.type = execve', SPAWNED)).toEqual([
      "R: prefer-ruleset-macro condition 1:1: evt.type = execve without the exit direction; the ruleset's spawned_process macro matches a successful process start",
    ]);
    expect(check('evt.type = open and proc.name = execve', SPAWNED)).toEqual([]);
  });
  it('an output field with a multi-character argument is read whole', () => {
    expect(check('evt.type = open', '', { output: '%fd.name[12] %proc.aname[12]' })).toEqual([
      'R: unknown-output-field output %fd.name: fd.name takes no argument, but [12] is given',
    ]);
  });
  it('unused macros are each checked on their own, as no particular source', () => {
    const prelude = '- macro: fine_macro\n  condition: proc.name = x\n- macro: broken_macro\n  condition: proc.nosuch = 1\n- macro: event_macro\n  condition: evt.type = bogus\n';
    expect(check(EXEC + 'proc.name = x', prelude)).toEqual(["broken_macro: unknown-field condition 1:1: unknown field proc.nosuch; no rule uses this macro, and Falco checks a macro's fields only in the rules that use it"]);
  });
  it('a cycle among unused macros is reported once, where it closes', () => {
    expect(check(EXEC + 'proc.name = x', '- macro: loop_a\n  condition: loop_b\n- macro: loop_b\n  condition: loop_a\n')).toEqual([
      // Falco stops earlier: loop_a names loop_b, defined after it.
      'loop_a: macro-order condition 1:1: macro "loop_b" is defined after macro "loop_a" (at r.yaml:3): a macro may only use macros defined before it',
      'loop_b: macro-cycle condition 1:1: macro "loop_a" refers to itself through loop_a → loop_b',
    ]);
  });
});

describe('a list named after in without parentheses', () => {
  // Falco pastes the list's items where its name stands (`in bash, sh`): that parses only for a list of one item.
  it('is one value: an error for a list of several items, fine for one item or a word that is no list', () => {
    const lists = '- list: two_shells\n  items: [bash, sh]\n- list: one_shell\n  items: [bash]\n';
    expect(check(EXEC + 'proc.name in two_shells', lists)).toEqual(['R: condition-syntax condition 1:36: list two_shells is used as one value, but Falco pastes its 2 values there (bash, sh): use "in (two_shells)"']);
    expect(check(EXEC + 'proc.name in one_shell', lists)).toEqual([]);
    expect(check(EXEC + 'proc.name in zsh', lists)).toEqual([]);
  });
});

describe('what Falco refuses when it compiles a check: each an error at the operator, transformer, field or value', () => {
  const FALCO_HEX = '(Falco: bcontains and bstartswith operator support hex strings only)';
  it("bcontains and bstartswith on text (flt_is_comparable_string), at the check; its value's hex is then not looked at", () => {
    expect(check(EXEC + 'proc.name bcontains 73687574')).toEqual(["R: operator-type condition 1:23: 'bcontains' operator not supported for string filters (proc.name is CHARBUF)"]);
    expect(check(EXEC + 'tolower(proc.cmdline) bstartswith "73 68"')).toEqual(["R: operator-type condition 1:23: 'bstartswith' operator not supported for string filters (proc.cmdline is CHARBUF)"]);
    expect(check(EXEC + 'evt.buffer bcontains cafebabe')).toEqual([]);
  });
  it('a transformer the field type does not take (sinsp_filter_transformer.cpp), at the transformer, on either side', () => {
    expect(check(EXEC + 'len(proc.pid) > 0')).toEqual([
      "R: operator-type condition 1:23: len() takes text, a buffer or a list, not proc.pid (INT64) (Falco: can't add field transformer: type 'INT64' is not supported by 'len' transformer applied on field 'proc.pid')",
    ]);
    expect(check(EXEC + 'proc.name = cat and tolower(proc.vpid) exists')).toEqual([
      "R: operator-type condition 1:43: tolower() takes text, not proc.vpid (INT64) (Falco: can't add field transformer: type 'INT64' is not supported by 'tolower' transformer applied on field 'proc.vpid')",
    ]);
    expect(check(EXEC + 'proc.name = toupper(proc.vpid)')).toEqual([
      "R: operator-type condition 1:35: toupper() takes text, not proc.vpid (INT64) (Falco: can't add field transformer: type 'INT64' is not supported by 'toupper' transformer applied on field 'proc.vpid')",
    ]);
    expect(check(EXEC + 'len(fd.types) > 1 and b64(evt.buffer) contains x and basename(proc.exepath) = sh and tolower(fd.types) intersects (ipv4)')).toEqual([]);
  });
  it('a field on the right of another type, or after pmatch or regex (add_filter_value), at the right-hand field', () => {
    expect(check(EXEC + 'proc.pid != val(proc.name)')).toEqual([
      "R: operator-type condition 1:35: proc.pid (INT64) and val(proc.name) (CHARBUF) are not of one type (Falco: field 'proc.pid' has type 'INT64' while the right-hand side field 'proc.name' has incompatible type 'CHARBUF')",
    ]);
    expect(check(EXEC + 'proc.exepath pmatch val(proc.exepath)')).toEqual([
      "R: operator-type condition 1:43: pmatch compares with values, not with a field (val(proc.exepath)) (Falco: operator 'PMATCH' doesn't support right-hand side fields)",
    ]);
    expect(check(EXEC + 'proc.cmdline regex val(proc.name)')).toEqual([
      "R: operator-type condition 1:42: regex compares with values, not with a field (val(proc.name)) (Falco: operator 'REGEX' doesn't support right-hand side fields)",
    ]);
    expect(check(EXEC + 'proc.pid = val(proc.ppid) and proc.name = tolower(proc.pname) and proc.name = val(container.name)')).toEqual([]);
  });
  it('a bcontains or bstartswith value that is not hex of even length (sinsp_utils::unhex), at the value, a list item too', () => {
    expect(check(EXEC + 'evt.buffer bcontains xyz')).toEqual([`R: value-type condition 1:44: bcontains takes hex digits, two per byte (7368 for "sh"), not "xyz" ${FALCO_HEX}`]);
    expect(check(EXEC + 'evt.buffer bcontains "73 68"')).toEqual([`R: value-type condition 1:44: bcontains takes hex digits, two per byte (7368 for "sh"), not "73 68" ${FALCO_HEX}`]);
    expect(check(EXEC + 'evt.buffer bstartswith elf_magic', '- list: elf_magic\n  items: [7f454c4]\n')).toEqual([`R: value-type condition 1:46: bstartswith takes hex digits, two per byte (7368 for "sh"), not "7f454c4" ${FALCO_HEX}`]);
    expect(check(EXEC + 'evt.buffer bstartswith elf_magic', '- list: elf_magic\n  items: [7f454c46]\n')).toEqual([]);
  });
  it('an evt.type check with a transformer or a field on the right, in a syscall rule only (event code search)', () => {
    expect(check('tolower(evt.type) = execve and proc.name = shutdown')).toEqual([
      'R: operator-type condition 1:1: tolower(evt.type): Falco reads the event types a syscall rule needs from its evt.type checks, which take no transformer (Falco: event code search does not support `evt.type` checks with transformers)',
    ]);
    expect(check(EXEC + 'not syscall.type = val(proc.name)')).toEqual([
      'R: operator-type condition 1:27: syscall.type compared with a field (val(proc.name)): Falco reads the event types a syscall rule needs from its syscall.type checks, which take event names (Falco: right-hand field comparisons on `evt.type`/`syscall.type` checks are not supported by event code search)',
    ]);
    // Not an operator Falco reads event types from; and a source without a field table (whose evt.type Falco does not
    // read event types from either).
    expect(check(EXEC + 'tolower(evt.type) contains exec')).toEqual([]);
    expect(check('tolower(evt.type) = x', '', { source: 'gitlab' }).filter((line) => line.includes('operator-type'))).toEqual([]);
  });
  it('a quoted field argument is the text it quotes (libsinsp parse_field_remainder: lex_quoted_str)', () => {
    expect(check(EXEC + 'proc.aname["1"] = sh and proc.env["PATH"] exists and proc.aname[\'2\'] = sshd')).toEqual([]);
    expect(check(EXEC + 'proc.aname["x"] = sh')).toEqual(['R: unknown-field condition 1:23: proc.aname[x]: the argument must be a number']);
  });
});

describe('where a finding is put, and a regex Falco takes', () => {
  /** Findings of rule R written, then appended to with `appended` (`append: true`): "code file:line:column message". */
  function appended(appendedCondition: string): string[] {
    const text = `- rule: R\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: INFO\n- rule: R\n  condition: ${appendedCondition}\n  append: true\n`;
    const items = parseRulesText(text, 'r.yaml');
    const ruleset = buildRuleset([{ info: { path: 'r.yaml', sha256: '' }, items }]);
    return validateRules({ items, ruleset, fields, extraSources: [] })
      .filter((i) => i.code !== 'deprecated-append')
      .map((i) => `${i.code} ${i.file}:${i.line}:${i.column} ${i.message}`);
  }
  it('a problem at the very first character of an appended part is put at that part (line 7), column 1 of its text', () => {
    // The joined condition is "evt.type = open proc.nme = x": the problem stands where the appended text starts.
    expect(appended('proc.nme = x')).toEqual(['condition-syntax r.yaml:7:3 condition 1:1: expected and, or or the end of the condition, found "proc.nme"']);
    // One character further in, as before: the same part.
    expect(appended('and proc.nme = x')).toEqual(['unknown-field r.yaml:7:3 condition 1:5: unknown field proc.nme; did you mean proc.name?']);
  });
  it('a regex Falco compiles is no finding; one it refuses is', () => {
    expect(check(EXEC + 'proc.cmdline regex "ab+c" and proc.name regex "^(sh|bash)$"')).toEqual([]);
    expect(check(EXEC + 'proc.cmdline regex "(ab"')).toEqual(['R: bad-regex condition 1:42: regex "(ab": not a regular expression: missing closing ): `(ab`']);
  });
});
