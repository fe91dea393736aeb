// Benchmark: how often `attack-cov suggest` proposes the technique a rule's authors chose. Strips the
// ATT&CK tags (techniques and tactics) from the official Falco rules embedded in data/, runs the offline
// ranker, and compares its top-1 and top-3 with the real tags: strict (the exact ID) and parent-level
// (T1059.004 and T1059 count as the same family). A rule with several techniques is a hit for any.
// Usage: npm run build && node bench/suggest-accuracy.mjs [--json] [--misses]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBundleFile } from '../dist/attack/load.js';
import { rulesetFromTexts } from '../dist/falco/load.js';
import { parseTag } from '../dist/falco/tags.js';
import { referenceRules, suggestTags } from '../dist/suggest/suggest.js';
import { readLogSourceMap, readSourcePlatforms } from '../dist/upstream.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RULES = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((f) => path.join('data/embedded/falco-rules', f));
const isAttackTag = (value) => ['technique', 'tactic'].includes(parseTag(value).kind);
const family = (id) => id.split('.')[0];

const { catalog } = await readBundleFile(path.join(root, 'data/embedded/attack/enterprise-attack-18.1.json.gz'), 'ATT&CK 18.1', '18.1');
const texts = RULES.map((file) => ({ path: file, text: readFileSync(path.join(root, file), 'utf8') }));
const ruleset = rulesetFromTexts(texts);
// The neighbour vote learns from tagged rules: the same official rules, each rule never its own neighbour
// (leave-one-out, by name). --text-only leaves the vote out and measures the text ranker alone.
const references = process.argv.includes('--text-only') ? [] : referenceRules(rulesetFromTexts(texts));
const truth = new Map();
for (const rule of ruleset.rules) {
  const real = rule.tags.map((t) => parseTag(t.value)).filter((p) => p.kind === 'technique').map((p) => p.id);
  if (real.length > 0) truth.set(rule.name, real);
  rule.tags = rule.tags.filter((t) => !isAttackTag(t.value));
}
const atomicsDir = path.join(root, 'data/embedded/atomic-red-team/atomics');
const atomics = readdirSync(atomicsDir).map((id) => readFileSync(path.join(atomicsDir, id, `${id}.yaml`), 'utf8'));
const started = process.hrtime.bigint();
const suggestions = suggestTags({ catalog, ruleset, sourcePlatforms: readSourcePlatforms(), atomics, references, logSources: readLogSourceMap() }, { top: 3, isDisabledIncluded: true, ruleNames: new Set(truth.keys()) });
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;

const counts = { rules: 0, top1: 0, top3: 0, top1Parent: 0, top3Parent: 0 };
// How right the best candidate is when it reaches a score: what --min-score buys.
const THRESHOLDS = [0.1, 0.2, 0.3, 0.4];
const above = THRESHOLDS.map((min) => ({ min, rules: 0, strict: 0, parent: 0 }));
const misses = [];
for (const s of suggestions) {
  const real = truth.get(s.rule);
  const ids = s.candidates.map((c) => c.technique);
  const hit = (n, same) => ids.slice(0, n).some((id) => real.some((r) => same(id, r)));
  const strict = (a, b) => a === b;
  const parent = (a, b) => family(a) === family(b);
  counts.rules++;
  counts.top1 += hit(1, strict);
  counts.top3 += hit(3, strict);
  counts.top1Parent += hit(1, parent);
  counts.top3Parent += hit(3, parent);
  for (const bar of above) {
    if ((s.candidates[0]?.score ?? 0) < bar.min) continue;
    bar.rules++;
    bar.strict += hit(1, strict);
    bar.parent += hit(1, parent);
  }
  if (!hit(3, parent)) misses.push({ rule: s.rule, real, proposed: ids });
}
const pct = (n) => Math.round((n / counts.rules) * 1000) / 10;
const result = {
  rules: counts.rules,
  strict: { top1: pct(counts.top1), top3: pct(counts.top3) },
  parentLevel: { top1: pct(counts.top1Parent), top3: pct(counts.top3Parent) },
  seconds: Math.round(elapsedMs) / 1000,
  byMinScore: above.map((b) => ({ minScore: b.min, rules: b.rules, strictTop1: b.rules ? Math.round((b.strict / b.rules) * 1000) / 10 : null, parentTop1: b.rules ? Math.round((b.parent / b.rules) * 1000) / 10 : null })),
};
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else {
  const mode = references.length ? 'text match + similar tagged rules, leave-one-out' : 'text match only';
  process.stdout.write(`suggest accuracy on the ${result.rules} of ${ruleset.rules.length} official Falco rules that carry a technique tag, tags removed (ATT&CK ${catalog.version}, offline: ${mode})\n`);
  process.stdout.write(`  strict (exact technique):    top-1 ${result.strict.top1}%  top-3 ${result.strict.top3}%\n`);
  process.stdout.write(`  parent-level (same family):  top-1 ${result.parentLevel.top1}%  top-3 ${result.parentLevel.top3}%\n`);
  for (const b of result.byMinScore) process.stdout.write(`  best candidate with score >= ${b.minScore}: ${b.rules} rules, right ${b.strictTop1 ?? '-'}% strict, ${b.parentTop1 ?? '-'}% parent-level\n`);
  process.stdout.write(`  ${result.seconds} s for the ranking\n`);
}
if (process.argv.includes('--misses')) for (const m of misses) process.stdout.write(`  miss: ${m.rule}: real ${m.real.join(',')} proposed ${m.proposed.join(',')}\n`);
