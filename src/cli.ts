#!/usr/bin/env node
// The command line: flags → options → run → exit code (0 ok, 1 gate failed, 2 cannot run).
// The only place that reads process.argv, process.env and sets the exit code. Each command's code is
// imported when it runs, so `report` does not pay for loading the drafter or the fixer.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT_CANNOT_RUN, isAttackCovError, UsageError } from './errors.js';
import { configureLimits, limits } from './limits.js';
import { redactMessage, redactSecrets, registerSecret, registerSecretsInUrl } from './secrets.js';
import { installSignalCleanup } from './temp-files.js';
import { escapeForTerminal, terminalSafe } from './terminal-text.js';
import { cacheDir } from './net/cache.js';
import { downloadProgress } from './progress.js';
import { REPORTERS } from './report/registry.js';
import { readUpstream } from './upstream.js';
import { toolVersion, type Environment } from './run/inputs.js';
import type { Io } from './run/report.js';

/** Largest SOURCE_DATE_EPOCH a Date can hold (±8.64e15 ms). */
const MAX_EPOCH_SECONDS = 8_640_000_000_000;

export function clockFromEnv(env: NodeJS.ProcessEnv): () => Date {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch === undefined || epoch === '') return () => new Date();
  if (!/^\d+$/.test(epoch) || Number(epoch) > MAX_EPOCH_SECONDS) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds since 1970 (0 to ${MAX_EPOCH_SECONDS}), not "${escapeForTerminal(epoch)}"`, 'unset it, or set it to e.g. $(git log -1 --format=%ct)');
  }
  return () => new Date(Number(epoch) * 1000);
}

/** -q on any command: nothing but errors on stderr (no progress, notes or "wrote" lines). */
interface QuietOption {
  quiet?: boolean;
}

function makeEnvironment(options: QuietOption = {}): Environment {
  return {
    cacheRoot: cacheDir(process.env),
    cwd: process.cwd(),
    now: clockFromEnv(process.env),
    download: { onProgress: options.quiet ? undefined : downloadProgress(process.stderr), deadlineMs: limits.downloadDeadlineMs },
  };
}

/** Everything printed goes through the same two guards: no registered secret, no terminal control from the inputs. */
const guarded = (stream: NodeJS.WriteStream) => (text: string) => stream.write(terminalSafe(redactSecrets(text)));

function makeIo(isColorWanted: boolean | undefined, options: QuietOption = {}): Io {
  const isColor = isColorWanted ?? (process.stdout.isTTY === true && !('NO_COLOR' in process.env && process.env.NO_COLOR !== ''));
  return { stdout: guarded(process.stdout), stderr: options.quiet ? () => undefined : guarded(process.stderr), errors: guarded(process.stderr), style: { isColor }, isQuiet: options.quiet === true };
}

/** A whole number within [min, max] for an option; anything else is a usage error (exit 2). */
export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    if (!/^\s*-?\d+\s*$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? 'any' : max}.`);
    }
    return Number(value);
  };
}

