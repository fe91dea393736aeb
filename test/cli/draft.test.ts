// attack-cov draft against an OpenAI-compatible server on 127.0.0.1, through the built binary.
import { existsSync, watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli, startCli, type CliResult } from '../helpers/cli.js';
import { startLlmServer, type LlmServer } from '../helpers/llm-server.js';
import { BUNDLE_18, fixture, officialRules } from '../helpers/paths.js';

const SECRET = 'sk-test-SECRET-4242424242';
const ATTACK = BUNDLE_18;
const RULES = officialRules('falco_rules.yaml');
let server: LlmServer;

beforeAll(async () => {
  server = await startLlmServer(SECRET);
});
afterAll(() => server.close());

interface Run extends CliResult {
  out: string;
  files: string[];
  summary: { llm: { structuredOutput: boolean } | null; drafts: { technique: string; status: string; attempts: number; file?: string; issues: string[] }[] };
  requests: LlmServer['requests'];
}

async function draft(model: string | undefined, ...extra: string[]): Promise<Run> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
  const before = server.requests.length;
  const llm = model ? ['--llm-base-url', server.baseUrl, '--model', model] : [];
  const result = await runCli(['draft', ...(extra.includes('--gaps') ? [] : ['T1529']), '--attack', ATTACK, '--rules', RULES, '--out', out, ...llm, ...extra], {
    env: { ...(model ? { OPENAI_API_KEY: SECRET } : {}), ATTACK_COV_LLM_BACKOFF_MS: '10' },
  });
  const files = (await readdir(out, { recursive: true })).map(String).sort();
  const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as Run['summary'];
  // The key reaches the server in its header, and nothing attack-cov writes or prints.
  expect(result.stdout + result.stderr).not.toContain(SECRET);
  for (const file of files) if (file.endsWith('.yaml') || file.endsWith('.json')) expect(await readFile(path.join(out, file), 'utf8')).not.toContain(SECRET);
  return { ...result, out, files, summary, requests: server.requests.slice(before) };
}

