// API and event names in text: the names cloud and SaaS audit logs give their events (CreateAccessKey, ConsoleLogin,
// iam.serviceAccounts.keys.create), which ATT&CK's text names verbatim and Falco plugin rules' conditions test
// (ct.name="CreateAccessKey"). One rule for both sides, so that a name matches itself. Pure.

/** A token of 6 or more characters, from a letter on, with a camel hump (a lower-case letter, then an upper-case one):
 * CreateAccessKey, ConsoleLogin and iam.serviceAccounts.keys.create are names; Linux, kubectl and /etc/shadow are not. */
export function isApiName(token: string): boolean {
  return /^[A-Za-z][\w.:/-]{5,}$/.test(token) && /[a-z][A-Z]/.test(token);
}

/** The API names a text holds, each once, sorted: the runs of letters, digits and `_ . : / -` in it,
 * with a sentence's or list's punctuation trimmed from their ends (`<code>CreateAccessKey</code>,` gives
 * CreateAccessKey). A name written with its service (`sts:GetFederationToken`, `IAM:CreateUser`) gives the bare
 * name too, as CloudTrail's eventName holds it. ATT&CK's citations (`(Citation: MalwareTech Jan 2019)`) name
 * sources, not APIs: left out. */
export function apiNamesIn(text: string): string[] {
  const names = new Set<string>();
  for (const [token] of text.replace(/\(Citation:[^)]*\)/g, ' ').matchAll(/[\w.:/-]+/g)) {
    const trimmed = token.replace(/^[.:/-]+|[.:/-]+$/g, '');
    const bare = trimmed.slice(trimmed.lastIndexOf(':') + 1);
    for (const name of [trimmed, bare]) if (isApiName(name)) names.add(name);
  }
  return [...names].sort();
}
