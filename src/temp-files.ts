// Every temporary file attack-cov creates is tracked here, so that a failure or a signal (Ctrl-C,
// a CI job's SIGTERM) removes them all: no half-written download, report or rules file stays behind.
import { rmSync } from 'node:fs';

const live = new Set<string>();

/** Remember `file` (or directory) until untrackTemp; removed on SIGINT/SIGTERM. */
export function trackTemp(file: string): string {
  live.add(file);
  return file;
}

export function untrackTemp(file: string): void {
  live.delete(file);
}

export function removeTrackedTemps(): void {
  for (const file of live) {
    try {
      rmSync(file, { force: true, recursive: true });
    } catch {
      // best effort: the process is exiting
    }
  }
  live.clear();
}

let isInstalled = false;
/** SIGINT exits 130 and SIGTERM 143 (128 + signal number, as shells report them), after removing the temporaries. */
export function installSignalCleanup(write: (text: string) => void): void {
  if (isInstalled) return;
  isInstalled = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      removeTrackedTemps();
      write(`attack-cov: interrupted (${signal}); temporary files removed\n`);
      process.exit(code);
    });
  }
}
