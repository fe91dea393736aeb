// An OpenAI-compatible Chat Completions client on undici (OpenAI, gateways, Ollama's /v1, vLLM,
// llama.cpp's server): structured output with a fallback for servers without it, timeouts, retries
// with backoff on 429 and 5xx honouring Retry-After. The API key goes into one header and nowhere
// else: every error message is scrubbed of it.
import { LlmError, ModelAnswerError } from '../errors.js';
import { limits } from '../limits.js';
import { BodyTooLargeError, readBody } from '../net/body.js';
import { ACCEPT_ENCODING, contentCodings, decodeBody, UnsupportedEncodingError } from '../net/content-encoding.js';
import { parseRetryAfter, proxyDispatcher, undiciLib } from '../net/download.js';
import { splitCredentials } from '../net/url.js';
import { redactMessage } from '../secrets.js';
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
/** Errors about the request itself (a header value undici refuses, an unusable URL): the same request fails again. */
const UNSENDABLE = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'ERR_INVALID_URL', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN']);

export class ChatClient {
  /** Turned off for the rest of the run once the server refuses response_format. */
  isSchemaSupported = true;

  constructor(private readonly settings: LlmSettings) {}

  /** Removes the API key (and any registered credential) from any text that may be shown. */
  redact(text: string): string {
    return redactMessage(text, this.settings.apiKey);
  }

  /** The first `length` characters of `text`, redacted before the cut: a key across the cut would lose only its tail. */
  private excerpt(text: string, length: number): string {
    return this.redact(text).slice(0, length);
  }

  private fail(message: string, hint?: string): never {
    throw new LlmError(this.redact(message), hint && this.redact(hint));
  }

  private async post(body: object, timeoutMs: number): Promise<{ status: number; text: string; retryAfter?: number }> {
    const { request } = undiciLib();
    // user:password in the base URL goes as HTTP Basic authorization, unless an API key takes the header.
    const target = splitCredentials(chatCompletionsUrl(this.settings.baseUrl));
    const response = await request(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-encoding': ACCEPT_ENCODING, ...target.headers, ...(this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {}) },
      body: JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
      // Through the proxy the environment names (HTTPS_PROXY, NO_PROXY), as downloads go.
      ...(proxyDispatcher() ? { dispatcher: proxyDispatcher() } : {}),
    });
    const answer = await readBody(response.body, limits.maxLlmBodyBytes);
    // A gateway or proxy may compress the answer (undici's request() does not undo it).
    const text = decodeBody(answer, contentCodings(response.headers['content-encoding']), limits.maxLlmBodyBytes).toString('utf8');
    return { status: response.statusCode, text, retryAfter: parseRetryAfter(response.headers['retry-after']) };
  }

  /** One completion: the assistant message's text. */
  async complete(messages: ChatMessage[], schema: object): Promise<string> {
    let lastProblem = 'no attempt made';
    // The timeout is the deadline of the whole completion, every attempt and wait included (QA: 4 attempts of
    // 2 s each took 10.7 s; a Retry-After of 100,000 s made three 60-second sleeps).
    const started = Date.now();
    const left = (): number => this.settings.timeoutMs - (Date.now() - started);
    let isLate = false;
    for (let attempt = 1; attempt <= this.settings.attempts; attempt++) {
      // What this request sends, decided once: requests in flight at once each see their own refusal.
      const isSchemaSent = this.isSchemaSupported;
      const body = {
        model: this.settings.model,
        // Without structured output, the schema travels in the prompt instead.
        messages: isSchemaSent ? messages : [...messages, { role: 'system', content: `Reply with the JSON object only: no prose, no code fence. It must match this JSON schema: ${JSON.stringify(schema)}` }],
        temperature: 0.2,
        ...(isSchemaSent ? { response_format: { type: 'json_schema', json_schema: { name: 'falco_rule_draft', strict: true, schema } } } : {}),
      };
      let result: { status: number; text: string; retryAfter?: number };
      try {
        result = await this.post(body, Math.max(1, left()));
      } catch (error) {
        if (error instanceof BodyTooLargeError) this.fail(`the LLM endpoint's answer is larger than ${limits.maxLlmBodyBytes} bytes; refused`);
        if (error instanceof UnsupportedEncodingError) this.fail(`the LLM endpoint's answer cannot be read: ${error.message}`, 'check --llm-base-url (a proxy in between may encode answers)');
        // undici's codes are strings (ECONNREFUSED); a DOMException's numeric code (23 for a timeout) tells a user nothing.
        const err = error as { code?: unknown; message?: string };
        lastProblem = `${err.message ?? String(error)}${typeof err.code === 'string' ? ` (${err.code})` : ''}`;
        if (typeof err.code === 'string' && UNSENDABLE.has(err.code)) this.fail(`the LLM request cannot be sent: ${lastProblem}`, 'check --llm-base-url and OPENAI_API_KEY');
        const next = await this.wait(attempt, undefined, left(), lastProblem);
        if (next === 'retry') continue;
        isLate = next === 'late';
        break;
      }
      if (result.status === 200) return this.content(result.text);
      if (isSchemaSent && (result.status === 400 || result.status === 422) && /response_format|json_schema|structured/i.test(result.text)) {
        // The server lacks structured output: ask for JSON in the prompt instead, without spending an attempt.
        this.isSchemaSupported = false;
        attempt--;
        continue;
      }
      lastProblem = `HTTP ${result.status}: ${this.excerpt(result.text, 200)}`;
      if (!RETRYABLE.has(result.status)) {
        this.fail(`the LLM endpoint refused the request: ${lastProblem}`, result.status === 401 || result.status === 403 ? this.credentialsHint() : 'check --llm-base-url and --model');
      }
      const next = await this.wait(attempt, result.retryAfter, left(), lastProblem);
      if (next === 'retry') continue;
      isLate = next === 'late';
      break;
    }
    // Out of time: the next wait would end past the deadline.
    if (isLate) {
      const seconds = this.settings.timeoutMs / 1000;
      return this.fail(`the LLM endpoint gave no answer within ${seconds} s (--llm-timeout, every attempt included): ${lastProblem}`, 'raise --llm-timeout for a slow model, or check --llm-base-url');
    }
    return this.fail(`the LLM endpoint failed after ${this.settings.attempts} attempts: ${lastProblem}`, 'check --llm-base-url, or try again later');
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
    await new Promise((resolve) => setTimeout(resolve, delay));
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

/** `<base>/chat/completions`, appended to the base URL's path: its query (an Azure-style `?api-version=`, a gateway's
 * token) stays the query. */
export function chatCompletionsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/chat/completions`;
  return url.toString();
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
