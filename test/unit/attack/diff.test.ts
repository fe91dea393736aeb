// attack diff on the hand-made v18 → v19 pair and on the real 17.1 → 18.1.
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffCatalogs } from '../../../src/attack/diff.js';
import { readBundleFile } from '../../../src/attack/load.js';
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
    expect(report.rules[2]!.unresolved).toEqual(['revoked-technique: T1562 is revoked; ATT&CK replaced it with T1685, T1686']);
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
