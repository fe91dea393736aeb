// The evaluator's plumbing, seen through what a caller gets back: which fields an unknown result needed
// (short-circuits add none), macros compiled once and refused again after a failure, lists that name
// lists (also in cycles), field-to-field comparisons, exists, and the fast `in` lookup agreeing with Falco's
// typed comparison (numbers, list fields); chains of 32,000 terms and 1,000 nested macros evaluated (20,000 compiled), a
// condition nested deeper than MAX_EVALUATION_DEPTH refused rather than run out of the call stack, and the
// answers of chains evaluated as loops held to pairwise Kleene logic on random conditions.
import { describe, expect, it } from 'vitest';
import { ConditionCompiler, ConditionError, FALSE, MAX_EVALUATION_DEPTH, TRUE, UNKNOWN, type Truth } from '../../../src/emulate/evaluate.js';
import type { SyntheticEvent } from '../../../src/emulate/event.js';
import { macrosAndLists } from '../../helpers/ruleset.js';
import { seededRandom } from '../../helpers/random.js';

const ruleset = macrosAndLists;

/** An execve of `cat` (pid 300, no file descriptor) with one ancestor, bash; proc.sid and proc.ppid are unknown. */
const event: SyntheticEvent = {
  num: 1,
  fields: { 'evt.type': 'execve', 'proc.name': 'cat', 'proc.pname': 'bash', 'proc.pid': 300, 'user.name': 'root', 'proc.exe': 'cat' },
  ancestors: [{ pid: 200, name: 'bash', exe: 'bash', exepath: '/usr/bin/bash', cmdline: 'bash' }],
  env: {},
  absent: ['k8s.'],
  hasFd: false,
};

function run(condition: string, rules = ruleset(), e: SyntheticEvent = event): { truth: Truth; needs: string[] } {
  const needs = new Set<string>();
  const truth = new ConditionCompiler(rules).compile(condition)(e, needs);
  return { truth, needs: [...needs].sort() };
}

describe('what an unknown result needed', () => {
  const table: [string, Truth, string[]][] = [
    ['proc.name = grep and proc.sid = 1', FALSE, []], // false on the left: the right is not looked at
    ['proc.sid = 1 and proc.name = grep', FALSE, ['proc.sid']],
    ['proc.sid = 1 and proc.ppid = 1', UNKNOWN, ['proc.ppid', 'proc.sid']],
    ['proc.name = cat and proc.ppid = 1', UNKNOWN, ['proc.ppid']],
    ['proc.sid = 1 and proc.name = cat', UNKNOWN, ['proc.sid']],
    ['proc.name = cat and proc.pname = bash', TRUE, []],
    ['proc.name = cat or proc.sid = 1', TRUE, []], // true on the left: the right is not looked at
    ['proc.sid = 1 or proc.name = cat', TRUE, ['proc.sid']],
    ['proc.sid = 1 or proc.ppid = 1', UNKNOWN, ['proc.ppid', 'proc.sid']],
    ['proc.name = grep or proc.pname = sh', FALSE, []],
    ['proc.name = grep or proc.ppid = 1', UNKNOWN, ['proc.ppid']],
    ['proc.sid = 1 or proc.name = grep', UNKNOWN, ['proc.sid']],
    ['not proc.name = cat', FALSE, []],
    ['not not proc.name = cat', TRUE, []],
    ['not proc.ppid = 1', UNKNOWN, ['proc.ppid']],
    ['proc.ppid exists', UNKNOWN, ['proc.ppid']],
    ['proc.name exists', TRUE, []],
    ['k8s.pod.name exists', FALSE, []],
    ['not k8s.pod.name exists', TRUE, []],
  ];
  for (const [condition, truth, needs] of table) it(`${condition} → ${truth} needing [${needs.join(', ')}]`, () => expect(run(condition)).toEqual({ truth, needs }));
});

describe('field against field (val)', () => {
  const table: [string, Truth, string[]][] = [
    ['proc.pname = val(proc.aname[1])', TRUE, []],
    ['proc.name = val(proc.pname)', FALSE, []],
    ['proc.name != val(proc.pname)', TRUE, []],
    ['proc.name = val(k8s.pod.name)', FALSE, []], // the right side cannot be extracted: false
    ['proc.name != val(k8s.pod.name)', FALSE, []],
    ['proc.pid = val(proc.ppid)', UNKNOWN, ['proc.ppid']], // the right side unknown
    ['proc.ppid = val(proc.pid)', UNKNOWN, ['proc.ppid']],
    ['proc.pid = val(proc.pid)', TRUE, []],
  ];
  for (const [condition, truth, needs] of table) it(`${condition} → ${truth}`, () => expect(run(condition)).toEqual({ truth, needs }));
});

