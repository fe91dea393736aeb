// src/falco/parse.ts on small hand-written texts: what a document and an item may be (empty ones skipped, anything
// else refused with its line and column), which of the three readers read a file, the first of duplicate keys,
// where the composer stops (nesting, alias bombs, the yaml library's own stack), and when a YAML error's hint names
// a tab in the indentation (on the error's line, the one before or the one after, never one further away).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseRulesFile, parseRulesText } from '../../../src/falco/parse.js';

const FILE = 'f.yaml';
/** Each item as kind, name, line and column. */
const items = (text: string) => parseRulesText(text, FILE).map((i) => [i.kind, i.name, i.position.line, i.position.column]);
/** The InputError parsing `text` throws: its message and hint. */
function refusal(text: string): { message: string; hint: string | undefined } {
  try {
    parseRulesText(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return { message: (error as InputError).message, hint: (error as InputError).hint };
  }
  throw new Error('parsed without an error');
}
const NOT_A_LIST = {
  hint: 'each item starts with "- rule:", "- macro:" or "- list:"',
  message: 'not a Falco rules file: the document must be a YAML list of rule, macro and list items',
};

describe('parseRulesText: documents', () => {
  it('drops a byte order mark at the start only (a stray one at the end is text, and an error)', () => {
    expect(items('\ufeff- rule: A\n  condition: x\n')).toEqual([['rule', 'A', 1, 3]]);
    expect(refusal('- rule: A\n  condition: x\n\ufeff').message).toBe('f.yaml:3:1: YAML syntax error: Unexpected scalar at node end');
  });

  it('skips empty documents: nothing, null, an empty string, an empty list, one ended by ... or ---', () => {
    for (const text of ['', '\n', '~\n', "''\n", '""\n', '[]\n']) expect(items(text)).toEqual([]);
    expect(items('- rule: A\n...\n---\n')).toEqual([['rule', 'A', 1, 3]]);
    expect(items('---\n- rule: A\n---\n""\n---\n~\n')).toEqual([['rule', 'A', 2, 3]]);
  });

  it('refuses a document that is no list, where it starts', () => {
    for (const [text, at] of [['hello\n', '1:1'], ['a: b\nc: d\n', '1:1'], ['\n\na: b\n', '3:1'], ['- rule: A\n---\nx: 1\n', '3:1']]) {
      expect(refusal(text!)).toEqual({ message: `f.yaml:${at}: ${NOT_A_LIST.message}`, hint: NOT_A_LIST.hint });
    }
  });
});

describe('parseRulesText: items', () => {
  it('skips an empty item (a lone "-", or null) and refuses one that is no mapping', () => {
    expect(items('- \n- rule: A\n')).toEqual([['rule', 'A', 2, 3]]);
    expect(items('- ~\n- rule: A\n-\n')).toEqual([['rule', 'A', 2, 3]]);
    for (const text of ['- []\n', '- x\n', '- [a]\n', '- ""\n']) expect(refusal(text).message).toBe('f.yaml:1:3: not a Falco item: expected a mapping such as "- rule: NAME"');
    expect(items('- {}\n')).toEqual([['other', '', 1, 3]]);
  });

  it('refuses a rule, macro or list without a name, and takes any scalar as one', () => {
    for (const [text, kind] of [['- rule: ""\n', 'rule'], ['- rule: "  "\n', 'rule'], ['- macro: [a]\n', 'macro'], ['- list:\n', 'list']]) {
      expect(refusal(text!)).toEqual({ message: `f.yaml:1:3: ${kind} without a name`, hint: undefined });
    }
    expect(items('- rule: 5\n- macro: true\n')).toEqual([['rule', '5', 1, 3], ['macro', 'true', 2, 3]]);
  });

  it('reads the first of duplicate keys, as Falco does, and lists every duplicate in file order', () => {
    const [item] = parseRulesText('- rule: A\n  exceptions:\n    - name: e\n      name: f\n  desc: a\n  rule: B\n  desc: b\n', FILE);
    expect(item!.name).toBe('A');
    expect(item!.fields.desc).toBe('a');
    // Found outer map first (rule, desc), then inside exceptions (name): given by line and column.
    expect(item!.duplicateKeys!.map((d) => [d.key, d.position.line, d.position.column, d.first.line, d.first.column])).toEqual([
      ['name', 4, 7, 3, 7],
      ['rule', 6, 3, 1, 3],
      ['desc', 7, 3, 5, 3],
    ]);
  });
});

describe('parseRulesFile: which reader', () => {
  it('says the line scanner read a plain file, and not the CST reader (flow mappings) or the composer (aliases), which read it alike', () => {
    const plain = parseRulesFile('- rule: A\n  condition: x\n  tags: [a, b]\n', FILE);
    expect(plain.isScanned).toBe(true);
    const flow = parseRulesFile('- {rule: A, condition: x, tags: [a, b]}\n', FILE);
    expect(flow.isScanned).toBe(false);
    const aliased = parseRulesFile('- rule: A\n  condition: x\n  tags: &t [a, b]\n- rule: B\n  tags: *t\n', FILE);
    expect(aliased.isScanned).toBe(false);
    expect(flow.items[0]!.fields).toEqual(plain.items[0]!.fields);
    expect(aliased.items[0]!.fields).toEqual(plain.items[0]!.fields);
    expect(aliased.items[1]!.fields.tags).toEqual(['a', 'b']);
  });
  it('names a null-word key "null" on every path, as yaml-cpp\'s as<std::string>() does; a tagged one by its text', () => {
    // The line scanner, the CST reader (a flow map) and the composer (an anchor elsewhere sends the file there).
    const texts = ['- rule: A\n  NULL: x\n  ~: y\n  !!str Null: z\n', '- {rule: A, NULL: x, ~: y, !!str Null: z}\n', '- list: l\n  items: &i [a]\n- rule: A\n  NULL: x\n  ~: y\n  !!str Null: z\n'];
    const keys = texts.map((text) => Object.keys(parseRulesFile(text, FILE).items.at(-1)!.fields));
    expect(keys).toEqual([['rule', 'null', 'Null'], ['rule', 'null', 'Null'], ['rule', 'null', 'Null']]);
  });
  // yaml-cpp makes a null only of a plain scalar without a tag (`tag == "?"`): `!!str null` is the text null, and so is
  // any tagged null word; an empty tagged value is "" (QA: `- rule: !!str null` was "rule without a name").
  it('reads a tagged plain scalar as its text, a null word and an empty value included (the composer reads tags)', () => {
    const [rule] = parseRulesText('- rule: !!str null\n  desc: ! ~\n  output: !!null NULL\n  priority: !!str\n  condition: null\n  tags: [!!str ~, a]\n', FILE);
    expect(rule!.name).toBe('null');
    expect(rule!.fields).toEqual({ rule: 'null', desc: '~', output: 'NULL', priority: '', condition: null, tags: ['~', 'a'] });
  });
  // The yaml library decodes !!binary into bytes (and !!set, !!omap into objects) unless told not to; yaml-cpp knows none
  // of them and reads the scalar's text (QA: `- !!binary rule: x` was said as {"type":"Buffer","data":[174,233,94]}).
  it('reads a scalar tagged !!binary as its text, a key and a tag alike, as yaml-cpp does', () => {
    const [item] = parseRulesText('- !!binary rule: x\n', FILE);
    expect(item!.name).toBe('x');
    expect(Object.keys(item!.fields)).toEqual(['rule']);
    const [tagged] = parseRulesText('- rule: r\n  tags: [!!binary dGVzdA==, T1059]\n', FILE);
    expect(tagged!.fields.tags).toEqual(['dGVzdA==', 'T1059']);
  });
});

/** A rule whose tags are `depth` flow lists, one inside the other; `aliased` puts an alias first (the composer reads it). */
const nested = (depth: number, aliased = false) => `${aliased ? '- list: l\n  items: &x [a]\n- list: m\n  items: *x\n' : ''}- rule: A\n  tags: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;

describe('parseRulesText: what the composer may build', () => {
  it('refuses nesting past 100 collections in a reader and in the composer alike, with the reader\'s hint', () => {
    // The item, its tags, then the lists: 98 lists are 100 collections deep.
    for (const aliased of [false, true]) {
      expect(() => parseRulesText(nested(98, aliased), FILE)).not.toThrow();
      const { message } = refusal(nested(99, aliased));
      expect(message).toMatch(/^f\.yaml:\d+:\d+: collections nested more than 100 levels deep$/);
    }
    expect(refusal(nested(150))).toEqual({ message: 'f.yaml:2:107: collections nested more than 100 levels deep', hint: 'Falco rules nest a few levels deep; this file is not one' });
    expect(refusal(nested(150, true)).message).toBe('f.yaml:6:107: collections nested more than 100 levels deep');
  });

  it('refuses nesting deep enough to exhaust the yaml library\'s stack as too deep, not as a crash', () => {
    expect(refusal(nested(20_000, true)).message).toMatch(/^f\.yaml:\d+:\d+: collections nested more than 100 levels deep$/);
  });

  it('takes aliases that repeat nodes, more nodes than the file has characters, and refuses a billion laughs', () => {
    const repeated = `- list: a\n  items: &x [a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t]\n- list: b\n  items: [*x,*x,*x,*x,*x,*x]\n`;
    expect(parseRulesText(repeated, FILE)[1]!.fields.items).toHaveLength(6);
    const levels = ['&a [x,x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 8; i++) levels.push(`&${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const bomb = `- list: l\n  items: [${levels.join(', ')}]\n`;
    const refused = refusal(bomb);
    expect(refused.message).toMatch(/^f\.yaml:2:\d+: YAML aliases expand to far more nodes than the file holds \(an alias bomb\)$/);
    expect(refused.hint).toBe('write the repeated values out, or use fewer nested aliases');
  });

  it('composes up to 100,000 nodes in a file of fewer characters, and refuses the next one', () => {
    // Nodes counted as the composer counts them: the list of items 1; each item's mapping 1 and each value 1 (a
    // sequence 1 more per element); an alias 1, plus the nodes it stands for (here 1 + 98). So 1 + (3 + 98) +
    // (3 + 998 × 100) + (3 + extra) = 100,000 with 92 extra scalars.
    const text = (extra: number) => `- list: a\n  items: &x [${Array(98).fill('e').join(',')}]\n- list: b\n  items: [${Array(998).fill('*x').join(',')}]\n- list: c\n  items: [${Array(extra).fill('e').join(',')}]\n`;
    expect(text(93).length).toBeLessThan(100_000);
    expect(parseRulesText(text(92), FILE)[2]!.fields.items).toHaveLength(92);
    expect(refusal(text(93)).message).toMatch(/^f\.yaml:6:\d+: YAML aliases expand to far more nodes than the file holds \(an alias bomb\)$/);
  });

  it('refuses an alias without an anchor before it, and one inside the node it names', () => {
    expect(refusal('- list: a\n  items: *x\n').message).toBe('f.yaml:2:10: YAML alias *x has no anchor before it');
    expect(refusal('- list: a\n  items: &a [*a]\n').message).toBe('f.yaml:2:14: YAML alias *a refers to a node that contains it');
    expect(refusal('- list: a\n  items: &a [b, *a]\n').message).toBe('f.yaml:2:17: YAML alias *a refers to a node that contains it');
  });

  it('lists duplicates on one line by column, in the CST reader and the composer', () => {
    // The outer map's duplicate (rule, column 30) is found before the inner one's (k, column 23).
    const expected = [['k', 23, 17], ['rule', 30, 4]];
    const byColumn = (text: string) => parseRulesText(text, FILE).at(-1)!.duplicateKeys!.map((d) => [d.key, d.position.column, d.first.column]);
    expect(byColumn('- {rule: A, x: {k: 1, k: 2}, rule: B}\n')).toEqual(expected);
    expect(byColumn('- rule: A\n  tags: &t [a]\n- {rule: B, x: {k: 1, k: 2}, rule: C, t: *t}\n')).toEqual(expected);
  });

  it('reads duplicate keys in the composer too: the first wins', () => {
    const [item] = parseRulesText('- rule: A\n  tags: &t [a]\n  rule: B\n- rule: C\n  tags: *t\n', FILE);
    expect(item!.name).toBe('A');
    expect(item!.duplicateKeys!.map((d) => d.key)).toEqual(['rule']);
  });
});