/** Registers every credential the run knows of (API key, user:password and tokens in URLs) for redaction. */
function registerSecrets(argv: string[], env: NodeJS.ProcessEnv): void {
  registerSecret(env.OPENAI_API_KEY);
  for (const value of [env.OPENAI_BASE_URL, env.ATTACK_COV_ATTACK_MIRROR, env.ATTACK_COV_FALCO_RULES_MIRROR, ...argv]) {
    for (const part of (value ?? '').split('=')) registerSecretsInUrl(part);
    registerSecretsInUrl(value);
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function addInputOptions(command: Command): Command {
  const { attack, falcoRules } = readUpstream();
  return command
    .option('--attack <file|url|version>', `ATT&CK Enterprise bundle: a STIX 2.0/2.1 file (plain or .gz), an https URL, or a version (downloaded and cached)`, attack.default)
    .option('--rules <paths...>', `Falco rules files or directories (*.yaml in name order); default: /etc/falco rules where present, else the official ${falcoRules.tag} rules`)
    .option('--platform <names>', 'ATT&CK platforms in scope (repeat or comma-separate); default: what the rules\' sources can observe', collect)
    .option('--color', 'force colour').option('--no-color', 'no colour (NO_COLOR is honoured too)');
}



export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('attack-cov')
    .description('MITRE ATT&CK coverage, gaps and tag findings for Falco rulesets')
    .version(toolVersion().version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: guarded(process.stderr) })
    .exitOverride();

  addInputOptions(
    program
      .command('report')
      .description('Compute ATT&CK coverage and tag findings; write report.json (and more) into --out, print a summary')
      .option('--out <dir>', 'output directory', 'reports')
      .option('--format <names>', `outputs to write: all, ${Object.keys(REPORTERS).join(', ')} (repeat or comma-separate)`, collect)
      .addOption(new Option('--fail-on <severity>', 'exit 1 when findings reach this severity; new = findings not in --baseline').choices(['error', 'warning', 'info', 'new', 'none']).default('none'))
      .option('--baseline <report.json>', 'compare with an earlier report.json: newly covered/uncovered techniques, new/fixed findings, coverage change')
      .option('--min-coverage <pct>', 'exit 1 below this overall coverage; tactic=pct for one tactic (repeatable), e.g. execution=50', collect)
      .option('--max-coverage-drop <points>', 'exit 1 when overall coverage falls more than this many points below --baseline')
      .option('--top <n>', 'gaps listed in the summary', integerOption(0), 10)
      .option('-q, --quiet', 'no summary on stdout, nothing on stderr but errors and failed gates'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov report                                   # ATT&CK ${readUpstream().attack.default}, your /etc/falco rules or the official ones
  $ attack-cov report --attack 17.1 --rules rules/ --out out/
  $ attack-cov report --attack enterprise-attack.json.gz --rules falco_rules.yaml --platform Linux
  $ attack-cov report --fail-on error                   # CI: exit 1 on tag errors, after writing the reports
  $ attack-cov report --baseline last/report.json --fail-on new --max-coverage-drop 0 --min-coverage execution=40`,
    )
    .action(async (options) => setExit(await (await import('./run/report.js')).runReport(options, makeEnvironment(options), makeIo(options.color, options))));

  addInputOptions(
    program
      .command('lint')
      .description('List the ATT&CK tag findings of Falco rules, eslint-style')
      .addOption(new Option('--format <name>', 'output format').choices(['stylish', 'json', 'sarif']).default('stylish'))
      .addOption(new Option('--fail-on <severity>', 'exit 1 when findings reach this severity').choices(['error', 'warning', 'info', 'none']).default('error'))
      .option('--fix', 'rewrite tags in the --rules files where a finding has one unambiguous fix (only tag lines change)')
      .option('--fix-dry-run', 'print the unified diff --fix would apply, change nothing')
      .option('-q, --quiet', 'list error findings only (like eslint --quiet); nothing on stderr but errors'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov lint --rules /etc/falco/falco_rules.yaml
  $ attack-cov lint --rules rules.d/ --fail-on warning
  $ attack-cov lint --rules my_rules.yaml --format json | jq '.findings[] | .code'
  $ attack-cov lint --rules rules.d/ --fix-dry-run      # the diff --fix would apply
  $ attack-cov lint --rules rules.d/ --fix`,
    )
    .action(async (options) => setExit(await (await import('./run/lint.js')).runLint(options, makeEnvironment(options), makeIo(options.color, options))));

  addInputOptions(
    program
      .command('draft')
      .description('Draft Falco rules for techniques (or the top gaps) with an OpenAI-compatible LLM, validate them, repair or reject; without an LLM, write skeletons')
      .argument('[techniques...]', 'technique IDs, e.g. T1529 T1611')
      .option('--gaps', 'draft the top gaps of the coverage report instead')
      .option('--top <n>', 'how many gaps with --gaps', integerOption(1, 1000), 5)
      .option('--out <dir>', 'where drafts go (rejected ones under rejected/)', 'drafts')
      .option('--llm-base-url <url>', 'OpenAI-compatible API base, e.g. http://localhost:11434/v1 (default: OPENAI_BASE_URL; OpenAI when only OPENAI_API_KEY is set)')
      .option('--model <name>', 'model name (default: OPENAI_MODEL)')
      .option('--concurrency <n>', 'drafts in flight at once', integerOption(1, 64), 2)
      .option('--llm-timeout <seconds>', 'deadline of one LLM request, headers and body', integerOption(1, 3600), 120)
      .option('--source <name>', 'Falco source of the drafts (default: from the technique\'s platforms)')
      .option('--skeleton', 'write deterministic skeletons, even when an LLM is configured')
      .option('-q, --quiet', 'no progress; list only drafts that were rejected or failed'),
  )
    .addHelpText(
      'after',
      `
The API key is read from OPENAI_API_KEY and never printed or written.
Examples:
  $ attack-cov draft T1529                                        # skeleton when no LLM is configured
  $ OPENAI_API_KEY=… attack-cov draft T1529 --model gpt-4o-mini
  $ attack-cov draft --gaps --top 5 --llm-base-url http://localhost:11434/v1 --model llama3.1
  $ attack-cov validate drafts/T1529.yaml`,
    )
    .action(async (techniques: string[], options) => setExit(await (await import('./run/draft.js')).runDraft(techniques, options, makeEnvironment(options), makeIo(options.color, options))));

  program
    .command('validate')
    .description('Validate Falco rules files offline: condition syntax, fields per source, macros, lists, event names, output fields, bad idioms (and falco -V where falco is on PATH)')
    .argument('<paths...>', 'rules files or directories')
    .addOption(new Option('--format <name>', 'output format').choices(['stylish', 'json']).default('stylish'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when issues reach this severity').choices(['error', 'warning', 'none']).default('error'))
    .option('-q, --quiet', 'list errors only; no "valid" or falco lines')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov validate /etc/falco/falco_rules.yaml /etc/falco/rules.d/
  $ attack-cov validate drafts/T1529.yaml --format json`,
    )
    .action(async (paths: string[], options) => setExit(await (await import('./run/validate.js')).runValidate(paths, options, makeEnvironment(options), makeIo(options.color, options))));

  const attack = program
    .command('attack')
    .description('Work with ATT&CK releases')
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov attack diff 17.1 18.1
  $ attack-cov attack diff 17.1 18.1 --rules /etc/falco/rules.d/ --fix`,
    );
  addInputOptions(
    attack
      .command('diff')
      .description('What an ATT&CK upgrade changes: tactics and techniques added, renamed, revoked, deprecated, moved; with --rules, the tags it touches')
      .argument('<from>', 'the ATT&CK you have: file, URL or version')
      .argument('<to>', 'the ATT&CK you move to: file, URL or version')
      .addOption(new Option('--format <name>', 'output format').choices(['text', 'json']).default('text'))
      .option('--fix', "rewrite the --rules files' tags for <to> (lint --fix's fixer, knowing renamed tactics)")
      .option('-q, --quiet', 'no text on stdout (--format json is still printed); nothing on stderr but errors'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov attack diff 17.1 18.1
  $ attack-cov attack diff 18.1 19.0 --rules /etc/falco/falco_rules.local.yaml
  $ attack-cov attack diff old.json new.json --rules rules.d/ --fix
  $ attack-cov attack diff 17.1 18.1 --format json | jq '.techniques.revoked'`,
    )
    .action(async (from: string, to: string, options) => setExit(await (await import('./run/attack-diff.js')).runAttackDiff(from, to, options, makeEnvironment(options), makeIo(options.color, options))));

  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 a gate failed (--fail-on), 2 unusable input or usage.
Downloads are cached in $ATTACK_COV_CACHE (default: $XDG_CACHE_HOME/attack-cov or ~/.cache/attack-cov).`,
  );
  return program;
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version are successes, the rest usage errors.
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : EXIT_CANNOT_RUN;
  }
  if (isAttackCovError(error)) {
    // One line each: a message quoting the input (a file name, a YAML key, a server's answer) cannot add lines.
    process.stderr.write(`error: ${escapeForTerminal(redactMessage(error.message))}\n`);
    if (error.hint) process.stderr.write(`hint: ${escapeForTerminal(redactMessage(error.hint))}\n`);
    return error.exitCode;
  }
  process.stderr.write(terminalSafe(redactMessage(`attack-cov crashed (this is a bug):\n${(error as Error)?.stack ?? String(error)}\n`)));
  return EXIT_CANNOT_RUN;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  registerSecrets(argv, process.env);
  installSignalCleanup((text) => process.stderr.write(text));
  const program = buildProgram((code) => (exitCode = code));
  try {
    configureLimits(process.env);
    if (argv.length <= 2) {
      program.outputHelp();
      return EXIT_CANNOT_RUN;
    }
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

// `attack-cov lint | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await main(process.argv);
