// readJsonInput, the reader of the JSON files a user hands back (a baseline report.json, a reviewed suggestions file):
// the path resolved against the working directory but named as given, the caller's words for what is missing or no
// regular file, the bundle's size cap with the variable that raises it, and parse errors at file:line:col.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { DEFAULT_LIMITS, limits } from '../../../src/limits.js';
import { readJsonInput } from '../../../src/run/read-json.js';
import { thrown } from '../../helpers/errors.js';

const INPUT = { what: 'a report.json', hint: 'pass the report.json of an earlier run' };
const cwdWith = async (files: Record<string, string>): Promise<string> => {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-read-json-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(cwd, name), text);
  return cwd;
};
const failure = (run: () => unknown): InputError => thrown(run, InputError);

afterEach(() => {
  limits.maxBundleBytes = DEFAULT_LIMITS.maxBundleBytes;
});

describe('readJsonInput', () => {
  it('reads the file relative to the working directory, not the process\'s', async () => {
    const cwd = await cwdWith({ 'report.json': '{"schemaVersion": 1}' });
    expect(readJsonInput('report.json', cwd, INPUT)).toEqual({ schemaVersion: 1 });
  });

  it('reads past a UTF-8 byte order mark, and counts columns of the first line as an editor shows them (QA)', async () => {
    const cwd = await cwdWith({ 'bom.json': '\uFEFF{"schemaVersion": 1}', 'bad.json': '\uFEFF{"x": ]}', 'two.json': '\uFEFF\uFEFF{}' });
    expect(readJsonInput('bom.json', cwd, INPUT)).toEqual({ schemaVersion: 1 });
    expect(failure(() => readJsonInput('bad.json', cwd, INPUT)).location).toBe('bad.json:1:7');
    // One mark is an encoding's; a second is text, and no JSON.
    expect(failure(() => readJsonInput('two.json', cwd, INPUT)).message).toBe('two.json:1:1: not JSON: unexpected "\uFEFF"');
  });

  it('calls a missing file "no such file", or what the caller calls it, named as given, with the hint', async () => {
    const cwd = await cwdWith({});
    expect(failure(() => readJsonInput('old/report.json', cwd, INPUT))).toMatchObject({
      message: 'old/report.json: no such file', hint: INPUT.hint,
    });
    expect(failure(() => readJsonInput('old.json', cwd, { ...INPUT, missing: 'no such baseline file' })).message).toBe('old.json: no such baseline file');
  });

  it('says what a path that is no regular file is, and what it should be', async () => {
    const cwd = await cwdWith({});
    await mkdir(path.join(cwd, 'out'));
    expect(failure(() => readJsonInput('out', cwd, INPUT))).toMatchObject({
      message: 'out: cannot read: a directory, not a report.json', hint: INPUT.hint,
    });
  });

  it('refuses a file over the bundle cap, with the variable that raises it', async () => {
    const cwd = await cwdWith({ 'report.json': `[${'1,'.repeat(600)}1]` });
    limits.maxBundleBytes = 1024;
    expect(failure(() => readJsonInput('report.json', cwd, INPUT))).toMatchObject({
      message: 'report.json: is 1203 bytes, which is more than the 1 KiB a report.json may have',
      hint: 'raise ATTACK_COV_MAX_BUNDLE_BYTES if the file is genuine',
    });
  });

  it('says where a file stops being JSON, at file:line:col as given, with the hint', async () => {
    const cwd = await cwdWith({ 'report.json': '{\n  "a": 1,\n  oops\n}' });
    const error = failure(() => readJsonInput('report.json', cwd, INPUT));
    expect(error.message).toMatch(/^report\.json:3:3: not JSON: /);
    expect(error.hint).toBe(INPUT.hint);
  });
});
