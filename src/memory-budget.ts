// Asks V8 to run full garbage collections before the heap grows by more than a third: a report on 10,000
// rules leaves ~100 MB of finished intermediate data (parsed rules, rendered outputs) that V8's default
// growth (up to 4× between full collections when they are quick) keeps until the end. Touches only V8.
import { setFlagsFromString } from 'node:v8';

/** Percent the heap may grow between full collections (V8's --heap-growing-percent; 0 = V8 decides). */
export const HEAP_GROWING_PERCENT = 30;

/** Sets the growth limit unless the user chose one (`node --heap-growing-percent=…` or NODE_OPTIONS). */
export function limitHeapGrowth(execArgv: string[], nodeOptions: string | undefined): boolean {
  const isChosen = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => /^--heap[-_]growing[-_]percent/.test(arg));
  if (isChosen) return false;
  // A numeric tuning flag V8 reads whenever it sets the next collection's limit (Heap::GrowingFactor).
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
