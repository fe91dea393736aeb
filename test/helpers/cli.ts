// Runs the built attack-cov binary as a user would, capturing exit code, stdout and stderr.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliPath, repoRoot } from './paths.js';

/** The default cache of every run in this test process: empty at first (no downloads in it), never the user's;
 * parsed catalogs and rules files land in it, so later runs take the warm path. */
const processCache = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-test-cache-'));
afterAll(() => rmSync(processCache, { recursive: true, force: true }));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Meet file permissions even as root: the process runs without the capabilities that bypass them
   * (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, through util-linux's setpriv), still as the same user, so it
   * reads the checkout wherever that lies. */
  isPermissionChecked?: boolean;
  /** A file descriptor for the command's stdout (e.g. /dev/full) instead of a pipe this helper reads. */
  stdout?: number;
}

function command(args: string[], isPermissionChecked: boolean | undefined): [string, string[]] {
  if (!isPermissionChecked || process.getuid?.() !== 0) return [process.execPath, [cliPath, ...args]];
  const caps = '-dac_override,-dac_read_search';
  return ['setpriv', ['--bounding-set', caps, '--inh-caps', caps, process.execPath, cliPath, ...args]];
}

/** Starts the CLI and returns the child (for signals) and its result. */
export function startCli(args: string[], options: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const [file, argv] = command(args, options.isPermissionChecked);
  const child = spawn(file, argv, {
    cwd: options.cwd ?? repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ATTACK_COV_CACHE: processCache, ...options.env },
    stdio: ['ignore', options.stdout ?? 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : null), stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** runCli for a run that must not hang (a FIFO among its inputs): the child is killed (SIGKILL) after `limitMs`, so a
 * regression fails its test (code -1, and `killed`) instead of waiting for ever. No timing is asserted. */
export async function runCliOrKill(args: string[], options: CliOptions = {}, limitMs = 40_000): Promise<CliResult & { killed: boolean }> {
  const { child, done } = startCli(args, options);
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, limitMs);
  try {
    return { ...(await done), killed };
  } finally {
    clearTimeout(timer);
  }
}

/** Exit 2, one `error:` line matching `pattern` (and at most a `hint:` line), no stack trace, nothing on stdout. */
export function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code).toBe(2);
  const lines = result.stderr.trim().split('\n');
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines.length).toBeLessThanOrEqual(2);
  if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(result.stdout).toBe('');
}
