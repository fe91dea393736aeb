// Where a `falco` binary is on PATH, its own verdict on a rules file (`falco -V`). Optional: attack-cov
// validates without it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface FalcoVerdict {
  /** null: falco gave no verdict (it could not be started, or did not answer in time): a failure of the tool, not of
   * the rules. */
  isValid: boolean | null;
  /** Falco's output, trimmed to a few lines; or why there is no verdict. */
  output: string;
}

/** How long `falco -V` may take: loading the official rules takes a second or two. */
const FALCO_TIMEOUT_SECONDS = 120;

export function findFalco(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'falco');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function falcoValidate(falco: string, files: string[], timeoutSeconds = FALCO_TIMEOUT_SECONDS): FalcoVerdict {
  const result = spawnSync(falco, files.flatMap((f) => ['-V', f]), { encoding: 'utf8', timeout: timeoutSeconds * 1000, killSignal: 'SIGKILL' });
  if (result.error) {
    const isTimeout = (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    return { isValid: null, output: isTimeout ? `falco -V did not answer within ${timeoutSeconds} s` : `falco could not be run: ${result.error.message}` };
  }
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
  return { isValid: result.status === 0, output };
}
