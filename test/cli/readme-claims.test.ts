// What the README promises, each through the built binary (issue 14): exit 2 and one error line for every
// command's bad usage and bad input; the cache location order; colour (--color, --no-color, NO_COLOR on a
// terminal); --concurrency; OPENAI_BASE_URL and OPENAI_MODEL; drafts never change rules files nor count as
// coverage. (Atomic writes, lint --fix's changed-since-read check, SARIF fingerprints: seeded-bugs.test.ts.)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, type CliResult } from '../helpers/cli.js';
import { dropMidway, serve, startServer } from '../helpers/http-server.js';
import { GOOD_T1529, startLlmServer } from '../helpers/llm-server.js';
import { BUNDLE_18, MINI_BUNDLE, cliPath, fixture, officialRules, repoRoot } from '../helpers/paths.js';

const tempDir = (name: string) => mkdtemp(path.join(os.tmpdir(), `attack-cov-claims-${name}-`));
const MINI = ['--attack', MINI_BUNDLE];
const NO_RULES = '/no/such/rules.yaml';

/** Every command and subcommand, with an unknown option, a bad option value or missing argument, and a missing input file. */
const COMMANDS: { command: string[]; badUsage: [string[], RegExp]; badInput: [string[], RegExp] }[] = [
  { command: ['report'], badUsage: [['--format', 'nope'], /unknown format: nope/], badInput: [['--rules', NO_RULES], /no such file or directory/] },
  { command: ['lint'], badUsage: [['--fail-on', 'sometimes'], /argument 'sometimes' is invalid/], badInput: [['--rules', NO_RULES], /no such file or directory/] },
  { command: ['validate'], badUsage: [['--format', 'sarif'], /argument 'sarif' is invalid/], badInput: [[NO_RULES], /no such file or directory/] },
  { command: ['draft'], badUsage: [['--concurrency', 'abc'], /'abc' is invalid\. expected a whole number/], badInput: [['T1529', '--rules', NO_RULES], /no such file or directory/] },
  { command: ['suggest'], badUsage: [['--min-score', '3'], /--min-score takes a number from 0 to 1/], badInput: [['--rules', NO_RULES], /no such file or directory/] },
  { command: ['threats'], badUsage: [['--top', '-3'], /'-3' is invalid\. expected a whole number of at least 1/], badInput: [['--attack', '/no/such.json'], /no such file/] },
  { command: ['emulate'], badUsage: [['T9999'], /unknown technique T9999/], badInput: [['T1529', '--rules', NO_RULES], /no such file or directory/] },
  { command: ['init'], badUsage: [['--force', 'extra'], /too many arguments|unknown command|excess/], badInput: [[], /exists/] },
  { command: ['attack', 'diff'], badUsage: [['18.1'], /missing required argument 'to'/], badInput: [['/no/such.json', '18.1'], /no such file/] },
  { command: ['cache', 'add'], badUsage: [[], /missing required argument 'file'/], badInput: [['/no/such.json'], /no such file/] },
  { command: ['cache', 'list'], badUsage: [['extra'], /too many arguments|unknown command|excess/], badInput: [['--bogus'], /unknown option/] },
  { command: ['cache', 'dir'], badUsage: [['extra'], /too many arguments|unknown command|excess/], badInput: [['--bogus'], /unknown option/] },
  { command: ['cache', 'clean'], badUsage: [['extra'], /too many arguments|unknown command|excess/], badInput: [['--bogus'], /unknown option/] },
];

describe('exit 2 and one error line for every command', () => {
  it('covers every command the top-level help lists', async () => {
    const help = (await runCli(['--help'])).stdout;
    const listed = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(listed.length).toBeGreaterThan(8);
    expect(listed.sort()).toEqual([...new Set(COMMANDS.map((c) => c.command[0]!))].sort());
  });

  for (const { command, badUsage, badInput } of COMMANDS) {
    const name = command.join(' ');
    it(`${name}: an unknown option, a bad value or argument, a missing input`, async () => {
      // init's bad input is the configuration that already exists where it runs.
      const cwd = await tempDir('cwd');
      if (name === 'init') await writeFile(path.join(cwd, '.attack-cov.yaml'), 'rules: []\n');
      const env = { ATTACK_COV_CACHE: await tempDir('cache') };
      const results: [CliResult, RegExp][] = [
        [await runCli([...command, '--bogus'], { cwd, env }), /unknown option '--bogus'/],
        [await runCli([...command, ...badUsage[0]], { cwd, env }), badUsage[1]],
        [await runCli([...command, ...badInput[0]], { cwd, env }), badInput[1]],
      ];
      for (const [result, pattern] of results) expectOneLineError(result, pattern);
      expect(await readdir(cwd)).toEqual(name === 'init' ? ['.attack-cov.yaml'] : []);
    });
  }
});

