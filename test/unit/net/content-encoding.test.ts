// src/net/content-encoding.ts: which content codings a header lists (and which attack-cov refuses), and bodies
// decoded within a byte cap, each coding and the ways a body fails to decode.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyTooLargeError } from '../../../src/net/body.js';
import { ACCEPT_ENCODING, contentCodings, decodeBody, UnsupportedEncodingError } from '../../../src/net/content-encoding.js';

const TEXT = Buffer.from('- rule: r\n  desc: d\n'.repeat(50));

describe('contentCodings', () => {
  it('lists the codings applied, in order, in any case and spacing, identity and blanks being none', () => {
    expect(contentCodings(undefined)).toEqual([]);
    expect(contentCodings('')).toEqual([]);
    expect(contentCodings('identity')).toEqual([]);
    expect(contentCodings(' GZIP ')).toEqual(['gzip']);
    expect(contentCodings('x-gzip, , br')).toEqual(['gzip', 'br']);
    expect(contentCodings(['deflate', 'gzip'])).toEqual(['deflate', 'gzip']);
  });

  it('refuses a coding it cannot decode, naming it (cut to 40 characters) and what it asks for', () => {
    expect(() => contentCodings('gzip, zstd')).toThrow(new UnsupportedEncodingError('the answer is encoded as "zstd", which attack-cov cannot decode (it asks for gzip, deflate, br)'));
    expect(() => contentCodings('x'.repeat(60))).toThrow(`the answer is encoded as "${'x'.repeat(40)}", which`);
    expect(ACCEPT_ENCODING).toBe('gzip, deflate, br');
  });
});

describe('decodeBody', () => {
  it('undoes each coding, the last applied first: gzip, br, zlib deflate and raw deflate (as browsers take it)', () => {
    expect(decodeBody(TEXT, [], 1000)).toBe(TEXT);
    for (const [coding, bytes] of [['gzip', gzipSync(TEXT)], ['br', brotliCompressSync(TEXT)], ['deflate', deflateSync(TEXT)], ['deflate', deflateRawSync(TEXT)]] as const) {
      expect(decodeBody(bytes, [coding], 10_000)).toEqual(TEXT);
    }
    expect(decodeBody(brotliCompressSync(gzipSync(TEXT)), ['gzip', 'br'], 10_000)).toEqual(TEXT);
  });

  it('stops at the cap once decoded, whatever the coding: a small body may inflate without bound', () => {
    for (const [coding, bytes] of [['gzip', gzipSync(TEXT)], ['br', brotliCompressSync(TEXT)], ['deflate', deflateSync(TEXT)], ['deflate', deflateRawSync(TEXT)]] as const) {
      expect(() => decodeBody(bytes, [coding], TEXT.length - 1), coding).toThrow(BodyTooLargeError);
      expect(decodeBody(bytes, [coding], TEXT.length)).toEqual(TEXT);
    }
  });

  it('refuses a body that does not decode as it says, in words', () => {
    expect(() => decodeBody(TEXT, ['gzip'], 10_000)).toThrow(/^the answer says it is gzip-encoded but does not decode: /);
    expect(() => decodeBody(TEXT, ['deflate'], 10_000)).toThrow(UnsupportedEncodingError);
    expect(() => decodeBody(gzipSync(TEXT).subarray(0, 20), ['gzip'], 10_000)).toThrow(/^the answer says it is gzip-encoded but does not decode: unexpected end of file$/);
  });
});
