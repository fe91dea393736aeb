// attack diff on the hand-made v18 → v19 pair and on the real 17.1 → 18.1.
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffCatalogs } from '../../../src/attack/diff.js';
import { readBundleFile } from '../../../src/attack/load.js';
import { rulesetFromTexts } from '../../../src/falco/load.js';
import { runCli } from '../../helpers/cli.js';
import { fixture, BUNDLE_17, BUNDLE_18, OFFICIAL_RULES } from '../../helpers/paths.js';

const V18 = fixture('attack', 'v18-like.json');
const V19 = fixture('attack', 'v19-like.json');

describe('diffCatalogs on a v18 → v19 model', async () => {
  const [from, to] = await Promise.all([readBundleFile(V18, V18), readBundleFile(V19, V19)]);
  const diff = diffCatalogs(from.catalog, to.catalog);

  it('finds the renamed and the added tactic, matched by ID', () => {
    expect(diff.tactics.renamed).toEqual([{ id: 'TA0005', from: { name: 'Defense Evasion', shortname: 'defense-evasion' }, to: { name: 'Stealth', shortname: 'stealth' } }]);
    expect(diff.tactics.added.map((t) => t.id)).toEqual(['TA0112']);
    expect(diff.tacticRenames).toEqual({ 'defense-evasion': 'stealth' });
  });
  it('does not call a technique moved because its tactic was renamed', () => {
    expect(diff.techniques.moved).toEqual([]);
  });
  it('lists revoked techniques with their replacements, added, renamed and platform changes', () => {
    expect(diff.techniques.revoked).toEqual([
      { id: 'T1562', name: 'Impair Defenses', replacements: ['T1685', 'T1686'] },
      { id: 'T1562.001', name: 'Disable or Modify Tools', replacements: ['T1685'] },
    ]);
    expect(diff.techniques.added.map((t) => t.id)).toEqual(['T1685', 'T1686']);
    expect(diff.techniques.renamed).toEqual([{ id: 'T1059', from: 'Command and Scripting Interpreter', to: 'Command and Scripting Interpreters' }]);
    expect(diff.techniques.platforms).toEqual([{ id: 'T1529', name: 'System Shutdown/Reboot', added: ['Containers'], removed: [] }]);
  });
  it('sees a real move between tactics', () => {
    const moved = diffCatalogs(from.catalog, { ...to.catalog, techniques: new Map([...to.catalog.techniques].map(([id, t]) => [id, id === 'T1059' ? { ...t, tactics: ['impact'] } : t])) });
    expect(moved.techniques.moved).toEqual([{ id: 'T1059', name: 'Command and Scripting Interpreters', fromTactics: ['TA0002'], toTactics: ['TA0040'] }]);
  });
});

