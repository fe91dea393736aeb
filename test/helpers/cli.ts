// Runs the built attack-cov binary as a user would, capturing exit code, stdout and stderr.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliPath, repoRoot } from './paths.js';

/** The default cache of every run in this test process: empty at first (no downloads in it), never the user's;
 * parsed catalogs and rules files land in it, so later runs take the warm path. */
const processCache = mkdtempSync(path.join(os.tmpdir(), 'attack-cov-test-cache-'));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ATTACK_COV_CACHE: processCache, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
