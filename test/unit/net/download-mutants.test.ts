// src/net/download.ts against real HTTP servers on 127.0.0.1: which answers are retried and how long it
// waits between attempts (measured as the gaps between the requests the server sees), what the request
// looks like, progress, size caps, file:// mirrors, and the error line and hint of each failure. Delays are
// kept to a few hundred milliseconds.
import { execFileSync } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError, withOfflineHint } from '../../../src/errors.js';
import { DEFAULT_LIMITS, limits } from '../../../src/limits.js';
import { downloadToFile, headersTimeoutFor, parseRetryAfter, retryDelayFor } from '../../../src/net/download.js';
import { serve, startServer, type Route, type TestServer } from '../../helpers/http-server.js';

const BODY = Buffer.from('{"type":"bundle","objects":[]}');
let server: TestServer;
let dir: string;
/** When each request arrived, per path. */
const arrivals = new Map<string, number[]>();
const headersSeen = new Map<string, IncomingHttpHeaders>();
/** The client ports of the requests to /reuse: one port means one connection. */
const ports: number[] = [];
let hugeClosedAt: number | undefined;
let okSocketClosedAt: number | undefined;

/** Answers `statuses[call - 1]` (with `headers`), then the body once they run out. */
const statuses =
  (list: number[], headers: Record<string, string> = {}): Route =>
  (req, res, call) => {
    const url = new URL(req.url!, 'http://x').pathname;
    arrivals.set(url, [...(arrivals.get(url) ?? []), Date.now()]);
    headersSeen.set(url, req.headers);
    const status = list[call - 1];
    if (status === undefined) return serve(BODY)(req, res, call);
    res.writeHead(status, headers).end(`status ${status}`);
  };
const gaps = (p: string) => (arrivals.get(p) ?? []).slice(1).map((t, i) => t - arrivals.get(p)![i]!);
const target = (name: string) => path.join(dir, name);
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as NetworkError);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-download-'));
  server = await startServer({
    '/ok': statuses([]),
    '/retry-after-seconds': statuses([503], { 'retry-after': '1' }),
    '/retry-after-zero': statuses([429, 429], { 'retry-after': '0' }),
    '/backoff': statuses([500, 502, 504]),
    '/budget': statuses([503, 503, 503]),
    '/gone': statuses([404, 404]),
    '/forbidden': statuses([403, 403]),
    '/timeout-408': statuses([408]),
    '/teapot': statuses([418]),
    '/announced-huge': (_req, res) => {
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write('x');
    },
    '/one-byte': serve(Buffer.from('x')),
    // A mirror behind HTTP Basic authentication (user mirroruser, password s3cret!pw).
    '/basic': (req, res, call) => {
      headersSeen.set('/basic', req.headers);
      if (req.headers.authorization !== `Basic ${Buffer.from('mirroruser:s3cret!pw').toString('base64')}`) return void res.writeHead(401).end('who are you');
      serve(BODY)(req, res, call);
    },
    '/chunked': (_req, res) => {
      res.writeHead(200);
      res.write('abc');
      setTimeout(() => res.end('defg'), 20);
    },
    '/empty': (_req, res) => void res.writeHead(200, { 'content-length': 0 }).end(),
    // A mirror that compresses what it sends; one in a coding attack-cov cannot decode; a small gzip of a large body.
    '/gzip': (req, res) => {
      headersSeen.set('/gzip', req.headers);
      res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(BODY));
    },
    '/zstd': (_req, res) => void res.writeHead(200, { 'content-encoding': 'zstd' }).end(BODY),
    '/gzip-bomb': (_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(100_000))),
    '/mute': () => undefined,
    '/docs/file:bundle.json': statuses([]),
    '/hop1': (_req, res) => void res.writeHead(302, { location: '/hop2' }).end(),
    '/hop2': (_req, res) => void res.writeHead(301, { location: '/hop3' }).end(),
    '/hop3': (_req, res) => void res.writeHead(307, { location: '/ok' }).end(),
    '/loop': (_req, res) => void res.writeHead(302, { location: '/loop' }).end(),
    '/gone-with-location': (_req, res) => void res.writeHead(404, { location: '/ok' }).end(),
    // /chainK-N: redirect K of a chain of N redirects ending at /ok.
    ...Object.fromEntries([5, 6].flatMap((n) => Array.from({ length: n }, (_, i): [string, Route] => [
      `/chain${i + 1}-${n}`,
      (_req, res) => void res.writeHead(302, { location: i + 1 === n ? '/ok' : `/chain${i + 2}-${n}` }).end(),
    ]))),
    '/late-headers': (req, res, call) => void setTimeout(() => serve(BODY)(req, res, call), 1_800),
    '/slow-503-then-mute': (_req, res, call) => {
      if (call === 1) setTimeout(() => res.writeHead(503, { 'retry-after': '0' }).end('busy'), 700);
    },
    '/watch-socket': (req, res, call) => {
      req.socket.once('close', () => (okSocketClosedAt = Date.now()));
      serve(BODY)(req, res, call);
    },
    '/reuse': (req, res, call) => {
      ports.push(req.socket.remotePort!);
      if (call === 1) return void res.writeHead(503, { 'retry-after': '0' }).end('x'.repeat(10_000));
      serve(BODY)(req, res, call);
    },
    '/huge-then-watch': (_req, res) => {
      res.on('close', () => (hugeClosedAt = Date.now()));
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write('x');
    },
  });
});
afterAll(() => server.close());

