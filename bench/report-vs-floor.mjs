// Whole-process `attack-cov report` (all 7 outputs) on ATT&CK 18.1 (the embedded bundle, decompressed) against
// the floor (bench/floor.mjs: parse the bundle and the same rules), cold (empty cache) and warm (parse cache
// filled), and on generated rulesets of 1k/10k (and with --50k, 50k) rules against the 93 official rules,
// a pull request's run (10k rules, one file edited since the last run) against the warm 10k run, and the
// outputs alone (bench/outputs-alone.mjs: a warm run's report.json read back and every output written from it)
// at 93 and 10k rules against the warm 93-rule run: what the warm 10k target leaves for the rules themselves.
// Every comparison runs as alternating pairs after a warm-up; prints medians (min–max) of wall and CPU time
// and peak RSS, the ratios against their targets, whether cold and warm outputs are byte-identical, the
// size of summary.md and (with Chromium) how long heatmap.html for 10k rules takes to render. Asserts nothing.
// Usage: npm run bench [-- --pairs N] [-- --50k] [-- --no-browser]   (needs a build: npm run build)
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { compare, measure } from './measure.mjs';
import { OFFICIAL, generateRuleset } from './generate-rules.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const pairs = option('--pairs', 5);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-bench-'));
const rssFile = path.join(tmp, 'rss');
// Plain JSON, as MITRE publishes it (and not the embedded .gz, whose catalog `npm run build` prebuilds).
const bundle = path.join(tmp, 'enterprise-attack-18.1.json');
writeFileSync(bundle, gunzipSync(readFileSync(path.join(root, 'data', 'embedded', 'attack', 'enterprise-attack-18.1.json.gz'))));

const sizes = [93, 1000, 10000, ...(argv.includes('--50k') ? [50000] : [])];
const rulesFor = new Map(sizes.map((n) => [n, n === 93 ? OFFICIAL : [...OFFICIAL, ...generateRuleset(n - 93, path.join(tmp, `rules-${n}`), { seed: 1 })]]));
const env = { SOURCE_DATE_EPOCH: '1767225600', NO_COLOR: '1' };
const out = (name) => path.join(tmp, `out-${name}`);
const report = (rules, name, cache) => ({ args: [path.join(root, 'dist', 'cli.js'), 'report', '--attack', bundle, '--rules', ...rules, '--out', out(name), '--quiet'], env: { ...env, ATTACK_COV_CACHE: cache } });
/** Cold: every run starts from an empty cache. Warm: the cache two unmeasured runs filled (below). */
const cold = (n) => ({ ...report(rulesFor.get(n), `cold-${n}`, path.join(tmp, `cache-cold-${n}`)), before: () => rmSync(path.join(tmp, `cache-cold-${n}`), { recursive: true, force: true }) });
const warm = (n) => report(rulesFor.get(n), `warm-${n}`, path.join(tmp, `cache-warm-${n}`));
const floor = { args: [path.join(root, 'bench', 'floor.mjs'), bundle, ...OFFICIAL] };
/** A pull request's run: the 10,000-rule set in a copy of its own, every file seen before but one, edited (a
 * comment appended) just before each run: that file is parsed, the others come from their entries, and the
 * ruleset is built again (and not stored: not every file was seen before). No target; for the record. */
const editedRules = [...OFFICIAL, ...generateRuleset(10000 - 93, path.join(tmp, 'rules-10000-edited'), { seed: 1 })];
let edits = 0;
const edited = { ...report(editedRules, 'edited-10000', path.join(tmp, 'cache-edited-10000')), before: () => appendFileSync(editedRules.at(-1), `# edit ${++edits}\n`) };

/** The outputs alone: the warm run's report.json read back, every output written from it (the same bytes). */
const alone = (n) => ({ args: [path.join(root, 'bench', 'outputs-alone.mjs'), path.join(out(`warm-${n}`), 'report.json'), out(`alone-${n}`)], env, reportsOnStdout: true });

const comparisons = [
  ['cold report (93 rules) vs floor', floor, cold(93), 1.2],
  ['warm report (93 rules) vs floor', floor, warm(93), 0.4],
  ...sizes.filter((n) => n !== 93).flatMap((n) => [
    [`cold ${n} rules vs cold 93`, cold(93), cold(n), n === 10000 ? 2.5 : undefined],
    [`warm ${n} rules vs warm 93`, warm(93), warm(n), n === 10000 ? 2 : undefined],
  ]),
  ['10000 rules, one file edited since the last run, vs warm 10000', warm(10000), edited, undefined],
  ['outputs alone, 93 rules (report.json read back, the outputs written) vs warm 93', warm(93), alone(93), undefined],
  ['outputs alone, 10000 rules vs warm 93', warm(93), alone(10000), undefined],
];

