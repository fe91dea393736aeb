// src/net/url.ts: what counts as a URL (as opposed to a local path), how a URL is shown, and how its user:password
// become a Basic authorization header (the request then goes to the URL without them).
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { thrown } from '../../helpers/errors.js';
import { badUrlError, checkUrlParses, isUrl, redactUrl, shownUrl, splitCredentials, urlProblem } from '../../../src/net/url.js';

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

describe('urlProblem', () => {
  it('is undefined for a URL that parses', () => {
    for (const url of ['https://example.org/x.json', 'http://[::1]:8080/', 'file:///srv/bundle.json']) expect(urlProblem(url), url).toBeUndefined();
  });

  it('says in words why the URL parser refuses one', () => {
    const cases: [string, string][] = [
      ['http://', 'no host'],
      ['http://user:pw@', 'no host'],
      ['http://exa mple.org/x', 'white space in the host'],
      ['http://[::1/x', 'an IPv6 address without its closing ]'],
      ['http://host:8o80/x', 'the port "8o80" is no number'],
      ['http://[fe80::1]:8o/', 'the port "8o" is no number'],
      ['http://host:70000/', 'port 70000 is past 65535'],
      // A host the parser refuses for another reason, with a port it would take (65535 is the last one).
      ['http://bad^host:65535/', 'the URL parser refuses it'],
      ['http://bad^host/', 'the URL parser refuses it'],
      ['http://[::g]', 'the URL parser refuses it'],
      // A scheme counts only at the start: here `mirror_1:` is a host (`_` is no scheme's) with an empty port.
      ['mirror_1:https://x/b.json', 'the URL parser refuses it'],
    ];
    for (const [url, problem] of cases) expect(urlProblem(url), url).toBe(problem);
  });
});

describe('checkUrlParses and badUrlError', () => {
  it('refuses a URL that does not parse, named by the flag or variable, without its user:password, with the hint', () => {
    expect(thrown(() => checkUrlParses('--attack', 'https://u:Sup3rS3cret@exa mple.org/b.json', 'give a URL'), UsageError)).toMatchObject({
      message: '--attack https://[redacted]@exa mple.org/b.json: not a valid URL (white space in the host)', hint: 'give a URL',
    });
    expect(thrown(() => checkUrlParses(undefined, 'http://', 'h'), UsageError).message).toBe('http://: not a valid URL (no host)');
    expect(() => checkUrlParses('--attack', 'https://example.org/b.json', 'h')).not.toThrow();
  });

  it('names the value as shownUrl does, after the flag when there is one', () => {
    expect(badUrlError('ATTACK_COV_ATTACK_MIRROR', 'ftp://u:pw@mirror/x?token=t', 'not an http(s) or file URL', 'h').message)
      .toBe('ATTACK_COV_ATTACK_MIRROR ftp://mirror/x: not an http(s) or file URL');
    expect(badUrlError(undefined, 'mirror/x', 'why', 'h').message).toBe('mirror/x: why');
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
