// The command line: flags → options → run → exit code (0 ok, 1 gate failed, 2 cannot run).
// The only place that reads process.argv and process.env; src/cli.ts, the command, sets the exit code. Each command's code is
// imported when it runs, so `report` does not pay for loading the drafter or the fixer.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { normalizedSha256, sha256PinProblem } from './attack/sha256-pin.js';
import { EXIT_CANNOT_RUN, EXIT_GATE, EXIT_OK, isAttackCovError, UsageError } from './errors.js';
import { configureLimits, limits } from './limits.js';
import { redactMessage, redactSecrets, registerSecret, registerSecretsInUrl } from './secrets.js';
import { installSignalCleanup } from './temp-files.js';
import { escapeForTerminal, terminalSafe } from './terminal-text.js';
import { describeFsError } from './regular-file.js';
import { cacheDir } from './net/cache.js';
import { discardParseCache, flushParseCache, parseCacheFor, type ParseCache } from './parse-cache.js';
import { packageRoot } from './paths.js';
import path from 'node:path';
import { downloadProgress } from './progress.js';
import { REPORTERS } from './report/registry.js';
import { LINT_FORMATS, VALIDATE_FORMATS } from './report/format-names.js';
import { embeddedAttack } from './embedded.js';
import { checkDownloadVariables } from './upstream.js';
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

/** The parse caches of this run's commands: written when the run ends with 0 or 1 (see main). */
const parseCaches: ParseCache[] = [];

function makeEnvironment(options: QuietOption = {}): Environment {
  const cacheRoot = cacheDir(process.env);
  const parseCache = parseCacheFor(cacheRoot, [path.join(packageRoot, 'dist', 'parsed')], process.env);
  if (parseCache) parseCaches.push(parseCache);
  return {
    cacheRoot,
    parseCache,
    cwd: process.cwd(),
    now: clockFromEnv(process.env),
    download: { ...(options.quiet ? {} : downloadProgress(process.stderr)), deadlineMs: limits.downloadDeadlineMs },
    // A note is one line, and what it quotes (a source's or a file's name) comes from the inputs: escaped whole.
    notify: options.quiet ? () => undefined : (message) => process.stderr.write(terminalSafe(redactSecrets(`note: ${escapeForTerminal(message)}\n`))),
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
      // "at least" alone only while the number is not too large: 99999999999999999999 is a whole number of at least 0.
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER && Number(value) <= max ? `expected a whole number of at least ${min}.` : `expected a whole number from ${min} to ${max}.`);
    }
    return Number(value);
  };
}

