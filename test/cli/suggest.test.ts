// attack-cov suggest through the built binary: text and JSON on the Kubernetes audit rules, --apply and
// --apply-from on a copy (only tag lines change), usage errors, LLM mode against a Chat Completions
// server on 127.0.0.1 (a wrong-platform answer rejected, an echoed key never shown), report --suggest.
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { startLlmServer, type LlmServer } from '../helpers/llm-server.js';
import { BUNDLE_18, embedded, fixture } from '../helpers/paths.js';

const K8S = embedded('falco-plugins', 'k8s_audit_rules.yaml');
const SECRET = 'sk-test-SUGGEST-7373737373';
const PRIVILEGED = ['--rule', 'Create Privileged Pod'];
let server: LlmServer;

beforeAll(async () => {
  server = await startLlmServer(SECRET);
});
afterAll(() => server.close());

async function copyOfK8s(): Promise<{ dir: string; file: string; original: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-suggest-'));
  const file = path.join(dir, 'k8s_audit_rules.yaml');
  await copyFile(K8S, file);
  return { dir, file, original: await readFile(K8S, 'utf8') };
}

/** The lines that differ between two texts of the same length in lines (the writer adds no lines to flow lists). */
function changedLines(before: string, after: string): { before: string; after: string }[] {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b.length).toBe(a.length);
  return a.flatMap((line, i) => (line === b[i] ? [] : [{ before: line, after: b[i]! }]));
}

