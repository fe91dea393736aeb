// A missing golden file fails the run, with CI set or not, unless the update flag is given (issue 14):
// vitest run in a child process, with this repository's vitest.config.ts, on a probe test whose golden is missing.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/paths.js';

const run = promisify(execFile);
let project: string;
const golden = () => path.join(project, 'test', 'golden', 'probe.txt');

/** Runs vitest on the probe project; CI is set only when `ci` is. */
async function vitest(args: string[], ci: boolean): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...(ci ? { CI: 'true' } : {}) };
  const result = await run(process.execPath, [path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...args], { cwd: project, env }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
  return result;
}

beforeAll(async () => {
  project = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-goldens-'));
  await mkdir(path.join(project, 'test', 'golden'), { recursive: true });
  await copyFile(path.join(repoRoot, 'vitest.config.ts'), path.join(project, 'vitest.config.ts'));
  await copyFile(path.join(repoRoot, 'test', 'count-reporter.ts'), path.join(project, 'test', 'count-reporter.ts'));
  await copyFile(path.join(repoRoot, 'test', 'global-setup.ts'), path.join(project, 'test', 'global-setup.ts'));
  await writeFile(path.join(project, 'package.json'), '{ "type": "module" }\n');
  await symlink(path.join(repoRoot, 'node_modules'), path.join(project, 'node_modules'));
  await writeFile(
    path.join(project, 'test', 'probe.test.ts'),
    "import { expect, it } from 'vitest';\nit('matches its golden', async () => {\n  await expect('probe\\n').toMatchFileSnapshot('./golden/probe.txt');\n});\n",
  );
});

describe('a missing golden file', () => {
  for (const ci of [false, true]) {
    it(`fails the run and is not written, CI ${ci ? 'set' : 'unset'}`, async () => {
      const { code, output } = await vitest([], ci);
      expect(code, output).toBe(1);
      expect(output).toMatch(/1 failed/);
      expect(existsSync(golden())).toBe(false);
    });
  }

  it('is written with --update, and then matches without it', async () => {
    const update = await vitest(['--update'], false);
    expect(update.code, update.output).toBe(0);
    expect(await readFile(golden(), 'utf8')).toBe('probe\n');
    const again = await vitest([], true);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/1 passed, 0 failed/);
  });
});