describe('a good answer', () => {
  let run: Run;
  beforeAll(async () => {
    run = await draft('good');
  });

  it('writes drafts/T1529.yaml, tagged by attack-cov, disabled, marked as a draft', async () => {
    expect(run.code).toBe(0);
    expect(run.files).toEqual(['T1529.yaml', 'summary.json']);
    const text = await readFile(path.join(run.out, 'T1529.yaml'), 'utf8');
    expect(text).toMatch(/^# DRAFT made by attack-cov .* Review before use/);
    expect(text).toMatch(/# validation: passed on attempt 1 of 3/);
    expect(text).toMatch(/- mitre_impact\n\s+- T1529\n/);
    expect(text).toMatch(/enabled: false/);
    expect(run.summary.drafts).toMatchObject([{ technique: 'T1529', name: 'System Shutdown/Reboot', status: 'passed', attempts: 1, file: 'T1529.yaml', issues: [] }]);
  });

  it('fires on T1529\'s Linux procedures and says which in its header (drafts must fire)', async () => {
    const text = await readFile(path.join(run.out, 'T1529.yaml'), 'utf8');
    expect(text).toMatch(/# {3}fires on \d+ of \d+ Linux procedures of T1529 \(Atomic Red Team, emulated\) and on no benign activity:/);
    // Atomic Red Team's "Shutdown System via `shutdown`" test, by its GUID.
    expect(text).toMatch(/# {5}4963a81e-a3ad-4f02-adda-812343b351de Shutdown System via `shutdown` - FreeBSD\/macOS\/Linux \(host, container\)/);
    const emulation = (run.summary.drafts[0] as unknown as { emulation: { procedures: number; catches: string[] } }).emulation;
    expect(emulation.procedures).toBeGreaterThanOrEqual(9);
    expect(emulation.catches.length).toBeGreaterThanOrEqual(7);
  });

  it('passes attack-cov validate with the ruleset', async () => {
    const result = await runCli(['validate', RULES, path.join(run.out, 'T1529.yaml')]);
    expect(result.code).toBe(0);
  });

  it('sent the key in the Authorization header, asked for structured output, and grounded the prompt', () => {
    const [request] = run.requests;
    expect(request!.authorization).toBe(`Bearer ${SECRET}`);
    expect(request!.hasSchema).toBe(true);
    const prompt = request!.messages[1]!.content;
    expect(prompt).toContain('T1529 "System Shutdown/Reboot"');
    expect(prompt).toContain('DET0559'); // the v18 detection strategy
    expect(prompt).toMatch(/- spawned_process: /); // a macro of the ruleset with its definition
    expect(prompt).toMatch(/- shell_binaries: \[/); // a list with its items
    expect(prompt).toContain('proc.cmdline'); // the fields that exist
    expect(prompt).toMatch(/rule: /); // an example rule of the ruleset
  });
});

describe('server behaviours', () => {
  it('falls back when structured output is not supported, and reads JSON out of a code fence', async () => {
    const run = await draft('no-schema');
    expect(run.summary.drafts[0]!.status).toBe('passed');
    expect(run.requests.map((r) => r.hasSchema)).toEqual([true, false]);
    expect(run.requests[1]!.messages.at(-1)).toMatchObject({ role: 'system', content: expect.stringContaining('Reply with the JSON object only') });
    expect(run.summary.llm?.structuredOutput).toBe(false);
  });

  it('waits as 429 Retry-After says, then succeeds', async () => {
    const run = await draft('rate-limited');
    expect(run.summary.drafts[0]!.status).toBe('passed');
    expect(run.requests).toHaveLength(2);
    // The gap the server saw between the two requests: Retry-After: 1, not the 10 ms backoff.
    expect(run.requests[1]!.arrivedAt - run.requests[0]!.arrivedAt).toBeGreaterThanOrEqual(990);
  });

  it('retries a 500', async () => {
    const run = await draft('flaky');
    expect(run.summary.drafts[0]!.status).toBe('passed');
    expect(run.requests).toHaveLength(2);
  });

  it('gives up on a server that does not answer in time, and says so', async () => {
    const run = await draft('slow', '--llm-timeout', '1');
    expect(run.code).toBe(2);
    expect(run.summary.drafts[0]).toMatchObject({ status: 'error' });
    // --llm-timeout is the deadline of the whole answer: the hang spends it, and no retry follows.
    expect(run.summary.drafts[0]!.issues[0]).toMatch(/gave no answer within 1 s \(--llm-timeout, every attempt included\): .*(timeout|Timeout)/);
    expect(run.requests).toHaveLength(1);
    expect(run.files).toEqual(['summary.json']);
  });

  it('exits 1, not 2, when the endpoint failed for some drafts only (others passed)', async () => {
    const run = await draft('good-for-t1529-only', 'T1485');
    expect(run.summary.drafts.map((d) => [d.technique, d.status])).toEqual([['T1529', 'passed'], ['T1485', 'error']]);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/every draft failed/);
  });

  it('sends a malformed answer back and takes the corrected one', async () => {
    const run = await draft('malformed');
    expect(run.summary.drafts[0]).toMatchObject({ status: 'passed', attempts: 2 });
    expect(run.requests[1]!.messages.at(-1)!.content).toMatch(/the answer is not a JSON object/);
  });

  it('refuses a body that is not JSON, without retrying forever', async () => {
    const run = await draft('not-json');
    expect(run.summary.drafts[0]!.status).toBe('error');
    expect(run.summary.drafts[0]!.issues[0]).toMatch(/not JSON/);
  });

  it('retries an answer cut off inside its JSON, as a connection that failed, and takes the next (QA: "not JSON", no retry)', async () => {
    const run = await draft('cut-short-then-good');
    expect(run.summary.drafts[0]).toMatchObject({ status: 'passed', attempts: 1 });
    expect(run.requests).toHaveLength(2);
    const cut = await draft('cut-short');
    expect(cut.code).toBe(2);
    expect(cut.requests).toHaveLength(4);
    expect(cut.summary.drafts[0]!.issues[0]).toMatch(/^the LLM endpoint failed after 4 requests: the answer was cut off before its end: /);
  });

  it('keeps the key out of an error message that echoes it', async () => {
    const run = await draft('echo-key');
    expect(run.summary.drafts[0]!.status).toBe('error');
    expect(run.stderr).toContain('[redacted]');
  });

  it('keeps the key out in the forms an endpoint may echo it in: base64, hex, another case, \\uXXXX (QA)', async () => {
    const forms = [Buffer.from(`Bearer ${SECRET}`).toString('base64').slice(8, 40), Buffer.from(SECRET).toString('hex'), SECRET.toUpperCase(), `\\u${SECRET.charCodeAt(0).toString(16).padStart(4, '0')}\\u${SECRET.charCodeAt(1).toString(16).padStart(4, '0')}`];
    for (const model of ['echo-key-encoded', 'echo-key-encoded-in-answer']) {
      const run = await draft(model);
      const written = await Promise.all(run.files.filter((f) => f.endsWith('.yaml') || f.endsWith('.json')).map((f) => readFile(path.join(run.out, f), 'utf8')));
      for (const text of [run.stdout, run.stderr, ...written]) for (const form of forms) expect(text, `${model}: ${form}`).not.toContain(form);
      expect(run.stderr + written.join('')).toContain('[redacted]');
    }
  });
});

describe('the repair loop', () => {
  it('repairs a draft with an invented field on the second attempt, after sending the errors with line and column', async () => {
    const run = await draft('repair');
    expect(run.summary.drafts[0]).toMatchObject({ status: 'passed', attempts: 2 });
    const feedback = run.requests[1]!.messages.at(-1)!.content;
    expect(feedback).toMatch(/unknown-field: condition 1:\d+: unknown field evt\.argv; did you mean evt\.arg\?/);
    expect(run.requests[1]!.messages.at(-2)!.role).toBe('assistant');
  });

  it('moves a draft that still fails after 3 attempts to rejected/, with its reasons', async () => {
    const run = await draft('bad');
    expect(run.code).toBe(1);
    expect(run.files).toEqual(['rejected', 'rejected/T1529.yaml', 'summary.json']);
    expect(run.requests).toHaveLength(3);
    const text = await readFile(path.join(run.out, 'rejected', 'T1529.yaml'), 'utf8');
    expect(text).toMatch(/# validation: rejected after 3 attempts:/);
    expect(text).toMatch(/unknown-field: condition 1:\d+: unknown field evt\.argv/);
    // Each bad draft was rejected for its own reason on its attempt.
    const feedback = run.requests.slice(1).map((r) => r.messages.at(-1)!.content);
    expect(feedback[0]).toMatch(/time-compared-as-string/);
    expect(feedback[1]).toMatch(/no-event-type/);
    expect(feedback[1]).toMatch(/prefer-ruleset-macro: .*shell_procs/);
  });
});

describe('an earlier run in --out', () => {
  it("keeps the earlier run's drafts of a technique whose call failed (QA: an outage deleted reviewed drafts), removes one this run drafted the other way, said on stderr and in summary.json; what attack-cov did not write stays", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-elsewhere-'));
    const run = (model: string) => runCli(['draft', 'T1529', 'T1485', 'T1486', '--attack', ATTACK, '--rules', RULES, '--out', out, '--concurrency', '1', '--llm-base-url', server.baseUrl, '--model', model], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    // The earlier run: T1529 passed, T1485 and T1486 rejected (the T1529 rule fires on none of their procedures).
    expect((await run('good')).code).toBe(1);
    expect((await readdir(out, { recursive: true })).map(String).sort()).toEqual(['T1529.yaml', 'rejected', 'rejected/T1485.yaml', 'rejected/T1486.yaml', 'summary.json']);
    // Not attack-cov's to remove: a rules file of the user's by a draft's name, and a symlink to a draft.
    const mine = '- rule: My own T1486 rule\n  desc: mine\n  condition: evt.type = unlink\n  output: x\n  priority: INFO\n';
    await writeFile(path.join(out, 'T1486.yaml'), mine);
    await rename(path.join(out, 'rejected', 'T1486.yaml'), path.join(elsewhere, 'T1486.yaml'));
    await symlink(path.join(elsewhere, 'T1486.yaml'), path.join(out, 'rejected', 'T1486.yaml'));
    // A person reviews the passed draft.
    const reviewed = `${await readFile(path.join(out, 'T1529.yaml'), 'utf8')}# reviewed\n`;
    await writeFile(path.join(out, 'T1529.yaml'), reviewed);
    // This run: the endpoint fails T1529 (HTTP 404 stops the run), T1485 and T1486 are not attempted.
    const failed = await run('no-such-model');
    expect(failed.code).toBe(2);
    expect((await readdir(out, { recursive: true })).map(String).sort()).toEqual(['T1486.yaml', 'T1529.yaml', 'rejected', 'rejected/T1485.yaml', 'rejected/T1486.yaml', 'summary.json']);
    expect(await readFile(path.join(out, 'T1529.yaml'), 'utf8')).toBe(reviewed);
    type Drafts = Run['summary'] & { drafts: { removed?: string[]; kept?: string[] }[] };
    const summary = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as Drafts;
    expect(summary.drafts.map((d) => [d.technique, d.status, d.removed, d.kept])).toEqual([['T1529', 'error', undefined, ['T1529.yaml']], ['T1485', 'not-attempted', undefined, ['rejected/T1485.yaml']], ['T1486', 'not-attempted', undefined, undefined]]);
    expect(failed.stderr).toContain(`\nkept what an earlier run drafted, which this run has no model's draft to replace (its call failed, or it made a skeleton; the header says when it was made): ${path.join(out, 'T1529.yaml')}, ${path.join(out, 'rejected', 'T1485.yaml')}\n`);
    // The error and its hint come last, after what the run kept.
    expect(failed.stderr).toMatch(/\nkept what an earlier run[^\n]*\nerror: every draft failed at the LLM endpoint[^\n]*\nhint: [^\n]*\n$/);
    expect(await readFile(path.join(out, 'T1486.yaml'), 'utf8')).toBe(mine);
    expect(await readFile(path.join(out, 'rejected', 'T1486.yaml'), 'utf8')).toMatch(/^# DRAFT made by attack-cov /);
    // A run without its LLM (a CI job that lost its key) writes no skeleton over a draft of the model's, nor removes one (the review).
    const skeletons = await runCli(['draft', 'T1529', 'T1485', '--attack', ATTACK, '--rules', RULES, '--out', out, '--skeleton']);
    expect(skeletons.code, skeletons.stderr).toBe(0);
    expect(await readFile(path.join(out, 'T1529.yaml'), 'utf8')).toBe(reviewed);
    expect(await readFile(path.join(out, 'rejected', 'T1485.yaml'), 'utf8')).toMatch(/^# DRAFT made by attack-cov .*\n(#.*\n)*# validation: rejected/);
    expect(skeletons.stdout).toMatch(/^T1529 {6}skeleton {2}\n/m);
    const bySkeletons = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as Drafts;
    expect(bySkeletons.drafts.map((d) => [d.technique, d.status, d.file, d.kept])).toEqual([['T1529', 'skeleton', undefined, ['T1529.yaml']], ['T1485', 'skeleton', 'T1485.yaml', ['rejected/T1485.yaml']]]);
    // The next run drafts T1529 the other way (rejected): the earlier passed draft goes, so the folder says this run's outcome.
    const other = await run('silent');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`\nremoved what an earlier run drafted and this run drafted the other way: ${path.join(out, 'T1529.yaml')}, ${path.join(out, 'T1485.yaml')}\n`);
    const last = JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as Drafts;
    // T1485's skeleton of the run before goes too.
    expect(last.drafts.map((d) => [d.technique, d.status, d.removed, d.kept])).toEqual([['T1529', 'rejected', ['T1529.yaml'], undefined], ['T1485', 'rejected', ['T1485.yaml'], undefined], ['T1486', 'rejected', undefined, undefined]]);
  });

  it('changes nothing when a name it must write is taken by a folder: the earlier run stays whole (QA: its drafts went first)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const run = (model: string) => runCli(['draft', 'T1529', '--attack', ATTACK, '--rules', RULES, '--out', out, '--llm-base-url', server.baseUrl, '--model', model], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    expect((await run('good')).code).toBe(0);
    await mkdir(path.join(out, 'rejected', 'T1529.yaml'), { recursive: true });
    const failed = await run('silent');
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(new RegExp(`^error: ${path.join(out, 'rejected', 'T1529.yaml')}: is a directory; nothing was written$`, 'm'));
    expect((await readdir(out, { recursive: true })).map(String).sort()).toEqual(['T1529.yaml', 'rejected', 'rejected/T1529.yaml', 'summary.json']);
  });

  it('refuses a folder of --out that is a symlink out of it, and removes nothing through it (QA: rejected drafts landed outside --out)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-elsewhere-'));
    await writeFile(path.join(elsewhere, 'T1529.yaml'), '# DRAFT made by attack-cov 0.1.0. not in --out\n');
    await symlink(elsewhere, path.join(out, 'rejected'));
    const rejected = await runCli(['draft', 'T1529', '--attack', ATTACK, '--rules', RULES, '--out', out, '--llm-base-url', server.baseUrl, '--model', 'silent'], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(new RegExp(`^error: ${path.join(out, 'rejected')}: leads out of the output directory through a symlink; nothing was written$`, 'm'));
    // A passing draft writes no file there, yet the earlier rejected draft "in" it is not removed either.
    const passed = await runCli(['draft', 'T1529', '--attack', ATTACK, '--rules', RULES, '--out', out, '--llm-base-url', server.baseUrl, '--model', 'good'], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    expect(passed.code, passed.stderr).toBe(0);
    expect(await readdir(elsewhere)).toEqual(['T1529.yaml']);
  });
});

describe('drafts must fire (emulated on Atomic Red Team procedures and the benign corpus)', () => {
  it("rejects the seed article's T1529 draft (evt.argv[1] contains \"shutdown\") for firing on nothing", async () => {
    const run = await draft('seed');
    expect(run.code).toBe(1);
    expect(run.summary.drafts[0]).toMatchObject({ status: 'rejected', attempts: 3 });
    const issues = run.summary.drafts[0]!.issues.join('\n');
    expect(issues).toMatch(/emulation: the rule fires on none of T1529's \d+ Linux procedures/);
    const text = await readFile(path.join(run.out, 'rejected', 'T1529.yaml'), 'utf8');
    expect(text).toMatch(/fires on none of T1529's/);
  });

  it('sends the procedures a valid but silent draft missed back to the model, and takes the repaired one', async () => {
    const run = await draft('silent-then-good');
    expect(run.summary.drafts[0]).toMatchObject({ status: 'passed', attempts: 2 });
    const feedback = run.requests[1]!.messages.at(-1)!.content;
    expect(feedback).toMatch(/fires on none of T1529's \d+ Linux procedures/);
    // What the missed procedure makes, in fields the model can use.
    expect(feedback).toMatch(/execve shutdown -h now .*proc\.name=shutdown/);
  });

  it('rejects a draft that still fires on nothing after 3 attempts', async () => {
    const run = await draft('silent');
    expect(run.summary.drafts[0]).toMatchObject({ status: 'rejected', attempts: 3 });
    expect(run.files).toContain('rejected/T1529.yaml');
  });

  it('rejects a draft that fires on benign activity, naming the benign event it matched', async () => {
    const run = await draft('noisy');
    expect(run.summary.drafts[0]).toMatchObject({ status: 'rejected' });
    expect(run.summary.drafts[0]!.issues.join('\n')).toMatch(/fires on benign activity "Restart a service and follow its logs" \(service management\): execve systemctl restart nginx/);
    expect(run.summary.drafts[0]!.issues.join('\n')).not.toMatch(/fires on none/);
  });
});

describe('a technique Atomic Red Team has no Linux procedure of', () => {
  /** T1068: the embedded atomics hold no Linux procedure of it, so nothing shows a draft firing on it. */
  async function draftT1068(model: string): Promise<{ code: number; summary: Run['summary']; out: string }> {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const result = await runCli(['draft', 'T1068', '--attack', ATTACK, '--rules', RULES, '--out', out, '--llm-base-url', server.baseUrl, '--model', model], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    return { code: result.code, out, summary: JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as Run['summary'] };
  }

  it('holds the draft to the benign corpus still: every process start is refused (QA: `spawned_process` passed)', async () => {
    const run = await draftT1068('every-process');
    expect(run.summary.drafts[0]).toMatchObject({ technique: 'T1068', status: 'rejected', attempts: 3 });
    expect(run.summary.drafts[0]!.issues.join('\n')).toMatch(/emulation: the rule fires on benign activity "/);
    expect(run.summary.drafts[0]!.issues.join('\n')).not.toMatch(/fires on none/);
  });

  it('passes a draft that matches no benign activity, saying it was never shown to fire', async () => {
    const run = await draftT1068('good');
    expect(run.summary.drafts[0]).toMatchObject({ technique: 'T1068', status: 'passed', emulation: { procedures: 0, catches: [] } });
    const text = await readFile(path.join(run.out, 'T1068.yaml'), 'utf8');
    expect(text).toContain('# validation: passed on attempt 1 of 3\n#   not shown to fire: Atomic Red Team has no Linux procedure of T1068 to emulate; it fires on no benign activity (emulated)\n');
  });
});

describe('a model that never answers with a rule', () => {
  it('is rejected; its last answer is kept as comments in a file that still loads', async () => {
    const run = await draft('gibberish');
    expect(run.summary.drafts[0]).toMatchObject({ status: 'rejected', attempts: 3 });
    const file = path.join(run.out, 'rejected', 'T1529.yaml');
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/# {3}- rule: not really/);
    expect(text).toMatch(/# validation: rejected after 3 attempts:\n# {3}the answer is not a JSON object/);
    expect((await runCli(['validate', file])).code).toBe(0);
  });
});

describe("the model's text in a rejected draft stays inside comments", () => {
  /** The rejected file as a YAML loader sees it: no rule, only comments and the empty list. */
  const loaded = async (run: Run) => {
    const text = await readFile(path.join(run.out, 'rejected', 'T1529.yaml'), 'utf8');
    const body = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    return { text, body };
  };

  it("quotes $', $& and $` in the reasons as written, never as replacement patterns", async () => {
    const run = await draft('replacement-pattern');
    expect(run.summary.drafts[0]).toMatchObject({ status: 'rejected', attempts: 3 });
    const { text, body } = await loaded(run);
    expect(text).toContain("#   line 10: bad-priority: priority \"$'$&$`\"");
    // The one rule body (commented out below the header, as every rejected draft's) appears once, not pasted into the reasons.
    expect(text.match(/- rule: System shutdown or reboot command/g)).toHaveLength(1);
    expect(body.every((line) => line.startsWith('- rule:') || line.startsWith('  '))).toBe(true);
  });

  it('turns controls, NEL, bidi and invisible characters from the answer into spaces', async () => {
    const run = await draft('terminal-controls');
    expect(run.summary.drafts[0]).toMatchObject({ status: 'rejected' });
    const { text, body } = await loaded(run);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b\u202e\ufeff]/);
    expect(text).toMatch(/# {3}not json {2}2J {2}- rule: injected/);
    expect(body).toEqual(['[]']);
    expect((await runCli(['validate', path.join(run.out, 'rejected', 'T1529.yaml')])).code).toBe(0);
  });
});

describe('without an LLM', () => {
  it('writes a skeleton that says it is one', async () => {
    const run = await draft(undefined);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/no LLM configured/);
    const text = await readFile(path.join(run.out, 'T1529.yaml'), 'utf8');
    expect(text).toMatch(/# validation: skeleton/);
    expect(text).toMatch(/desc: "?SKELETON, not a working rule/);
    expect(text).toMatch(/ATTACK_COV_PLACEHOLDER_REPLACE_ME/);
    expect(text).toMatch(/- mitre_impact\n\s+- T1529\n/);
    expect(run.summary.drafts[0]!.status).toBe('skeleton');
    const validated = await runCli(['validate', RULES, path.join(run.out, 'T1529.yaml')]);
    expect(validated.code).toBe(0); // it loads: a skeleton is valid Falco, just not a detection
  });

  it('with --skeleton and an LLM configured, says skeletons were asked for, not that no LLM is configured (QA)', async () => {
    const run = await draft('good', '--skeleton');
    expect(run.code).toBe(0);
    expect(run.requests).toEqual([]);
    expect(run.stderr).toMatch(/^writing skeletons \(--skeleton\)$/m);
    expect(run.stderr).not.toMatch(/no LLM configured/);
    expect(await readFile(path.join(run.out, 'T1529.yaml'), 'utf8')).toMatch(/# validation: skeleton: --skeleton; the condition is a placeholder/);
    expect(run.summary.drafts[0]!.status).toBe('skeleton');
  });

  it('Ctrl-C among the renames into --out leaves no summary.json, never the previous one beside new drafts (QA: the folder described two runs)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    // Some 140 skeletons: their renames take long enough for a SIGINT sent at the first one to land among them.
    const args = ['draft', '--gaps', '--top', '500', '--skeleton', '--attack', ATTACK, '--rules', RULES, '--out', out, '-q'];
    const summaryDate = async () => (existsSync(path.join(out, 'summary.json')) ? (JSON.parse(await readFile(path.join(out, 'summary.json'), 'utf8')) as { generatedAt: string }).generatedAt : undefined);
    const draftDates = async () => new Set(await Promise.all((await readdir(out)).filter((f) => f.endsWith('.yaml')).map(async (f) => /^# date: (\S+)$/m.exec(await readFile(path.join(out, f), 'utf8'))?.[1])));
    let landed = 0;
    for (let attempt = 0; attempt < 5 && landed === 0; attempt++) {
      // A whole run first: --out holds its drafts and its summary.json.
      expect((await runCli(args)).code).toBe(0);
      expect([...(await draftDates())]).toEqual([await summaryDate()]);
      const { child, done } = startCli(args);
      const watcher = watch(out, (_event, name) => {
        if (!name || !/^T\d{4}\.yaml$/.test(name)) return;
        child.kill('SIGINT');
        watcher.close();
      });
      const result = await done;
      watcher.close();
      const dates = await draftDates();
      const summary = await summaryDate();
      // A summary.json there describes the drafts beside it: one run's.
      if (summary !== undefined) expect([...dates]).toEqual([summary]);
      // The interrupt came among the renames: drafts of both runs, and no summary.json.
      if (result.code === 130 && dates.size > 1) landed++;
    }
    expect(landed).toBe(1);
  }, 120_000);

  it('drafts a technique named twice (in any case) once: two drafts wrote one file twice and listed both', async () => {
    const run = await draft(undefined, 't1529');
    expect(run.code).toBe(0);
    expect(run.summary.drafts.map((d) => d.technique)).toEqual(['T1529']);
    expect(run.files).toEqual(['T1529.yaml', 'summary.json']);
  });

  it('writes a skeleton Falco loads without a warning where the rules have no spawned_process macro (T1059)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const rules = fixture('rules', 'tactic-mismatch.yaml');
    expect(await readFile(rules, 'utf8')).not.toContain('spawned_process');
    // T1059: ATT&CK suggests process execution only, so the skeleton restricts to execve itself.
    expect((await runCli(['draft', 'T1059', '--attack', ATTACK, '--rules', rules, '--out', out])).code).toBe(0);
    const text = await readFile(path.join(out, 'T1059.yaml'), 'utf8');
    expect(text).toMatch(/condition: evt\.type in \(execve, execveat\) and proc\.name = /);
    // evt.dir is deprecated since Falco 0.42 (a warning on load): the skeleton does not use it.
    const validated = await runCli(['validate', rules, path.join(out, 'T1059.yaml')]);
    expect(validated.stdout).not.toMatch(/warning/);
    expect(validated.code).toBe(0);
  });

  // Review finding: a CloudTrail skeleton suggested syscall macros (spawned_process, open_read).
  it('suggests only macros and lists of the draft\'s own source', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const rules = fixture('rules', 'conventional.yaml');
    expect(await readFile(rules, 'utf8')).toContain('- macro: spawned_process');
    expect((await runCli(['draft', 'T1530', '--attack', ATTACK, '--rules', rules, '--out', out, '--source', 'aws_cloudtrail'])).code).toBe(0);
    const text = await readFile(path.join(out, 'T1530.yaml'), 'utf8');
    expect(text).toContain('#   macros of your ruleset that may help: none\n#   lists of your ruleset that may help: none\n');
  });

  it('refuses a --source it knows no fields of, before writing anything, and takes a plugin\'s name for its events\' source', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const refused = await runCli(['draft', 'T1529', '--attack', ATTACK, '--rules', RULES, '--out', out, '--source', 'nope']);
    expectOneLineError(refused, /^error: --source nope: not a Falco source attack-cov knows the fields of$/);
    expect(refused.stderr).toMatch(/^hint: sources: aws_cloudtrail, gcp_auditlog, github, k8s_audit, okta, syscall$/m);
    expect(await readdir(out)).toEqual([]);
    expect((await runCli(['draft', 'T1609', '--attack', ATTACK, '--rules', RULES, '--out', out, '--source', 'k8saudit-eks', '-q'])).code).toBe(0);
    // The plugin's name stands for its events' source: a draft with source: k8saudit-eks would be skipped by Falco.
    expect(await readFile(path.join(out, 'T1609.yaml'), 'utf8')).toMatch(/^  source: k8s_audit$/m);
  });

  it('refuses a technique the --source observes none of the platforms of, before any model call; --gaps leaves such gaps out (QA)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-drafts-'));
    const before = server.requests.length;
    const refused = await runCli(['draft', 'T1609', 'T1529', '--attack', ATTACK, '--rules', RULES, '--out', out, '--source', 'k8s_audit', '--llm-base-url', server.baseUrl, '--model', 'good'], { env: { OPENAI_API_KEY: SECRET } });
    expectOneLineError(refused, /^error: --source k8s_audit observes Containers; T1529 is on ESXi, Linux, Network Devices, Windows, macOS: a rule of that source cannot detect it$/);
    expect(refused.stderr).toMatch(/\nhint: choose a source that observes one of its platforms \(syscall: Linux, Containers\), or leave --source out and attack-cov chooses\n$/);
    expect([server.requests.length - before, await readdir(out)]).toEqual([0, []]);
    // A skeleton too: it would read as a start.
    expect((await runCli(['draft', 'T1529', '--skeleton', '--attack', ATTACK, '--rules', RULES, '--out', out, '--source', 'k8s_audit'])).code).toBe(2);
    const gaps = await runCli(['draft', '--gaps', '--top', '2', '--skeleton', '--attack', ATTACK, '--rules', RULES, '--out', out, '--source', 'aws_cloudtrail']);
    expect(gaps.code, gaps.stderr).toBe(0);
    expect(gaps.stderr).toMatch(/^left out \d+ gap\(s\) --source aws_cloudtrail does not observe \(IaaS\): T\d{4}/m);
    const drafted = (await readdir(out)).filter((f) => f.endsWith('.yaml'));
    expect(drafted).toHaveLength(2);
  });
});

describe('--gaps', () => {
  it('drafts the top gaps Falco can close, in the priority order of the coverage report', async () => {
    const run = await draft('good', '--gaps', '--top', '2', '--threat', 'TeamTNT');
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-report-'));
    await runCli(['report', '--attack', ATTACK, '--rules', RULES, '--out', out, '--format', 'json', '--threat', 'TeamTNT', '-q']);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { gaps: { id: string; isSubtechnique: boolean; priority: { tier: number; detectability: string } }[] };
    const closable = report.gaps.filter((g) => !g.isSubtechnique && g.priority.tier <= 1);
    expect(closable[0]!.priority.detectability).toBe('closable-loaded');
    expect(run.summary.drafts.map((d) => d.technique)).toEqual(closable.slice(0, 2).map((g) => g.id));
  });
});
