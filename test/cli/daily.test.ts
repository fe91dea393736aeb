// Everyday use from the command line: a project config plus one inline suppression make the official rules
// pass --fail-on warning, with the suppressed findings shown as suppressed in every output; the config lies
// under the command line; init writes a starter; a bad config is one error line with its line and column.
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/coverage-report.js';
import { expectOneLineError, runCli } from '../helpers/cli.js';
import { OFFICIAL_RULES, repoRoot } from '../helpers/paths.js';

const FILES = OFFICIAL_RULES.map((f) => path.basename(f));
const IMDS = 'watches IMDS from containers';
const CONFIG = `rules: [${FILES.map((f) => `rules/${f}`).join(', ')}]
outputs:
  out: reports
suppressions:
  - code: [tactic-mismatch, unjustified-tactic, tactic-id-name-conflict, no-technique-tag]
    file: "rules/*_rules.yaml"
    reason: upstream falcosecurity/rules tags, fixed there and not here
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-daily-'));
  await mkdir(path.join(dir, 'rules'));
  for (const file of OFFICIAL_RULES) await copyFile(file, path.join(dir, 'rules', path.basename(file)));
  // The one inline suppression: the IMDS rule is tagged T1552.005 (IaaS) on purpose.
  const incubating = path.join(dir, 'rules', 'falco-incubating_rules.yaml');
  const text = await readFile(incubating, 'utf8');
  expect(text.match(/T1552\.005\]\n/g)).toHaveLength(1);
  await writeFile(incubating, text.replace(/T1552\.005\]\n/, `T1552.005]  # attack-cov-ignore platform-mismatch: ${IMDS}\n`));
  await writeFile(path.join(dir, '.attack-cov.yaml'), CONFIG);
});

