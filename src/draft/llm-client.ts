// An OpenAI-compatible Chat Completions client on undici (OpenAI, gateways, Ollama's /v1, vLLM,
// llama.cpp's server): structured output with a fallback for servers without it, timeouts, retries
// with backoff on 429 and 5xx honouring Retry-After. The API key goes into one header and nowhere
// else: every error message is scrubbed of it.
import { LlmError } from '../errors.js';
import { parseRetryAfter } from '../net/download.js';
import type { ChatMessage } from './prompt.js';

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per request: headers, and the gap between body chunks. */
  timeoutMs: number;
  /** Attempts per request, the first included. */
  attempts: number;
  backoffMs: number;
}

const RETRYABLE = new Set([408, 409, 429, 500, 502, 503, 504]);

export class ChatClient {
  /** Turned off for the rest of the run once the server refuses response_format. */
  isSchemaSupported = true;

  constructor(private readonly settings: LlmSettings) {}

  /** Removes the API key from any text that may be shown. */
  redact(text: string): string {
    const key = this.settings.apiKey;
    return key && key.length >= 4 ? text.split(key).join('[redacted]') : text;
  }

  private fail(message: string, hint?: string): never {
    throw new LlmError(this.redact(message), hint && this.redact(hint));
  }

  private async post(body: object): Promise<{ status: number; text: string; retryAfter?: number }> {
    const { request } = await import('undici');
    const url = `${this.settings.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {}) },
      body: JSON.stringify(body),
      headersTimeout: this.settings.timeoutMs,
      bodyTimeout: this.settings.timeoutMs,
    });
    const text = await response.body.text();
    return { status: response.statusCode, text, retryAfter: parseRetryAfter(response.headers['retry-after']) };
  }

  /** One completion: the assistant message's text. */
  async complete(messages: ChatMessage[], schema: object): Promise<string> {
    let lastProblem = 'no attempt made';
    for (let attempt = 1; attempt <= this.settings.attempts; attempt++) {
      const body = {
        model: this.settings.model,
        // Without structured output, the schema travels in the prompt instead.
        messages: this.isSchemaSupported ? messages : [...messages, { role: 'system', content: `Reply with the JSON object only: no prose, no code fence. It must match this JSON schema: ${JSON.stringify(schema)}` }],
        temperature: 0.2,
        ...(this.isSchemaSupported ? { response_format: { type: 'json_schema', json_schema: { name: 'falco_rule_draft', strict: true, schema } } } : {}),
      };
      let result: { status: number; text: string; retryAfter?: number };
      try {
        result = await this.post(body);
      } catch (error) {
        const err = error as { code?: string; message?: string };
        lastProblem = `${err.message ?? String(error)}${err.code ? ` (${err.code})` : ''}`;
        await this.wait(attempt);
        continue;
      }
      if (result.status === 200) return this.content(result.text);
      if (this.isSchemaSupported && (result.status === 400 || result.status === 422) && /response_format|json_schema|structured/i.test(result.text)) {
        // The server lacks structured output: ask for JSON in the prompt instead, without spending an attempt.
        this.isSchemaSupported = false;
        attempt--;
        continue;
      }
      lastProblem = `HTTP ${result.status}: ${result.text.slice(0, 200)}`;
      if (!RETRYABLE.has(result.status)) {
        this.fail(`the LLM endpoint refused the request: ${lastProblem}`, result.status === 401 || result.status === 403 ? 'check OPENAI_API_KEY' : 'check --llm-base-url and --model');
      }
      await this.wait(attempt, result.retryAfter);
    }
    return this.fail(`the LLM endpoint failed after ${this.settings.attempts} attempts: ${lastProblem}`, 'check --llm-base-url, or try again later');
  }

  private async wait(attempt: number, retryAfterMs?: number): Promise<void> {
    if (attempt >= this.settings.attempts) return;
    const delay = retryAfterMs ?? this.settings.backoffMs * 2 ** (attempt - 1);
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, 60_000)));
  }

  private content(text: string): string {
    let parsed: { choices?: { message?: { content?: unknown } }[] };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      return this.fail(`the LLM endpoint answered with something that is not JSON: ${text.slice(0, 120)}`);
    }
    const content = parsed.choices?.[0]?.message?.content;
    if (typeof content !== 'string') this.fail('the LLM endpoint answered without choices[0].message.content');
    return content;
  }
}

/** The model's JSON, from plain JSON or JSON inside a code fence or prose; a sentence when it is not there. */
export function extractJson(content: string): { value: unknown } | { error: string } {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(content)?.[1];
  const candidates = [content, fenced, content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1)].filter((c): c is string => !!c && c.trim().length > 0);
  for (const candidate of candidates) {
    try {
      return { value: JSON.parse(candidate) };
    } catch {
      // try the next way of finding it
    }
  }
  return { error: `the answer is not a JSON object: ${content.slice(0, 80).replace(/\s+/g, ' ')}…` };
}
