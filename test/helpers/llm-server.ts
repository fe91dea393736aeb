// An OpenAI-compatible Chat Completions server on 127.0.0.1 for draft tests. The model name picks the
// behaviour, so one server covers success, no structured output, 429, 500, timeouts, malformed answers
// and drafts that need repair.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const GOOD_T1529 = {
  rule: 'System shutdown or reboot command',
  desc: 'A shutdown, reboot, halt or poweroff command ran.',
  condition: 'spawned_process and proc.name in (shutdown, reboot, halt, poweroff)',
  output: 'Shutdown or reboot requested (user=%user.name command=%proc.cmdline container=%container.id)',
  priority: 'WARNING',
};
/** The three ways the issue says LLM drafts go wrong, plus a broken condition. */
export const BAD_DRAFTS = {
  inventedField: { ...GOOD_T1529, rule: 'Reboot flag', condition: 'spawned_process and evt.argv[2] = "-r"' },
  timeAsString: { ...GOOD_T1529, rule: 'Reboot at night', condition: 'spawned_process and proc.name = reboot and evt.time > "2022-12-31T02:00:00Z"' },
  tooBroad: { ...GOOD_T1529, rule: 'Any shell', condition: 'proc.name=sh' },
};
/** Drafts that validate (or, the seed's, do not) but fail emulation: they fire on nothing, or on benign activity. */
export const NON_FIRING_DRAFTS = {
  /** The seed article's T1529 draft: evt.argv does not exist, so it fires on nothing. */
  seed: { ...GOOD_T1529, rule: 'Shutdown in argv', condition: 'evt.type = execve and evt.argv[1] contains "shutdown"' },
  /** Valid fields, but no shutdown procedure passes --poweroff-now. */
  silent: { ...GOOD_T1529, rule: 'Shutdown now flag', condition: 'spawned_process and proc.name = shutdown and proc.args contains "--poweroff-now"' },
  /** Fires on T1529's procedures, and on every systemctl restart of the benign corpus. */
  noisy: { ...GOOD_T1529, rule: 'Power management', condition: 'spawned_process and proc.name in (shutdown, reboot, halt, poweroff, systemctl)' },
  /** Every process start: for a technique with no Linux procedure, only the benign corpus can refuse it. */
  everyProcess: { ...GOOD_T1529, rule: 'Any process', condition: 'spawned_process' },
};

export interface LlmRequest {
  model: string;
  authorization?: string;
  hasSchema: boolean;
  /** The request URL's query string ('' without one). */
  query: string;
  messages: { role: string; content: string }[];
  /** When the request arrived (ms, monotonic clock): timing tests read the gaps the server saw. */
  arrivedAt: number;
}

export interface LlmServer {
  baseUrl: string;
  requests: LlmRequest[];
  close: () => Promise<void>;
}

const completion = (content: string) => JSON.stringify({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });

