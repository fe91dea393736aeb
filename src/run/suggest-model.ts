// LLM mode of `suggest` (--model): the model chooses among each rule's offline candidates (or names
// another technique), with a reason; every choice is checked like lint checks tags and refused when it
// fails. The client and settings are draft's; the API key is never printed (answers are redacted too).
import { LlmError, ModelAnswerError, UsageError, isAttackCovError } from '../errors.js';
import { ChatClient, extractJson, NotAttemptedError } from '../draft/llm-client.js';
import { buildSuggestMessages, checkModelChoices, readSuggestAnswer, SUGGEST_SCHEMA } from '../suggest/llm.js';
import { indexCache, type SuggestContext } from '../suggest/suggest.js';
import type { RuleSuggestion } from '../suggest/types.js';
import { llmSettings, pool } from './draft.js';
import type { Io } from './report.js';
import { escapeForTerminal } from '../terminal-text.js';

export interface ModelOptions {
  llmBaseUrl?: string;
  model?: string;
  llmTimeout?: number;
  concurrency?: number;
}

async function askModel(suggestion: RuleSuggestion, context: SuggestContext, client: ChatClient, attackVersion: string, indexFor: ReturnType<typeof indexCache>): Promise<RuleSuggestion> {
  const rule = context.ruleset.rules.find((r) => r.name === suggestion.rule)!;
  const index = indexFor(rule.source)!;
  const content = await client.complete(buildSuggestMessages(rule, suggestion, context.sourcePlatforms[rule.source] ?? [], attackVersion), SUGGEST_SCHEMA);
  const json = extractJson(content);
  const answer = 'error' in json ? json : readSuggestAnswer(json.value);
  // An answer that holds no choices is this rule's call failing, as an answer too long to read is: the rule gets no
  // choice of the model's, and the run says so and exits 1 (it exited 0 as if the model had chosen nothing).
  if ('error' in answer) throw new ModelAnswerError(`unusable answer: ${answer.error}`);
  const checked = checkModelChoices(answer.choices, rule, suggestion, context.catalog, index, context.sourcePlatforms);
  // Whatever the model wrote is shown to people: it must not carry the key, even when the model echoes it.
  return {
    ...suggestion,
    candidates: checked.candidates.map((c) => ({ ...c, ...(c.reason !== undefined ? { reason: client.redact(c.reason) } : {}) })),
    rejected: checked.rejected.map((r) => ({ technique: client.redact(r.technique), reason: client.redact(r.reason) })),
  };
}

/** The offline suggestions unchanged when no --model is given; else the model's checked choices, and how many rules got
 * none because their call failed or was not made (the run stopped asking). */
export async function chooseWithModel(offline: RuleSuggestion[], context: SuggestContext, options: ModelOptions, attackVersion: string, io: Io, processEnv: NodeJS.ProcessEnv): Promise<{ suggestions: RuleSuggestion[]; ranker: string; failedCalls: number }> {
  if (!options.model) return { suggestions: offline, ranker: 'offline', failedCalls: 0 };
  const settings = llmSettings({ llmBaseUrl: options.llmBaseUrl, model: options.model }, processEnv);
  if (!settings) throw new UsageError('--model needs an endpoint', 'pass --llm-base-url (e.g. http://localhost:11434/v1), or set OPENAI_BASE_URL or OPENAI_API_KEY');
  const client = new ChatClient({ ...settings, timeoutMs: (options.llmTimeout ?? 120) * 1000, attempts: 4, backoffMs: Number(processEnv.ATTACK_COV_LLM_BACKOFF_MS ?? 1000) });
  const indexFor = indexCache(context);
  let failures = 0;
  let notAttempted = 0;
  let lastError = '';
  const suggestions = await pool(offline, options.concurrency ?? 2, async (suggestion) => {
    try {
      return await askModel(suggestion, context, client, attackVersion, indexFor);
    } catch (error) {
      if (!isAttackCovError(error)) throw error;
      const message = client.redact(error.message);
      // The run stopped asking (the key refused, the endpoint silent): said once below, not once per rule.
      if (error instanceof NotAttemptedError) notAttempted++;
      else {
        failures++;
        lastError = message;
        (io.errors ?? io.stderr)(`suggest "${escapeForTerminal(suggestion.rule)}": model error: ${escapeForTerminal(message)}\n`);
      }
      return { ...suggestion, candidates: [], rejected: [{ technique: '', reason: error instanceof NotAttemptedError ? message : `model error: ${message}` }] };
    }
  });
  const stopped = client.stopped && notAttempted > 0 ? `the run stopped after ${client.stopped.reason}: ${notAttempted} of ${offline.length} rules not attempted` : undefined;
  // Not one answer (the endpoint down, a wrong key or model): a run that says "0 with candidates" and exits 0
  // would pass in CI. Some answers: the rules whose call failed say so, each with its error.
  if (offline.length > 0 && failures + notAttempted === offline.length) {
    throw new LlmError(`every model call failed (${offline.length} of ${offline.length}${stopped ? `; ${stopped}` : ''}), the last with: ${lastError}`, 'check --llm-base-url, --model and OPENAI_API_KEY; without --model, suggest ranks offline');
  }
  if (stopped) (io.errors ?? io.stderr)(`suggest: ${stopped}; they are listed without candidates\n`);
  return { suggestions, ranker: `model ${settings.model}`, failedCalls: failures + notAttempted };
}
