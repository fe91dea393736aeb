// The condition language's module-level tables, one member at a time: the operators src/falco/condition/ast.ts
// lists (which the parser and the exceptions' comps read), its transformers, and operator-types.ts's operators of the
// checks Falco's event code search reads. Each test loads the modules afresh (vi.resetModules): a table is made once,
// when its module is loaded, so only a test that loads it sees a change to it (StrykerJS counts a table's mutants as
// covered by the tests that load the module, and the other tests load it once, at their top).
import { describe, expect, it, vi } from 'vitest';

const COMPARISONS = ['=', '==', '!=', '<', '<=', '>', '>=', 'contains', 'icontains', 'bcontains', 'startswith', 'bstartswith', 'endswith', 'glob', 'iglob', 'regex'];
const LIST_OPERATORS = ['in', 'intersects', 'pmatch'];

async function fresh() {
  vi.resetModules();
  return {
    ...(await import('../../../../src/falco/condition/parse.js')),
    ...(await import('../../../../src/falco/exceptions.js')),
    ...(await import('../../../../src/falco/condition/operator-types.js')),
  };
}

describe('ast.ts operator and transformer tables, each member', () => {
  it('every operator Falco knows is an exception comp, and nothing else is (rule_loader: is_operator_defined)', async () => {
    const { exceptionComps } = await fresh();
    const position = { file: 'r.yaml', line: 1, column: 1 };
    for (const op of [...COMPARISONS, ...LIST_OPERATORS, 'exists']) {
      expect(exceptionComps({ name: 'e', fields: ['proc.name'], comps: [op], values: [], position })).toEqual([op]);
    }
    for (const op of ['', 'like', 'IN']) {
      expect(() => exceptionComps({ name: 'e', fields: ['proc.name'], comps: [op], values: [], position })).toThrow(`'${op}' is not a supported comparison operator`);
    }
  });

  it('every word operator parses as one; a list operator takes a list, exists no value', async () => {
    const { parseCondition } = await fresh();
    for (const op of COMPARISONS.filter((o) => /^[a-z]/.test(o))) expect(parseCondition(`proc.name ${op} x`)).toMatchObject({ kind: 'check', operator: op, value: { kind: 'value', text: 'x' } });
    for (const op of LIST_OPERATORS) expect(parseCondition(`proc.name ${op} (a, b)`)).toMatchObject({ kind: 'check', operator: op, value: { kind: 'list', items: [{ text: 'a' }, { text: 'b' }] } });
    const exists = parseCondition('proc.name exists');
    expect(exists).toMatchObject({ kind: 'check', operator: 'exists' });
    expect(exists).not.toHaveProperty('value');
  });

  it('every transformer parses as one, on the left and on the right', async () => {
    const { parseCondition } = await fresh();
    for (const t of ['tolower', 'toupper', 'b64', 'basename', 'len']) {
      expect(parseCondition(`${t}(proc.name) = ${t}(proc.pname)`)).toMatchObject({ field: { name: 'proc.name', transformers: [t] }, value: { kind: 'field', field: { name: 'proc.pname', transformers: [t] } } });
    }
    // val() only on the right (libsinsp: a field where a value goes).
    expect(parseCondition('proc.name = val(proc.pname)')).toMatchObject({ value: { kind: 'field', field: { name: 'proc.pname', transformers: ['val'] } } });
  });
});

describe('operator-types.ts EVENT_TYPE_OPERATORS, each member', () => {
  it('a transformer on evt.type is refused with every operator the event code search reads, and no other', async () => {
    const { eventTypeCheckProblem } = await fresh();
    const tolower = { name: 'evt.type', transformers: ['tolower'] };
    for (const op of ['=', '==', '!=', 'in', 'exists']) expect(eventTypeCheckProblem(tolower, op, undefined)).toMatch(/^tolower\(evt\.type\): Falco reads the event types/);
    for (const op of ['contains', 'glob', '']) expect(eventTypeCheckProblem(tolower, op, undefined)).toBeUndefined();
  });
});

describe('event-types.ts and validate/event-types.ts constants, loaded afresh', () => {
  it('the generic event is found as `syscall`; every type is the empty complement, no type the empty set', async () => {
    vi.resetModules();
    const { EventTypeSearch } = await import('../../../../src/falco/condition/event-types.js');
    const { parseCondition } = await import('../../../../src/falco/condition/parse.js');
    const search = new EventTypeSearch({ genericEvents: new Set(['syncfs']), eventCodes: new Map([['open', 2]]) }, new Map(), () => undefined);
    expect(search.of(parseCondition('evt.type = syncfs'))).toEqual({ isComplement: false, names: new Set(['syscall']) });
    expect(search.of(parseCondition('proc.name = x'))).toEqual({ isComplement: true, names: new Set() });
    expect(search.of(parseCondition('not evt.type exists'))).toEqual({ isComplement: false, names: new Set() });
  });

  it("the warning carries Falco's words and says how to restrict the rule", async () => {
    vi.resetModules();
    const { eventTypesMessage, TOO_MANY_EVENT_TYPES } = await import('../../../../src/validate/event-types.js');
    expect(TOO_MANY_EVENT_TYPES).toBe('Rule matches too many evt.type values. This has a significant performance penalty.');
    expect(eventTypesMessage({ kind: 'every', but: [] })).toBe('the condition matches every event type, so Falco runs the rule on every system call; restrict it with evt.type or a macro such as spawned_process (Falco: Rule matches too many evt.type values. This has a significant performance penalty.)');
  });
});
