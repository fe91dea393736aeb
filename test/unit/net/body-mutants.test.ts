// src/net/body.ts: how a response body is read — everything up to the cap exactly, nothing past it, an error
// from the consumer or from the stream surfaces, and a body cut short is never taken as complete. The bodies
// are real streams (and, for the cut-off case, a real socket on 127.0.0.1).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { BodyTooLargeError, consumeBody, readBody } from '../../../src/net/body.js';

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

describe('consumeBody', () => {
  it('hands over every chunk in order and returns the byte count', async () => {
    const seen: string[] = [];
    await expect(consumeBody(chunks('ab', 'cde', 'f'), 100, (c) => seen.push(c.toString()))).resolves.toBe(6);
    expect(seen).toEqual(['ab', 'cde', 'f']);
  });

  it('accepts a body of exactly the cap, and refuses one byte more', async () => {
    await expect(consumeBody(chunks('abc', 'de'), 5, () => undefined)).resolves.toBe(5);
    const seen: string[] = [];
    const error = await consumeBody(chunks('abc', 'def'), 5, (c) => seen.push(c.toString())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect((error as BodyTooLargeError).limit).toBe(5);
    expect((error as Error).message).toBe('the response is larger than 5 bytes');
    // The chunk that crosses the cap is never handed on.
    expect(seen).toEqual(['abc']);
  });

  it("fails with the consumer's own error (e.g. a full disk)", async () => {
    const seen: string[] = [];
    const error = await consumeBody(chunks('a', 'b', 'c'), 100, (c) => {
      seen.push(c.toString());
      if (seen.length === 2) throw new Error('ENOSPC: no space left on device');
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('ENOSPC: no space left on device');
  });

  it("fails with the stream's error", async () => {
    const body = new PassThrough();
    const pending = consumeBody(body, 100, () => undefined);
    body.write('x');
    body.destroy(new Error('ECONNRESET'));
    await expect(pending).rejects.toThrow('ECONNRESET');
  });

  it('fails when the stream closes before its end, even without an error', async () => {
    const body = new PassThrough();
    const pending = consumeBody(body, 100, () => undefined);
    body.write('partial');
    body.destroy();
    // Checked by hand: vitest's rejects.toThrow(text) also passes on a rejection with null.
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('the connection closed before the response ended');
  });
});

describe('readBody', () => {
  it('joins the chunks before decoding, so a character split across two chunks survives', async () => {
    const euro = Buffer.from('€'); // 3 bytes
    const body = Readable.from([Buffer.concat([Buffer.from('price: '), euro.subarray(0, 1)]), euro.subarray(1)]);
    await expect(readBody(body, 100).then(String)).resolves.toBe('price: €');
  });

  describe('from a server that drops the connection half-way', () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('only part', () => res.socket?.destroy());
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('rejects instead of returning the part it got', async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const { request } = await import('undici');
      const response = await request(`http://127.0.0.1:${port}/`);
      await expect(readBody(response.body, 1_000)).rejects.toBeInstanceOf(Error);
    });
  });
});
