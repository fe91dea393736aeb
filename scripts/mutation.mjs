// `npm run mutation [-- group…] [--table]`: StrykerJS on the modules that guard users and data, one group at a time,
// each with its own incremental file in test/mutation/ (committed: a later run re-tests only mutants whose code or
// covering tests changed), then the score per module and every mutant we marked equivalent, with its reason.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MIN_SCORE = 85;

/** Which source files each group mutates. A file belongs to exactly one group. */
export const GROUPS = {
  analysis: ['src/analysis/**/*.ts'],
  report: ['src/report/**/*.ts', '!src/report/layer-validator.generated.*'],
  io: ['src/output.ts', 'src/net/**/*.ts', 'src/fix/**/*.ts', 'src/draft/llm-client.ts', 'src/draft/validate-draft.ts'],
  emulate: ['src/emulate/evaluate.ts', 'src/emulate/operators.ts', 'src/emulate/synthesize.ts', 'src/emulate/event.ts'],
  suggest: ['src/suggest/**/*.ts'],
};

const incrementalFile = (group) => path.join('test', 'mutation', `${group}.json`);

async function runGroup(group) {
  const { Stryker } = await import('@stryker-mutator/core');
  process.stderr.write(`mutation: group ${group} (${GROUPS[group].join(' ')})\n`);
  const stryker = new Stryker({
    configFile: 'stryker.config.mjs',
    mutate: GROUPS[group],
    incrementalFile: incrementalFile(group),
    jsonReporter: { fileName: `reports/mutation/${group}.json` },
    htmlReporter: { fileName: `reports/mutation/${group}.html` },
  });
  await stryker.runMutationTest();
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** Per-file counts from one group's incremental report (the mutation-testing-report-schema Stryker writes). */
function fileRows(group) {
  const file = path.join(root, incrementalFile(group));
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8'));
  return Object.entries(report.files).map(([name, { mutants }]) => {
    const count = (statuses) => mutants.filter((m) => statuses.has(m.status)).length;
    const equivalent = mutants.filter((m) => m.status === 'Ignored');
    const detected = count(DETECTED);
    const undetected = count(UNDETECTED);
    const valid = detected + undetected;
    return { group, name, detected, undetected, equivalent, score: valid === 0 ? 100 : (100 * detected) / valid,
      survivors: mutants.filter((m) => UNDETECTED.has(m.status)) };
  });
}

function printTable(rows) {
  const out = ['| module | killed | survived | equivalent | score |', '|---|---:|---:|---:|---:|'];
  for (const r of rows) {
    out.push(`| ${r.name} | ${r.detected} | ${r.undetected} | ${r.equivalent.length} | ${r.score.toFixed(1)}% |`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function printEquivalents(rows) {
  const lines = rows.flatMap((r) => r.equivalent.map((m) =>
    `- ${r.name}:${m.location.start.line} ${m.mutatorName} → \`${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 60)}\`: ${m.statusReason ?? 'no reason given'}`));
  process.stdout.write(`\nEquivalent mutants (${lines.length}), each marked in the source with its reason:\n${lines.join('\n')}\n`);
}

function printSurvivors(rows) {
  const lines = rows.flatMap((r) => r.survivors.map((m) =>
    `- ${r.name}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName} → \`${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}\``));
  if (lines.length > 0) process.stdout.write(`\nUndetected mutants (${lines.length}):\n${lines.join('\n')}\n`);
}

async function main(argv) {
  const tableOnly = argv.includes('--table');
  const named = argv.filter((a) => !a.startsWith('--'));
  const unknown = named.filter((g) => !(g in GROUPS));
  if (unknown.length > 0) {
    process.stderr.write(`error: unknown mutation group ${unknown.join(', ')}\nhint: groups are ${Object.keys(GROUPS).join(', ')}\n`);
    return 2;
  }
  const groups = named.length > 0 ? named : Object.keys(GROUPS);
  if (!tableOnly) for (const group of groups) await runGroup(group);
  const rows = groups.flatMap(fileRows);
  printTable(rows);
  printEquivalents(rows);
  if (argv.includes('--survivors')) printSurvivors(rows);
  const low = rows.filter((r) => r.score < MIN_SCORE);
  if (low.length > 0) process.stderr.write(`mutation: ${low.length} module(s) below ${MIN_SCORE}%: ${low.map((r) => r.name).join(', ')}\n`);
  return low.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
