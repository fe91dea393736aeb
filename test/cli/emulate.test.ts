// attack-cov emulate and report --emulate on the embedded official rules and atomics, through the built
// binary: the issue's "done when" (the rule that fires on clear-bash-history, nothing on T1529,
// undetermined cases with the fields they need, how many tagged techniques are demonstrated).
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../src/coverage-report.js';
import type { EmulationSection } from '../../src/emulate/types.js';
import { expectOneLineError, runCli, startCli, type CliResult } from '../helpers/cli.js';
import { BUNDLE_18, OFFICIAL_RULES, fixture } from '../helpers/paths.js';

const INPUTS = ['--attack', BUNDLE_18, '--rules', ...OFFICIAL_RULES];

describe('attack-cov emulate on the official rules', () => {
  let json: CliResult;
  let section: EmulationSection;
  let out: string;
  beforeAll(async () => {
    // An --out whose name holds one of attack-cov's own colours: the wrote lines must say it escaped (QA).
    out = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-emulate-')), 'e\u001b[31m');
    json = await runCli(['emulate', ...INPUTS, '--format', 'json', '--out', out]);
    section = JSON.parse(json.stdout) as EmulationSection;
  }, 120_000);

  it('says what it wrote on stderr, the folder\'s name escaped', () => {
    const shown = out.replace('\u001b', '\\u001b');
    expect(json.stderr).toBe(`wrote ${shown}/emulation.json\nwrote ${shown}/emulation.md\n`);
  });

  it('names the rule that fires on Atomic Red Team\'s clear-bash-history procedure, with the event', () => {
    expect(json.code).toBe(0);
    const rm = section.procedures.find((p) => p.id === 'a934276e-2be5-4a36-93fd-98adbb5bd4fc')!;
    expect(rm).toMatchObject({ technique: 'T1070.003', name: 'Clear Bash history (rm)' });
    expect(rm.fired).toContainEqual(expect.objectContaining({ rule: 'Delete or rename shell history', context: 'host', event: 'unlinkat by rm /root/.bash_history [parent sh]' }));
    expect(section.techniques.find((t) => t.id === 'T1070.003')).toMatchObject({ status: 'demonstrated-not-tagged', firingRules: expect.arrayContaining(['Delete or rename shell history']) });
    // The rule tags T1070 (the parent): the tag is demonstrated through the sub-technique's procedures, and a T1070.003 tag is suggested.
    expect(section.techniques.find((t) => t.id === 'T1070')).toMatchObject({ status: 'tagged-and-demonstrated', demonstratedBy: expect.arrayContaining(['Delete or rename shell history']) });
    expect(section.suggestions).toContainEqual(expect.objectContaining({ rule: 'Delete or rename shell history', technique: 'T1070.003' }));
  });

  it('finds no rule firing on T1529\'s Linux procedures', () => {
    const t1529 = section.procedures.filter((p) => p.technique === 'T1529');
    expect(t1529.length).toBeGreaterThanOrEqual(9);
    expect(t1529.flatMap((p) => p.fired)).toEqual([]);
    expect(section.techniques.find((t) => t.id === 'T1529')).toMatchObject({ status: 'not-demonstrated', firingRules: [] });
  });

  it('lists undetermined cases with the fields they need', () => {
    const undetermined = section.procedures.flatMap((p) => p.undetermined);
    expect(undetermined.length).toBeGreaterThan(0);
    expect(undetermined).toContainEqual(expect.objectContaining({ needs: expect.arrayContaining(['fd.sip']) }));
    expect(section.summary.undeterminedPairs).toBeGreaterThan(0);
  });

  it('counts tagged techniques demonstrated, flags rules firing on benign activity, writes emulation.json and .md', async () => {
    const s = section.summary;
    expect(s.tagged).toBe(s.taggedAndDemonstrated + s.taggedNeverFired);
    expect(s.taggedAndDemonstrated).toBeGreaterThan(0);
    expect(s.techniques).toBe(s.taggedAndDemonstrated + s.taggedNeverFired + s.demonstratedNotTagged + s.notDemonstrated);
    expect(section.rules.filter((r) => r.isNoisy).map((r) => r.rule)).toContain('Launch Package Management Process in Container');
    expect((await readdir(out)).sort()).toEqual(['emulation.json', 'emulation.md']);
    expect(JSON.parse(await readFile(path.join(out, 'emulation.json'), 'utf8'))).toEqual(section);
    expect(await readFile(path.join(out, 'emulation.md'), 'utf8')).toMatch(/^# Emulated detection\n/);
    expect(json.stderr).toMatch(/wrote .*emulation\.json/);
  });

  it('prints the listing for chosen techniques: the firing rule and its event, the count of tagged techniques demonstrated', async () => {
    const text = await runCli(['emulate', 'T1070.003', 'T1529', ...INPUTS]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\d+ of \d+ tagged techniques? with procedures demonstrated by their own rules/);
    expect(text.stdout).toMatch(/a934276e Clear Bash history \(rm\): Delete or rename shell history\n\s+← unlinkat by rm \/root\/\.bash_history/);
    expect(text.stdout).toMatch(/No rule fires on the procedures of: .*T1529/);
    expect(text.stdout).not.toMatch(/T1105/);
  }, 60_000);

  it('credits the atomics Atomic Red Team numbers for ATT&CK v19 to the 18.1 IDs: Clear Log Activities demonstrates T1070 on T1685.006\'s "Overwrite Linux Log"', () => {
    expect(section.procedures.find((p) => p.name === 'Overwrite Linux Log')).toMatchObject({ technique: 'T1070.002', atomicTechnique: 'T1685.006', fired: expect.arrayContaining([expect.objectContaining({ rule: 'Clear Log Activities' })]) });
    expect(section.techniques.find((t) => t.id === 'T1070')).toMatchObject({ status: 'tagged-and-demonstrated', demonstratedBy: expect.arrayContaining(['Clear Log Activities']) });
    expect(section.renumbered?.reduce((n, r) => n + r.procedures, 0)).toBe(54);
    expect(section.unknownTechniques).toBeUndefined();
    expect(section.procedures.filter((p) => /^T1(685|686|689|690)/.test(p.technique ?? ''))).toEqual([]);
  });

  it('emulates T1070.002 with its v19-numbered atomics, and names the 18.1 ID for a v19 one (exit 2)', async () => {
    const text = await runCli(['emulate', 'T1070.002', ...INPUTS]);
    expect(text.stdout).toMatch(/^Emulated 9 Atomic Red Team procedures/);
    expect(text.stdout).toContain('Atomic Red Team numbers 1 technique as another ATT&CK does; their procedures count for this one\'s IDs (data/attack-renumbering.json): T1685.006 → T1070.002 (9)\n');
    const v19 = await runCli(['emulate', 'T1685.006', ...INPUTS]);
    expect(v19.code).toBe(2);
    expect(v19.stderr).toBe('error: unknown technique T1685.006 in ATT&CK 18.1\nhint: T1685.006 is ATT&CK v19\'s number (Atomic Red Team\'s too) for what ATT&CK 18.1 numbers T1070.002 Clear Linux or Mac System Logs: attack-cov emulate T1070.002\n');
  }, 60_000);

  it('counts as the report does on --platform IaaS, where syscall rules observe nothing: no technique, no tag suggestion', async () => {
    const iaas = await runCli(['emulate', '--platform', 'IaaS', '--format', 'json', ...INPUTS]);
    const scoped = JSON.parse(iaas.stdout) as EmulationSection;
    expect(scoped).toMatchObject({ techniques: [], suggestions: [], observedPlatforms: [], summary: { techniques: 0, tagged: 0 } });
    expect(section.observedPlatforms).toEqual(['Linux', 'Containers']);
  }, 60_000);

  it('refuses a bad technique ID and a bad format with exit 2', async () => {
    expect((await runCli(['emulate', 'X1', ...INPUTS])).stderr).toMatch(/^error: not a technique ID: "X1"\n/);
    // An empty one too (QA: emulate '' ran and exited 0).
    expectOneLineError(await runCli(['emulate', '', ...INPUTS]), /^error: not a technique ID: ""$/);
    expect((await runCli(['emulate', '--format', 'yaml', ...INPUTS])).code).toBe(2);
    const unknown = await runCli(['emulate', 'T9999', ...INPUTS]);
    expectOneLineError(unknown, /^error: unknown technique T9999 in ATT&CK /);
    expect(unknown.stderr).toMatch(/\nhint: technique IDs look like T1059 or T1059\.004; --attack chooses the ATT&CK version\n$/);
    // draft says the same (QA: neither had a hint).
    expect((await runCli(['draft', 'T9999', '--skeleton', ...INPUTS, '--out', path.join(os.tmpdir(), 'attack-cov-never-written')])).stderr).toBe('error: unknown technique T9999 in ATT&CK 18.1\nhint: technique IDs look like T1059 or T1059.004; --attack chooses the ATT&CK version\n');
  });
});

describe('emulate on a regex that backtracks without end in a JavaScript RegExp', () => {
  it('evaluates it as RE2 does, in linear time: the run ends, the rule that cannot match fires on nothing, the other fires', async () => {
    const { child, done } = startCli(['emulate', 'T1529', '--attack', BUNDLE_18, '--rules', fixture('rules', 'hostile-regex.yaml'), '--format', 'json']);
    // A stalled run is killed, so that it fails here rather than hanging the suite (the event loop is busy: no signal handler runs).
    const guard = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const result = await done.finally(() => clearTimeout(guard));
    expect(result.code, result.stderr).toBe(0);
    const section = JSON.parse(result.stdout) as EmulationSection;
    const fired = section.procedures.flatMap((p) => p.fired.map((f) => f.rule));
    expect(fired).toContain('Shutdown by regex');
    expect(fired).not.toContain('Shutdown never');
  }, 120_000);
});

describe('report --emulate', () => {
  it('adds the emulation section to report.json and the counts to the summary, the CSV and the heatmap', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-report-emulate-'));
    const result = await runCli(['report', ...INPUTS, '--emulate', '--out', out]);
    expect(result.code).toBe(0);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport;
    expect(report.emulation?.summary.procedures).toBeGreaterThan(400);
    expect(result.stdout).toMatch(/Emulated detection: \d+ of \d+ tagged techniques? with procedures demonstrated/);
    expect(await readFile(path.join(out, 'summary.md'), 'utf8')).toMatch(/Emulated detection/);
    expect(await readFile(path.join(out, 'coverage.csv'), 'utf8')).toMatch(/^T1070\.003,.*,demonstrated-not-tagged,[^,]*Delete or rename shell history/m);
    expect(await readFile(path.join(out, 'heatmap.html'), 'utf8')).toMatch(/"emulation":\{/);
  }, 120_000);

  it('applies rule exceptions as Falco does (also appended later, also read back from the cache) and leaves out a rule Falco skips', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-exceptions-'));
    const run = () => runCli(['emulate', 'T1529', '--attack', BUNDLE_18, '--rules', fixture('rules', 'exceptions.yaml'), '--format', 'json'], { env: { ATTACK_COV_CACHE: cache } });
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    const section = JSON.parse(first.stdout) as EmulationSection;
    expect([...new Set(section.procedures.flatMap((p) => p.fired.map((f) => f.rule)))]).toEqual(['Shutdown plain']);
    expect(section.rulesNotAsWritten?.map((r) => [r.rule, r.why])).toEqual([['Shutdown skipped', expect.stringMatching(/Falco skips the rule \(skip-if-unknown-filter: true\)/)]]);
    // Twice more: the second stores the ruleset, the third reads it back (exceptions included) and must say the same.
    await run();
    expect((await run()).stdout).toBe(first.stdout);
    expect(await readdir(path.join(cache, 'parsed'))).toContain('ruleset');
  }, 120_000);

  it('says a technique tagged only by a k8s_audit rule is not emulated, not "never fired", in the listing, summary.md and coverage.csv', async () => {
    const rules = ['--attack', BUNDLE_18, '--rules', fixture('rules', 'k8s-audit-tagged.yaml')];
    const text = await runCli(['emulate', 'T1609', ...rules]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('\n– T1609 Container Administration Command — tagged only by rules the emulation does not run (2 procedures)\n');
    expect(text.stdout).toContain('\nRules not evaluated as written\n  ACME Exec Into Production Pod: not evaluated: a k8s_audit rule, and the emulation runs syscall rules only (its events are synthesized syscalls)\n');
    expect(text.stdout).not.toContain('never fired (');
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-report-emulate-'));
    expect((await runCli(['report', ...rules, '--emulate', '--out', out, '--format', 'md,csv'])).code).toBe(0);
    expect(await readFile(path.join(out, 'summary.md'), 'utf8')).toMatch(/; 0 tagged but never fired; 1 tagged only by rules of sources the emulation does not run;[^\n]*\n\n1 rule not evaluated as written/);
    expect(await readFile(path.join(out, 'coverage.csv'), 'utf8')).toMatch(/^T1609,.*,tagged-not-emulated,$/m);
  }, 120_000);

  it('names the rules it could not evaluate as written in both summaries, not only as "tagged but never fired"', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-report-emulate-'));
    const result = await runCli(['report', '--attack', BUNDLE_18, '--rules', fixture('rules', 'not-as-written.yaml'), '--emulate', '--out', out, '--format', 'md,json']);
    expect(result.code).toBe(0);
    const line = '2 rules not evaluated as written (an unknown field, a condition that does not compile, or a source the emulation does not run; attack-cov emulate says why): Shutdown by ancestor word; Shutdown by invented field';
    expect(result.stdout).toContain(`\n  ${line}\n`);
    expect(await readFile(path.join(out, 'summary.md'), 'utf8')).toContain(`\n${line.replace(/[()]/g, '\\$&')}\n`);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport;
    expect(report.emulation?.rulesNotAsWritten?.map((r) => r.rule)).toEqual(['Shutdown by ancestor word', 'Shutdown by invented field']);
    expect(report.emulation?.rulesNotAsWritten?.[0]?.why).toMatch(/proc\.aname\[first\]: the argument must be a number/);
    expect(report.emulation?.rulesNotAsWritten?.[1]?.why).toMatch(/proc\.nme/);
  }, 120_000);

  it('lists a rule whose macros nest 20,000 levels deep as not evaluated, with why, rather than crashing', async () => {
    // Written here, not a fixture: 20,000 macros, each a check and the next one. Evaluated, they ran out of the call
    // stack ("attack-cov crashed", exit 2); beside them, a rule of the same technique that the emulation runs.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-deep-macros-'));
    const macros = Array.from({ length: 20_000 }, (_, i) => `- macro: m${i}\n  condition: ${i === 19_999 ? 'proc.name = shutdown' : `(proc.pid > 0 and m${i + 1})`}\n`);
    const rule = (name: string, condition: string) => `- rule: ${name}\n  desc: d\n  condition: evt.type = execve and evt.dir = < and ${condition}\n  output: o\n  priority: WARNING\n  tags: [T1529]\n`;
    const rules = path.join(dir, 'deep.yaml');
    await writeFile(rules, [...macros, rule('Shutdown nested deep', 'm0'), rule('Shutdown plain', 'proc.name = shutdown')].join(''));
    const out = path.join(dir, 'out');
    const result = await runCli(['report', '--attack', BUNDLE_18, '--rules', rules, '--emulate', '--out', out, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as CoverageReport;
    expect(report.emulation?.rulesNotAsWritten).toEqual([{ rule: 'Shutdown nested deep', why: 'not evaluated: nested 20001 levels deep with its macros, and the emulator evaluates at most 1000' }]);
    expect(report.emulation?.techniques.find((t) => t.id === 'T1529')?.firingRules).toEqual(['Shutdown plain']);
  }, 120_000);
});
