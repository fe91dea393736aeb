// Text inside SARIF messages. Pure.
import { cutAt, escapeForTerminal, NAME_CHARS, visibleName } from '../terminal-text.js';

/**
 * Text for a SARIF plain-text message from the inputs' names and tags: controls, line breaks, bidi overrides and
 * invisible characters become visible escapes (`\u202e`), as on the terminal, so that no rule name can reorder or
 * hide the words of an alert in a code-scanning view (Trojan Source); and since viewers turn `[text](target)`
 * into a link (SARIF 2.1.0 §3.11.6), the brackets and every backslash are escaped, so only attack-cov's own
 * words could ever hold a link.
 */
export function sarifText(text: string): string {
  return escapeForTerminal(text).replace(/[\\[\]]/g, '\\$&');
}

/**
 * A name from the rules (a rule's, a tag) as a message quotes it: at most 300 characters, an ellipsis last, as in
 * summary.md. A name may be 70,000 characters, and every result quotes its rule twice: GitHub refuses a log of more
 * than 10 MB gzipped. Fingerprints are made from the whole names, so a cut never changes an alert's identity.
 */
export function cutName(name: string): string {
  return cutAt(name, NAME_CHARS);
}

/** A rule name as a SARIF logical location's name: visible characters only, as in the messages, and cut. */
export function sarifName(name: string): string {
  return visibleName(name);
}
