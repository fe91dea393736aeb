// Downloads a URL to a file with undici: timeouts, retries with backoff, progress callbacks.
// Writes only to the temporary path it is given; the caller validates and renames.
import { closeSync, createReadStream, createWriteStream, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { Agent as AgentType, Dispatcher } from 'undici';
import { NetworkError } from '../errors.js';
import { limits } from '../limits.js';
import { lazyPackage } from '../lazy-package.js';
import { BodyTooLargeError, consumeBody } from './body.js';
import { ACCEPT_ENCODING, contentCodings, decodeBody, UnsupportedEncodingError } from './content-encoding.js';
import { redactUrl, splitCredentials } from './url.js';
import { describeFsError, NotRegularFileError, openRegularFile } from '../regular-file.js';

export interface DownloadOptions {
  /** Milliseconds to wait for response headers, and between two body chunks (default 10 s). */
  timeoutMs?: number;
  /** Overall deadline of the download, all attempts included (default: limits.downloadDeadlineMs). */
  deadlineMs?: number;
  /** No retry starts after this long (default 30 s): a mirror that never answers gives up within about this. */
  retryBudgetMs?: number;
  /** Largest body accepted (default: limits.maxBundleBytes). */
  maxBytes?: number;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Delay before the first retry; doubled for each further one. */
  backoffMs?: number;
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
  /** Called once when the download ends, completed or failed (after the last onProgress). */
  onProgressEnd?: () => void;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

/** The redirects undici's interceptor follows when they name a location: one of them as the final answer is past the limit. */
const REDIRECT_STATUS = new Set([300, 301, 302, 303, 307, 308]);
const MAX_REDIRECTIONS = 5;

/** Redirects past the limit, or back to a URL already visited (undici refuses that one at once): the same again on a retry. */
class RedirectError extends Error {}

interface Client {
  request: typeof import('undici').request;
  /** Follows up to 5 redirects; its connections are reused by the retries of one download, and closed after it. */
  agent: Dispatcher;
  /** The errors of the agent's connections so far (ECONNRESET …), which undici may not pass on: see openClient. */
  connectionErrors: Error[];
}

/** undici, loaded only when a download or an LLM request happens (it costs ~60 ms to load). */
export const undiciLib = lazyPackage<typeof import('undici')>('undici');

/**
 * An agent whose connections report their errors to `connectionErrors`. undici ends a body delimited by the closing of
 * the connection (HTTP/1.0 style, no content-length) as complete when the connection is reset instead (a workaround for
 * macOS, which resets connections that did end): the body emits 'end', no error. A reset before the server's orderly
 * close is a cut-off body all the same, which validation may not see (a rules file cut between two items is one), so an
 * attempt during which a connection failed fails too.
 */
function openClient(): Client {
  const lib = undiciLib();
  const connectionErrors: Error[] = [];
  // Through a proxy (HTTPS_PROXY …): undici's EnvHttpProxyAgent, which tunnels with CONNECT and honours NO_PROXY; the
  // reset watch below is for direct connections only.
  // Its own agent, not the shared proxyDispatcher(): the download destroys its agent when it ends.
  const agent = hasProxy() ? (new lib.EnvHttpProxyAgent() as unknown as AgentType) : watchedAgent(lib, connectionErrors);
  return { request: lib.request, agent: agent.compose(lib.interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS })), connectionErrors };
}

/** A direct agent whose connections' errors go to `connectionErrors` (see openClient). */
function watchedAgent(lib: typeof import('undici'), connectionErrors: Error[]): AgentType {
  const connect = lib.buildConnector({});
  return new lib.Agent({
    connect: (options, callback) => connect(options, (...result) => {
      // Listening before undici does: the error is recorded before undici ends the body on it. undici's own reasons for
      // closing a connection (UND_ERR_INFO "reset" once a close-delimited body has ended, timeouts) are not failures of it.
      result[1]?.on('error', (error: NodeJS.ErrnoException) => {
        if (!error.code?.startsWith('UND_ERR_')) connectionErrors.push(error);
      });
      callback(...result);
    }),
  }) as AgentType;
}

/** The proxy variables curl and most tools read; undici's EnvHttpProxyAgent reads the same (and NO_PROXY). */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

let proxyAgent: AgentType | undefined;
/** Whether the environment names a proxy (the variables curl reads). */
function hasProxy(env: NodeJS.ProcessEnv = process.env): boolean {
  return PROXY_VARIABLES.some((name) => env[name]);
}

/** A dispatcher going through the proxy the environment names (HTTP_PROXY, HTTPS_PROXY, NO_PROXY), or undefined when
 * it names none; one per process, for the LLM client's requests (a download makes its own, and destroys it). */
export function proxyDispatcher(env: NodeJS.ProcessEnv = process.env): AgentType | undefined {
  if (!hasProxy(env)) return undefined;
  proxyAgent ??= new (undiciLib().EnvHttpProxyAgent)() as unknown as AgentType;
  return proxyAgent;
}

