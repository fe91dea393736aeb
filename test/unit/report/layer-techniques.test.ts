// layer.json technique by technique on the fixture report changed by hand: the comment (baseline change,
// status, disabled rules), the rule metadata, links, sub-technique expansion, colours and the shell's fields.
import { describe, expect, it } from 'vitest';
import type { CoverageReport, TechniqueEntry } from '../../../src/coverage-report.js';
import { NAMED_RULES, buildLayer, layerGradient, layerReporter, layerShell } from '../../../src/report/layer.js';
import { validateLayer } from '../../../src/report/layer-schema.js';
import { COVERED_COLORS, GAP_COLOR, PARTIAL_COLOR } from '../../../src/report/palette.js';
import { reportFor } from '../../helpers/load.js';
import { FIXTURE_RULES } from './full-report.js';

const report = await reportFor(FIXTURE_RULES);
const technique = (layer: ReturnType<typeof buildLayer>, id: string) => layer.techniques.find((t) => t.techniqueID === id)!;

/** The fixture report with one in-scope technique replaced by `patch` applied to it. */
function patched(id: string, patch: Partial<TechniqueEntry>): CoverageReport {
  const copy: CoverageReport = structuredClone(report);
  Object.assign(copy.techniques.find((t) => t.id === id)!, patch);
  return copy;
}