describe('attack diff --rules', () => {
  it('shows the tags each change touches and what they become; --fix writes them', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-diff-'));
    const rules = path.join(dir, 'upgrade.yaml');
    await copyFile(fixture('rules', 'upgrade.yaml'), rules);
    const preview = await runCli(['attack', 'diff', V18, V19, '--rules', rules, '--format', 'json']);
    expect(preview.code).toBe(0);
    const report = JSON.parse(preview.stdout) as { rules: { rule: string; tagsAfter: string[]; unresolved: string[] }[] };
    expect(report.rules.map((r) => [r.rule, r.tagsAfter])).toEqual([
      ['Clear logs', ['mitre_stealth', 'T1070']],
      ['Kill the agent', ['mitre_defense_impairment', 'T1685']],
      ['Impair anything', ['mitre_stealth', 'T1562']],
      ['Untouched', ['mitre_impact', 'T1529']],
    ]);
    expect(report.rules[2]!.unresolved).toEqual(['revoked-technique: T1562 is revoked; ATT&CK replaced it with T1685, T1686 (ambiguous)']);
    expect(await readFile(rules, 'utf8')).toBe(await readFile(fixture('rules', 'upgrade.yaml'), 'utf8'));

    const text0 = await runCli(['attack', 'diff', V18, V19, '--rules', rules]);
    expect(text0.stdout).toContain('Rules whose tags these changes touch: 4 (3 would get new tags: run with --fix to apply them)');
    const fixed = await runCli(['attack', 'diff', V18, V19, '--rules', rules, '--fix']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('Rules whose tags these changes touch: 4 (3 rewritten in place)');
    const text = await readFile(rules, 'utf8');
    expect(text).toContain('tags: [mitre_defense_impairment, T1685]');
    const lint = await runCli(['lint', '--attack', V19, '--rules', rules, '--format', 'json', '--fail-on', 'none']);
    expect((JSON.parse(lint.stdout) as { findings: { code: string; rule: string }[] }).findings.map((f) => `${f.rule}: ${f.code}`)).toEqual(['Impair anything: revoked-technique']);
  });

  it('on ATT&CK 17.1 → 18.1 lists the changes and which official rules they touch', async () => {
    const result = await runCli([
      'attack', 'diff', BUNDLE_17, BUNDLE_18,
      '--rules', ...OFFICIAL_RULES, '--format', 'json',
    ]);
    expect(result.code).toBe(0);
    const diff = JSON.parse(result.stdout) as { from: string; to: string; techniques: Record<string, { id: string }[]>; rules: unknown[] };
    expect([diff.from, diff.to]).toEqual(['17.1', '18.1']);
    expect(diff.techniques.added!.map((t) => t.id)).toContain('T1678');
    expect(diff.techniques.renamed!.map((t) => t.id)).toContain('T1552.003');
    // None of the official rules tags a technique that changed between these two releases.
    expect(diff.rules).toEqual([]);
  });

  it('says no tag needs rewriting when the changes a rule meets are a rename and new platforms, and --fix changes nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'attack-cov-diff-'));
    const rules = path.join(dir, 'hist.yaml');
    const text = '- rule: Hist\n  desc: d\n  condition: evt.type = execve and proc.name = history\n  output: o\n  priority: WARNING\n  tags: [mitre_credential_access, T1552.003]\n';
    await writeFile(rules, text);
    const preview = await runCli(['attack', 'diff', BUNDLE_17, BUNDLE_18, '--rules', rules]);
    expect(preview.stdout).toContain('Rules whose tags these changes touch: 1 (no tag needs rewriting)');
    expect(preview.stdout).toContain('T1552.003 renamed "Bash History" → "Shell History"');
    const fixed = await runCli(['attack', 'diff', BUNDLE_17, BUNDLE_18, '--rules', rules, '--fix']);
    expect(fixed.stdout).toContain('Rules whose tags these changes touch: 1 (no tag needs rewriting)');
    expect(await readFile(rules, 'utf8')).toBe(text);
    // The two ATT&CKs are its arguments: --attack is no option of attack diff.
    expect((await runCli(['attack', 'diff', BUNDLE_17, BUNDLE_18, '--attack', '16.0'])).stderr).toMatch(/^error: unknown option '--attack'/);
  });
});

const rule = (name: string, tags: string): string => `- rule: ${name}\n  desc: d\n  condition: evt.type = execve\n  output: o\n  priority: WARNING\n  tags: ${tags}\n`;

/** Each rule's tags as `file` holds them. */
async function tagsIn(file: string): Promise<Record<string, string[]>> {
  return Object.fromEntries(rulesetFromTexts([{ path: file, text: await readFile(file, 'utf8') }]).rules.map((r) => [r.name, r.tags.map((t) => t.value)]));
}

interface DiffJson {
  rules: { rule: string; changes: string[]; tagsBefore: string[]; tagsAfter: string[]; unresolved: string[] }[];
  otherFixable: number;
}

/**
 * --fix rewrites the tags the upgrade touches, and nothing lint --fix would fix on its own: what it lists is what it
 * writes, and the dry run says the same. QA: it ran lint's fixer over every finding, rewriting rules it called
 * untouched (`No rule has a tag these changes touch.`), and said nothing of them.
 */