export async function startLlmServer(apiKey?: string): Promise<LlmServer> {
  const requests: LlmRequest[] = [];
  const calls = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') return void res.writeHead(404).end(JSON.stringify({ error: `no route ${url.pathname}` }));
      const parsed = JSON.parse(body) as { model: string; messages: LlmRequest['messages']; response_format?: unknown };
      const request: LlmRequest = { model: parsed.model, query: url.search, arrivedAt: performance.now(), hasSchema: parsed.response_format !== undefined, messages: parsed.messages, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
      requests.push(request);
      if (apiKey && req.headers.authorization !== `Bearer ${apiKey}`) return void res.writeHead(401).end(JSON.stringify({ error: { message: `bad key ${String(req.headers.authorization)}` } }));
      const call = (calls.get(parsed.model) ?? 0) + 1;
      calls.set(parsed.model, call);
      const ok = (value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(completion(typeof value === 'string' ? value : JSON.stringify(value)));
      const repairs = parsed.messages.filter((m) => m.role === 'user').length - 1;
      // body:<text>: a 200 whose whole body is <text> (JSON null, a number, a list…), not a completion.
      if (parsed.model.startsWith('body:')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(parsed.model.slice('body:'.length));
      // echo-<where>-at-<n>: the key the server was sent, after n characters of padding, where a cut of the text may split it.
      const echoAt = /^echo-(http-500|not-json|answer)-at-(\d+)$/.exec(parsed.model);
      if (echoAt) {
        const padded = `${'x'.repeat(Number(echoAt[2]))}${String(req.headers.authorization).replace(/^Bearer /, '')} and more`;
        if (echoAt[1] === 'http-500') return void res.writeHead(500).end(padded);
        if (echoAt[1] === 'not-json') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(padded);
        return ok(padded);
      }
      switch (parsed.model) {
        case 'good':
          return ok(GOOD_T1529);
        case 'good-for-t1529-only':
          // A draft of T1529 passes; any other technique meets a broken endpoint (a 400 is not retried).
          if (!JSON.stringify(parsed.messages).includes('T1529')) return void res.writeHead(400).end('{"error":{"message":"broken"}}');
          return ok(GOOD_T1529);
        case 'no-schema':
          if (request.hasSchema) return void res.writeHead(400).end(JSON.stringify({ error: { message: "response_format of type 'json_schema' is not supported by this model" } }));
          return ok(`Here is the rule:\n\`\`\`json\n${JSON.stringify(GOOD_T1529)}\n\`\`\``);
        case 'rate-limited':
          if (call === 1) return void res.writeHead(429, { 'retry-after': '1' }).end('{"error":{"message":"slow down"}}');
          return ok(GOOD_T1529);
        case 'flaky':
          if (call === 1) return void res.writeHead(500).end('{"error":{"message":"internal"}}');
          return ok(GOOD_T1529);
        case 'slow':
          return void setTimeout(() => ok(GOOD_T1529), 3_000);
        case 'malformed':
          return ok(repairs === 0 ? 'Sure! Here is your rule: {rule: oops' : GOOD_T1529);
        case 'repair':
          return ok(repairs === 0 ? BAD_DRAFTS.inventedField : GOOD_T1529);
        case 'bad':
          return ok([BAD_DRAFTS.timeAsString, BAD_DRAFTS.tooBroad, BAD_DRAFTS.inventedField][repairs % 3]);
        case 'seed':
          return ok(NON_FIRING_DRAFTS.seed);
        case 'silent':
          return ok(NON_FIRING_DRAFTS.silent);
        case 'silent-then-good':
          return ok(repairs === 0 ? NON_FIRING_DRAFTS.silent : GOOD_T1529);
        case 'noisy':
          return ok(NON_FIRING_DRAFTS.noisy);
        case 'cut-short':
        case 'cut-short-then-good': {
          // The answer's JSON stops short, with no length to tell it by: a connection closed early (QA).
          const whole = completion(JSON.stringify(GOOD_T1529));
          if (parsed.model === 'cut-short' || call === 1) return void res.writeHead(200, { 'content-type': 'application/json', connection: 'close' }).end(whole.slice(0, 90));
          return ok(GOOD_T1529);
        }
        case 'every-process':
          return ok(NON_FIRING_DRAFTS.everyProcess);
        case 'gibberish':
          return ok('I cannot write Falco rules, but here is a poem.\n- rule: not really');
        case 'replacement-pattern':
          // A priority holding String#replace patterns: quoted in the rejection reasons, it must stay text.
          return ok({ ...GOOD_T1529, priority: "$'$&$`" });
        case 'terminal-controls':
          // Prose with ESC, a C1 CSI, NEL (a line break to YAML 1.1), RLO, a zero-width space and a BOM.
          return ok('not json \u009b2J \u0085- rule: injected\n\u001b[2J esc \u202eRLO \u200bzw\ufeffbom');
        // attack-cov suggest: the model picks among the candidates, names a Windows-only technique, or echoes the key.
        case 'suggest-pick':
          return ok({ choices: [{ technique: 'T1611', tactic: 'privilege-escalation', reason: 'a privileged pod can reach the host' }, { technique: 'T1610', tactic: 'execution', reason: 'it deploys a container' }] });
        case 'suggest-wrong-platform':
          return ok({ choices: [{ technique: 'T1547.001', reason: 'registry run keys' }, { technique: 'T1611', tactic: 'execution', reason: 'wrong tactic' }, { technique: 'T9999', reason: 'made up' }, { technique: 'T1610', reason: 'deploys a container' }] });
        case 'suggest-echo-key':
          return ok({ choices: [{ technique: 'T1610', reason: `the header was ${String(req.headers.authorization)}` }, { technique: `T1611 ${String(req.headers.authorization)}`, reason: 'x' }] });
        case 'suggest-pick-but-sensitive-mount':
          // The endpoint fails the one rule about a sensitive mount (a 400 does not stop the run) and answers the others.
          if (JSON.stringify(parsed.messages).includes('Create Sensitive Mount Pod')) return void res.writeHead(400).end('{"error":{"message":"context too long"}}');
          return ok({ choices: [{ technique: 'T1610', tactic: 'execution', reason: 'it deploys a container' }] });
        case 'suggest-pick-but-prose-for-sensitive-mount':
          // Prose where JSON was asked for, for one rule: an answer, but no choices in it.
          if (JSON.stringify(parsed.messages).includes('Create Sensitive Mount Pod')) return ok('I think this rule is about mounts. Hope that helps!');
          return ok({ choices: [{ technique: 'T1610', tactic: 'execution', reason: 'it deploys a container' }] });
        case 'suggest-pick-then-refused':
          // The first call answers; every later one meets a key the endpoint no longer takes.
          if (call > 1) return void res.writeHead(401).end('{"error":{"message":"key revoked"}}');
          return ok({ choices: [{ technique: 'T1610', tactic: 'execution', reason: 'it deploys a container' }] });
        case 'echo-key':
          return void res.writeHead(403).end(JSON.stringify({ error: { message: `key ${String(req.headers.authorization)} is not allowed` } }));
        case 'echo-key-encoded':
        case 'echo-key-encoded-in-answer': {
          // The key as an endpoint may echo it encoded (QA): base64 of the whole header, hex, upper case, \uXXXX.
          const key = String(req.headers.authorization).replace(/^Bearer /, '');
          const forms = `b64=${Buffer.from(String(req.headers.authorization)).toString('base64')} hex=${Buffer.from(key).toString('hex')} upper=${key.toUpperCase()} u=${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}`;
          if (parsed.model === 'echo-key-encoded') return void res.writeHead(500).end(forms);
          return ok({ ...GOOD_T1529, desc: `A shutdown ran. ${forms}` });
        }
        case 'echo-key-escaped':
          // The key echoed in JSON as other encoders write it: / as \/ (PHP's json_encode), & < > as \u0026 … (Go's).
          return void res.writeHead(403).end(JSON.stringify({ error: { message: `key ${String(req.headers.authorization)} is not allowed` } })
            .replace(/\//g, '\\/').replace(/[&<>]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
        case 'no-schema-slow':
          // The refusal comes late, so that concurrent requests are all in flight with response_format.
          if (request.hasSchema) return void setTimeout(() => res.writeHead(400).end(JSON.stringify({ error: { message: "response_format is not supported" } })), 300);
          return ok(GOOD_T1529);
        case 'trickle':
          // Headers at once, then one byte every 300 ms, forever: only an overall deadline ends it.
          res.writeHead(200, { 'content-type': 'application/json' });
          return void (function drip(): void {
            if (!res.destroyed) res.write(' ', () => setTimeout(drip, 300));
          })();
        case 'echo-answer':
          // A model that repeats the key it was sent, in a rule that fails validation and in prose.
          return ok(repairs === 0 ? { ...BAD_DRAFTS.tooBroad, desc: `my key is ${String(req.headers.authorization)}` } : `key: ${String(req.headers.authorization)}`);
        case 'huge':
          return ok({ ...GOOD_T1529, desc: 'x'.repeat(200_000) });
        case 'redirect-to-https':
          // http → https, as a proxy in front of a real endpoint says it, with credentials and a token in the Location.
          return void res.writeHead(307, { location: `https://llmuser:llmpass@${String(req.headers.host)}/v1/chat/completions?sig=QUERYTOKEN` }).end();
        case 'litellm-unknown':
          // LiteLLM's proxy for a model it does not serve: a 400, not a 404 (BerriAI/litellm#8886).
          return void res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `litellm.BadRequestError: You passed in model=${parsed.model}. There is no 'model_name' with this string `, type: null, param: null, code: '400' } }));
        case 'litellm-no-access':
          // LiteLLM's proxy for a model the key may not use (ProxyErrorTypes.key_model_access_denied): a 401 or 403.
          return void res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `key not allowed to access model. This key can only access models=['gpt-4o']. Tried to access ${parsed.model}`, type: 'key_model_access_denied', param: 'model', code: '403' } }));
        case 'not-json':
          return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>gateway</html>');
        default:
          return void res.writeHead(404).end(JSON.stringify({ error: { message: `model ${parsed.model} not found` } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
