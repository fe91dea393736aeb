// HTTP content codings (RFC 9110 §8.4): undici's request() hands the body over as sent, so a server (or a
// mirror, a gateway in front of an LLM) that compresses it would leave gzip bytes where YAML or JSON is read.
// attack-cov asks for the codings Node's zlib decodes and decodes what comes, bounded like any body.
import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { BodyTooLargeError } from './body.js';

/** The `accept-encoding` of every request: what `decodeBody` decodes. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

export class UnsupportedEncodingError extends Error {}

type Coding = 'gzip' | 'deflate' | 'br';

const CODINGS: Record<string, Coding | undefined> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'br' };

/** The codings a `content-encoding` header lists, in the order they were applied; `identity` is none. */
export function contentCodings(header: string | string[] | undefined): Coding[] {
  const names = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((name) => name.trim().toLowerCase());
  return names.filter((name) => name !== '' && name !== 'identity').map((name) => {
    const coding = CODINGS[name];
    if (!coding) throw new UnsupportedEncodingError(`the answer is encoded as ${JSON.stringify(name.slice(0, 40))}, which attack-cov cannot decode (it asks for ${ACCEPT_ENCODING})`);
    return coding;
  });
}

/** `body` with its codings undone (the last applied first), at most `maxBytes` once decoded: a small
 * compressed answer may inflate without bound. */
export function decodeBody(body: Buffer, codings: readonly Coding[], maxBytes: number): Buffer {
  let decoded = body;
  for (const coding of [...codings].reverse()) decoded = decodeOne(decoded, coding, maxBytes);
  return decoded;
}

function decodeOne(body: Buffer, coding: Coding, maxBytes: number): Buffer {
  const options = { maxOutputLength: maxBytes };
  try {
    if (coding === 'gzip') return gunzipSync(body, options);
    if (coding === 'br') return brotliDecompressSync(body, options);
    try {
      return inflateSync(body, options);
    } catch (error) {
      // "deflate" is zlib-wrapped (RFC 1950), but servers have long sent it raw; browsers take both.
      if ((error as NodeJS.ErrnoException).code !== 'Z_DATA_ERROR') throw error;
      return inflateRawSync(body, options);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeError(maxBytes);
    throw new UnsupportedEncodingError(`the answer says it is ${coding}-encoded but does not decode: ${(error as Error).message}`);
  }
}