describe('every command has --help with examples', () => {
  for (const { command } of COMMANDS) {
    it(command.join(' '), async () => {
      const result = await runCli([...command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/\nExamples:\n {2}\$ .*attack-cov /);
    });
  }
});

describe('the cache location: $ATTACK_COV_CACHE, else $XDG_CACHE_HOME/attack-cov, else ~/.cache/attack-cov', () => {
  it('cache dir names it in that order, and cache add stores there', async () => {
    const [explicit, xdg, home] = await Promise.all([tempDir('explicit'), tempDir('xdg'), tempDir('home')]);
    const dir = async (env: Record<string, string | undefined>) => (await runCli(['cache', 'dir'], { env: { ATTACK_COV_CACHE: undefined, ...env } })).stdout.trim();
    expect(await dir({ ATTACK_COV_CACHE: explicit, XDG_CACHE_HOME: xdg, HOME: home })).toBe(explicit);
    expect(await dir({ XDG_CACHE_HOME: xdg, HOME: home })).toBe(path.join(xdg, 'attack-cov'));
    expect(await dir({ HOME: home })).toBe(path.join(home, '.cache', 'attack-cov'));
    const add = await runCli(['cache', 'add', MINI_BUNDLE, '-q'], { env: { ATTACK_COV_CACHE: undefined, XDG_CACHE_HOME: xdg, HOME: home } });
    expect(add.code, add.stderr).toBe(0);
    expect(await readdir(path.join(xdg, 'attack-cov'), { recursive: true })).not.toEqual([]);
    expect(await readdir(home)).toEqual([]);
  });
});

/** Runs the CLI with stdout on a terminal (a pseudo-terminal through util-linux's script). */
function runOnTerminal(args: string[], env: Record<string, string> = {}): Promise<string> {
  const quoted = [process.execPath, cliPath, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-qec', quoted, '/dev/null'], { cwd: repoRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', () => resolve(output)));
}

describe('colour: --color, --no-color and NO_COLOR', () => {
  const lint = ['lint', ...MINI, '--rules', fixture('rules', 'tactic-mismatch.yaml')];
  const ESC = '\u001b[';
  it('on a terminal: colour by default, none with NO_COLOR or --no-color; --color forces it into a pipe', async () => {
    const [tty, noColorEnv, noColorFlag] = await Promise.all([runOnTerminal(lint), runOnTerminal(lint, { NO_COLOR: '1' }), runOnTerminal([...lint, '--no-color'])]);
    expect(tty).toMatch(/tactic-mismatch/);
    expect(tty).toContain(ESC);
    for (const plain of [noColorEnv, noColorFlag]) {
      expect(plain).toMatch(/tactic-mismatch/);
      expect(plain).not.toContain(ESC);
    }
    const [piped, forced] = await Promise.all([runCli(lint), runCli([...lint, '--color'])]);
    expect(piped.stdout).toMatch(/tactic-mismatch/);
    expect(piped.stdout).not.toContain(ESC);
    expect(forced.stdout).toContain(ESC);
  });
});

describe('download progress on stderr only when it is a terminal', () => {
  it('shows progress on a terminal and none in a pipe', async () => {
    const server = await startServer({ '/attack.json': serve(await readFile(MINI_BUNDLE)) });
    const args = ['report', '--attack', server.url('/attack.json'), '--rules', fixture('rules', 'conventional.yaml'), '--format', 'json'];
    const [terminal, piped] = [
      await runOnTerminal([...args, '--out', await tempDir('out')], { ATTACK_COV_CACHE: await tempDir('cache') }),
      await runCli([...args, '--out', await tempDir('out')], { env: { ATTACK_COV_CACHE: await tempDir('cache') } }),
    ];
    await server.close();
    expect(server.calls('/attack.json')).toBe(2);
    expect(terminal).toMatch(/downloading [\d.]+ \/ [\d.]+ MB \(100%\)/);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stderr).not.toMatch(/downloading/);
  });

  it('ends the progress line on a terminal without a length and on a failure, so the next line starts a line of its own', async () => {
    const bundle = await readFile(MINI_BUNDLE);
    const server = await startServer({
      '/unsized.json': (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(bundle);
      },
      '/dropped.json': dropMidway(bundle),
    });
    const run = async (name: string) => runOnTerminal(['report', '--attack', server.url(name), '--rules', fixture('rules', 'conventional.yaml'), '--format', 'json', '--out', await tempDir('out')], { ATTACK_COV_CACHE: await tempDir('cache') });
    const [unsized, dropped] = [await run('/unsized.json'), await run('/dropped.json')];
    await server.close();
    expect(unsized).toMatch(/downloading [\d.]+ MB\r?\n/);
    expect(dropped).toMatch(/downloading [\d.]+ \/ [\d.]+ MB \(\d+%\)\r?\n(?:\r\u001b\[2Kdownloading [^\n]*\n)*error: download failed: /);
  });
});