describe('in and its fast path', () => {
  it('a number field in a list compares as numbers', () => {
    expect(run('proc.pid in (0300, 1)').truth).toBe(TRUE);
    expect(run('proc.pid in (301)').truth).toBe(FALSE);
  });
  it('proc.aname without an index is every ancestor, and one of them in the list is enough', () => {
    const two: SyntheticEvent = { ...event, ancestors: [...event.ancestors, { pid: 1, name: 'systemd', exe: 'systemd', exepath: '/sbin/init', cmdline: 'systemd' }] };
    expect(run('proc.aname in (systemd)', ruleset(), two).truth).toBe(TRUE);
    expect(run('proc.aname in (init)', ruleset(), two).truth).toBe(FALSE);
  });
  it('pmatch is a path prefix, never plain membership', () => {
    const opened: SyntheticEvent = { ...event, hasFd: true, fields: { ...event.fields, 'fd.name': '/etc/shadow' } };
    expect(run('fd.name pmatch (/etc)', ruleset(), opened).truth).toBe(TRUE);
    expect(run('fd.name pmatch (/etc/shadow/x)', ruleset(), opened).truth).toBe(FALSE);
  });
  it('a scalar operator against a list that expands to nothing is refused (Falco pastes nothing there: no value)', () => {
    expect(() => run('proc.name startswith empty', ruleset({}, { empty: [] }))).toThrow(ConditionError);
    expect(() => run('proc.name = empty', ruleset({}, { empty: [] }))).toThrow(ConditionError);
  });
});

describe('lists and macros', () => {
  it('expands a list named inside a list, and stops at a cycle instead of looping', () => {
    const rules = ruleset({}, { a: ['b', 'cat'], b: ['a', 'grep'], c: ['c'] });
    expect(run('proc.name in (a)', rules).truth).toBe(TRUE);
    expect(run('proc.name in (b)', rules).truth).toBe(TRUE);
    expect(run('proc.name in (a, c)', rules).truth).toBe(TRUE);
    // a cycle leaves the list name as an item: it matches a process of that name
    expect(run('proc.name in (c)', rules, { ...event, fields: { ...event.fields, 'proc.name': 'c' } }).truth).toBe(TRUE);
    expect(run('proc.name in (b)', rules, { ...event, fields: { ...event.fields, 'proc.name': 'b' } }).truth).toBe(TRUE);
    expect(run('proc.name in (b)', rules, { ...event, fields: { ...event.fields, 'proc.name': 'a' } }).truth).toBe(FALSE);
    expect(run('proc.name in (a)', rules, { ...event, fields: { ...event.fields, 'proc.name': 'a' } }).truth).toBe(TRUE);
  });
  it('an item naming a list that was already expanded on the way is kept as text', () => {
    const rules = ruleset({}, { outer: ['inner'], inner: ['outer', 'x'] });
    expect(run('proc.name in (outer)', rules, { ...event, fields: { ...event.fields, 'proc.name': 'outer' } }).truth).toBe(TRUE);
    expect(run('proc.name in (outer)', rules, { ...event, fields: { ...event.fields, 'proc.name': 'inner' } }).truth).toBe(FALSE);
    expect(run('proc.name in (outer)', rules, { ...event, fields: { ...event.fields, 'proc.name': 'x' } }).truth).toBe(TRUE);
  });
  it('a scalar right-hand side that names a list is that list', () => {
    expect(run('proc.name = shells', ruleset({}, { shells: ['cat'] })).truth).toBe(TRUE);
    expect(run('proc.name = "shells"', ruleset({}, { shells: ['cat'] })).truth).toBe(FALSE);
  });
  it('compiles a macro used twice once, and the same compiler can be reused', () => {
    const compiler = new ConditionCompiler(ruleset({ is_cat: 'proc.name = cat' }));
    const both = compiler.compile('is_cat and is_cat');
    expect(both(event, new Set())).toBe(TRUE);
    expect(compiler.compile('not is_cat')(event, new Set())).toBe(FALSE);
  });
  it('a macro that failed to compile fails the same way the next time (not as a self-inclusion)', () => {
    const compiler = new ConditionCompiler(ruleset({ outer: 'proc.name = cat and missing' }));
    expect(() => compiler.compile('outer')).toThrow('undefined macro missing');
    expect(() => compiler.compile('outer')).toThrow('undefined macro missing');
    expect(() => compiler.compile('proc.name = x or outer')).toThrow(ConditionError);
  });
  it('names the macro that includes itself, also through another macro', () => {
    expect(() => run('a', ruleset({ a: 'b', b: 'proc.name = x and a' }))).toThrow('macro a includes itself');
  });
});

