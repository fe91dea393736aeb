// Text inside SARIF messages. Pure.
/**
 * Text for a SARIF plain-text message: viewers turn `[text](target)` in one into a link (SARIF 2.1.0
 * §3.11.6), so the brackets (and the backslash that escapes them) in names and tags from the inputs are
 * escaped, and only attack-cov's own words could ever hold a link.
 */
export function sarifText(text: string): string {
  return text.replace(/[\\[\]]/g, '\\$&');
}
