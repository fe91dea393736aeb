// One temporary root for the whole test run: every os.tmpdir() in the tests (and in the processes they
// start with the environment passed on) lands under it, and it is removed when the run ends, so a run
// leaves nothing in /tmp however its tests end (thousands of folders a run, tens of GB under mutation
// testing, before this). Set before vitest starts its workers, which inherit the environment.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-tests-'));
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