describe('conditions as long and as deep as a rules file makes them', () => {
  // Chains of and/or are evaluated as one loop each, and macros compiled the used ones first, with stacks of their own:
  // a 32,000-term chain and 2,000 macros nested one inside the other ran out of the call stack (no verdict).
  it('evaluates a chain of 32,000 terms, with the short-circuits and needs of the nested pairs', () => {
    const terms = Array.from({ length: 32_000 }, (_, i) => `proc.name = x${i}`);
    expect(run([...terms, 'proc.name = cat'].join(' or '))).toEqual({ truth: TRUE, needs: [] });
    expect(run([...terms, 'proc.sid = 1'].join(' or '))).toEqual({ truth: UNKNOWN, needs: ['proc.sid'] });
    const trues = Array.from({ length: 32_000 }, () => 'proc.name = cat');
    expect(run([...trues, 'proc.ppid = 1', ...trues, 'proc.name = grep', 'proc.sid = 1'].join(' and '))).toEqual({ truth: FALSE, needs: ['proc.ppid'] });
  });

  it('compiles 20,000 macros each naming the next, and names a cycle at the bottom of them', () => {
    // Compiled one inside the other (a call per macro), they ran out of the call stack long before.
    const depth = 20_000;
    const chain = (last: string) => Object.fromEntries(Array.from({ length: depth }, (_, i) => [`m${i}`, i === depth - 1 ? last : `m${i + 1}`]));
    expect(run('m0', ruleset(chain('proc.name = cat')))).toEqual({ truth: TRUE, needs: [] });
    expect(() => run('m0', ruleset(chain('m10000')))).toThrow('macro m10000 includes itself');
  });

  it('evaluates macros nested one inside the other to MAX_EVALUATION_DEPTH, and names a cycle at the bottom of them', () => {
    // Each macro is a chain (one level) of a check and the next macro; the last is a check: as many levels as macros.
    const nested = (last: string, depth = MAX_EVALUATION_DEPTH) => Object.fromEntries(Array.from({ length: depth }, (_, i) => [`m${i}`, i === depth - 1 ? last : `proc.pid > 0 and m${i + 1}`]));
    expect(MAX_EVALUATION_DEPTH).toBe(1_000);
    expect(run('m0', ruleset(nested('proc.name = cat')))).toEqual({ truth: TRUE, needs: [] });
    expect(run('not m0', ruleset(nested('proc.sid = 1', MAX_EVALUATION_DEPTH - 1)))).toEqual({ truth: UNKNOWN, needs: ['proc.sid'] });
    expect(() => run('m0', ruleset(nested('m0')))).toThrow('macro m0 includes itself');
    expect(() => run('m0', ruleset(nested('m500')))).toThrow('macro m500 includes itself');
    expect(() => run('m0', ruleset(nested('missing')))).toThrow('undefined macro missing');
  });

  it('refuses a condition nested deeper than MAX_EVALUATION_DEPTH with its macros: evaluated, 20,000 levels ran out of the call stack', () => {
    const nested = (depth: number, last = 'proc.name = cat') => Object.fromEntries(Array.from({ length: depth }, (_, i) => [`m${i}`, i === depth - 1 ? last : `proc.pid > 0 and m${i + 1}`]));
    const deep = ruleset(nested(20_000));
    expect(() => run('m0', deep)).toThrow(new ConditionError('nested 20000 levels deep with its macros, and the emulator evaluates at most 1000'));
    // One level more than the limit, by a `not`, by a chain around the macro, or by a check at the bottom nested in a `not`.
    const atLimit = ruleset(nested(MAX_EVALUATION_DEPTH));
    expect(() => run('not m0', atLimit)).toThrow('nested 1001 levels deep');
    expect(() => run('proc.pid > 0 and (proc.name = cat or m0)', atLimit)).toThrow('nested 1002 levels deep');
    expect(() => run('m0', ruleset(nested(MAX_EVALUATION_DEPTH, 'not proc.name = cat')))).toThrow('nested 1001 levels deep');
    // One level less, the chain around them fits: a macro used twice counts its depth once, not twice.
    const below = ruleset(nested(MAX_EVALUATION_DEPTH - 1));
    expect(run('proc.name = cat or m0', below)).toEqual({ truth: TRUE, needs: [] });
    expect(run('m0 and m1 and m0', below)).toEqual({ truth: TRUE, needs: [] });
    // A long chain is one level, whatever its length; a macro used by name alone adds none.
    const chain = Array.from({ length: 5_000 }, (_, i) => `proc.name = x${i}`).join(' or ');
    expect(run(`not (${chain} or m0)`, ruleset({ ...nested(MAX_EVALUATION_DEPTH - 2), alias: 'm0' }))).toEqual({ truth: FALSE, needs: [] });
    expect(() => run(`not (${chain} or alias)`, ruleset({ ...nested(MAX_EVALUATION_DEPTH - 1), alias: 'm0' }))).toThrow('nested 1001 levels deep');
  });

  it('compiles a macro used by many others once: 60 layers of diamonds (each layer using the next twice) in linear time', () => {
    // Compiled again at each use, the layers would take 2^60 compilations. (Evaluated, they would take as many calls but
    // for the short-circuit: the bottom's left side is false, so every layer is false at its left.)
    const layers = 60;
    const macros: Record<string, string> = {};
    for (let i = 0; i < layers; i++) {
      macros[`top${i}`] = `left${i} and right${i}`;
      macros[`left${i}`] = i === layers - 1 ? 'proc.name = grep' : `top${i + 1}`;
      macros[`right${i}`] = i === layers - 1 ? 'proc.pname = bash' : `top${i + 1} and top${i + 1}`;
    }
    expect(run('top0', ruleset(macros))).toEqual({ truth: FALSE, needs: [] });
  });

  it('checks a pattern as RE2 only after regex: other operators take the same text as a plain value', () => {
    expect(run('proc.name = "a(" or proc.name startswith "[" or proc.name in ("(", cat)')).toEqual({ truth: TRUE, needs: [] });
    expect(() => run('proc.name regex "a("')).toThrow(/^regex: /);
  });

  it('gives the answer and the needs of pairwise Kleene logic on 3,000 random conditions', () => {
    // Atoms of known outcome on `event`; the reference evaluates the tree pair by pair, left operand first.
    const atoms: [string, Truth, string[]][] = [
      ['proc.name = cat', TRUE, []],
      ['proc.name = grep', FALSE, []],
      ['proc.sid = 1', UNKNOWN, ['proc.sid']],
      ['proc.ppid = 1', UNKNOWN, ['proc.ppid']],
      ['is_cat', TRUE, []],
      ['is_unknown', UNKNOWN, ['proc.sid']],
    ];
    type Tree = { atom: number } | { not: Tree } | { op: 'and' | 'or'; left: Tree; right: Tree };
    const random = seededRandom(0x5eed1234);
    const pick = (n: number) => Math.floor(random() * n);
    const tree = (depth: number): Tree => {
      const roll = pick(depth > 0 ? 6 : 1);
      if (roll === 0) return { atom: pick(atoms.length) };
      if (roll === 1) return { not: tree(depth - 1) };
      return { op: roll % 2 === 0 ? 'and' : 'or', left: tree(depth - 1), right: tree(depth - 1) };
    };
    // Chains of one operator written without parentheses, so that the parser builds them as it does from rules files.
    const text = (t: Tree, parent?: 'and' | 'or'): string => {
      if ('atom' in t) return atoms[t.atom]![0];
      if ('not' in t) return `not (${text(t.not)})`;
      const inner = `${text(t.left, t.op)} ${t.op} ${text(t.right, t.op)}`;
      return parent === t.op ? inner : `(${inner})`;
    };
    const reference = (t: Tree, needs: Set<string>): Truth => {
      if ('atom' in t) {
        const [, truth, needed] = atoms[t.atom]!;
        for (const field of needed) needs.add(field);
        return truth;
      }
      if ('not' in t) {
        const v = reference(t.not, needs);
        return v === UNKNOWN ? UNKNOWN : v === TRUE ? FALSE : TRUE;
      }
      const l = reference(t.left, needs);
      if (t.op === 'and' && l === FALSE) return FALSE;
      if (t.op === 'or' && l === TRUE) return TRUE;
      const r = reference(t.right, needs);
      if (t.op === 'and') return r === FALSE ? FALSE : l === TRUE && r === TRUE ? TRUE : UNKNOWN;
      return r === TRUE ? TRUE : l === FALSE && r === FALSE ? FALSE : UNKNOWN;
    };
    const rules = ruleset({ is_cat: 'proc.name = cat', is_unknown: 'proc.sid = 1 and proc.name = cat' });
    for (let n = 0; n < 3_000; n++) {
      const t = tree(5);
      const needs = new Set<string>();
      const truth = reference(t, needs);
      expect(run(text(t), rules), text(t)).toEqual({ truth, needs: [...needs].sort() });
    }
  });
});
