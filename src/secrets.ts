// Keeps secrets out of everything attack-cov prints or writes: the API key, a mirror's user:password,
// tokens in a URL's query. The CLI registers them once; the writers (stdout, stderr, output files)
// pass their text through redactSecrets, so even a server or a model echoing one back cannot leak it.

const secrets = new Set<string>();
/** What stands where a secret was. */
export const REDACTED = '[redacted]';
/** The one length rule for every secret, wherever it is redacted (errors, stdout, files): a shorter value is a
 * placeholder (local LLM servers take `none`, `true`, `EMPTY`), and redacting it would rewrite ordinary words in
 * every report (a 4-character `true` made report.json invalid JSON). */
const MIN_SECRET_LENGTH = 8;
const SECRET_PARAM = /token|key|secret|sig|pass|auth|credential|session|code/i;

function isSecretLength(value: string | undefined): value is string {
  return value !== undefined && value.length >= MIN_SECRET_LENGTH;
}

export function registerSecret(value: string | undefined): void {
  for (const form of secretForms(value)) secrets.add(form);
}

/** The forms of `value` that may reach an output, each under the length rule: as given, without the spaces around it
 * (HTTP drops them from a header value, so a server echoes `KEY ` as `KEY`), their URL-encoded and decoded forms, and
 * the forms a server's JSON encoder writes them in (an error body echoing the key). */
function secretForms(value: string | undefined): string[] {
  if (value === undefined) return [];
  const given = [...new Set([value, value.trim()])];
  return [...new Set([...given, ...given.flatMap((form) => [encodeURIComponent(form), safeDecode(form), ...jsonForms(form)])])].filter(isSecretLength);
}

/** `value` inside a JSON string as encoders write it: JSON.stringify's escapes, then `/` as `\/` (PHP's json_encode,
 * by default) or `<`, `>`, `&`, U+2028 and U+2029 as `\uXXXX` (Go's encoding/json). */
function jsonForms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const unicode = (text: string): string => text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [json, json.replace(/\//g, '\\/'), unicode(json), unicode(json).replace(/\//g, '\\/')];
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Registers the user, password and secret-looking query values of `text` when it is a URL (as the WHATWG URL
 * parser reads it: spaces around it are ignored, so ' https://u:p@h' still gives its password). */
export function registerSecretsInUrl(text: string | undefined): void {
  if (!text) return;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return;
  }
  registerSecret(url.password);
  if (url.username && !url.password) registerSecret(url.username);
  for (const [key, value] of url.searchParams) if (SECRET_PARAM.test(key)) registerSecret(value);
}

// Any URL's user:password@, and secret-looking query parameters, whether registered or not.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;
const SECRET_QUERY = /([?&][^=&\s#"'<>]*(?:token|key|secret|sig|pass|auth|credential|session)[^=&\s#"'<>]*=)[^&\s#"'<>]+/gi;

/** Every registered secret replaced (exact values only: safe for any output, scripts included). */
export function redactSecrets(text: string): string {
  return replaceAll(text, [...secrets]);
}

function replaceAll(text: string, values: string[]): string {
  let result = text;
  // Longest first: a secret that contains another is replaced whole.
  for (const secret of [...values].sort((a, b) => b.length - a.length)) result = result.split(secret).join(REDACTED);
  return result;
}

/** For messages (errors, hints): registered secrets, `also` (a secret not registered, under the same length rule), and
 * any URL's user:password@ and token-like query values. */
export function redactMessage(text: string, also?: string): string {
  return redactSecrets(replaceAll(text, secretForms(also))).replace(USERINFO, `$1${REDACTED}@`).replace(SECRET_QUERY, `$1${REDACTED}`);
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
}