// Warm means inputs seen before: a first run stores each rules file's entry, a second the ruleset and its
// outline (written only for files seen before), so every measured warm run reads what a repeat run reads.
for (const n of sizes) for (let i = 0; i < 2; i++) measure(warm(n), rssFile);
for (let i = 0; i < 2; i++) measure({ ...edited, before: undefined }, rssFile);

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const range = (s, unit = (v) => v.toFixed(0)) => `${unit(s.median)} (${unit(s.min)}–${unit(s.max)})`;
const verdict = (ratio, target) => (target === undefined ? '' : ratio <= target ? ` ✓ ≤ ${target}` : ` ✗ > ${target}`);
console.log(`attack-cov bench: ${pairs} alternating pairs per comparison after a warm-up; node ${process.version}; ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}); load average at start ${load()}`);
console.log('times in ms: median (min–max); ratios: median of per-pair ratios (second / first)\n');
const results = new Map();
for (const [label, a, b, target] of comparisons) {
  const r = compare(a, b, label.includes('50000') ? Math.min(pairs, 3) : pairs, rssFile);
  results.set(label, r);
  console.log(`${label}`);
  console.log(`  first : wall ${range(r.a.ms)}  CPU ${range(r.a.cpu)}  RSS ${range(r.a.rss, mib)}`);
  console.log(`  second: wall ${range(r.b.ms)}  CPU ${range(r.b.cpu)}  RSS ${range(r.b.rss, mib)}`);
  console.log(`  ratio : wall ${r.wallRatio.toFixed(2)}x${verdict(r.wallRatio, target)}   CPU ${r.cpuRatio.toFixed(2)}x${verdict(r.cpuRatio, target)}`);
}

console.log('');
/** The larger of the cold and warm runs' median peak RSS at `n` rules. */
const peakRss = (n) => Math.max(results.get(`cold ${n} rules vs cold 93`).b.rss.median, results.get(`warm ${n} rules vs warm 93`).b.rss.median);
for (const n of sizes.filter((s) => s !== 93)) {
  const rss = peakRss(n);
  console.log(`peak RSS at ${n} rules (median, the larger of cold and warm): ${mib(rss)}${n === 10000 ? (rss <= 250 * 2 ** 20 ? ' ✓ ≤ 250 MiB' : ' ✗ > 250 MiB') : ''}`);
}
/** The files of output directory `a`, and those whose bytes differ in `b`. */
function compareOutputs(a, b) {
  const names = readdirSync(out(a)).sort();
  return { names, differing: names.filter((f) => !readFileSync(path.join(out(a), f)).equals(readFileSync(path.join(out(b), f)))) };
}
const coldWarmDiffer = [];
for (const n of sizes) {
  const { names, differing } = compareOutputs(`cold-${n}`, `warm-${n}`);
  if (differing.length > 0) coldWarmDiffer.push(n);
  const summary = statSync(path.join(out(`warm-${n}`), 'summary.md')).size;
  console.log(`${n} rules: cold and warm outputs ${differing.length === 0 ? `byte-identical (${names.length} files)` : `DIFFER: ${differing.join(', ')}`}; summary.md ${(summary / 1024).toFixed(1)} KiB, report.json ${(statSync(path.join(out(`warm-${n}`), 'report.json')).size / 2 ** 20).toFixed(1)} MiB`);
}
for (const n of [93, 10000]) {
  const { names, differing } = compareOutputs(`warm-${n}`, `alone-${n}`);
  console.log(`${n} rules: the outputs alone ${differing.length === 0 ? `wrote the warm run's bytes (${names.length} files)` : `DIFFER from the warm run's: ${differing.join(', ')}`}`);
}
{
  const warm93 = results.get('warm 10000 rules vs warm 93').a.cpu.median;
  const warm10k = results.get('warm 10000 rules vs warm 93').b.cpu.median;
  const alone10k = results.get('outputs alone, 10000 rules vs warm 93').b;
  const readBack = alone10k.readBackCpuMs.median;
  const outputs10k = alone10k.cpu.median - readBack;
  console.log(`warm 10000 rules ≤ 2× warm 93 means ≤ ${(2 * warm93).toFixed(0)} ms CPU; the outputs alone take ${alone10k.cpu.median.toFixed(0)}, ${outputs10k.toFixed(0)} without reading report.json back (${readBack.toFixed(0)} ms, which a warm run does not do), which leaves ${(2 * warm93 - outputs10k).toFixed(0)} ms for reading and analysing 10,000 rules (the warm run spends ${(warm10k - outputs10k).toFixed(0)} beyond the outputs alone)`);
}
if (!argv.includes('--no-browser') && ['/usr/bin/chromium', '/usr/bin/chromium-browser'].some(existsSync)) {
  const html = path.join(out('warm-10000'), 'heatmap.html');
  const browser = spawnSync(process.execPath, [path.join(root, 'bench', 'heatmap-render.mjs'), html], { encoding: 'utf8' });
  process.stdout.write(browser.status === 0 ? browser.stdout : `heatmap render: failed: ${browser.stderr}\n`);
}
// Issue 12's done-when, gathered from the lines above: each target once, CPU and wall time side by side.
console.log('\ntargets (issue 12), from this run:');
for (const [label, , , target] of comparisons.filter(([, , , t]) => t !== undefined)) {
  const r = results.get(label);
  console.log(`  ${label} ≤ ${target}×: CPU ${r.cpuRatio.toFixed(2)}${r.cpuRatio <= target ? ' ✓' : ' ✗'}, wall ${r.wallRatio.toFixed(2)}${r.wallRatio <= target ? ' ✓' : ' ✗'}`);
}
const rss10k = peakRss(10000);
console.log(`  peak RSS at 10000 rules ≤ 250 MiB: ${mib(rss10k)}${rss10k <= 250 * 2 ** 20 ? ' ✓' : ' ✗'}`);
console.log(`  cold and warm outputs byte-identical at ${sizes.join(', ')} rules: ${coldWarmDiffer.length === 0 ? '✓' : `✗ (they differ at ${coldWarmDiffer.join(', ')})`}`);
console.log(`load average at end ${load()}`);
rmSync(tmp, { recursive: true, force: true });