describe('layer comments', () => {
  it('say how a technique is covered, by which rules, and which disabled rules tag it', () => {
    const layer = buildLayer(report);
    expect(technique(layer, 'T1611').comment).toBe('Covered by 3 enabled rule(s): Escape attempt; Escape under execution; Tagged later');
    expect(technique(layer, 'T1059').comment).toBe('Partly covered: sub-techniques T1059.004. Disabled: Enabled only toggle');
    expect(technique(layer, 'T1027').comment).toBe('Gap: no enabled rule tags this technique');
  });
  it('show rule names without control or bidi characters, cut at 300 characters, in comments and metadata', () => {
    const long = `L${'x'.repeat(70_000)}`;
    const layer = buildLayer(patched('T1611', { observingRules: ['evil\u202eexe.yaml\u001b[2J', long], disabledRules: ['off\u0007'] }));
    const t = technique(layer, 'T1611');
    expect(t.comment).toBe(`Covered by 2 enabled rule(s): evil\\u202eexe.yaml\\u001b[2J; L${'x'.repeat(298)}…. Disabled: off\\u0007`);
    expect(t.metadata!.map((m) => m.value)).toEqual(['evil\\u202eexe.yaml\\u001b[2J (?)', `L${'x'.repeat(298)}… (?)`]);
    expect(JSON.stringify(layer)).not.toMatch(/[\u0000-\u001f\u202e]/);
  });
  it('name at most NAMED_RULES rules each in comments and metadata, and say how many more report.json lists', () => {
    const many = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${String(i).padStart(3, '0')}`);
    const layer = buildLayer(patched('T1611', { observingRules: many('On', NAMED_RULES + 7), disabledRules: many('Off', NAMED_RULES + 1) }));
    const t = technique(layer, 'T1611');
    expect(t.comment).toBe(`Covered by ${NAMED_RULES + 7} enabled rule(s): ${many('On', NAMED_RULES).join('; ')}; … and 7 more (report.json lists every rule). Disabled: ${many('Off', NAMED_RULES).join('; ')}; … and 1 more (report.json lists every rule)`);
    expect(t.metadata).toHaveLength(NAMED_RULES + 1);
    expect(t.metadata!.slice(0, NAMED_RULES).map((m) => m.value)).toEqual(many('On', NAMED_RULES).map((n) => `${n} (?)`));
    expect(t.metadata!.at(-1)).toEqual({ name: 'rule', value: '… and 7 more (report.json lists every rule)' });
    // Exactly NAMED_RULES: every one named, nothing more said.
    const exact = technique(buildLayer(patched('T1611', { observingRules: many('On', NAMED_RULES), disabledRules: [] })), 'T1611');
    expect(exact.comment).toBe(`Covered by ${NAMED_RULES} enabled rule(s): ${many('On', NAMED_RULES).join('; ')}`);
    expect(exact.metadata).toHaveLength(NAMED_RULES);
    // A gap's tagging rules are cut the same way.
    const gap = technique(buildLayer(patched('T1027', { status: 'gap', rules: many('Audit', NAMED_RULES + 2), observingRules: [] })), 'T1027');
    expect(gap.comment).toBe(`Gap: ${NAMED_RULES + 2} enabled rule(s) tag it, but their sources observe none of its platforms in scope: ${many('Audit', NAMED_RULES).join('; ')}; … and 2 more (report.json lists every rule)`);
    expect(validateLayer(layer)).toEqual([]);
  });
  it('say of a gap that enabled rules tag it when their sources observe none of its platforms in scope (QA: "no enabled rule tags")', () => {
    const layer = buildLayer(patched('T1027', { status: 'gap', rules: ['Audit one', 'Audit two'], observingRules: [] }));
    expect(technique(layer, 'T1027').comment).toBe('Gap: 2 enabled rule(s) tag it, but their sources observe none of its platforms in scope: Audit one; Audit two');
  });
  it('list several sub-techniques with commas and several disabled rules with semicolons', () => {
    const layer = buildLayer(patched('T1059', { coveredSubtechniques: ['T1059.004', 'T1059.006'], disabledRules: ['Off one', 'Off two'] }));
    expect(technique(layer, 'T1059').comment).toBe('Partly covered: sub-techniques T1059.004, T1059.006. Disabled: Off one; Off two');
  });
  it('start with the change since the baseline', () => {
    const copy: CoverageReport = structuredClone(report);
    const statusChanges = [{ id: 'T1059', name: '', before: 'covered', after: 'partial', rules: ['A'] }];
    copy.comparison = { newlyCovered: [{ id: 'T1611', name: '', rules: [] }], newlyUncovered: [{ id: 'T1027', name: '', rules: [] }], statusChanges } as never;
    const layer = buildLayer(copy);
    expect(technique(layer, 'T1059').comment).toMatch(/^Covered → partial since the baseline\. /);
    expect(technique(layer, 'T1611').comment).toBe('Newly covered since the baseline. Covered by 3 enabled rule(s): Escape attempt; Escape under execution; Tagged later');
    expect(technique(layer, 'T1027').comment).toBe('No longer covered since the baseline. Gap: no enabled rule tags this technique');
    // Only a first character is capitalised: a baseline's status (any string) that starts with a line break stays as written.
    const lineBreak: CoverageReport = { ...copy, comparison: { ...(copy.comparison as object), statusChanges: [{ ...statusChanges[0]!, before: '\ncovered' }] } as never };
    expect(technique(buildLayer(lineBreak), 'T1059').comment).toMatch(/^\ncovered → partial since the baseline\. /);
  });
});

describe('layer techniques', () => {
  it('name each observing rule with its place, or ? for a rule the report does not list', () => {
    const layer = buildLayer(patched('T1611', { observingRules: ['Escape attempt', 'Not in the report'] }));
    expect(technique(layer, 'T1611').metadata).toEqual([
      { name: 'rule', value: 'Escape attempt (test/fixtures/rules/conventional.yaml:12)' },
      { name: 'rule', value: 'Not in the report (?)' },
    ]);
    expect(technique(layer, 'T1027')).not.toHaveProperty('metadata');
  });
  it('link to ATT&CK only with an https URL', () => {
    expect(technique(buildLayer(report), 'T1611').links).toEqual([{ label: 'ATT&CK T1611', url: 'https://attack.mitre.org/techniques/T1611' }]);
    expect(technique(buildLayer(patched('T1611', { url: 'http://evil.example/x' })), 'T1611')).not.toHaveProperty('links');
    expect(technique(buildLayer(patched('T1611', { url: 'javascript:alert(1)' })), 'T1611')).not.toHaveProperty('links');
  });
  it('expand a technique only when it is no sub-technique and has covered sub-techniques', () => {
    expect(technique(buildLayer(report), 'T1059').showSubtechniques).toBe(true);
    expect(technique(buildLayer(report), 'T1611')).not.toHaveProperty('showSubtechniques');
    expect(technique(buildLayer(patched('T1059', { isSubtechnique: true })), 'T1059')).not.toHaveProperty('showSubtechniques');
  });
  it('paint gaps, partial coverage and each score bucket with the legend colour', () => {
    const layer = buildLayer(report);
    expect(technique(layer, 'T1027').color).toBe(GAP_COLOR);
    expect(technique(layer, 'T1059').color).toBe(PARTIAL_COLOR);
    expect(technique(layer, 'T1611')).toMatchObject({ score: 3, color: COVERED_COLORS[2] });
    const one = buildLayer(patched('T1611', { observingRules: ['Escape attempt'] }));
    expect(technique(one, 'T1611')).toMatchObject({ score: 1, color: COVERED_COLORS[0] });
    const five = buildLayer(patched('T1611', { observingRules: ['a', 'b', 'c', 'd', 'e'] }));
    expect(technique(five, 'T1611')).toMatchObject({ score: 5, color: COVERED_COLORS[3] });
  });
  it('cover in-scope techniques only, scored by the --score mode', () => {
    const ids = buildLayer(report).techniques.map((t) => t.techniqueID);
    expect(ids).toEqual(report.techniques.filter((t) => t.inScope).map((t) => t.id));
    const critical: CoverageReport = structuredClone(report);
    for (const r of critical.rules) r.priority = 'CRITICAL';
    expect(technique(buildLayer(critical, 'priority'), 'T1611').score).toBe(6);
    expect(technique(buildLayer(critical), 'T1611').score).toBe(3);
    const rendered = JSON.parse(layerReporter.render(critical, { outDir: '/', score: 'priority' })) as ReturnType<typeof buildLayer>;
    expect(technique(rendered, 'T1611').score).toBe(6);
    expect(layerReporter.validate!(layerReporter.render(critical, { outDir: '/' }))).toEqual([]);
    expect(layerReporter.validate!(JSON.stringify({ name: 'x' }))).not.toEqual([]);
  });
});

describe('the layer shell', () => {
  it('describes the run, the rules files and the scope in its metadata', () => {
    const layer = buildLayer(report);
    expect(layer.name).toBe('Falco rules coverage (ATT&CK mini)');
    expect(layer.description).toBe(`attack-cov test: ${report.summary.rules.enabled} enabled Falco rules; ${report.summary.techniques.percent}% of in-scope techniques covered or partly covered. Score = enabled rules tagging the technique whose source observes one of its in-scope platforms.`);
    expect(layer.metadata).toEqual([
      { name: 'generated by', value: 'attack-cov test' },
      { name: 'generated at', value: report.generatedAt },
      ...report.inputs.rules.map((r) => ({ name: 'rules file', value: r.path })),
      { name: 'scope', value: 'Containers, Linux' },
    ]);
    expect(layer.domain).toBe(report.inputs.attack.domain);
  });
  it('sets Navigator to show what attack-cov paints', () => {
    const shell = layerShell(report, 'n', 'd');
    expect(shell).toMatchObject({ name: 'n', description: 'd', sorting: 3, hideDisabled: false, selectTechniquesAcrossTactics: true, selectSubtechniquesWithParent: false, selectVisibleTechniques: false });
    expect(shell.layout).toEqual({ layout: 'side', showID: true, showName: true, showAggregateScores: false, countUnscored: false, aggregateFunction: 'max', expandedSubtechniques: 'annotated' });
    expect(shell.metadata).toHaveLength(3);
  });
  it('names the ATT&CK major version only when the version starts with one', () => {
    const at = (version: string) => layerShell({ ...report, inputs: { ...report.inputs, attack: { ...report.inputs.attack, version } } }, 'n', 'd').versions;
    expect(at('18.1')).toEqual({ attack: '18', navigator: '5.1.0', layer: '4.5' });
    expect(at('v18.1')).toEqual({ navigator: '5.1.0', layer: '4.5' });
    expect(at('18')).toEqual({ navigator: '5.1.0', layer: '4.5' });
  });
  it('has a legend of gap, partial and the four score buckets, and a gradient that paints the same', () => {
    const layer = buildLayer(report);
    expect(layer.legendItems).toEqual([
      { label: 'gap: no enabled rule', color: GAP_COLOR },
      { label: 'partly covered (sub-techniques only)', color: PARTIAL_COLOR },
      { label: '1 enabled rule', color: COVERED_COLORS[0] },
      { label: '2 enabled rules', color: COVERED_COLORS[1] },
      { label: '3 enabled rules', color: COVERED_COLORS[2] },
      { label: '4+ enabled rules', color: COVERED_COLORS[3] },
    ]);
    const [c1, c2, c3, c4] = COVERED_COLORS;
    expect(layerGradient()).toEqual({ colors: [c1, c2, c2, c2, c2, c2, c3, c3, c3, c3, c3, c3, c4, c4, c4, c4, c4], minValue: 1, maxValue: 4 });
  });
});
