// src/draft/llm-client.ts against a real Chat Completions endpoint on 127.0.0.1 whose answers each test
// scripts call by call: what is sent (URL, headers, body, with and without structured output), which answers
// are retried and after how long (the gaps between the requests the server sees), what is refused at once,
// and that the API key never appears in an error. Delays are a few hundred milliseconds at most.
import type http from 'node:http';
import { brotliCompressSync, deflateRawSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChatClient, extractJson, NotAttemptedError, redirectHint, redirectTarget, type LlmSettings, isCutShort } from '../../../src/draft/llm-client.js';
import { LlmError } from '../../../src/errors.js';
import { DEFAULT_LIMITS, limits } from '../../../src/limits.js';
import { startServer, type TestServer } from '../../helpers/http-server.js';
import { startProxy } from '../../helpers/proxy-server.js';

interface Seen {
  at: number;
  method?: string;
  headers: http.IncomingHttpHeaders;
  body: { model: string; messages: { role: string; content: string }[]; temperature: number; response_format?: unknown };
}
type Answer = { status: number; body: string | Buffer; headers?: Record<string, string> } | 'hang' | 'reset';

const KEY = 'sk-test-key-0123456789';
const MESSAGES = [{ role: 'system' as const, content: 'You write Falco rules.' }, { role: 'user' as const, content: 'T1529' }];
const SCHEMA = { type: 'object', properties: { rule: { type: 'string' } } };
const completion = (content: unknown) => JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] });
const ok = (content: unknown = '{"rule":"r"}'): Answer => ({ status: 200, body: completion(content) });

let server: TestServer;
let script: Answer[] = [];
let seen: Seen[] = [];

beforeAll(async () => {
  server = await startServer({
    '/v1/chat/completions': (req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        seen.push({ at: Date.now(), method: req.method, headers: req.headers, body: JSON.parse(text) as Seen['body'] });
        const answer = script.shift() ?? ok();
        if (answer === 'hang') return;
        if (answer === 'reset') return void req.socket.destroy();
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body);
      });
    },
  });
});
afterAll(() => server.close());
afterEach(() => {
  script = [];
  seen = [];
  Object.assign(limits, DEFAULT_LIMITS);
});

const client = (settings: Partial<LlmSettings> = {}) =>
  new ChatClient({ baseUrl: server.url('/v1'), model: 'm', apiKey: KEY, timeoutMs: 2_000, attempts: 3, backoffMs: 5, ...settings });
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as LlmError);
const gaps = () => seen.slice(1).map((s, i) => s.at - seen[i]!.at);

/** That one answer of `status` and `body` fails its completion with `reason` and the body (cut at 200 characters) and
 * `hint`, stops the run with them, and that nothing is asked after it: not retried, a later completion not attempted. */
async function expectStop(status: number, body: string, reason: string, hint: string): Promise<void> {
  seen = [];
  script = [{ status, body }, ok(), ok()];
  const chat = client();
  const refused = await failure(chat.complete(MESSAGES, SCHEMA));
  expect(refused).not.toBeInstanceOf(NotAttemptedError);
  expect(refused?.message).toBe(`${reason}: ${body.slice(0, 200)}`);
  expect(refused?.hint).toBe(hint);
  expect(chat.stopped).toEqual({ reason, hint });
  expect(await failure(chat.complete(MESSAGES, SCHEMA))).toBeInstanceOf(NotAttemptedError);
  expect(seen).toHaveLength(1);
}

