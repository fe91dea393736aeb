// `attack-cov draft`: one Falco rule per technique (given, or the top gaps), written by an LLM from
// ATT&CK and the ruleset, validated hard, sent back with its errors up to three times, and written to
// drafts/ (passed) or drafts/rejected/; without an LLM, a skeleton. Drafts never touch the user's rules.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Technique } from '../attack/types.js';
import { own } from '../own.js';
import type { CoverageReport } from '../coverage-report.js';
import { EXIT_CANNOT_RUN, EXIT_GATE, EXIT_OK, isAttackCovError, ModelAnswerError, noValueError, UsageError } from '../errors.js';
import { fieldsOf, readFieldCatalog } from '../falco/field-catalog.js';
import { checkOutputDir, outDirOf } from '../output.js';
import { templatePath } from '../paths.js';
import { readLogSourceMap, readSourcePlatforms } from '../upstream.js';
import { sourceOfPlugin } from '../falco/source-names.js';
import { commentText, draftTags, readDraftAnswer, renderDraftFile, type DraftRule } from '../draft/draft-file.js';
import { buildGrounding, chooseSource } from '../draft/grounding.js';
import { ChatClient, extractJson, NotAttemptedError } from '../draft/llm-client.js';
import { buildMessages, DRAFT_SCHEMA, repairMessage, type PromptTemplates } from '../draft/prompt.js';
import { buildSkeleton } from '../draft/skeleton.js';
import { describeIssue, validateDraft, type DraftContext } from '../draft/validate-draft.js';
import { emulateDraft, type DraftEmulation, type DraftEmulationInputs } from '../draft/emulate-draft.js';
import { falcoValidate, findFalco } from './falco-binary.js';
import { escapeForTerminal } from '../terminal-text.js';
import { badUrlError, redactUrl, urlProblem } from '../net/url.js';
import { trackTemp, untrackTemp } from '../temp-files.js';
import { analyzeRuleset, checkTechniqueIds, loadCatalog, loadRulesFor, rulesFalcoDrops, toolVersion, type CommonOptions, type Environment } from './inputs.js';
import type { Io } from './report.js';
import { loadEmulationInputs } from './emulation.js';
import { writeDraftRun } from './draft-out.js';
import { hasCurrentTechnique, unknownTechniqueHint } from '../emulate/renumbering.js';

const MAX_ATTEMPTS = 3;

export interface DraftOptions extends CommonOptions {
  gaps?: boolean;
  top?: number;
  out: string;
  llmBaseUrl?: string;
  model?: string;
  concurrency?: number;
  skeleton?: boolean;
  source?: string;
  llmTimeout?: number;
}

export interface DraftResult {
  technique: string;
  name: string;
  /** 'not-attempted': the run stopped asking the endpoint before this draft was made (ChatClient.stopped). */
  status: 'passed' | 'rejected' | 'skeleton' | 'error' | 'not-attempted';
  attempts: number;
  file?: string;
  issues: string[];
  falco?: { isValid: boolean | null; output: string };
  /** Drafts must fire: the technique's Linux procedures emulated, and those the draft fires on. */
  emulation?: { procedures: number; catches: string[] };
  /** An earlier run's drafts of this technique (relative to --out) that this run removed: it drafted it the other way. */
  removed?: string[];
  /** An earlier run's drafts of this technique that this run left in place: its call failed, or it made a skeleton, and
   * no draft of the model's replaces them. */
  kept?: string[];
}

interface Drafting {
  context: DraftContext;
  client?: ChatClient;
  templates: PromptTemplates;
  model: string;
  date: string;
  tool: string;
  attackVersion: string;
  options: DraftOptions;
  rulesFiles: string[];
  /** Falco sources of the loaded rules (chooseSource prefers them). */
  loadedSources: string[];
  /** Procedures and benign corpus for the must-fire check (LLM drafts of syscall rules). */
  emulation?: DraftEmulationInputs;
}

function pickTechniques(ids: string[], options: DraftOptions, context: DraftContext, gaps: () => string[]): Technique[] {
  if (ids.length > 0 && options.gaps) throw new UsageError('give technique IDs or --gaps, not both');
  if (ids.length === 0 && !options.gaps) throw new UsageError('name the techniques to draft (e.g. T1529) or use --gaps --top N');
  checkTechniqueIds(ids);
  // One draft per technique, however often (or in whatever case) it is named: two would write one file twice. An
  // unknown one is said as given (QA: t9999 was said as T9999).
  const given = new Map(ids.map((id) => [id.toUpperCase(), id]));
  const wanted = ids.length > 0 ? [...given.keys()] : gaps().slice(0, options.top ?? 5);
  return wanted.map((id) => {
    const technique = context.catalog.techniques.get(id);
    if (!technique) throw new UsageError(`unknown technique ${given.get(id) ?? id} in ATT&CK ${context.catalog.version}`, unknownTechniqueHint(id, context.catalog, 'draft'));
    if (technique.isRevoked) throw new UsageError(`${id} is revoked in ATT&CK ${context.catalog.version}`, technique.revokedBy.length ? `draft ${technique.revokedBy.join(' or ')} instead` : undefined);
    return technique;
  });
}

