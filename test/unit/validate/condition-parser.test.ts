// Falco's condition grammar: what parses, and where a broken one breaks.
import { describe, expect, it } from 'vitest';
import { walk, type ConditionNode, type FieldRef, type Operand } from '../../../src/falco/condition/ast.js';
import { ConditionSyntaxError, listItemValues, MAX_NESTING, parseCondition } from '../../../src/falco/condition/parse.js';

const field = (f: FieldRef): string => f.transformers.reduceRight((inner, t) => `${t}(${inner})`, `${f.name}${f.arg !== undefined ? `[${f.arg}]` : ''}`);
const operand = (v: Operand): string => (v.kind === 'value' ? (v.isQuoted ? JSON.stringify(v.text) : v.text) : v.kind === 'list' ? `(${v.items.map(operand).join(', ')})` : `field ${field(v.field)}`);
/** A tree in one line: (and l r), (or l r), (not x), a macro by name, [field operator value]. */
function show(node: ConditionNode): string {
  switch (node.kind) {
    case 'and':
    case 'or':
      return `(${node.kind} ${show(node.left)} ${show(node.right)})`;
    case 'not':
      return `(not ${show(node.operand)})`;
    case 'macro':
      return node.name;
    case 'check':
      return `[${field(node.field)} ${node.operator}${node.value ? ` ${operand(node.value)}` : ''}]`;
  }
}

describe('parseCondition', () => {
  // Each condition with its tree, written compactly: (and l r), (not x), a macro by name, [field operator value].
  const valid: [string, string][] = [
    ['spawned_process and container and shell_procs', '(and (and spawned_process container) shell_procs)'],
    ["evt.type in (open, openat, openat2) and evt.is_open_write=true and fd.typechar='f' and fd.num>=0", '(and (and (and [evt.type in (open, openat, openat2)] [evt.is_open_write = true]) [fd.typechar = "f"]) [fd.num >= 0])'],
    ['not (proc.name in (sshd, "my app") or proc.pname startswith runc)', '(not (or [proc.name in (sshd, "my app")] [proc.pname startswith runc]))'],
    ['proc.aname[2] = bash and evt.arg.flags contains O_TRUNC', '(and [proc.aname[2] = bash] [evt.arg.flags contains O_TRUNC])'],
    ['fd.name pmatch (/etc, /usr/bin) and fd.types intersects (ipv4, ipv6)', '(and [fd.name pmatch (/etc, /usr/bin)] [fd.types intersects (ipv4, ipv6)])'],
    ['tolower(proc.cmdline) icontains "curl" and len(proc.args) > 10', '(and [tolower(proc.cmdline) icontains "curl"] [len(proc.args) > 10])'],
    ['proc.name = val(proc.pname)', '[proc.name = field val(proc.pname)]'],
    ['evt.res startswith E and fd.name glob "/tmp/*" and proc.exepath regex ".*x$"', '(and (and [evt.res startswith E] [fd.name glob "/tmp/*"]) [proc.exepath regex ".*x$"])'],
    ['k8s.ns.name exists and not proc.env[HOME] = /root', '(and [k8s.ns.name exists] (not [proc.env[HOME] = /root]))'],
    ['proc.pname = <NA>', '[proc.pname = <NA>]'],
    ['evt.type in ()', '[evt.type in ()]'],
  ];
  for (const [condition, tree] of valid) it(`parses ${condition}`, () => expect(show(parseCondition(condition))).toBe(tree));

  it('builds and/or/not with their precedence', () => {
    const tree = parseCondition('a or b and not c');
    expect(tree).toMatchObject({ kind: 'or', left: { kind: 'macro', name: 'a' }, right: { kind: 'and', right: { kind: 'not', operand: { kind: 'macro', name: 'c' } } } });
  });
  it('reads field arguments, transformers and lists', () => {
    expect(parseCondition('toupper(proc.aname[3]) in (A, "B C")')).toMatchObject({
      kind: 'check',
      field: { name: 'proc.aname', arg: '3', transformers: ['toupper'] },
      operator: 'in',
      value: { kind: 'list', items: [{ text: 'A', isQuoted: false }, { text: 'B C', isQuoted: true }] },
    });
  });

  it('takes an identifier without parentheses after in, intersects and pmatch as one value, as libsinsp does (ListValue ::= ( … ) | Identifier)', () => {
    // One value, not a list: Falco pastes a list's items there as text (lists.ts decides whether that parses).
    expect(show(parseCondition('proc.name in shell_binaries and fd.name pmatch (x)'))).toBe('(and [proc.name in shell_binaries] [fd.name pmatch (x)])');
    expect(show(parseCondition('proc.name  intersects  my_list2'))).toBe('[proc.name intersects my_list2]');
    expect(parseCondition('evt.type in  open')).toMatchObject({ value: { kind: 'value', text: 'open', isQuoted: false, pos: { column: 14 } } });
    // the name is libsinsp's identifier: what follows it is the rest of the condition
    expect(() => parseCondition('proc.name in my-list')).toThrow(/expected and, or/);
  });

  const broken: [string, string, number, number][] = [
    ['spawned_process and', 'expected a field, a macro', 1, 20],
    ['(a or b', 'expected ")"', 1, 8],
    ['proc.name in (a, b', 'expected "," or ")"', 1, 19],
    ['proc.name ~ x', 'expected an operator', 1, 11],
    ['proc.name = "unterminated', 'unterminated string', 1, 13],
    ['a\n  and proc.name =', 'expected a value', 2, 18],
    ['spawned_process proc.name=sh', 'expected and, or', 1, 17],
    ['evt.type in -x', 'expected "(" to open a list, or a list name', 1, 13],
    ['evt.type in  9lives', 'expected "(" to open a list, or a list name', 1, 14],
    ['shell_procs = bash', 'is not a field', 1, 1],
    ['a and ) ', 'expected a field', 1, 7],
    // libsinsp's RGX_IDENTIFIER and RGX_FIELDNAME: a name starts with a letter, and so does each part after a dot.
    ['_hidden_macro and proc.name = x', 'expected a field, a macro, "not" or "("', 1, 1],
    ['spawned_process and _m', 'expected a field, a macro, "not" or "("', 1, 21],
    ['evt.arg.0 = x', 'expected an operator', 1, 8],
    ['k8s.pod.label.app-name = x', 'expected an operator', 1, 18],
    ['my_macro.1', 'expected and, or', 1, 9],
  ];
  for (const [condition, message, line, column] of broken) {
    it(`rejects ${JSON.stringify(condition)} at ${line}:${column}`, () => {
      const error = (() => {
        try {
          parseCondition(condition);
        } catch (e) {
          return e;
        }
      })() as ConditionSyntaxError;
      expect(error).toBeInstanceOf(ConditionSyntaxError);
      expect(error.detail).toContain(message);
      expect([error.pos.line, error.pos.column]).toEqual([line, column]);
    });
  }
});

