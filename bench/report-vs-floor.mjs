// Whole-process `attack-cov report` on ATT&CK 18.1 and the three official rules files, side by side
// with the floor (bench/floor.mjs), alternating runs. Prints medians and ratios; asserts nothing.
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
  return { ms, rss: Number(readFileSync(rssFile, 'utf8')) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const floorArgs = [path.join(root, 'bench', 'floor.mjs'), bundle];
const reportArgs = [path.join(root, 'dist', 'cli.js'), 'report', '--attack', bundle, '--rules', ...rules, '--out', path.join(tmp, 'out'), '--quiet'];

measure(floorArgs); // warm the page cache for both
measure(reportArgs);
const floor = [];
const report = [];
for (let i = 0; i < runs; i++) {
  floor.push(measure(floorArgs));
  report.push(measure(reportArgs));
}
const bundleBytes = statSync(bundle).size;
const f = { ms: median(floor.map((r) => r.ms)), rss: median(floor.map((r) => r.rss)) };
const r = { ms: median(report.map((x) => x.ms)), rss: median(report.map((x) => x.rss)) };
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
console.log(`runs: ${runs} each, alternating; bundle ${mb(bundleBytes)}; node ${process.version}`);
console.log(`floor  (parse bundle + technique map): median ${f.ms.toFixed(0)} ms, peak RSS ${mb(f.rss)}`);
console.log(`report (attack-cov report, 3 rules files): median ${r.ms.toFixed(0)} ms, peak RSS ${mb(r.rss)}`);
console.log(`time ratio report/floor: ${(r.ms / f.ms).toFixed(2)} (target <= 1.5)`);
console.log(`peak RSS / bundle size: ${(r.rss / bundleBytes).toFixed(2)} (target <= 2.5); floor: ${(f.rss / bundleBytes).toFixed(2)}`);
