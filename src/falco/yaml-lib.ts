// The yaml library, loaded on first use: a run whose rules files all come from the parse cache (or the
// line scanner) never pays the ~80 ms it takes to load. Types come from the static type import.
import { lazyPackage } from '../lazy-package.js';

export const yamlLib = lazyPackage<typeof import('yaml')>('yaml');