describe('attack-cov suggest', () => {
  it('prints candidates with scores, tags and evidence for "Create Privileged Pod"', async () => {
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...PRIVILEGED]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Create Privileged Pod/);
    expect(result.stdout).toMatch(/1\. T161[01] /);
    expect(result.stdout).toMatch(/evidence: .*privileg/);
    expect(result.stdout).toMatch(/1 rule looked at, 1 with candidates/);
    const help = await runCli(['suggest', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:\n  \$ attack-cov suggest/);
  }, 60_000);

  it('says why rules get no candidate when --platform leaves their source nothing to observe (QA: "no candidate" for every rule, no reason)', async () => {
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...PRIVILEGED, '--platform', 'linux']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/no candidate/);
    expect(result.stderr).toBe('note: the k8s_audit source observes none of --platform Linux (k8s_audit observes Containers: data/source-platforms.json), so its rules get no candidate\n');
    // -q: notes are not printed; --platform Containers leaves the source its platform, and no note.
    expect((await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...PRIVILEGED, '--platform', 'Linux', '-q'])).stderr).toBe('');
    const containers = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...PRIVILEGED, '--platform', 'Containers']);
    expect(containers.stderr).toBe('');
    expect(containers.stdout).toMatch(/1 rule looked at, 1 with candidates/);
  }, 60_000);

  it('puts first, for a CloudTrail rule testing CreateAccessKey, the technique whose ATT&CK text names that API', async () => {
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', fixture('rules', 'cloudtrail-named-apis.yaml')]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/1\. T1098\.001 +Additional Cloud Credentials .*tags: mitre_persistence, T1098\.001\n +evidence: ATT&CK names "CreateAccessKey" \(tested on ct\.name\);/);
  }, 60_000);

  it('writes JSON a person can review, and SARIF with a fix on the tags line', async () => {
    const json = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...PRIVILEGED, '--format', 'json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { ranker: string; suggestions: { rule: string; candidates: { technique: string; score: number; tags: string[]; edit?: { startLine: number; text: string } }[] }[] };
    expect(parsed.ranker).toBe('offline');
    const best = parsed.suggestions[0]!.candidates[0]!;
    expect(['T1610', 'T1611']).toContain(best.technique);
    expect(best.edit).toMatchObject({ startLine: 254, text: `, ${best.tags.join(', ')}` });
    const sarif = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...PRIVILEGED, '--format', 'sarif']);
    const run = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; fixes: { artifactChanges: { replacements: { deletedRegion: { startLine: number } }[] }[] }[] }[] }[] }).runs[0]!;
    expect(run.results[0]!.ruleId).toBe('suggested-attack-tags');
    expect(run.results[0]!.fixes[0]!.artifactChanges[0]!.replacements[0]!.deletedRegion.startLine).toBe(254);
  }, 60_000);

  it('--apply writes the best candidates at or above --min-score, changing only tag lines', async () => {
    const { file, original } = await copyOfK8s();
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply', '--min-score', '0.2']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/added tags to \d+ rule\(s\) in 1 file\(s\)/);
    const changed = changedLines(original, await readFile(file, 'utf8'));
    expect(changed.length).toBeGreaterThan(0);
    for (const line of changed) {
      expect(line.before).toBe('  tags: [k8s]');
      expect(line.after).toMatch(/^ {2}tags: \[k8s, mitre_[a-z_]+, T\d{4}(\.\d{3})?\]$/);
    }
    // What was written passes lint's tag checks, warnings included.
    const lint = await runCli(['lint', '--attack', BUNDLE_18, '--rules', file, '--fail-on', 'warning']);
    expect(lint.code, lint.stdout).toBe(0);
    // Applied rules are tagged now: a second run has nothing more for them.
    const again = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--format', 'json']);
    expect((JSON.parse(again.stdout) as { suggestions: unknown[] }).suggestions.length).toBe(48 - changed.length);
  }, 90_000);

  it('--apply-from writes what a person kept; --dry-run prints the diff and changes nothing', async () => {
    const { dir, file, original } = await copyOfK8s();
    const reviewed = path.join(dir, 'reviewed.json');
    await writeFile(reviewed, JSON.stringify({ suggestions: [{ rule: 'Create Privileged Pod', candidates: [{ technique: 'T1610', tags: ['mitre_execution', 'T1610'] }] }, { rule: 'Attach/Exec Pod', candidates: [{ technique: 'T1547.001' }] }] }));
    const dry = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', reviewed, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('-  tags: [k8s]\n+  tags: [k8s, mitre_execution, T1610]');
    expect(await readFile(file, 'utf8')).toBe(original);
    const applied = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', reviewed]);
    expect(applied.code).toBe(0);
    expect(applied.stderr).toMatch(/refused: "Attach\/Exec Pod" T1547\.001: .*platform-mismatch/);
    expect(changedLines(original, await readFile(file, 'utf8'))).toEqual([{ before: '  tags: [k8s]', after: '  tags: [k8s, mitre_execution, T1610]' }]);
  }, 60_000);

  it('--apply refuses to rewrite a file that is not UTF-8, before writing any file; so does --dry-run, which shows what --apply does', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-suggest-'));
    const file = path.join(dir, 'latin1.yaml');
    const bytes = Buffer.from('# caf\xe9\n- rule: Read shadow file\n  desc: a process read /etc/shadow\n  condition: open_read and fd.name = /etc/shadow\n  output: o\n  priority: WARNING\n  tags: [host]\n', 'latin1');
    await writeFile(file, bytes);
    const applied = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply', '--min-score', '0']);
    expectOneLineError(applied, /^error: latin1\.yaml:1:6: not UTF-8/);
    expect(await readFile(file)).toEqual(bytes);
    // QA: the dry run printed a diff (its bytes decoded as U+FFFD) and exit 0, for a rewrite --apply refuses.
    const dry = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply', '--min-score', '0', '--dry-run']);
    expectOneLineError(dry, /^error: latin1\.yaml:1:6: not UTF-8/);
    expect(dry.stdout).toBe('');
  }, 60_000);

  it('--apply reads the embedded official rules beside the user\'s file and writes only the user\'s, listing theirs as not written', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-suggest-'));
    const file = path.join(dir, 'mine.yaml');
    // Proves: suggestions for the official k8saudit rules (none tagged) are not written; the user's rule is.
    const text = '- rule: Read shadow file\n  desc: a process read /etc/shadow\n  condition: open_read and fd.name = /etc/shadow\n  output: o\n  priority: WARNING\n  tags: [host]\n';
    await writeFile(file, text);
    for (const extra of [['--dry-run'], []]) {
      const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', 'official:k8saudit', '--rules', file, '--apply', '--min-score', '0', ...extra]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/^ {2}not written: "[^"]+": the rule is in the embedded official rules, which are not rewritten: add the tags in a file of yours \(override: \{tags: append\}\)$/m);
      expect(result.stderr).toMatch(/^(would add|added) tags to 1 rule\(s\) in 1 file\(s\)$/m);
    }
    expect(await readFile(file, 'utf8')).toMatch(/^ {2}tags: \[host, mitre_/m);
  }, 60_000);

  it('--apply writes nothing into a tags list two rules share through a YAML anchor and alias, and says why for each', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-suggest-'));
    const file = path.join(dir, 'a.yaml');
    // Proves: each rule's suggestion went into the one anchored list before (both rules then claimed both techniques).
    const text = [
      '- rule: Clear Shell History\n  desc: an attempt to clear the bash history file\n  condition: evt.type in (open, openat) and fd.name endswith bash_history and evt.arg.flags contains O_TRUNC\n  output: shell history cleared (file=%fd.name)\n  priority: WARNING\n  tags: &common [host]\n',
      '- rule: Read Browser Password Store\n  desc: a process read the stored passwords of a web browser\n  condition: evt.type in (open, openat) and fd.name endswith "Login Data"\n  output: browser passwords read (file=%fd.name)\n  priority: WARNING\n  tags: *common\n',
    ].join('');
    await writeFile(file, text);
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply', '--min-score', '0.1']);
    expect(result.code, result.stderr).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(text);
    expect(result.stderr).toMatch(/^added tags to 0 rule\(s\) in 0 file\(s\)$/m);
    for (const rule of ['Clear Shell History', 'Read Browser Password Store']) {
      expect(result.stderr).toContain(`  not written: "${rule}": its tags are shared with other places through a YAML anchor and alias (&name, *name): one edit would change them all; add its tags by hand\n`);
    }
  }, 60_000);

  it('refuses bad usage and bad input with one line and exit 2', async () => {
    const noRules = await runCli(['suggest', '--attack', BUNDLE_18, '--apply']);
    expectOneLineError(noRules, /^error: --apply needs --rules/);
    const score = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, '--min-score', '7']);
    expectOneLineError(score, /--min-score takes a number from 0 to 1/);
    const { dir, file } = await copyOfK8s();
    await writeFile(path.join(dir, 'bad.json'), '{ not json');
    const bad = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', path.join(dir, 'bad.json')]);
    expectOneLineError(bad, /^error: .*bad\.json:1:3: not JSON/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    // JSON, but not what suggest --format json writes: refused, not taken as "nothing to apply".
    const shapes: [string, RegExp][] = [
      ['[]', /bad\.json: not a suggest --format json output: no "suggestions" list$/],
      ['{"suggestions": null}', /no "suggestions" list$/],
      ['{"suggestions": [{"rule": "x", "candidates": []}, 5]}', /suggestions\[1\] is not an entry with a "rule" and a "candidates" list$/],
      ['{"suggestions": [{"rule": 5, "candidates": []}]}', /suggestions\[0\] is not an entry/],
      ['{"suggestions": [{"rule": "x", "candidates": 5}]}', /suggestions\[0\] is not an entry/],
    ];
    for (const [json, message] of shapes) {
      await writeFile(path.join(dir, 'bad.json'), json);
      expectOneLineError(await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', path.join(dir, 'bad.json'), '--dry-run']), message);
    }
    // Named as given, relative to the working directory, not by an absolute path.
    expectOneLineError(await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', 'bad.json', '--dry-run'], { cwd: dir }), /^error: bad\.json: not a suggest --format json output/);
    expectOneLineError(await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', 'gone.json', '--dry-run'], { cwd: dir }), /^error: gone\.json: no such file$/);
    expectOneLineError(await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', '', '--dry-run'], { cwd: dir }), /^error: --apply-from "": no value in it$/);
    // What applying changes is text (a diff with --dry-run): another --format is refused, not a diff where JSON was asked (QA).
    for (const format of ['json', 'csv', 'sarif']) {
      expectOneLineError(await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply', '--dry-run', '--format', format]), new RegExp(`^error: --apply prints what it changes as text, not --format ${format}$`));
    }
    expectOneLineError(await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', 'gone.json', '--format', 'json'], { cwd: dir }), /^error: --apply-from prints what it changes as text, not --format json$/);
    // The reviewed file is what gets written: no model is asked again (it sent a request per rule for answers nobody read).
    expectOneLineError(await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', 'gone.json', '--model', 'm', '--llm-base-url', 'http://127.0.0.1:9/v1'], { cwd: dir }), /^error: --apply-from and --model exclude each other: /);
    // A technique holding a newline stays on the refused line it belongs to.
    await writeFile(path.join(dir, 'forged.json'), JSON.stringify({ suggestions: [{ rule: 'Create Privileged Pod', candidates: [{ technique: 'T1059\n- RULE: EVIL' }] }] }));
    const forged = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, '--apply-from', path.join(dir, 'forged.json'), '--dry-run']);
    expect(forged.code).toBe(0);
    expect(forged.stderr).toMatch(/^ {2}refused: "Create Privileged Pod" T1059\\n- RULE: EVIL: no technique T1059\\n- RULE: EVIL in ATT&CK 18\.1$/m);
    expect(forged.stderr).not.toMatch(/^- RULE/m);
    const rule = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, '--rule', 'create privileged pod']);
    expectOneLineError(rule, /^error: no rule named "create privileged pod" in the rules files$/);
    // The nearest names, the one meant first (QA: no hint).
    expect(rule.stderr).toMatch(/\nhint: --rule takes a rule's name exactly as written; the nearest: "Create Privileged Pod", "[^"]+", "[^"]+"\n$/);
    const model = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, '--model', 'x']);
    expectOneLineError(model, /--model needs an endpoint/);
  }, 60_000);
});

