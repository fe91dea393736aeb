// Process ids for tests of the stale-temporary sweep, which keeps a temporary whose process still runs.
import { spawnSync } from 'node:child_process';

/** The id of a process that has exited (and been reaped): a temporary named after it belongs to a killed run. */
export function deadPid(): number {
  return spawnSync('true').pid;
}
