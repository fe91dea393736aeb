// Would worker threads make a cold run cheaper? The cold 10,000-rule run's two big parses are independent:
// the rules files (attack-cov's YAML reader) and the ATT&CK bundle (its streaming STIX reader). This compares,
// as whole processes in alternating pairs (bench/measure.mjs):
//   seq        both on the main thread, one after the other (what `report` does);
//   workers=N  the rules files split over N worker threads (each parses its files and hands back the compact
//              items the parse cache stores, as a transferred v8-serialized buffer) while the main thread reads
//              the bundle, then the main thread decodes the workers' items.
// Needs `npm run build` first. Usage: node bench/parallel-parse.mjs [--pairs N] [--workers 1,2]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { gunzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const dist = (module) => import(path.join(root, 'dist', module));

/** A worker: parse its files, answer with each file's compact items, serialized, the buffers transferred. */
async function parseInWorker(files) {
  const { parseRulesFile } = await dist('falco/parse.js');
  const { compactItems } = await dist('falco/rules-cache.js');
  const buffers = files.map((file) => {
    const bytes = serialize(compactItems(parseRulesFile(readFileSync(file, 'utf8'), file).items, file));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  });
  parentPort.postMessage(buffers, buffers);
}

/** One measured process: `mode` is seq or a worker count; prints nothing (bench/measure.mjs reads CPU and RSS). */
async function run(mode, bundle, files) {
  const { parseRulesFile } = await dist('falco/parse.js');
  const { readBundleFile } = await dist('attack/load.js');
  if (mode === 'seq') {
    for (const file of files) parseRulesFile(readFileSync(file, 'utf8'), file);
    await readBundleFile(bundle, 'bundle');
    return;
  }
  const count = Number(mode);
  const shares = Array.from({ length: count }, (_, i) => files.filter((_, j) => j % count === i));
  const answers = shares.map(
    (share) =>
      new Promise((resolve, reject) => {
        const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { files: share } });
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
  );
  await readBundleFile(bundle, 'bundle');
  for (const buffers of await Promise.all(answers)) for (const buffer of buffers) deserialize(Buffer.from(buffer));
}

async function main() {
  const { compare } = await import('./measure.mjs');
  const { OFFICIAL, generateRuleset } = await import('./generate-rules.mjs');
  const args = process.argv.slice(2);
  const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const pairs = Number(option('--pairs', '5'));
  const counts = option('--workers', '1,2').split(',').map(Number);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-parallel-'));
  try {
    const bundle = path.join(tmp, 'enterprise-attack-18.1.json');
    writeFileSync(bundle, gunzipSync(readFileSync(path.join(root, 'data', 'embedded', 'attack', 'enterprise-attack-18.1.json.gz'))));
    const files = [...OFFICIAL, ...generateRuleset(10000 - 93, path.join(tmp, 'rules'), { seed: 1 })];
    const variant = (mode) => ({ args: [fileURLToPath(import.meta.url), '--run', mode, bundle, ...files] });
    const rssFile = path.join(tmp, 'rss.json');
    console.log(`parallel parse: ${files.length} rules files (10,000 rules) and ATT&CK 18.1; ${pairs} alternating pairs; ${os.cpus().length} CPUs; load ${os.loadavg()[0].toFixed(1)}`);
    for (const count of counts) {
      const r = compare(variant('seq'), variant(String(count)), pairs, rssFile);
      const show = (s) => `CPU ${s.cpu.median.toFixed(0)} ms (${s.cpu.min.toFixed(0)}–${s.cpu.max.toFixed(0)}), wall ${s.ms.median.toFixed(0)} ms (${s.ms.min.toFixed(0)}–${s.ms.max.toFixed(0)}), RSS ${(s.rss.median / 2 ** 20).toFixed(0)} MiB`;
      console.log(`seq        ${show(r.a)}`);
      console.log(`workers=${count}  ${show(r.b)}`);
      console.log(`  workers=${count} / seq: CPU ${r.cpuRatio.toFixed(2)}, wall ${r.wallRatio.toFixed(2)}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (!isMainThread) await parseInWorker(workerData.files);
else if (process.argv[2] === '--run') await run(process.argv[3], process.argv[4], process.argv.slice(5));
else await main();
