// Text → index terms for the suggestion ranker: lower case, split identifiers (ka.req.pod, shell_procs,
// camelCase), drop stop words and noise, Porter-stem. Pure; the same function serves rules and ATT&CK.
import { stemmer } from 'stemmer';

/** English function words and words that say nothing about a technique in either ATT&CK's or Falco's prose. */
const STOP_WORDS = new Set(
  ('a about above after again against all also an and any are as at be because been before being below between both but by can could did do does doing down during each '
    + 'e.g eg few for from further had has have having here how i ie if in into is it its itself just may might more most must no nor not now of off on once only or other our out over own '
    + 'same should so some such than that the their them then there these they this those through to too under until up upon us use used uses using very via was we were what when where which while who why will with within without would you your '
    + 'adversaries adversary attacker attackers may detect detection detects example examples including include includes like many often one two order otherwise '
    + 'rule rules falco true false evt dir null none default list macro condition output desc priority warning notice critical error info debug informational '
    + 'name names value values').split(/\s+/),
);

/** Words of a text: identifiers split on `.`, `_`, `-`, `/`, camelCase and digits; no stop words; at least 3 letters. */
export function wordsOf(text: string): string[] {
  const spaced = text.replace(/([a-z])([A-Z])/g, '$1 $2');
  return (spaced.toLowerCase().match(/[a-z][a-z0-9]*/g) ?? [])
    .map((w) => w.replace(/\d+$/, ''))
    .filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
}

const stems = new Map<string, string>();
/** The Porter stem of a (lower-case) word, memoized: the same words recur across 800 techniques. */
export function stemOf(word: string): string {
  const stem = stems.get(word) ?? stemmer(word);
  stems.set(word, stem);
  return stem;
}

/** Index terms of a text, in order, with repeats (BM25 counts them). */
export function termsOf(text: string): string[] {
  return wordsOf(text).map(stemOf);
}
