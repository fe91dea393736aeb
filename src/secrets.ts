// Keeps secrets out of everything attack-cov prints or writes: the API key, a mirror's user:password,
// tokens in a URL's query. The CLI registers them once; the writers (stdout, stderr, output files)
// pass their text through redactSecrets, so even a server or a model echoing one back cannot leak it.

const secrets = new Set<string>();
/** Registered values long enough that a part of them is a secret too (see redactPartial). */
const partials = new Set<string>();
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
  const trimmed = value?.trim();
  if (trimmed !== undefined && trimmed.length >= PARTIAL_CHARS && KEY_LIKE.test(trimmed)) partials.add(trimmed);
}

/** How much of a secret's start or end is a secret itself: a gateway that cuts the key in its error (QA:
 * `Incorrect API key provided: sk-test-SECRET1234…`, 18 of 23 characters) must not put most of it in a CI log. A key's
 * last 4 characters, as OpenAI shows them, stay. */
const PARTIAL_CHARS = 12;
/** Keys as issued (letters, digits, - _ . ~ + / =): a run of these cut out of a JSON string or an HTML attribute leaves
 * no escape sequence cut in half, so partial redaction is as safe for scripts as the exact one. */
const KEY_LIKE = /^[A-Za-z0-9._~+/=-]+$/;

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

/** Every registered secret replaced, and any run of PARTIAL_CHARS or more of a key's first or last characters (safe
 * for any output, scripts included: see KEY_LIKE). */
export function redactSecrets(text: string): string {
  let result = replaceAll(text, [...secrets]);
  for (const secret of partials) result = redactPartial(result, secret);
  return result;
}

/** `text` with each run that starts with `secret`'s first PARTIAL_CHARS characters and goes on as `secret` does (or ends
 * with its last ones, going back as it does) replaced. */
// The searches go on after the [redacted] just written; from before it they would find the same next run (nothing
// before it is a run any more, and no run can reach into "[redacted]": a key-like secret has no "["). A run never
// grows to the whole secret (replaceAll has replaced every whole one), and result[-1] is undefined, no character of a
// secret: the bounds in the loops only make it plain that they end (their mutants survive, named in the README).
function redactPartial(text: string, secret: string): string {
  let result = text;
  const head = secret.slice(0, PARTIAL_CHARS);
  // Stryker disable next-line ArithmeticOperator: see above
  for (let at = result.indexOf(head); at >= 0; at = result.indexOf(head, at + REDACTED.length)) {
    let end = at + PARTIAL_CHARS;
    while (end - at < secret.length && result[end] === secret[end - at]) end++;
    result = result.slice(0, at) + REDACTED + result.slice(end);
  }
  const tail = secret.slice(-PARTIAL_CHARS);
  // Stryker disable next-line ArithmeticOperator: see above
  for (let at = result.indexOf(tail); at >= 0; at = result.indexOf(tail, at + REDACTED.length)) {
    const end = at + PARTIAL_CHARS;
    let start = at;
    while (end - start < secret.length && start > 0 && result[start - 1] === secret[secret.length - (end - start) - 1]) start--;
    result = result.slice(0, start) + REDACTED + result.slice(end);
    at = start;
  }
  return result;
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

/** How long a run of a key's characters, anywhere in it, is a secret in what a server sends back (redactEchoes). */
const ECHOED_RUN_CHARS = 16;

/** The forms of `key` a server may echo it in beyond those redactSecrets knows (QA: an endpoint echoing the key as
 * base64, hex, upper case, \uXXXX or HTML entities put it in stderr and summary.json): its letters in one case, its
 * UTF-8 bytes as hex, as base64 at each of the three byte alignments a longer encoded text can put it at (the
 * characters that depend on its bytes only, in both alphabets). Its escaped forms are escapedPattern's. */
function echoedForms(key: string): string[] {
  // Each form is at least as long as the key (redactEchoes takes a key of MIN_SECRET_LENGTH or more): the base64 kept at
  // an alignment is 4 characters for each whole group of 3 bytes, which a key of 8 bytes or more always fills twice.
  const bytes = Buffer.from(key, 'utf8');
  const base64 = [0, 1, 2].map((k) => Buffer.concat([Buffer.alloc(k), bytes]).toString('base64').slice(4 * Math.ceil(k / 3), 4 * Math.floor((bytes.length + k) / 3)));
  const hex = bytes.toString('hex');
  return [key.toLowerCase(), key.toUpperCase(), hex, hex.toUpperCase(), ...base64, ...base64.map((b) => b.replace(/\+/g, '-').replace(/\//g, '_'))];
}

/** `key` with each character escaped, as a pattern: `\uXXXX` behind any number of backslashes (a JSON string inside a
 * JSON string doubles them at each level: a model's answer in a completion, a gateway quoting an upstream error), or an
 * HTML entity `&#N;`/`&#xH;` whose `&` may be `\u0026` (Go's encoder), the hex digits in either case. */
function escapedPattern(key: string): RegExp {
  const unit = (c: number) => `(?:\\\\+u${c.toString(16).padStart(4, '0')}|(?:&|\\\\+u0026)#(?:${c}|x0*${c.toString(16)});)`;
  return new RegExp(key.split('').map((c) => unit(c.charCodeAt(0))).join(''), 'gi');
}

/** `text` with every run of ECHOED_RUN_CHARS or more of `key`'s characters, from anywhere in it, replaced. Every window
 * of ECHOED_RUN_CHARS characters of the key is looked for, and the places found are marked: a longer run is the union of
 * the windows inside it. The text is made once after (QA: replacing each run as found was quadratic: 208 s for a 1 MiB
 * body of slices). A window never takes the letter of an escape (`\/`, `\n` in a JSON string) at its start: `\[redacted]`
 * would break the JSON. */
function redactRuns(text: string, key: string): string {
  const covered = new Uint8Array(text.length);
  let isFound = false;
  for (let start = 0; start + ECHOED_RUN_CHARS <= key.length; start++) {
    const window = key.slice(start, start + ECHOED_RUN_CHARS);
    for (let at = text.indexOf(window); at >= 0; at = text.indexOf(window, at + 1)) {
      covered.fill(1, text[at - 1] === '\\' ? at + 1 : at, at + ECHOED_RUN_CHARS);
      isFound = true;
    }
  }
  if (!isFound) return text;
  // Each marked stretch as one [redacted], between the text left as it was.
  return text.replace(/[^]/g, (c, i: number) => (!covered[i] ? c : covered[i - 1] ? '' : REDACTED));
}

/** `text` from a server that was sent `key` (an LLM endpoint's answer or error), with every form of the key it may
 * echo replaced: redactSecrets's, echoedForms's, and any run of ECHOED_RUN_CHARS or more of its characters from
 * anywhere in it (a key-like key: see KEY_LIKE). Applied where the text comes in, so that no later cut, parse or
 * rendering can carry one out. */
export function redactEchoes(text: string, key: string | undefined): string {
  const trimmed = key?.trim();
  if (!isSecretLength(trimmed)) return text;
  const result = replaceAll(text, [...secretForms(trimmed), ...echoedForms(trimmed)]).replace(escapedPattern(trimmed), REDACTED);
  // Only a key-like key's runs: one with a quote or a backslash in it could take part of an escape or a string's end.
  return KEY_LIKE.test(trimmed) ? redactRuns(result, trimmed) : result;
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  partials.clear();
}
