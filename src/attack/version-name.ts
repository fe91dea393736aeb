// The ATT&CK version a bundle's file name carries. Its own module: the catalog cache keys on it before the bundle
// reader (loaded only when a bundle is read) is imported. Pure.
import path from 'node:path';

/** enterprise-attack-18.1.json → 18.1; undefined when the name holds no version. */
export function versionInFileName(label: string): string | undefined {
  return /(\d+\.\d+)/.exec(path.basename(label))?.[1];
}
