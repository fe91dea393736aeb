// Packages loaded on first use, with require: a run that never needs one never pays for loading it, and the
// bundle's chunks (src/launch.cts) load it as the CommonJS package it is. A dynamic import() would not do there:
// on Node 20 a script compiled through vm.Script (as the chunks are, for V8's code cache) can make one only with an
// experimental flag or warning.
import { createRequire } from 'node:module';

/** A function returning the package `name`, required the first time it is called. */
export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= createRequire(import.meta.url)(name) as T);
}
