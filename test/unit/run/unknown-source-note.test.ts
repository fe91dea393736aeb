// The note for rules of a Falco source attack-cov has no platforms for: its rules count on the platforms in scope
// but add none to it, so a ruleset of such sources alone has an empty scope unless --platform says otherwise.
import { describe, expect, it } from 'vitest';
import { frozenDateNote, noRulesNote, unknownSourceNote } from '../../../src/run/inputs.js';
import type { CoverageReport } from '../../../src/coverage-report.js';
import { readSourcePlatforms } from '../../../src/upstream.js';

const scope = (sources: string[], platforms: string[], from: 'sources' | 'option' = 'sources') => ({ scope: { sources, platforms, from } });
const MAP = { syscall: ['Linux', 'Containers'], k8s_audit: ['Containers'] };

describe('unknownSourceNote', () => {
  it('says nothing when every source is known, or when --platform chose the scope', () => {
    expect(unknownSourceNote(scope(['k8s_audit', 'syscall'], ['Containers', 'Linux']), MAP)).toBeUndefined();
    expect(unknownSourceNote(scope(['mycustom'], ['Linux'], 'option'), MAP)).toBeUndefined();
  });

  it('names an unknown source alone, and that nothing is in scope then', () => {
    expect(unknownSourceNote(scope(['mycustom'], []), MAP)).toBe(
      'attack-cov does not know which ATT&CK platforms the source mycustom observes (data/source-platforms.json), so no platform is in scope: choose them with --platform (e.g. --platform Linux)',
    );
  });

  it('names several beside known ones (the first three), and that their rules count on the others\' platforms', () => {
    expect(unknownSourceNote(scope(['a', 'b', 'c', 'd', 'syscall'], ['Containers', 'Linux']), MAP)).toBe(
      'attack-cov does not know which ATT&CK platforms the sources a, b, c and 1 more observe (data/source-platforms.json), so their rules count only on the platforms the other sources bring: choose them with --platform (e.g. --platform Linux)',
    );
    // `constructor` is a source name like any other, not an inherited key of the map.
    expect(unknownSourceNote(scope(['constructor'], []), MAP)).toMatch(/the source constructor observes/);
  });

  it('knows the plugin sources of the Falco plugin registry that observe one kind of platform (data/source-platforms.json)', () => {
    const map = readSourcePlatforms();
    expect(Object.fromEntries(['journal', 'seccompagent', 'nomad', 'gitlab', 'keycloak', 'awselb', 'edera_zone', 'k8s_audit', 'aws_cloudtrail'].map((s) => [s, map[s]]))).toEqual({
      journal: ['Linux'], seccompagent: ['Linux', 'Containers'], nomad: ['Containers'], gitlab: ['SaaS'], keycloak: ['Identity Provider'], awselb: ['IaaS'],
      edera_zone: ['Linux', 'Containers'], k8s_audit: ['Containers'], aws_cloudtrail: ['IaaS'],
    });
    expect(unknownSourceNote(scope(['journal'], ['Linux']))).toBeUndefined();
  });
});

// The note for config suppressions that SOURCE_DATE_EPOCH keeps in force past their `until` day (QA: a CI that
// pinned it kept expired suppressions for ever, unsaid): the run's date decides expiry, the real date only the note.
describe('frozenDateNote', () => {
  const suppressed = (...entries: [string, number, string | undefined][]) =>
    entries.map(([file, line, until]) => ({ suppression: { kind: 'external' as const, justification: 'r', file, line, ...(until ? { until } : {}) } })) as unknown as CoverageReport['suppressed'];
  const at = (generatedAt: string, list: CoverageReport['suppressed']) => ({ generatedAt, suppressed: list });

  it('says nothing when no suppression in force is past its day by the real date, or none has a day', () => {
    expect(frozenDateNote(at('2026-12-04T00:00:00.000Z', suppressed(['.attack-cov.yaml', 5, '2026-12-04'])), '2026-12-04')).toBeUndefined();
    expect(frozenDateNote(at('1970-01-01T00:00:00.000Z', suppressed(['rules.yaml', 3, undefined])), '2026-12-04')).toBeUndefined();
    expect(frozenDateNote(at('1970-01-01T00:00:00.000Z', []), '2026-12-04')).toBeUndefined();
  });

  it('names each config entry once (however many findings it suppresses), with its day and the run\'s date', () => {
    const list = suppressed(['.attack-cov.yaml', 5, '2020-01-01'], ['.attack-cov.yaml', 5, '2020-01-01'], ['.attack-cov.yaml', 9, '2026-12-03'], ['.attack-cov.yaml', 12, '2027-01-01']);
    expect(frozenDateNote(at('1970-01-01T00:00:00.000Z', list), '2026-12-04')).toBe(
      "SOURCE_DATE_EPOCH sets this run's date to 1970-01-01, so 2 config suppressions past their `until` day still suppress: .attack-cov.yaml:5 (until 2020-01-01), .attack-cov.yaml:9 (until 2026-12-03); set it to the last commit's time (git log -1 --format=%ct), or unset it",
    );
    expect(frozenDateNote(at('1970-01-01T00:00:00.000Z', list.slice(0, 1)), '2026-12-04')).toMatch(/, so a config suppression past its `until` day still suppresses: \.attack-cov\.yaml:5 \(until 2020-01-01\);/);
  });
});

// The note for rules files that hold no rule at all (QA: an empty or comment-only file passed the gates, only "0 rules" said).
describe('noRulesNote', () => {
  const of = (total: number, ...paths: string[]) => ({ summary: { rules: { total } }, inputs: { rules: paths.map((path) => ({ path })) } }) as never;
  it('says nothing when a rule is there', () => {
    expect(noRulesNote(of(1, 'a.yaml', 'empty.yaml'))).toBeUndefined();
  });
  it('names the file, or the files (the first three and a count)', () => {
    expect(noRulesNote(of(0, 'empty.yaml'))).toBe('the rules file empty.yaml holds no rule: nothing is covered and nothing is found (an empty or cut-off file?)');
    expect(noRulesNote(of(0, 'a.yaml', 'b.yaml', 'c.yaml', 'd.yaml'))).toBe('the 4 rules files (a.yaml, b.yaml, c.yaml and 1 more) hold no rule: nothing is covered and nothing is found (an empty or cut-off file?)');
  });
});