describe('parseRulesText: a syntax error in binary data', () => {
  // QA: random bytes made one error line of 2.6 KB, the yaml library quoting the token it stopped at.
  it('quotes at most 200 characters of the library\'s message, and says when the line holds binary data', () => {
    const long = refusal(`*a \n\n${'x'.repeat(400)}\n`);
    expect(long.message).toMatch(/^f\.yaml:3:1: YAML syntax error: Unexpected scalar token in YAML stream: "x+…$/);
    expect(long.message.length).toBe('f.yaml:3:1: YAML syntax error: '.length + 200);
    expect(long.hint).toBeUndefined();
    const binary = refusal(`*a \n\n\u0000${'x'.repeat(10)}\ufffd\n`);
    expect(binary.hint).toBe('the file holds binary data (a NUL byte, or bytes that are not UTF-8), not YAML text');
    // A NUL on another line than the error's says nothing.
    expect(refusal(`- a: "\u0000"\n]\n`).hint).toBeUndefined();
    expect(refusal(`*a \n\nxx\n\u0000\n`).hint).toBeUndefined();
    // The error's line the last, without a line break: its last character counts.
    expect(refusal('- [a] \u0000').hint).toBe('the file holds binary data (a NUL byte, or bytes that are not UTF-8), not YAML text');
  });
  it('reads the whole of the error\'s line for binary data, from its first character to its last', () => {
    const binary = 'the file holds binary data (a NUL byte, or bytes that are not UTF-8), not YAML text';
    // The NUL before the error's position on its line (the error at `]`), and the error on the line's last character.
    expect(refusal('- rule: A\n  desc: "a\u0000b" ]\n')).toEqual({ message: 'f.yaml:2:15: YAML syntax error: Unexpected flow-seq-end token in YAML stream: "]"', hint: binary });
    expect(refusal('- rule: "a\u0000" x\n- b\n')).toEqual({ message: 'f.yaml:1:14: YAML syntax error: Unexpected scalar at node end', hint: binary });
    // A NUL that ends the line before the error's (in a comment) is not on it.
    const before = refusal('- rule: a # c\u0000\n  desc: : x\n');
    expect(before.message).toMatch(/^f\.yaml:2:9: /);
    expect(before.hint).toBeUndefined();
  });
});

describe('parseRulesText: a tab in the indentation', () => {
  const hint = (line: number) => `YAML indents with spaces: line ${line} starts with a tab`;
  it('is named when it starts the error\'s line, after spaces or not, the first line too', () => {
    expect(refusal('- rule: A\n  condition: x\n  \tdesc: y\n')).toEqual({ message: 'f.yaml:3:3: YAML syntax error: Tabs are not allowed as indentation', hint: hint(3) });
    expect(refusal('\t- rule: A\n')).toEqual({ message: 'f.yaml:1:1: YAML syntax error: Tabs are not allowed as indentation', hint: hint(1) });
  });

  it('is named on the line before the error (the block broke there) and the line after (read as the rest of a value)', () => {
    expect(refusal('- rule: A\n  desc: [a,\n\t\n').hint).toBe(hint(3));
    expect(refusal('- rule: A\n  desc: [a,\n\t\n').message).toMatch(/^f\.yaml:4:1: /);
    expect(refusal('- rule: A\n  condition: x\n   \tdesc: y\n')).toEqual({ message: 'f.yaml:2:14: YAML syntax error: Nested mappings are not allowed in compact mappings', hint: hint(3) });
  });

  it('is not named for a tab after text, or two lines away', () => {
    expect(refusal('- rule: A\n  condition: x\n  desc: "a\tb" c\n').hint).toBeUndefined();
    expect(refusal('x\ty: [\n')).toEqual(unclosedFlow('1:6', 'sequence', 'the end of the file'));
    expect(refusal('\t\n- rule: A\n x\n')).toEqual({ message: 'f.yaml:3:1: YAML syntax error: Sequence item without - indicator', hint: undefined });
  });
});

/** The refusal of a flow collection left open, named at its bracket (QA: `tags: [a` was reported at the end of the
 * file, a line past the last, or at the next rule). `inBlock`: it is a key's value, which its lines must be indented
 * past. */
function unclosedFlow(at: string, kind: 'sequence' | 'map', runsTo: string, inBlock = true) {
  const close = kind === 'sequence' ? ']' : '}';
  return {
    message: `f.yaml:${at}: YAML syntax error: the flow ${kind} that starts here does not end with a ${close}${inBlock ? ' where it should' : ''}`,
    hint: `it runs on to ${runsTo}; end it with ${close}${inBlock ? ', each of its lines indented past the key it is the value of' : ''}`,
  };
}

describe('parseRulesText: an unclosed flow list or map, where it opens', () => {
  it('names the bracket, and where the yaml library found it unended: the end of the file, or the next item', () => {
    expect(refusal('- rule: R\n  tags: [a\n')).toEqual(unclosedFlow('2:9', 'sequence', 'the end of the file'));
    expect(refusal('- rule: R\n  tags: [a\n- rule: S\n  desc: d\n')).toEqual(unclosedFlow('2:9', 'sequence', 'line 3'));
    expect(refusal('- rule: R\n  exceptions: {b: c\n')).toEqual(unclosedFlow('2:15', 'map', 'the end of the file'));
    // At the top level there is no key to indent past.
    expect(refusal('[a, b\n')).toEqual(unclosedFlow('1:1', 'sequence', 'the end of the file', false));
  });

  it('finds the bracket by kind and by pairs: a closed inner map of either kind, a closer of the other kind, nothing past where yaml stopped', () => {
    // The inner map is closed, so the outer one is named; nested in a list that closes, too.
    expect(refusal('- rule: R\n  exceptions: {a: {b: c}, d: e\n')).toEqual(unclosedFlow('2:15', 'map', 'the end of the file'));
    expect(refusal('- rule: R\n  exceptions: {a: [b, {c: d}], e: f\n')).toEqual(unclosedFlow('2:15', 'map', 'the end of the file'));
    // A ] does not close a {: the map is named, and it runs on to the ] on its own line.
    expect(refusal('- rule: R\n  tags: [a, {b: c]\n')).toEqual(unclosedFlow('2:13', 'map', 'line 2'));
    // Brackets after where yaml stopped are not counted (a list the next rule leaves open, or one on that line).
    expect(refusal('- rule: R\n  tags: [a\n- rule: S\n  tags: [b\n')).toEqual(unclosedFlow('2:9', 'sequence', 'line 3'));
    expect(refusal('a: [b\n[c\n')).toEqual(unclosedFlow('1:4', 'sequence', 'line 2'));
    // Text after where yaml stopped, on its line and with no line break after it: that line, not the end of the file.
    expect(refusal('a: [b}')).toEqual(unclosedFlow('1:4', 'sequence', 'line 1'));
  });

  it('names a list whose closing bracket is not indented past its key', () => {
    expect(refusal('- rule: R\n  tags: [a,\n  b]\n')).toEqual(unclosedFlow('2:9', 'sequence', 'line 3'));
  });

  it('names the outer list when an inner one is closed, and counts no bracket inside a quoted or plain scalar', () => {
    expect(refusal('- rule: R\n  tags: [a, [b], c\n')).toEqual(unclosedFlow('2:9', 'sequence', 'the end of the file'));
    expect(refusal('- rule: R\n  desc: "[x"\n  tags: [a\n')).toEqual(unclosedFlow('3:9', 'sequence', 'the end of the file'));
    expect(refusal("- rule: R\n  desc: '{x'\n  tags: [a\n")).toEqual(unclosedFlow('3:9', 'sequence', 'the end of the file'));
    expect(refusal('- rule: R\n  desc: a [ b\n  tags: [a\n')).toEqual(unclosedFlow('3:9', 'sequence', 'the end of the file'));
    expect(refusal('# [ not yet\n- rule: R\n  tags: [a\n')).toEqual(unclosedFlow('3:9', 'sequence', 'the end of the file'));
  });
});

describe('parseRulesText: an unclosed quote, where it opens', () => {
  /** endLine 'end': nothing but blanks after the error, which may be past the last line (QA: "line 3" of a 2-line file). */
  const unclosed = (at: string, quote: string, endLine: number | 'end') => ({
    message: `f.yaml:${at}: YAML syntax error: the ${quote}quoted${quote} string that starts here is not closed`,
    hint: `it runs on to ${endLine === 'end' ? 'the end of the file' : `line ${endLine}`}; close it, or write the value without quotes`,
  });
  it('counts every character before it: CR LF line ends, tabs, comments, document markers, closed quotes of either kind', () => {
    expect(refusal('- rule: A\r\n  desc: d\r\n  condition: "evt.type = open\r\n  output: o\r\n')).toEqual(unclosed('3:14', '"', 'end'));
    expect(refusal('- rule: A\n  desc: a\tb\n  condition: "evt.type\n')).toEqual(unclosed('3:14', '"', 'end'));
    expect(refusal('- rule: A\n  desc: "a"\n  tags: [a, "b", \'c\']\n  condition: "x\n')).toEqual(unclosed('4:14', '"', 'end'));
    expect(refusal('# c\n---\n- rule: A\n  desc: "x\n')).toEqual(unclosed('4:9', '"', 'end'));
    // A tab between key and value is a token of its own.
    expect(refusal('- rule: A\n  desc:\t"x\n')).toEqual(unclosed('2:9', '"', 'end'));
  });

  it('is the quote the error ends, not a closed one in a document after it (a --- or ... ends the first)', () => {
    expect(refusal('- rule: A\n  desc: "x\n---\n- rule: B\n  desc: "y"\n')).toEqual(unclosed('2:9', '"', 2));
    expect(refusal("- rule: A\n  desc: 'x\n...\n- rule: B\n  desc: 'y'\n")).toEqual(unclosed('2:9', "'", 2));
  });

  it('finds one that runs to the end of a file without a last line end, and a single quote', () => {
    expect(refusal('- rule: A\n  desc: "a')).toEqual(unclosed('2:9', '"', 'end'));
    expect(refusal("- rule: A\n  desc: 'a\n")).toEqual(unclosed('2:9', "'", 'end'));
  });
});
