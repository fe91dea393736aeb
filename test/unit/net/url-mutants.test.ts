// src/net/url.ts: what counts as a URL (as opposed to a local path) and how a URL is shown.
import { describe, expect, it } from 'vitest';
import { isUrl, redactUrl } from '../../../src/net/url.js';

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
  });
});
