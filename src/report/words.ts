// Small wording helpers shared by the text reporters (terminal, Markdown).

/** A covered ↔ partial change against the baseline: "covered → partial". */
export function statusChangeWords(change: { before: string; after: string }): string {
  return `${change.before} → ${change.after}`;
}

/** "1 error", "2 errors". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** ", 2 of them skipped by Falco" after the enabled count of a headline, when Falco drops some enabled rules
 * (skip-if-unknown-filter); they cover nothing, and report.json's summary.rules.skippedByFalco counts them. */
export function skippedNote(skipped: number | undefined): string {
  return skipped ? `, ${skipped} of them skipped by Falco` : '';
}

/** The verb after plural(count, …): "is"/"are", "fires"/"fire" (`singular` and `many` as given). */
export function verb(count: number, singular: string, many: string): string {
  return count === 1 ? singular : many;
}

/** Items a one-line message names before it counts the rest. */
const LISTED = 5;

/** The first items, '; '-joined, and how many more: a gate's message or a summary line is one line of a CI log. */
export function listed(items: string[]): string {
  return `${items.slice(0, LISTED).join('; ')}${items.length > LISTED ? `; and ${items.length - LISTED} more` : ''}`;
}

/** The first three names, ', '-joined, and how many more: "a, b, c and 2 more". */
export function firstNames(names: readonly string[]): string {
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

/** A baseline's scope against this run's, for a note or a gate's message (platforms as given: the caller escapes). */
export function scopeChange(before: readonly string[], after: readonly string[]): string {
  const named = (platforms: readonly string[]) => (platforms.length > 0 ? platforms.join(', ') : 'no platform');
  return `the baseline counted the techniques of ${named(before)}, this run those of ${named(after)}`;
}

/** `text` with its first letter upper case, to start a sentence. */
export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A change with its sign: "+1.5", "-2", "0". */
export function signed(value: number): string {
  return value > 0 ? `+${value}` : `${value}`;
}

/** Which ATT&CK and which rules a report used, in one sentence (the defaults say they are defaults). */
export function describeInputs(inputs: { attack: { source: string; requested?: string }; rules: { path: string }[]; rulesOrigin: string }): string {
  const attack = `ATT&CK from ${inputs.attack.source}${inputs.attack.requested === 'latest' ? ' (resolved from latest)' : ''}`;
  const names = inputs.rules.map((r) => r.path);
  const shown = firstNames(names);
  const rules =
    inputs.rulesOrigin === 'official-default'
      ? `rules: ${shown} — no --rules and no /etc/falco, so the official rules embedded in attack-cov, stable only as Falco installs them (--rules official:all adds incubating and sandbox)`
      : inputs.rulesOrigin === 'standard-locations'
        ? `rules: ${shown} (Falco's standard locations under /etc/falco)`
        : `rules: ${shown}`;
  return `${attack} · ${rules}`;
}
