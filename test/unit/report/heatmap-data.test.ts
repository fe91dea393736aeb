// heatmap.html's data: the report with what the page reads of its rules and findings, and each technique's rules
// by their position in `rules`, which the page's readReport turns back into the report's names. On the fixture
// rules (findings, disabled rules) and on hand-made edges: a rule Falco drops, a name twice, a name not a rule.
import { readFile } from 'node:fs/promises';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../../../src/coverage-report.js';
import { heatmapData, type HeatmapData } from '../../../src/report/heatmap-data.js';
import { reportFor } from '../../helpers/load.js';
import { repoRoot } from '../../helpers/paths.js';
import { FIXTURE_RULES } from './full-report.js';

/** templates/heatmap.js's readReport, run on `data` as the page runs it (the script's first statements only). */
async function pageReads(data: HeatmapData): Promise<HeatmapData> {
  const script = await readFile(`${repoRoot}/templates/heatmap.js`, 'utf8');
  const body = /(function readReport\(data\) \{[\s\S]*?\n {2}\})/.exec(script)![1]!;
  return vm.runInNewContext(`${body}; readReport(JSON.parse(text))`, { text: JSON.stringify(data) }) as HeatmapData;
}

describe('heatmapData', async () => {
  const report = await reportFor(FIXTURE_RULES);
  // Cut inside each test: Stryker runs a mutant only against the tests that execute it.

  it('keeps of each rule its name, place, maturity and why Falco drops it, no more', () => {
    const data = heatmapData(report);
    expect(data.rules).toHaveLength(report.rules.length);
    data.rules.forEach((rule, i) => {
      const { name, file, line, maturity, skippedByFalco } = report.rules[i]!;
      expect(rule).toStrictEqual({ name, file, line, ...(maturity ? { maturity } : {}), ...(skippedByFalco ? { skippedByFalco } : {}) });
    });
    expect(data.rules.some((r) => r.maturity) && data.rules.some((r) => !('maturity' in r))).toBe(true);
  });

  it('keeps of each finding what the page lists', () => {
    const data = heatmapData(report);
    expect(data.findings).toHaveLength(report.findings.length);
    data.findings.forEach((finding, i) => {
      const { code, severity, rule, file, line, technique, message } = report.findings[i]!;
      expect(finding).toStrictEqual({ code, severity, rule, file, line, ...(technique ? { technique } : {}), message });
    });
    expect(data.findings.some((f) => f.technique) && data.findings.some((f) => !('technique' in f))).toBe(true);
  });

  it("names each technique's rules by position, and the page reads the report's names back", async () => {
    const data = heatmapData(report);
    const names = (refs: (number | string)[]) => refs.map((ref) => data.rules[ref as number]!.name);
    const lists = report.techniques.flatMap((t) => [t.rules, t.observingRules, t.disabledRules, ...t.platformCoverage.map((c) => c.rules)]);
    expect(lists.flat().length).toBeGreaterThan(15);
    expect(report.techniques.some((t) => t.disabledRules.length > 0)).toBe(true);
    data.techniques.forEach((t, i) => {
      const whole = report.techniques[i]!;
      for (const ref of [...t.rules, ...t.observingRules, ...t.disabledRules]) expect(typeof ref).toBe('number');
      expect(names(t.rules)).toEqual(whole.rules);
      expect(names(t.observingRules)).toEqual(whole.observingRules);
      expect(names(t.disabledRules)).toEqual(whole.disabledRules);
      t.platformCoverage.forEach((c, j) => expect({ ...c, rules: names(c.rules) }).toStrictEqual(whole.platformCoverage[j]));
      const { rules, observingRules, disabledRules, platformCoverage, ...rest } = t;
      const { rules: r, observingRules: o, disabledRules: d, platformCoverage: p, ...wholeRest } = whole;
      expect(rest).toStrictEqual(wholeRest);
    });
    const read = await pageReads(data);
    expect(JSON.parse(JSON.stringify(read.techniques))).toEqual(JSON.parse(JSON.stringify(report.techniques)));
  });

  it('leaves the rest of the report as it is, in its order', () => {
    const data = heatmapData(report);
    expect(Object.keys(data)).toEqual(Object.keys(report));
    for (const key of Object.keys(report) as (keyof CoverageReport)[]) {
      if (!['rules', 'findings', 'techniques'].includes(key)) expect(data[key]).toBe(report[key]);
    }
    expect(report.rules[0]!.tags).toBeDefined(); // the report itself is not cut
  });

  it('keeps why Falco drops a rule; gives a name written twice its first position; keeps a name that is no rule as a name', async () => {
    const rule = (name: string, line: number) => ({ name, file: 'r.yaml', line, source: 'syscall', isEnabled: true, priority: 'WARNING', techniques: [], tactics: [], tags: [], findings: 0 });
    const technique = { id: 'T1', rules: ['b', 'a', 'ghost'], observingRules: ['a'], disabledRules: ['ghost'], platformCoverage: [{ platform: 'Linux', status: 'covered', rules: ['b'] }] };
    const dropped = { ...rule('b', 2), maturity: 'sandbox', skippedByFalco: 'unknown field k8s.x' };
    const hand = { techniques: [technique], rules: [rule('a', 1), dropped, rule('a', 3)], findings: [] } as unknown as CoverageReport;
    const cut = heatmapData(hand);
    expect(cut.rules[1]).toStrictEqual({ name: 'b', file: 'r.yaml', line: 2, maturity: 'sandbox', skippedByFalco: 'unknown field k8s.x' });
    expect(cut.techniques[0]).toMatchObject({ rules: [1, 0, 'ghost'], observingRules: [0], disabledRules: ['ghost'], platformCoverage: [{ platform: 'Linux', status: 'covered', rules: [1] }] });
    expect((await pageReads(cut)).techniques[0]).toMatchObject({ rules: ['b', 'a', 'ghost'], observingRules: ['a'], disabledRules: ['ghost'], platformCoverage: [{ rules: ['b'] }] });
  });
});
