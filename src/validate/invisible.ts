// Characters nobody can see, in the parts of a rules item Falco acts on: its name, condition, output, tags, list
// items and exceptions. Controls (but tab and line breaks) and Unicode format characters: bidi overrides and
// isolates, zero-width spaces and joiners, the byte-order mark, the soft hyphen. A reviewer reads
// `proc.name in (shutdown, re<U+200B>boot)` as reboot while Falco compares it as written, and a bidi override
// shows text in an order other than the one Falco reads (Trojan Source, CVE-2021-42574). A warning: a draft with
// one fails (drafts pass with no issue at all), and a rules file with one is named. Pure.
import type { RawItem } from '../falco/types.js';
import type { ValidationIssue } from './types.js';

/** Keys whose text Falco reads as rule logic or shows in alerts; `desc` is prose and may hold emoji sequences. */
const CHECKED_KEYS = ['rule', 'macro', 'list', 'condition', 'output', 'tags', 'items', 'exceptions'];

const INVISIBLE = /(?![\t\n\r])[\p{Cc}\p{Cf}]/u;

/** The first invisible character in `value` (a string, or strings anywhere inside lists and maps), with its
 * place in that string; undefined when there is none. */
function firstInvisible(value: unknown): { char: string; text: string; index: number } | undefined {
  if (typeof value === 'string') {
    const match = INVISIBLE.exec(value);
    return match ? { char: match[0], text: value, index: match.index } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const inner of Array.isArray(value) ? value : Object.values(value)) {
    const found = firstInvisible(inner);
    if (found) return found;
  }
  return undefined;
}

/** U+200B, the way Unicode names a code point. */
function codePoint(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** One `invisible-character` warning per key of `item` that holds one, at the key, naming the first. */
export function invisibleCharacters(item: RawItem): ValidationIssue[] {
  return CHECKED_KEYS.flatMap((key) => {
    const found = firstInvisible(item.fields[key]);
    if (!found) return [];
    const before = found.text.slice(0, found.index);
    const place = `${before.split('\n').length}:${found.index - before.lastIndexOf('\n')}`;
    const at = item.keyPositions[key] ?? item.position;
    return [{
      code: 'invisible-character',
      severity: 'warning' as const,
      file: at.file,
      line: at.line,
      column: at.column,
      item: item.name,
      message: `${key} holds ${codePoint(found.char)}, a character that cannot be seen (control, zero-width or bidi), at ${place} of its text: a reader does not see what Falco reads; remove it`,
    }];
  });
}