// The timing decisions, as functions of the time elapsed since the first attempt started: exact to the
// millisecond here, where the tests against the server can only bound them.
describe('headersTimeoutFor and retryDelayFor', () => {
  const settings = { timeoutMs: 8_000, attempts: 3, backoffMs: 100, retryBudgetMs: 3_000 };

  it('gives the first attempt timeoutMs whatever has elapsed; a retry what is left of the budget, capped by timeoutMs, at least 1 ms', () => {
    expect(headersTimeoutFor(1, 0, settings)).toBe(8_000);
    expect(headersTimeoutFor(1, 5_000, settings)).toBe(8_000);
    expect(headersTimeoutFor(2, 700, settings)).toBe(2_300);
    expect(headersTimeoutFor(3, 2_999, settings)).toBe(1);
    expect(headersTimeoutFor(2, 4_000, settings)).toBe(1);
    expect(headersTimeoutFor(2, 0, { ...settings, timeoutMs: 500 })).toBe(500);
  });

  it('doubles the backoff per attempt, or waits what Retry-After asked', () => {
    expect(retryDelayFor(1, 0, settings)).toBe(100);
    expect(retryDelayFor(2, 0, settings)).toBe(200);
    expect(retryDelayFor(1, 0, settings, 1_500)).toBe(1_500);
    expect(retryDelayFor(1, 0, settings, 0)).toBe(0);
  });

  it('starts no retry after the last attempt, nor one that would start at or past the retry budget', () => {
    expect(retryDelayFor(3, 0, settings)).toBeUndefined();
    expect(retryDelayFor(2, 2_799, settings)).toBe(200);
    expect(retryDelayFor(2, 2_800, settings)).toBeUndefined();
    expect(retryDelayFor(1, 1_000, settings, 1_999)).toBe(1_999);
    expect(retryDelayFor(1, 1_000, settings, 2_000)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, the first of several values, and an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter(['1', '30'])).toBe(1000);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    expect(parseRetryAfter(inTenSeconds)).toBeGreaterThan(8_000);
    expect(parseRetryAfter(inTenSeconds)).toBeLessThanOrEqual(10_000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT')).toBe(0);
  });

  it('ignores a missing, empty or unreadable value', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter([])).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('ignores a negative value (no delay-seconds), so the normal backoff applies instead of none', () => {
    expect(parseRetryAfter('-3')).toBeUndefined();
    expect(parseRetryAfter('-30')).toBeUndefined();
    expect(retryDelayFor(1, 0, { timeoutMs: 10_000, attempts: 3, backoffMs: 1_000, retryBudgetMs: 30_000 }, parseRetryAfter('-30'))).toBe(1_000);
  });
});

describe('downloadToFile', () => {
  it('asks as attack-cov for anything, and writes the body, reporting progress against content-length', async () => {
    const progress: [number, number | undefined][] = [];
    await downloadToFile(server.url('/ok'), target('ok'), { onProgress: (r, t) => progress.push([r, t]) });
    expect(await readFile(target('ok'))).toEqual(BODY);
    expect(headersSeen.get('/ok')).toMatchObject({ 'user-agent': 'attack-cov', accept: '*/*' });
    expect(progress.at(-1)).toEqual([BODY.length, BODY.length]);
  });

  it('reports progress against a length of one byte', async () => {
    const progress: [number, number | undefined][] = [];
    await downloadToFile(server.url('/one-byte'), target('one-byte'), { onProgress: (r, t) => progress.push([r, t]) });
    expect(progress).toEqual([[1, 1]]);
  });

  it('leaves no file descriptor open on the file it wrote', async () => {
    await downloadToFile(server.url('/ok'), target('closed'));
    const open = readdirSync('/proc/self/fd').map((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`); } catch { return ''; } });
    expect(open.filter((file) => file.startsWith(target('closed')))).toEqual([]);
    expect(await readFile(target('closed'))).toEqual(BODY);
  });

  it('reports progress without a total when the server announces no length', async () => {
    const progress: [number, number | undefined][] = [];
    await downloadToFile(server.url('/chunked'), target('chunked'), { onProgress: (r, t) => progress.push([r, t]) });
    expect(await readFile(target('chunked'), 'utf8')).toBe('abcdefg');
    expect(progress).toEqual([[3, undefined], [7, undefined]]);
  });

  it('ends the progress once, whether the download completed or failed', async () => {
    let ends = 0;
    await downloadToFile(server.url('/chunked'), target('chunked-end'), { onProgressEnd: () => ends++ });
    expect(ends).toBe(1);
    await expect(downloadToFile(server.url('/no-such-route'), target('failed-end'), { attempts: 1, onProgressEnd: () => ends++ })).rejects.toThrow(NetworkError);
    expect(ends).toBe(2);
  });

  it('sends user:password of the URL as HTTP Basic authorization, and names the URL without them when it fails', async () => {
    const withCredentials = (password: string) => server.url('/basic').replace('http://', `http://mirroruser:${password}@`);
    await downloadToFile(withCredentials('s3cret%21pw'), target('basic'));
    expect(await readFile(target('basic'))).toEqual(BODY);
    const error = await failure(downloadToFile(withCredentials('wrong-password'), target('basic-wrong'), { attempts: 1 }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error?.message).toBe(`download failed: ${server.url('/basic')}: HTTP 401`);
  });

  it('never sends the Basic authorization on to another origin a redirect names', async () => {
    let seenThere: string | undefined = 'nothing seen';
    const other = await startServer({ '/landing': (req, res, call) => ((seenThere = req.headers.authorization), serve(BODY)(req, res, call)) });
    const here = await startServer({ '/away': (_req, res) => void res.writeHead(302, { location: other.url('/landing') }).end() });
    try {
      await downloadToFile(here.url('/away').replace('http://', 'http://mirroruser:s3cret%21pw@'), target('away'));
      expect(await readFile(target('away'))).toEqual(BODY);
      expect(seenThere).toBeUndefined();
    } finally {
      await Promise.all([other.close(), here.close()]);
    }
  });

  it('accepts a body announced at exactly the cap', async () => {
    await downloadToFile(server.url('/ok'), target('exact'), { maxBytes: BODY.length });
    expect(await readFile(target('exact'))).toEqual(BODY);
  });

  it('downloads an http URL that merely contains "file:" in its path', async () => {
    await downloadToFile(server.url('/docs/file:bundle.json'), target('not-a-file-url'));
    expect(await readFile(target('not-a-file-url'))).toEqual(BODY);
  });

  it('writes an empty file for an empty body', async () => {
    await downloadToFile(server.url('/empty'), target('empty'));
    expect(await readFile(target('empty'), 'utf8')).toBe('');
  });

  it('waits what Retry-After says (in seconds) before the retry, instead of its own backoff', async () => {
    await downloadToFile(server.url('/retry-after-seconds'), target('ra'), { backoffMs: 5 });
    expect(gaps('/retry-after-seconds')).toHaveLength(1);
    expect(gaps('/retry-after-seconds')[0]).toBeGreaterThanOrEqual(950);
  });

  it('retries at once after Retry-After: 0 (429), even with a long backoff configured', async () => {
    const started = Date.now();
    await downloadToFile(server.url('/retry-after-zero'), target('ra0'), { backoffMs: 5_000 });
    expect(arrivals.get('/retry-after-zero')).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('backs off exponentially between retries of 500, 502 and 504: backoff, then twice, then four times', async () => {
    await downloadToFile(server.url('/backoff'), target('backoff'), { attempts: 4, backoffMs: 250 });
    const [first, second, third] = gaps('/backoff') as [number, number, number];
    // Exact lower bounds; the only upper bound is far from what a doubled start (1 s) would give, as a loaded
    // machine stretches every gap.
    expect(first).toBeGreaterThanOrEqual(240);
    expect(first).toBeLessThan(900);
    expect(second).toBeGreaterThanOrEqual(490);
    expect(third).toBeGreaterThanOrEqual(990);
    expect(await readFile(target('backoff'))).toEqual(BODY);
  });

  it('retries a 408', async () => {
    await downloadToFile(server.url('/timeout-408'), target('408'), { backoffMs: 5 });
    expect(arrivals.get('/timeout-408')).toHaveLength(2);
  });

  it('makes exactly the attempts asked for, then fails with the last status', async () => {
    const started = Date.now();
    const error = await failure(downloadToFile(server.url('/budget'), target('budget'), { attempts: 2, backoffMs: 500 }));
    // One wait (500 ms), between the two attempts: none (1 s) after the last.
    expect(Date.now() - started).toBeLessThan(1_300);
    expect(arrivals.get('/budget')).toHaveLength(2);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error?.message).toBe(`download failed: ${server.url('/budget')}: HTTP 503`);
    expect(error?.hint).toBe('check the network or proxy, or pass a local file instead (--attack FILE, --rules FILE)');
    expect(await readdir(dir)).not.toContain('budget');
  });

  it('starts no retry that would end past the retry budget', async () => {
    const started = Date.now();
    await failure(downloadToFile(server.url('/budget'), target('budget2'), { attempts: 5, backoffMs: 400, retryBudgetMs: 300 }));
    expect(Date.now() - started).toBeLessThan(300);
    expect(arrivals.get('/budget')).toHaveLength(3); // two from the previous test, one here
  });

  it('does not retry a 404, and says nothing is published there', async () => {
    const error = await failure(downloadToFile(server.url('/gone?token=s3cret'), target('gone'), { backoffMs: 5 }));
    expect(arrivals.get('/gone')).toHaveLength(1);
    expect(error?.message).toBe(`download failed: ${server.url('/gone')}: HTTP 404`);
    expect(error?.hint).toBe('check the URL or version; nothing is published there');
    // A server that answered is no sign of being offline: no offline way in is added (review).
    expect(error?.isUnreachable).toBe(false);
    expect((withOfflineHint(error, 'add a copy') as NetworkError).hint).toBe(error?.hint);
  });

  it('points at the credentials, not the network, when the server wants them or refuses them (401)', async () => {
    const unauthorized = await failure(downloadToFile(server.url('/basic'), target('401'), { backoffMs: 5 }));
    const refused = await failure(downloadToFile(server.url('/basic').replace('http://', 'http://mirroruser:wrong-pass@'), target('401'), { backoffMs: 5 }));
    for (const error of [unauthorized, refused]) {
      expect(error?.message).toBe(`download failed: ${server.url('/basic')}: HTTP 401`);
      expect(error?.hint).toBe('the server wants credentials or refused them: check the user:password@ (or token) in the URL, or pass a local file instead (--attack FILE, --rules FILE)');
    }
  });

  it('does not retry other client errors (403, 418)', async () => {
    const forbidden = await failure(downloadToFile(server.url('/forbidden'), target('403'), { backoffMs: 5 }));
    await failure(downloadToFile(server.url('/teapot'), target('418'), { backoffMs: 5 }));
    expect(forbidden?.message).toMatch(/: HTTP 403$/);
    expect(forbidden?.hint).toMatch(/^the server wants credentials or refused them: check the user:password@/);
    expect(arrivals.get('/forbidden')).toHaveLength(1);
    expect(arrivals.get('/teapot')).toHaveLength(1);
  });

  it('asks for gzip, deflate or br and stores the body decoded, as the file itself', async () => {
    await downloadToFile(server.url('/gzip'), target('gzip'));
    expect(await readFile(target('gzip'))).toEqual(BODY);
    expect(headersSeen.get('/gzip')?.['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('refuses at once, storing nothing, a coding it cannot decode and a body that inflates past the cap', async () => {
    const zstd = await failure(downloadToFile(server.url('/zstd'), target('zstd'), { backoffMs: 5 }));
    expect(zstd?.message).toBe(`download failed: ${server.url('/zstd')}: the answer is encoded as "zstd", which attack-cov cannot decode (it asks for gzip, deflate, br)`);
    expect(zstd?.hint).toBe('download the file another way and pass it (--attack FILE, --rules FILE), or ask for it without the proxy that encodes it');
    expect(server.calls('/zstd')).toBe(1);
    const bomb = await failure(downloadToFile(server.url('/gzip-bomb'), target('bomb'), { maxBytes: 1_000, backoffMs: 5 }));
    expect(bomb?.message).toBe(`download failed: ${server.url('/gzip-bomb')}: the response is larger than 1000 bytes`);
    expect(server.calls('/gzip-bomb')).toBe(1);
    expect(await readdir(dir)).not.toContain('zstd');
    expect(await readdir(dir)).not.toContain('bomb');
  });

  it('refuses a body announced larger than the cap before reading it, without a retry', async () => {
    const error = await failure(downloadToFile(server.url('/announced-huge'), target('huge'), { maxBytes: 1_000, backoffMs: 5 }));
    expect(error?.message).toBe(`download failed: ${server.url('/announced-huge')}: the response is larger than 1000 bytes`);
    expect(error?.hint).toBe('raise ATTACK_COV_MAX_BUNDLE_BYTES if the file is genuine');
    expect(server.calls('/announced-huge')).toBe(1);
    expect(await readdir(dir)).not.toContain('huge');
  });

  it('names the error code of a timeout once, beside its message', async () => {
    const error = await failure(downloadToFile(server.url('/mute'), target('mute'), { attempts: 2, timeoutMs: 150, backoffMs: 5 }));
    expect(error?.message).toBe(`download failed: ${server.url('/mute')}: Headers Timeout Error (UND_ERR_HEADERS_TIMEOUT)`);
    expect(server.calls('/mute')).toBe(2);
  });

  it('does not repeat a code the message already names (connection refused)', async () => {
    const closed = await startServer({});
    const url = closed.url('/x');
    await closed.close();
    const error = await failure(downloadToFile(url, target('refused'), { attempts: 1 }));
    expect(error?.message).toMatch(/: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
    // Nothing answered: the offline way in is added to the hint, and the error stays a download's.
    expect(error?.isUnreachable).toBe(true);
    const offline = withOfflineHint(error, 'add a copy') as NetworkError;
    expect([offline.constructor, offline.message, offline.hint, offline.isUnreachable]).toEqual([NetworkError, error?.message, `${error?.hint}; without network, add a copy`, true]);
  });

  it('stops at the overall deadline and says so', async () => {
    const started = Date.now();
    const error = await failure(downloadToFile(server.url('/mute'), target('deadline'), { deadlineMs: 600, timeoutMs: 5_000, attempts: 3, backoffMs: 1_000 }));
    expect(error?.message).toBe(`download failed: ${server.url('/mute')}: no complete answer within 1 s (the download deadline)`);
    // No retry once the deadline has passed, although the backoff would allow one.
    expect(Date.now() - started).toBeLessThan(1_400);
  });
});

describe('downloadToFile: connections, redirects and timeouts per attempt', () => {
  it('follows a few redirects of any kind', async () => {
    await downloadToFile(server.url('/hop1'), target('hops'));
    expect(await readFile(target('hops'))).toEqual(BODY);
  });

  it('gives up on a redirect loop instead of following it forever, saying so', async () => {
    const error = await failure(downloadToFile(server.url('/loop'), target('loop')));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error?.message).toBe(`download failed: ${server.url('/loop')}: too many redirects (a loop back to a URL already visited)`);
    // Not retried: the same loop would answer again.
    expect(server.calls('/loop')).toBe(1);
  });

  it('says the status of an answer that is no redirect, whatever Location it carries', async () => {
    const error = await failure(downloadToFile(server.url('/gone-with-location'), target('gone')));
    expect(error?.message).toBe(`download failed: ${server.url('/gone-with-location')}: HTTP 404`);
    expect(error?.hint).toBe('check the URL or version; nothing is published there');
  });

  it('follows 5 redirects and no more: the sixth answer is the failure', async () => {
    await downloadToFile(server.url('/chain1-5'), target('chain5'));
    expect(await readFile(target('chain5'))).toEqual(BODY);
    const error = await failure(downloadToFile(server.url('/chain1-6'), target('chain6')));
    expect(error?.message).toBe(`download failed: ${server.url('/chain1-6')}: too many redirects (more than 5)`);
    expect(error?.hint).toMatch(/^check the URL \(the server sends it elsewhere, again and again\)/);
    expect(server.calls('/chain6-6')).toBe(1);
  });

  it('closes its connections once the download is done: no idle socket holds the process open', async () => {
    await downloadToFile(server.url('/watch-socket'), target('watch-socket'));
    for (let i = 0; i < 50 && okSocketClosedAt === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(okSocketClosedAt).toBeDefined();
  });

  it('waits for headers up to timeoutMs on the first attempt, however small the retry budget', async () => {
    await downloadToFile(server.url('/late-headers'), target('late'), { timeoutMs: 5_000, retryBudgetMs: 100, attempts: 2 });
    expect(await readFile(target('late'))).toEqual(BODY);
    expect(server.calls('/late-headers')).toBe(1);
  });

  it('bounds the wait of a retry by what is left of the retry budget', async () => {
    const started = Date.now();
    // Two attempts: undici's headers timer may also fire a little early, and a third attempt would then start in the
    // last milliseconds of the budget (a count of 3 under load); the count of retries is the retry tests' concern.
    const error = await failure(downloadToFile(server.url('/slow-503-then-mute'), target('bounded'), { timeoutMs: 8_000, retryBudgetMs: 3_000, attempts: 2, backoffMs: 5 }));
    const elapsed = Date.now() - started;
    expect(server.calls('/slow-503-then-mute')).toBe(2);
    expect(error?.message).toMatch(/Headers Timeout Error/);
    // 700 ms for the 503, then about 2.3 s left of the budget for the second attempt's headers. undici's headers timer
    // ticks every ~500 ms and counts from the tick before it was armed, so it fires up to ~0.5 s early or a second late:
    // neither the 8 s of timeoutMs nor at once (~0.7 s).
    expect(elapsed).toBeGreaterThanOrEqual(2_400);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('reads an error answer to its end, so the retry reuses the connection', async () => {
    await downloadToFile(server.url('/reuse'), target('reuse'), { backoffMs: 5 });
    expect(ports).toHaveLength(2);
    expect(new Set(ports).size).toBe(1);
  });

  it('drops the connection of a body it refuses by its announced length', async () => {
    await failure(downloadToFile(server.url('/huge-then-watch'), target('huge-watch'), { maxBytes: 1_000, attempts: 1 }));
    for (let i = 0; i < 50 && hugeClosedAt === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hugeClosedAt).toBeDefined();
  });

  it('takes its defaults for the body cap and the deadline from the limits', async () => {
    limits.maxBundleBytes = 10;
    limits.downloadDeadlineMs = 600;
    try {
      const tooBig = await failure(downloadToFile(server.url('/ok'), target('limit'), { attempts: 1 }));
      expect(tooBig?.message).toMatch(/: the response is larger than 10 bytes$/);
      const late = await failure(downloadToFile(server.url('/mute'), target('limit-deadline'), { attempts: 1 }));
      expect(late?.message).toMatch(/: no complete answer within 1 s \(the download deadline\)$/);
    } finally {
      Object.assign(limits, DEFAULT_LIMITS);
    }
  });
});

describe('downloadToFile from a file:// mirror', () => {
  it('copies the file, whatever the case of the scheme', async () => {
    const source = target('mirror.json');
    await writeFile(source, BODY);
    await downloadToFile(pathToFileURL(source).href, target('copied'));
    expect(await readFile(target('copied'))).toEqual(BODY);
    await downloadToFile(pathToFileURL(source).href.replace(/^file:/, 'FILE:'), target('copied-upper'));
    expect(await readFile(target('copied-upper'))).toEqual(BODY);
  });

  it('copies a file of exactly maxBytes, and refuses one larger, or one that holds more than its size says, leaving nothing', async () => {
    const source = target('sized.json');
    await writeFile(source, BODY);
    await downloadToFile(pathToFileURL(source).href, target('at-limit'), { maxBytes: BODY.length });
    expect(await readFile(target('at-limit'))).toEqual(BODY);
    const tooLarge = await failure(downloadToFile(pathToFileURL(source).href, target('over-limit'), { maxBytes: BODY.length - 1 }));
    expect(tooLarge?.message).toBe(`cannot read ${pathToFileURL(source).href}: the response is larger than ${BODY.length - 1} bytes`);
    expect(tooLarge?.hint).toBe('raise ATTACK_COV_MAX_BUNDLE_BYTES if the file is genuine');
    // /proc's files are regular files of size 0 that read as text: only the bytes counted while copying catch them
    // (a file that grows while it is copied, the same way).
    const growing = await failure(downloadToFile('file:///proc/self/status', target('proc-status'), { maxBytes: 16 }));
    expect(growing?.message).toBe('cannot read file:///proc/self/status: the response is larger than 16 bytes');
    await downloadToFile('file:///proc/self/status', target('proc-status-whole'), { maxBytes: 1 << 20 });
    expect((await readFile(target('proc-status-whole'), 'utf8')).split('\n')[0]).toMatch(/^Name:/);
    expect(await readdir(dir)).not.toContain('over-limit');
    expect(await readdir(dir)).not.toContain('proc-status');
  });

  it('refuses a FIFO by its kind, never waiting on it', async () => {
    const fifo = target('mirror.fifo');
    execFileSync('mkfifo', [fifo]);
    const error = await failure(downloadToFile(pathToFileURL(fifo).href, target('from-fifo')));
    expect(error?.message).toBe(`cannot read ${pathToFileURL(fifo).href}: a FIFO (named pipe), not a file to copy`);
  });

  it('fails on a missing file with the code and where mirrors are set, leaving nothing', async () => {
    const missing = pathToFileURL(target('no-such-mirror.json')).href;
    const error = await failure(downloadToFile(missing, target('not-copied')));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error?.message).toBe(`cannot read ${missing}: no such file or directory`);
    expect(error?.hint).toBe('check the file:// mirror (ATTACK_COV_ATTACK_MIRROR, ATTACK_COV_FALCO_RULES_MIRROR) or the URL');
    expect(await readdir(dir)).not.toContain('not-copied');
  });
});
