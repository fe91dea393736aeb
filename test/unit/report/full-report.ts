// A report with every optional section the text reporters render (for the summary.md and terminal tests):
// the fixture rules plus suppressed.yaml (real findings and suppressions), a real comparison against a
// baseline of conventional.yaml alone, and hand-made gates, emulation counts, a threat profile and
// detectability counts. Untrusted text (a gate message, a profile name) carries markup and control characters.
import { compareReports } from '../../../src/analysis/baseline.js';
import type { CoverageReport, ThreatProfile } from '../../../src/coverage-report.js';
import type { EmulationSection } from '../../../src/emulate/types.js';
import { reportFor } from '../../helpers/load.js';
import { fixture } from '../../helpers/paths.js';

export const FIXTURE_RULES = ['conventional.yaml', 'base.yaml', 'override.yaml', 'tactic-mismatch.yaml', 'unknown-ids.yaml'].map((f) => fixture('rules', f));

export const PROFILE: ThreatProfile = {
  ref: 'G9999', id: 'G9999', kind: 'group', name: 'Team <b>|x|</b>\u001b[31m', aliases: [], url: 'https://attack.mitre.org/groups/G9999', slug: 'team-x',
  software: [{ id: 'S0001', name: 'Kit' }], attributedTo: [],
  direct: [{ id: 'T1611', name: 'Escape to Host', status: 'covered', isSubtechnique: false }, { id: 'T1059', name: 'Command and Scripting Interpreter', status: 'partial', isSubtechnique: false }],
  viaSoftware: [{ id: 'T1027', name: 'Obfuscated Files or Information', status: 'gap', isSubtechnique: false, via: ['Kit', 'Other'] }],
  outOfScope: 4,
  counts: { direct: { total: 2, covered: 1, partial: 1, gap: 0 }, viaSoftware: { total: 1, covered: 0, partial: 0, gap: 1 } },
};

export function emulationSection(neverFired: string[]): EmulationSection {
  return {
    source: { atomics: 'atomics', license: 'MIT', benign: 'benign' }, contexts: [],
    summary: { procedures: 9, skipped: 1, benign: 3, events: 20, techniques: 5, tagged: 4, taggedAndDemonstrated: 2, taggedNeverFired: neverFired.length, taggedNotEmulated: 0, demonstratedNotTagged: 1, notDemonstrated: 1, rulesFiring: 3, noisyRules: 1, undeterminedPairs: 0 },
    techniques: neverFired.map((id) => ({ id, status: 'tagged-never-fired' })) as never,
    rules: [], suggestions: [], procedures: [], skipped: [],
  };
}

export async function fullReport(): Promise<CoverageReport> {
  const report = await reportFor([...FIXTURE_RULES, fixture('rules', 'suppressed.yaml')]);
  const baseline = await reportFor([fixture('rules', 'conventional.yaml')]);
  report.comparison = compareReports(report, baseline);
  report.comparison.crossesAttackVersions = true;
  report.comparison.baseline.attackVersion = '17.1';
  report.gates = [
    { gate: 'fail-on', isPassed: false, message: '2 errors <script>|*x*|' },
    { gate: 'min-coverage', isPassed: true, message: 'coverage 50% ≥ 40%' },
  ];
  report.emulation = emulationSection(['T1611', 'T1059']);
  report.threats = [PROFILE];
  report.summary.gapDetectability = { 'closable-loaded': 2, 'closable-other': 1, 'not-observable': 0, unknown: 3 };
  return report;
}
