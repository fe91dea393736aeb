// An OpenAI-compatible Chat Completions client on undici (OpenAI, gateways, Ollama's /v1, vLLM,
// llama.cpp's server): structured output with a fallback for servers without it, timeouts, retries
// with backoff on 429 and 5xx honouring Retry-After. The API key goes into one header and nowhere
// else: every error message is scrubbed of it. A run's client stops asking once no later request can succeed: after
// the endpoint refuses the credentials (401, 403), redirects (never followed), finds no such path or model (404) or
// refuses the model (a 400 or 422 saying so, as LiteLLM's proxy does), or after a few requests in a row without an
// answer (timeouts, no connection); the requests still in flight are abandoned, and every later complete() fails at
// once with NotAttemptedError.
import { setTimeout as sleep } from 'node:timers/promises';
import { LlmError, ModelAnswerError } from '../errors.js';
import { limits } from '../limits.js';
import { BodyTooLargeError, readBody } from '../net/body.js';
import { ACCEPT_ENCODING, contentCodings, decodeBody, UnsupportedEncodingError } from '../net/content-encoding.js';
import { parseRetryAfter, proxyDispatcher, undiciLib } from '../net/download.js';
import { splitCredentials } from '../net/url.js';
import { redactEchoes, redactMessage } from '../secrets.js';
import type { ChatMessage } from './prompt.js';

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per request: the deadline of the whole exchange, headers and body (a server trickling bytes fails too). */
  timeoutMs: number;
  /** Attempts per request, the first included. */
  attempts: number;
  backoffMs: number;
}

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);
/** Redirects: never followed (the key would travel to wherever they point). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Completions in a row that got no answer (a timeout, no connection) after which a run stops asking. */
export const NO_ANSWER_LIMIT = 3;

/** What a failed completion says about the next one: 'no-answer' when the endpoint gave none (a timeout, no
 * connection); 'answered' when it answered (an error status, an unusable body); for an answer no later request can
 * get past (the credentials refused, a redirect), why the run stops asking. */
type Failure = 'no-answer' | 'answered' | { stop: string };

/** A completion that failed at the endpoint, with what that says about the next one. */
class EndpointError extends LlmError {
  constructor(message: string, hint: string | undefined, readonly failure: Failure) {
    super(message, hint);
  }
}

/** A completion not asked for (or abandoned in flight) because the run stopped asking: see ChatClient.stopped. */
export class NotAttemptedError extends LlmError {}
/** Errors about the request itself (a header value undici refuses, an unusable URL): the same request fails again. */
const UNSENDABLE = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_URL', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN']);

export class ChatClient {
  /** Turned off for the rest of the run once the server refuses response_format. */
  isSchemaSupported = true;
  /** Why the run stopped asking (no later request could succeed), with the hint of the error that stopped it; unset
   * while it asks. */
  stopped: { reason: string; hint?: string } | undefined;
  /** Completions in a row that ended without an answer from the endpoint. */
  private noAnswerInARow = 0;
  /** Aborted when the run stops asking: the requests and waits in flight end at once. */
  private readonly halt = new AbortController();

  constructor(private readonly settings: LlmSettings) {}

  /** Removes the API key (and any registered credential) from any text that may be shown. */
  redact(text: string): string {
    return redactMessage(text, this.settings.apiKey);
  }

  /** The first `length` characters of `text`, redacted before the cut: a key across the cut would lose only its tail. */
  private excerpt(text: string, length: number): string {
    return this.redact(text).slice(0, length);
  }

  private fail(message: string, hint?: string, failure: Failure = 'answered'): never {
    throw new EndpointError(this.redact(message), hint && this.redact(hint), failure);
  }

  /** Stops asking for the rest of the run: later completions fail at once, those in flight are abandoned. */
  private stop(reason: string, hint: string | undefined): void {
    // Stryker disable next-line ConditionalExpression: every error that stops the run carries a hint (401/403, 404, a redirect, no answer), so the key is never left out
    this.stopped = { reason, ...(hint !== undefined ? { hint } : {}) };
    this.halt.abort();
  }

  private notAttempted(): NotAttemptedError {
    return new NotAttemptedError(`not attempted: the run stopped after ${this.stopped!.reason}`, this.stopped!.hint);
  }