/** An LLM endpoint that answers after `delayMs` and records how many requests were in flight at once. */
async function startCountingServer(delayMs: number): Promise<{ baseUrl: string; maxInFlight: () => number; total: () => number; close: () => void }> {
  let inFlight = 0;
  let max = 0;
  let total = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    total++;
    max = Math.max(max, inFlight);
    req.resume().on('end', () =>
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: JSON.stringify(GOOD_T1529) } }] }));
      }, delayMs),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, maxInFlight: () => max, total: () => total, close: () => server.close() };
}

describe('--concurrency', () => {
  for (const concurrency of [1, 2]) {
    it(`draft --concurrency ${concurrency} keeps at most ${concurrency} request(s) in flight`, async () => {
      const server = await startCountingServer(300);
      const out = await tempDir('drafts');
      const result = await runCli(['draft', 'T1529', 'T1611', 'T1610', ...MINI, '--rules', fixture('rules', 'conventional.yaml'), '--llm-base-url', server.baseUrl, '--model', 'm', '--concurrency', String(concurrency), '--out', out, '-q']);
      server.close();
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(server.total()).toBeGreaterThanOrEqual(3);
      expect(server.maxInFlight()).toBe(concurrency);
    });
  }
});

describe('OPENAI_BASE_URL and OPENAI_MODEL', () => {
  it('name the endpoint and the model when --llm-base-url and --model are not given; the flags override them', async () => {
    const server = await startLlmServer();
    const out = await tempDir('drafts');
    const args = ['draft', 'T1529', '--attack', BUNDLE_18, '--rules', officialRules('falco_rules.yaml'), '--out', out, '-q'];
    const fromEnv = await runCli(args, { env: { OPENAI_BASE_URL: server.baseUrl, OPENAI_MODEL: 'good' } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(server.requests.map((r) => r.model)).toEqual(['good']); // the server records only POST /v1/chat/completions
    const overridden = await runCli([...args, '--model', 'flaky', '--llm-base-url', server.baseUrl], { env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_MODEL: 'good', ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    await server.close();
    expect(overridden.code, overridden.stderr).toBe(0);
    expect(server.requests.slice(1).map((r) => r.model)).toEqual(['flaky', 'flaky']);
  });
});

describe('drafts never change rules files nor count as coverage', () => {
  it('the rules files keep their bytes, and a report given the drafts too still has T1529 as a gap', async () => {
    const server = await startLlmServer();
    const dir = await tempDir('rules');
    const rules = path.join(dir, 'rules.yaml');
    await copyFile(officialRules('falco_rules.yaml'), rules);
    const before = createHash('sha256').update(await readFile(rules)).digest('hex');
    const out = path.join(dir, 'drafts');
    const draft = await runCli(['draft', 'T1529', '--attack', BUNDLE_18, '--rules', rules, '--llm-base-url', server.baseUrl, '--model', 'good', '--out', out, '-q']);
    await server.close();
    expect(draft.code, draft.stderr).toBe(0);
    expect(await readdir(out)).toContain('T1529.yaml');
    expect(createHash('sha256').update(await readFile(rules)).digest('hex')).toBe(before);
    expect(await readdir(dir)).toEqual(['drafts', 'rules.yaml']);

    const reports = path.join(dir, 'reports');
    await mkdir(reports);
    const report = await runCli(['report', '--attack', BUNDLE_18, '--rules', rules, path.join(out, 'T1529.yaml'), '--out', reports, '--format', 'json', '-q']);
    expect(report.code, report.stderr).toBe(0);
    const t1529 = (JSON.parse(await readFile(path.join(reports, 'report.json'), 'utf8')) as { techniques: { id: string; status: string; rules: string[]; disabledRules: string[] }[] }).techniques.find((t) => t.id === 'T1529')!;
    expect(t1529.status).toBe('gap');
    expect(t1529.rules).toEqual([]);
    expect(t1529.disabledRules).toEqual([GOOD_T1529.rule]);
  });
});