/** Registers every credential the run knows of (API key, user:password and tokens in URLs) for redaction. */
function registerSecrets(argv: string[], env: NodeJS.ProcessEnv): void {
  registerSecret(env.OPENAI_API_KEY);
  for (const value of [env.OPENAI_BASE_URL, env.ATTACK_COV_ATTACK_MIRROR, env.ATTACK_COV_FALCO_RULES_MIRROR, env.ATTACK_COV_ATTACK_INDEX, ...argv]) {
    for (const part of (value ?? '').split('=')) registerSecretsInUrl(part);
    registerSecretsInUrl(value);
  }
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** --attack-sha256: 64 hexadecimal digits, compared in lower case; anything else is a usage error (exit 2). */
function sha256Option(value: string): string {
  const problem = sha256PinProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(`${problem}.`);
  return normalizedSha256(value);
}
const THREAT_HELP = 'a group, software or campaign by ATT&CK ID, name or alias (G0139, TeamTNT, S0599, C0035); repeat or comma-separate';

function addConfigOptions(command: Command): Command {
  // --config and --no-config share one value, the last given winning: given both, which was meant cannot be told (QA).
  const given = new Set<string>();
  const seen = (flag: string) => () => {
    given.add(flag);
    if (given.size === 2) throw new UsageError('--config and --no-config together: read this config, or none?', 'give one of them');
  };
  return command
    .option('--config <file>', `project config (default: the nearest .attack-cov.yaml from the working directory up to the repository's top); command-line flags override it`)
    .option('--no-config', 'ignore any .attack-cov.yaml')
    .on('option:config', seen('--config'))
    .on('option:no-config', seen('--no-config'));
}

/** The options with the project config's values under them (flags given on the command line win). */
async function withProjectConfig<T extends { config?: string | boolean }>(options: T, command: Command, takes = (_key: string, _value: unknown) => true): Promise<T> {
  const { checkConfigPaths, loadProjectConfig, mergeConfig } = await import('./config/apply-config.js');
  const config = await loadProjectConfig(options.config, process.cwd());
  if (!config) return options;
  if (!(options as QuietOption).quiet) guarded(process.stderr)(`config: ${config.file}\n`);
  const merged = mergeConfig(options, config, {
    isFromCli: (key) => command.getOptionValueSource(key) === 'cli',
    takes: (key, value) => command.options.some((o) => o.attributeName() === key) && takes(key, value),
  });
  checkConfigPaths(config, merged.configAt);
  return merged;
}

/** --attack, --rules, --platform, --source-root and colour; `attack diff` takes its two ATT&CKs as arguments and
 * has no scope, so it goes without --attack and --platform (an option a command ignores would be a lie in its help). */
function addInputOptions(command: Command, { hasScope = true }: { hasScope?: boolean } = {}): Command {
  const embedded = embeddedAttack().version;
  if (hasScope) command.option('--attack <file|url|version>', `ATT&CK Enterprise: a STIX 2.0/2.1 bundle file (plain or .gz), an https://, http:// or file:// URL, a version (downloaded and cached), or latest; default: the embedded ${embedded}, no download`);
  if (hasScope) command.option('--attack-sha256 <hex>', 'the sha256 the ATT&CK bundle must have (report.json\'s inputs.attack.sha256): any other is refused, exit 2, and a download that differs is not cached', sha256Option);
  command.option('--rules <paths...>', `Falco rules files or directories (their *.yaml and *.yml files in name order), or official (the embedded stable rules), official:all, official:incubating, official:sandbox, official:k8saudit, official@<tag> (downloaded); default: /etc/falco rules where present, else official`);
  if (hasScope) command.option('--platform <names>', 'ATT&CK platforms in scope (repeat or comma-separate); default: what the rules\' sources can observe', collect);
  return command
    .option('--source-root <dir>', 'name files in outputs relative to this folder (default: the git work tree holding the rules, the superproject of a submodule, else the working directory)')
    .option('--color', 'force colour').option('--no-color', 'no colour (NO_COLOR is honoured too)');
}



export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('attack-cov')
    .description('MITRE ATT&CK coverage, gaps and tag findings for Falco rulesets')
    .version(toolVersion().version)
    .showHelpAfterError('hint: run with --help for usage')
    .configureOutput({ writeErr: guarded(process.stderr) })
    .exitOverride();

  addConfigOptions(addInputOptions(
    program
      .command('report')
      .description('Compute ATT&CK coverage and tag findings; write report.json (and more) into --out, print a summary')
      .option('--out <dir>', 'output directory', 'reports')
      .option('--format <names>', `outputs to write: all, ${Object.keys(REPORTERS).join(', ')} (repeat or comma-separate)`, collect)
      .addOption(new Option('--fail-on <severity>', 'exit 1 when findings reach this severity; new = anything worse than --baseline (a finding it did not have, a technique it covered now a gap or only partly covered)').choices(['error', 'warning', 'info', 'new', 'none']).default('none'))
      .option('--baseline <report.json>', 'compare with an earlier report.json: newly covered/uncovered techniques, new/fixed findings, coverage change')
      .option('--min-coverage <pct>', 'exit 1 below this overall coverage; tactic=pct for one tactic (repeatable), e.g. execution=50', collect)
      .option('--max-coverage-drop <points>', 'exit 1 when overall coverage falls more than this many points below --baseline')
      .option('--top <n>', 'gaps listed in the terminal summary, 0 for none (summary.md lists 15)', integerOption(0), 10)
      .addOption(new Option('--score <mode>', 'Navigator layer score: count = enabled rules; priority or maturity = rules weighted by Falco priority or maturity (see README)').choices(['count', 'priority', 'maturity']))
      .option('--threat <ref>', THREAT_HELP, collect)
      .option('--suggest', 'add ATT&CK tag suggestions for untagged rules: report.json suggestions, suggestions.csv, SARIF fixes, summary.md, heatmap "would be covered"')
      .option('--min-score <0-1>', 'with --suggest: the score a best candidate needs to count as "would be covered"', '0.2')
      .option('-q, --quiet', 'no summary on stdout, nothing on stderr but errors and failed gates')
      .option('--emulate', 'add emulated detection (Atomic Red Team procedures, benign corpus) to every output: tagged vs demonstrated'),
  ))
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov report                                   # embedded ATT&CK ${embeddedAttack().version}; your /etc/falco rules, else the embedded official ones
  $ attack-cov report --rules official:all              # the official stable, incubating and sandbox rules
  $ attack-cov report --attack 17.1 --rules rules/ --out out/
  $ attack-cov report --attack latest --rules rules/    # the newest ATT&CK release (downloaded and cached)
  $ attack-cov report --attack enterprise-attack.json.gz --rules falco_rules.yaml --platform Linux
  $ attack-cov report --fail-on error                   # CI: exit 1 on tag errors, after writing the reports
  $ attack-cov report --emulate                         # plus: which tagged techniques a rule is seen to fire on
  $ attack-cov report --rules k8s_audit_rules.yaml --suggest   # + suggested tags for untagged rules
  $ attack-cov report --baseline last/report.json --fail-on new --max-coverage-drop 0 --min-coverage execution=40
  $ attack-cov report --threat TeamTNT --threat S0599      # profiles: TeamTNT's and Kinsing's techniques, covered or not
  $ attack-cov report --platform IaaS --rules cloudtrail_rules.yaml`,
    )
    .action(async (given, command: Command) => {
      const options = await withProjectConfig(given, command);
      // --min-score only weighs --suggest's candidates: alone it would be ignored in silence.
      if (command.getOptionValueSource('minScore') === 'cli' && !options.suggest) throw new UsageError('--min-score has no effect without --suggest', 'add --suggest, or leave --min-score out');
      setExit(await (await import('./run/report.js')).runReport(options, makeEnvironment(options), makeIo(options.color, options)));
    });

  addConfigOptions(addInputOptions(
    program
      .command('lint')
      .description('List the ATT&CK tag findings of Falco rules, eslint-style')
      .addOption(new Option('--format <name>', 'output format (github: annotations for GitHub Actions, no code scanning needed)').choices(LINT_FORMATS).default('stylish'))
      .addOption(new Option('--fail-on <severity>', 'exit 1 when findings reach this severity').choices(['error', 'warning', 'info', 'none']).default('error'))
      .option('--fix', 'rewrite tags in the --rules files where a finding has one unambiguous fix (only tag lines change)')
      .option('--fix-dry-run', 'print the unified diff --fix would apply, change nothing')
      .option('-q, --quiet', 'list error findings only (like eslint --quiet); nothing on stderr but errors'),
  ))
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov lint --rules /etc/falco/falco_rules.yaml
  $ attack-cov lint --rules rules.d/ --fail-on warning
  $ attack-cov lint --rules my_rules.yaml --format json | jq '.findings[] | .code'
  $ attack-cov lint --rules rules.d/ --format github   # in a GitHub Actions step: findings on the PR's lines
  $ attack-cov lint --rules rules.d/ --fix-dry-run      # the diff --fix would apply
  $ attack-cov lint --rules rules.d/ --fix`,
    )
    .action(async (given, command: Command) => {
      // lint's --format names a listing, not report outputs; --fail-on new needs report's --baseline.
      let isFailOnNewLeft = false;
      const options = await withProjectConfig(given, command, (key, value) => {
        if (key === 'failOn' && value === 'new') isFailOnNewLeft = command.getOptionValueSource('failOn') !== 'cli';
        return key !== 'format' && !(key === 'failOn' && value === 'new');
      });
      // Said, not silent (QA): the config's gate reads as lint's own otherwise.
      if (isFailOnNewLeft && !options.quiet) guarded(process.stderr)('config: fail-on: new is for report --baseline; lint gates at its default, error (--fail-on to choose)\n');
      setExit(await (await import('./run/lint.js')).runLint(options, makeEnvironment(options), makeIo(options.color, options)));
    });

  addInputOptions(
    program
      .command('draft')
      .description('Draft Falco rules for techniques (or the top gaps) with an OpenAI-compatible LLM, validate them, repair or reject; without an LLM, write skeletons')
      .argument('[techniques...]', 'technique IDs, e.g. T1529 T1611')
      .option('--gaps', 'draft the top gaps Falco can close (closable with a loaded or another Falco source), in priority order')
      .option('--threat <ref>', `${THREAT_HELP}; with --gaps, their techniques come first`, collect)
      .option('--top <n>', 'how many gaps with --gaps', integerOption(1, 1000), 5)
      .option('--out <dir>', 'where drafts go (rejected ones under rejected/)', 'drafts')
      .option('--llm-base-url <url>', 'OpenAI-compatible API base, e.g. http://localhost:11434/v1 (default: OPENAI_BASE_URL; OpenAI when only OPENAI_API_KEY is set)')
      .option('--model <name>', 'model name (default: OPENAI_MODEL)')
      .option('--concurrency <n>', 'drafts in flight at once', integerOption(1, 64), 2)
      .option('--llm-timeout <seconds>', 'deadline of one LLM answer, every attempt and retry wait included', integerOption(1, 3600), 120)
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
  $ attack-cov validate official drafts/T1529.yaml                 # a draft uses the ruleset's macros: validate it with them`,
    )
    .action(async (techniques: string[], options) => {
      // --threat orders the gaps --gaps drafts: with techniques named it would be ignored in silence.
      if (options.threat?.length && !options.gaps) throw new UsageError('--threat has no effect without --gaps', 'add --gaps to draft the gaps their techniques lead, or leave --threat out');
      setExit(await (await import('./run/draft.js')).runDraft(techniques, options, makeEnvironment(options), makeIo(options.color, options)));
    });

  addInputOptions(
    program
      .command('suggest')
      .description('Suggest ATT&CK technique and tactic tags, with evidence, for rules that have none (--all: for every rule); offline, or chosen by an LLM among the candidates and checked; --apply writes them')
      .option('--all', 'tagged rules too, to find techniques they miss')
      .option('--top <n>', 'candidates per rule (1-10)', integerOption(1, 10), 3)
      .option('--rule <name>', 'only this rule (repeatable)', collect)
      .option('--disabled', 'disabled rules too')
      .addOption(new Option('--format <name>', 'output format').choices(['text', 'json', 'csv', 'sarif']).default('text'))
      .option('--apply', "write the best candidate's tags into the --rules files where its score reaches --min-score (only tag lines change)")
      .option('--min-score <0-1>', 'the score a best candidate needs for --apply', '0.2')
      .option('--apply-from <suggestions.json>', 'write the entries kept in a reviewed `--format json` output (first candidate left per rule, or those marked "accept": true)')
      .option('--dry-run', 'with --apply or --apply-from: print the unified diff, change nothing')
      .option('--llm-base-url <url>', 'OpenAI-compatible API base (default: OPENAI_BASE_URL; OpenAI when only OPENAI_API_KEY is set)')
      .option('--model <name>', 'let this model choose among the candidates (LLM mode); every choice is checked like lint checks tags')
      .option('--concurrency <n>', 'model requests in flight at once', integerOption(1, 64), 2)
      .option('--llm-timeout <seconds>', 'deadline of one LLM answer, every attempt and retry wait included', integerOption(1, 3600), 120)
      .option('-q, --quiet', 'no text on stdout (json, csv and sarif are still printed); nothing on stderr but errors'),
  )
    .addHelpText(
      'after',
      `
Scores are 0-1: the text match of the rule (name, desc, output, condition with macros and lists expanded)
against ATT&CK (technique text, v18 detection strategies and analytics, Atomic Red Team procedures), mixed
with the votes of similar tagged rules (the official Falco rules, and your own tagged ones).
The API key is read from OPENAI_API_KEY and never printed or written.
Examples:
  $ attack-cov suggest --rules k8s_audit_rules.yaml
  $ attack-cov suggest --rules k8s_audit_rules.yaml --rule "Create Privileged Pod" --format json
  $ attack-cov suggest --rules rules.d/ --format json > suggestions.json   # review: delete what is wrong
  $ attack-cov suggest --rules rules.d/ --apply-from suggestions.json --dry-run
  $ attack-cov suggest --rules my_rules.yaml --apply --min-score 0.3
  $ attack-cov suggest --rules my_rules.yaml --all --top 5                 # techniques tagged rules may miss
  $ OPENAI_API_KEY=… attack-cov suggest --rules my_rules.yaml --model gpt-4o-mini`,
    )
    .action(async (options, command: Command) => {
      const { parseMinScore, runSuggest } = await import('./run/suggest.js');
      // --min-score only picks what --apply writes: alone it would be ignored in silence (a value it cannot take is
      // said first, as with --apply).
      if (command.getOptionValueSource('minScore') === 'cli') {
        parseMinScore(options.minScore);
        if (!options.apply) throw new UsageError('--min-score has no effect without --apply', 'add --apply to write the candidates that reach it, or leave --min-score out');
      }
      setExit(await runSuggest(options, makeEnvironment(options), makeIo(options.color, options)));
    });

  addInputOptions(
    program
      .command('threats')
      .description('List the groups, software and campaigns most relevant to the scope (software on its platforms, techniques only there, or mostly in it), with how much of what they use the rules cover')
      .addOption(new Option('--format <name>', 'output format').choices(['text', 'json']).default('text'))
      .option('--top <n>', 'how many to list', integerOption(1), 20)
      .option('--kind <kinds>', 'only these kinds: group, software, campaign (repeat or comma-separate)', collect)
      .option('-q, --quiet', 'no text on stdout (--format json is still printed); nothing on stderr but errors'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov threats                                  # scope from your rules' sources (syscall: Linux, Containers)
  $ attack-cov threats --platform Containers --top 10
  $ attack-cov threats --platform IaaS --kind group --format json | jq '.threats[].name'
  $ attack-cov report --threat TeamTNT                  # then profile one of them`,
    )
    .action(async (options) => setExit(await (await import('./run/threats.js')).runThreats(options, makeEnvironment(options), makeIo(options.color, options))));

  addInputOptions(
    program
      .command('emulate')
      .description('Does the rule fire? Evaluate the enabled syscall rules on synthetic events of Atomic Red Team\'s Linux/container procedures and a benign corpus, on the host and in a container')
      .argument('[techniques...]', 'only the procedures of these techniques (and their sub-techniques), e.g. T1529 T1070')
      .addOption(new Option('--format <name>', 'output format').choices(['text', 'json']).default('text'))
      .option('--out <dir>', 'also write emulation.json and emulation.md into this directory')
      .option('--atomics <dir>', "an atomic-red-team checkout's atomics/ folder (default: the embedded pinned copy)")
      .option('-q, --quiet', 'no text on stdout (--format json is still printed); nothing on stderr but errors'),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov emulate                                  # every procedure, your /etc/falco rules or the official ones
  $ attack-cov emulate T1070.003 T1529 --rules falco_rules.yaml
  $ attack-cov emulate --format json | jq '.techniques[] | select(.status == "tagged-never-fired") | .id'
  $ attack-cov emulate --out reports/                   # emulation.json and emulation.md
  $ attack-cov report --emulate                         # the same evidence in report.json and every report`,
    )
    .action(async (techniques: string[], options) => setExit(await (await import('./run/emulate.js')).runEmulate(techniques, options, makeEnvironment(options), makeIo(options.color, options))));

  program
    .command('init')
    .description('Write a commented .attack-cov.yaml for the repository here, naming the Falco rules files and folders it finds')
    .option('--force', 'replace an existing .attack-cov.yaml')
    .option('-q, --quiet', 'nothing on stderr but errors')
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov init                 # then edit .attack-cov.yaml; report and lint read it from here and below
  $ attack-cov init --force`,
    )
    .action(async (options) => setExit(await (await import('./run/init.js')).runInit(options, makeEnvironment(options), makeIo(undefined, options))));

  program
    .command('validate')
    .description('Validate Falco rules files offline: condition syntax, fields per source, macros, lists, event names, output fields, bad idioms (and falco -V where falco is on PATH)')
    .argument('[paths...]', 'rules files or directories, or official, official:all …; default: /etc/falco rules where present, else official')
    .addOption(new Option('--format <name>', 'output format (github: annotations for GitHub Actions)').choices(VALIDATE_FORMATS).default('stylish'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when issues reach this severity').choices(['error', 'warning', 'none']).default('error'))
    .option('-q, --quiet', 'list errors only; no "valid" or falco lines')
    .option('--source-root <dir>', 'name files relative to this folder (default: the git work tree holding the rules, the superproject of a submodule, else the working directory)')
    .option('--color', 'force colour')
    .option('--no-color', 'no colour (NO_COLOR is honoured too)')
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov validate                                            # the rules Falco reads here (/etc/falco), else the official ones
  $ attack-cov validate /etc/falco/falco_rules.yaml /etc/falco/rules.d/
  $ attack-cov validate official drafts/T1529.yaml --format json   # a draft with the official rules it builds on
  $ attack-cov validate rules/ --format github                      # in a GitHub Actions step: issues on the PR's lines`,
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
      .option('--fix', "rewrite the tags the upgrade touches in the --rules files, for <to> (lint --fix's fixer, knowing renamed tactics, on the findings the upgrade brings; other findings are left to lint --fix)")
      .option('-q, --quiet', 'no text on stdout (--format json is still printed); nothing on stderr but errors'),
    { hasScope: false },
  )
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov attack diff 17.1 18.1
  $ attack-cov attack diff 17.1 18.1 --rules /etc/falco/falco_rules.local.yaml
  $ attack-cov attack diff 18.1 latest                  # the newest release, through MITRE's index
  $ attack-cov attack diff old.json new.json --rules rules.d/ --fix
  $ attack-cov attack diff 17.1 18.1 --format json | jq '.techniques.revoked'`,
    )
    .action(async (from: string, to: string, options) => setExit(await (await import('./run/attack-diff.js')).runAttackDiff(from, to, options, makeEnvironment(options), makeIo(options.color, options))));

  addCacheCommands(program, setExit);

  program.addHelpText(
    'after',
    `