describe('attack-cov suggest --model', () => {
  const ask = (model: string) => runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...PRIVILEGED, '--format', 'json', '--llm-base-url', server.baseUrl, '--model', model], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
  type Parsed = { ranker: string; suggestions: { candidates: { technique: string; by: string; reason?: string }[]; rejected: { technique: string; reason: string }[] }[] };

  it('takes the model\'s choices among the candidates, with its reasons, sending the candidates in the prompt', async () => {
    const before = server.requests.length;
    const result = await ask('suggest-pick');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as Parsed;
    expect(parsed.ranker).toBe('model suggest-pick');
    expect(parsed.suggestions[0]!.candidates.map((c) => [c.technique, c.by])).toEqual([['T1611', 'model'], ['T1610', 'model']]);
    expect(parsed.suggestions[0]!.candidates[0]!.reason).toBe('a privileged pod can reach the host');
    const request = server.requests.slice(before)[0]!;
    expect(request.authorization).toBe(`Bearer ${SECRET}`);
    expect(request.messages.at(-1)!.content).toMatch(/Candidates from an offline ranker:\n- T161[01] /);
  }, 60_000);

  it('rejects a wrong-platform technique, a wrong tactic and an unknown ID', async () => {
    const parsed = JSON.parse((await ask('suggest-wrong-platform')).stdout) as Parsed;
    expect(parsed.suggestions[0]!.rejected.map((r) => r.technique)).toEqual(['T1547.001', 'T1611', 'T9999']);
    expect(parsed.suggestions[0]!.candidates.map((c) => c.technique)).toEqual([]);
  }, 60_000);

  it('a body of JSON null is a model error for the rule, not a crash; when every call failed, exit 2 saying so', async () => {
    const result = await ask('body:null');
    // QA: every call failing (the endpoint down, a wrong key) printed "0 with candidates" and exited 0.
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/crashed|TypeError/);
    expect(result.stderr).toMatch(/^suggest "Create Privileged Pod": model error: the LLM endpoint answered without choices\[0\]\.message\.content$/m);
    expect(result.stderr).toMatch(/^error: every model call failed \(1 of 1\), the last with: the LLM endpoint answered without choices\[0\]\.message\.content\nhint: check --llm-base-url, --model and OPENAI_API_KEY; without --model, suggest ranks offline\n$/m);
    expect(result.stdout).toBe('');
  }, 60_000);

  it('a refused key stops the run at the first 401: one model error line, not one per rule, and the rest not attempted (QA: 22 requests, 22 errors)', async () => {
    const before = server.requests.length;
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, '--llm-base-url', server.baseUrl, '--model', 'suggest-pick'], { env: { OPENAI_API_KEY: 'sk-test-WRONG-KEY-7654321', ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    expect(result.code).toBe(2);
    // The two requests of --concurrency 2 were in flight at once; none after the refusal.
    expect(server.requests.length - before).toBeLessThanOrEqual(2);
    expect(result.stderr.match(/model error/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/^error: every model call failed \(48 of 48; the run stopped after the LLM endpoint refused the credentials \(HTTP 401\): 47 of 48 rules not attempted\), the last with: the LLM endpoint refused the request: HTTP 401: .*\nhint: check --llm-base-url, --model and OPENAI_API_KEY; without --model, suggest ranks offline\n$/m);
    expect(result.stderr).not.toContain('WRONG-KEY');
  }, 60_000);

  it('a model the server does not have (HTTP 404) stops the run at the first: one model error line naming the URL, not one per rule', async () => {
    const before = server.requests.length;
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, '--llm-base-url', server.baseUrl, '--model', 'no-such-model'], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    const url = `${server.baseUrl}/chat/completions`;
    expect(result.code).toBe(2);
    // The two requests of --concurrency 2 were in flight at once; none after the 404.
    expect(server.requests.length - before).toBeLessThanOrEqual(2);
    expect(result.stderr.match(/model error/g)).toHaveLength(1);
    expect(result.stderr).toContain(`error: every model call failed (48 of 48; the run stopped after the LLM endpoint answered HTTP 404 (not found) for ${url}: 47 of 48 rules not attempted), the last with: the LLM endpoint answered HTTP 404 (not found) for ${url}: {"error":{"message":"model no-such-model not found"}}\n`);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  }, 60_000);

  it('an endpoint that never answers in time is given up after 3 rules in a row, not paid for per rule', async () => {
    const before = server.requests.length;
    const ask = (model: string) => runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, '--format', 'json', '--llm-base-url', server.baseUrl, '--model', model, '--llm-timeout', '1', '--concurrency', '1'], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    const result = await ask('slow');
    expect(result.code).toBe(2);
    expect(server.requests.length - before).toBe(3);
    expect(result.stderr.match(/model error: the LLM endpoint gave no answer within 1 s/g)).toHaveLength(3);
    expect(result.stderr).toMatch(/^error: every model call failed \(48 of 48; the run stopped after 3 requests in a row got no answer from the LLM endpoint: 45 of 48 rules not attempted\)/m);
  }, 60_000);

  it('a key refused after some answers: the rules answered keep their choices, the rest are listed as not attempted, the run says it stopped and exits 1', async () => {
    const rules = ['--rule', 'Create Privileged Pod', '--rule', 'Create Sensitive Mount Pod', '--rule', 'Create HostNetwork Pod'];
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...rules, '--format', 'json', '--concurrency', '1', '--llm-base-url', server.baseUrl, '--model', 'suggest-pick-then-refused'], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    // The answers there are are the output; exit 1 tells CI that rules went without the model's choice (QA: exit 0), as
    // draft's exit 1 does for a draft that failed.
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as Parsed;
    expect(parsed.suggestions.map((s) => [s.candidates.map((c) => c.technique), s.rejected.map((r) => r.reason)])).toEqual([
      [['T1610'], []],
      [[], ['model error: the LLM endpoint refused the request: HTTP 401: {"error":{"message":"key revoked"}}']],
      [[], ['not attempted: the run stopped after the LLM endpoint refused the credentials (HTTP 401)']],
    ]);
    expect(result.stderr.match(/model error/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/^suggest: the run stopped after the LLM endpoint refused the credentials \(HTTP 401\): 1 of 3 rules not attempted; they are listed without candidates$/m);
  }, 60_000);

  it('a call that failed for one rule (the run going on) exits 1 too, after printing the others\' choices', async () => {
    const rules = ['--rule', 'Create Privileged Pod', '--rule', 'Create Sensitive Mount Pod'];
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...rules, '--format', 'json', '--llm-base-url', server.baseUrl, '--model', 'suggest-pick-but-sensitive-mount'], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as Parsed).suggestions.map((s) => s.candidates.map((c) => c.technique))).toEqual([['T1610'], []]);
    expect(result.stderr).toMatch(/^suggest "Create Sensitive Mount Pod": model error: the LLM endpoint refused the request: HTTP 400: /m);
  }, 60_000);

  it('an answer with no choices in it fails that rule\'s call: said on stderr, listed as rejected, exit 1; every answer so, exit 2', async () => {
    const rules = ['--rule', 'Create Privileged Pod', '--rule', 'Create Sensitive Mount Pod'];
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...rules, '--format', 'json', '--llm-base-url', server.baseUrl, '--model', 'suggest-pick-but-prose-for-sensitive-mount'], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as Parsed;
    expect(parsed.suggestions.map((s) => [s.candidates.map((c) => c.technique), s.rejected.map((r) => r.reason)])).toEqual([
      [['T1610'], []],
      [[], [expect.stringMatching(/^model error: unusable answer: /)]],
    ]);
    expect(result.stderr).toMatch(/^suggest "Create Sensitive Mount Pod": model error: unusable answer: /m);
    const all = await ask('gibberish');
    expect(all.code).toBe(2);
    expect(all.stderr).toMatch(/^error: every model call failed \(1 of 1\), the last with: unusable answer: /m);
  }, 60_000);

  it('--apply --model that stopped early writes the tags of the rules answered, and exits 1', async () => {
    const { file, original } = await copyOfK8s();
    const rules = ['--rule', 'Create Privileged Pod', '--rule', 'Create Sensitive Mount Pod'];
    // A server of its own: the model's first call (the one answered) is counted per server.
    const fresh = await startLlmServer(SECRET);
    const result = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', file, ...rules, '--apply', '--min-score', '0', '--concurrency', '1', '--llm-base-url', fresh.baseUrl, '--model', 'suggest-pick-then-refused'], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } }).finally(() => fresh.close());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^added tags to 1 rule\(s\) in 1 file\(s\)\n {2}Create Privileged Pod: mitre_execution, T1610$/m);
    expect(changedLines(original, await readFile(file, 'utf8'))).toHaveLength(1);
  }, 60_000);

  it('never shows the key, even when the model echoes it', async () => {
    const result = await ask('suggest-echo-key');
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
    expect(result.stdout).toContain('[redacted]');
    const text = await runCli(['suggest', '--attack', BUNDLE_18, '--rules', K8S, ...PRIVILEGED, '--llm-base-url', server.baseUrl, '--model', 'echo-key'], { env: { OPENAI_API_KEY: SECRET, ATTACK_COV_LLM_BACKOFF_MS: '10' } });
    expect(text.stdout + text.stderr).not.toContain(SECRET);
    expect(text.stderr).toMatch(/model error/);
  }, 60_000);
});

