// Servers that misbehave (issue 8, item 4), all real sockets on 127.0.0.1: a close-delimited HTTP/1.0
// body (undici 7 asserts on it, nodejs/undici#5360), a server trickling one byte at a time, one that
// never answers, one that sends more than any bundle. Every one fails (or succeeds) in bounded time and
// leaves no temporary file or directory.
import { mkdir, mkdtemp, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAttack } from '../../../src/attack/load.js';
import { NetworkError } from '../../../src/errors.js';
import { downloadToFile } from '../../../src/net/download.js';
import { MINI_BUNDLE } from '../../helpers/paths.js';
import { readFile } from 'node:fs/promises';
import { deadPid } from '../../helpers/processes.js';

interface RawServer {
  url: (p: string) => string;
  /** Requests received (undici may open a spare connection that never carries one). */
  requests: () => number;
  close: () => Promise<void>;
}

/** A raw TCP server: `answer` gets each socket once the request has arrived. */
async function rawServer(answer: (socket: net.Socket, requestLine: string) => void): Promise<RawServer> {
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', (data) => {
      requests++;
      answer(socket, data.toString('latin1').split('\r\n')[0] ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    requests: () => requests,
    close: () => new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

let dir: string;
let bundle: Buffer;
const servers: RawServer[] = [];
const start = async (answer: Parameters<typeof rawServer>[0]): Promise<RawServer> => {
  const server = await rawServer(answer);
  servers.push(server);
  return server;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-servers-'));
  bundle = await readFile(MINI_BUNDLE);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('a body delimited by closing the connection (HTTP/1.0 style, no content-length)', () => {
  it('is read whole, without the undici assertion that would kill the process', async () => {
    const body = Buffer.alloc(8 * 1024 * 1024, 0x61);
    const server = await start((socket) => {
      socket.write('HTTP/1.0 200 OK\r\ncontent-type: application/octet-stream\r\n\r\n');
      socket.end(body);
    });
    for (let run = 0; run < 3; run++) {
      const target = path.join(dir, `close-delimited-${run}`);
      await downloadToFile(server.url('/big'), target, { attempts: 1 });
      expect((await stat(target)).size).toBe(body.length);
    }
  });

  it('gives a usable bundle through loadAttack and the cache', async () => {
    const server = await start((socket) => {
      socket.write('HTTP/1.0 200 OK\r\n\r\n');
      socket.end(bundle);
    });
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-cache-'));
    // A temporary a killed run left in the cache folder (our name pattern, older than this run) goes; other files stay.
    await mkdir(path.join(cacheRoot, 'urls'));
    const stale = path.join(cacheRoot, 'urls', `x-mini.json.${deadPid()}.deadbeef.tmp`);
    await writeFile(stale, 'half a download');
    await utimes(stale, new Date(2020, 0, 1), new Date(2020, 0, 1));
    await writeFile(path.join(cacheRoot, 'urls', 'notes.tmp'), 'not ours');
    const loaded = await loadAttack(server.url('/mini.json'), { cacheRoot, download: { attempts: 1 } });
    expect(loaded.catalog.techniques.has('T1059')).toBe(true);
    const left = await readdir(path.join(cacheRoot, 'urls'));
    expect(left).toContain('notes.tmp');
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual(['notes.tmp']);
  });
});

describe('a connection reset in the middle of a body without content-length', () => {
  // undici ends such a body as complete on ECONNRESET (its macOS workaround): the download must fail all the same.
  const resetAfter = (part: Buffer) => (socket: net.Socket) => {
    socket.write('HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n');
    socket.write(part, () => setTimeout(() => socket.resetAndDestroy(), 50));
  };

  it('fails the download (every attempt), leaving no file', async () => {
    const server = await start(resetAfter(bundle.subarray(0, Math.floor(bundle.length * 0.6))));
    const target = path.join(dir, 'reset');
    const error = await downloadToFile(server.url('/reset.json'), target, { attempts: 2, backoffMs: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/\/reset\.json: the connection failed before the response ended: read ECONNRESET$/);
    expect(server.requests()).toBe(2);
    await expect(stat(target)).rejects.toThrow(/ENOENT/);
  });

  it('through loadAttack, fails on the reset itself (not on what validation makes of the part), caching nothing', async () => {
    const server = await start(resetAfter(bundle.subarray(0, Math.floor(bundle.length * 0.6))));
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-cache-'));
    await expect(loadAttack(server.url('/reset.json'), { cacheRoot, download: { attempts: 1 } })).rejects.toThrow(/ECONNRESET/);
    expect(await readdir(cacheRoot, { recursive: true })).toEqual([]);
  });
});

describe('deadlines', () => {
  it('a server sending one byte at a time fails at the overall download deadline, leaving no file', async () => {
    const server = await start((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-length: ${bundle.length}\r\n\r\n`);
      let sent = 0;
      const drip = (): void => {
        if (socket.destroyed || sent >= bundle.length) return;
        socket.write(bundle.subarray(sent, ++sent), () => setTimeout(drip, 100));
      };
      drip();
    });
    const target = path.join(dir, 'trickle');
    const started = Date.now();
    const error = await downloadToFile(server.url('/trickle'), target, { deadlineMs: 1_000, timeoutMs: 5_000, backoffMs: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/\/trickle: no complete answer within 1 s \(the download deadline\)$/);
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(stat(target)).rejects.toThrow(/ENOENT/);
  });

  it('a server that never answers: retries stop at the retry budget', async () => {
    const server = await start(() => undefined);
    const started = Date.now();
    const error = await downloadToFile(server.url('/silent'), path.join(dir, 'silent'), { timeoutMs: 500, retryBudgetMs: 2_500, attempts: 20, backoffMs: 50 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/Headers Timeout|timeout/i);
    // Within the budget plus one attempt, although twenty attempts of 500 ms with backoff would take minutes.
    expect(elapsed).toBeLessThan(4_000);
    expect(server.requests()).toBeGreaterThanOrEqual(2);
    expect(server.requests()).toBeLessThan(20);
  });

  it('by default a mirror that never answers gives up within about 30 s: 10 s per attempt, no retry past 30 s', async () => {
    const { DEFAULT_DOWNLOAD_SETTINGS } = await import('../../../src/net/download.js');
    expect(DEFAULT_DOWNLOAD_SETTINGS).toMatchObject({ timeoutMs: 10_000, retryBudgetMs: 30_000, attempts: 3 });
  });

  it('a body larger than the cap is cut off without retrying', async () => {
    const server = await start((socket) => {
      socket.write('HTTP/1.0 200 OK\r\n\r\n');
      socket.end(Buffer.alloc(64 * 1024, 0x20));
    });
    const error = await downloadToFile(server.url('/endless'), path.join(dir, 'endless'), { maxBytes: 10_000, backoffMs: 5 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/larger than 10000 bytes/);
    expect(server.requests()).toBe(1);
    expect(await readdir(dir)).not.toContain('endless');
  });
});
