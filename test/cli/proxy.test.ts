// Downloads and LLM requests go through the proxy the environment names (HTTP_PROXY/HTTPS_PROXY, NO_PROXY), as
// curl and most tools do: a real CONNECT proxy on 127.0.0.1 records what it tunnels. (QA: both ignored the
// variables, and a failed download's hint said "check the network or proxy".)
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { serve, startServer, type TestServer } from '../helpers/http-server.js';
import { startLlmServer, type LlmServer } from '../helpers/llm-server.js';
import { BUNDLE_18, fixture, officialRules } from '../helpers/paths.js';
import { startProxy } from '../helpers/proxy-server.js';

let origin: TestServer;
let llm: LlmServer;
let proxy: Awaited<ReturnType<typeof startProxy>>;
beforeAll(async () => {
  // ATT&CK 17.1 by its collection (a hand-made mini bundle).
  origin = await startServer({ '/enterprise-attack-17.1.json': serve(readFileSync(fixture('attack', 'mini-bundle-17.1.json'))) });
  llm = await startLlmServer();
  proxy = await startProxy();
});
afterAll(async () => {
  await origin.close();
  await llm.close();
  await proxy.close();
});

const RULES = 'test/fixtures/rules/conventional.yaml';
const port = (url: string) => new URL(url).port;

describe('HTTP_PROXY / HTTPS_PROXY / NO_PROXY', () => {
  it('a download goes through the proxy; one NO_PROXY names goes direct', async () => {
    const cacheRoot = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-proxy-'));
    const url = origin.url('/enterprise-attack-17.1.json');
    const before = proxy.tunnels.length;
    const through = await runCli(['report', '--attack', url, '--rules', RULES, '--out', path.join(cacheRoot, 'out'), '-q'], { env: { ATTACK_COV_CACHE: cacheRoot, HTTP_PROXY: proxy.url, NO_PROXY: '' } });
    expect(through.code, through.stderr).toBe(0);
    expect(proxy.tunnels.slice(before)).toEqual([`127.0.0.1:${port(url)}`]);
    const direct = await runCli(['report', '--attack', url, '--rules', RULES, '--out', path.join(cacheRoot, 'out'), '-q'], { env: { ATTACK_COV_CACHE: await mkdtemp(path.join(os.tmpdir(), 'attack-cov-proxy-')), HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } });
    expect(direct.code, direct.stderr).toBe(0);
    expect(proxy.tunnels.slice(before)).toHaveLength(1);
  });

  it('an LLM request goes through it too', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-proxy-'));
    const before = proxy.tunnels.length;
    const result = await runCli(['draft', 'T1529', '--attack', BUNDLE_18, '--rules', officialRules('falco_rules.yaml'), '--out', out, '--llm-base-url', llm.baseUrl, '--model', 'good'], { env: { HTTP_PROXY: proxy.url, NO_PROXY: '' } });
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.tunnels.slice(before)).toEqual([`127.0.0.1:${port(llm.baseUrl)}`]);
  });
});
