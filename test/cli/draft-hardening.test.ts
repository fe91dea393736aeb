// attack-cov draft against misbehaving LLM servers on 127.0.0.1 (issue 8, items 4 and 5): concurrent
// requests to a server without structured output, a server trickling bytes, a model echoing the API
// key, an answer far too large, credentials in the base URL.
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, type CliResult } from '../helpers/cli.js';
import { startLlmServer, type LlmServer } from '../helpers/llm-server.js';
import { BUNDLE_18, officialRules } from '../helpers/paths.js';

const SECRET = 'sk-test-HARDENING-8888888888';
const RULES = officialRules('falco_rules.yaml');
let server: LlmServer;

beforeAll(async () => {
  server = await startLlmServer(SECRET);
});
afterAll(() => server.close());

interface Run extends CliResult {
  out: string;
  written: string;
  summary: { llm: { baseUrl: string; structuredOutput: boolean }; drafts: { technique: string; status: string; issues: string[] }[] };
  requests: LlmServer['requests'];
}

async function draft(model: string, techniques: string[], extra: string[] = [], baseUrl = server.baseUrl, key = SECRET): Promise<Run> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
  const before = server.requests.length;
  const result = await runCli(['draft', ...techniques, '--attack', BUNDLE_18, '--rules', RULES, '--out', out, '--llm-base-url', baseUrl, '--model', model, ...extra], {
    env: { OPENAI_API_KEY: key, ATTACK_COV_LLM_BACKOFF_MS: '10' },
  });
  const files = (await readdir(out, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const written = (await Promise.all(files.map((f) => readFile(path.join(f.parentPath, f.name), 'utf8')))).join('\n');
  const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as Run['summary'];
  // The key reaches the server in its header, and nothing attack-cov writes or prints.
  expect(result.stdout + result.stderr + written).not.toContain(key);
  return { ...result, out, written, summary, requests: server.requests.slice(before) };
}

describe('drafting under concurrency (item 5)', () => {
  it('every in-flight request falls back to the schema in the prompt when the server refuses response_format', async () => {
    const run = await draft('no-schema-slow', ['T1529', 'T1485'], ['--concurrency', '2']);
    // Both requests went out with response_format before the first refusal came back; every later one without it.
    expect(run.requests.slice(0, 2).map((r) => r.hasSchema)).toEqual([true, true]);
    expect(run.requests.slice(2).every((r) => !r.hasSchema)).toBe(true);
    expect(run.requests.length).toBeGreaterThanOrEqual(4);
    for (const request of run.requests.filter((r) => !r.hasSchema)) expect(request.messages.some((m) => /must match this JSON schema/.test(m.content))).toBe(true);
    // Neither draft failed on the refusal (before the fix, the second one did: "the LLM endpoint refused the request").
    expect(run.summary.drafts.map((d) => d.technique)).toEqual(['T1529', 'T1485']);
    for (const d of run.summary.drafts) expect(d.status).not.toBe('error');
    expect(run.summary.drafts[0]!.status).toBe('passed');
    expect(run.summary.llm.structuredOutput).toBe(false);
    expect(run.stderr).not.toMatch(/refused the request/);
  });
});

describe('hostile LLM servers', () => {
  it('a server trickling one byte at a time fails at --llm-timeout, in bounded time', async () => {
    const started = Date.now();
    const run = await draft('trickle', ['T1529'], ['--llm-timeout', '1']);
    expect(Date.now() - started).toBeLessThan(30_000);
    // Every draft failed at the endpoint: the run could not do its work, exit 2 (a rejected draft is exit 1).
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: every draft failed at the LLM endpoint \(1 of 1\)$/m);
    expect(run.summary.drafts[0]).toMatchObject({ technique: 'T1529', status: 'error' });
    expect(run.stderr).toMatch(/^draft T1529: error: the LLM endpoint gave no answer within 1 s \(--llm-timeout, every attempt included\): .*(timeout|aborted)/im);
    // One hint after the errors: the client's, and the way to a draft without a model.
    expect(run.stderr.match(/^hint: .*$/gm)).toEqual(['hint: raise --llm-timeout for a slow model, or check --llm-base-url; --skeleton writes skeletons without a model']);
  });

  it('a model echoing the API key: the key is in no draft, rejected draft, summary or terminal line', async () => {
    const run = await draft('echo-answer', ['T1529']);
    expect(run.summary.drafts[0]!.status).toBe('rejected');
    expect(run.written).toContain('[redacted]');
    expect(run.requests.length).toBe(3);
  });

  it('a key the server echoes JSON-escaped (/ as \\/, & as \\u0026) is redacted in that form too (QA: leaked on every stream and in summary.json)', async () => {
    const key = 'sk-test/ESC+aped&key/9999';
    const escaping = await startLlmServer(key);
    try {
      const run = await draft('echo-key-escaped', ['T1529'], [], escaping.baseUrl, key);
      const shown = run.stdout + run.stderr + run.written;
      expect(shown).toContain('[redacted]');
      for (const piece of ['sk-test\\/ESC', 'aped\\u0026key', 'key\\/9999', 'ESC+aped']) expect(shown).not.toContain(piece);
    } finally {
      await escaping.close();
    }
  });

  it('a refused key stops the run at the first 401: one request, one error line, the other techniques not attempted (QA: every item paid for it)', async () => {
    const run = await draft('good', ['T1529', 'T1485', 'T1486', 'T1490'], ['--concurrency', '1'], server.baseUrl, 'sk-test-WRONG-KEY-1234567');
    expect(run.code).toBe(2);
    expect(run.requests).toHaveLength(1);
    expect(run.stderr.match(/^draft T\d+: error: .*$/gm)).toEqual(['draft T1529: error: the LLM endpoint refused the request: HTTP 401: {"error":{"message":"bad key Bearer [redacted]"}}']);
    expect(run.stderr).toMatch(/^error: every draft failed at the LLM endpoint \(4 of 4; the run stopped after the LLM endpoint refused the credentials \(HTTP 401\): 3 of 4 not attempted\)\nhint: check OPENAI_API_KEY; --skeleton writes skeletons without a model\n$/m);
    expect(run.summary.drafts.map((d) => [d.technique, d.status])).toEqual([['T1529', 'error'], ['T1485', 'not-attempted'], ['T1486', 'not-attempted'], ['T1490', 'not-attempted']]);
    expect(run.summary.drafts[1]!.issues).toEqual(['not attempted: the run stopped after the LLM endpoint refused the credentials (HTTP 401)']);
    expect(run.stdout).toMatch(/^T1485 {6}not-attempted $/m);
  });

  it('a 404 (a model the server does not have, or a wrong base URL path) stops the run at the first: one request, the URL named (QA: every technique paid for it)', async () => {
    const hint = 'hint: no such path or no such model there: check --llm-base-url (the API\'s base, to which attack-cov adds /chat/completions, e.g. http://localhost:11434/v1) and the model name, "no-such-model" (--model or OPENAI_MODEL); --skeleton writes skeletons without a model';
    for (const [model, baseUrl, body] of [['no-such-model', server.baseUrl, '{"error":{"message":"model no-such-model not found"}}'], ['good', server.baseUrl.replace(/\/v1$/, '/api'), '{"error":"no route /api/chat/completions"}']] as const) {
      const run = await draft(model, ['T1529', 'T1485', 'T1486', 'T1490'], ['--concurrency', '1'], baseUrl);
      const url = `${baseUrl}/chat/completions`;
      expect(run.code).toBe(2);
      expect(run.stderr.match(/^draft T\d+: error: .*$/gm)).toEqual([`draft T1529: error: the LLM endpoint answered HTTP 404 (not found) for ${url}: ${body}`]);
      expect(run.stderr).toContain(`\nerror: every draft failed at the LLM endpoint (4 of 4; the run stopped after the LLM endpoint answered HTTP 404 (not found) for ${url}: 3 of 4 not attempted)\n${hint.replace('"no-such-model"', JSON.stringify(model))}\n`);
      // Not attempted: no request was sent for them (the server records those to its route: the unknown model's one).
      expect(run.summary.drafts.map((d) => d.status)).toEqual(['error', 'not-attempted', 'not-attempted', 'not-attempted']);
      if (model === 'no-such-model') expect(run.requests).toHaveLength(1);
    }
  });

  it('a 400 that refuses the model (LiteLLM\'s proxy) stops the run at the first as a 404 does, naming the model and the gateway\'s model list', async () => {
    const run = await draft('litellm-unknown', ['T1529', 'T1485', 'T1486'], ['--concurrency', '1']);
    const body = '{"error":{"message":"litellm.BadRequestError: You passed in model=litellm-unknown. There is no \'model_name\' with this string ","type":null,"param":null,"code":"400"}}';
    expect(run.code).toBe(2);
    expect(run.requests).toHaveLength(1);
    expect(run.stderr.match(/^draft T\d+: error: .*$/gm)).toEqual([`draft T1529: error: the LLM endpoint refused the model "litellm-unknown" (HTTP 400): ${body}`]);
    expect(run.stderr).toContain(`\nerror: every draft failed at the LLM endpoint (3 of 3; the run stopped after the LLM endpoint refused the model "litellm-unknown" (HTTP 400): 2 of 3 not attempted)\nhint: check the model name (--model or OPENAI_MODEL): a gateway serves the names it lists at ${server.baseUrl}/models; --skeleton writes skeletons without a model\n`);
    expect(run.summary.drafts.map((d) => d.status)).toEqual(['error', 'not-attempted', 'not-attempted']);
  });

  it('a 403 that refuses the key the model (LiteLLM\'s key_model_access_denied) stops the run naming the model and the list the key may use, not the key', async () => {
    const run = await draft('litellm-no-access', ['T1529', 'T1485'], ['--concurrency', '1']);
    const reason = 'the LLM endpoint refused these credentials the model "litellm-no-access" (HTTP 403)';
    expect(run.code).toBe(2);
    expect(run.requests).toHaveLength(1);
    expect(run.stderr.match(/^draft T\d+: error: .*$/gm)).toEqual([`draft T1529: error: ${reason}: {"error":{"message":"key not allowed to access model. This key can only access models=['gpt-4o']. Tried to access litellm-no-access","type":"key_model_access_denied","param":"model","code":"403"}}`.slice(0, 'draft T1529: error: '.length + reason.length + 2 + 200)]);
    expect(run.stderr).toContain(`\nerror: every draft failed at the LLM endpoint (2 of 2; the run stopped after ${reason}: 1 of 2 not attempted)\nhint: these credentials may use only some models: choose one the endpoint lists for them at ${server.baseUrl}/models (--model or OPENAI_MODEL), or ask for access to "litellm-no-access"; --skeleton writes skeletons without a model\n`);
    expect(run.summary.drafts.map((d) => d.status)).toEqual(['error', 'not-attempted']);
  });

  it('an endpoint that never answers in time is given up after 3 drafts in a row, not paid for per technique', async () => {
    const run = await draft('slow', ['T1529', 'T1485', 'T1486', 'T1490', 'T1489'], ['--llm-timeout', '1', '--concurrency', '1']);
    expect(run.code).toBe(2);
    expect(run.requests).toHaveLength(3);
    expect(run.stderr.match(/^draft T\d+: error: the LLM endpoint gave no answer within 1 s/gm)).toHaveLength(3);
    expect(run.stderr).toMatch(/^error: every draft failed at the LLM endpoint \(5 of 5; the run stopped after 3 requests in a row got no answer from the LLM endpoint: 2 of 5 not attempted\)$/m);
    expect(run.summary.drafts.map((d) => d.status)).toEqual(['error', 'error', 'error', 'not-attempted', 'not-attempted']);
  });

  it('a redirect is said as one, to where (no user:password or query), not followed, with the base URL to use (QA: "HTTP 307: " and no reason)', async () => {
    const run = await draft('redirect-to-https', ['T1529', 'T1485'], ['--concurrency', '1']);
    const origin = new URL(server.baseUrl).host;
    expect(run.code).toBe(2);
    expect(run.requests).toHaveLength(1);
    expect(run.stderr).toContain(`draft T1529: error: the LLM endpoint answered HTTP 307, a redirect to https://${origin}/v1/chat/completions; attack-cov does not follow redirects (the key would go along)\n`);
    expect(run.stderr).toMatch(new RegExp(`^hint: set --llm-base-url \\(or OPENAI_BASE_URL\\) to the redirect's target, https://${origin.replace(/\./g, '\\.')}/v1 \\(https, not http\\); --skeleton writes skeletons without a model$`, 'm'));
    expect(run.stdout + run.stderr + run.written).not.toMatch(/llmuser|llmpass|QUERYTOKEN/);
    expect(run.summary.drafts.map((d) => d.status)).toEqual(['error', 'not-attempted']);
  });

  it('a file where rejected/ goes is refused before any model is asked (QA: every call was made, then the run failed)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    await writeFile(path.join(out, 'rejected'), 'not a folder');
    const before = server.requests.length;
    const result = await runCli(['draft', 'T1529', '--attack', BUNDLE_18, '--rules', RULES, '--out', out, '--llm-base-url', server.baseUrl, '--model', 'good'], { env: { OPENAI_API_KEY: SECRET } });
    expectOneLineError(result, /^error: --out .*rejected: exists and is not a directory$/);
    expect(server.requests.length).toBe(before);
  });

  it('a key echoed across the point where a message is cut leaves not even its first 8 characters (redacted before the cut)', async () => {
    // The padding puts the key across each cut: an HTTP error body at 200 characters, a body that is not JSON at 120,
    // a model answer with no JSON at 80.
    const leaks: string[] = [];
    for (const [model, status] of [['echo-http-500-at-190', 'error'], ['echo-not-json-at-110', 'error'], ['echo-answer-at-70', 'rejected']] as const) {
      const run = await draft(model, ['T1529']);
      expect(run.summary.drafts[0]!.status).toBe(status);
      const shown = run.stdout + run.stderr + run.written;
      if (shown.includes(SECRET.slice(0, 8)) || !shown.includes('[redacted]')) leaks.push(model);
    }
    expect(leaks).toEqual([]);
  });

  it('a body of JSON that is no object (null, a number, a string, a list) fails that draft, and the run goes on', async () => {
    for (const body of ['null', '42', '"text"', '[1]']) {
      const run = await draft(`body:${body}`, ['T1529', 'T1485']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: every draft failed at the LLM endpoint \(2 of 2\)$/m);
      expect(run.stderr).not.toMatch(/crashed|TypeError|\n\s+at /);
      expect(run.summary.drafts).toMatchObject(['T1529', 'T1485'].map((technique) => ({ technique, status: 'error', issues: ['the LLM endpoint answered without choices[0].message.content'] })));
    }
  });

  it('a placeholder key shorter than 8 characters (true, none) is no secret: it rewrites no word of any report', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-placeholder-'));
    const result = await runCli(['report', '--attack', BUNDLE_18, '--rules', RULES, '--out', out, '--format', 'json,md', '-q'], { env: { OPENAI_API_KEY: 'true' } });
    expect(result.code, result.stderr).toBe(0);
    const json = await readFile(path.join(out, 'report.json'), 'utf8');
    expect(() => JSON.parse(json)).not.toThrow();
    expect(json + (await readFile(path.join(out, 'summary.md'), 'utf8'))).not.toContain('[redacted]');
  });

  it('a key with a space after it, echoed by the server in its 401, is redacted in the form the server saw (trimmed)', async () => {
    // The server takes another key, and its 401 quotes the header it got: HTTP drops the space, so the echo is the key alone.
    const other = await startLlmServer('sk-live-SERVER-KEY-0000000');
    try {
      const key = 'sk-live-Abc0123456789xyz123';
      const run = await draft('good', ['T1529'], [], other.baseUrl, `${key} `);
      expect(run.summary.drafts[0]!.status).toBe('error');
      expect(other.requests.map((r) => r.authorization)).toEqual([`Bearer ${key}`]);
      expect(run.stdout + run.stderr + run.written).not.toContain(key);
      expect(run.stderr).toMatch(/^draft T1529: error: the LLM endpoint refused the request: HTTP 401: .*bad key Bearer \[redacted\]/m);
      expect(run.stderr).toMatch(/^hint: check OPENAI_API_KEY/m);
    } finally {
      await other.close();
    }
  });

  it('a key read with a line break or blanks after it (\\n, \\r\\n, space and tab) is sent without them: the draft is made at the first request', async () => {
    for (const ending of ['\n', '\r\n', ' \t']) {
      const run = await draft('good', ['T1529'], [], server.baseUrl, `${SECRET}${ending}`);
      expect(run.code, run.stderr).toBe(0);
      expect(run.summary.drafts[0]!.status).toBe('passed');
      expect(run.requests.map((r) => r.authorization)).toEqual([`Bearer ${SECRET}`]);
    }
  });

  it('a key with a line break inside is a usage error before any request, naming OPENAI_API_KEY and never the key', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const before = server.requests.length;
    for (const command of [['draft', 'T1529', '--out', out], ['suggest', '--rules', RULES]]) {
      const result = await runCli([...command, '--llm-base-url', server.baseUrl, '--model', 'good'], { env: { OPENAI_API_KEY: 'sk-live-first-half\nsecond-half-42' } });
      expectOneLineError(result, /^error: OPENAI_API_KEY holds a control character \(such as a line break\) inside the key; an API key has none$/);
      expect(result.stderr).toMatch(/^hint: check OPENAI_API_KEY/m);
      expect(result.stderr).not.toMatch(/first-half|second-half/);
    }
    expect(server.requests.length).toBe(before);
    expect(await readdir(out)).toEqual([]);
  });

  it('an answer larger than the bound is refused, not sent back in a repair', async () => {
    const run = await draft('huge', ['T1529']);
    expect(run.summary.drafts[0]).toMatchObject({ status: 'error', issues: [expect.stringMatching(/the model's answer is \d+ characters, more than the 65536 attack-cov accepts; refused/)] });
    // A verdict on the model's answer, not the endpoint failing: exit 1, as for a rejected draft.
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/every draft failed/);
    expect(run.requests).toHaveLength(1);
    expect(run.written).not.toContain('x'.repeat(1000));
  });

  it('a base URL that is no http(s) URL is a usage error before any work, in draft and suggest, with no credential shown', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--llm-base-url', 'notaurl'], {}, /^error: --llm-base-url notaurl: not an http\(s\) URL$/],
      [['--llm-base-url', 'ftp://x'], {}, /^error: --llm-base-url ftp:\/\/x\/: not an http\(s\) URL$/],
      // An http(s) URL the parser refuses says why, as --attack's does (QA: a port past 65535 was "not an http(s) URL").
      [['--llm-base-url', 'http://[bad'], {}, /^error: --llm-base-url http:\/\/\[bad: not a valid URL \(an IPv6 address without its closing \]\)$/],
      [[], { OPENAI_BASE_URL: 'https://llmuser:llm-password-9876@[bad' }, /^error: OPENAI_BASE_URL https:\/\/\[redacted\]@\[bad: not a valid URL \(an IPv6 address without its closing \]\)$/],
      [['--llm-base-url', 'http://llmuser:llm-password-9876@host:99999/v1'], {}, /^error: --llm-base-url http:\/\/\[redacted\]@host:99999\/v1: not a valid URL \(port 99999 is past 65535\)$/],
      // user:password@ without a scheme: the URL parser reads "llmuser:" as a scheme and the password as a path.
      [['--llm-base-url', 'llmuser:llm-password-9876@gateway.internal/v1'], {}, /^error: --llm-base-url \[redacted\]@gateway\.internal\/v1: not an http\(s\) URL$/],
      [[], { OPENAI_BASE_URL: 'llmuser:llm-password-9876@gateway.internal/v1?token=t' }, /^error: OPENAI_BASE_URL \[redacted\]@gateway\.internal\/v1: not an http\(s\) URL$/],
      // A '/' typed unencoded in the password: still up to the last '@'.
      [['--llm-base-url', 'llmuser:llm-pass/word-9876@gateway.internal/v1'], {}, /^error: --llm-base-url \[redacted\]@gateway\.internal\/v1: not an http\(s\) URL$/],
    ];
    for (const [flags, env, message] of cases) {
      for (const command of [['draft', 'T1529', '--out', out], ['suggest', '--rules', RULES]]) {
        const result = await runCli([...command, '--model', 'm', ...flags], { env });
        expectOneLineError(result, message);
        expect(result.stderr).not.toMatch(/llm-password-9876|llm-pass|word-9876|llmuser/);
      }
    }
    expect(await readdir(out)).toEqual([]);
  });

  it('a query in the base URL (Azure-style api-version) stays the query; /chat/completions goes on the path', async () => {
    for (const base of [`${server.baseUrl}?api-version=2024-06-01`, `${server.baseUrl}/?api-version=2024-06-01`]) {
      const run = await draft('good', ['T1529'], [], base);
      expect(run.summary.drafts[0]!.status).toBe('passed');
      expect(run.requests.map((r) => r.query)).toEqual(['?api-version=2024-06-01']);
    }
  });

  it('a base URL with a fragment is a usage error before any request (the fragment would never be sent)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const before = server.requests.length;
    for (const base of [`${server.baseUrl}#frag`, `${server.baseUrl}?api-version=1#`]) {
      const result = await runCli(['draft', 'T1529', '--out', out, '--llm-base-url', base, '--model', 'good'], { env: { OPENAI_API_KEY: SECRET } });
      expectOneLineError(result, /^error: --llm-base-url http:\/\/127\.0\.0\.1:\d+\/v1: has a fragment \(#…\), which is never sent to the server$/);
    }
    expect(server.requests.length).toBe(before);
    expect(await readdir(out)).toEqual([]);
  });

  it('credentials in --llm-base-url are recorded and printed without the user or password', async () => {
    const run = await draft('good', ['T1529'], [], server.baseUrl.replace('http://', 'http://llmuser:llm-password-9876@'));
    expect(run.summary.llm.baseUrl).toBe(server.baseUrl);
    expect(run.stdout + run.stderr + run.written).not.toMatch(/llm-password-9876|llmuser/);
  });
});
