// The sha256 an ATT&CK bundle must have (--attack-sha256, or attack-sha256 in the project config): a CI job that
// pins it runs on exactly the bundle it reviewed, whichever mirror, cache or file served it. Pure.
import { InputError } from '../errors.js';

/** A pinned sha256 and who pinned it, as an error names it ("--attack-sha256", "attack-sha256 at .attack-cov.yaml:3:16"). */
export interface Sha256Pin {
  sha256: string;
  by: string;
}

const SHA256 = /^[0-9a-f]{64}$/i;

/** What is wrong with `value` as a pinned sha256, or undefined. */
export function sha256PinProblem(value: string): string | undefined {
  if (SHA256.test(value)) return undefined;
  const hex = value.replace(/^sha256:/i, '');
  // The guard alone is parenthesized on a line of its own, so that the directive spares its mutant only.
  if ((
    // Stryker disable next-line ConditionalExpression: `hex !== value` as true is the same: when nothing was dropped, hex is the value, which SHA256 refused above
    hex !== value)
    && SHA256.test(hex)) return `expected the 64 hexadecimal digits alone, without "${value.slice(0, value.length - hex.length)}"`;
  return `expected a sha256: 64 hexadecimal digits, not ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)} (${value.length} characters)`;
}

/** The pin as compared: lower case, as sha256sum and report.json write it. */
export function normalizedSha256(value: string): string {
  return value.toLowerCase();
}

/**
 * Refuses a bundle whose sha256 is not the pinned one: an InputError naming it (`label`), both hashes, and who pinned
 * it. Nothing is cached by a refused download (its validation throws this before the rename).
 */
export function checkSha256Pin(label: string, sha256: string, pin: Sha256Pin | undefined): void {
  if (pin === undefined || sha256 === pin.sha256) return;
  throw new InputError(label, `its sha256 is ${sha256}, not ${pin.sha256} as pinned by ${pin.by}`, `if the bundle is meant to change, pin its sha256 (report.json's inputs.attack.sha256, or sha256sum of the file); else this is not the bundle that was pinned`);
}
