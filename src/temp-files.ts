// Every temporary file attack-cov creates is tracked here, so that a failure or a signal (Ctrl-C,
// a CI job's SIGTERM) removes them all: no half-written download, report or rules file stays behind.
// The signal handlers listen only while something that wakes them is tracked. A handler is JavaScript: it runs when
// the event loop next turns, so while one listens a signal waits for any synchronous work to end (a long analysis,
// or a hang), and Ctrl-C did nothing meanwhile. With nothing to remove, the signal's default action ends the
// process at once. A temporary that waits through such work (the parse cache's pending entries) is tracked quietly:
// a handler that runs anyway removes it, and otherwise the next run's sweep does (removeStaleTemporaries).
import { lstatSync, rmdirSync, rmSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';

const live = new Set<string>();
/** Directories made for a temporary file, deepest first: removed on a signal if nothing else is in them. */
const dirs = new Set<string[]>();
/** What of live and dirs wakes the handlers (the rest is tracked quietly). */
const waking = new Set<string | string[]>();

function track<K extends string | string[]>(tracked: Set<K>, key: K, wakes: boolean): void {
  tracked.add(key);
  if (wakes) waking.add(key);
  else waking.delete(key);
  listenWhileTracking();
}

function untrack<K extends string | string[]>(tracked: Set<K>, key: K): void {
  tracked.delete(key);
  waking.delete(key);
  listenWhileTracking();
}

/** Remember the folders of `chain` (made for a temporary) until untrackEmptyDirs; removed on SIGINT/SIGTERM if
 * empty. `wakes` false: tracked quietly (see above). */
export function trackEmptyDirs(chain: string[], wakes = true): string[] {
  track(dirs, chain, wakes);
  return chain;
}

export function untrackEmptyDirs(chain: string[]): void {
  untrack(dirs, chain);
}

/** Remember `file` (or directory) until untrackTemp; removed on SIGINT/SIGTERM. `wakes` false: tracked quietly. */
export function trackTemp(file: string, wakes = true): string {
  track(live, file, wakes);
  return file;
}

export function untrackTemp(file: string): void {
  untrack(live, file);
}

export function removeTrackedTemps(): void {
  for (const file of live) {
    try {
      rmSync(file, { recursive: true });
    } catch {
      // gone already (or cannot be removed): best effort, the process is exiting
    }
  }
  live.clear();
  // Deepest first across every chain: one chain's top (the cache root) may hold another chain's folder.
  const deepestFirst = [...new Set([...dirs].flat())].sort((a, b) => b.split(path.sep).length - a.split(path.sep).length);
  for (const dir of deepestFirst) {
    try {
      rmdirSync(dir);
    } catch {
      // not empty (or gone): it stays
    }
  }
  dirs.clear();
  waking.clear();
  listenWhileTracking();
}

/** Removes the folders of `chain` (deepest first) while they are empty. */
export function removeEmptyDirs(chain: string[]): void {
  for (const dir of chain) {
    try {
      rmdirSync(dir);
    } catch {
      break; // not empty (or gone): its parents are not empty either
    }
  }
}

/** The handlers installSignalCleanup made, by signal; none before it is called. */
let handlers: [NodeJS.Signals, () => void][] = [];
let isListening = false;

/** Listens for the signals exactly while installSignalCleanup was called and something that wakes them is tracked. */
function listenWhileTracking(): void {
  const wanted = handlers.length > 0 && waking.size > 0;
  if (wanted === isListening) return;
  isListening = wanted;
  for (const [signal, handler] of handlers) {
    if (wanted) process.on(signal, handler);
    else process.off(signal, handler);
  }
}

/** From now on, SIGINT and SIGTERM while a waking temporary is tracked remove every tracked one, say so through `write` and exit 130 and
 * 143 (128 + the signal number, as shells report a process the signal ended). Called again, it changes nothing. */
export function installSignalCleanup(write: (text: string) => void): void {
  if (handlers.length > 0) return;
  handlers = (
    [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const
  ).map(([signal, code]) => [
    signal,
    () => {
      removeTrackedTemps();
      write(`attack-cov: interrupted (${signal}); temporary files removed\n`);
      process.exit(code);
    },
  ]);
  listenWhileTracking();
}

// temporaryPathFor's pattern: <name>.<pid>.<8 hex>.tmp
const OUR_TEMPORARY = /\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Whether process `pid` is running (on this host): signal 0 checks without sending; EPERM means it runs as another user. */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The temporaries of ours among `names`, each with the id of the process that wrote it. */
function ourTemporaries(names: string[]): { name: string; pid: number }[] {
  return names.flatMap((name) => {
    const pid = OUR_TEMPORARY.exec(name)?.[1];
    return pid === undefined ? [] : [{ name, pid: Number(pid) }];
  });
}

/** A temporary of ours that a killed run left: older than this run, and its process gone. Age alone is not enough:
 * another run's download that is still going (and paused for a moment) is older than this run too. */
function isStaleTemporary(pid: number, info: { isFile(): boolean; mtimeMs: number } | undefined, runStartedMs: number): boolean {
  return info?.isFile() === true && info.mtimeMs < runStartedMs && !isProcessAlive(pid);
}

/** Removes our temporaries that a killed run left in `dir`; never anything else. */
export async function removeStaleTemporaries(dir: string, runStartedMs: number): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const { name, pid } of ourTemporaries(names)) {
    const file = path.join(dir, name);
    // force: another run's sweep may remove the same temporary between lstat and rm.
    if (isStaleTemporary(pid, await lstat(file).catch(() => undefined), runStartedMs)) await rm(file, { force: true });
  }
}

/** removeStaleTemporaries for a folder already listed (`names`), synchronously: for the parse cache. */
export function removeStaleTemporariesSync(dir: string, names: string[], runStartedMs: number): void {
  for (const { name, pid } of ourTemporaries(names)) {
    const file = path.join(dir, name);
    try {
      if (isStaleTemporary(pid, lstatSync(file), runStartedMs)) rmSync(file);
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/** When this process started: temporaries older than that belong to a run that was killed. */
export const RUN_STARTED_MS = Date.now() - process.uptime() * 1000;
