// Whole-process `attack-cov report` on ATT&CK 18.1 and the three official rules files, side by side
// with the floor (bench/floor.mjs), alternating runs. Prints medians and ratios of wall time, CPU time
// (steadier on a shared machine) and peak RSS; asserts nothing.
// Usage: npm run bench [-- RUNS]   (needs ../shared/data and a build: npm run build)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = path.resolve(root, '..', 'shared', 'data');
const bundle = path.join(data, 'attack', 'enterprise-attack-18.1.json');
const rules = ['falco_rules.yaml', 'falco-incubating_rules.yaml', 'falco-sandbox_rules.yaml'].map((f) => path.join(data, 'falco', f));
const runs = Number(process.argv[2] ?? 7);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-bench-'));
const rssFile = path.join(tmp, 'rss');
const peakRss = path.join(root, 'bench', 'peak-rss.mjs');

function measure(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', peakRss, ...args], { env: { ...process.env, BENCH_RSS_FILE: rssFile }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, ...JSON.parse(readFileSync(rssFile, 'utf8')) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const floorArgs = [path.join(root, 'bench', 'floor.mjs'), bundle];
const reportArgs = (...extra) => [path.join(root, 'dist', 'cli.js'), 'report', '--attack', bundle, '--rules', ...rules, '--out', path.join(tmp, 'out'), '--quiet', ...extra];
const variants = [
  ['report --format json (report.json only)', reportArgs('--format', 'json')],
  ['report (all 7 outputs, the default)', reportArgs()],
];

measure(floorArgs); // warm the page cache for all
for (const [, args] of variants) measure(args);
const floor = [];
const results = variants.map(() => []);
for (let i = 0; i < runs; i++) {
  floor.push(measure(floorArgs));
  variants.forEach(([, args], v) => results[v].push(measure(args)));
}
const bundleBytes = statSync(bundle).size;
const summarize = (list) => ({ ms: median(list.map((r) => r.ms)), rss: median(list.map((r) => r.rss)), cpu: median(list.map((r) => r.cpuMs)) });
const f = summarize(floor);
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
console.log(`runs: ${runs} each, alternating; bundle ${mb(bundleBytes)}; node ${process.version}`);
console.log(`floor (parse bundle + technique map): median ${f.ms.toFixed(0)} ms (CPU ${f.cpu.toFixed(0)} ms), peak RSS ${mb(f.rss)} (${(f.rss / bundleBytes).toFixed(2)}x bundle)`);
variants.forEach(([label], v) => {
  const r = summarize(results[v]);
  console.log(`${label}: median ${r.ms.toFixed(0)} ms = ${(r.ms / f.ms).toFixed(2)}x floor (target <= 1.5); CPU ${r.cpu.toFixed(0)} ms = ${(r.cpu / f.cpu).toFixed(2)}x; peak RSS ${mb(r.rss)} = ${(r.rss / bundleBytes).toFixed(2)}x bundle (target <= 2.5)`);
});