Examples:
  $ attack-cov report                         # embedded ATT&CK and official rules (or /etc/falco), no network
  $ attack-cov lint --rules rules.d/ --fail-on warning
  $ attack-cov emulate T1529 --rules official:all
  $ attack-cov threats --platform Linux,Containers
  $ attack-cov <command> --help               # every command has its own examples

Exit codes: 0 ok; 1 a gate failed (report: --fail-on, --min-coverage, --max-coverage-drop; lint: --fail-on),
validate found errors, a draft was rejected or failed, or a suggest --model call failed, answered without choices or was not made;
2 unusable input or usage, or every draft (or suggest --model call) failed at the LLM endpoint.
Downloads are cached in $ATTACK_COV_CACHE (default: $XDG_CACHE_HOME/attack-cov or ~/.cache/attack-cov).`,
  );
  return program;
}

function addCacheCommands(program: Command, setExit: (code: number) => void): void {
  const cache = program
    .command('cache')
    .description('The download cache: seed it from files for air-gapped hosts, list it, clean it')
    .addHelpText(
      'after',
      `
Examples:
  $ attack-cov cache add enterprise-attack-17.1.json          # then --attack 17.1 works offline
  $ attack-cov cache add bundle.json.gz --url https://mirror.example/attack.json
  $ attack-cov cache add falco_rules.yaml --rules-ref falco-rules-5.0.0   # then --rules official@falco-rules-5.0.0
  $ attack-cov cache list --format json
  $ attack-cov cache dir`,
    );
  const run = async (action: 'add' | 'list' | 'dir' | 'clean', file: string | undefined, options: import('./run/cache.js').CacheOptions & QuietOption) =>
    setExit(await (await import('./run/cache.js')).runCache(action, file, options, makeEnvironment(options), makeIo(undefined, options)));
  const quiet = '-q, --quiet';
  const quietHelp = 'nothing on stderr but errors';
  cache
    .command('add')
    .description('Validate an ATT&CK bundle (or an official Falco rules file) and store it in the cache as the version it is (or for --url)')
    .argument('<file>', 'a STIX bundle (plain or .gz), or with --rules-ref a Falco rules file')
    .option('--url <url>', 'store it as the download of this URL (for --attack <url>)')
    .option('--rules-ref <ref>', 'store an official rules file for this tag (for --rules official@<ref>)')
    .option(quiet, quietHelp)
    .addHelpText('after', `
