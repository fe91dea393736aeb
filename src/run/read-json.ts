// Reads a JSON file a user hands back to attack-cov (a baseline report.json, a reviewed suggestions file): a regular
// file of at most the bundle cap (attack-cov wrote it from a bundle), parsed with file:line:col errors (json-file.ts).
import path from 'node:path';
import { parseJsonText } from '../json-file.js';
import { limits } from '../limits.js';
import { readRegularText } from '../regular-file.js';

/** What the file should be and what to do about it, for its errors. */
export interface JsonInput {
  /** After "not": `a report.json`. */
  what: string;
  hint: string;
  /** What a missing file is called (default `no such file`). */
  missing?: string;
}

/** The JSON value of `file` (resolved against `cwd`), named in errors as given. */
export function readJsonInput(file: string, cwd: string, input: JsonInput): unknown {
  const text = readRegularText(path.resolve(cwd, file), file, {
    what: input.what,
    maxBytes: limits.maxBundleBytes,
    raiseHint: 'raise ATTACK_COV_MAX_BUNDLE_BYTES if the file is genuine',
    hint: input.hint,
    missing: input.missing ?? 'no such file',
  });
  // A byte order mark first (PowerShell's Out-File -Encoding utf8 writes one) is no JSON, and no character an editor
  // shows: left out, as YAML inputs leave it out; columns on the first line are then the ones an editor shows (QA).
  return parseJsonText(text.startsWith('\uFEFF') ? text.slice(1) : text, file, input.hint);
}
