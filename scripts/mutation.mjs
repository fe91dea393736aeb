// `npm run mutation [-- group|file…] [--table] [--survivors] [--force]`: StrykerJS on the modules that guard users and data, one
// Stryker run per group, each module (source file) with its own incremental result under test/mutation/ (committed:
// a later run re-tests only mutants whose code or covering tests changed), then the score per module and every mutant marked
// equivalent in the source, with its reason.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MIN_SCORE = 85;

/** The modules each group mutates (files, or directories of .ts files). A module belongs to exactly one group. */
export const GROUPS = {
  // collections.ts: the small helpers analysis (and the reporters) group and sort with.
  // attack/normalize.ts: the catalog analysis reads, revoked-by chains followed to their active technique.
  // own.ts: lookups of keys from the inputs and the records that hold them (nothing inherited).
  // falco/tags.ts: the tag reader every finding depends on (which tags are techniques, tactics, near misses).
  // attack/api-names.ts: the API names normalize keeps from each technique's description, and suggest matches.
  // falco/source-names.ts: which source: names Falco skips the rules of (a plugin's name, another letter case).
  analysis: ['src/analysis', 'src/collections.ts', 'src/attack/normalize.ts', 'src/attack/api-names.ts', 'src/own.ts', 'src/falco/tags.ts', 'src/falco/source-names.ts'],
  report: ['src/report'],
  // temp-files.ts: what a failed or killed run leaves (and whose temporaries a sweep may remove); progress.ts: the
  // download progress line; attack/latest.ts: the index `--attack latest` reads; lazy-package.ts: packages loaded on first use.
  io: ['src/output.ts', 'src/secrets.ts', 'src/terminal-text.ts', 'src/net', 'src/fix', 'src/draft/llm-client.ts', 'src/draft/validate-draft.ts', 'src/draft/breadth.ts',
    'src/temp-files.ts', 'src/progress.ts', 'src/attack/latest.ts', 'src/lazy-package.ts'],
  // What rejects a draft (invented fields, unknown macros, broken conditions) and what `validate` reports, with the
  // condition parser, rule exceptions and the field catalogue they read conditions with.
  validate: ['src/validate', 'src/falco/condition', 'src/falco/exceptions.ts', 'src/falco/field-catalog.ts'],
  // The events a procedure's commands make and the rules that fire on them; src/emulate/event.ts holds types only.
  emulate: ['src/emulate/evaluate.ts', 'src/emulate/operators.ts', 'src/emulate/glob.ts', 'src/emulate/glob-bracket.ts', 'src/emulate/synthesize.ts', 'src/emulate/effects.ts',
    'src/emulate/process.ts', 'src/emulate/network.ts', 'src/emulate/field-values.ts', 'src/emulate/recorder.ts',
    'src/emulate/run-rules.ts', 'src/emulate/evidence.ts', 'src/emulate/renumbering.ts'],
  suggest: ['src/suggest'],
  // The parse cache: what decides that a stored catalog, rules file or ruleset is trusted (magic, key, format,
  // checksum, every stored value checked as it is read back) and that a failed run leaves nothing behind.
  // file-sha256.ts: the remembered sha256 of a bundle and of a run's rules files, by file identity.
  cache: ['src/parse-cache.ts', 'src/falco/rules-cache.ts', 'src/falco/ruleset-cache.ts', 'src/file-sha256.ts'],
  // What reads the user's files and paths before any analysis: rules files (encoding, byte-order mark, `enabled:`),
  // the ATT&CK bundle, JSON inputs with their error positions, the project config, where outputs and caches may go,
  // and the commented file a rejected draft is written as. (src/run/ is command glue, tested through the built CLI,
  // which a mutant never reaches.)
  // attack/stix-stream.ts: the splitter that bounds what a bundle may hold (object size, nesting, bundle-level text).
  // falco/parse.ts: the yaml-based reader of rules files; falco/yaml-errors.ts: where a YAML error (an unclosed quote)
  // is said to be, in a rules file and in the config;
  // falco/yaml-cst.ts: the fast reader that must hand the composer whatever the composer would refuse;
  // falco/overrides.ts: the overrides Falco refuses, which loading refuses too.
  // regular-file.ts: the one guard every file input is read through (regular files only, never a FIFO or device, a
  // size cap); run/read-json.ts: the JSON reader with positions (a plain function, tested in-process, not glue).
  // attack/load.ts: where --attack finds its bundle (embedded, a version's cache slot or download, a URL, a file);
  // attack/sha256-pin.ts: the sha256 it must have; config/apply-config.ts and starter.ts: the config merged under
  // the flags, and the file init writes.
  inputs: ['src/paths.ts', 'src/json-file.ts', 'src/source-root.ts', 'src/falco/load.ts', 'src/falco/ruleset.ts', 'src/falco/parse.ts', 'src/falco/yaml-errors.ts', 'src/falco/yaml-cst.ts', 'src/falco/overrides.ts',
    'src/config/project-config.ts', 'src/config/apply-config.ts', 'src/config/starter.ts', 'src/attack/read-bundle.ts', 'src/attack/stix-stream.ts', 'src/attack/load.ts', 'src/attack/sha256-pin.ts',
    'src/draft/draft-file.ts', 'src/regular-file.ts', 'src/run/read-json.ts'],
};