  private async post(body: object, timeoutMs: number): Promise<{ status: number; text: string; retryAfter?: number; location?: string }> {
    const { request } = undiciLib();
    // user:password in the base URL goes as HTTP Basic authorization, unless an API key takes the header.
    const target = splitCredentials(chatCompletionsUrl(this.settings.baseUrl));
    const response = await request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-encoding': ACCEPT_ENCODING, ...target.headers, ...(this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {}) },
      body: JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), this.halt.signal]),
      // Through the proxy the environment names (HTTPS_PROXY, NO_PROXY), as downloads go.
      ...(proxyDispatcher() ? { dispatcher: proxyDispatcher() } : {}),
    });
    const answer = await readBody(response.body, limits.maxLlmBodyBytes);
    // A gateway or proxy may compress the answer (undici's request() does not undo it).
    // The key in any form the server may echo it in (base64, hex, another case …) goes here, before anything reads it.
    const text = redactEchoes(decodeBody(answer, contentCodings(response.headers['content-encoding']), limits.maxLlmBodyBytes).toString('utf8'), this.settings.apiKey);
    const location = response.headers.location;
    return { status: response.statusCode, text, retryAfter: parseRetryAfter(response.headers['retry-after']), ...(typeof location === 'string' ? { location } : {}) };
  }

  /** One completion: the assistant message's text. Once the run stopped asking (stopped), a NotAttemptedError at once;
   * a completion in flight when it stopped (by another's failure) ends with one too. */
  async complete(messages: ChatMessage[], schema: object): Promise<string> {
    // Stryker disable next-line ConditionalExpression: without it the first attempt's own check (below, before any request) throws the same NotAttemptedError
    if (this.stopped) throw this.notAttempted();
    try {
      const content = await this.completeOnce(messages, schema);
      this.noAnswerInARow = 0;
      return content;
    } catch (error) {
      if (this.stopped) throw this.notAttempted();
      const failure = error instanceof EndpointError ? error.failure : 'answered';
      if (typeof failure === 'object') this.stop(failure.stop, (error as EndpointError).hint);
      else if (failure === 'answered') this.noAnswerInARow = 0;
      else if (++this.noAnswerInARow >= NO_ANSWER_LIMIT) this.stop(`${NO_ANSWER_LIMIT} requests in a row got no answer from the LLM endpoint`, (error as EndpointError).hint);
      throw error;
    }
  }

  private async completeOnce(messages: ChatMessage[], schema: object): Promise<string> {
    let lastProblem = 'no attempt made';
    /** Whether the last attempt got no answer: no connection, a reset, a timeout, or a gateway's 408 or 504 (its own
     * timeout behind it), rather than an answer of the endpoint. */
    let isLastUnanswered = false;
    // The timeout is the deadline of the whole completion, every attempt and wait included (QA: 4 attempts of
    // 2 s each took 10.7 s; a Retry-After of 100,000 s made three 60-second sleeps).
    const started = Date.now();
    const left = (): number => this.settings.timeoutMs - (Date.now() - started);
    let isLate = false;
    for (let attempt = 1; attempt <= this.settings.attempts; attempt++) {
      if (this.stopped) throw this.notAttempted();
      // What this request sends, decided once: requests in flight at once each see their own refusal.
      const isSchemaSent = this.isSchemaSupported;
      const body = {
        model: this.settings.model,
        // Without structured output, the schema travels in the prompt instead.
        messages: isSchemaSent ? messages : [...messages, { role: 'system', content: `Reply with the JSON object only: no prose, no code fence. It must match this JSON schema: ${JSON.stringify(schema)}` }],
        temperature: 0.2,
        ...(isSchemaSent ? { response_format: { type: 'json_schema', json_schema: { name: 'falco_rule_draft', strict: true, schema } } } : {}),
      };
      let result: { status: number; text: string; retryAfter?: number; location?: string };
      try {
        result = await this.post(body, Math.max(1, left()));
      } catch (error) {
        if (error instanceof BodyTooLargeError) this.fail(`the LLM endpoint's answer is larger than ${limits.maxLlmBodyBytes} bytes; refused`);
        if (error instanceof UnsupportedEncodingError) this.fail(`the LLM endpoint's answer cannot be read: ${error.message}`, 'check --llm-base-url (a proxy in between may encode answers)');
        // undici's codes are strings (ECONNREFUSED); a DOMException's numeric code (23 for a timeout) tells a user nothing.
        const err = error as { code?: unknown; message?: string };
        lastProblem = `${err.message ?? String(error)}${typeof err.code === 'string' ? ` (${err.code})` : ''}`;
        isLastUnanswered = true;
        if (typeof err.code === 'string' && UNSENDABLE.has(err.code)) this.fail(`the LLM request cannot be sent: ${lastProblem}`, 'check --llm-base-url and OPENAI_API_KEY');
        const next = await this.wait(attempt, undefined, left(), lastProblem);
        if (next === 'retry') continue;
        isLate = next === 'late';
        break;
      }
      if (result.status === 200 && !isCutShort(result.text)) return this.content(result.text);
      if (result.status === 200) {
        // An answer that stops inside its JSON lost its end on the way (a connection closed early with no length to
        // tell it by): retried as a connection that failed is, where it read as "not JSON" and was not (QA).
        lastProblem = `the answer was cut off before its end: ${this.excerpt(result.text.slice(-60), 60)}`;
        isLastUnanswered = true;
        const next = await this.wait(attempt, undefined, left(), lastProblem);
        if (next === 'retry') continue;
        isLate = next === 'late';
        break;
      }
      if (isSchemaSent && (result.status === 400 || result.status === 422) && /response_format|json_schema|structured/i.test(result.text)) {
        // The server lacks structured output: ask for JSON in the prompt instead, without spending an attempt.
        this.isSchemaSupported = false;
        attempt--;
        continue;
      }
      lastProblem = `HTTP ${result.status}: ${this.excerpt(result.text, 200)}`;
      isLastUnanswered = result.status === 408 || result.status === 504;
      if (REDIRECTS.has(result.status)) this.failRedirect(result.status, result.location);
      if (result.status === 404) this.failNotFound(result.text);
      if ((result.status === 400 || result.status === 422) && refusesModel(result.text, this.settings.model)) this.failModel(result.status, result.text);
      const isCredentials = result.status === 401 || result.status === 403;
      if (isCredentials && deniesModelAccess(result.text)) this.failModelAccess(result.status, result.text);
      if (!RETRYABLE.has(result.status)) {
        // Refused credentials are refused for every later request too.
        this.fail(`the LLM endpoint refused the request: ${lastProblem}`, isCredentials ? this.credentialsHint() : 'check --llm-base-url and --model', isCredentials ? { stop: `the LLM endpoint refused the credentials (HTTP ${result.status})` } : 'answered');
      }
      const next = await this.wait(attempt, result.retryAfter, left(), lastProblem);
      if (next === 'retry') continue;
      isLate = next === 'late';
      break;
    }
    // Out of time: the next wait would end past the deadline.
    if (isLate) {
      const seconds = this.settings.timeoutMs / 1000;
      return this.fail(`the LLM endpoint gave no answer within ${seconds} s (--llm-timeout, every attempt included): ${lastProblem}`, 'raise --llm-timeout for a slow model, or check --llm-base-url', isLastUnanswered ? 'no-answer' : 'answered');
    }
    return this.fail(`the LLM endpoint failed after ${this.settings.attempts} ${this.settings.attempts === 1 ? 'request' : 'requests'}: ${lastProblem}`, 'check --llm-base-url, or try again later', isLastUnanswered ? 'no-answer' : 'answered');
  }

  /** A redirect, said as one: where to (its origin and path; never its user:password or query), that it is not
   * followed (the key would go along to wherever it points), and that the base URL should be its target. */
  private failRedirect(status: number, location: string | undefined): never {
    const target = redirectTarget(location, chatCompletionsUrl(this.settings.baseUrl));
    // Every later request is sent to the same URL, and redirected alike.
    const stop = { stop: `the LLM endpoint redirected the request (HTTP ${status})` };
    if (!target) return this.fail(`the LLM endpoint answered HTTP ${status}, a redirect${location === undefined ? ' without a Location' : ' to a Location that is no http(s) URL'}; attack-cov does not follow redirects`, 'check --llm-base-url', stop);
    return this.fail(`the LLM endpoint answered HTTP ${status}, a redirect to ${target}; attack-cov does not follow redirects (the key would go along)`, redirectHint(this.settings.baseUrl, target), stop);
  }

  /** A 404, said as one: to which URL (its origin and path; never its user:password or query), and the two causes it
   * has. A wrong base URL path answers 404 everywhere; so does a model the server does not have at OpenAI
   * (model_not_found), Ollama ("not found, try pulling it first") and vLLM (NotFoundError). Every later request goes
   * to the same URL with the same model. */
  private failNotFound(body: string): never {
    const url = endpointShown(this.settings.baseUrl, 'chat/completions');
    const stop = { stop: `the LLM endpoint answered HTTP 404 (not found) for ${url}` };
    const hint = `no such path or no such model there: check --llm-base-url (the API's base, to which attack-cov adds /chat/completions, e.g. http://localhost:11434/v1) and the model name, ${JSON.stringify(this.settings.model)} (--model or OPENAI_MODEL)`;
    const said = this.excerpt(body, 200);
    return this.fail(said.trim() ? `${stop.stop}: ${said}` : stop.stop, hint, stop);
  }

  /** A 400 or 422 that refuses the model (LiteLLM's proxy answers so where OpenAI answers 404): every later request
   * names the same model. */
  private failModel(status: number, body: string): never {
    const stop = { stop: `the LLM endpoint refused the model ${JSON.stringify(this.settings.model)} (HTTP ${status})` };
    const hint = `check the model name (--model or OPENAI_MODEL): a gateway serves the names it lists at ${endpointShown(this.settings.baseUrl, 'models')}`;
    // refusesModel found words or fields in it: the body is never blank here.
    return this.fail(`${stop.stop}: ${this.excerpt(body, 200)}`, hint, stop);
  }

  /** A 401 or 403 that refuses these credentials this model (LiteLLM's key_model_access_denied and its team, user and
   * organisation kin; a provider's project without access): the key is good, and asking for another model may do. Every
   * later request sends the same key and model. */
  private failModelAccess(status: number, body: string): never {
    const model = JSON.stringify(this.settings.model);
    const stop = { stop: `the LLM endpoint refused these credentials the model ${model} (HTTP ${status})` };
    const hint = `these credentials may use only some models: choose one the endpoint lists for them at ${endpointShown(this.settings.baseUrl, 'models')} (--model or OPENAI_MODEL), or ask for access to ${model}`;
    // deniesModelAccess found a field or words in it: the body is never blank here.
    return this.fail(`${stop.stop}: ${this.excerpt(body, 200)}`, hint, stop);
  }

  /** Waits before the next attempt: 'retry' after the wait; 'last' after the last attempt; 'late' when the wait would
   * end past the deadline, `leftMs` from now (a Retry-After past it fails at once, rather than sleeping). */
  private async wait(attempt: number, retryAfterMs: number | undefined, leftMs: number, problem: string): Promise<'retry' | 'last' | 'late'> {
    if (attempt >= this.settings.attempts) return 'last';
    const delay = retryAfterMs ?? this.settings.backoffMs * 2 ** (attempt - 1);
    if (delay >= leftMs) {
      if (retryAfterMs !== undefined) this.fail(`the LLM endpoint asks to retry after ${Math.ceil(retryAfterMs / 1000)} s, past the ${this.settings.timeoutMs / 1000} s of --llm-timeout: ${problem}`, 'try again later, or raise --llm-timeout');
      return 'late';
    }
    // Cut short when the run stops asking: the next attempt then fails at once.
    await sleep(delay, undefined, { signal: this.halt.signal }).catch(() => undefined);
    return 'retry';
  }

  /** Where the refused credentials came from: the key, the user:password of the base URL, or none given. */
  private credentialsHint(): string {
    if (this.settings.apiKey) return 'check OPENAI_API_KEY';
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(this.settings.baseUrl)) return 'check the user:password in --llm-base-url (or set OPENAI_API_KEY if the endpoint wants a key)';
    return 'the endpoint wants credentials: set OPENAI_API_KEY';
  }

  private content(text: string): string {
    let parsed: { choices?: { message?: { content?: unknown } }[] } | null;
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return this.fail(`the LLM endpoint answered with something that is not JSON: ${this.excerpt(text, 120)}`);
    }
    // JSON that is no object (null, a number, a string, a list) has no choices either.
    const content = parsed?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') this.fail('the LLM endpoint answered without choices[0].message.content');
    // A rule is a few hundred characters; an answer past the bound is refused, and never sent back in a repair.
    if (content.length > limits.maxLlmAnswerChars) {
      throw new ModelAnswerError(`the model's answer is ${content.length} characters, more than the ${limits.maxLlmAnswerChars} attack-cov accepts; refused`, 'try another model, or a lower temperature');
    }
    return content;
  }
}

