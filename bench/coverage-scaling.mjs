// Times analyze() (map, checks, coverage) for 10k…80k rules that all tag one technique, to show that
// coverage grows linearly with rules × tags (issue 8, item 6). Uses the built dist/. Run: node bench/coverage-scaling.mjs
import { analyze } from '../dist/analysis/analyze.js';
import { readBundleFile } from '../dist/attack/load.js';
import { readSourcePlatforms } from '../dist/upstream.js';

const { catalog } = await readBundleFile(new URL('../test/fixtures/attack/mini-bundle-2.0.json', import.meta.url).pathname, 'mini', 'mini');
function ruleset(count) {
  const rules = Array.from({ length: count }, (_, i) => ({
    name: `Rule ${i}`, position: { file: 'many.yaml', line: i + 1, column: 3 }, condition: 'x', output: 'x', desc: 'x', priority: 'WARNING',
    source: 'syscall', isEnabled: true, modifiedAt: [],
    tags: ['T1059', 'mitre_execution'].map((value) => ({ value, file: 'many.yaml', line: i + 1, column: 1 })),
  }));
  return { files: [{ path: 'many.yaml', sha256: '0' }], rules, macros: new Map(), lists: new Map() };
}
for (const count of [10_000, 20_000, 40_000, 80_000]) {
  const input = ruleset(count);
  const started = process.hrtime.bigint();
  analyze({ catalog, attack: { source: 'mini', sha256: '0' }, ruleset: input, rulesOrigin: 'given', sourcePlatforms: readSourcePlatforms(), generatedAt: new Date(0), tool: { name: 'attack-cov', version: 'bench' } });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(`${String(count).padStart(6)} rules: ${ms.toFixed(0).padStart(5)} ms (${((ms * 1000) / count).toFixed(1)} µs per rule)`);
}