/** Modules whose module-level tables and patterns are themselves the protection (HTML and script escapes,
 * terminal escapes, secret patterns) or what a user is told (the Perl-only constructs a Falco regex may not use):
 * their static mutants are run as well, in a run of their own (each static mutant runs the whole suite, so elsewhere
 * they are counted apart and not run). */
export const RUN_STATIC = new Set(['src/report/html-safety.ts', 'src/secrets.ts', 'src/terminal-text.ts', 'src/falco/condition/regex-posix.ts', 'src/attack/stix-stream.ts']);

/** Modules run against their own test files only (globs for vitest.mutation.config.ts's include, through
 * ATTACK_COV_MUTATION_TESTS), each in a run of its own. stix-stream.ts is read by every test that loads a whole bundle
 * (seconds each), so against the whole suite its run did not end in an hour; its own tests and the bundle readers'
 * are where its limits are pinned. Its score says what those tests catch, no more. Its key tables and limits are
 * module-level, so it is in RUN_STATIC too: run without ignoreStatic, they were reported as surviving mutants that its
 * tests kill when applied by hand (the module was not loaded again for them). */
export const OWN_TESTS = {
  'src/attack/stix-stream.ts': ['test/unit/attack/stix-stream.test.ts', 'test/unit/attack/hostile-bundles.test.ts', 'test/unit/attack/read-bundle*.test.ts'],
};

/** Source files under a group entry: types-only and generated files carry no logic to mutate. */
function expand(entry) {
  const full = path.join(root, entry);
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { recursive: true })
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.includes('.generated.'))
    .map((name) => path.posix.join(entry, name.split(path.sep).join('/')))
    .filter((file) => path.basename(file) !== 'types.ts')
    .sort();
}

const stem = (module) => module.replace(/^src\//, '');
/** The committed result of a module: its mutants and the test files that cover them, gzipped. */
const resultFile = (module) => path.join(root, 'test', 'mutation', `${stem(module)}.json.gz`);

function readResult(module) {
  const file = resultFile(module);
  return existsSync(file) ? JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) : undefined;
}

/** Keeps what Stryker's incremental mode reads (files, testFiles) for this module only, without machine paths. */
function saveResult(module, work) {
  const report = JSON.parse(readFileSync(work, 'utf8'));
  const files = { [module]: report.files[module] ?? { language: 'typescript', source: '', mutants: [] } };
  const used = new Set(files[module].mutants.flatMap((m) => [...(m.coveredBy ?? []), ...(m.killedBy ?? [])]));
  const testFiles = Object.fromEntries(Object.entries(report.testFiles ?? {})
    .filter(([, t]) => t.tests.some((test) => used.has(test.id))));
  const slim = { schemaVersion: report.schemaVersion, thresholds: report.thresholds, files, testFiles };
  const target = resultFile(module);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(`${target}.tmp`, gzipSync(`${JSON.stringify(slim)}\n`, { level: 9 }));
  renameSync(`${target}.tmp`, target);
}

/**
 * One Stryker run over several modules (one dry run of the suite instead of one per module), seeded with their
 * committed results so only changed mutants run again; each module's result is then saved on its own.
 */
