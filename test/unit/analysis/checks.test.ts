// Table-driven: each rules fixture → the findings it must produce (code, rule, tag, fix), and nothing else.
import { describe, expect, it } from 'vitest';
import { fixture } from '../../helpers/paths.js';
import { reportFor } from '../../helpers/load.js';

type Expected = { code: string; severity?: string; tag?: string; rule?: string; fix?: { tag?: string; with: string[] } | undefined; line?: number };

const TABLE: [string, Expected[]][] = [
  ['conventional.yaml', []],
  [
    'tactic-mismatch.yaml',
    [
      { code: 'unjustified-tactic', tag: 'mitre_execution', fix: { tag: 'mitre_execution', with: [] } },
      { code: 'tactic-mismatch', tag: 'T1611', fix: { with: ['mitre_privilege_escalation'] } },
    ],
  ],
  [
    'tactic-mismatch-ambiguous.yaml',
    [
      { code: 'unjustified-tactic', tag: 'mitre_impact', fix: undefined },
      { code: 'tactic-mismatch', tag: 'T1610', fix: undefined },
    ],
  ],
  [
    'id-name-conflict.yaml',
    [
      { code: 'tactic-id-name-conflict', severity: 'error', rule: 'Conflict decided by technique', tag: 'TA0011', fix: { tag: 'TA0011', with: ['TA0010'] } },
      { code: 'unjustified-tactic', rule: 'Conflict decided by technique', tag: 'TA0011' },
      // At the rule, so before its tags' findings.
      { code: 'no-technique-tag', rule: 'Conflict without technique', tag: undefined },
      { code: 'tactic-id-name-conflict', severity: 'error', rule: 'Conflict without technique', tag: 'TA0011', fix: undefined },
      { code: 'tactic-id-name-conflict', severity: 'warning', rule: 'Both spellings right', tag: 'TA0005', fix: { with: ['mitre_defense_evasion'] } },
    ],
  ],
  [
    'unknown-ids.yaml',
    [
      { code: 'unknown-technique', tag: 'T9999' },
      { code: 'revoked-technique', tag: 'T1500', fix: { tag: 'T1500', with: ['T1027'] } },
      { code: 'deprecated-technique', tag: 'T1063' },
      { code: 'unknown-tactic', tag: 'mitre_data-destruction', fix: undefined },
      { code: 'unknown-tactic', tag: 'mitre_defense_evation', fix: { tag: 'mitre_defense_evation', with: ['mitre_defense_evasion'] } },
      // No nonstandard-tag for mitre_data-destruction: there is no conventional form of a tactic that does not exist.
      // A rule whose only tags name nothing ATT&CK knows still has ATT&CK tags: not untagged.
    ],
  ],
  [
    'nonstandard.yaml',
    [
      { code: 'nonstandard-tag', tag: 'tactic=impact', fix: { tag: 'tactic=impact', with: ['mitre_impact'] } },
      { code: 'nonstandard-tag', tag: 'technique=T1529', fix: { tag: 'technique=T1529', with: ['T1529'] } },
      { code: 'nonstandard-tag', tag: 'technique_id=T1529', fix: { tag: 'technique_id=T1529', with: ['T1529'] } },
      { code: 'nonstandard-tag', tag: 'attack.t1059.004', fix: { tag: 'attack.t1059.004', with: ['T1059.004'] } },
      { code: 'nonstandard-tag', tag: 't1059', fix: { tag: 't1059', with: ['T1059'] } },
      { code: 'nonstandard-tag', tag: 'T1059.004-unix-shell', fix: { tag: 'T1059.004-unix-shell', with: ['T1059.004'] } },
      { code: 'nonstandard-tag', tag: 'TA0040-impact', fix: { tag: 'TA0040-impact', with: ['TA0040'] } },
      { code: 'nonstandard-tag', tag: 'attack.execution', fix: { tag: 'attack.execution', with: ['mitre_execution'] } },
    ],
  ],
  ['missing-tactic.yaml', [{ code: 'missing-tactic-tag', tag: 'T1529', fix: { with: ['mitre_impact'] } }]],
  ['untagged.yaml', [{ code: 'untagged-rule', tag: undefined, line: 2 }]],
  ['platform-mismatch.yaml', [{ code: 'platform-mismatch', rule: 'Registry on Linux', tag: 'T1112' }]],
];

describe('checks', () => {
  for (const [file, expected] of TABLE) {
    it(`${file} → ${expected.map((e) => e.code).join(', ') || 'no finding'}`, async () => {
      const report = await reportFor([fixture('rules', file)]);
      const actual = report.findings.map((f) => ({ code: f.code, severity: f.severity, tag: f.tag, rule: f.rule, fix: f.fix, line: f.line }));
      expect(actual).toHaveLength(expected.length);
      expected.forEach((e, i) => expect(actual[i]).toMatchObject(e));
    });
  }

  it('gives every finding file, line, column, severity and a sentence', async () => {
    const report = await reportFor([fixture('rules', 'unknown-ids.yaml'), fixture('rules', 'tactic-mismatch.yaml')]);
    expect(report.findings.length).toBeGreaterThan(3);
    for (const f of report.findings) {
      expect(f.file).toMatch(/\.yaml$/);
      expect(f.line).toBeGreaterThan(0);
      expect(f.column).toBeGreaterThan(0);
      expect(['error', 'warning', 'info']).toContain(f.severity);
      expect(f.message.length).toBeGreaterThan(10);
    }
    expect(report.findings.find((f) => f.code === 'revoked-technique')?.message).toBe('T1500 is revoked; ATT&CK replaced it with T1027');
    expect(report.findings.find((f) => f.code === 'tactic-mismatch')?.message).toBe(
      "T1611 belongs to privilege-escalation, but the rule's tactic tags name execution",
    );
  });
});
