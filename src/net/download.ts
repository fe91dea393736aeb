// Downloads a URL to a file with undici: timeouts, retries with backoff, progress callbacks.
// Writes only to the temporary path it is given; the caller validates and renames.
import { createWriteStream } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Agent as AgentType, Dispatcher } from 'undici';
import { NetworkError } from '../errors.js';
import { redactUrl } from './url.js';

export interface DownloadOptions {
  /** Milliseconds to wait for response headers, and between two body chunks. */
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Delay before the first retry; doubled for each further one. */
  backoffMs?: number;
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
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

let agent: Dispatcher | undefined;
/** One agent per process, following up to 5 redirects. undici is imported only when a download happens (it costs ~60 ms to load). */
async function undici(): Promise<{ request: typeof import('undici').request; agent: Dispatcher }> {
  const lib = await import('undici');
  agent ??= (new lib.Agent() as AgentType).compose(lib.interceptors.redirect({ maxRedirections: 5 }));
  return { request: lib.request, agent };
}

export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function downloadOnce(url: string, tempPath: string, options: Required<Omit<DownloadOptions, 'onProgress'>> & DownloadOptions): Promise<void> {
  const { request, agent } = await undici();
  const response = await request(url, {
    method: 'GET',
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    dispatcher: agent,
    headers: { 'user-agent': 'attack-cov', accept: '*/*' },
  });
  if (response.statusCode !== 200) {
    await response.body.dump();
    throw new HttpStatusError(response.statusCode, parseRetryAfter(response.headers['retry-after']));
  }
  const lengthHeader = Number(response.headers['content-length']);
  const total = Number.isFinite(lengthHeader) && lengthHeader > 0 ? lengthHeader : undefined;
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      options.onProgress?.(received, total);
      done(null, chunk);
    },
  });
  await pipeline(response.body, counter, createWriteStream(tempPath));
  if (total !== undefined && received !== total) throw new Error(`connection closed after ${received} of ${total} bytes`);
}

function describe(error: unknown): string {
  if (error instanceof HttpStatusError) return error.message;
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code;
  const message = err.cause?.message ?? err.message ?? String(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

/** A file:// mirror: copied, not downloaded (no retries: a missing file does not come back). */
async function copyFromFileUrl(url: string, tempPath: string): Promise<void> {
  try {
    await copyFile(fileURLToPath(url), tempPath);
  } catch (error) {
    await rm(tempPath, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new NetworkError(`cannot read ${redactUrl(url)}: ${code ?? (error as Error).message}`, 'check the file:// mirror (ATTACK_COV_ATTACK_MIRROR, ATTACK_COV_FALCO_RULES_MIRROR) or the URL');
  }
}

/** Downloads `url` into `tempPath`, retrying network failures, 408/429 and 5xx. Removes `tempPath` on failure. */
export async function downloadToFile(url: string, tempPath: string, options: DownloadOptions = {}): Promise<void> {
  if (/^file:/i.test(url)) return copyFromFileUrl(url, tempPath);
  const settings = { timeoutMs: 30_000, attempts: 3, backoffMs: 1_000, ...options };
  let lastError: unknown;
  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
    try {
      await downloadOnce(url, tempPath, settings);
      return;
    } catch (error) {
      lastError = error;
      await rm(tempPath, { force: true });
      const isRetryable = !(error instanceof HttpStatusError) || RETRYABLE_STATUS.has(error.status);
      if (!isRetryable || attempt === settings.attempts) break;
      const retryAfter = error instanceof HttpStatusError ? error.retryAfterMs : undefined;
      await new Promise((resolve) => setTimeout(resolve, retryAfter ?? settings.backoffMs * 2 ** (attempt - 1)));
    }
  }
  const status = lastError instanceof HttpStatusError ? lastError.status : undefined;
  throw new NetworkError(
    `download failed: ${redactUrl(url)}: ${describe(lastError)}`,
    status === 404 ? 'check the URL or version; nothing is published there' : 'check the network or proxy, or pass a local file instead (--attack FILE, --rules FILE)',
  );
}
