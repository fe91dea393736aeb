// URLs as attack-cov shows and records them: never with credentials, a query string or a fragment
// (a mirror's token must not reach report.json, a log or an error line).
import { UsageError } from '../errors.js';
import { REDACTED, registerSecret } from '../secrets.js';

/** `https://user:token@host/path?sig=…#x` → `https://host/path`; anything unparsable, or a URL without a host but for a
 * file: one (`admin:pw@gateway/v1` reads as scheme `admin:`, its password in the path), is returned as `<url>`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.host === '' && parsed.protocol !== 'file:') return '<url>';
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return '<url>';
  }
}

/**
 * How an error names a value given as a URL that may be none: as redactUrl shows it when it is a URL, else as written
 * but for its user:password, query and fragment. The user:password is anything up to the last '@' (after a `scheme://`):
 * `admin:Sup3r@gateway/v1`, its scheme forgotten, → `[redacted]@gateway/v1`. Up to the last '@' of all, not the last
 * before the first '/': a password typed unencoded may hold a '/'.
 */
export function shownUrl(text: string): string {
  const shown = redactUrl(text);
  if (shown !== '<url>') return shown;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  const rest = text.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  return `${scheme}${at === -1 ? '' : `${REDACTED}@`}${rest.slice(at + 1).replace(/[?#][\s\S]*/, '')}`;
}

export function isUrl(spec: string): boolean {
  return /^(https?|file):\/\//i.test(spec);
}

/** A usage error for `text`, given as `named` (a flag or variable; none for an argument), that is no URL attack-cov can
 * use, `why` in words: the URL is named as shownUrl names it, never with its user:password. */
export function badUrlError(named: string | undefined, text: string, why: string, hint: string): UsageError {
  return new UsageError(`${named ? `${named} ` : ''}${shownUrl(text)}: ${why}`, hint);
}

/** Why the URL parser refuses `text`, in words (it says only "Invalid URL"); undefined when it parses. */
export function urlProblem(text: string): string | undefined {
  if (URL.canParse(text)) return undefined;
  const authority = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0]!;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (host === '') return 'no host';
  if (/\s/.test(host)) return 'white space in the host';
  if (host.startsWith('[') && !host.includes(']')) return 'an IPv6 address without its closing ]';
  const port = /:([^:\]]*)$/.exec(host)?.[1];
  if (port !== undefined && !/^\d*$/.test(port)) return `the port "${port}" is no number`;
  // The guard alone is parenthesized on a line of its own, so that the directive spares its mutant only.
  if ((
    // Stryker disable next-line ConditionalExpression: `port !== undefined` as true is the same: without a port, Number(undefined) is NaN, never > 65535
    port !== undefined)
    && Number(port) > 65535) return `port ${port} is past 65535`;
  return 'the URL parser refuses it';
}

/** Refuses, as `named` gave it, an http(s) or file URL that does not parse: it would fail deep in the downloader. */
export function checkUrlParses(named: string | undefined, text: string, hint: string): void {
  const problem = urlProblem(text);
  if (problem) throw badUrlError(named, text, `not a valid URL (${problem})`, hint);
}

/** `url` without its user:password, and the HTTP Basic authorization header they make (undici would drop them
 * without a word). The header goes to that origin only: undici's redirect handling removes it for another one. */
export function splitCredentials(url: string): { url: string; headers: { authorization?: string } } {
  const parsed = new URL(url);
  if (parsed.username === '' && parsed.password === '') return { url, headers: {} };
  const credentials = `${decodeUserinfo(parsed.username)}:${decodeUserinfo(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  const encoded = Buffer.from(credentials).toString('base64');
  // A server that echoes the header back (in an error page) must not show it either.
  registerSecret(encoded);
  return { url: parsed.toString(), headers: { authorization: `Basic ${encoded}` } };
}

/** A percent-encoded user or password as typed ('%zz', no valid escape, stays as it is). */
function decodeUserinfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
