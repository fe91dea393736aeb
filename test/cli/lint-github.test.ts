// lint --format github through the built binary, as a GitHub Actions step runs it: workflow commands on stdout, one per
// finding, at the file's path from the repository's root, the exit code of --fail-on, -q keeping the errors only.
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { fixture, MINI_BUNDLE } from '../helpers/paths.js';

/** A git work tree holding fixable.yaml (the fixture of lint --fix: 13 findings, 4 of them errors) in rules.d/. */
async function repository(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-github-'));
  execFileSync('git', ['init', '-q', dir]);
  await mkdir(path.join(dir, 'rules.d'));
  await copyFile(fixture('rules', 'fixable.yaml'), path.join(dir, 'rules.d', 'fixable.yaml'));
  return dir;
}

const lines = (stdout: string) => stdout.split('\n').filter(Boolean);

describe('lint --format github', () => {
  it("names a submodule's rules from the superproject's root, the checkout code scanning reads (a real git submodule)", async () => {
    const rules = await repository();
    const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', '-c', 'protocol.file.allow=always', ...args], { cwd, stdio: 'pipe' });
    git(rules, 'add', '.');
    git(rules, 'commit', '-qm', 'rules');
    const superproject = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-super-'));
    git(superproject, 'init', '-q');
    git(superproject, 'submodule', 'add', '-q', rules, 'vendor/falco');
    const result = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', 'vendor/falco/rules.d', '--format', 'github'], { cwd: superproject });
    expect(result.code).toBe(1);
    const commands = lines(result.stdout);
    expect(commands.length).toBeGreaterThan(0);
    for (const command of commands) expect(command).toMatch(/^::(error|warning|notice) file=vendor\/falco\/rules\.d\/fixable\.yaml,line=\d+,/);
    // Run in the submodule itself: the same paths.
    const inside = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', 'rules.d', '--format', 'github'], { cwd: path.join(superproject, 'vendor', 'falco') });
    expect(inside.stdout).toBe(result.stdout);
  });

  it('writes a workflow command per finding, each at its file from the repository root, and gates as the listing does', async () => {
    const dir = await repository();
    // Run from a folder below the work tree: paths are the repository's all the same.
    await mkdir(path.join(dir, 'ci'));
    const result = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', '../rules.d', '--format', 'github'], { cwd: path.join(dir, 'ci') });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const commands = lines(result.stdout);
    expect(commands).toHaveLength(13);
    for (const command of commands) expect(command).toMatch(/^::(error|warning) file=rules\.d\/fixable\.yaml,line=\d+,col=\d+(,endColumn=\d+)?,title=attack-cov [a-z-]+::\S/);
    expect(commands).toContain('::error file=rules.d/fixable.yaml,line=17,col=27,endColumn=31,title=attack-cov tactic-mismatch::T1611 belongs to privilege-escalation, but the rule\'s tactic tags name execution (rule "Wrong tactic"); fix: add mitre_privilege_escalation');
    expect(commands.filter((c) => c.startsWith('::error '))).toHaveLength(4);
    // --fail-on none passes with the same commands; -q keeps the 4 errors.
    const ungated = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', '../rules.d', '--format', 'github', '--fail-on', 'none'], { cwd: path.join(dir, 'ci') });
    expect(ungated.code).toBe(0);
    expect(ungated.stdout).toBe(result.stdout);
    const quiet = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', '../rules.d', '--format', 'github', '-q'], { cwd: path.join(dir, 'ci') });
    expect(quiet.code).toBe(1);
    expect(lines(quiet.stdout)).toEqual(commands.filter((c) => c.startsWith('::error ')));
  });

  it('with -q, says in a notice how many findings it left out fail the gate: a failed check never says nothing', async () => {
    const dir = await repository();
    const result = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', 'rules.d', '--format', 'github', '-q', '--fail-on', 'warning'], { cwd: dir });
    expect(result.code).toBe(1);
    const commands = lines(result.stdout);
    expect(commands[0]).toBe('::notice title=attack-cov::9 warnings at or above --fail-on warning (not listed with -q)');
    expect(commands.slice(1).every((c) => c.startsWith('::error '))).toBe(true);
    expect(commands).toHaveLength(5);
    // Without -q, or with a gate the hidden findings do not reach, there is nothing to say.
    const errorsOnly = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', 'rules.d', '--format', 'github', '-q'], { cwd: dir });
    expect(lines(errorsOnly.stdout).filter((c) => c.startsWith('::notice'))).toEqual([]);
  });

  it('counts the official rules\' findings in one notice: no line of the repository to annotate, and not gated', async () => {
    const result = await runCli(['lint', '--rules', 'official:all', '--format', 'github', '--fail-on', 'warning', '--no-config'], { cwd: await mkdtemp(path.join(os.tmpdir(), 'attack-cov-github-')) });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^note: 25 findings at or above warning in the official rules are not counted by --fail-on/);
    expect(lines(result.stdout)).toHaveLength(1);
    expect(result.stdout).toMatch(/^::notice title=attack-cov::39 findings about official:falco-incubating_rules\.yaml@\w+, official:falco-sandbox_rules\.yaml@\w+, official:falco_rules\.yaml@\w+ are not annotated: no file of the repository \(--format stylish or json lists them\)\n$/);
  });

  it('is a listing, not what --fix prints, and names its choices when the format is unknown', async () => {
    const dir = await repository();
    expectOneLineError(await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', dir, '--fix', '--format', 'github']), /^error: --fix prints what it changes as text, not --format github$/);
    const unknown = await runCli(['lint', '--attack', MINI_BUNDLE, '--rules', dir, '--format', 'gitlab']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("error: option '--format <name>' argument 'gitlab' is invalid. Allowed choices are stylish, json, sarif, github.");
  });

  it('names files from the repository\'s top with .attack-cov.yaml in a subfolder, whose folder outputs name files from (QA)', async () => {
    const dir = await repository();
    await mkdir(path.join(dir, 'deploy'));
    await copyFile(fixture('rules', 'fixable.yaml'), path.join(dir, 'deploy', 'mine.yaml'));
    await writeFile(path.join(dir, 'deploy', '.attack-cov.yaml'), `attack: ${MINI_BUNDLE}\nrules: [mine.yaml]\n`);
    const cwd = path.join(dir, 'deploy');
    const github = await runCli(['lint', '--format', 'github', '--fail-on', 'none'], { cwd });
    expect(github.code, github.stderr).toBe(0);
    expect(new Set(lines(github.stdout).map((line) => /file=([^,]*),/.exec(line)?.[1]))).toEqual(new Set(['deploy/mine.yaml']));
    const report = await runCli(['report', '--format', 'sarif,json', '--out', 'out', '--quiet'], { cwd });
    expect(report.code, report.stderr).toBe(0);
    const sarif = JSON.parse(await readFile(path.join(cwd, 'out', 'findings.sarif'), 'utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    expect(new Set(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri))).toEqual(new Set(['deploy/mine.yaml']));
    // report.json keeps naming files from the config's folder, and says where that folder is.
    const json = JSON.parse(await readFile(path.join(cwd, 'out', 'report.json'), 'utf8')) as { inputs: { rules: { path: string }[]; rootInRepository?: string } };
    expect([json.inputs.rules.map((r) => r.path), json.inputs.rootInRepository]).toEqual([['mine.yaml'], 'deploy']);
    // A YAML error lands on its line too.
    await writeFile(path.join(cwd, 'mine.yaml'), 'x: [\n');
    expect((await runCli(['lint', '--format', 'github'], { cwd })).stdout).toMatch(/^::error file=deploy\/mine\.yaml,line=1,col=4,/);
    // A file the error names as typed, from the working directory, is placed from there (the review: the source
    // root's folder was put in front of it too).
    await mkdir(path.join(dir, 'other'));
    await writeFile(path.join(dir, 'other', 'r.yaml'), 'x: [\n');
    const typed = await runCli(['lint', '--no-config', '--attack', MINI_BUNDLE, '--source-root', 'deploy', '--rules', 'other/r.yaml', '--format', 'github'], { cwd: dir });
    expect(typed.stdout).toMatch(/^::error file=other\/r\.yaml,line=1,col=4,/);
    const missing = await runCli(['lint', '--no-config', '--attack', MINI_BUNDLE, '--source-root', 'deploy', '--rules', 'deploy/missing.yaml', '--format', 'github'], { cwd: dir });
    expect(missing.stdout).toMatch(/^::error file=deploy\/missing\.yaml,title=attack-cov cannot read::/);
  });
});
