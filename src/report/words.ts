// Small wording helpers shared by the text reporters (terminal, Markdown).

/** "1 error", "2 errors". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** A change with its sign: "+1.5", "-2", "0". */
export function signed(value: number): string {
  return value > 0 ? `+${value}` : `${value}`;
}
