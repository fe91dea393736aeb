// Coverage stays linear in rules × tags: 80,000 rules tagging one technique (issue 8, item 6). The
// time is reported by bench/coverage-scaling.mjs; this test asserts the behaviour at that size, which
// a quadratic step (an array copied per rule) would take minutes to reach.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../src/analysis/analyze.js';
import type { FalcoRule, Ruleset } from '../../../src/falco/types.js';
import { readSourcePlatforms } from '../../../src/upstream.js';
import { miniCatalog } from '../../helpers/load.js';

const RULES = 80_000;

function manyRules(count: number): Ruleset {
  const rules: FalcoRule[] = Array.from({ length: count }, (_, i) => {
    const position = { file: 'many.yaml', line: i * 6 + 1, column: 3 };
    return {
      name: `Rule ${i}`,
      position,
      condition: 'spawned_process',
      output: 'x',
      desc: 'x',
      priority: 'WARNING',
      source: 'syscall',
      isEnabled: i % 10 !== 0,
      tags: ['T1059', 'mitre_execution'].map((value, t) => ({ value, file: 'many.yaml', line: i * 6 + 2, column: 10 + t * 8 })),
      modifiedAt: [],
    };
  });
  return { files: [{ path: 'many.yaml', sha256: '0' }], rules, macros: new Map(), lists: new Map() };
}

describe('coverage at scale', () => {
  it(`maps ${RULES.toLocaleString('en')} rules tagging one technique, counting every rule once`, async () => {
    const catalog = await miniCatalog();
    const report = analyze({
      catalog,
      attack: { source: 'mini', sha256: '0' },
      ruleset: manyRules(RULES),
      rulesOrigin: 'given',
      sourcePlatforms: readSourcePlatforms(),
      generatedAt: new Date(0),
      tool: { name: 'attack-cov', version: 'test' },
    });
    const t1059 = report.techniques.find((t) => t.id === 'T1059')!;
    expect(t1059.status).toBe('covered');
    expect(t1059.rules).toHaveLength(RULES * 0.9);
    expect(t1059.disabledRules).toHaveLength(RULES * 0.1);
    expect(report.rules).toHaveLength(RULES);
    expect(report.summary.rules).toMatchObject({ total: RULES, enabled: RULES * 0.9, tagged: RULES });
    expect(report.findings.filter((f) => f.code !== 'untagged-rule')).toEqual([]);
  });
});
