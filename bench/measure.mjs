// Measuring whole processes on a shared machine: each run's wall time, CPU time and peak RSS (via
// bench/peak-rss.mjs), comparisons as alternating pairs after a warm-up, medians with min–max.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** One process run: `node --import peak-rss.mjs ...args`, with `env` added; `before` runs first, unmeasured.
 * With `reportsOnStdout`, the process prints a JSON object of numbers of its own (e.g. CPU ms of a part),
 * merged into the result. */
export function measure({ args, env = {}, before, reportsOnStdout = false }, rssFile) {
  before?.();
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--import', path.join(here, 'peak-rss.mjs'), ...args], { env: { ...process.env, ...env, BENCH_RSS_FILE: rssFile }, encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, ...(reportsOnStdout ? JSON.parse(result.stdout) : {}), ...JSON.parse(readFileSync(rssFile, 'utf8')) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Stats of one variant's runs: median, min and max of wall ms, CPU ms, peak RSS bytes and any number the
 * process reported itself. */
export function stats(runs) {
  const of = (key) => ({ median: median(runs.map((r) => r[key])), min: Math.min(...runs.map((r) => r[key])), max: Math.max(...runs.map((r) => r[key])) });
  const own = Object.keys(runs[0] ?? {}).filter((key) => !['ms', 'cpuMs', 'rss'].includes(key));
  return { ms: of('ms'), cpu: of('cpuMs'), rss: of('rss'), ...Object.fromEntries(own.map((key) => [key, of(key)])) };
}

/** Runs a and b once each (warm-up, discarded), then `pairs` times a, b alternately. Ratios are b/a: the
 * median of the per-pair ratios (robust to the load drifting during the comparison). */
export function compare(a, b, pairs, rssFile) {
  measure(a, rssFile);
  measure(b, rssFile);
  const runsA = [];
  const runsB = [];
  for (let i = 0; i < pairs; i++) {
    runsA.push(measure(a, rssFile));
    runsB.push(measure(b, rssFile));
  }
  return {
    a: stats(runsA),
    b: stats(runsB),
    wallRatio: median(runsA.map((r, i) => runsB[i].ms / r.ms)),
    cpuRatio: median(runsA.map((r, i) => runsB[i].cpuMs / r.cpuMs)),
  };
}