describe('nesting', () => {
  const depthOf = (node: ConditionNode): number => (node.kind === 'not' ? 1 + depthOf(node.operand) : 0);
  it(`reads ${MAX_NESTING} levels of not, parentheses and transformers, and refuses one more with a syntax error at its place`, () => {
    expect(depthOf(parseCondition(`${'not '.repeat(MAX_NESTING)}proc.name = x`))).toBe(MAX_NESTING);
    const mixed = `${'not '.repeat(200)}${'('.repeat(200)}${'tolower('.repeat(99)}proc.name${')'.repeat(99)} = x${')'.repeat(200)}`;
    expect(() => parseCondition(mixed)).not.toThrow();
    expect(() => parseCondition(`${'not '.repeat(MAX_NESTING + 1)}proc.name = x`)).toThrow(new ConditionSyntaxError(`nested more than ${MAX_NESTING} levels deep (not, parentheses, transformers), found "not"`, { offset: 2000, line: 1, column: 2001 }));
    expect(() => parseCondition(`${'('.repeat(MAX_NESTING + 1)}proc.name = x${')'.repeat(MAX_NESTING + 1)}`)).toThrow(`1:${MAX_NESTING + 1}: nested more than`);
    expect(() => parseCondition(`${'tolower('.repeat(MAX_NESTING + 1)}proc.name${')'.repeat(MAX_NESTING + 1)} = x`)).toThrow(`1:${8 * MAX_NESTING + 1}: nested more than`);
  });
  it('a condition written to exhaust the stack (12,000 nots, as a model answered) is a syntax error, not a crash', () => {
    expect(() => parseCondition(`spawned_process and ${'not '.repeat(12_000)}proc.name = x`)).toThrow(ConditionSyntaxError);
  });
  it('the depth is counted down again: many nestings side by side are fine', () => {
    expect(() => parseCondition(Array.from({ length: 50 }, () => `${'('.repeat(400)}proc.name = x${')'.repeat(400)}`).join(' and '))).not.toThrow();
  });
});