/** Retry-After in milliseconds (seconds or an HTTP date), or undefined when absent or invalid: a negative number is no
 * delay-seconds (RFC 9110), so the normal backoff applies rather than none. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

interface AttemptSettings {
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
  onProgress?: DownloadOptions['onProgress'];
}

async function downloadOnce({ request, agent, connectionErrors }: Client, url: string, tempPath: string, settings: AttemptSettings): Promise<void> {
  const target = splitCredentials(url);
  const failedBefore = connectionErrors.length;
  const response = await request(target.url, {
    // Stryker disable next-line StringLiteral: undici's request() sends GET for an empty method without a body
    method: 'GET',
    headersTimeout: settings.headersTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
    signal: settings.signal,
    dispatcher: agent,
    headers: { 'user-agent': 'attack-cov', accept: '*/*', 'accept-encoding': ACCEPT_ENCODING, ...target.headers },
  }).catch((error: Error) => {
    // undici's words ("Redirect loop detected … Use an Agent for cross-origin redirects") are about its own API.
    // Stryker disable next-line Regex: undici's message begins with these words, and no other error of a request has them
    throw /^Redirect loop detected/.test(error.message) ? new RedirectError('too many redirects (a loop back to a URL already visited)') : error;
  });
  if (response.statusCode !== 200) {
    await consumeBody(response.body, 1 << 20, () => undefined).catch(() => undefined);
    if (REDIRECT_STATUS.has(response.statusCode) && response.headers.location) throw new RedirectError(`too many redirects (more than ${MAX_REDIRECTIONS})`);
    throw new HttpStatusError(response.statusCode, parseRetryAfter(response.headers['retry-after']));
  }
  const lengthHeader = Number(response.headers['content-length']);
  // undici accepts only digits there: the number is NaN when it is missing; a length of 0 announces no total.
  const total = lengthHeader >= 1 ? lengthHeader : undefined;
  let codings: ReturnType<typeof contentCodings>;
  try {
    codings = contentCodings(response.headers['content-encoding']);
    if (total !== undefined && total > settings.maxBytes) throw new BodyTooLargeError(settings.maxBytes);
  } catch (error) {
    // undici's body emits 'Request aborted' when destroyed: unheard, that error event would crash the process.
    response.body.on('error', () => undefined).destroy();
    throw error;
  }
  const fd = openSync(tempPath, 'w');
  let received = 0;
  try {
    // Synchronous writes keep the body flowing: see body.ts for the undici assertion this avoids. A body shorter
    // than its content-length needs no check here: undici rejects it ("other side closed").
    await consumeBody(response.body, settings.maxBytes, (chunk) => {
      writeSync(fd, chunk);
      settings.onProgress?.(received += chunk.length, total);
    });
  } finally {
    closeSync(fd);
  }
  const failure = connectionErrors[failedBefore];
  if (failure) throw new Error(`the connection failed before the response ended: ${describe(failure)}`);
  // What is stored is the file itself: a gzip-encoded answer (a mirror compressing what it sends) is decoded here.
  // Stryker disable next-line ConditionalExpression,EqualityOperator: no codings decode to the same bytes; the test only spares a 45 MB read and write
  if (codings.length > 0) writeFileSync(tempPath, decodeBody(readFileSync(tempPath), codings, settings.maxBytes));
}

function describe(error: unknown): string {
  if (error instanceof HttpStatusError) return error.message;
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  const message = err.cause?.message ?? err.message ?? String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** A file:// mirror: copied, not downloaded (no retries: a missing file does not come back). A regular file only (a FIFO
 * is never waited on, /dev/zero never copied), of at most `maxBytes`. */
async function copyFromFileUrl(url: string, tempPath: string, maxBytes: number): Promise<void> {
  try {
    const { fd, size } = openRegularFile(fileURLToPath(url));
    let copied = 0;
    // Stryker disable next-line StringLiteral: given an fd, createReadStream reads it and never opens the path
    const counted = createReadStream('', { fd, end: maxBytes }).on('data', (chunk) => (copied += chunk.length));
    // Stryker disable next-line ConditionalExpression: the copy stops after maxBytes + 1 bytes anyway (end) and the count refuses it; this spares reading them
    if (size > maxBytes) counted.destroy(new BodyTooLargeError(maxBytes));
    await pipeline(counted, createWriteStream(tempPath));
    if (copied > maxBytes) throw new BodyTooLargeError(maxBytes);
  } catch (error) {
    await rm(tempPath, { force: true });
    const reason = error instanceof NotRegularFileError ? `${error.kind}, not a file to copy` : error instanceof BodyTooLargeError ? error.message : describeFsError(error as NodeJS.ErrnoException);
    throw new NetworkError(`cannot read ${redactUrl(url)}: ${reason}`, error instanceof BodyTooLargeError ? hintFor(error) : 'check the file:// mirror (ATTACK_COV_ATTACK_MIRROR, ATTACK_COV_FALCO_RULES_MIRROR) or the URL');
  }
}