describe('ChatClient.complete: the request', () => {
  it('posts the messages with structured output to <base>/chat/completions, the key in the authorization header only', async () => {
    script = [ok('{"rule":"x"}')];
    await expect(client({ baseUrl: `${server.url('/v1')}//` }).complete(MESSAGES, SCHEMA)).resolves.toBe('{"rule":"x"}');
    expect(seen).toHaveLength(1);
    const [{ method, headers, body }] = seen as [Seen];
    expect(method).toBe('POST');
    expect(headers).toMatchObject({ 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${KEY}` });
    expect(body).toEqual({ model: 'm', messages: MESSAGES, temperature: 0.2, response_format: { type: 'json_schema', json_schema: { name: 'falco_rule_draft', strict: true, schema: SCHEMA } } });
  });

  it('sends user:password of the base URL as HTTP Basic authorization without a key; the key takes the header when there is one', async () => {
    const base = server.url('/v1').replace('http://', 'http://llmuser:pa%24%24word@');
    await client({ baseUrl: base, apiKey: undefined }).complete(MESSAGES, SCHEMA);
    await client({ baseUrl: base }).complete(MESSAGES, SCHEMA);
    expect(seen.map((s) => s.headers.authorization)).toEqual([`Basic ${Buffer.from('llmuser:pa$$word').toString('base64')}`, `Bearer ${KEY}`]);
  });

  it('sends no authorization header without a key', async () => {
    await client({ apiKey: undefined }).complete(MESSAGES, SCHEMA);
    expect(seen[0]!.headers.authorization).toBeUndefined();
  });

  it('falls back to the schema in the prompt when the server refuses response_format, without spending an attempt, for the rest of the run', async () => {
    script = [{ status: 400, body: '{"error":{"message":"response_format json_schema is not supported"}}' }, ok('{"rule":"y"}'), ok('{"rule":"z"}')];
    const chat = client({ attempts: 1 });
    await expect(chat.complete(MESSAGES, SCHEMA)).resolves.toBe('{"rule":"y"}');
    expect(chat.isSchemaSupported).toBe(false);
    expect(seen[1]!.body.response_format).toBeUndefined();
    expect(seen[1]!.body.messages).toEqual([...MESSAGES, { role: 'system', content: `Reply with the JSON object only: no prose, no code fence. It must match this JSON schema: ${JSON.stringify(SCHEMA)}` }]);
    await chat.complete(MESSAGES, SCHEMA);
    expect(seen[2]!.body.response_format).toBeUndefined();
  });

  it('refuses at once a 400 that names response_format when the request carried none, and a 404 that names it', async () => {
    script = [{ status: 400, body: 'response_format missing' }, { status: 400, body: 'bad response_format' }];
    const chat = client();
    chat.isSchemaSupported = false;
    const error = await failure(chat.complete(MESSAGES, SCHEMA));
    expect(error?.message).toBe('the LLM endpoint refused the request: HTTP 400: response_format missing');
    expect(seen).toHaveLength(1);
    seen = [];
    script = [{ status: 404, body: 'no route for json_schema' }];
    const notFound = await failure(client().complete(MESSAGES, SCHEMA));
    expect(notFound?.message).toBe(`the LLM endpoint answered HTTP 404 (not found) for ${server.url('/v1/chat/completions')}: no route for json_schema`);
    expect(seen.map((s) => s.body.response_format === undefined)).toEqual([false]);
  });

  it('recognises the refusal as 422 and by the word "structured" too', async () => {
    script = [{ status: 422, body: 'Structured outputs are unavailable' }, ok()];
    await client({ attempts: 1 }).complete(MESSAGES, SCHEMA);
    expect(seen.map((s) => s.body.response_format === undefined)).toEqual([false, true]);
  });
});

describe('ChatClient.complete: retries', () => {
  it('retries 408, 409, 429, 500, 502, 503 and 504', async () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504]) {
      seen = [];
      script = [{ status, body: 'busy' }, ok('{"rule":"after"}')];
      await expect(client().complete(MESSAGES, SCHEMA)).resolves.toBe('{"rule":"after"}');
      expect(seen).toHaveLength(2);
    }
  });

  it('backs off exponentially: backoff, then twice as long', async () => {
    script = [{ status: 500, body: 'x' }, { status: 500, body: 'x' }, ok()];
    await client({ backoffMs: 250 }).complete(MESSAGES, SCHEMA);
    const [first, second] = gaps() as [number, number];
    // Exact lower bounds; the only upper bound is far from what a doubled start (1 s) would give, as a loaded
    // machine stretches every gap.
    expect(first).toBeGreaterThanOrEqual(240);
    expect(first).toBeLessThan(900);
    expect(second).toBeGreaterThanOrEqual(490);
  });

  it('waits what Retry-After says instead, and not at all for Retry-After: 0', async () => {
    script = [{ status: 429, body: 'slow down', headers: { 'retry-after': '0.4' } }, ok()];
    await client({ backoffMs: 5 }).complete(MESSAGES, SCHEMA);
    expect(gaps()[0]).toBeGreaterThanOrEqual(390);
    seen = [];
    script = [{ status: 429, body: 'slow down', headers: { 'retry-after': '0' } }, ok()];
    const started = Date.now();
    await client({ backoffMs: 5_000 }).complete(MESSAGES, SCHEMA);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('takes a negative Retry-After for none: the normal backoff, not no wait at all', async () => {
    script = [{ status: 429, body: 'slow down', headers: { 'retry-after': '-30' } }, ok()];
    await client({ backoffMs: 300 }).complete(MESSAGES, SCHEMA);
    expect(gaps()[0]).toBeGreaterThanOrEqual(290);
  });

  it('gives up after the attempts asked for, without waiting after the last, naming the last answer (cut to 200 characters)', async () => {
    const long = `overloaded ${'x'.repeat(300)}`;
    script = [{ status: 503, body: long }, { status: 503, body: long }, { status: 503, body: long }];
    const started = Date.now();
    const error = await failure(client({ attempts: 2, backoffMs: 500 }).complete(MESSAGES, SCHEMA));
    // One wait (500 ms) between the attempts; a wait after the last would add 1 s.
    expect(Date.now() - started).toBeLessThan(1_300);
    expect(seen).toHaveLength(2);
    expect(error).toBeInstanceOf(LlmError);
    expect(error?.message).toBe(`the LLM endpoint failed after 2 requests: HTTP 503: ${long.slice(0, 200)}`);
    expect(error?.hint).toBe('check --llm-base-url, or try again later');
  });

  it('the timeout is the deadline of the whole completion: a hang spends it, no retry follows, and the error says so', async () => {
    script = ['hang', 'hang'];
    const started = Date.now();
    const error = await failure(client({ attempts: 2, timeoutMs: 200 }).complete(MESSAGES, SCHEMA));
    expect(seen).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(3_000);
    // Whichever fires first, the request deadline or undici's headers timeout; a DOMException's numeric code is not shown.
    expect(error?.message).toMatch(/^the LLM endpoint gave no answer within 0\.2 s \(--llm-timeout, every attempt included\): (The operation was aborted due to timeout|Headers Timeout Error \(UND_ERR_HEADERS_TIMEOUT\))$/);
    expect(error?.hint).toBe('raise --llm-timeout for a slow model, or check --llm-base-url');
  });

  it('retries within the deadline, and fails at once on a Retry-After that ends past it (QA: three 60-second sleeps)', async () => {
    script = [{ status: 503, body: 'busy' }, ok('{"rule":"x"}')];
    expect(await client({ attempts: 2, timeoutMs: 5_000 }).complete(MESSAGES, SCHEMA)).toBe('{"rule":"x"}');
    script = [{ status: 503, body: 'busy', headers: { 'retry-after': '100000' } }];
    const started = Date.now();
    const error = await failure(client({ attempts: 4, timeoutMs: 5_000 }).complete(MESSAGES, SCHEMA));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error?.message).toBe('the LLM endpoint asks to retry after 100000 s, past the 5 s of --llm-timeout: HTTP 503: busy');
    expect(error?.hint).toBe('try again later, or raise --llm-timeout');
  });

  it('retries a connection that failed, within the deadline', async () => {
    script = ['reset', ok('{"rule":"y"}')];
    expect(await client({ attempts: 2, timeoutMs: 5_000 }).complete(MESSAGES, SCHEMA)).toBe('{"rule":"y"}');
    expect(seen).toHaveLength(2);
  });

  it('does not retry when the backoff would end past the deadline: one request, and the deadline named', async () => {
    script = [{ status: 503, body: 'busy' }, ok()];
    const error = await failure(client({ attempts: 3, timeoutMs: 300, backoffMs: 1_000 }).complete(MESSAGES, SCHEMA));
    expect(seen).toHaveLength(1);
    expect(error?.message).toBe('the LLM endpoint gave no answer within 0.3 s (--llm-timeout, every attempt included): HTTP 503: busy');
  });

  it('says that no attempt was made when asked for none', async () => {
    const error = await failure(client({ attempts: 0 }).complete(MESSAGES, SCHEMA));
    expect(error?.message).toBe('the LLM endpoint failed after 0 requests: no attempt made');
    expect(seen).toEqual([]);
  });

  it('names the code of a connection error', async () => {
    const closed = await startServer({});
    const baseUrl = closed.url('/v1');
    await closed.close();
    const error = await failure(client({ baseUrl, attempts: 1 }).complete(MESSAGES, SCHEMA));
    expect(error?.message).toMatch(/^the LLM endpoint failed after 1 request: connect ECONNREFUSED 127\.0\.0\.1:\d+ \(ECONNREFUSED\)$/);
  });
});

describe('ChatClient.complete: refusals', () => {
  it('refuses other client errors at once, pointing at the key for 401 and 403, else at the URL and model', async () => {
    for (const [status, hint] of [[401, 'check OPENAI_API_KEY'], [403, 'check OPENAI_API_KEY'], [400, 'check --llm-base-url and --model'], [422, 'check --llm-base-url and --model']] as const) {
      seen = [];
      script = [{ status, body: `nope ${KEY}` }];
      const error = await failure(client().complete(MESSAGES, SCHEMA));
      expect(seen).toHaveLength(1);
      expect(error?.message).toBe(`the LLM endpoint refused the request: HTTP ${status}: nope [redacted]`);
      expect(error?.hint).toBe(hint);
    }
  });

  it('says a 404 as one: the URL it went to (origin and path, no user:password or query), both causes, the model; once', async () => {
    const base = `${server.url('/v1').replace('://', '://llmuser:llmpass@')}?token=QUERYTOKEN`;
    const url = server.url('/v1/chat/completions');
    // A body of blanks is no body: the message ends at the URL, without a colon and the blanks.
    for (const [body, message] of [[`404 page not found ${KEY}`, `the LLM endpoint answered HTTP 404 (not found) for ${url}: 404 page not found [redacted]`], ['', `the LLM endpoint answered HTTP 404 (not found) for ${url}`], [' \n\t ', `the LLM endpoint answered HTTP 404 (not found) for ${url}`]] as const) {
      seen = [];
      script = [{ status: 404, body }];
      const error = await failure(client({ baseUrl: base, model: 'llama-nope' }).complete(MESSAGES, SCHEMA));
      expect(error?.message).toBe(message);
      expect(error?.hint).toBe('no such path or no such model there: check --llm-base-url (the API\'s base, to which attack-cov adds /chat/completions, e.g. http://localhost:11434/v1) and the model name, "llama-nope" (--model or OPENAI_MODEL)');
      // Not retried: every attempt would meet the same 404.
      expect(seen).toHaveLength(1);
    }
  });

  it('says where refused credentials came from: the key, the user:password of the base URL, or none', async () => {
    const cases = [
      [{}, 'check OPENAI_API_KEY'],
      [{ apiKey: undefined, baseUrl: server.url('/v1').replace('://', '://user:pw@') }, 'check the user:password in --llm-base-url (or set OPENAI_API_KEY if the endpoint wants a key)'],
      [{ apiKey: undefined }, 'the endpoint wants credentials: set OPENAI_API_KEY'],
      // An @ after the host (in the query) is no user:password.
      [{ apiKey: undefined, baseUrl: `${server.url('/v1')}?next=http://a@b` }, 'the endpoint wants credentials: set OPENAI_API_KEY'],
    ] as const;
    for (const [settings, hint] of cases) {
      script = [{ status: 401, body: 'who are you' }];
      expect((await failure(client(settings).complete(MESSAGES, SCHEMA)))?.hint).toBe(hint);
    }
  });

  it('refuses at once a request that cannot be sent (undici refuses a header value), without retrying', async () => {
    // A line break in the key is a header value undici refuses (UND_ERR_INVALID_ARG): every attempt would fail alike.
    const error = await failure(client({ apiKey: 'sk-a\nb' }).complete(MESSAGES, SCHEMA));
    expect(error?.message).toMatch(/^the LLM request cannot be sent: .*\(UND_ERR_INVALID_ARG\)$/);
    expect(error?.hint).toBe('check --llm-base-url and OPENAI_API_KEY');
    expect(seen).toHaveLength(0);
  });

  it('asks for gzip, deflate or br and decodes the answer as encoded (raw deflate too), the key still redacted', async () => {
    const body = completion('{"rule":"zipped"}');
    const encoded = [['gzip', gzipSync(body)], ['x-gzip', gzipSync(body)], ['br', brotliCompressSync(body)], ['deflate', deflateRawSync(body)], ['identity', Buffer.from(body)], ['gzip, br', brotliCompressSync(gzipSync(body))]] as const;
    for (const [coding, bytes] of encoded) {
      script = [{ status: 200, body: bytes, headers: { 'content-encoding': coding } }];
      await expect(client().complete(MESSAGES, SCHEMA)).resolves.toBe('{"rule":"zipped"}');
    }
    expect(seen.every((s) => s.headers['accept-encoding'] === 'gzip, deflate, br')).toBe(true);
    script = [{ status: 401, body: gzipSync(`bad key ${KEY}`), headers: { 'content-encoding': 'gzip' } }];
    expect((await failure(client().complete(MESSAGES, SCHEMA)))?.message).toBe('the LLM endpoint refused the request: HTTP 401: bad key [redacted]');
  });

  it('refuses at once an answer in a coding it cannot decode, one that does not decode, and one that inflates past the cap', async () => {
    const body = completion('{"rule":"r"}');
    const cases = [
      [{ 'content-encoding': 'zstd' }, Buffer.from(body), /^the LLM endpoint's answer cannot be read: the answer is encoded as "zstd", which attack-cov cannot decode \(it asks for gzip, deflate, br\)$/],
      [{ 'content-encoding': 'gzip' }, Buffer.from(body), /^the LLM endpoint's answer cannot be read: the answer says it is gzip-encoded but does not decode: /],
      [{ 'content-encoding': 'gzip' }, gzipSync('x'.repeat(1 << 20)), /^the LLM endpoint's answer is larger than 1000 bytes; refused$/],
    ] as const;
    limits.maxLlmBodyBytes = 1000;
    for (const [headers, bytes, message] of cases) {
      seen = [];
      script = [{ status: 200, body: bytes, headers }];
      const error = await failure(client().complete(MESSAGES, SCHEMA));
      expect(error?.message).toMatch(message);
      if (headers['content-encoding'] === 'zstd') expect(error?.hint).toBe('check --llm-base-url (a proxy in between may encode answers)');
      expect(seen).toHaveLength(1);
    }
  });

  it('refuses an answer larger than the body cap, without retrying', async () => {
    limits.maxLlmBodyBytes = 100;
    script = [ok('x'.repeat(500))];
    const error = await failure(client().complete(MESSAGES, SCHEMA));
    expect(error?.message).toBe("the LLM endpoint's answer is larger than 100 bytes; refused");
    expect(seen).toHaveLength(1);
  });

  it('refuses an answer that is not JSON, showing its start', async () => {
    script = [{ status: 200, body: `<html>${'p'.repeat(200)}` }];
    const error = await failure(client().complete(MESSAGES, SCHEMA));
    expect(error?.message).toBe(`the LLM endpoint answered with something that is not JSON: <html>${'p'.repeat(114)}`);
  });

  it('refuses an answer without a text message', async () => {
    for (const body of [JSON.stringify({ choices: [] }), completion(null), completion({ rule: 'x' }), '{}']) {
      script = [{ status: 200, body }];
      const error = await failure(client().complete(MESSAGES, SCHEMA));
      expect(error?.message).toBe('the LLM endpoint answered without choices[0].message.content');
    }
  });

  it('accepts an answer of exactly the longest length, and refuses one character more', async () => {
    limits.maxLlmAnswerChars = 50;
    script = [ok('a'.repeat(50)), ok('a'.repeat(51))];
    await expect(client().complete(MESSAGES, SCHEMA)).resolves.toBe('a'.repeat(50));
    const error = await failure(client().complete(MESSAGES, SCHEMA));
    expect(error?.message).toBe("the model's answer is 51 characters, more than the 50 attack-cov accepts; refused");
    expect(error?.hint).toBe('try another model, or a lower temperature');
  });
});

describe('ChatClient.complete: redirects', () => {
  it('says a 301, 302, 303, 307 or 308 is a redirect, to where (origin and path only), and never follows it', async () => {
    // QA: "the LLM endpoint refused the request: HTTP 307: " with an empty reason, and the hint "check --llm-base-url and --model".
    const elsewhere = await startServer({ '/v1/chat/completions': (_req, res) => void res.writeHead(200).end(completion('{"rule":"followed"}')) });
    const target = elsewhere.url('/v1/chat/completions');
    try {
      for (const status of [301, 302, 303, 307, 308]) {
        seen = [];
        script = [{ status, body: '', headers: { location: `${target.replace('://', '://llmuser:llmpass@')}?token=QUERYTOKEN#part` } }];
        const error = await failure(client().complete(MESSAGES, SCHEMA));
        expect(error).toBeInstanceOf(LlmError);
        expect(error?.message).toBe(`the LLM endpoint answered HTTP ${status}, a redirect to ${target}; attack-cov does not follow redirects (the key would go along)`);
        expect(error?.hint).toBe(`set --llm-base-url (or OPENAI_BASE_URL) to the redirect's target, ${elsewhere.url('/v1')}`);
        expect(seen).toHaveLength(1);
      }
      // Not followed: the key never travelled to where the redirects point.
      expect(elsewhere.calls('/v1/chat/completions')).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('hints at https for http redirected to https; names a relative Location against the request; says when there is no usable Location', async () => {
    const cases = [
      [{ location: 'https://llm.example.com/v1/chat/completions' }, 'a redirect to https://llm.example.com/v1/chat/completions; attack-cov does not follow redirects (the key would go along)', "set --llm-base-url (or OPENAI_BASE_URL) to the redirect's target, https://llm.example.com/v1 (https, not http)"],
      [{ location: '/login?next=/v1' }, `a redirect to ${server.url('/login')}; attack-cov does not follow redirects (the key would go along)`, `set --llm-base-url (or OPENAI_BASE_URL) to where the endpoint is: the redirect goes to ${server.url('/login')}, which is no chat/completions path`],
      [{ location: 'ftp://files.example.com/x' }, 'a redirect to a Location that is no http(s) URL; attack-cov does not follow redirects', 'check --llm-base-url'],
      [{}, 'a redirect without a Location; attack-cov does not follow redirects', 'check --llm-base-url'],
    ] as const;
    for (const [headers, message, hint] of cases) {
      script = [{ status: 302, body: 'moved', headers }];
      const error = await failure(client().complete(MESSAGES, SCHEMA));
      expect(error?.message).toBe(`the LLM endpoint answered HTTP 302, ${message}`);
      expect(error?.hint).toBe(hint);
    }
  });

  it('hints at https only for a base URL whose scheme is http: "http:" in the path of an https one is path (the scheme parsed, any case)', () => {
    const target = 'https://example.test/v1/chat/completions';
    const hint = "set --llm-base-url (or OPENAI_BASE_URL) to the redirect's target, https://example.test/v1";
    expect(redirectHint('https://example.test/http:/v1', target)).toBe(hint);
    expect(redirectHint('https://example.test/v1?next=http://x', target)).toBe(hint);
    expect(redirectHint('HTTP://example.test/v1', target)).toBe(`${hint} (https, not http)`);
    expect(redirectHint('http://example.test/v1', 'http://example.test/v2/chat/completions')).toBe("set --llm-base-url (or OPENAI_BASE_URL) to the redirect's target, http://example.test/v2");
  });
});

describe('ChatClient.complete: the run stops asking when no later request can succeed', () => {
  it('after a 401, a 403, a redirect or a 404, later completions fail at once, without a request, saying why; the refusal itself as before', async () => {
    const notFoundHint = 'no such path or no such model there: check --llm-base-url (the API\'s base, to which attack-cov adds /chat/completions, e.g. http://localhost:11434/v1) and the model name, "m" (--model or OPENAI_MODEL)';
    const refusals = [
      // OpenAI's answer for a model it does not have (or the key may not use).
      [{ status: 404, body: '{"error":{"message":"The model `m` does not exist or you do not have access to it.","code":"model_not_found"}}' }, `the LLM endpoint answered HTTP 404 (not found) for ${server.url('/v1/chat/completions')}`, notFoundHint],
      [{ status: 401, body: 'nope' }, 'the LLM endpoint refused the credentials (HTTP 401)', 'check OPENAI_API_KEY'],
      [{ status: 403, body: 'nope' }, 'the LLM endpoint refused the credentials (HTTP 403)', 'check OPENAI_API_KEY'],
      [{ status: 307, body: '', headers: { location: 'https://llm.example.com/v1/chat/completions' } }, 'the LLM endpoint redirected the request (HTTP 307)', "set --llm-base-url (or OPENAI_BASE_URL) to the redirect's target, https://llm.example.com/v1 (https, not http)"],
    ] as const;
    for (const [answer, reason, hint] of refusals) {
      seen = [];
      script = [answer, ok(), ok()];
      const chat = client();
      const refused = await failure(chat.complete(MESSAGES, SCHEMA));
      expect(refused).not.toBeInstanceOf(NotAttemptedError);
      expect(refused?.hint).toBe(hint);
      expect(chat.stopped).toEqual({ reason, hint });
      for (let i = 0; i < 2; i++) {
        const later = await failure(chat.complete(MESSAGES, SCHEMA));
        expect(later).toBeInstanceOf(NotAttemptedError);
        expect(later).toBeInstanceOf(LlmError);
        expect(later?.message).toBe(`not attempted: the run stopped after ${reason}`);
        expect(later?.hint).toBe(hint);
      }
      expect(seen).toHaveLength(1);
    }
  });

  it('other refusals (400, 422) and answers that cannot be used do not stop the run', async () => {
    const chat = client();
    // A 400 or 422 that does not say the model is refused may be about one request alone.
    const aboutOneRequest = [
      { status: 400, body: 'bad' },
      { status: 422, body: 'no model' },
      { status: 400, body: '{"error":{"message":"messages too long","type":"invalid_request_error","param":"messages","code":null}}' },
      { status: 400, body: '{"error":"model"}' },
      { status: 400, body: 'null' },
      { status: 400, body: '{"error":null}' },
    ];
    script = [...aboutOneRequest, { status: 200, body: 'not json' }, ok('{"rule":"still asked"}')];
    for (let i = 0; i < aboutOneRequest.length + 1; i++) expect(await failure(chat.complete(MESSAGES, SCHEMA))).not.toBeInstanceOf(NotAttemptedError);
    expect(chat.stopped).toBeUndefined();
    await expect(chat.complete(MESSAGES, SCHEMA)).resolves.toBe('{"rule":"still asked"}');
    expect(seen).toHaveLength(aboutOneRequest.length + 2);
    // Each a refusal of that request, said as one (a body of JSON null or an error of null read as no error object).
    for (const { status, body } of aboutOneRequest) {
      script = [{ status, body }];
      expect((await failure(client().complete(MESSAGES, SCHEMA)))?.message).toBe(`the LLM endpoint refused the request: HTTP ${status}: ${body}`);
    }
  });

  it('a 400 or 422 that refuses the model (LiteLLM\'s proxy, other providers\' error objects) stops the run, naming the model and where the names are listed', async () => {
    const hint = `check the model name (--model or OPENAI_MODEL): a gateway serves the names it lists at ${server.url('/v1/models')}`;
    const long = `Invalid model name passed in model=m. ${'x'.repeat(300)}`;
    const refusals = [
      // LiteLLM's proxy, from 1.62 on (BerriAI/litellm#8886) and before it (#3142, #8821: a message that is an object).
      [400, `{"error":{"message":"litellm.BadRequestError: You passed in model=m. There is no 'model_name' with this string ","type":null,"param":null,"code":"400"}}`],
      [400, '{"error":{"message":{"error":"/chat/completions: Invalid model name passed in model=m. Call `/v1/models` to view available models for your key."},"type":"None","param":"None","code":"400"}}'],
      [400, '{"error":"Invalid model name passed in"}'],
      [400, 'litellm.BadRequestError: LLM Provider NOT provided. Pass in the LLM provider you are trying to call. You passed model=m'],
      [400, long],
      // Mistral (at the top level), DeepSeek, OpenRouter.
      [400, '{"object":"error","message":"Invalid model: m","type":"invalid_model","param":null,"code":"1500"}'],
      [400, '{"object":"error","message":"Invalid model: m"}'],
      [400, '{"error":{"message":"Model Not Exist","type":"invalid_request_error","param":null,"code":"invalid_request_error"}}'],
      [400, '{"error":{"message":"m is not a valid model ID","code":400}}'],
      // Error objects: OpenAI's param, and the codes of OpenAI, Groq and Hugging Face's router.
      [400, '{"error":{"message":"invalid model ID","type":"invalid_request_error","param":"model","code":null}}'],
      [422, '{"error":{"message":"no such model","code":"model_not_found"}}'],
      [400, '{"error":{"message":"The model `m` has been decommissioned","type":"invalid_request_error","code":"model_decommissioned"}}'],
      [400, '{"error":{"message":"not supported by any provider you have enabled","type":"invalid_request_error","code":"model_not_supported"}}'],
    ] as const;
    for (const [status, body] of refusals) await expectStop(status, body, `the LLM endpoint refused the model "m" (HTTP ${status})`, hint);
    // A message naming models names ours among them.
    script = [{ status: 400, body: '{"error":{"message":"Invalid model name passed in model=m. Did you mean model=m2?"}}' }];
    expect((await failure(client().complete(MESSAGES, SCHEMA)))?.message.startsWith('the LLM endpoint refused the model "m" (HTTP 400): ')).toBe(true);
    // A model whose name has dots, and one that ends in a dot, named by LiteLLM before a sentence's full stop.
    for (const model of ['gpt-4.1', 'v1.']) {
      script = [{ status: 400, body: `{"error":{"message":"Invalid model name passed in model=${model}. Call /v1/models to view available models for your key."}}` }];
      const refusedModel = await failure(client({ model }).complete(MESSAGES, SCHEMA));
      expect(refusedModel?.message.startsWith(`the LLM endpoint refused the model "${model}" (HTTP 400): `)).toBe(true);
    }
    // The key echoed in a body is redacted; the hint shows the base URL without its user:password or query.
    script = [{ status: 400, body: `Invalid model name ${KEY}` }];
    const refused = await failure(client({ baseUrl: server.url('/v1?token=abc').replace('http://', 'http://u:p@') }).complete(MESSAGES, SCHEMA));
    expect(refused?.message).toBe('the LLM endpoint refused the model "m" (HTTP 400): Invalid model name [redacted]');
    expect(refused?.hint).toBe(hint);
  });

  it('what only looks like a refused model does not stop the run: another status, another model, a fallback\'s words, words echoed outside the message', async () => {
    const modelGone = '{"error":{"message":"Invalid model name passed in model=m","param":"model","code":"model_not_found"}}';
    const cases: [Answer, string][] = [
      // Words or fields that elsewhere refuse the model, under another status: retried (503), or refused credentials (a
      // 401 whose message has the words for a model that does not exist, not for one these credentials may not use).
      [{ status: 503, body: modelGone }, 'the LLM endpoint failed after 3 requests: HTTP 503'],
      [{ status: 401, body: '{"error":{"message":"Invalid model name passed in model=m","type":"auth_error","param":"key"}}' }, 'the LLM endpoint refused the request: HTTP 401'],
      // Another model named: LiteLLM's message about a model group that is not ours.
      [{ status: 400, body: '{"error":{"message":"You passed in model=m2. There is no \'model_name\' with this string"}}' }, 'the LLM endpoint refused the request: HTTP 400'],
      [{ status: 400, body: '{"error":{"message":"Invalid model name passed in model=mm"}}' }, 'the LLM endpoint refused the request: HTTP 400'],
      // LiteLLM's fallback: the request's own error first, what the fallback's missing model group said after it.
      [{ status: 400, body: '{"error":{"message":"litellm.ContextWindowExceededError: prompt too long. Received Model Group=m Available Model Group Fallbacks=[\'m-big\'] Error doing the fallback: You passed in model=m-big. There is no \'model_name\' with this string","code":"400"}}' }, 'the LLM endpoint refused the request: HTTP 400'],
      // The words in a part of the body that is not the error's message (a validation error echoing the request).
      [{ status: 422, body: '{"detail":[{"type":"missing","loc":["body","x"],"msg":"Field required","input":[{"role":"user","content":"an invalid model name, model_not_found"}]}]}' }, 'the LLM endpoint refused the request: HTTP 422'],
      [{ status: 400, body: '{"error":{"message":"bad request: model_not_found appears in the message only","param":"messages","code":"context_length_exceeded"}}' }, 'the LLM endpoint refused the request: HTTP 400'],
    ];
    for (const [answer, start] of cases) {
      seen = [];
      // A 503 is asked 3 times (the attempts), anything else once.
      script = [...Array<Answer>((answer as { status: number }).status === 503 ? 3 : 1).fill(answer), ok('{"rule":"still asked"}')];
      const chat = client();
      const failed = await failure(chat.complete(MESSAGES, SCHEMA));
      expect(failed?.message.startsWith(start)).toBe(true);
      if (answer === cases[1]![0]) {
        expect(chat.stopped?.reason).toBe('the LLM endpoint refused the credentials (HTTP 401)');
      } else {
        expect(chat.stopped).toBeUndefined();
        await expect(chat.complete(MESSAGES, SCHEMA)).resolves.toBe('{"rule":"still asked"}');
      }
    }
  });

  it('a 401 or 403 that refuses these credentials the model (LiteLLM\'s key, team, user and organisation model access; a project without access) stops the run naming the model, not the key', async () => {
    const hint = `these credentials may use only some models: choose one the endpoint lists for them at ${server.url('/v1/models')} (--model or OPENAI_MODEL), or ask for access to "m"`;
    const refusals = [
      // LiteLLM's proxy (ProxyErrorTypes; 401 in older releases, 403 in newer ones): type, param and message together.
      [401, `{"error":{"message":"key not allowed to access model. This key can only access models=['gpt-4o']. Tried to access m","type":"key_model_access_denied","param":"model","code":"401"}}`],
      [403, `{"error":{"message":"team not allowed to access model. This team can only access models=['a']. Tried to access m","type":"team_model_access_denied","param":"model","code":"403"}}`],
      // Each sign alone: a type, a code, the param, a MODEL_CODES code (OpenAI's project without access), the words.
      [403, '{"error":{"message":"denied","type":"user_model_access_denied"}}'],
      [401, '{"error":{"message":"denied","code":"org_model_access_denied"}}'],
      [401, '{"error":{"message":"denied","param":"model"}}'],
      [403, '{"error":{"message":"Project `proj_abc` does not have access to model `m`","type":"invalid_request_error","param":null,"code":"model_not_found"}}'],
      [403, '{"error":{"message":"key not allowed to access model m"}}'],
      [401, 'Project proj_abc does not have access to model m'],
      [403, '{"error":{"message":"denied","code":"model_not_found"}}'],
      // Groq: the model blocked for the project or the organisation; Amazon Bedrock's words through a gateway.
      [403, '{"error":{"message":"The model `m` is blocked at the project level. Please have a project admin enable this model in the project settings.","type":"permissions_error","code":"model_permission_blocked_project"}}'],
      [403, '{"error":{"message":"blocked","type":"permissions_error","code":"model_permission_blocked_org"}}'],
      [403, '{"message":"You don\'t have access to the model with the specified model ID."}'],
    ] as const;
    for (const [status, body] of refusals) await expectStop(status, body, `the LLM endpoint refused these credentials the model "m" (HTTP ${status})`, hint);
    // Refused credentials that say nothing of a model stay refused credentials, with the key's hint: OpenAI's wrong key,
    // LiteLLM's unknown and expired keys, GitHub Models' token without models:read (it answers "No access to model" for
    // every model), access words outside the error's message (an echoed request), types of another kind.
    for (const [status, body] of [
      [401, '{"error":{"message":"Incorrect API key provided: sk-abc. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}'],
      [401, '{"error":{"message":"Authentication Error, Invalid proxy server token passed","type":"token_not_found_in_db","param":"key","code":"401"}}'],
      [401, '{"error":{"message":"Authentication Error - Expired Key","type":"expired_key","param":"key"}}'],
      [403, '{"error":{"code":"no_access","message":"No access to model: openai/gpt-4o-mini"}}'],
      [403, '{"error":{"message":"forbidden"},"request":{"note":"key not allowed to access model"}}'],
      [403, '{"error":{"message":"forbidden","type":"key_model_access_denied_later"}}'],
      [403, '{"error":{"message":"forbidden","type":"xkey_model_access_denied"}}'],
      [403, '{"error":{"message":"forbidden","code":"model_permission_blocked_projects"}}'],
      [403, 'forbidden'],
    ] as const) {
      seen = [];
      script = [{ status, body }];
      const chat = client();
      const refused = await failure(chat.complete(MESSAGES, SCHEMA));
      expect(refused?.message.startsWith(`the LLM endpoint refused the request: HTTP ${status}`)).toBe(true);
      expect(refused?.hint).toBe('check OPENAI_API_KEY');
      expect(chat.stopped?.reason).toBe(`the LLM endpoint refused the credentials (HTTP ${status})`);
    }
    // The key echoed in the body is redacted.
    script = [{ status: 403, body: `key ${KEY} not allowed to access model m` }];
    expect((await failure(client().complete(MESSAGES, SCHEMA)))?.message).toBe('the LLM endpoint refused these credentials the model "m" (HTTP 403): key [redacted] not allowed to access model m');
  });

  it('a base URL with a long path keeps the endpoint in what is shown: its path is cut at 200 characters before /models or /chat/completions is added', async () => {
    const long = `/v1/${'p'.repeat(250)}`;
    const shown = `${server.url(long).slice(0, server.url('').length)}${long.slice(0, 200)}…`;
    // The server answers 404 on any other path than its one: the hint of a 404 keeps /chat/completions.
    const notFound = await failure(client({ baseUrl: server.url(long) }).complete(MESSAGES, SCHEMA));
    expect(notFound?.message).toBe(`the LLM endpoint answered HTTP 404 (not found) for ${shown}/chat/completions: not found`);
    // Every slash that ends the base is dropped before the endpoint is added, as chatCompletionsUrl drops them.
    const slashes = await failure(client({ baseUrl: `${server.url('/nope')}//` }).complete(MESSAGES, SCHEMA));
    expect(slashes?.message).toBe(`the LLM endpoint answered HTTP 404 (not found) for ${server.url('/nope/chat/completions')}: not found`);
    // Nor inside a %XX escape: with 2 characters of %E2 before the cut, the path is shown without them.
    const escape = `/v1/${'p'.repeat(194)}%E2%80%A6${'p'.repeat(50)}`;
    const notFoundEscape = await failure(client({ baseUrl: server.url(escape) }).complete(MESSAGES, SCHEMA));
    expect(notFoundEscape?.message).toBe(`the LLM endpoint answered HTTP 404 (not found) for ${server.url(`/v1/${'p'.repeat(194)}`)}…/chat/completions: not found`);
    // 200 characters exactly are not cut.
    const exact = `/v1/${'p'.repeat(196)}`;
    const notFoundExact = await failure(client({ baseUrl: `${server.url(exact)}/` }).complete(MESSAGES, SCHEMA));
    expect(notFoundExact?.message).toBe(`the LLM endpoint answered HTTP 404 (not found) for ${server.url(exact)}/chat/completions: not found`);
  });

  it('a 400 that refuses response_format falls back to JSON in the prompt first, even when it also names the model', async () => {
    script = [{ status: 400, body: '{"error":{"message":"response_format json_schema is not supported by this model","param":"model"}}' }, ok('{"rule":"fell back"}')];
    const chat = client();
    await expect(chat.complete(MESSAGES, SCHEMA)).resolves.toBe('{"rule":"fell back"}');
    expect(chat.stopped).toBeUndefined();
    expect(seen.map((s) => s.body.response_format === undefined)).toEqual([false, true]);
  });

  it('a completion in flight when the run stops, waiting for an answer or for its next attempt, ends at once', async () => {
    for (const first of ['hang', { status: 503, body: 'busy' }] as const) {
      seen = [];
      script = [first, { status: 401, body: 'nope' }];
      const chat = client({ timeoutMs: 20_000, backoffMs: 10_000 });
      const started = Date.now();
      const inFlight = failure(chat.complete(MESSAGES, SCHEMA));
      while (seen.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
      await failure(chat.complete(MESSAGES, SCHEMA));
      const abandoned = await inFlight;
      expect(abandoned).toBeInstanceOf(NotAttemptedError);
      expect(abandoned?.message).toBe('not attempted: the run stopped after the LLM endpoint refused the credentials (HTTP 401)');
      // Far from the 20 s deadline and the 10 s backoff.
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(seen).toHaveLength(2);
    }
  });

  it('stops after 3 completions in a row without an answer (timeouts); an answer in between starts the count again', async () => {
    const chat = client({ timeoutMs: 150, attempts: 2 });
    script = ['hang', 'hang', ok(), 'hang', 'hang', { status: 400, body: 'bad' }, 'hang', 'hang', 'hang', ok()];
    const outcomes: string[] = [];
    for (let i = 0; i < 10; i++) {
      const error = await failure(chat.complete(MESSAGES, SCHEMA));
      outcomes.push(error === undefined ? 'ok' : error instanceof NotAttemptedError ? 'not attempted' : /HTTP 400/.test(error.message) ? 'refused' : 'timeout');
    }
    expect(outcomes).toEqual(['timeout', 'timeout', 'ok', 'timeout', 'timeout', 'refused', 'timeout', 'timeout', 'timeout', 'not attempted']);
    expect(seen).toHaveLength(9);
    expect(chat.stopped).toEqual({ reason: '3 requests in a row got no answer from the LLM endpoint', hint: 'raise --llm-timeout for a slow model, or check --llm-base-url' });
  });

  it('counts a connection refused and a gateway timeout (504) as no answer, not a 503', async () => {
    const closed = await startServer({});
    const baseUrl = closed.url('/v1');
    await closed.close();
    const unreachable = client({ baseUrl, attempts: 1 });
    for (let i = 0; i < 3; i++) await failure(unreachable.complete(MESSAGES, SCHEMA));
    expect(unreachable.stopped?.reason).toBe('3 requests in a row got no answer from the LLM endpoint');
    // 408 (request timeout) is the server saying it waited for the request and got none in time: no answer too.
    for (const [status, isStopped] of [[504, true], [408, true], [503, false]] as const) {
      const chat = client({ attempts: 1 });
      script = [{ status, body: 'x' }, { status, body: 'x' }, { status, body: 'x' }];
      for (let i = 0; i < 3; i++) await failure(chat.complete(MESSAGES, SCHEMA));
      expect(chat.stopped !== undefined).toBe(isStopped);
    }
  });
});

describe('ChatClient.complete: edges', () => {
  it('a completion in flight on its last attempt when the run stops ends as not attempted', async () => {
    script = ['hang', { status: 401, body: 'nope' }];
    const chat = client({ attempts: 1, timeoutMs: 20_000 });
    const inFlight = failure(chat.complete(MESSAGES, SCHEMA));
    while (seen.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await failure(chat.complete(MESSAGES, SCHEMA));
    const abandoned = await inFlight;
    expect(abandoned).toBeInstanceOf(NotAttemptedError);
    expect(abandoned?.message).toBe('not attempted: the run stopped after the LLM endpoint refused the credentials (HTTP 401)');
  });

  it('a completion in flight when the run stops sends nothing more and ends at once, even with attempts and time to spare', async () => {
    script = ['hang', { status: 401, body: 'nope' }];
    const chat = client({ attempts: 1_000_000, backoffMs: 0, timeoutMs: 4_000 });
    const inFlight = failure(chat.complete(MESSAGES, SCHEMA));
    while (seen.length < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await failure(chat.complete(MESSAGES, SCHEMA));
    const started = Date.now();
    expect(await inFlight).toBeInstanceOf(NotAttemptedError);
    // Far from the 4 s deadline, which further attempts (each cut short at once) would spend.
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(seen).toHaveLength(2);
  });

  it('an answer refused as too long counts as an answer: it starts the count of completions without one again', async () => {
    limits.maxLlmAnswerChars = 50;
    const chat = client({ timeoutMs: 150, attempts: 1 });
    script = ['hang', 'hang', ok('a'.repeat(51)), 'hang', 'hang'];
    for (let i = 0; i < 5; i++) expect(await failure(chat.complete(MESSAGES, SCHEMA))).not.toBeInstanceOf(NotAttemptedError);
    expect(chat.stopped).toBeUndefined();
  });

  it('no attempt made is no missing answer: asked for none, the run never stops asking', async () => {
    const chat = client({ attempts: 0 });
    for (let i = 0; i < 4; i++) expect((await failure(chat.complete(MESSAGES, SCHEMA)))?.message).toBe('the LLM endpoint failed after 0 requests: no attempt made');
    expect(chat.stopped).toBeUndefined();
  });

  it('names a timeout by its message only, without the numeric code of the DOMException', async () => {
    // Headers at once and a byte every 50 ms: only the deadline of the whole completion (an AbortSignal) ends it.
    let timer: NodeJS.Timeout | undefined;
    const trickle = await startServer({
      '/v1/chat/completions': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        timer = setInterval(() => res.write(' '), 50);
      },
    });
    try {
      const error = await failure(client({ baseUrl: trickle.url('/v1'), attempts: 1, timeoutMs: 300 }).complete(MESSAGES, SCHEMA));
      expect(error?.message).toBe('the LLM endpoint failed after 1 request: The operation was aborted due to timeout');
    } finally {
      clearInterval(timer);
      await trickle.close();
    }
  });

  it('fails at once on a Retry-After that ends exactly at the deadline: no time would be left for the retry', async () => {
    // The clock stands still: the deadline is exactly the 1 s the server asks to wait.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      script = [{ status: 503, body: 'busy', headers: { 'retry-after': '1' } }, ok()];
      const error = await failure(client({ attempts: 2, timeoutMs: 1_000 }).complete(MESSAGES, SCHEMA));
      expect(error?.message).toBe('the LLM endpoint asks to retry after 1 s, past the 1 s of --llm-timeout: HTTP 503: busy');
      expect(seen).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows a redirect target with its path cut at 200 characters', async () => {
    const path = `/${'p'.repeat(300)}`;
    expect(redirectTarget(path, 'http://llm.example.com/v1/chat/completions')).toBe(`http://llm.example.com${path.slice(0, 200)}`);
    script = [{ status: 302, body: '', headers: { location: path } }];
    const error = await failure(client().complete(MESSAGES, SCHEMA));
    expect(error?.message).toBe(`the LLM endpoint answered HTTP 302, a redirect to ${server.url(path.slice(0, 200))}; attack-cov does not follow redirects (the key would go along)`);
    // Never cut inside a character's escapes (%C3%A9 is é; "%C", "%" or "%C3" left at the end would read as other
    // text): the part of the character before the cut goes, a whole character before it stays.
    const escaped = (before: number) => `/${'p'.repeat(before)}%C3%A9${'q'.repeat(100)}`;
    expect(redirectTarget(escaped(197), 'http://h/')).toBe(`http://h/${'p'.repeat(197)}`);
    expect(redirectTarget(escaped(198), 'http://h/')).toBe(`http://h/${'p'.repeat(198)}`);
    expect(redirectTarget(escaped(199), 'http://h/')).toBe(`http://h/${'p'.repeat(199)}`);
    expect(redirectTarget(escaped(196), 'http://h/')).toBe(`http://h/${'p'.repeat(196)}`);
    expect(redirectTarget(escaped(193), 'http://h/')).toBe(`http://h/${'p'.repeat(193)}%C3%A9`);
    // … (%E2%80%A6) cut after its first or second byte's escape; 𝄞 (%F0%9D%84%9E) after its third; a 2-byte character
    // after a whole 3-byte one; and escapes that are no lead byte (%41, A) stay.
    const cut = (before: number, tail: string) => redirectTarget(`/${'p'.repeat(before)}${tail}${'q'.repeat(100)}`, 'http://h/');
    expect(cut(193, '%E2%80%A6')).toBe(`http://h/${'p'.repeat(193)}`);
    expect(cut(196, '%E2%80%A6')).toBe(`http://h/${'p'.repeat(196)}`);
    expect(cut(190, '%F0%9D%84%9E')).toBe(`http://h/${'p'.repeat(190)}`);
    expect(cut(187, '%F0%9D%84%9E')).toBe(`http://h/${'p'.repeat(187)}%F0%9D%84%9E`);
    expect(cut(187, '%E2%80%A6%C3%A9')).toBe(`http://h/${'p'.repeat(187)}%E2%80%A6`);
    expect(cut(193, '%41%42%43')).toBe(`http://h/${'p'.repeat(193)}%41%42`);
    expect(cut(196, '%c3%a9')).toBe(`http://h/${'p'.repeat(196)}`);
    // A path of 200 characters exactly is not cut, so nothing comes off it, whatever it ends in.
    expect(redirectTarget(`/${'p'.repeat(197)}%C`, 'http://h/')).toBe(`http://h/${'p'.repeat(197)}%C`);
  });

  it('goes through the proxy the environment names (HTTP_PROXY)', async () => {
    const proxy = await startProxy();
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY, no_proxy: process.env.no_proxy };
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = '';
    delete process.env.no_proxy;
    try {
      await expect(client().complete(MESSAGES, SCHEMA)).resolves.toBe('{"rule":"r"}');
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name]; else process.env[name] = value;
      await proxy.close();
    }
    expect(proxy.tunnels).toEqual([new URL(server.url('/')).host]);
  });
});

describe('ChatClient.redact', () => {
  it('leaves text alone for a key too short to be told from ordinary words', () => {
    // Under 8 characters a key is a placeholder (none, true): redacting it would rewrite words.
    const chat = new ChatClient({ baseUrl: 'http://x', model: 'm', apiKey: 'abcdefg', timeoutMs: 1, attempts: 1, backoffMs: 1 });
    expect(chat.redact('abcdefg def abcdefg')).toBe('abcdefg def abcdefg');
    const eight = new ChatClient({ baseUrl: 'http://x', model: 'm', apiKey: 'abcdefgh', timeoutMs: 1, attempts: 1, backoffMs: 1 });
    expect(eight.redact('abcdefgh def')).toBe('[redacted] def');
  });

  it('also removes credentials written in a URL', () => {
    expect(client({ apiKey: undefined }).redact('see https://user:pw@host/x')).toBe('see https://[redacted]@host/x');
  });
});

describe('extractJson', () => {
  it('reads JSON from a fence without a language, and from a fence after prose braces', () => {
    expect(extractJson('```\n{"a":1}\n```')).toEqual({ value: { a: 1 } });
    expect(extractJson('Use {braces} like this:\n```json\n{"b":2}\n```')).toEqual({ value: { b: 2 } });
  });

  it('reads a fence only it can find: prose braces around it, no language, no whitespace after the fence', () => {
    expect(extractJson('Use {x}:\n```\n{"a":1}\n```\nnot {y}')).toEqual({ value: { a: 1 } });
    expect(extractJson('Here {draft}: ```{"a":2}```')).toEqual({ value: { a: 2 } });
    expect(extractJson('Here {draft}: ```json{"a":3}```')).toEqual({ value: { a: 3 } });
  });

  it('says what it got, whitespace folded and cut at 80 characters', () => {
    const content = `no\n\njson   ${'w'.repeat(100)}`;
    expect(extractJson(content)).toEqual({ error: `the answer is not a JSON object: ${content.slice(0, 80).replace(/\s+/g, ' ')}…` });
    expect(extractJson('   ')).toEqual({ error: 'the answer is not a JSON object:  …' });
  });
});

describe('isCutShort', () => {
  it('is a JSON object that stops before its end (inside a string, after a value or a comma); not a whole one, nor one with more after it, nor no JSON', () => {
    for (const text of ['{"a":1', '{"choices":[{"message":{"content":"abc', '{"a":1,', '{"a":1,  ', '  {"a": [1, 2']) expect(isCutShort(text), text).toBe(true);
    for (const text of ['{"a":1}', '{"a":1}x', '{"a":}', 'not json', '[1, 2', '', ' {"a":1} ']) expect(isCutShort(text), text).toBe(false);
  });
});
