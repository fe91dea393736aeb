// A stored rule exception without fields (Falco refuses it when it loads, validate says so; the ruleset still
// holds it) comes back from the cache as it went in: a hit, and no `fields` key.
import { describe, expect, it } from 'vitest';
import { compactRuleset, expandRuleset } from '../../../src/falco/ruleset-cache.js';
import type { Ruleset } from '../../../src/falco/types.js';

describe('expandRuleset', () => {
  it('reads back an exception without fields or comps', () => {
    const at = (line: number) => ({ file: 'a.yaml', line, column: 3 });
    const ruleset: Ruleset = {
      files: [{ path: 'a.yaml', sha256: '0'.repeat(64) }],
      rules: [{
        name: 'r', position: at(1), condition: 'c', output: 'o', desc: 'd', priority: 'INFO', source: 'syscall', isEnabled: true, tags: [], modifiedAt: [],
        exceptions: [{ name: 'no_fields', values: [], position: at(2) }],
      }],
      macros: new Map(),
      lists: new Map(),
      ignoreComments: [],
    };
    expect(expandRuleset(JSON.parse(JSON.stringify(compactRuleset(ruleset))), ruleset.files)).toStrictEqual(ruleset);
  });
});