/** Headers within 10 s, 3 attempts, and no retry once 30 s have passed: a mirror that never answers fails within about 30 s. */
export const DEFAULT_DOWNLOAD_SETTINGS = Object.freeze({ timeoutMs: 10_000, attempts: 3, backoffMs: 1_000, retryBudgetMs: 30_000 });

type RetrySettings = Required<Pick<DownloadOptions, 'timeoutMs' | 'attempts' | 'backoffMs' | 'retryBudgetMs'>>;

/** How long attempt `attempt` waits for response headers, `elapsedMs` after the first attempt started: the first
 * waits timeoutMs; a retry no longer than what is left of the retry budget (at least 1 ms). */
export function headersTimeoutFor(attempt: number, elapsedMs: number, settings: RetrySettings): number {
  const budgetLeft = settings.retryBudgetMs - elapsedMs;
  return Math.max(1, Math.min(settings.timeoutMs, attempt === 1 ? settings.timeoutMs : budgetLeft));
}

/** The wait before the attempt after `attempt` failed `elapsedMs` after the first started, or undefined when no
 * retry starts: the last attempt failed, or the retry would start at or past the retry budget. Retry-After
 * (`retryAfterMs`) replaces the doubling backoff. */
export function retryDelayFor(attempt: number, elapsedMs: number, settings: RetrySettings, retryAfterMs?: number): number | undefined {
  const delay = retryAfterMs ?? settings.backoffMs * 2 ** (attempt - 1);
  return attempt < settings.attempts && elapsedMs + delay < settings.retryBudgetMs ? delay : undefined;
}

function isRetryable(error: unknown): boolean {
  return !(error instanceof BodyTooLargeError) && !(error instanceof RedirectError) && !(error instanceof UnsupportedEncodingError) && (!(error instanceof HttpStatusError) || RETRYABLE_STATUS.has(error.status));
}

/** Downloads `url` into `tempPath`, retrying network failures, 408/429 and 5xx. Removes `tempPath` on failure. */
export async function downloadToFile(url: string, tempPath: string, options: DownloadOptions = {}): Promise<void> {
  const settings = { ...DEFAULT_DOWNLOAD_SETTINGS, deadlineMs: limits.downloadDeadlineMs, maxBytes: limits.maxBundleBytes, ...options };
  if (/^file:/i.test(url)) return copyFromFileUrl(url, tempPath, settings.maxBytes);
  const started = Date.now();
  const deadline = AbortSignal.timeout(settings.deadlineMs);
  const client = openClient();
  let lastError: unknown;
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const headersTimeoutMs = headersTimeoutFor(attempt, Date.now() - started, settings);
        await downloadOnce(client, url, tempPath, { headersTimeoutMs, bodyTimeoutMs: settings.timeoutMs, maxBytes: settings.maxBytes, signal: deadline, onProgress: settings.onProgress });
        return;
      } catch (error) {
        lastError = deadline.aborted ? new Error(`no complete answer within ${Math.round(settings.deadlineMs / 1000)} s (the download deadline)`) : error;
        await rm(tempPath, { force: true });
        const retryAfter = error instanceof HttpStatusError ? error.retryAfterMs : undefined;
        const delay = retryDelayFor(attempt, Date.now() - started, settings, retryAfter);
        if (deadline.aborted || !isRetryable(error) || delay === undefined) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  } finally {
    settings.onProgressEnd?.();
    // No socket outlives the download (an idle keep-alive one would hold the process open for its timeout).
    await client.agent.destroy();
  }
  const hint = hintFor(lastError);
  throw new NetworkError(`download failed: ${redactUrl(url)}: ${describe(lastError)}`, hint, hint === UNREACHABLE_HINT);
}

function hintFor(error: unknown): string {
  const status = error instanceof HttpStatusError ? error.status : undefined;
  if (status === 404) return 'check the URL or version; nothing is published there';
  if (status === 401 || status === 403) return 'the server wants credentials or refused them: check the user:password@ (or token) in the URL, or pass a local file instead (--attack FILE, --rules FILE)';
  if (error instanceof BodyTooLargeError) return 'raise ATTACK_COV_MAX_BUNDLE_BYTES if the file is genuine';
  if (error instanceof UnsupportedEncodingError) return 'download the file another way and pass it (--attack FILE, --rules FILE), or ask for it without the proxy that encodes it';
  if (error instanceof RedirectError) return 'check the URL (the server sends it elsewhere, again and again), or pass a local file instead (--attack FILE, --rules FILE)';
  return UNREACHABLE_HINT;
}

/** The hint of a download that no server answered with a verdict on the file (see NetworkError.isUnreachable). */
const UNREACHABLE_HINT = 'check the network or proxy, or pass a local file instead (--attack FILE, --rules FILE)';