Examples:
  $ attack-cov cache add enterprise-attack-17.1.json
  $ attack-cov cache add attack.json.gz --url https://mirror.example/attack.json
  $ attack-cov cache add falco_rules.yaml --rules-ref falco-rules-4.0.0`)
    .action((file: string, options) => run('add', file, options));
  cache.command('list').description('List what the cache holds').addOption(new Option('--format <name>', 'output format').choices(['text', 'json']).default('text')).option(quiet, quietHelp)
    .addHelpText('after', "\nExamples:\n  $ attack-cov cache list\n  $ attack-cov cache list --format json | jq '.entries[].path'")
    .action((options) => run('list', undefined, options));
  cache.command('dir').description('Print the cache folder').option(quiet, quietHelp)
    .addHelpText('after', '\nExamples:\n  $ du -sh "$(attack-cov cache dir)"')
    .action((options) => run('dir', undefined, options));
  cache.command('clean').description('Remove everything attack-cov cached').option(quiet, quietHelp)
    .addHelpText('after', '\nExamples:\n  $ attack-cov cache clean     # the next --attack 17.1 downloads again')
    .action((options) => run('clean', undefined, options));
}

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message. Help asked for and the version are successes; help shown because a
    // subcommand is missing or unknown (`attack-cov cache`, `attack-cov help nope`: Commander's exit code 1, on
    // stderr) is a usage error, as is everything else.
    const isSuccess = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || (error.code === 'commander.help' && error.exitCode === 0);
    return isSuccess ? 0 : EXIT_CANNOT_RUN;
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
    checkDownloadVariables(process.env);
    if (argv.length <= 2) {
      // No command is a usage error: the help goes where errors go, stdout stays empty.
      program.outputHelp({ error: true });
      return EXIT_CANNOT_RUN;
    }
    await program.parseAsync(argv);
    // Only a run that did its work (0, or 1: a gate failed after the reports were written) fills the cache.
    const isDone = exitCode === EXIT_OK || exitCode === EXIT_GATE;
    for (const cache of parseCaches) (isDone ? flushParseCache : discardParseCache)(cache);
    return exitCode;
  } catch (error) {
    for (const cache of parseCaches) discardParseCache(cache);
    return reportError(error);
  }
}

/** The whole command as a process runs it: a closed stdout or stderr handled as below, then main. Resolves to the
 * exit code for src/cli.ts to set. */
export function runProcess(argv: string[]): Promise<number> {
  // `attack-cov lint | head` closes the pipe early: that is the reader's choice, not an error.
  // Any other failure (a full disk, /dev/full, EIO) loses what was asked for: one line, exit 2 (it crashed with a
  // stack trace and the gate's exit 1).
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`error: cannot write to stdout: ${escapeForTerminal(describeFsError(error))}\n`);
    process.exit(EXIT_CANNOT_RUN);
  });
  // `attack-cov report 2>&1 | head` closes stderr too: the notes and progress lost are the reader's choice, and the
  // run carries on to its outputs and its own exit code (an unhandled EPIPE made it exit 1, the gate's code). A
  // stderr that cannot be written at all leaves nowhere to say so: exit 2.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.exit(EXIT_CANNOT_RUN);
  });
  return main(argv);
}
