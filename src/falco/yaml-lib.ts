// The yaml library, loaded on first use: a run whose rules files all come from the parse cache (or the
// line scanner) never pays the ~80 ms it takes to load. Types come from the static type import.
import { createRequire } from 'node:module';

let loaded: typeof import('yaml') | undefined;

export function yamlLib(): typeof import('yaml') {
  loaded ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return loaded;
}
