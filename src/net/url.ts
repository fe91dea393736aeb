// URLs as attack-cov shows and records them: never with credentials, a query string or a fragment
// (a mirror's token must not reach report.json, a log or an error line).
import { registerSecret } from '../secrets.js';

/** `https://user:token@host/path?sig=…#x` → `https://host/path`; anything unparsable is returned as `<url>`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return parsed.toString();
  } catch {
    return '<url>';
  }
}

export function isUrl(spec: string): boolean {
  return /^(https?|file):\/\//i.test(spec);
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
