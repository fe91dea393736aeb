// Where a `falco` binary is on PATH, its own verdict on a rules file (`falco -V`). Optional: attack-cov
// validates without it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface FalcoVerdict {
  isValid: boolean;
  /** Falco's output, trimmed to a few lines. */
  output: string;
}

export function findFalco(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'falco');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function falcoValidate(falco: string, files: string[]): FalcoVerdict {
  const result = spawnSync(falco, files.flatMap((f) => ['-V', f]), { encoding: 'utf8', timeout: 120_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
  return { isValid: result.status === 0, output: result.error ? result.error.message : output };
}