/**
 * OPENAI_API_KEY without the white space around it: HTTP drops spaces and tabs around a header value anyway (the server
 * sees the key without them, and so must the redaction), and a key read from a file or an env file often ends with a
 * line break, which no header may hold. Blank is unset. A control character inside the key cannot be sent: refused
 * before any request, naming the variable (never its value).
 */
function apiKeyFrom(env: NodeJS.ProcessEnv): string | undefined {
  const key = env.OPENAI_API_KEY?.trim();
  if (key && /[\u0000-\u001f\u007f]/.test(key)) throw new UsageError('OPENAI_API_KEY holds a control character (such as a line break) inside the key; an API key has none', 'check OPENAI_API_KEY: set it to the key alone');
  return key || undefined;
}

export function llmSettings(options: Pick<DraftOptions, 'skeleton' | 'llmBaseUrl' | 'model'>, env: NodeJS.ProcessEnv): { baseUrl: string; model: string; apiKey?: string } | undefined {
  if (options.skeleton) return undefined;
  const apiKey = apiKeyFrom(env);
  // An empty variable is an unset one (as the key's is); an empty flag is a mistake, not "no LLM".
  if (options.llmBaseUrl?.trim() === '') throw noValueError('--llm-base-url', '', 'give the endpoint, e.g. --llm-base-url http://localhost:11434/v1, or leave it out');
  const baseUrl = options.llmBaseUrl ?? (env.OPENAI_BASE_URL || undefined) ?? (apiKey ? 'https://api.openai.com/v1' : undefined);
  if (!baseUrl) return undefined;
  const named = options.llmBaseUrl !== undefined ? '--llm-base-url' : 'OPENAI_BASE_URL';
  // Refused before any work: a base URL that is none would be retried as a network failure, four times per technique.
  const isHttp = /^https?:\/\/[^/]/i.test(baseUrl);
  if (!isHttp || !URL.canParse(baseUrl)) {
    // An http(s) URL the parser refuses says why, as --attack's does (QA: port 99999 was "not an http(s) URL").
    const why = isHttp ? `not a valid URL (${urlProblem(baseUrl)})` : 'not an http(s) URL';
    throw badUrlError(named, baseUrl, why, 'e.g. --llm-base-url http://localhost:11434/v1 (Ollama) or https://api.openai.com/v1');
  }
  // A fragment is never sent to a server: a '#' there is most likely part of a token or path that would be cut off unseen.
  if (baseUrl.includes('#')) {
    throw new UsageError(`${named} ${redactUrl(baseUrl)}: has a fragment (#…), which is never sent to the server`, "remove it, or write a '#' that belongs to the path or query as %23");
  }
  const model = options.model ?? env.OPENAI_MODEL;
  if (!model) throw new UsageError('an LLM is configured but no model is named', 'pass --model (or set OPENAI_MODEL), e.g. --model gpt-4o-mini or --model llama3.1');
  return { baseUrl, model, ...(apiKey ? { apiKey } : {}) };
}

