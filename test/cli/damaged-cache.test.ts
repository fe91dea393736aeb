// A download the cache holds that no longer reads as valid (cut short on disk) was served, and refused, for ever
// ("error: http://…/a.json: truncated …", the server never asked again). It is a miss now: downloaded again and
// replaced; offline, the error names the cached file and says how to remove it. A real server on 127.0.0.1.
import { mkdtemp, readdir, readFile, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { serve, startServer } from '../helpers/http-server.js';
import { MINI_BUNDLE, fixture } from '../helpers/paths.js';

const RULES = fixture('rules', 'conventional.yaml');

describe('a cached download cut short on disk', () => {
  it('is downloaded again when the server answers, and named with the way out when it does not', async () => {
    const bundle = await readFile(MINI_BUNDLE);
    const server = await startServer({ '/a.json': serve(bundle) });
    const cache = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-damaged-')), 'cache');
    const url = server.url('/a.json');
    const lint = () => runCli(['lint', '--no-config', '--rules', RULES, '--attack', url], { env: { ATTACK_COV_CACHE: cache } });
    const cut = async (): Promise<string> => {
      const [name] = (await readdir(path.join(cache, 'urls'))).filter((n) => !n.endsWith('.source'));
      const file = path.join(cache, 'urls', name!);
      await truncate(file, Math.floor(bundle.length / 2));
      return file;
    };
    try {
      expect((await lint()).code).toBe(0);
      expect(server.calls('/a.json')).toBe(1);
      const cached = await cut();
      const again = await lint();
      expect(again.stderr).not.toMatch(/error/);
      expect(again.code).toBe(0);
      expect(server.calls('/a.json')).toBe(2);
      expect(await readFile(cached)).toEqual(bundle);
      await cut();
    } finally {
      await server.close();
    }
    const offline = await lint();
    expectOneLineError(offline, /^error: .*\/cache\/urls\/[0-9a-f]{16}-a\.json: the cached copy does not read as valid \(truncated: the JSON ends inside the bundle\), and fetching it again failed \(download failed: /);
    expect(offline.stderr).toMatch(/\nhint: remove it: attack-cov cache clean/);
  });
});
