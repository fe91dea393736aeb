// src/net/url.ts: what counts as a URL (as opposed to a local path), how a URL is shown, and how its user:password
// become a Basic authorization header (the request then goes to the URL without them).
import { describe, expect, it } from 'vitest';
import { isUrl, redactUrl, shownUrl, splitCredentials } from '../../../src/net/url.js';

describe('isUrl', () => {
  it('takes http, https and file URLs in any case', () => {
    for (const spec of ['http://x/a.json', 'HTTPS://mirror/x', 'file:///srv/bundle.json']) expect(isUrl(spec)).toBe(true);
  });

  it('treats a path that merely contains a URL-like part as a local file', () => {
    // A directory literally named "https:" (or a file name with "://" in it) is a path, not a download.
    for (const spec of ['mirror/https://x/a.json', './http://x', 'rules.yaml', 'ftp://x/a.json']) expect(isUrl(spec)).toBe(false);
  });
});

describe('redactUrl', () => {
  it('drops credentials, query and fragment, and says <url> for what is not one', () => {
    expect(redactUrl('https://user:tok3n@host/path/a.json?sig=abc#frag')).toBe('https://host/path/a.json');
    expect(redactUrl('not a url')).toBe('<url>');
    expect(redactUrl('file:///srv/a.json?x=1')).toBe('file:///srv/a.json');
  });
});

describe('shownUrl', () => {
  it('shows a URL as redactUrl does', () => {
    expect(shownUrl('https://user:tok3n@host/path/a.json?sig=abc#frag')).toBe('https://host/path/a.json');
    expect(shownUrl('ftp://x')).toBe('ftp://x/');
  });

  it('shows what is no URL as written, but for anything up to its last @ (after a scheme://), its query and fragment', () => {
    expect(shownUrl('notaurl')).toBe('notaurl');
    expect(shownUrl('http://[bad')).toBe('http://[bad');
    expect(shownUrl('https://u:pw@[bad')).toBe('https://[redacted]@[bad');
    // No scheme: "admin:" reads as one, the password as the path; redactUrl gives up on a URL without a host.
    expect(redactUrl('admin:Sup3rS3cretPw@gateway.internal/v1')).toBe('<url>');
    expect(shownUrl('admin:Sup3rS3cretPw@gateway.internal/v1')).toBe('[redacted]@gateway.internal/v1');
    expect(shownUrl('admin:Sup3r@S3cret/Pw@gateway.internal/v1?token=abc#x')).toBe('[redacted]@gateway.internal/v1');
    expect(shownUrl('gateway.internal/v1?token=abc')).toBe('gateway.internal/v1');
    // A scheme only counts at the start (not one in the query), and the query goes whole, blanks and all.
    expect(shownUrl('user:p@ss@host/a?next=http://x')).toBe('[redacted]@host/a');
    expect(shownUrl('u:p@host/a?q=1 2#f g')).toBe('[redacted]@host/a');
  });
});

describe('splitCredentials', () => {
  const basic = (credentials: string) => ({ authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });

  it('moves user:password out of the URL into the header, decoded as typed (an invalid escape kept as it is)', () => {
    expect(splitCredentials('http://bob:hunter2%21@127.0.0.1:8/v1?q=1')).toEqual({ url: 'http://127.0.0.1:8/v1?q=1', headers: basic('bob:hunter2!') });
    expect(splitCredentials('http://bob:100%zz@127.0.0.1:8/v1')).toEqual({ url: 'http://127.0.0.1:8/v1', headers: basic('bob:100%zz') });
  });

  it('takes a user without a password, or a password without a user, as credentials too', () => {
    expect(splitCredentials('http://bob@127.0.0.1:8/v1')).toEqual({ url: 'http://127.0.0.1:8/v1', headers: basic('bob:') });
    expect(splitCredentials('http://:t0ken-value@127.0.0.1:8/v1')).toEqual({ url: 'http://127.0.0.1:8/v1', headers: basic(':t0ken-value') });
  });

  it('leaves a URL without credentials exactly as given, with no header', () => {
    expect(splitCredentials('HTTP://Mirror.example:8/v1')).toEqual({ url: 'HTTP://Mirror.example:8/v1', headers: {} });
  });
});
