// URLs as attack-cov shows and records them: never with credentials, a query string or a fragment
// (a mirror's token must not reach report.json, a log or an error line).

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