describe('a config file and one inline suppression on the official rules', () => {
  it('fail --fail-on warning without them', async () => {
    const result = await runCli(['lint', '--no-config', '--rules', ...OFFICIAL_RULES, '--fail-on', 'warning']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('platform-mismatch');
  });

  it('pass --fail-on warning with them, showing the suppressed findings as suppressed in every output', async () => {
    const result = await runCli(['report', '--fail-on', 'warning'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('config: .attack-cov.yaml');
    const out = (name: string) => readFile(path.join(dir, 'reports', name), 'utf8');

    const report = JSON.parse(await out('report.json')) as CoverageReport;
    expect(report.findings).toEqual([]);
    expect(report.summary.findings).toMatchObject({ error: 0, warning: 0, info: 0, suppressed: 39 });
    const imds = report.suppressed!.filter((f) => f.code === 'platform-mismatch');
    expect(imds).toHaveLength(1);
    expect(imds[0]!.suppression).toEqual({ kind: 'inSource', justification: IMDS, file: 'rules/falco-incubating_rules.yaml', line: imds[0]!.line });
    expect(report.suppressed!.filter((f) => f.suppression.kind === 'external')).toHaveLength(38);
    expect(report.gates).toEqual([{ gate: 'fail-on', isPassed: true, message: '0 finding(s) at or above warning' }]);

    expect(result.stdout).toContain('(39 suppressed, not counted)');
    expect(result.stdout).toContain(`suppressed   1  platform-mismatch (in the rules: ${IMDS})`);

    const summary = await out('summary.md');
    expect(summary).toContain('(39 suppressed, not counted)');
    expect(summary).toMatch(new RegExp(`- platform-mismatch rules/falco-incubating\\\\_rules\\.yaml:\\d+ .* — in the rules file: ${IMDS}`));

    const csv = parseCsv(await out('findings.csv'), { columns: true }) as Record<string, string>[];
    expect(csv).toHaveLength(39);
    expect(csv.find((row) => row.code === 'platform-mismatch')!.suppressed).toBe(`inSource: ${IMDS}`);
    expect(csv.every((row) => row.suppressed !== '')).toBe(true);

    // Code scanning ignores SARIF suppressions and would raise each as an alert: the log leaves them out and says so.
    const sarif = JSON.parse(await out('findings.sarif'));
    const run = sarif.runs[0];
    expect(run.automationDetails).toBeUndefined();
    expect(run.results).toEqual([]);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^39 suppressed findings are not in this log: GitHub code scanning ignores SARIF suppressions/);
    for (const rule of run.tool.driver.rules) expect(rule.properties['security-severity']).toMatch(/^\d+\.\d$/);

    const html = await out('heatmap.html');
    const data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!) as CoverageReport;
    expect(data.suppressed!.find((f) => f.code === 'platform-mismatch')!.suppression.justification).toBe(IMDS);
  });
});

describe('the project config', () => {
  it('is found from a subdirectory, with its paths relative to itself', async () => {
    const result = await runCli(['lint', '--format', 'json'], { cwd: path.join(dir, 'rules') });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).suppressed).toHaveLength(39);
  });

  it('is named in the outputs relative to the source root, however --config names it (QA: an absolute path leaked)', async () => {
    await writeFile(path.join(dir, 'unused.yaml'), `rules: [rules/falco_rules.yaml]\nsuppressions:\n  - code: [unknown-technique]\n    rule: "nomatch*"\n    reason: r\n`);
    for (const [cwd, given] of [[dir, path.join(dir, 'unused.yaml')], [path.join(dir, 'rules'), '../unused.yaml']] as const) {
      const result = await runCli(['report', '--config', given, '--out', path.join(dir, 'unused'), '-q'], { cwd });
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(await readFile(path.join(dir, 'unused', 'report.json'), 'utf8')) as CoverageReport;
      expect(report.findings.filter((f) => f.code === 'unused-suppression').map((f) => `${f.file}:${f.line}`)).toEqual(['unused.yaml:3']);
      const sarif = JSON.parse(await readFile(path.join(dir, 'unused', 'findings.sarif'), 'utf8'));
      expect(sarif.runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri)).toContain('unused.yaml');
      for (const name of await readdir(path.join(dir, 'unused'))) expect(await readFile(path.join(dir, 'unused', name), 'utf8'), name).not.toContain(dir);
    }
  });

  it('judges a suppression\'s until day by the run\'s date, and says when SOURCE_DATE_EPOCH keeps one past it (QA)', async () => {
    await writeFile(path.join(dir, 'dated.yaml'), `rules: [${FILES.map((f) => `rules/${f}`).join(', ')}]\nsuppressions:\n  - code: [tactic-mismatch, unjustified-tactic, tactic-id-name-conflict, no-technique-tag, platform-mismatch]\n    file: "rules/*_rules.yaml"\n    reason: upstream tags\n    until: 2020-01-01\n`);
    const run = (epoch: string | undefined) => runCli(['lint', '--config', 'dated.yaml', '--format', 'json'], { cwd: dir, env: epoch === undefined ? {} : { SOURCE_DATE_EPOCH: epoch } });
    const frozen = await run('0');
    expect(frozen.stderr).toBe("config: dated.yaml\nnote: SOURCE_DATE_EPOCH sets this run's date to 1970-01-01, so a config suppression past its `until` day still suppresses: dated.yaml:3 (until 2020-01-01); set it to the last commit's time (git log -1 --format=%ct), or unset it\n");
    expect((JSON.parse(frozen.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).not.toContain('expired-suppression');
    // By the real date (no SOURCE_DATE_EPOCH) it has expired: said as a finding, and no note.
    const now = await run(undefined);
    expect(now.stderr).not.toContain('SOURCE_DATE_EPOCH');
    expect((JSON.parse(now.stdout) as { findings: { code: string }[] }).findings.map((f) => f.code)).toContain('expired-suppression');
  });

  it('lies under the command line: --fail-on given there wins over gates.fail-on', async () => {
    await writeFile(path.join(dir, 'strict.yaml'), `rules: [${FILES.map((f) => `rules/${f}`).join(', ')}]\ngates:\n  fail-on: warning\n`);
    const strict = await runCli(['report', '--config', 'strict.yaml', '--format', 'json', '--out', 'strict', '-q'], { cwd: dir });
    expect(strict.code).toBe(1);
    const loose = await runCli(['report', '--config', 'strict.yaml', '--format', 'json', '--out', 'strict', '-q', '--fail-on', 'none'], { cwd: dir });
    expect(loose.code, loose.stderr).toBe(0);
  });

  it('gates.fail-on: new is report\'s: lint says it gates at error instead, unless --fail-on is given (QA: silent)', async () => {
    await writeFile(path.join(dir, 'new.yaml'), `rules: [${FILES.map((f) => `rules/${f}`).join(', ')}]\ngates:\n  fail-on: new\n`);
    const note = 'config: fail-on: new is for report --baseline; lint gates at its default, error (--fail-on to choose)';
    const lint = await runCli(['lint', '--config', 'new.yaml', '--format', 'json'], { cwd: dir });
    expect(lint.stderr.split('\n')).toContain(note);
    const given = await runCli(['lint', '--config', 'new.yaml', '--format', 'json', '--fail-on', 'none'], { cwd: dir });
    expect([given.code, given.stderr.split('\n').includes(note)]).toEqual([0, false]);
    expect((await runCli(['lint', '--config', 'new.yaml', '--format', 'json', '-q'], { cwd: dir })).stderr).not.toContain(note);
  });

  it('passes its threats to --threat, unless the command line names its own', async () => {
    await writeFile(path.join(dir, 'threats.yaml'), `rules: [rules/falco_rules.yaml]\nthreats: [G0139]\n`);
    const fromConfig = await runCli(['report', '--config', 'threats.yaml', '--format', 'json', '--out', 'threats', '-q'], { cwd: dir });
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
    const read = async () => (JSON.parse(await readFile(path.join(dir, 'threats', 'report.json'), 'utf8')) as CoverageReport).threats.map((t) => t.id);
    expect(await read()).toEqual(['G0139']);
    expect((await runCli(['report', '--config', 'threats.yaml', '--format', 'json', '--out', 'threats', '-q', '--threat', 'G0096'], { cwd: dir })).code).toBe(0);
    expect(await read()).toEqual(['G0096']);
  });

  it('names an unknown platform or threat at its line in the config, and one given as a flag as the flag', async () => {
    await writeFile(path.join(dir, 'scope.yaml'), 'rules: [rules/falco_rules.yaml]\nscope: { platforms: [Linux, "Containers,Lunix"] }\nthreats:\n  - G0139\n  - NoSuchGroup\n');
    const platform = await runCli(['report', '--config', 'scope.yaml', '--out', 'scope', '-q'], { cwd: dir });
    expectOneLineError(platform, /^error: scope\.yaml:2:29: unknown platform: Lunix$/);
    expect(platform.stderr).toMatch(/\nhint: platforms in ATT&CK 18\.1: .*Linux/);
    const threat = await runCli(['report', '--config', 'scope.yaml', '--out', 'scope', '-q', '--platform', 'Linux'], { cwd: dir });
    expectOneLineError(threat, /^error: scope\.yaml:5:5: threat NoSuchGroup: no group, software or campaign of ATT&CK 18\.1 has this ID, name or alias$/);
    const flags = await runCli(['report', '--config', 'scope.yaml', '--out', 'scope', '-q', '--platform', 'Lunix', '--threat', 'G0139'], { cwd: dir });
    expectOneLineError(flags, /^error: unknown platform: Lunix$/);
    const threatFlag = await runCli(['report', '--config', 'scope.yaml', '--out', 'scope', '-q', '--platform', 'Linux', '--threat', 'NoSuchGroup'], { cwd: dir });
    expectOneLineError(threatFlag, /^error: --threat NoSuchGroup: no group/);
    await expect(readFile(path.join(dir, 'scope', 'report.json'))).rejects.toThrow(/ENOENT/);
  });

  it('pins the ATT&CK bundle by attack-sha256, named at its line, and --attack-sha256 overrides it (report and lint alike)', async () => {
    const embedded = JSON.parse(await readFile(path.join(repoRoot, 'data', 'embedded.json'), 'utf8')).attack.sha256 as string;
    const other = 'f'.repeat(64);
    await writeFile(path.join(dir, 'pinned.yaml'), `rules: [rules/falco_rules.yaml]\nattack-sha256: ${other}\n`);
    const refused = await runCli(['report', '--config', 'pinned.yaml', '--out', 'pinned', '-q'], { cwd: dir });
    expectOneLineError(refused, new RegExp(`^error: embedded:enterprise-attack-18\\.1\\.json\\.gz: its sha256 is ${embedded}, not ${other} as pinned by attack-sha256 at pinned\\.yaml:2:16$`));
    await expect(readdir(path.join(dir, 'pinned'))).rejects.toThrow(/ENOENT/);
    const flag = await runCli(['lint', '--config', 'pinned.yaml', '--attack-sha256', 'F'.repeat(63) + 'E', '--format', 'json', '-q'], { cwd: dir });
    expectOneLineError(flag, new RegExp(`not ${'f'.repeat(63)}e as pinned by --attack-sha256$`));
    const pinned = await runCli(['report', '--config', 'pinned.yaml', '--attack-sha256', embedded.toUpperCase(), '--out', 'pinned', '-q'], { cwd: dir });
    expect(pinned.code, pinned.stderr).toBe(0);
    const report = JSON.parse(await readFile(path.join(dir, 'pinned', 'report.json'), 'utf8')) as CoverageReport;
    expect(report.inputs.attack.sha256).toBe(embedded);
    const bad = await runCli(['report', '--attack-sha256', 'sha256:' + embedded], { cwd: dir });
    expectOneLineError(bad, /^error: option '--attack-sha256 <hex>' argument 'sha256:[0-9a-f]{64}' is invalid\. expected the 64 hexadecimal digits alone, without "sha256:"\.$/);
  });

  it('names a bad attack, rules or min-coverage value at its place in the config, not as a flag never given (QA), and not when a flag overrides it', async () => {
    const cases: [string, string][] = [
      ['rules: [rules/falco_rules.yaml]\nattack: "http://x:99999/a.json"\n', 'error: values.yaml:2:9: attack http://x:99999/a.json: not a valid URL (port 99999 is past 65535)'],
      ['rules: [rules/falco_rules.yaml]\nattack: "99.9"\n', 'error: values.yaml:2:9: unknown ATT&CK version: 99.9'],
      ['rules: [rules/falco_rules.yaml, gone.yaml]\n', 'error: values.yaml:1:33: rules gone.yaml: no such file or directory'],
      ['rules: [rules/falco_rules.yaml]\ngates:\n  min-coverage: [10, exfil=5]\n', 'error: values.yaml:3:22: min-coverage: unknown tactic exfil'],
    ];
    for (const [text, line] of cases) {
      await writeFile(path.join(dir, 'values.yaml'), text);
      const result = await runCli(['report', '--config', 'values.yaml', '--out', 'values', '-q'], { cwd: dir });
      expectOneLineError(result, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    }
    await expect(readdir(path.join(dir, 'values'))).rejects.toThrow(/ENOENT/);
    // Given on the command line, the config's value is not read.
    await writeFile(path.join(dir, 'values.yaml'), 'rules: [gone.yaml]\n');
    const overridden = await runCli(['lint', '--config', 'values.yaml', '--rules', 'rules/falco_rules.yaml', '-q', '--fail-on', 'none'], { cwd: dir });
    expect(overridden.code, overridden.stderr).toBe(0);
  });

  it('refuses an unknown key with its line and column and a suggestion', async () => {
    await writeFile(path.join(dir, 'bad.yaml'), 'rules: [rules/]\ngates:\n  min_coverage: 20\n');
    const result = await runCli(['report', '--config', 'bad.yaml'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: bad.yaml:3:3: unknown key "min_coverage" in gates; did you mean "min-coverage"?\nhint: known keys: fail-on, min-coverage, max-coverage-drop\n');
  });

  it('names a --config that is a folder or missing as typed, in words, pointing at the file a folder holds', async () => {
    const cases = [
      // dir holds a .attack-cov.yaml (the project config of this describe); its sub-folder rules/ does not.
      ['.', 'error: .: a folder, not a config file\nhint: give the file: --config .attack-cov.yaml\n'],
      ['rules/', 'error: rules/: a folder, not a config file\nhint: --config takes a .attack-cov.yaml file\n'],
      ['gone.yaml', 'error: gone.yaml: cannot read the config: no such file or directory\nhint: check the --config path\n'],
      ['', 'error: --config "": no value in it\nhint: give a .attack-cov.yaml file, or --no-config\n'],
    ];
    for (const [given, stderr] of cases) {
      const result = await runCli(['lint', '--config', given!], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(stderr);
    }
  });
});

describe('attack-cov init', () => {
  it('writes a starter naming the rules it finds, and refuses to overwrite without --force', async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-init-'));
    await mkdir(path.join(repo, 'rules.d'));
    await writeFile(path.join(repo, 'rules.d', 'custom.yaml'), '- list: empty\n  items: []\n');
    await writeFile(path.join(repo, 'falco_rules.local.yaml'), '- list: other\n  items: []\n');
    const first = await runCli(['init'], { cwd: repo });
    expect(first.code, first.stderr).toBe(0);
    const written = await readFile(path.join(repo, '.attack-cov.yaml'), 'utf8');
    expect(written).toContain('rules:\n  - falco_rules.local.yaml\n  - rules.d/\n');
    const again = await runCli(['init'], { cwd: repo });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('error: .attack-cov.yaml already exists here\nhint: attack-cov init --force replaces it\n');
    expect(await readFile(path.join(repo, '.attack-cov.yaml'), 'utf8')).toBe(written);
    expect((await runCli(['init', '--force'], { cwd: repo })).code).toBe(0);
    const lint = await runCli(['lint'], { cwd: repo });
    expect(lint.code, lint.stderr).toBe(0);
    expect(lint.stdout).toContain('no problems');
    // The folder that holds the config, as rules: its config is not read as a rules file (QA: "not a Falco rules file").
    const here = await runCli(['lint', '--rules', '.'], { cwd: repo });
    expect(here.code, here.stderr).toBe(0);
    expect(here.stdout).toContain('no problems');
  });

  it('names the rules in the order Falco loads them, so a local file overriding a rule comes after it', async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-init-'));
    await writeFile(path.join(repo, 'falco_rules.yaml'), '- rule: Shell\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n');
    await writeFile(path.join(repo, 'falco_rules.local.yaml'), '- rule: Shell\n  enabled: false\n  override:\n    enabled: replace\n');
    await writeFile(path.join(repo, 'falco-sandbox_rules.yaml'), '- list: empty\n  items: []\n');
    expect((await runCli(['init'], { cwd: repo })).code).toBe(0);
    expect(await readFile(path.join(repo, '.attack-cov.yaml'), 'utf8')).toContain('rules:\n  - falco_rules.yaml\n  - falco-sandbox_rules.yaml\n  - falco_rules.local.yaml\n');
    const lint = await runCli(['lint', '--format', 'json'], { cwd: repo });
    expect(lint.code, lint.stderr).toBe(0);
  });

  // A repository that appends to an official list loads only after the official rules: init names them first, and
  // suppresses their own findings so that the starter's gate (fail-on: error) judges the repository's rules only.
  it('puts the official rules first when the rules here append to what they define', async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-init-'));
    await mkdir(path.join(repo, 'rules'));
    await writeFile(path.join(repo, 'rules', 'acme_rules.yaml'), '- list: shell_binaries\n  items: [ash]\n  override:\n    items: append\n');
    const init = await runCli(['init'], { cwd: repo });
    expect(init.stderr).toBe('wrote .attack-cov.yaml (rules: official, rules/)\n');
    expect(await readFile(path.join(repo, '.attack-cov.yaml'), 'utf8')).toContain('rules:\n  - official\n  - rules/\n');
    const lint = await runCli(['lint'], { cwd: repo });
    expect(lint.code, lint.stderr).toBe(0);
  });

  // Falco's own falco.yaml is a mapping, not a rules list: naming its folder would stop every command on it.
  it('names the rules files of a folder that also holds Falco\'s configuration, and says what it left out', async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-init-'));
    await mkdir(path.join(repo, 'falco'));
    await writeFile(path.join(repo, 'falco', 'falco.yaml'), 'rules_files:\n  - /etc/falco/falco_rules.yaml\n');
    await writeFile(path.join(repo, 'falco', 'acme_rules.yaml'), '- list: empty\n  items: []\n');
    await writeFile(path.join(repo, 'falco', 'b_rules.yaml'), '- list: other\n  items: []\n');
    const init = await runCli(['init'], { cwd: repo });
    expect(init.stderr).toBe('wrote .attack-cov.yaml (rules: falco/acme_rules.yaml, falco/b_rules.yaml); left out, not rules files: falco/falco.yaml\n');
    expect(await readFile(path.join(repo, '.attack-cov.yaml'), 'utf8')).toContain('# Left out, not rules files: falco/falco.yaml.\nrules:\n  - falco/acme_rules.yaml\n  - falco/b_rules.yaml\n');
    const lint = await runCli(['lint'], { cwd: repo });
    expect(lint.code, lint.stderr).toBe(0);
  });

  it('writes a config that reads back for file names YAML would misread, and prints every name escaped', async () => {
    const repo = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-init-'));
    // Before: `- @acme_rules.yaml` (a plain value may not start with @: every command then stopped on the config), and
    // the second name's newline forged an "error:" line in init's message.
    const [at, forged] = ['@acme_rules.yaml', 'x_rules.yaml\nerror: forged\u001b[31m_rules.yaml'];
    for (const name of [at, forged]) await writeFile(path.join(repo, name), '- list: empty\n  items: []\n');
    await mkdir(path.join(repo, 'falco'));
    // Not a rules file: named in a comment of the config, where its newline would start a line of YAML.
    await writeFile(path.join(repo, 'falco', 'evil\nrules: [x].yaml'), 'key: value\n');
    const init = await runCli(['init'], { cwd: repo });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toBe('wrote .attack-cov.yaml (rules: @acme_rules.yaml, x_rules.yaml\\nerror: forged\\u001b[31m_rules.yaml); left out, not rules files: falco/evil\\nrules: [x].yaml\n');
    const written = await readFile(path.join(repo, '.attack-cov.yaml'), 'utf8');
    expect(written).toContain('# Left out, not rules files: falco/evil\\nrules: [x].yaml.\nrules:\n  - "@acme_rules.yaml"\n  - "x_rules.yaml\\nerror: forged\\u001b[31m_rules.yaml"\n');
    const lint = await runCli(['lint', '--format', 'json'], { cwd: repo });
    expect(lint.code, lint.stderr).toBe(0);
    expect((JSON.parse(lint.stdout) as CoverageReport).inputs.rules.map((r) => r.path)).toEqual([at, forged]);
  });
});
