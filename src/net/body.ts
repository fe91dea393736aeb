// Reads an undici response body without ever pausing the HTTP parser. undici 7 asserts (and kills the
// process) when a server closes the connection while the parser is paused by backpressure
// (nodejs/undici#5360, fixed upstream in #5474): HTTP/1.0-style bodies without content-length end
// exactly that way. A 'data' listener that consumes each chunk synchronously keeps the body stream
// flowing, so the parser never pauses. Also caps the size, so no server can fill the memory or the disk.
import type { Readable } from 'node:stream';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`the response is larger than ${limit} bytes`);
  }
}

/** Feeds every chunk of `body` to `onChunk` (synchronously), failing past `maxBytes`. */
export function consumeBody(body: Readable, maxBytes: number, onChunk: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        body.destroy(new BodyTooLargeError(maxBytes));
        return;
      }
      try {
        onChunk(chunk);
      } catch (error) {
        body.destroy(error as Error);
      }
    });
    body.once('end', () => resolve(received));
    body.once('error', reject);
    // A body that ended emitted 'end' (resolved) before 'close', and a settled promise ignores this reject.
    body.once('close', () => reject(body.errored ?? new Error('the connection closed before the response ended')));
  });
}

/** The whole body, at most `maxBytes`. */
export async function readBody(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await consumeBody(body, maxBytes, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}