describe('attack diff --fix rewrites only what the upgrade brings', () => {
  // Findings with a fix that no ATT&CK change brings: T1611 is not initial access, technique_id=T1059 is unconventional.
  const unrelated = rule('Unrelated', '[mitre_initial_access, T1611, technique_id=T1059]');
  // T1552.003 is renamed (17.1 → 18.1, and back): touched, with nothing to rewrite; its tactic was wrong before.
  const renamed = rule('Hist', '[mitre_initial_access, T1552.003]');
  const text = `${unrelated}${renamed}`;

  async function rulesDir(content: string): Promise<{ dir: string; file: string }> {
    const dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'attack-cov-diff-')), 'rules');
    await mkdir(dir);
    const file = path.join(dir, 'rules.yaml');
    await writeFile(file, content);
    return { dir, file };
  }

  for (const [from, to, name] of [[BUNDLE_17, BUNDLE_18, '17.1 → 18.1'], [BUNDLE_18, BUNDLE_17, '18.1 → 17.1']] as const) {
    it(`${name}: leaves a rule no change touches as it is, and the unrelated finding of a touched rule, and says lint --fix fixes them`, async () => {
      const { dir, file } = await rulesDir(text);
      const preview = await runCli(['attack', 'diff', from, to, '--rules', dir]);
      expect(preview.code).toBe(0);
      expect(preview.stdout).toContain('Rules whose tags these changes touch: 1 (no tag needs rewriting)');
      const other = `6 other findings have a fix that does not come from this upgrade (--fix leaves them): run attack-cov lint --attack ${to} --fix --rules ${dir}`;
      expect(preview.stdout).toContain(other);
      // A finding the rule had before is no finding of the upgrade, left unfixed or not.
      expect(preview.stdout).not.toContain('not fixed');
      const fixed = await runCli(['attack', 'diff', from, to, '--rules', dir, '--fix']);
      expect(fixed.code).toBe(0);
      expect(fixed.stderr).toBe('');
      expect(fixed.stdout).toContain('Rules whose tags these changes touch: 1 (no tag needs rewriting)');
      expect(fixed.stdout).toContain(other);
      expect(await readFile(file, 'utf8')).toBe(text);
      const json = JSON.parse((await runCli(['attack', 'diff', from, to, '--rules', dir, '--format', 'json'])).stdout) as DiffJson;
      expect(json.rules.map((r) => [r.rule, r.tagsAfter, r.unresolved])).toEqual([['Hist', ['mitre_initial_access', 'T1552.003'], []]]);
      expect(json.otherFixable).toBe(6);
      // They are lint --fix's, which counts them alike and fixes them, run as the line says (review: it lacked --rules).
      expect((await runCli(['lint', '--attack', to, '--rules', dir, '--fail-on', 'none'])).stdout).toContain(', 6 with an unambiguous fix');
      const command = other.slice(other.indexOf(': run attack-cov ') + ': run attack-cov '.length).split(' ');
      expect((await runCli([...command, '--fail-on', 'none'])).stderr).toMatch(/^fixed 6 finding\(s\) in 1 file\(s\)/);
      expect(await tagsIn(file)).toEqual({ Unrelated: ['mitre_privilege_escalation', 'T1611', 'mitre_execution', 'T1059'], Hist: ['mitre_credential_access', 'T1552.003'] });
    });
  }

  it('takes a finding on a tactic tag the upgrade renames for the one the rule had before (review: it was fixed as new)', async () => {
    // defense-evasion is unjustified (T1059 is execution) before and after its rename to stealth: lint --fix's, not the upgrade's.
    const { dir, file } = await rulesDir(`${rule('Evader', '[mitre_execution, mitre_defense_evasion, T1059]')}${rule('Lone', '[mitre_defense_evasion, T1059]')}`);
    const fixed = await runCli(['attack', 'diff', V18, V19, '--rules', dir, '--fix', '--format', 'json']);
    expect(fixed.code).toBe(0);
    expect(await tagsIn(file)).toEqual({ Evader: ['mitre_execution', 'mitre_stealth', 'T1059'], Lone: ['mitre_stealth', 'T1059'] });
    const json = JSON.parse(fixed.stdout) as DiffJson;
    const lint = (await runCli(['lint', '--attack', V19, '--rules', dir, '--fail-on', 'none'])).stdout;
    expect(lint).toContain(`, ${json.otherFixable} with an unambiguous fix`);
    expect(json.otherFixable).toBeGreaterThan(0);
  });

  it('on a touched rule fixes what the upgrade brings (and what those fixes reveal), not the finding it had before', async () => {
    const content = [
      // The renamed tactic and the revoked technique are the upgrade's; so, once T1685 is written, its tactic (Defense
      // Impairment) and the tactic it leaves without a technique. technique_id=T1059 (unconventional, and execution
      // under defense evasion) was wrong before: it stays.
      rule('Kill the agent', '[mitre_defense_evasion, T1562.001, technique_id=T1059]'),
      // A tag written twice is repeated-tag's, not the upgrade's, on a rule it rewrites or not (T1059 is renamed:
      // touched, nothing to rewrite).
      rule('Clear logs', '[mitre_defense_evasion, T1070, T1070]'),
      rule('Interpreter', '[mitre_execution, T1059, T1059]'),
    ].join('');
    const { dir, file } = await rulesDir(content);
    const fixed = await runCli(['attack', 'diff', V18, V19, '--rules', dir, '--fix', '--format', 'json']);
    expect(fixed.code).toBe(0);
    expect(await tagsIn(file)).toEqual({
      'Kill the agent': ['mitre_defense_impairment', 'T1685', 'technique_id=T1059'],
      'Clear logs': ['mitre_stealth', 'T1070', 'T1070'],
      Interpreter: ['mitre_execution', 'T1059', 'T1059'],
    });
    const json = JSON.parse(fixed.stdout) as DiffJson;
    expect(json.rules.map((r) => r.rule)).toEqual(['Kill the agent', 'Clear logs', 'Interpreter']);
    expect(json.rules.every((r) => r.unresolved.length === 0)).toBe(true);
    // technique_id=T1059 (unconventional, and execution under no execution tactic) and the two repeats: lint's count.
    expect(json.otherFixable).toBe(4);
    expect((await runCli(['lint', '--attack', V19, '--rules', dir, '--fail-on', 'none'])).stdout).toContain(', 4 with an unambiguous fix');
  });

  it('lists every rule it rewrites, as it rewrites it, and the dry run says the same', async () => {
    // upgrade.yaml's rules; one touched (T1059 is renamed) with lint's findings only; one with both (TA0002 unjustified).
    const content = `${await readFile(fixture('rules', 'upgrade.yaml'), 'utf8')}${unrelated}${rule('Kill it too', '[mitre_defense_evasion, T1562.001, TA0002]')}`;
    const { dir, file } = await rulesDir(content);
    const before = await tagsIn(file);
    const dryJson = JSON.parse((await runCli(['attack', 'diff', V18, V19, '--rules', dir, '--format', 'json'])).stdout) as DiffJson;
    const dryText = (await runCli(['attack', 'diff', V18, V19, '--rules', dir])).stdout;
    expect(await tagsIn(file)).toEqual(before);
    const fixedJson = JSON.parse((await runCli(['attack', 'diff', V18, V19, '--rules', dir, '--format', 'json', '--fix'])).stdout) as DiffJson;
    const written = await tagsIn(file);
    // Listed as rewritten = rewritten, with the tags written.
    const rewritten = Object.keys(written).filter((name) => written[name]!.join() !== before[name]!.join());
    const listed = fixedJson.rules.filter((r) => r.tagsAfter.join() !== r.tagsBefore.join());
    expect(listed.map((r) => r.rule)).toEqual(rewritten);
    expect(rewritten).toEqual(['Clear logs', 'Kill the agent', 'Impair anything', 'Kill it too']);
    for (const r of fixedJson.rules) expect([r.rule, r.tagsBefore, r.tagsAfter]).toEqual([r.rule, before[r.rule], written[r.rule]]);
    expect(written['Kill it too']).toEqual(['mitre_defense_impairment', 'T1685', 'TA0002']);
    // The dry run agrees with what --fix did, in JSON and in text.
    expect(dryJson).toEqual(fixedJson);
    expect(dryText).toContain('Rules whose tags these changes touch: 6 (4 would get new tags: run with --fix to apply them)');
    expect(dryText).toContain(`${fixedJson.otherFixable} other findings have a fix that does not come from this upgrade`);
    // The text of --fix, run again from the same rules, lists the same rewrites.
    const { dir: again } = await rulesDir(content);
    const fixedText = (await runCli(['attack', 'diff', V18, V19, '--rules', again, '--fix'])).stdout;
    expect(fixedText).toContain('Rules whose tags these changes touch: 6 (4 rewritten in place)');
    const unplaced = (out: string, rules: string): string => out.replace(/^ {2}\S*rules\.yaml:/gm, '  rules.yaml:').replaceAll(rules, 'RULES');
    expect(unplaced(fixedText.replace('(4 rewritten in place)', ''), again)).toBe(unplaced(dryText.replace('(4 would get new tags: run with --fix to apply them)', ''), dir));
  });
});