describe('attack-cov report --suggest', () => {
  it('adds suggestions to report.json, suggestions.csv, SARIF, summary.md and the heatmap', async () => {
    const { dir, file } = await copyOfK8s();
    const out = path.join(dir, 'out');
    // Its own source root: SARIF holds only files of the repository it describes.
    const result = await runCli(['report', '--attack', BUNDLE_18, '--rules', file, '--suggest', '--out', out, '-q', '--source-root', dir], { env: { SOURCE_DATE_EPOCH: '0' } });
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as { suggestions: { rules: unknown[]; wouldCover: { id: string; rules: string[] }[] } };
    expect(report.suggestions.rules).toHaveLength(48);
    expect(report.suggestions.wouldCover.find((t) => t.rules.includes('Create Privileged Pod'))?.id).toMatch(/^T161[01]$/);
    expect((await readFile(path.join(out, 'suggestions.csv'), 'utf8')).split('\n')[0]).toBe('rule,file,line,source,rank,technique,name,score,tags_to_add,by,reason,evidence,log_sources');
    expect(await readFile(path.join(out, 'summary.md'), 'utf8')).toMatch(/### Suggested ATT&CK tags \(offline\)/);
    expect(await readFile(path.join(out, 'findings.sarif'), 'utf8')).toContain('"ruleId": "suggested-attack-tags"');
    expect(await readFile(path.join(out, 'heatmap.html'), 'utf8')).toContain('would-cover');
    const plain = await runCli(['report', '--attack', BUNDLE_18, '--rules', file, '--out', path.join(dir, 'plain'), '-q']);
    expect(plain.stderr).not.toContain('suggestions.csv');
  }, 90_000);
});