async function falcoVerdict(text: string, drafting: Drafting): Promise<DraftResult['falco']> {
  const falco = findFalco();
  if (!falco) return undefined;
  const dir = trackTemp(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-draft-')));
  try {
    const file = path.join(dir, 'draft.yaml');
    await writeFile(file, text);
    return falcoValidate(falco, [...drafting.rulesFiles, file]);
  } finally {
    await rm(dir, { recursive: true, force: true });
    untrackTemp(dir);
  }
}

function header(technique: Technique, drafting: Drafting, validation: string, notes: string[]) {
  return { tool: drafting.tool, model: drafting.client ? drafting.model : 'none (skeleton)', date: drafting.date, technique, validation, notes };
}

async function draftOne(technique: Technique, drafting: Drafting): Promise<{ result: DraftResult; text: string }> {
  const { context } = drafting;
  const source = drafting.options.source ?? chooseSource(technique, context.sourcePlatforms, context.catalog, readLogSourceMap(), drafting.loadedSources);
  const grounding = buildGrounding(technique, context.catalog, context.ruleset, context.fields, source, context.sourcePlatforms);
  const tags = draftTags(technique, source);
  const file = `${technique.id}.yaml`;
  if (!drafting.client) {
    const { rule, notes } = buildSkeleton(grounding);
    const why = drafting.options.skeleton ? '--skeleton' : 'no LLM configured';
    const text = renderDraftFile(rule, tags, source, header(technique, drafting, `skeleton: ${why}; the condition is a placeholder, not a working rule`, notes));
    return { result: { technique: technique.id, name: technique.name, status: 'skeleton', attempts: 0, file, issues: [] }, text };
  }
  const client = drafting.client;
  const messages = buildMessages(grounding, drafting.templates, drafting.attackVersion);
  let issues: string[] = [];
  let lastText = '';
  let lastContent = '';
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const content = await client.complete(messages, DRAFT_SCHEMA);
    lastContent = content;
    const json = extractJson(content);
    const answer = 'error' in json ? { errors: [json.error] } : readDraftAnswer(json.value);
    let draft: DraftRule | undefined;
    let emulation: DraftEmulation | undefined;
    if ('errors' in answer) issues = answer.errors;
    else {
      draft = answer.draft;
      lastText = renderDraftFile(draft, tags, source, header(technique, drafting, `passed on attempt ${attempt} of ${MAX_ATTEMPTS}`, []));
      issues = validateDraft(lastText, file, context).map(describeIssue);
      // Drafts must fire: on the technique's own procedures, and never on the benign corpus.
      emulation = source === 'syscall' && drafting.emulation ? emulateDraft(draft.condition, technique.id, context.ruleset, drafting.emulation) : undefined;
      issues.push(...(emulation?.issues ?? []));
    }
    if (issues.length === 0 && draft) {
      const catches = !emulation ? [] : emulation.procedures === 0
        // Said, so that a reviewer knows nothing showed it firing on the technique (QA).
        ? [`not shown to fire: Atomic Red Team has no Linux procedure of ${technique.id} to emulate; it fires on no benign activity (emulated)`]
        : [`fires on ${emulation.catches.length} of ${emulation.procedures} Linux procedures of ${technique.id} (Atomic Red Team, emulated) and on no benign activity:`, ...emulation.catches.map((c) => `  ${c}`)];
      lastText = renderDraftFile(draft, tags, source, header(technique, drafting, `passed on attempt ${attempt} of ${MAX_ATTEMPTS}`, catches));
      const falco = await falcoVerdict(lastText, drafting);
      const emulated = emulation ? { emulation: { procedures: emulation.procedures, catches: emulation.catches } } : {};
      return { result: { technique: technique.id, name: technique.name, status: 'passed', attempts: attempt, file, issues: [], ...(falco ? { falco } : {}), ...emulated }, text: lastText };
    }
    if (!draft) lastText = unusableAnswerFile(technique, drafting, lastContent);
    messages.push({ role: 'assistant', content }, repairMessage(issues));
  }
  // A function replacer: the issues quote the model's text, where `$'` or `$&` would be replacement patterns.
  const validation = `# validation: rejected after ${MAX_ATTEMPTS} attempts:\n${issues.map((i) => `#   ${commentText(i)}`).join('\n')}`;
  const rejected = lastText.replace(/^# validation: .*$/m, () => validation);
  return { result: { technique: technique.id, name: technique.name, status: 'rejected', attempts: MAX_ATTEMPTS, file: `rejected/${file}`, issues }, text: rejected };
}

/** A rejected attempt with no rule in it: the header, and the model's answer as comments for a person to read. */
function unusableAnswerFile(technique: Technique, drafting: Drafting, content: string): string {
  const answer = content.split(/\r?\n/).map((line) => `#   ${commentText(line)}`).join('\n');
  return `# DRAFT made by ${drafting.tool}: the model gave no usable rule for ${technique.id} ${commentText(technique.name)}.\n# validation: rejected\n# model: ${commentText(drafting.model)}\n# date: ${drafting.date}\n# its last answer:\n${answer}\n[]\n`;
}

/** Top-level gaps Falco can close (with a loaded or another source), in priority order. */
function closableGaps(report: CoverageReport): string[] {
  return report.gaps.filter((g) => !g.isSubtechnique && g.priority.tier <= 1).map((g) => g.id);
}

/** Runs `work` over `items` with at most `limit` at once, keeping the input order in the results. */
export async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function runDraft(ids: string[], given: DraftOptions, env: Environment, io: Io, processEnv: NodeJS.ProcessEnv = process.env): Promise<number> {
  // A plugin's name for the source (k8saudit-eks) is its events' source (k8s_audit): a draft written with the
  // plugin's name would be skipped by Falco ("Unknown source").
  const pluginSource = given.source === undefined ? undefined : sourceOfPlugin(given.source);
  const options = pluginSource === undefined ? given : { ...given, source: pluginSource };
  const settings = llmSettings(options, processEnv);
  const outDir = outDirOf(options.out, env.cwd);
  await checkOutputDir(outDir);
  // Rejected drafts go to rejected/ in it: a file there would fail the run only after every model call (QA).
  await checkOutputDir(path.join(outDir, 'rejected'));
  const rules = await loadRulesFor(options, env);
  const attack = await loadCatalog(options, env);
  const context: DraftContext = { ruleset: rules.ruleset, fields: readFieldCatalog(), catalog: attack.catalog, sourcePlatforms: readSourcePlatforms() };
  // A draft for a source attack-cov has no fields for could be grounded and validated against nothing.
  if (options.source !== undefined && !fieldsOf(context.fields, options.source)) {
    throw new UsageError(`--source ${options.source}: not a Falco source attack-cov knows the fields of`, `sources: ${[...context.fields.sources.keys()].sort().join(', ')}`);
  }
  const skipped = await rulesFalcoDrops(rules.ruleset, options, env);
  // A --source that observes none of a technique's platforms cannot detect it: its draft would be refused for
  // platform-mismatch after every model call (QA), and its skeleton would read as a start. Named techniques are refused
  // before any work; --gaps takes only the gaps the source observes.
  const observes = options.source === undefined ? undefined : own(context.sourcePlatforms, options.source);
  const isObserved = (id: string) => observes === undefined || context.catalog.techniques.get(id)!.platforms.some((p) => observes.includes(p));
  let leftOut: string[] = [];
  const observedGaps = () => {
    const gaps = closableGaps(analyzeRuleset(attack, rules.ruleset, rules.origin, options, env, skipped ? { skipped } : {}));
    leftOut = gaps.filter((id) => !isObserved(id));
    return gaps.filter(isObserved);
  };
  const techniques = pickTechniques(ids, options, context, observedGaps);
  const unobserved = techniques.filter((t) => !isObserved(t.id));
  if (unobserved.length > 0) {
    throw new UsageError(`--source ${options.source} observes ${observes!.join(', ')}; ${unobserved.map((t) => `${t.id} is on ${t.platforms.join(', ')}`).join('; ')}: a rule of that source cannot detect ${unobserved.length === 1 ? 'it' : 'them'}`, 'choose a source that observes one of its platforms (syscall: Linux, Containers), or leave --source out and attack-cov chooses');
  }
  if (leftOut.length > 0) io.stderr(`left out ${leftOut.length} gap(s) --source ${options.source} does not observe (${observes!.join(', ')}): ${leftOut.slice(0, 10).join(', ')}${leftOut.length > 10 ? ', …' : ''}\n`);
  if (options.gaps && techniques.length === 0) io.stderr('no gap Falco can close (with a loaded or another Falco source): nothing to draft\n');
  const tool = toolVersion();
  const client = settings ? new ChatClient({ ...settings, timeoutMs: (options.llmTimeout ?? 120) * 1000, attempts: 4, backoffMs: Number(processEnv.ATTACK_COV_LLM_BACKOFF_MS ?? 1000) }) : undefined;
  const drafting: Drafting = {
    context,
    ...(client ? { client } : {}),
    templates: { system: await readFile(templatePath('draft-system.md'), 'utf8'), user: await readFile(templatePath('draft-user.md'), 'utf8') },
    model: settings?.model ?? '',
    date: env.now().toISOString(),
    tool: `${tool.name} ${tool.version}`,
    attackVersion: attack.catalog.version,
    options,
    rulesFiles: rules.localFiles,
    loadedSources: [...new Set(rules.ruleset.rules.map((r) => r.source))].sort(),
    ...(client ? { emulation: await loadEmulationInputs(hasCurrentTechnique(attack.catalog), undefined, env.cwd) } : {}),
  };
  // --skeleton asked for them whatever is configured: saying no LLM is configured would be wrong then (QA).
  if (!client) io.stderr(options.skeleton ? 'writing skeletons (--skeleton)\n' : 'no LLM configured (--llm-base-url, OPENAI_BASE_URL or OPENAI_API_KEY): writing skeletons\n');
  let hint: string | undefined;
  // Techniques whose error was the model's answer (refused as too long), not the endpoint failing.
  const answerRefused = new Set<string>();
  const outcomes = await pool(techniques, options.concurrency ?? 2, async (technique) => {
    try {
      const outcome = await draftOne(technique, drafting);
      io.stderr(`draft ${escapeForTerminal(technique.id)}: ${outcome.result.status}${outcome.result.attempts ? ` (attempt ${outcome.result.attempts})` : ''}\n`);
      return outcome;
    } catch (error) {
      if (!isAttackCovError(error)) throw error;
      const message = client ? client.redact(error.message) : error.message;
      // The run stopped asking (the key refused, the endpoint silent): said once below, not once per technique.
      if (error instanceof NotAttemptedError) return { result: { technique: technique.id, name: technique.name, status: 'not-attempted' as const, attempts: 0, issues: [message] }, text: '' };
      (io.errors ?? io.stderr)(`draft ${escapeForTerminal(technique.id)}: error: ${escapeForTerminal(message)}\n`);
      hint ??= error.hint;
      if (error instanceof ModelAnswerError) answerRefused.add(technique.id);
      return { result: { technique: technique.id, name: technique.name, status: 'error' as const, attempts: 0, issues: [message] }, text: '' };
    }
  });
  const isFailed = (r: DraftResult) => r.status === 'not-attempted' || (r.status === 'error' && !answerRefused.has(r.technique));
  // Every draft failed at the endpoint (or was not attempted after the run stopped asking): the run could not do its
  // work (exit 2, as suggest --model), where a rejected draft is a verdict on the model's answer (exit 1). A CI job can
  // retry the one and review the other.
  const isEveryCallFailed = outcomes.length > 0 && outcomes.every((o) => isFailed(o.result));
  const notAttempted = outcomes.filter((o) => o.result.status === 'not-attempted').length;
  const stopped = client?.stopped && notAttempted > 0 ? `the run stopped after ${client.stopped.reason}: ${notAttempted} of ${outcomes.length} not attempted` : undefined;
  const summaryOf = (drafts: DraftResult[]) => ({
    tool,
    generatedAt: drafting.date,
    attack: { version: attack.catalog.version, source: attack.source },
    llm: settings ? { baseUrl: redactUrl(settings.baseUrl), model: settings.model, structuredOutput: client!.isSchemaSupported } : null,
    drafts,
  });
  // --out says what this run produced (draft-out.ts): an earlier draft this run replaced with its other outcome goes, one
  // of a technique whose call failed stays.
  const { results, removed, kept } = await writeDraftRun(outDir, outcomes, summaryOf, tool.name);
  const shown = (files: string[]) => files.map((f) => escapeForTerminal(path.join(options.out, f))).join(', ');
  if (removed.length > 0) io.stderr(`removed what an earlier run drafted and this run drafted the other way: ${shown(removed)}\n`);
  if (kept.length > 0) io.stderr(`kept what an earlier run drafted, which this run has no model's draft to replace (its call failed, or it made a skeleton; the header says when it was made): ${shown(kept)}\n`);
  // The error and its hint come last on stderr, after what the run wrote and removed, where one reads an error.
  if (isEveryCallFailed) (io.errors ?? io.stderr)(`error: every draft failed at the LLM endpoint (${outcomes.length} of ${outcomes.length}${stopped ? `; ${stopped}` : ''})\n`);
  else if (stopped) (io.errors ?? io.stderr)(`error: ${stopped}\n`);
  // Once, after every technique: what to check, and the way to a draft without a model.
  if (outcomes.some((o) => o.result.status === 'error' || o.result.status === 'not-attempted')) {
    (io.errors ?? io.stderr)(`hint: ${hint ? `${escapeForTerminal(hint)}; ` : ''}--skeleton writes skeletons without a model\n`);
  }
  const listed = (io.isQuiet ? results.filter((r) => r.status === 'rejected' || r.status === 'error' || r.status === 'not-attempted') : results).map((result) => ({ result }));
  // A draft not attempted has no issue of its own: why the run stopped is said once, on stderr.
  if (listed.length > 0) io.stdout(`${listed.map(({ result: r }) => `${r.technique.padEnd(10)} ${r.status.padEnd(9)} ${r.file ? escapeForTerminal(path.join(options.out, r.file)) : ''}${r.issues.length && r.status !== 'passed' && r.status !== 'not-attempted' ? `\n  ${r.issues.slice(0, 5).map(escapeForTerminal).join('\n  ')}` : ''}`).join('\n')}\n`);
  if (isEveryCallFailed) return EXIT_CANNOT_RUN;
  return outcomes.some((o) => o.result.status !== 'passed' && o.result.status !== 'skeleton') ? EXIT_GATE : EXIT_OK;
}
