// Downloads through HTTP_PROXY in one process: each makes its own proxy agent and destroys it when it ends, so a
// second download (the bundle, then the official rules) still goes through (a shared agent destroyed by the first
// made every later one fail).
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadToFile } from '../../../src/net/download.js';
import { serve, startServer, type TestServer } from '../../helpers/http-server.js';
import { startProxy } from '../../helpers/proxy-server.js';

let origin: TestServer;
let proxy: Awaited<ReturnType<typeof startProxy>>;
beforeAll(async () => {
  origin = await startServer({ '/a.txt': serve(Buffer.from('first\n')), '/b.txt': serve(Buffer.from('second\n')) });
  proxy = await startProxy();
});
afterAll(async () => {
  await origin.close();
  await proxy.close();
});

describe('downloads through a proxy', () => {
  it('two in one process both tunnel through it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-proxied-'));
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    process.env.HTTP_PROXY = proxy.url;
    process.env.NO_PROXY = '';
    try {
      await downloadToFile(origin.url('/a.txt'), path.join(dir, 'a'));
      await downloadToFile(origin.url('/b.txt'), path.join(dir, 'b'));
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value === undefined) delete process.env[name]; else process.env[name] = value;
    }
    expect([await readFile(path.join(dir, 'a'), 'utf8'), await readFile(path.join(dir, 'b'), 'utf8')]).toEqual(['first\n', 'second\n']);
    expect(proxy.tunnels).toHaveLength(2);
  });
});