/** Whether `text` is a JSON object cut off before its end: JSON.parse fails at its very end, or inside a string that
 * never closes. Any other failure is a body that is no JSON (content says so). */
export function isCutShort(text: string): boolean {
  if (!text.trimStart().startsWith('{')) return false;
  try {
    JSON.parse(text);
    return false;
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    return /end of JSON input|Unterminated string/.test(message) || (at !== null && Number(at[1]) >= text.trimEnd().length);
  }
}

/** Where a redirect points, as it may be shown: resolved against the request's URL, its origin and path only (no
 * user:password, query or fragment: a token may be in them), the path cut at 200 characters; undefined when the
 * Location is missing or no http(s) URL. */
export function redirectTarget(location: string | undefined, requestUrl: string): string | undefined {
  if (location === undefined || !URL.canParse(location, requestUrl)) return undefined;
  const url = new URL(location, requestUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return originAndPath(url);
}

/** A URL as an error may show it: its origin and path (cut at 200 characters), without user:password, query or fragment. */
function originAndPath(url: URL): string {
  return `${url.protocol}//${url.host}${cutPath(url.pathname)}`;
}

/** A UTF-8 lead byte's escape at the end, without the escapes of every continuation byte it needs (%C3 of %C3%A9, é). */
const PART_OF_CHARACTER = /%(?:[CDcd][0-9A-Fa-f]|[Ee][0-9A-Fa-f](?:%[89ABab][0-9A-Fa-f])?|[Ff][0-7](?:%[89ABab][0-9A-Fa-f]){0,2})$/;

/** A URL's path cut at 200 characters, never inside a character's escapes: a cut one would read as another. */
function cutPath(path: string): string {
  return path.length > 200 ? path.slice(0, 200).replace(/%[0-9A-Fa-f]?$/, '').replace(PART_OF_CHARACTER, '') : path;
}

/** `<base>/<endpoint>` as a hint may show it: the base's origin and path, its path cut at 200 characters (and said to
 * be, with an ellipsis) before the endpoint is added, so that a long base path never cuts the endpoint off. */
function endpointShown(baseUrl: string, endpoint: string): string {
  const url = new URL(baseUrl);
  const base = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${base.length > 200 ? `${cutPath(base)}…` : base}/${endpoint}`;
}

/** What to set the base URL to after a redirect of its chat/completions request to `target` (as redirectTarget shows it). */
export function redirectHint(baseUrl: string, target: string): string {
  const base = target.endsWith('/chat/completions') ? target.slice(0, -'/chat/completions'.length) : undefined;
  if (!base) return `set --llm-base-url (or OPENAI_BASE_URL) to where the endpoint is: the redirect goes to ${target}, which is no chat/completions path`;
  // The scheme as parsed: "http:" further on (https://host/http:/v1) is path, not scheme.
  const isUpgrade = new URL(baseUrl).protocol === 'http:' && target.startsWith('https:');
  return `set --llm-base-url (or OPENAI_BASE_URL) to the redirect's target, ${base}${isUpgrade ? ' (https, not http)' : ''}`;
}

/** `<base>/chat/completions`, appended to the base URL's path: its query (an Azure-style `?api-version=`, a gateway's
 * token) stays the query. */
export function chatCompletionsUrl(baseUrl: string): string {
  return endpointUrl(baseUrl, 'chat/completions');
}

function endpointUrl(baseUrl: string, endpoint: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${endpoint}`;
  return url.toString();
}

/** What gateways and providers say of a model they do not serve, in an error's message: LiteLLM's proxy ("Invalid
 * model name passed in model=…", "There is no 'model_name' with this string", "LLM Provider NOT provided"), Mistral
 * ("Invalid model: …"), DeepSeek ("Model Not Exist"), OpenRouter ("… is not a valid model ID"). */
const UNKNOWN_MODEL = /invalid model name|there is no 'model_name'|llm provider not provided|\binvalid model:|model not exist|is not a valid model id/i;
/** Error codes and types that refuse the model itself (OpenAI, Groq, Hugging Face's router, Mistral). */
const MODEL_CODES = new Set(['model_not_found', 'model_not_supported', 'model_not_available', 'model_decommissioned', 'unsupported_model', 'invalid_model']);
/** Where LiteLLM appends what a fallback to another model group said, under the first group's status. */
const FALLBACK = /received model group=|error doing the fallback/i;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** What an error body says: its error object (OpenAI's `{"error": …}`, or Mistral's at the top level), none when it is
 * no JSON object; and its message, the whole body when there is no message to read. Only the message is read as words,
 * never the rest of a JSON body (a server may echo the request there, prompt included), and only the part before what a
 * LiteLLM fallback to another model said. */
function errorOf(body: string): { error?: Record<string, unknown>; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // Not JSON: the whole body is the message.
  }
  if (!isRecord(parsed)) return { message: body.split(FALLBACK)[0]! };
  const error = isRecord(parsed.error) ? parsed.error : parsed;
  const said = typeof parsed.error === 'string' ? parsed.error : error.message;
  // LiteLLM has sent its message as an object ({"error": "… Invalid model name …"}): its text then.
  const message = typeof said === 'string' ? said : JSON.stringify(said ?? null);
  return { error, message: message.split(FALLBACK)[0]! };
}

/** Whether `error`'s code or type is one of `codes`, or its param names the model. */
const isAboutModel = (error: Record<string, unknown> | undefined, codes: (code: string) => boolean): boolean =>
  error !== undefined && (codes(String(error.code)) || codes(String(error.type)) || error.param === 'model');

/**
 * Whether a 400 or 422 body refuses `model` itself, rather than one request: an error object whose code or type is a
 * MODEL_CODES one or whose param is the model, or an error message (errorOf) in UNKNOWN_MODEL's words; a message that
 * names models (`model=…`) must name this one among them.
 */
export function refusesModel(body: string, model: string): boolean {
  const { error, message } = errorOf(body);
  if (isAboutModel(error, (code) => MODEL_CODES.has(code))) return true;
  // LiteLLM writes the name up to a quote, a blank or a comma, a sentence's full stop after it (`model=gpt-4.1. Call`).
  const named = [...message.matchAll(/model=([^\s'",]+)/g)].map((match) => match[1]!);
  return UNKNOWN_MODEL.test(message) && (named.length === 0 || named.some((name) => name === model || name === `${model}.`));
}

/** A model refused to valid credentials: LiteLLM's proxy refusing a key, team, user or organisation a model
 * (ProxyErrorTypes: 401 or 403 by version); Groq's model blocked for the project or the organisation. */
const MODEL_ACCESS_TYPE = /^(?:(?:key|team|user|org)_model_access_denied|model_permission_blocked_(?:project|org))$/;
/** The same in words: LiteLLM ("key not allowed to access model"), OpenAI ("Project `…` does not have access to model"),
 * Amazon Bedrock through a gateway ("You don't have access to the model with the specified model ID"). Not GitHub
 * Models' "No access to model", which it answers for every model to a token without models:read: a key problem. */
const MODEL_ACCESS_WORDS = /not allowed to access model|does not have access to model|don't have access to the model with the specified model id/i;

/**
 * Whether a 401 or 403 body refuses the credentials one model rather than every request: an error object whose code or
 * type is a model-access one (MODEL_ACCESS_TYPE) or a MODEL_CODES one, or whose param is the model; or an error message
 * (errorOf) in MODEL_ACCESS_WORDS.
 */
export function deniesModelAccess(body: string): boolean {
  const { error, message } = errorOf(body);
  return isAboutModel(error, (code) => MODEL_ACCESS_TYPE.test(code) || MODEL_CODES.has(code)) || MODEL_ACCESS_WORDS.test(message);
}

/** The model's JSON, from plain JSON or JSON inside a code fence or prose; a sentence when it is not there. */
export function extractJson(content: string): { value: unknown } | { error: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(content)?.[1];
  // Without a fence, the content is tried twice; a blank candidate simply fails to parse.
  for (const candidate of [content, fenced ?? content, content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1)]) {
    try {
      return { value: JSON.parse(candidate) };
    } catch {
      // try the next way of finding it
    }
  }
  // Redacted before the cut: a key across the cut would lose only its tail.
  return { error: `the answer is not a JSON object: ${redactMessage(content).slice(0, 80).replace(/\s+/g, ' ')}…` };
}