describe('a long chain of and/or (as deep as it is long: its left side holds the rest)', () => {
  const TERMS = 40_000;
  const chain = Array.from({ length: TERMS }, (_, i) => `proc.name = p${i}`).join(' or\n');
  it(`parses ${TERMS.toLocaleString('en')} terms on as many lines, each place right (one position used to read the text from its start: minutes)`, () => {
    const tree = parseCondition(chain);
    // The or's place is the end of the term on its left.
    expect(tree).toMatchObject({ kind: 'or', pos: { line: TERMS - 1, column: 14 + String(TERMS - 2).length }, right: { kind: 'check', pos: { line: TERMS, column: 1 } } });
  });
  it('is walked depth first, each node once (a recursive walk passed every node up through each level, and ran out of stack)', () => {
    const tree = parseCondition(chain);
    const nodes = [...walk({ kind: 'not', operand: tree, pos: tree.pos })];
    expect(nodes).toHaveLength(2 * TERMS);
    expect(nodes.slice(0, 2).map((n) => [n.node.kind, n.isNegated])).toEqual([['not', false], ['or', true]]);
    const checks = nodes.filter((n) => n.node.kind === 'check');
    expect(checks.map((n) => (n.node.kind === 'check' && n.node.value?.kind === 'value' ? n.node.value.text : ''))).toEqual(Array.from({ length: TERMS }, (_, i) => `p${i}`));
    expect(checks.every((n) => n.isNegated)).toBe(true);
  });
});

describe('listItemValues', () => {
  // Falco pastes list items into the condition (quoting one with a space), then parses it.
  const table: [string, string[]][] = [
    ['"10.0.0.0/8"', ['10.0.0.0/8']],
    ['"(systemd)"', ['(systemd)']],
    ["'cat'", ['cat']],
    ['my app', ['my app']],
    ['a,b', ['a', 'b']],
    ['<NA>', ['<NA>']],
  ];
  for (const [item, values] of table) it(`reads ${item} as ${values.join(', ')}`, () => expect(listItemValues(item)).toEqual(values));
  it('refuses an item that does not parse in a list', () => {
    expect(() => listItemValues('"a" b')).toThrow(ConditionSyntaxError);
    expect(() => listItemValues('a)')).toThrow(ConditionSyntaxError);
  });
});

describe('what libsinsp\'s lexer refuses or reads its own way', () => {
  const value = (condition: string): unknown => {
    const node = parseCondition(condition);
    return node.kind === 'check' && node.value?.kind === 'value' ? node.value.text : undefined;
  };
  const detail = (condition: string): string => {
    try {
      parseCondition(condition);
    } catch (error) {
      if (error instanceof ConditionSyntaxError) return error.detail;
      throw error;
    }
    return 'parsed';
  };
  it('a bare value stops at "=" (RGX_BARESTR), so -r=now does not parse', () => {
    expect(detail('proc.cmdline contains -r=now')).toBe('expected and, or or the end of the condition, found "=now"');
    expect(value('proc.cmdline contains "-r=now"')).toBe('-r=now');
    expect(value('proc.pname = <NA>')).toBe('<NA>');
  });
  it('escapes as unescape_str reads them, and refuses the others', () => {
    expect(value('proc.cmdline = "a\\nb\\tc\\\\d\\/e"')).toBe('a\nb\tc\\d/e');
    expect(value('proc.cmdline = "a\\ b"')).toBe('a\\b'); // a backslash and a space give a backslash
    expect(value('proc.cmdline = "say \\"hi\\""')).toBe('say "hi"');
    expect(value("proc.cmdline = 'it\\'s'")).toBe("it's");
    expect(detail('proc.cmdline contains "\\-r"')).toBe('unsupported string escape sequence: \\-, found ""\\-r""');
    expect(detail('proc.cmdline regex "[a-z]+ \\d+"')).toBe('unsupported string escape sequence: \\d, found ""[a-z]+"');
    expect(detail("proc.cmdline = 'a\\\"b'")).toBe("invalid \\\" escape in '-quoted string, found \"'a\\\"b'\"");
    // The string ends at the first quote not right after a backslash: "a\\" does not end there.
    expect(detail('proc.cmdline = "a\\\\"')).toBe('unterminated string, found ""a\\\\""');
  });
  it('word operators need a blank after them; symbols, in and exists do not', () => {
    expect(detail('proc.name contains"bash"')).toBe('"contains" needs a blank after it, found "contains"bash""');
    expect(value('proc.name contains\tbash')).toBe('bash');
    expect(value('proc.name="bash"')).toBe('bash');
    expect(show(parseCondition('proc.name in(a)'))).toBe('[proc.name in (a)]');
  });
  it('val() only where a value goes, and only around a field', () => {
    expect(detail('val(proc.name) = bash')).toBe('val() takes a field where a value goes, on the right of an operator, found "val(proc.name)"');
    expect(detail('proc.name = val(tolower(proc.pname))')).toBe("expected a field within 'val' transformer, found \"tolower(proc.pname))\"");
    expect(show(parseCondition('proc.name = val(proc.pname)'))).toBe('[proc.name = field val(proc.pname)]');
  });
});
