// The outputs alone: start node, read a report.json back (JSON.parse) and write every output `report` writes
// by default from it, with the same code (`writeReport` in src/run/report.ts; reporters read nothing but the
// report). No rules file, catalog or analysis: a warm `report` that writes these outputs cannot cost less,
// so beside the warm 10,000-rule run it shows what the warm target leaves for reading and analysing the rules.
// Reading report.json back is not such work: its CPU time (main thread, in-process) is printed as JSON on
// stdout for the bench to take off. Writes the same bytes as the run that wrote the report.json
// (bench/report-vs-floor.mjs compares them).
// Usage: node bench/outputs-alone.mjs REPORT.json OUT_DIR   (needs a build: npm run build)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [reportFile, outDir] = process.argv.slice(2);
const { writeReport } = await import(path.join(root, 'dist', 'run', 'report.js'));
const { selectReporters } = await import(path.join(root, 'dist', 'report', 'registry.js'));
const before = process.cpuUsage();
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
const readBack = process.cpuUsage(before);
await writeReport(report, selectReporters(undefined), path.resolve(outDir), 'count');
// Reading report.json back is work a warm run does not do: said apart, so the bench can leave it out.
process.stdout.write(`${JSON.stringify({ readBackCpuMs: (readBack.user + readBack.system) / 1000 })}\n`);