async function runBatch(modules, name, options = {}) {
  const { Stryker } = await import('@stryker-mutator/core');
  process.stderr.write(`mutation: ${name}: ${modules.join(', ')}\n`);
  const work = path.join(root, 'reports', 'mutation', 'incremental', `${name}.json`);
  const previous = modules.map(readResult).filter(Boolean);
  rmSync(work, { force: true });
  if (previous.length > 0) {
    const merged = { ...previous[0], files: {}, testFiles: {} };
    for (const p of previous) {
      Object.assign(merged.files, p.files);
      for (const [file, t] of Object.entries(p.testFiles ?? {})) {
        const known = merged.testFiles[file];
        if (!known) merged.testFiles[file] = { ...t, tests: [...t.tests] };
        else for (const test of t.tests) if (!known.tests.some((k) => k.id === test.id)) known.tests.push(test);
      }
    }
    mkdirSync(path.dirname(work), { recursive: true });
    writeFileSync(work, JSON.stringify(merged));
  }
  const stryker = new Stryker({
    configFile: 'stryker.config.mjs',
    mutate: modules,
    incrementalFile: path.relative(root, work),
    jsonReporter: { fileName: `reports/mutation/${name}.json` },
    htmlReporter: { fileName: `reports/mutation/${name}.html` },
    ...options,
  });
  await stryker.runMutationTest();
  for (const module of modules) saveResult(module, work);
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** Counts from one module's incremental report (the mutation-testing-report-schema Stryker writes). */
function fileRows(module) {
  const report = readResult(module);
  if (!report) return [{ name: module, detected: 0, undetected: 0, equivalent: [], statics: 0, score: 0, survivors: [], missing: true }];
  return Object.entries(report.files).map(([name, { mutants }]) => {
    const count = (statuses) => mutants.filter((m) => statuses.has(m.status)).length;
    // Ignored = marked equivalent in the source, or static (module-level, e.g. a constant table) and not run.
    const isStatic = (m) => (m.statusReason ?? '').startsWith('Static mutant');
    const equivalent = mutants.filter((m) => m.status === 'Ignored' && !isStatic(m));
    const statics = mutants.filter((m) => m.status === 'Ignored' && isStatic(m)).length;
    const detected = count(DETECTED);
    const undetected = count(UNDETECTED);
    const valid = detected + undetected;
    return { name, detected, undetected, equivalent, statics, score: valid === 0 ? 100 : (100 * detected) / valid,
      survivors: mutants.filter((m) => UNDETECTED.has(m.status)) };
  });
}

function printTable(rows) {
  const out = ['| module | killed | survived | equivalent | static, not run | score |', '|---|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    const score = r.missing ? 'not run' : `${r.score.toFixed(1)}%`;
    out.push(`| ${r.name} | ${r.detected} | ${r.undetected} | ${r.equivalent.length} | ${r.statics} | ${score} |`);
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

const USAGE = 'usage: npm run mutation [-- group|module…] [--table] [--survivors] [--force]\n  no group or module: every group (hours); --table: the committed results only, nothing run\n';
const FLAGS = ['--table', '--survivors', '--force'];

async function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}  groups: ${Object.keys(GROUPS).join(', ')}\n`);
    return 0;
  }
  // An unknown flag (a typo of --table) must not start a run of every group.
  const badFlags = argv.filter((a) => a.startsWith('-') && !FLAGS.includes(a));
  if (badFlags.length > 0) {
    process.stderr.write(`error: unknown option ${badFlags.join(', ')}\n${USAGE}`);
    return 2;
  }
  const tableOnly = argv.includes('--table');
  const named = argv.filter((a) => !a.startsWith('--'));
  const all = Object.values(GROUPS).flatMap((entries) => entries.flatMap(expand));
  const unknown = named.filter((n) => !(n in GROUPS) && !all.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`error: ${unknown.join(', ')}: neither a mutation group nor a module in one\nhint: groups are ${Object.keys(GROUPS).join(', ')}; modules are source paths such as src/output.ts\n`);
    return 2;
  }
  const modules = named.length === 0 ? all : named.flatMap((n) => (n in GROUPS ? GROUPS[n].flatMap(expand) : [n]));
  if (!tableOnly) {
    // --force: every mutant runs again. Stryker reuses a static mutant's result even when tests changed (it
    // records no covering tests for it), so a new test against a static mutant needs this.
    const force = argv.includes('--force') ? { force: true } : {};
    // One Stryker run per group named (or holding a named module): modules of a group share their covering tests.
    for (const [group, entries] of Object.entries(GROUPS)) {
      const mine = new Set(entries.flatMap(expand));
      const batch = modules.filter((m) => mine.has(m) && !RUN_STATIC.has(m) && !(m in OWN_TESTS));
      if (batch.length > 0) await runBatch(batch, group, force);
      for (const module of modules.filter((m) => mine.has(m) && m in OWN_TESTS)) {
        process.env.ATTACK_COV_MUTATION_TESTS = OWN_TESTS[module].join(',');
        try {
          await runBatch([module], `${group}-${path.basename(module, '.ts')}`, RUN_STATIC.has(module) ? { ...force, ignoreStatic: false } : force);
        } finally {
          delete process.env.ATTACK_COV_MUTATION_TESTS;
        }
      }
      const withStatic = modules.filter((m) => mine.has(m) && RUN_STATIC.has(m) && !(m in OWN_TESTS));
      if (withStatic.length > 0) await runBatch(withStatic, `${group}-static`, { ...force, ignoreStatic: false });
    }
  }
  const rows = modules.flatMap(fileRows);
  printTable(rows);
  printEquivalents(rows);
  if (argv.includes('--survivors')) printSurvivors(rows);
  const low = rows.filter((r) => r.score < MIN_SCORE);
  if (low.length > 0) process.stderr.write(`mutation: ${low.length} module(s) below ${MIN_SCORE}%: ${low.map((r) => r.name).join(', ')}\n`);
  return low.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
